//! Helpers shared by the CLI tests: the real binary run on a fresh database in a temporary directory, what it
//! printed, and the data sets and fixtures it reads.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use sinergi_domain::RegionCode;
use sinergi_store::SqliteStore;
use sinergi_store::prelude::*;

const BIN: &str = env!("CARGO_BIN_EXE_sinergi");
/// The shared data sets live beside the repository, in `../shared/data`.
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data");
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

pub fn data_dir() -> PathBuf {
    let dir = Path::new(DATA);
    assert!(dir.join("wilayah.csv").is_file(), "shared data not found at {DATA}: clone it beside the repository");
    dir.canonicalize().expect("canonical data dir")
}

pub fn wilayah() -> String {
    data_dir().join("wilayah.csv").display().to_string()
}

pub fn fixture(name: &str) -> String {
    let path = Path::new(FIXTURES).join(name);
    assert!(path.is_file(), "missing fixture {}", path.display());
    path.display().to_string()
}

pub fn code(text: &str) -> RegionCode {
    RegionCode::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// A fresh, empty database in its own temporary directory (which also holds a test's files and the binary's
/// output), and the binary pointed at it.
pub struct Db {
    pub dir: tempfile::TempDir,
    pub url: String,
}

impl Db {
    pub fn new() -> Db {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("x.db").display());
        Db { dir, url }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `text` into the file `name` of the directory; its path.
    pub fn write(&self, name: &str, text: &str) -> String {
        let path = self.path(name);
        std::fs::write(&path, text).expect("write a file");
        path.display().to_string()
    }

    /// `sinergi --lang en --database URL ARGS…`, isolated from the caller's environment.
    pub fn command(&self, args: &[&str]) -> Command {
        self.command_in("en", args)
    }

    /// `sinergi --lang LANG --database URL ARGS…`, isolated from the caller's environment.
    pub fn command_in(&self, lang: &str, args: &[&str]) -> Command {
        sinergi(&["--lang", lang, "--database", &self.url], args, self.dir.path())
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_in("en", args)
    }

    pub fn run_in(&self, lang: &str, args: &[&str]) -> Run {
        Run::of(self.command_in(lang, args).output().expect("run sinergi"), args)
    }

    /// Runs with `input` on standard input (for `--password-stdin`).
    pub fn run_with_input(&self, args: &[&str], input: &str) -> Run {
        use std::io::Write as _;
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run sinergi");
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
        Run::of(child.wait_with_output().expect("wait for sinergi"), args)
    }

    pub async fn store(&self) -> SqliteStore {
        SqliteStore::connect(&self.url).await.unwrap_or_else(|e| panic!("cannot open {}: {e}", self.url))
    }

    /// Polres Jepara (polres-33.20), the unit the account tests give their accounts.
    pub async fn seed_polres_jepara(&self) {
        let unit = sinergi_domain::Unit {
            code: "polres-33.20".into(),
            kind: sinergi_domain::UnitKind::Polres,
            name: "Polres Jepara".into(),
            territory: code("33.20"),
            parent: None,
            contact: Default::default(),
            personnel: 700,
        };
        self.store().await.upsert_units(&[unit]).await.unwrap();
    }

    pub fn seed_units(&self) {
        let tmp = self.path("units.csv");
        let wilayah = std::fs::read_to_string(wilayah()).unwrap();
        let rows: Vec<&str> = wilayah
            .lines()
            .filter(|l| l.starts_with("code,") || l.starts_with("33,") || l.starts_with("33.20"))
            .collect();
        std::fs::write(&tmp, rows.join("\n")).unwrap();
        self.run(&["import", "regions", &tmp.display().to_string()]).expect_code(0);
    }
}

/// The binary with these global options and arguments, run in `cwd`, isolated from the caller's environment.
pub fn sinergi(global: &[&str], args: &[&str], cwd: &Path) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(global)
        .args(args)
        .current_dir(cwd)
        .env_remove("SINERGI_DATABASE_URL")
        .env_remove("SINERGI_LANG")
        .env_remove("SINERGI_DATA_DIR")
        .env("RUST_LOG", "error")
        .stdin(Stdio::null());
    command
}

/// What a run of the binary printed and returned.
pub struct Run {
    what: String,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn of(output: Output, args: &[&str]) -> Run {
        Run {
            what: format!("sinergi {}", args.join(" ")),
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }

    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code,
            Some(code),
            "{} exited with {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.what,
            self.code,
            self.stdout,
            self.stderr
        );
        self
    }

    pub fn ok(&self) -> &Run {
        self.expect_code(0)
    }

    /// Standard output as JSON, after a successful run.
    pub fn json(&self) -> serde_json::Value {
        self.expect_code(0);
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", self.stdout))
    }

    /// Standard error, line by line.
    pub fn errors(&self) -> Vec<String> {
        self.stderr.lines().map(str::to_owned).collect()
    }

    /// The problems reported for `file`, as (line, column, reason), in the order printed.
    fn issues(&self, file: &str) -> Vec<(u64, Option<String>, String)> {
        let prefix = format!("{file}:");
        self.stderr
            .lines()
            .filter_map(|l| l.strip_prefix(&prefix))
            .map(|rest| {
                let (line, rest) = rest.split_once(": ").unwrap_or_else(|| panic!("no line number in {rest:?}"));
                let line = line.parse().unwrap_or_else(|_| panic!("line number {line:?} in {rest:?}"));
                match rest.strip_prefix("column ").and_then(|r| r.split_once(": ")) {
                    Some((column, reason)) => (line, Some(column.to_owned()), reason.to_owned()),
                    None => (line, None, rest.to_owned()),
                }
            })
            .collect()
    }
}

/// Checks the reported problems: exactly these places (line, column) in this order, each reason containing the
/// given fragments.
pub fn assert_issues(run: &Run, file: &str, expected: &[(u64, Option<&str>, &[&str])]) {
    let got = run.issues(file);
    let places: Vec<(u64, Option<&str>)> = got.iter().map(|(l, c, _)| (*l, c.as_deref())).collect();
    let want: Vec<(u64, Option<&str>)> = expected.iter().map(|(l, c, _)| (*l, *c)).collect();
    assert_eq!(places, want, "problems reported by {}:\n{}", run.what, run.stderr);
    for ((line, _, reason), (_, _, fragments)) in got.iter().zip(expected) {
        for fragment in *fragments {
            assert!(reason.contains(fragment), "line {line}: {reason:?} should mention {fragment:?}");
        }
    }
}
