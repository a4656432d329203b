//! Splitting an RDF document into catalogue records.
//!
//! A record is one `dcat:Dataset` with everything that describes it: the triples of every
//! resource reachable from the dataset (distributions, agents, contact points, periods,
//! variable dictionaries, vocabulary concepts…), stopping at other datasets. Records are
//! keyed by the dataset's `dct:identifier`, which is how imports upsert and deletes target.
//! Triples that no dataset reaches (e.g. labels of vocabulary terms listed at the end of a
//! file) are kept with every record of the document, so an import never drops a triple.

use crate::error::CatalogueError;
use crate::vocab::{DCAT_DATASET, DCT_IDENTIFIER, RDF_TYPE};
use oxrdf::{Graph, NamedNodeRef, NamedOrBlankNode, Term, TermRef, Triple};
use std::collections::{BTreeMap, HashSet, VecDeque};

/// One dataset and its description.
#[derive(Debug, Clone)]
pub struct Record {
    /// The dataset's `dct:identifier`.
    pub identifier: String,
    /// The dataset's IRI (or blank node label).
    pub dataset: NamedOrBlankNode,
    /// The record's triples.
    pub graph: Graph,
}

/// Characters allowed in identifiers used in URLs (`/datasets/{id}`).
pub fn check_identifier(id: &str) -> Result<(), CatalogueError> {
    let ok = !id.is_empty()
        && id.len() <= 200
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | ':'))
        && !id.starts_with('.');
    if ok {
        Ok(())
    } else {
        Err(CatalogueError::InvalidRecord(format!(
            "dct:identifier {id:?} cannot be used as a record key: use 1 to 200 characters among letters, digits, '-', '_', '.', '~' and ':' (not starting with '.')"
        )))
    }
}

/// Splits a document into records. Fails when the document holds no dataset, when a dataset
/// has no (or more than one) `dct:identifier`, or when two datasets share one.
pub fn split(graph: &Graph) -> Result<Vec<Record>, CatalogueError> {
    let rdf_type = NamedNodeRef::new_unchecked(RDF_TYPE);
    let dataset_class = NamedNodeRef::new_unchecked(DCAT_DATASET);
    let identifier = NamedNodeRef::new_unchecked(DCT_IDENTIFIER);
    let datasets: Vec<NamedOrBlankNode> = graph
        .subjects_for_predicate_object(rdf_type, dataset_class)
        .map(|s| s.into_owned())
        .collect();
    if datasets.is_empty() {
        return Err(CatalogueError::InvalidRecord(
            "the document describes no dcat:Dataset".into(),
        ));
    }
    let dataset_set: HashSet<NamedOrBlankNode> = datasets.iter().cloned().collect();
    let mut by_id: BTreeMap<String, Record> = BTreeMap::new();
    let mut reached: HashSet<Triple> = HashSet::new();
    for ds in &datasets {
        let subject = ds.clone();
        let ids: Vec<String> = graph
            .objects_for_subject_predicate(&subject, identifier)
            .filter_map(|o| match o {
                TermRef::Literal(l) => Some(l.value().trim().to_owned()),
                TermRef::NamedNode(n) => Some(n.as_str().to_owned()),
                _ => None,
            })
            .collect();
        let id = match ids.as_slice() {
            [one] => one.clone(),
            [] => {
                return Err(CatalogueError::InvalidRecord(format!(
                    "dataset {ds} has no dct:identifier; every dataset needs one to be stored and updated"
                )));
            }
            many => {
                return Err(CatalogueError::InvalidRecord(format!(
                    "dataset {ds} has {} dct:identifier values ({}); exactly one is needed as the record key",
                    many.len(),
                    many.join(", ")
                )));
            }
        };
        check_identifier(&id)?;
        let mut record_graph = Graph::new();
        let mut seen: HashSet<NamedOrBlankNode> = HashSet::new();
        let mut queue: VecDeque<NamedOrBlankNode> = VecDeque::from([subject.clone()]);
        seen.insert(subject.clone());
        while let Some(s) = queue.pop_front() {
            for t in graph.triples_for_subject(&s) {
                record_graph.insert(t);
                reached.insert(t.into_owned());
                let next = match t.object {
                    TermRef::NamedNode(n) => NamedOrBlankNode::NamedNode(n.into_owned()),
                    TermRef::BlankNode(b) => NamedOrBlankNode::BlankNode(b.into_owned()),
                    _ => continue,
                };
                if !dataset_set.contains(&next) && seen.insert(next.clone()) {
                    queue.push_back(next);
                }
            }
        }
        if by_id.contains_key(&id) {
            return Err(CatalogueError::InvalidRecord(format!(
                "two datasets share dct:identifier {id:?}"
            )));
        }
        by_id.insert(
            id.clone(),
            Record {
                identifier: id,
                dataset: ds.clone(),
                graph: record_graph,
            },
        );
    }
    let leftovers: Vec<Triple> = graph
        .iter()
        .filter(|t| !reached.contains(&t.into_owned()))
        .map(|t| t.into_owned())
        .collect();
    let mut records: Vec<Record> = by_id.into_values().collect();
    if !leftovers.is_empty() {
        for r in &mut records {
            for t in &leftovers {
                r.graph.insert(t);
            }
        }
    }
    Ok(records)
}

/// The plain-literal values of a property on a subject, with their language tags.
pub fn lang_values(
    graph: &Graph,
    subject: &NamedOrBlankNode,
    predicate: &str,
) -> Vec<(String, String)> {
    graph
        .objects_for_subject_predicate(subject, NamedNodeRef::new_unchecked(predicate))
        .filter_map(|o| match o {
            TermRef::Literal(l) => Some((
                l.language().unwrap_or_default().to_owned(),
                l.value().to_owned(),
            )),
            _ => None,
        })
        .collect()
}

/// The IRI or blank node objects of a property.
pub fn resource_values(
    graph: &Graph,
    subject: &NamedOrBlankNode,
    predicate: &str,
) -> Vec<NamedOrBlankNode> {
    graph
        .objects_for_subject_predicate(subject, NamedNodeRef::new_unchecked(predicate))
        .filter_map(|o| match o.into_owned() {
            Term::NamedNode(n) => Some(NamedOrBlankNode::NamedNode(n)),
            Term::BlankNode(b) => Some(NamedOrBlankNode::BlankNode(b)),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{RdfFormatName, parse_rdf};

    const TWO: &str = r#"
@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix ex: <http://example.org/> .
ex:a a dcat:Dataset ; dct:identifier "A" ; dct:publisher ex:org ; dcat:distribution [ dct:title "dist a" ] .
ex:b a dcat:Dataset ; dct:identifier "B" ; dct:publisher ex:org ; dct:relation ex:a .
ex:org dct:title "Org" .
ex:orphan dct:title "kept" .
"#;

    #[test]
    fn splits_by_identifier_with_closure_and_leftovers() {
        let g = parse_rdf(TWO.as_bytes(), RdfFormatName::Turtle, None).unwrap();
        let records = split(&g).unwrap();
        assert_eq!(records.len(), 2);
        let a = &records[0];
        assert_eq!(a.identifier, "A");
        // 4 on the dataset + the distribution's title + org + orphan
        assert_eq!(a.graph.len(), 4 + 1 + 1 + 1);
        let b = &records[1];
        // b's relation to a does not pull a's description in
        assert_eq!(b.graph.len(), 4 + 1 + 1);
        // the union of the records is the document
        let mut union = Graph::new();
        for r in &records {
            union.extend(r.graph.iter());
        }
        assert_eq!(union.len(), g.len());
    }

    #[test]
    fn refuses_missing_and_duplicate_identifiers() {
        let g = parse_rdf(
            b"<http://e/a> a <http://www.w3.org/ns/dcat#Dataset> .",
            RdfFormatName::Turtle,
            None,
        )
        .unwrap();
        assert!(
            split(&g)
                .unwrap_err()
                .to_string()
                .contains("no dct:identifier")
        );
        let g = parse_rdf(
            b"@prefix dct: <http://purl.org/dc/terms/> . <http://e/a> a <http://www.w3.org/ns/dcat#Dataset> ; dct:identifier \"X\" . <http://e/b> a <http://www.w3.org/ns/dcat#Dataset> ; dct:identifier \"X\" .",
            RdfFormatName::Turtle,
            None,
        )
        .unwrap();
        assert!(split(&g).unwrap_err().to_string().contains("share"));
        let g = parse_rdf(
            b"<http://e/a> <http://e/p> 1 .",
            RdfFormatName::Turtle,
            None,
        )
        .unwrap();
        assert!(
            split(&g)
                .unwrap_err()
                .to_string()
                .contains("no dcat:Dataset")
        );
    }

    #[test]
    fn identifiers_must_be_url_safe() {
        assert!(check_identifier("EU-HDCA-R7-ONCOLOGY-EHRS-2024").is_ok());
        assert!(check_identifier("a/b").is_err());
        assert!(check_identifier("").is_err());
        assert!(check_identifier("..").is_err());
    }
}
