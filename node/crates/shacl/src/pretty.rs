//! Short, readable renderings of IRIs for messages and text reports.

use oxrdf::Term;

const PREFIXES: &[(&str, &str)] = &[
    ("sh", "http://www.w3.org/ns/shacl#"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("dcat", "http://www.w3.org/ns/dcat#"),
    ("dct", "http://purl.org/dc/terms/"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("vcard", "http://www.w3.org/2006/vcard/ns#"),
    ("adms", "http://www.w3.org/ns/adms#"),
    ("dcatap", "http://data.europa.eu/r5r/"),
    ("healthdcatap", "http://healthdataportal.eu/ns/health#"),
    ("cv", "http://data.europa.eu/m8g/"),
    ("dpv", "https://w3id.org/dpv#"),
    ("dqv", "http://www.w3.org/ns/dqv#"),
    ("csvw", "http://www.w3.org/ns/csvw#"),
    ("geodcatap", "http://data.europa.eu/930/"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("spdx", "http://spdx.org/rdf/terms#"),
    ("time", "http://www.w3.org/2006/time#"),
    ("locn", "http://www.w3.org/ns/locn#"),
    ("odrl", "http://www.w3.org/ns/odrl/2/"),
];

/// `prefix:local` for well-known namespaces (when the local part is a simple name),
/// `<iri>` otherwise.
pub fn iri(iri: &str) -> String {
    for (prefix, ns) in PREFIXES {
        if let Some(local) = iri.strip_prefix(ns)
            && !local.is_empty()
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return format!("{prefix}:{local}");
        }
    }
    format!("<{iri}>")
}

/// A term with IRIs shortened where possible.
pub fn term(t: &Term) -> String {
    match t {
        Term::NamedNode(n) => iri(n.as_str()),
        Term::Literal(l) => {
            let dt = l.datatype();
            if let Some(lang) = l.language() {
                format!("{:?}@{lang}", l.value())
            } else if dt.as_str() == "http://www.w3.org/2001/XMLSchema#string" {
                format!("{:?}", l.value())
            } else {
                format!("{:?}^^{}", l.value(), iri(dt.as_str()))
            }
        }
        other => other.to_string(),
    }
}

/// A SPARQL property path with its `<iri>`s shortened.
pub fn path(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('>') {
            Some(end) => {
                out.push_str(&iri(&after[..end]));
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn shortens() {
        assert_eq!(super::iri("http://purl.org/dc/terms/title"), "dct:title");
        assert_eq!(super::iri("http://example.org/x"), "<http://example.org/x>");
        assert_eq!(
            super::path("^<http://www.w3.org/ns/dcat#inSeries>/<http://x/y>"),
            "^dcat:inSeries/<http://x/y>"
        );
    }
}
