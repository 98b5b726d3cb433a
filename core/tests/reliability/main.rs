//! Reliability and security tests of steward-core (issue 6): crash safety of
//! the store under SIGKILL, concurrent use of one database from threads and
//! processes, hostile input at the document boundary, privacy of personal
//! data, and the `Send`/`Sync` claims. See tests/README.md.
//!
//! Some tests run *this binary* again as a child process (a writer to kill, a
//! worker in another process): the child runs one test by exact name with
//! `STEWARD_CHILD` set; without it those tests return at once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod concurrency;
mod crash;
mod hostile;
mod privacy;
mod send_sync;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;

/// The repository's `tests/` folder.
pub fn repo_tests() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests")
}

/// The text of the shared vectors' base estate (every kind of record).
pub fn base_json() -> String {
    std::fs::read_to_string(repo_tests().join("vectors/estate/base.json")).unwrap()
}

/// The base estate (id `lotus-court`).
pub fn base_estate() -> steward::Estate {
    steward::Estate::from_json(&base_json()).unwrap()
}

/// A small deterministic random number generator (SplitMix64).
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// A seed for this run: `STEWARD_SEED` if set (to replay), else from the clock.
pub fn seed() -> u64 {
    std::env::var("STEWARD_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        })
}

/// A number from the environment, or a default.
pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// The role this process plays, when it is a child (`STEWARD_CHILD`).
pub fn child_role() -> Option<String> {
    std::env::var("STEWARD_CHILD").ok()
}

/// A child process running the test `test` of this binary with
/// `STEWARD_CHILD=role` and `envs`; its stdout lines arrive on the receiver
/// (the channel closes when the child's stdout does).
pub fn spawn_child(
    test: &str,
    role: &str,
    envs: &[(&str, String)],
) -> (Child, mpsc::Receiver<String>) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1", "-q"])
        .env("STEWARD_CHILD", role)
        .env("RUST_BACKTRACE", "0")
        .envs(envs.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

/// `PRAGMA integrity_check` and `PRAGMA foreign_key_check` of a database file.
pub fn integrity(path: &std::path::Path) -> (String, usize) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    let mut stmt = conn.prepare("PRAGMA foreign_key_check").unwrap();
    let broken = stmt.query_map([], |_| Ok(())).unwrap().count();
    (check, broken)
}
