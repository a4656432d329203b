//! What the search index needs from a record: texts per language, keywords, the variable
//! dictionary (CSVW tables and columns) and the facet values.

use crate::records::{lang_values, resource_values};
use crate::vocab::*;
use hublot_search::{SearchDoc, Variable};
use oxrdf::{Graph, NamedNode, NamedNodeRef, NamedOrBlankNode, TermRef};

/// Builds the search document of one record.
pub fn search_doc(identifier: &str, dataset: &str, graph: &Graph) -> SearchDoc {
    let ds: NamedOrBlankNode = if let Some(label) = dataset.strip_prefix("_:") {
        oxrdf::BlankNode::new_unchecked(label).into()
    } else {
        NamedNode::new_unchecked(dataset).into()
    };
    let mut facets = Vec::new();
    for theme in resource_values(graph, &ds, DCAT_THEME) {
        facets.push(("theme".to_owned(), code_of(&theme)));
    }
    for cat in resource_values(graph, &ds, HEALTH_CATEGORY) {
        facets.push(("health_category".to_owned(), code_of(&cat)));
    }
    for rights in resource_values(graph, &ds, DCT_ACCESS_RIGHTS) {
        facets.push(("access_rights".to_owned(), code_of(&rights)));
    }
    for publisher in resource_values(graph, &ds, DCT_PUBLISHER) {
        let name = lang_values(graph, &publisher, FOAF_NAME)
            .into_iter()
            .map(|(_, v)| v)
            .next()
            .unwrap_or_else(|| code_of(&publisher));
        facets.push(("publisher".to_owned(), name));
    }
    let mut variables = Vec::new();
    for group in resource_values(graph, &ds, HAS_VARIABLES) {
        // A csvw:TableGroup with csvw:table, or directly a csvw:Table.
        let mut tables = resource_values(graph, &group, CSVW_TABLE);
        if tables.is_empty() {
            tables.push(group.clone());
        }
        for table in tables {
            let table_name = lang_values(graph, &table, DCT_TITLE)
                .into_iter()
                .map(|(_, v)| v)
                .next()
                .or_else(|| {
                    graph
                        .object_for_subject_predicate(&table, NamedNodeRef::new_unchecked(CSVW_URL))
                        .map(|o| match o {
                            TermRef::Literal(l) => l.value().to_owned(),
                            other => other.to_string(),
                        })
                });
            for column in resource_values(graph, &table, CSVW_COLUMN) {
                let name = lang_values(graph, &column, CSVW_NAME)
                    .into_iter()
                    .map(|(_, v)| v)
                    .next()
                    .unwrap_or_default();
                variables.push(Variable {
                    name,
                    labels: lang_values(graph, &column, CSVW_TITLE),
                    description: lang_values(graph, &column, DCT_DESCRIPTION),
                    table: table_name.clone(),
                });
            }
        }
    }
    SearchDoc {
        id: identifier.to_owned(),
        iri: dataset.to_owned(),
        titles: lang_values(graph, &ds, DCT_TITLE),
        descriptions: lang_values(graph, &ds, DCT_DESCRIPTION),
        keywords: lang_values(graph, &ds, DCAT_KEYWORD),
        variables,
        facets,
    }
}

/// The last segment of a vocabulary IRI (`…/access-right/PUBLIC` → `PUBLIC`).
fn code_of(node: &NamedOrBlankNode) -> String {
    match node {
        NamedOrBlankNode::NamedNode(n) => n
            .as_str()
            .trim_end_matches('/')
            .rsplit(['/', '#'])
            .next()
            .unwrap_or(n.as_str())
            .to_owned(),
        NamedOrBlankNode::BlankNode(b) => format!("_:{}", b.as_str()),
    }
}
