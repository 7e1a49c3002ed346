//! Accounts, tokens, clearance rules, lock-outs and the audit log from the command line.

use sinergi_store::prelude::*;

use crate::helpers::{Db, sinergi};

#[tokio::test]
async fn accounts_are_managed_and_every_change_is_audited() {
    let db = Db::new();
    db.seed_units();
    db.seed_polres_jepara().await;
    let store = db.store().await;

    let pw = "kuda lari pagi hari\n";
    let add = |args: &[&str], input: &str| {
        let mut all = vec!["user", "add"];
        all.extend_from_slice(args);
        all.push("--password-stdin");
        db.run_with_input(&all, input)
    };
    let run = add(&["kabag.ops", "--unit", "polres-33.20", "--role", "operator"], pw);
    run.expect_code(0);
    assert!(run.stdout.contains("kabag.ops (operator, Polres Jepara, scope 33.20)"), "{}", run.stdout);
    add(&["admin", "--admin", "--unit", "polres-33.20", "--national"], pw).expect_code(0);

    for (args, input, expected) in [
        (vec!["kabag.ops", "--unit", "polres-33.20", "--role", "observer"], pw, "the username `kabag.ops` is taken"),
        (vec!["x.y", "--unit", "polres-33.20", "--role", "observer"], "pendek\n", "at least 12 characters"),
        (vec!["x.y", "--unit", "polres-99.99", "--role", "observer"], pw, "there is no unit `polres-99.99`"),
        (vec!["x.y", "--unit", "polres-33.20", "--role", "general"], pw, "unknown role `general`"),
        (vec!["X Y", "--unit", "polres-33.20", "--role", "observer"], pw, "username must be"),
        (vec!["x.y", "--unit", "polres-33.20", "--admin", "--role", "observer"], pw, "contradict"),
    ] {
        let run = add(&args.iter().map(|s| &**s).collect::<Vec<_>>(), input);
        run.expect_code(1);
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.stderr);
    }

    let list = db.run(&["user", "list"]);
    list.expect_code(0);
    let lines: Vec<&str> = list.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", list.stdout);
    assert!(lines[1].starts_with("admin") && lines[1].contains("national"));
    assert!(lines[2].starts_with("kabag.ops") && lines[2].contains("33.20") && lines[2].contains("active"));
    assert!(!list.stdout.contains("argon2"), "no password hash is ever printed");

    db.run(&["user", "disable", "kabag.ops"]).expect_code(0);
    assert!(store.user_by_name("kabag.ops").await.unwrap().unwrap().disabled);
    db.run(&["user", "enable", "kabag.ops"]).expect_code(0);
    db.run(&["user", "disable", "ghost"]).expect_code(1);
    let before = store.user_by_name("kabag.ops").await.unwrap().unwrap().password_hash;
    db.run_with_input(&["user", "reset-password", "kabag.ops", "--password-stdin"], "sungai batang hari 2024\n")
        .expect_code(0);
    assert_ne!(store.user_by_name("kabag.ops").await.unwrap().unwrap().password_hash, before);

    // The region import, two accounts, disable, enable, reset: six entries, chained.
    let verify = db.run(&["audit", "verify"]);
    verify.expect_code(0);
    assert!(verify.stdout.starts_with("audit log intact: 6 entries"), "{}", verify.stdout);
    let export = db.run(&["audit", "export"]);
    export.expect_code(0);
    let actions: Vec<String> = export
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        actions,
        ["import.regions", "user.create", "user.create", "user.disable", "user.enable", "user.reset_password"]
    );
    assert!(!export.stdout.contains("kuda lari") && !export.stdout.contains("argon2"), "no secret in the log");
}

#[tokio::test]
async fn a_tampered_audit_log_is_named_by_verify() {
    let db = Db::new();
    db.seed_units();
    db.seed_units();
    db.run(&["audit", "verify"]).expect_code(0);
    // Someone with the database file removes the guard and rewrites history.
    let refused = sinergi_store::testing::execute_raw(&db.url, "DELETE FROM audit_log").await.unwrap_err();
    assert!(refused.contains("append-only"), "{refused}");
    sinergi_store::testing::execute_raw(&db.url, "DROP TRIGGER audit_log_no_update").await.unwrap();
    sinergi_store::testing::execute_raw(&db.url, "UPDATE audit_log SET detail = 'nothing' WHERE seq = 1")
        .await
        .unwrap();
    let run = db.run(&["audit", "verify"]);
    run.expect_code(3);
    assert_eq!(run.stderr.trim(), "audit log BROKEN: entry 1 was changed: its content does not match its hash");
}

/// A row written into the log around the application, past its head: `verify` names it, `export` writes it
/// (it is evidence) and says so, and a change that would be audited is refused with that reason.
#[tokio::test]
async fn entries_beyond_the_head_are_named_exported_and_stop_audited_changes() {
    let db = Db::new();
    db.seed_units();
    db.seed_polres_jepara().await;
    db.run(&["audit", "verify"]).expect_code(0);
    sinergi_store::testing::execute_raw(
        &db.url,
        "INSERT INTO audit_log (seq, at_ms, actor, action, target, detail, origin, prev_hash, hash) \
         SELECT seq + 1, 1, 'penyusup', 'user.create', 'x', '', 'db', 'p', 'h' FROM audit_head",
    )
    .await
    .unwrap();
    let run = db.run(&["audit", "verify"]);
    run.expect_code(3);
    assert!(run.stderr.contains("lies beyond the recorded head"), "{}", run.stderr);
    let run = db.run(&["audit", "export"]);
    run.expect_code(3);
    assert!(run.stdout.lines().last().unwrap().contains("penyusup"), "{}", run.stdout);
    assert!(run.stderr.contains("beyond the recorded head"), "{}", run.stderr);
    let run = db.run_with_input(
        &["user", "add", "baru", "--role", "operator", "--unit", "polres-33.20", "--password-stdin"],
        "kuda lari pagi hari\n",
    );
    assert_ne!(run.code, Some(0));
    assert!(run.stderr.contains("audit chain broken"), "{}", run.stderr);
}

#[tokio::test]
async fn tokens_clearance_rules_and_unlocks_from_the_command_line() {
    let db = Db::new();
    db.seed_units();
    db.seed_polres_jepara().await;
    let store = db.store().await;
    db.run_with_input(
        &["user", "add", "gateway", "--unit", "polres-33.20", "--role", "field_reporter", "--password-stdin"],
        "kuda lari pagi hari\n",
    )
    .expect_code(0);

    let made =
        db.run(&["token", "create", "gateway", "--name", "SMS Telkomsel", "--region", "33.20.01", "--read-only"]);
    made.expect_code(0);
    let token = made.stdout.trim().to_owned();
    let parts = sinergi_domain::trust::auth::parse_token(&token).unwrap_or_else(|| panic!("not a token: {token:?}"));
    let id = parts.id.to_owned();
    assert!(
        made.stderr.contains(&format!("token {id} for gateway (region 33.20.01, read-only), expires in 365 days")),
        "{}",
        made.stderr
    );
    for (args, expected) in [
        (vec!["token", "create", "gateway", "--name", "x", "--region", "34"], "outside the account's scope"),
        (vec!["token", "create", "ghost", "--name", "x"], "there is no user `ghost`"),
        (vec!["token", "create", "gateway", "--name", "x", "--days", "0"], "days: 1 to 3650"),
        (vec!["token", "revoke", "000000000000"], "there is no token `000000000000`"),
    ] {
        let run = db.run(&args);
        run.expect_code(1);
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.stderr);
    }
    let list = db.run(&["token", "list"]);
    list.expect_code(0);
    let row = list.stdout.lines().find(|l| l.starts_with(&id)).unwrap_or_else(|| panic!("{}", list.stdout));
    assert!(row.contains("gateway") && row.contains("33.20.01") && row.contains("read ") && row.contains("active"));
    assert!(!list.stdout.contains(&token[21..]), "a list never shows the secret");
    db.run(&["token", "revoke", &id]).expect_code(0);
    assert!(db.run(&["token", "list", "--user", "gateway"]).stdout.contains("revoked"));
    db.run(&["token", "revoke", &id]).expect_code(1);

    db.run(&["clearance", "set", "operator", "rahasia", "--agency", "polri"]).expect_code(0);
    db.run(&["clearance", "set", "observer", "terbatas"]).expect_code(0);
    let policy = store.clearance_policy().await.unwrap();
    use sinergi_domain::trust::auth::{Classification, Role};
    assert_eq!(policy.clearance(Role::Operator, sinergi_domain::AgencyKind::Polri), Classification::Rahasia);
    assert_eq!(policy.clearance(Role::Operator, sinergi_domain::AgencyKind::Kpu), Classification::Terbatas);
    assert_eq!(policy.clearance(Role::Observer, sinergi_domain::AgencyKind::Kpu), Classification::Terbatas);
    let list = db.run(&["clearance", "list"]);
    assert!(list.stdout.lines().any(|l| l.starts_with("operator") && l.contains("polri") && l.contains("rahasia")));
    for (args, expected) in [
        (vec!["clearance", "set", "operator", "top-secret"], "unknown classification `top-secret`"),
        (vec!["clearance", "set", "general", "biasa"], "unknown role `general`"),
        (vec!["clearance", "set", "operator", "biasa", "--agency", "fbi"], "unknown agency `fbi`"),
        (vec!["clearance", "remove", "commander"], "there is no rule for commander/*"),
    ] {
        let run = db.run(&args);
        run.expect_code(1);
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.stderr);
    }
    db.run(&["clearance", "remove", "operator", "--agency", "polri"]).expect_code(0);
    db.run(&["user", "unlock", "gateway"]).expect_code(0);

    // In Bahasa Indonesia by default.
    let run = sinergi(&["--database", &db.url], &["user", "disable", "ghost"], db.dir.path()).output().unwrap();
    assert!(String::from_utf8_lossy(&run.stderr).contains("pengguna `ghost` tidak ada"));

    // Every change is audited, by the operating system's real user, not by what $USER says.
    let export = db.command(&["audit", "export"]).env("USER", "someone-else").output().unwrap();
    let entries: Vec<serde_json::Value> =
        String::from_utf8(export.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
    for action in ["token.create", "token.revoke", "clearance.set", "clearance.remove", "user.unlock"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    let changes = db.command(&["user", "enable", "gateway"]).env("USER", "someone-else").output().unwrap();
    assert!(changes.status.success());
    let last = store.audit_entries(0, 1000).await.unwrap().pop().unwrap();
    assert!(last.event.actor.starts_with("cli:") && last.event.actor.contains("(uid "), "{}", last.event.actor);
    assert!(!last.event.actor.contains("someone-else"), "{}", last.event.actor);
    assert!(db.run(&["audit", "verify"]).stdout.starts_with("audit log intact"));
}
