//! Helpers for end-to-end tests: start the real `hublot-node` binary on a free loopback
//! port with its own data directory, wait for `/healthz`, and stop it on drop.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn node_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_hublot-node"))
}

/// The repository root (the workspace).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub struct Node {
    pub child: Child,
    pub port: u16,
    pub data_dir: PathBuf,
    pub base: String,
}

impl Node {
    /// `hublot-node demo` on a fresh port in `data_dir`.
    pub fn demo(data_dir: &Path) -> Node {
        Self::demo_on(data_dir, free_port())
    }

    pub fn demo_on(data_dir: &Path, port: u16) -> Node {
        let child = Command::new(node_bin())
            .args(["demo", "--port", &port.to_string(), "--data-dir"])
            .arg(data_dir)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start hublot-node");
        let node = Node {
            child,
            port,
            data_dir: data_dir.to_path_buf(),
            base: format!("http://127.0.0.1:{port}"),
        };
        node.wait_ready();
        node
    }

    pub fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let client = reqwest::blocking::Client::new();
        while Instant::now() < deadline {
            if let Ok(r) = client.get(format!("{}/healthz", self.base)).send()
                && r.status() == 200
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("hublot-node did not become ready on port {}", self.port);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn token(&self, role: &str) -> String {
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(self.data_dir.join("demo-tokens.json")).unwrap())
                .unwrap();
        v[role].as_str().unwrap().to_owned()
    }

    /// `kill -9`: no chance to flush anything.
    pub fn kill9(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `hublot-node` with arguments; returns (exit code, stdout, stderr).
pub fn cli(data_dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(node_bin())
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .output()
        .expect("run hublot-node");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The reference HealthDCAT-AP validator (pySHACL), from ../shared/tools.
pub fn reference_validator() -> Option<PathBuf> {
    let p = repo_root().join("../shared/tools/validate-healthdcat");
    if p.exists() {
        Some(p)
    } else if std::env::var_os("HUBLOT_SKIP_REFERENCE").is_some() {
        None
    } else {
        panic!(
            "the reference validator {} is missing; set HUBLOT_SKIP_REFERENCE=1 to skip the checks that need it",
            p.display()
        )
    }
}

/// Runs the reference validator on a file: (exit code, output).
pub fn reference_validate(tool: &Path, file: &Path) -> (i32, String) {
    let out = Command::new("bash")
        .arg(tool)
        .arg(file)
        .output()
        .expect("run the reference validator");
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}
