//! SHACL-SPARQL SELECT-based constraints (`sh:sparql [ sh:select "…" ]`), evaluated
//! by oxigraph's SPARQL engine directly on the indexed data graph.
//!
//! `$this` is pre-bound to the focus node through oxigraph's variable substitution
//! (the SPARQL equivalent of a `VALUES` clause), so focus nodes that are blank nodes
//! or literals work, and so does a `SELECT $this` projection. `$PATH` is replaced by
//! the property shape's path when the shapes are compiled, and `$currentShape` is
//! pre-bound when the query mentions it.

use crate::ShaclError;
use crate::data::DataGraph;
use oxigraph::sparql::{QueryEvaluationError, QueryResults, SparqlEvaluator, Variable};
use oxrdf::Term;

/// One `sh:sparql` constraint of a shape.
#[derive(Debug)]
pub(crate) struct SparqlConstraint {
    pub node: Term,
    pub query: String,
    pub message: Option<String>,
    pub deactivated: bool,
    mentions_current_shape: bool,
}

/// One solution of a SELECT constraint: a validation result.
#[derive(Debug)]
pub(crate) struct SparqlRow {
    pub this: Option<Term>,
    pub path: Option<Term>,
    pub value: Option<Term>,
    pub message: Option<String>,
}

/// What a SELECT constraint produced for one focus node.
#[derive(Debug)]
pub(crate) enum SparqlOutcome {
    Rows(Vec<SparqlRow>),
    /// The query bound `?failure` to true, or could not be evaluated.
    Failure(String),
}

impl SparqlConstraint {
    pub(crate) fn new(
        node: Term,
        query: String,
        message: Option<String>,
        deactivated: bool,
    ) -> Result<Self, ShaclError> {
        let _syntax_checked = SparqlEvaluator::new()
            .parse_query(&query)
            .map_err(|e| ShaclError::Sparql(format!("in the sh:select of {node}: {e}")))?;
        let mentions_current_shape =
            query.contains("$currentShape") || query.contains("?currentShape");
        Ok(Self {
            node,
            query,
            message,
            deactivated,
            mentions_current_shape,
        })
    }

    pub(crate) fn evaluate(&self, data: &DataGraph, focus: &Term, shape: &Term) -> SparqlOutcome {
        let mut bindings = vec![(var("this"), focus.clone())];
        if self.mentions_current_shape {
            bindings.push((var("currentShape"), shape.clone()));
        }
        loop {
            match self.run(data, &bindings) {
                Ok(outcome) => return outcome,
                Err(QueryEvaluationError::NotExistingSubstitutedVariable(v)) => {
                    // The query does not use that variable at all: nothing to pre-bind.
                    bindings.retain(|(b, _)| *b != v);
                }
                Err(e) => {
                    return SparqlOutcome::Failure(format!(
                        "the SPARQL constraint {} could not be evaluated: {e}",
                        self.node
                    ));
                }
            }
        }
    }

    fn run(
        &self,
        data: &DataGraph,
        bindings: &[(Variable, Term)],
    ) -> Result<SparqlOutcome, QueryEvaluationError> {
        let mut prepared = match SparqlEvaluator::new().parse_query(&self.query) {
            Ok(p) => p,
            Err(e) => {
                return Ok(SparqlOutcome::Failure(format!(
                    "the sh:select of {} does not parse: {e}",
                    self.node
                )));
            }
        };
        for (v, t) in bindings {
            prepared = prepared.substitute_variable(v.clone(), t.clone());
        }
        let QueryResults::Solutions(solutions) = prepared.on_queryable_dataset(data).execute()?
        else {
            return Ok(SparqlOutcome::Failure(format!(
                "the sh:select of {} is not a SELECT query",
                self.node
            )));
        };
        let mut rows: Vec<SparqlRow> = Vec::new();
        for solution in solutions {
            let solution = solution?;
            if let Some(Term::Literal(l)) = solution.get("failure")
                && matches!(l.value(), "true" | "1")
            {
                return Ok(SparqlOutcome::Failure(format!(
                    "the SPARQL constraint {} reported a failure",
                    self.node
                )));
            }
            let this = solution.get("this").cloned();
            let path = solution.get("path").cloned();
            let value = solution.get("value").cloned();
            if rows
                .iter()
                .any(|r| r.this == this && r.path == path && r.value == value)
            {
                continue;
            }
            let message = self.message.as_ref().map(|m| {
                let mut text = m.clone();
                for (v, t) in solution.iter() {
                    let shown = match t {
                        Term::Literal(l) => l.value().to_owned(),
                        Term::NamedNode(n) => n.as_str().to_owned(),
                        other => other.to_string(),
                    };
                    text = text
                        .replace(&format!("{{?{}}}", v.as_str()), &shown)
                        .replace(&format!("{{${}}}", v.as_str()), &shown);
                }
                text
            });
            rows.push(SparqlRow {
                this,
                path,
                value,
                message,
            });
        }
        Ok(SparqlOutcome::Rows(rows))
    }
}

fn var(name: &str) -> Variable {
    Variable::new_unchecked(name)
}
