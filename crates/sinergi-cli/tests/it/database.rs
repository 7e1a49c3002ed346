//! Which databases the binary opens and how: a bad URL fails clearly, `serve` refuses a database it cannot write,
//! and the demo never writes into a real database nor serves beyond loopback.

use std::process::Stdio;
use std::time::{Duration, Instant};

use sinergi_store::prelude::*;

use crate::helpers::{Db, Run, data_dir, fixture, sinergi};

// Bad database URLs.

#[test]
fn a_bad_database_url_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture("regions_small.csv");
    let run = |url: &str| {
        let (global, args) = (["--lang", "en", "--database", url], ["import", "regions", &file]);
        Run::of(sinergi(&global, &args, dir.path()).output().unwrap(), &[&global[..], &args[..]].concat())
    };

    let mysql = run("mysql://x");
    mysql.expect_code(1);
    assert_eq!(mysql.stderr.trim(), "sinergi: unsupported database URL `mysql://x`: use sqlite://PATH or postgres://…");
    assert!(mysql.stdout.is_empty());

    let missing_dir = dir.path().join("no/such/dir/x.db");
    let sqlite = run(&format!("sqlite://{}", missing_dir.display()));
    sqlite.expect_code(1);
    assert!(sqlite.stderr.starts_with("sinergi: "), "{}", sqlite.stderr);
    assert!(sqlite.stderr.contains("cannot open") && sqlite.stderr.contains("no/such/dir"), "{}", sqlite.stderr);
    assert!(!missing_dir.exists());

    // Nothing is created in the working directory as a fallback.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[tokio::test]
async fn the_demo_never_writes_into_a_real_database_nor_serves_beyond_loopback() {
    let db = Db::new();
    db.seed_units();
    db.seed_polres_jepara().await;
    let store = db.store().await;
    db.run_with_input(
        &["user", "add", "admin", "--admin", "--unit", "polres-33.20", "--password-stdin"],
        "kuda lari pagi hari\n",
    )
    .expect_code(0);
    let data = data_dir().display().to_string();
    let run = db.run(&["demo", "--no-serve", "--data", &data]);
    run.expect_code(1);
    assert!(run.stderr.contains("is not a demo database"), "{}", run.stderr);
    assert!(store.user_by_name("demo.admin").await.unwrap().is_none(), "no demo account was planted");

    let demo = Db::new();
    demo.run(&["demo", "--no-serve", "--data", &data]).expect_code(0);
    let run = demo.run(&["serve", "--bind", "0.0.0.0", "--port", "0"]);
    run.expect_code(1);
    assert!(run.stderr.contains("served on 127.0.0.1 only"), "{}", run.stderr);
}

/// A database the server cannot write: `serve` refuses to start and says why, instead of answering every
/// sign-in with an error.
#[tokio::test]
async fn serve_refuses_a_read_only_database() {
    let db = Db::new();
    db.seed_units();
    let read_only = format!("{}?mode=ro", db.url);
    let mut child = sinergi(&["--lang", "en", "--database", &read_only], &["serve", "--port", "0"], db.dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("the server started on a read-only database");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let run = Run::of(child.wait_with_output().unwrap(), &["serve"]);
    assert_ne!(run.code, Some(0));
    assert!(run.stderr.contains("read-only"), "{}", run.stderr);
}
