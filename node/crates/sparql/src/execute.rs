//! Query evaluation with a hard deadline and a bounded result size.
//!
//! Each query is evaluated on a dedicated worker thread while the calling
//! thread waits for at most the configured timeout. At the deadline the
//! caller cancels the evaluation through oxigraph's [`CancellationToken`]
//! (checked by the evaluator every time it reads from the store) and answers
//! 503 immediately, so a pathological query can never hold the caller much
//! longer than the timeout, even if it spends a long time in a phase where
//! the evaluator does not look at the token (sorting, hashing). The worker
//! then stops at its next cancellation check and is counted as "abandoned"
//! until it does; new queries are refused with 503 while too many abandoned
//! workers are still winding down.

use crate::error::SparqlError;
use crate::format::{GraphFormat, OutputFormat, ResultsFormat};
use crate::protocol::{DatasetSource, PreparedQuery};
use crate::{SparqlLimits, SparqlResponse};
use oxigraph::io::RdfSerializer;
use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode};
use oxigraph::sparql::results::QueryResultsSerializer;
use oxigraph::sparql::{
    CancellationToken, DefaultServiceHandler, QueryEvaluationError, QueryResults,
    QuerySolutionIter, QueryTripleIter, SparqlEvaluator,
};
use oxigraph::store::Store;
use oxiri::Iri;
use spargebra::algebra::GraphPattern;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::mpsc::{RecvTimeoutError, sync_channel};
use std::thread;
use std::time::{Duration, Instant};

/// How many timed-out evaluations may still be winding down before new
/// queries are refused.
const MAX_ABANDONED_WORKERS: usize = 4;

/// Evaluations that timed out and whose worker thread has not finished yet.
static ABANDONED_WORKERS: AtomicUsize = AtomicUsize::new(0);

const RUNNING: u8 = 0;
const FINISHED: u8 = 1;
const ABANDONED: u8 = 2;

/// Number of timed-out query evaluations still running in the background
/// (they stop at their next cancellation check). Exposed for metrics.
pub fn abandoned_evaluations() -> usize {
    ABANDONED_WORKERS.load(Ordering::SeqCst)
}

/// Evaluates a prepared query and serialises its result in the negotiated
/// format. Blocking: the server should call it from a blocking-task pool.
///
/// Returns [`SparqlError::Timeout`] at most shortly after
/// `limits.timeout`, and [`SparqlError::TooManyResults`] as soon as the
/// `limits.max_results + 1`-th row or triple is produced.
pub fn execute(
    store: &Store,
    query: &PreparedQuery,
    limits: &SparqlLimits,
) -> Result<SparqlResponse, SparqlError> {
    let started = Instant::now();
    let deadline = started.checked_add(limits.timeout);
    if ABANDONED_WORKERS.load(Ordering::SeqCst) >= MAX_ABANDONED_WORKERS {
        return Err(SparqlError::Overloaded);
    }

    let token = CancellationToken::new();
    let state = Arc::new(AtomicU8::new(RUNNING));
    let (sender, receiver) = sync_channel(1);
    let worker = {
        let store = store.clone();
        let query = query.clone();
        let token = token.clone();
        let state = Arc::clone(&state);
        let max_results = limits.max_results;
        let timeout = limits.timeout;
        move || {
            let result = evaluate(&store, &query, token, deadline, timeout, max_results);
            // The receiver may be gone after a timeout; nothing to do then.
            let _ = sender.send(result);
            if state
                .compare_exchange(RUNNING, FINISHED, Ordering::SeqCst, Ordering::SeqCst)
                .is_err()
            {
                // The caller gave up on us and counted us as abandoned.
                ABANDONED_WORKERS.fetch_sub(1, Ordering::SeqCst);
                tracing::debug!("abandoned SPARQL evaluation has stopped");
            }
        }
    };
    thread::Builder::new()
        .name("hublot-sparql".to_owned())
        .spawn(worker)
        .map_err(|e| SparqlError::Internal(format!("cannot start the evaluation thread: {e}")))?;

    let wait = deadline.map_or(Duration::MAX, |d| {
        d.saturating_duration_since(Instant::now())
    });
    let result = match receiver.recv_timeout(wait) {
        Ok(result) => result,
        Err(RecvTimeoutError::Timeout) => {
            token.cancel();
            // Count first, so that the worker's decrement can never precede
            // this increment.
            ABANDONED_WORKERS.fetch_add(1, Ordering::SeqCst);
            if state
                .compare_exchange(RUNNING, ABANDONED, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
            {
                tracing::warn!(
                    timeout_ms = limits.timeout.as_millis() as u64,
                    query = %truncate(query.text(), 300),
                    "SPARQL query cancelled after timeout"
                );
                Err(SparqlError::Timeout {
                    timeout: limits.timeout,
                })
            } else {
                // The worker finished right at the deadline; its result has
                // already been sent.
                ABANDONED_WORKERS.fetch_sub(1, Ordering::SeqCst);
                receiver.try_recv().unwrap_or(Err(SparqlError::Timeout {
                    timeout: limits.timeout,
                }))
            }
        }
        Err(RecvTimeoutError::Disconnected) => Err(SparqlError::Internal(
            "the evaluation thread stopped unexpectedly".to_owned(),
        )),
    };
    match &result {
        Ok(response) => tracing::debug!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            bytes = response.body.len(),
            form = query.form().keyword(),
            "SPARQL query answered"
        ),
        Err(error) => tracing::debug!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            status = error.status(),
            %error,
            "SPARQL query failed"
        ),
    }
    result
}

/// Refuses every SERVICE call. Installed as the evaluator's default service
/// handler so that no HTTP client is ever used, whatever oxigraph features
/// the rest of the build enables. Queries with SERVICE are already refused
/// by `prepare`; this is a second line of defence.
struct RefuseServices;

impl DefaultServiceHandler for RefuseServices {
    type Error = QueryEvaluationError;

    fn handle(
        &self,
        service_name: &NamedNode,
        _pattern: &GraphPattern,
        _base_iri: Option<&Iri<String>>,
    ) -> Result<QuerySolutionIter<'static>, Self::Error> {
        Err(QueryEvaluationError::UnsupportedService(
            service_name.clone(),
        ))
    }
}

/// Runs on the worker thread: evaluation and serialisation.
pub(crate) fn evaluate(
    store: &Store,
    query: &PreparedQuery,
    token: CancellationToken,
    deadline: Option<Instant>,
    timeout: Duration,
    max_results: usize,
) -> Result<SparqlResponse, SparqlError> {
    let mut prepared = SparqlEvaluator::new()
        .with_default_service_handler(RefuseServices)
        .with_cancellation_token(token)
        .for_query(query.query.clone());
    match &query.dataset {
        DatasetSource::UnionDefaultGraph => prepared.dataset_mut().set_default_graph_as_union(),
        // Already taken from the query by `for_query`.
        DatasetSource::QueryClauses => {}
        DatasetSource::Protocol {
            default_graphs,
            named_graphs,
        } => {
            let dataset = prepared.dataset_mut();
            dataset.set_default_graph(
                default_graphs
                    .iter()
                    .cloned()
                    .map(GraphName::NamedNode)
                    .collect(),
            );
            dataset.set_available_named_graphs(
                named_graphs
                    .iter()
                    .cloned()
                    .map(NamedOrBlankNode::NamedNode)
                    .collect(),
            );
        }
    }
    let results = prepared
        .on_store(store)
        .execute()
        .map_err(|e| evaluation_error(e, timeout))?;
    let limits = Budget {
        deadline,
        timeout,
        max_results,
    };

    let body = match (results, query.format) {
        (QueryResults::Solutions(solutions), OutputFormat::Results(format)) => {
            serialize_solutions(solutions, format, &limits)?
        }
        (QueryResults::Boolean(value), OutputFormat::Results(format)) => {
            QueryResultsSerializer::from_format(format.to_oxigraph())
                .serialize_boolean_to_writer(Vec::new(), value)
                .map_err(io_error)?
        }
        (QueryResults::Graph(triples), OutputFormat::Graph(format)) => {
            serialize_triples(triples, format, &limits)?
        }
        _ => {
            return Err(SparqlError::Internal(
                "the negotiated format does not match the query form".to_owned(),
            ));
        }
    };
    Ok(SparqlResponse {
        content_type: query.format.content_type().to_owned(),
        body,
    })
}

struct Budget {
    deadline: Option<Instant>,
    timeout: Duration,
    max_results: usize,
}

impl Budget {
    /// Called before accepting the result number `count` (0-based).
    fn check(&self, count: usize, unit: &'static str) -> Result<(), SparqlError> {
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(SparqlError::Timeout {
                timeout: self.timeout,
            });
        }
        if count >= self.max_results {
            return Err(SparqlError::TooManyResults {
                limit: self.max_results,
                unit,
            });
        }
        Ok(())
    }
}

fn serialize_solutions(
    solutions: QuerySolutionIter<'_>,
    format: ResultsFormat,
    budget: &Budget,
) -> Result<Vec<u8>, SparqlError> {
    let mut serializer = QueryResultsSerializer::from_format(format.to_oxigraph())
        .serialize_solutions_to_writer(Vec::new(), solutions.variables().to_vec())
        .map_err(io_error)?;
    for (count, solution) in solutions.enumerate() {
        let solution = solution.map_err(|e| evaluation_error(e, budget.timeout))?;
        budget.check(count, "rows")?;
        serializer.serialize(&solution).map_err(io_error)?;
    }
    serializer.finish().map_err(io_error)
}

fn serialize_triples(
    triples: QueryTripleIter<'_>,
    format: GraphFormat,
    budget: &Budget,
) -> Result<Vec<u8>, SparqlError> {
    let mut serializer = RdfSerializer::from_format(format.to_oxigraph()).for_writer(Vec::new());
    for (count, triple) in triples.enumerate() {
        let triple = triple.map_err(|e| evaluation_error(e, budget.timeout))?;
        budget.check(count, "triples")?;
        serializer.serialize_triple(&triple).map_err(io_error)?;
    }
    serializer.finish().map_err(io_error)
}

fn evaluation_error(error: QueryEvaluationError, timeout: Duration) -> SparqlError {
    match error {
        QueryEvaluationError::Cancelled => SparqlError::Timeout { timeout },
        QueryEvaluationError::UnsupportedService(name) => SparqlError::ServiceRefused {
            service: name.to_string(),
        },
        QueryEvaluationError::Service(_)
        | QueryEvaluationError::UnboundService
        | QueryEvaluationError::InvalidServiceName(_) => SparqlError::ServiceRefused {
            service: "(dynamic service)".to_owned(),
        },
        other => SparqlError::Evaluation(other.to_string()),
    }
}

fn io_error(error: std::io::Error) -> SparqlError {
    SparqlError::Internal(format!("cannot serialise the results: {error}"))
}

fn truncate(text: &str, max_chars: usize) -> String {
    let mut chars = text.chars();
    let mut out: String = chars.by_ref().take(max_chars).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::QueryForm;
    use spargebra::SparqlParser;

    /// Even a SERVICE that slipped past `prepare` is never sent anywhere.
    #[test]
    fn evaluator_refuses_service_calls() {
        let text = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }";
        let query = PreparedQuery {
            text: text.to_owned(),
            query: SparqlParser::new().parse_query(text).unwrap(),
            form: QueryForm::Select,
            dataset: DatasetSource::UnionDefaultGraph,
            format: OutputFormat::Results(ResultsFormat::Json),
        };
        let err = evaluate(
            &Store::new().unwrap(),
            &query,
            CancellationToken::new(),
            None,
            Duration::from_secs(5),
            10,
        )
        .unwrap_err();
        assert!(matches!(err, SparqlError::ServiceRefused { .. }), "{err}");
        assert_eq!(err.status(), 403);
    }

    #[test]
    fn truncates_long_queries_for_logs() {
        assert_eq!(truncate("abcdef", 3), "abc…");
        assert_eq!(truncate("abc", 3), "abc");
    }
}
