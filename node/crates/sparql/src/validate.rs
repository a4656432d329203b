//! Static checks on the query before any evaluation: SERVICE clauses anywhere
//! in the algebra, and recognition of SPARQL Update requests.

use spargebra::Query;
use spargebra::algebra::{AggregateExpression, Expression, GraphPattern, OrderExpression};
use spargebra::term::NamedNodePattern;

/// Returns the name (IRI or variable) of the first `SERVICE` found anywhere
/// in the query: in nested groups, OPTIONAL, UNION, MINUS, sub-queries,
/// and in (NOT) EXISTS filters, BIND, aggregates and ORDER BY expressions.
pub(crate) fn find_service(query: &Query) -> Option<String> {
    let pattern = match query {
        Query::Select { pattern, .. }
        | Query::Construct { pattern, .. }
        | Query::Describe { pattern, .. }
        | Query::Ask { pattern, .. } => pattern,
    };
    service_in_pattern(pattern)
}

fn service_in_pattern(pattern: &GraphPattern) -> Option<String> {
    match pattern {
        GraphPattern::Service { name, .. } => Some(match name {
            NamedNodePattern::NamedNode(node) => node.to_string(),
            NamedNodePattern::Variable(variable) => variable.to_string(),
        }),
        GraphPattern::Bgp { .. } | GraphPattern::Path { .. } | GraphPattern::Values { .. } => None,
        GraphPattern::Join { left, right }
        | GraphPattern::Union { left, right }
        | GraphPattern::Minus { left, right }
        | GraphPattern::Lateral { left, right } => {
            service_in_pattern(left).or_else(|| service_in_pattern(right))
        }
        GraphPattern::LeftJoin {
            left,
            right,
            expression,
        } => service_in_pattern(left)
            .or_else(|| service_in_pattern(right))
            .or_else(|| expression.as_ref().and_then(service_in_expression)),
        GraphPattern::Filter { expr, inner } => {
            service_in_expression(expr).or_else(|| service_in_pattern(inner))
        }
        GraphPattern::Extend {
            inner, expression, ..
        } => service_in_pattern(inner).or_else(|| service_in_expression(expression)),
        GraphPattern::OrderBy { inner, expression } => service_in_pattern(inner).or_else(|| {
            expression.iter().find_map(|order| match order {
                OrderExpression::Asc(e) | OrderExpression::Desc(e) => service_in_expression(e),
            })
        }),
        GraphPattern::Group {
            inner, aggregates, ..
        } => service_in_pattern(inner).or_else(|| {
            aggregates
                .iter()
                .find_map(|(_, aggregate)| match aggregate {
                    AggregateExpression::CountSolutions { .. } => None,
                    AggregateExpression::FunctionCall { expr, .. } => service_in_expression(expr),
                })
        }),
        GraphPattern::Graph { inner, .. }
        | GraphPattern::Project { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Slice { inner, .. } => service_in_pattern(inner),
    }
}

fn service_in_expression(expression: &Expression) -> Option<String> {
    match expression {
        Expression::Exists(pattern) => service_in_pattern(pattern),
        Expression::NamedNode(_)
        | Expression::Literal(_)
        | Expression::Variable(_)
        | Expression::Bound(_) => None,
        Expression::Or(a, b)
        | Expression::And(a, b)
        | Expression::Equal(a, b)
        | Expression::SameTerm(a, b)
        | Expression::Greater(a, b)
        | Expression::GreaterOrEqual(a, b)
        | Expression::Less(a, b)
        | Expression::LessOrEqual(a, b)
        | Expression::Add(a, b)
        | Expression::Subtract(a, b)
        | Expression::Multiply(a, b)
        | Expression::Divide(a, b) => service_in_expression(a).or_else(|| service_in_expression(b)),
        Expression::UnaryPlus(e) | Expression::UnaryMinus(e) | Expression::Not(e) => {
            service_in_expression(e)
        }
        Expression::In(e, list) => {
            service_in_expression(e).or_else(|| list.iter().find_map(service_in_expression))
        }
        Expression::If(a, b, c) => service_in_expression(a)
            .or_else(|| service_in_expression(b))
            .or_else(|| service_in_expression(c)),
        Expression::Coalesce(list) | Expression::FunctionCall(_, list) => {
            list.iter().find_map(service_in_expression)
        }
    }
}

/// Keywords that can only start a SPARQL Update operation.
const UPDATE_KEYWORDS: &[&str] = &[
    "INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH",
];

/// Whether the first keyword after the prologue (BASE / PREFIX declarations
/// and comments) is one that only SPARQL Update uses. Used to refuse an
/// update with 403 even when it does not parse, instead of reporting a
/// confusing query syntax error.
pub(crate) fn starts_like_update(text: &str) -> bool {
    let mut rest = text;
    loop {
        rest = skip_blanks(rest);
        let word_len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let word = &rest[..word_len];
        rest = &rest[word_len..];
        if word.eq_ignore_ascii_case("PREFIX") {
            // PNAME_NS: everything up to and including the colon.
            rest = skip_blanks(rest);
            match rest.find(':') {
                Some(colon) => rest = &rest[colon + 1..],
                None => return false,
            }
            rest = skip_blanks(rest);
            match skip_iri(rest) {
                Some(after) => rest = after,
                None => return false,
            }
        } else if word.eq_ignore_ascii_case("BASE") {
            rest = skip_blanks(rest);
            match skip_iri(rest) {
                Some(after) => rest = after,
                None => return false,
            }
        } else {
            return UPDATE_KEYWORDS
                .iter()
                .any(|keyword| word.eq_ignore_ascii_case(keyword));
        }
    }
}

/// Skips white space and `#` comments.
fn skip_blanks(mut text: &str) -> &str {
    loop {
        text = text.trim_start();
        if let Some(comment) = text.strip_prefix('#') {
            text = comment.find(['\n', '\r']).map_or("", |end| &comment[end..]);
        } else {
            return text;
        }
    }
}

/// Skips an `<IRI>`.
fn skip_iri(text: &str) -> Option<&str> {
    let inner = text.strip_prefix('<')?;
    let end = inner.find('>')?;
    Some(&inner[end + 1..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use spargebra::SparqlParser;

    fn service(query: &str) -> Option<String> {
        find_service(&SparqlParser::new().parse_query(query).unwrap())
    }

    #[test]
    fn finds_services_everywhere() {
        assert_eq!(service("SELECT * WHERE { ?s ?p ?o }"), None);
        assert_eq!(
            service("SELECT * WHERE { SERVICE <http://e.x/sparql> { ?s ?p ?o } }").as_deref(),
            Some("<http://e.x/sparql>")
        );
        assert_eq!(
            service("SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT ?svc { ?s ?q ?v } } }")
                .as_deref(),
            Some("?svc")
        );
        for query in [
            "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://e.x/> { ?s ?p ?o } } } }",
            "SELECT * WHERE { ?s ?p ?o FILTER NOT EXISTS { SERVICE <http://e.x/> { ?s ?p ?o } } }",
            "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <http://e.x/> { ?s ?p ?o } } }",
            "SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { SERVICE <http://e.x/> { ?s ?p ?o } } } }",
            "SELECT * WHERE { ?s ?p ?o BIND(EXISTS { SERVICE <http://e.x/> { ?s ?p ?o } } AS ?b) }",
            "SELECT (COUNT(IF(EXISTS { SERVICE <http://e.x/> {} }, 1, 0)) AS ?c) WHERE { ?s ?p ?o }",
            "SELECT * WHERE { ?s ?p ?o } ORDER BY (EXISTS { SERVICE <http://e.x/> {} })",
            "ASK { SERVICE <http://e.x/> { ?s ?p ?o } }",
            "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://e.x/> { ?s ?p ?o } }",
            "DESCRIBE ?s WHERE { SERVICE <http://e.x/> { ?s ?p ?o } }",
        ] {
            assert!(service(query).is_some(), "SERVICE not found in {query}");
        }
    }

    #[test]
    fn recognises_update_keywords() {
        assert!(starts_like_update("INSERT DATA { <a:a> <a:b> <a:c> }"));
        assert!(starts_like_update(
            "# comment\nPREFIX ex: <http://e.x/#frag>\nBASE <http://e.x/>\n  delete where { ?s ?p }"
        ));
        assert!(starts_like_update("PREFIX : <http://e.x/> DROP ALL"));
        assert!(starts_like_update(
            "with <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"
        ));
        assert!(!starts_like_update("SELECT * WHERE { ?s ?p ?o }"));
        assert!(!starts_like_update(
            "PREFIX insert: <http://e.x/> SELECT * {}"
        ));
        assert!(!starts_like_update("SELEC * WHERE {}"));
        assert!(!starts_like_update(""));
        assert!(!starts_like_update("PREFIX ex"));
    }
}
