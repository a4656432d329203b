//! End-to-end tests with third-party RDF and SPARQL clients: rdflib and SPARQLWrapper
//! (Python) and Comunica (Node.js) harvest and query a demo node.
//!
//! The clients are installed on first use, outside the repository:
//! - a Python virtual environment in `$HOME/.cache/hublot-clients-venv` with rdflib and
//!   SPARQLWrapper (installed only when they cannot be imported);
//! - the packages of `tests/clients/package.json` (locked by `package-lock.json`) in
//!   `$HOME/.cache/hublot-clients-node` (installed again only when either file changes).
//!
//! A missing interpreter, a failed installation or a failing client fails the test.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const INSTALL_TIMEOUT: Duration = Duration::from_secs(30 * 60);
const CLIENT_TIMEOUT: Duration = Duration::from_secs(10 * 60);
const PYTHON_PACKAGES: [&str; 2] = ["rdflib", "SPARQLWrapper"];

fn clients_dir() -> PathBuf {
    repo_root().join("tests/clients")
}

fn must(what: &str, out: CommandOutput) -> CommandOutput {
    assert!(out.success(), "{what} failed: {}", out.report());
    out
}

fn python_can_import(python: &Path) -> bool {
    python.exists()
        && run_with_timeout(
            Command::new(python).args(["-c", "import rdflib, SPARQLWrapper"]),
            Duration::from_secs(120),
        )
        .success()
}

/// The Python interpreter of the clients' virtual environment, created and filled if needed.
fn python_clients() -> PathBuf {
    let venv = user_cache_dir("hublot-clients-venv");
    let python = venv.join("bin/python");
    let _lock = exclusive_lock(&user_cache_dir("hublot-clients-venv.lock"));
    if python_can_import(&python) {
        return python;
    }
    // A venv whose interpreter no longer runs (e.g. after a Python upgrade) is rebuilt.
    let usable = python.exists()
        && run_with_timeout(
            Command::new(&python).arg("--version"),
            Duration::from_secs(60),
        )
        .success();
    if !usable {
        if venv.exists() {
            std::fs::remove_dir_all(&venv).unwrap();
        }
        must(
            "creating the Python virtual environment (python3 -m venv)",
            run_with_timeout(
                Command::new("python3").args(["-m", "venv"]).arg(&venv),
                INSTALL_TIMEOUT,
            ),
        );
    }
    must(
        "pip install rdflib SPARQLWrapper",
        run_with_timeout(
            Command::new(&python)
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--disable-pip-version-check",
                    "--quiet",
                ])
                .args(PYTHON_PACKAGES),
            INSTALL_TIMEOUT,
        ),
    );
    assert!(
        python_can_import(&python),
        "rdflib and SPARQLWrapper are still not importable by {}",
        python.display()
    );
    python
}

/// The `node_modules` folder with the packages of `tests/clients/package.json`, installed
/// if missing or if `package.json` / `package-lock.json` changed since the last install.
fn node_clients() -> PathBuf {
    let cache = user_cache_dir("hublot-clients-node");
    let modules = cache.join("node_modules");
    let _lock = exclusive_lock(&user_cache_dir("hublot-clients-node.lock"));
    let manifest = std::fs::read(clients_dir().join("package.json")).unwrap();
    let lock = std::fs::read(clients_dir().join("package-lock.json")).ok();
    let mut stamp = manifest.clone();
    stamp.push(0);
    stamp.extend(lock.as_deref().unwrap_or_default());
    let stamp_path = cache.join(".hublot-installed");
    let installed = std::fs::read(&stamp_path).is_ok_and(|s| s == stamp)
        && modules.join("@comunica/query-sparql/package.json").exists();
    if installed {
        return modules;
    }
    std::fs::create_dir_all(&cache).unwrap();
    let _ = std::fs::remove_file(&stamp_path);
    std::fs::write(cache.join("package.json"), &manifest).unwrap();
    let lock_path = cache.join("package-lock.json");
    let command = match &lock {
        Some(lock) => {
            std::fs::write(&lock_path, lock).unwrap();
            "ci"
        }
        None => {
            let _ = std::fs::remove_file(&lock_path);
            "install"
        }
    };
    must(
        &format!("npm {command} in {}", cache.display()),
        run_with_timeout(
            Command::new("npm")
                .args([command, "--no-audit", "--no-fund"])
                .current_dir(&cache),
            INSTALL_TIMEOUT,
        ),
    );
    assert!(
        modules.join("@comunica/query-sparql/package.json").exists(),
        "npm {command} did not install @comunica/query-sparql into {}",
        modules.display()
    );
    std::fs::write(&stamp_path, stamp).unwrap();
    modules
}

fn run_client(name: &str, out: CommandOutput) {
    assert!(out.success(), "{name} reported failures: {}", out.report());
    println!("{name} output:\n{}", out.report());
}

#[test]
fn rdflib_and_sparqlwrapper_harvest_and_query_the_node() {
    let python = python_clients();
    let dir = tempfile::tempdir().unwrap();
    let node = Node::demo(dir.path());
    let out = run_with_timeout(
        Command::new(&python)
            .arg(clients_dir().join("rdflib_client.py"))
            .arg(&node.base)
            .env("PYTHONUNBUFFERED", "1"),
        CLIENT_TIMEOUT,
    );
    run_client("rdflib_client.py", out);
}

#[test]
fn comunica_queries_the_sparql_endpoint() {
    let modules = node_clients();
    let dir = tempfile::tempdir().unwrap();
    let node = Node::demo(dir.path());
    let out = run_with_timeout(
        Command::new("node")
            .arg(clients_dir().join("comunica_client.mjs"))
            .arg(&node.base)
            .env("NODE_PATH", &modules),
        CLIENT_TIMEOUT,
    );
    run_client("comunica_client.mjs", out);
}
