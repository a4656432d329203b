//! Generates a synthetic EDS and prints what was written.
//!
//! ```text
//! cargo run --release -p hublot-omop --example synth -- sqlite /tmp/eds.sqlite 100000 [seed]
//! cargo run --release -p hublot-omop --example synth -- postgres postgres://postgres@127.0.0.1:5432/test 100000 [seed] [schema]
//! ```

use std::process::ExitCode;

use hublot_omop::synth::{self, SynthConfig};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: synth (sqlite PATH | postgres URL) PERSONS [SEED] [SCHEMA]";
    let (Some(backend), Some(target), Some(persons)) = (args.first(), args.get(1), args.get(2))
    else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let Ok(persons) = persons.parse::<u64>() else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let seed = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
    let config = SynthConfig::new(persons, seed);
    let result = match backend.as_str() {
        "sqlite" => synth::generate_sqlite(target, &config),
        "postgres" => {
            let schema = args.get(4).map_or("cdm", String::as_str);
            synth::generate_postgres(target, schema, &config)
        }
        _ => {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(summary) => {
            println!(
                "{backend}: {persons} persons, seed {seed}, {:.2?}",
                summary.elapsed
            );
            for (table, rows) in &summary.rows {
                println!("  {table:<22} {rows:>10}");
            }
            for (concept, visits) in &summary.visits_by_concept {
                println!("  visit_concept_id {concept:<5} {visits:>10}");
            }
            println!("  ER visits without code {:>8}", summary.er_visits_uncoded);
            println!("  profile {:?}", summary.profile);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
