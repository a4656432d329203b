//! Validates Turtle files the way Hublot's node does and prints the text report.
//!
//! `cargo run -p hublot-shacl --example validate_healthdcat -- FILE.ttl… [--json]`
//! Exit status: 0 conforms, 1 violations, 2 unreadable input.

use hublot_shacl::Shapes;
use hublot_shacl::healthdcat::HealthDcatValidator;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    let mut data = oxrdf::Graph::new();
    for file in args.iter().filter(|a| !a.starts_with("--")) {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("cannot read {file}: {e}");
                return ExitCode::from(2);
            }
        };
        let base = format!("file:///input/{}", file.trim_start_matches('/'));
        match Shapes::parse_turtle(&text, &base) {
            Ok(g) => {
                for t in &g {
                    data.insert(t);
                }
            }
            Err(e) => {
                eprintln!("cannot parse {file}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let validator = match HealthDcatValidator::embedded() {
        Ok(v) => v,
        Err(e) => {
            eprintln!("cannot load the shapes: {e}");
            return ExitCode::from(2);
        }
    };
    let started = std::time::Instant::now();
    let report = validator.validate(&data);
    let elapsed = started.elapsed();
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report.to_json()).unwrap_or_default()
        );
    } else {
        print!("{}", report.to_text());
        eprintln!("validated {} triples in {elapsed:?}", data.len());
    }
    if report.conforms() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
