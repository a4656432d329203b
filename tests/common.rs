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
        let mut cmd = Command::new(node_bin());
        // A small warehouse keeps each test's start quick.
        cmd.args([
            "demo",
            "--persons",
            "5000",
            "--port",
            &port.to_string(),
            "--data-dir",
        ])
        .arg(data_dir);
        Self::start(cmd, data_dir, port)
    }

    /// `hublot-node serve --config FILE` on the listen address the file gives.
    pub fn serve(config: &Path, data_dir: &Path, port: u16) -> Node {
        let mut cmd = Command::new(node_bin());
        cmd.arg("serve").arg("--config").arg(config);
        Self::start(cmd, data_dir, port)
    }

    fn start(mut cmd: Command, data_dir: &Path, port: u16) -> Node {
        let child = cmd
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

    /// SIGTERM, then wait for the process to exit.
    pub fn terminate_and_wait(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let ok = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("run kill");
        assert!(ok.success());
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "hublot-node did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
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

/// What [`run_with_timeout`] observed: the exit status (`None` when the command was killed
/// for exceeding its time limit), and everything written to stdout and stderr.
pub struct CommandOutput {
    pub status: Option<std::process::ExitStatus>,
    pub stdout: String,
    pub stderr: String,
}

impl CommandOutput {
    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    /// Status and output, for assertion messages.
    pub fn report(&self) -> String {
        let status = match self.status {
            Some(s) => s.to_string(),
            None => "killed after its time limit".to_owned(),
        };
        format!(
            "{status}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout, self.stderr
        )
    }
}

/// Runs a command with piped output, killing it after `timeout`. Panics only when the
/// program cannot be started.
pub fn run_with_timeout(cmd: &mut Command, timeout: Duration) -> CommandOutput {
    use std::io::Read;
    let program = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {program}: {e}"));
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let err = drain(Box::new(child.stderr.take().expect("piped stderr")));
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Err(e) => panic!("waiting for {program}: {e}"),
        }
    };
    CommandOutput {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }
}

/// `$HOME/.cache/<name>`: where tests keep installed third-party tools, outside the
/// repository.
pub fn user_cache_dir(name: &str) -> PathBuf {
    let home = std::env::var_os("HOME").expect("HOME must be set to locate the test tool cache");
    PathBuf::from(home).join(".cache").join(name)
}

/// Holds an exclusive lock on `path` (created if needed) until dropped, so that concurrent
/// test processes do not install into the same cache at once.
pub fn exclusive_lock(path: &Path) -> std::fs::File {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .unwrap_or_else(|e| panic!("could not open the lock file {}: {e}", path.display()));
    file.lock()
        .unwrap_or_else(|e| panic!("could not lock {}: {e}", path.display()));
    file
}
