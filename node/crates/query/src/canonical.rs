//! Canonical JSON and spec ids.
//!
//! The canonical form of a JSON document: object members sorted by key (by Unicode code
//! point), no insignificant whitespace, strings escaped as `serde_json` does (only `"`, `\`
//! and control characters), and numbers normalised: every number with an integral value
//! (whatever its spelling, `1`, `1.0`, `1e0`, `-0`) is written as a plain integer
//! when it fits in 64 bits, and any other number in the shortest form that reads back as
//! the same IEEE 754 double (`0.5`, `1e-7`). The id of a spec is `sha256:` followed by the
//! lower-case hex SHA-256 of the UTF-8 bytes of its canonical form, so a permit names
//! exactly what was approved, whatever the layout of the approved file.

use serde_json::{Number, Value};
use sha2::{Digest, Sha256};

/// The canonical JSON text of `value`.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

/// `sha256:` + hex SHA-256 of the canonical JSON of `value`.
pub fn spec_id(value: &Value) -> String {
    let digest = Sha256::digest(canonical_json(value).as_bytes());
    format!("sha256:{}", hex::encode(digest))
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            members.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, member)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, key);
                out.push(':');
                write_value(out, member);
            }
            out.push('}');
        }
    }
}

fn write_string(out: &mut String, s: &str) {
    out.push_str(&serde_json::to_string(s).expect("a string always serialises"));
}

fn write_number(out: &mut String, n: &Number) {
    if let Some(i) = n.as_i64() {
        out.push_str(&i.to_string());
        return;
    }
    if let Some(u) = n.as_u64() {
        out.push_str(&u.to_string());
        return;
    }
    let f = n.as_f64().unwrap_or(f64::NAN);
    if f.fract() == 0.0 && f.abs() < 9.0e18 {
        // Integral values, including 1.0 and 1e2 and -0.0, are written as integers.
        #[allow(clippy::cast_possible_truncation)]
        let i = f as i64;
        out.push_str(&i.to_string());
        return;
    }
    // serde_json writes finite doubles in their shortest round-trip form.
    match Number::from_f64(f) {
        Some(num) => out.push_str(&num.to_string()),
        None => out.push_str("null"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_are_normalised() {
        let a: Value = serde_json::from_str(r#"{"b":1.0,"a":[1e2,-0.0,0.50,2.5e-7]}"#).unwrap();
        assert_eq!(canonical_json(&a), r#"{"a":[100,0,0.5,2.5e-7],"b":1}"#);
    }

    #[test]
    fn keys_sorted_and_escaped() {
        let a = json!({"é": "x\"y", "a": {"z": null, "b": true}});
        assert_eq!(
            canonical_json(&a),
            r#"{"a":{"b":true,"z":null},"é":"x\"y"}"#
        );
    }
}
