//! Agreement with Hublot's reference HealthDCAT-AP validator (pySHACL on the official
//! shapes): every example and broken variant is written to a temporary file and given
//! to `shared/tools/validate-healthdcat`; verdicts and top-level violation and warning
//! counts must be identical.
//!
//! The test fails when the tool is missing, unless `HUBLOT_SKIP_REFERENCE=1` is set (which
//! skips it, e.g. on machines that cannot install pySHACL).

mod common;

use hublot_shacl::healthdcat::HealthDcatValidator;
use regex::Regex;
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex};

struct Reference {
    exit: i32,
    counts: Option<(usize, usize)>,
    output: String,
}

fn reference_tool() -> Option<PathBuf> {
    if std::env::var("HUBLOT_SKIP_REFERENCE").as_deref() == Ok("1") {
        return None;
    }
    let tool = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../../shared/tools/validate-healthdcat");
    assert!(
        tool.exists(),
        "the reference validator {} does not exist; set HUBLOT_SKIP_REFERENCE=1 to skip this test",
        tool.display()
    );
    Some(tool)
}

fn run_reference(tool: &PathBuf, file: &PathBuf) -> Reference {
    let out = Command::new(tool)
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", tool.display()));
    let output =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let re = Regex::new(r"(\d+) dataset\(s\): (\d+) violation\(s\), (\d+) warning\(s\)").unwrap();
    let counts = re
        .captures(&output)
        .map(|c| (c[2].parse().unwrap(), c[3].parse().unwrap()));
    Reference {
        exit: out.status.code().unwrap_or(-1),
        counts,
        output,
    }
}

#[test]
fn reference_agreement() {
    let Some(tool) = reference_tool() else {
        eprintln!("HUBLOT_SKIP_REFERENCE=1: reference agreement skipped");
        return;
    };
    let validator = HealthDcatValidator::embedded().expect("embedded shapes load");
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = common::cases();
    let jobs: Vec<(usize, PathBuf)> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let path = dir.path().join(format!("{}.nt", c.name));
            std::fs::write(&path, common::to_ntriples(&c.graph)).expect("write case");
            (i, path)
        })
        .collect();

    // Two reference processes at a time (pySHACL is slow to start).
    let queue = Arc::new(Mutex::new(jobs));
    let results: Arc<Mutex<Vec<Option<Reference>>>> =
        Arc::new(Mutex::new((0..cases.len()).map(|_| None).collect()));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (queue, results, tool) = (Arc::clone(&queue), Arc::clone(&results), tool.clone());
            std::thread::spawn(move || {
                loop {
                    let Some((i, path)) = queue.lock().unwrap().pop() else {
                        break;
                    };
                    let r = run_reference(&tool, &path);
                    results.lock().unwrap()[i] = Some(r);
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("worker");
    }
    let results = Arc::try_unwrap(results).ok().unwrap().into_inner().unwrap();

    let mut table = String::from("case | reference (exit, V, W) | hublot (V, W)\n");
    let mut failures = Vec::new();
    for (case, reference) in cases.iter().zip(results) {
        let reference = reference.expect("reference ran");
        let ours = validator.validate(&case.graph);
        let (v, w) = (ours.violations(), ours.warnings());
        table.push_str(&format!(
            "{} | {}, {} | {v}, {w}\n",
            case.name,
            reference.exit,
            reference
                .counts
                .map_or("no counts".to_owned(), |(rv, rw)| format!("{rv}, {rw}")),
        ));
        if reference.exit == 2 || (reference.counts.is_none() && !case.verdict_only) {
            failures.push(format!(
                "{}: the reference failed:\n{}",
                case.name, reference.output
            ));
            continue;
        }
        let reference_conforms = reference.exit == 0;
        if reference_conforms != ours.conforms() {
            failures.push(format!(
                "{}: verdict differs (reference conforms={reference_conforms})\nreference:\n{}\nhublot:\n{}",
                case.name,
                reference.output,
                ours.to_text()
            ));
        } else if let Some((rv, rw)) = reference.counts
            && (rv, rw) != (v, w)
        {
            failures.push(format!(
                    "{}: counts differ: reference {rv} violation(s) {rw} warning(s), hublot {v} {w}\nreference:\n{}\nhublot:\n{}",
                    case.name,
                    reference.output,
                    ours.to_text()
                ));
        }
    }
    println!("{table}");
    assert!(failures.is_empty(), "{}\n\n{table}", failures.join("\n\n"));
}
