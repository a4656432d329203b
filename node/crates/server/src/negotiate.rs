//! Content negotiation for the RDF endpoints.

use hublot_catalogue::format::RdfFormatName;

/// Picks an RDF syntax from an `Accept` header (q-values and wildcards honoured). `None`
/// when the client accepts none of them; Turtle when it sends no preference.
pub fn rdf_format(accept: Option<&str>) -> Option<RdfFormatName> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Some(RdfFormatName::Turtle);
    };
    type Key = (f32, u8, std::cmp::Reverse<usize>);
    let mut best: Option<(Key, RdfFormatName)> = None;
    for (order, item) in accept.split(',').enumerate() {
        let mut parts = item.split(';');
        let range = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let mut q = 1.0f32;
        for p in parts {
            if let Some(v) = p.trim().strip_prefix("q=") {
                q = v.trim().parse().unwrap_or(0.0);
            }
        }
        if q <= 0.0 {
            continue;
        }
        let format = match range.as_str() {
            "*/*" | "text/*" | "application/*" | "text/html" | "application/xhtml+xml" => {
                Some(RdfFormatName::Turtle)
            }
            "application/json" => Some(RdfFormatName::JsonLd),
            "text/plain" => None,
            other => RdfFormatName::from_media_type(other),
        };
        let Some(format) = format else { continue };
        // At equal q, an explicit type beats a wildcard, then the earlier item wins.
        let key: Key = (q, u8::from(!range.contains('*')), std::cmp::Reverse(order));
        if best
            .as_ref()
            .is_none_or(|(k, _)| key.partial_cmp(k) == Some(std::cmp::Ordering::Greater))
        {
            best = Some((key, format));
        }
    }
    best.map(|(_, f)| f)
}

/// The syntax named by a path suffix (`/catalog.ttl`, `/datasets/x.jsonld`).
pub fn suffix_format(suffix: &str) -> Option<RdfFormatName> {
    match suffix {
        "ttl" => Some(RdfFormatName::Turtle),
        "jsonld" => Some(RdfFormatName::JsonLd),
        "rdf" => Some(RdfFormatName::RdfXml),
        "nt" => Some(RdfFormatName::NTriples),
        "nq" => Some(RdfFormatName::NQuads),
        "trig" => Some(RdfFormatName::TriG),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation() {
        assert_eq!(rdf_format(None), Some(RdfFormatName::Turtle));
        assert_eq!(
            rdf_format(Some("application/ld+json")),
            Some(RdfFormatName::JsonLd)
        );
        assert_eq!(
            rdf_format(Some("text/turtle;q=0.5, application/rdf+xml")),
            Some(RdfFormatName::RdfXml)
        );
        assert_eq!(
            rdf_format(Some("*/*;q=0.1, application/n-triples;q=0.9")),
            Some(RdfFormatName::NTriples)
        );
        assert_eq!(rdf_format(Some("image/png")), None);
        assert_eq!(rdf_format(Some("text/turtle;q=0")), None);
        assert_eq!(
            rdf_format(Some("text/html,application/xhtml+xml,*/*;q=0.8")),
            Some(RdfFormatName::Turtle)
        );
    }
}
