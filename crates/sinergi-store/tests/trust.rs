//! Accounts, sessions and the audit log, on SQLite and on PostgreSQL.

use sinergi_domain::agency::Contact;
use sinergi_domain::audit::{AuditEvent, Break, verify};
use sinergi_domain::auth::{Role, Scope};
use sinergi_domain::{LatLng, Region, RegionCode, Unit, UnitKind};
use sinergi_store::testing::TestDb;
use sinergi_store::{NewSession, NewUser, StoreError};

fn code(text: &str) -> RegionCode {
    RegionCode::parse(text).unwrap()
}

async fn seed_unit(db: &TestDb) {
    let region = |c: &str| Region { code: code(c), name: c.to_owned(), centroid: Some(LatLng::new(-1.0, 103.0)) };
    db.store.upsert_regions(&[region("15"), region("15.07")]).await.unwrap();
    let territory = code("15.07");
    db.store
        .upsert_units(&[Unit {
            code: Unit::conventional_code(UnitKind::Polres, &territory),
            kind: UnitKind::Polres,
            name: "Polres Tanjung Jabung Timur".into(),
            territory,
            parent: None,
            contact: Contact::default(),
            personnel: 500,
        }])
        .await
        .unwrap();
}

fn new_user(name: &str) -> NewUser {
    NewUser {
        username: name.into(),
        display_name: format!("Pengguna {name}"),
        unit_code: "polres-15.07".into(),
        role: Role::Operator,
        scope: Scope::Region(code("15.07")),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        created_at_ms: 1_700_000_000_000,
    }
}

async fn accounts_are_unique_and_can_be_disabled(db: &TestDb) {
    seed_unit(db).await;
    let store = &db.store;
    let user = store.create_user(&new_user("kabag.ops"), &event(0)).await.unwrap();
    assert_eq!(user.role, Role::Operator);
    assert_eq!(user.scope, Scope::Region(code("15.07")));
    assert!(!user.disabled);
    assert!(!format!("{user:?}").contains("argon2"), "Debug must not show the password hash");

    let (entries_before, _) = store.audit_head().await.unwrap();
    let dup = store.create_user(&new_user("kabag.ops"), &event(0)).await.unwrap_err();
    assert!(matches!(dup, StoreError::Conflict(_)), "{dup:?}");
    assert_eq!(store.audit_head().await.unwrap().0, entries_before, "a refused change leaves no audit entry");
    let mut orphan = new_user("nobody");
    orphan.unit_code = "polres-99.99".into();
    assert!(matches!(store.create_user(&orphan, &event(0)).await, Err(StoreError::InvalidReference(_))));
    let mut national = new_user("admin");
    national.role = Role::Administrator;
    national.scope = Scope::National;
    assert_eq!(store.create_user(&national, &event(0)).await.unwrap().scope, Scope::National);

    let names: Vec<String> = store.list_users().await.unwrap().into_iter().map(|u| u.username).collect();
    assert_eq!(names, ["admin", "kabag.ops"]);
    assert_eq!(store.user_by_name("kabag.ops").await.unwrap().unwrap().id, user.id);
    assert!(store.user_by_name("KABAG.OPS").await.unwrap().is_none());

    let session = |digest: &str| NewSession {
        digest: digest.into(),
        account_id: user.id,
        created_at_ms: 1,
        expires_at_ms: 100,
        origin: "127.0.0.1".into(),
    };
    store.create_session(&session("a")).await.unwrap();
    assert!(store.set_user_disabled("kabag.ops", true, &event(0)).await.unwrap());
    assert!(store.user_by_name("kabag.ops").await.unwrap().unwrap().disabled);
    assert!(store.session("a").await.unwrap().is_none(), "disabling ends the sessions");
    assert!(!store.set_user_disabled("ghost", true, &event(0)).await.unwrap());
    store.set_user_disabled("kabag.ops", false, &event(0)).await.unwrap();

    store.create_session(&session("b")).await.unwrap();
    assert!(store.set_password_hash("kabag.ops", "$argon2id$new", &event(0)).await.unwrap());
    assert_eq!(store.user(user.id).await.unwrap().unwrap().password_hash, "$argon2id$new");
    assert!(store.session("b").await.unwrap().is_none(), "a new password ends the sessions");
    assert!(!store.set_password_hash("ghost", "x", &event(0)).await.unwrap());
}

async fn sessions_are_found_by_digest_touched_and_ended(db: &TestDb) {
    seed_unit(db).await;
    let store = &db.store;
    let user = store.create_user(&new_user("ops"), &event(0)).await.unwrap();
    let new = NewSession {
        digest: "d1".into(),
        account_id: user.id,
        created_at_ms: 1000,
        expires_at_ms: 9000,
        origin: "10.0.0.1".into(),
    };
    store.create_session(&new).await.unwrap();
    let (session, owner) = store.session("d1").await.unwrap().unwrap();
    assert_eq!((session.created_at_ms, session.last_seen_at_ms, session.expires_at_ms), (1000, 1000, 9000));
    assert_eq!(owner.username, "ops");
    store.touch_session("d1", 2000).await.unwrap();
    assert_eq!(store.session("d1").await.unwrap().unwrap().0.last_seen_at_ms, 2000);
    store.delete_session("d1").await.unwrap();
    assert!(store.session("d1").await.unwrap().is_none());

    // Sweeping: one past its absolute expiry, one idle too long, one alive.
    for (digest, created, last_seen_after, expires) in
        [("old", 0, 0, 500), ("idle", 0, 0, 99_999), ("live", 0, 5000, 99_999)]
    {
        let s = NewSession {
            digest: digest.into(),
            account_id: user.id,
            created_at_ms: created,
            expires_at_ms: expires,
            origin: String::new(),
        };
        store.create_session(&s).await.unwrap();
        if last_seen_after > 0 {
            store.touch_session(digest, last_seen_after).await.unwrap();
        }
    }
    assert_eq!(store.purge_sessions(1000, 4000).await.unwrap(), 2);
    assert!(store.session("live").await.unwrap().is_some());
    assert!(store.session("idle").await.unwrap().is_none() && store.session("old").await.unwrap().is_none());
    assert!(store.session("never").await.unwrap().is_none());
}

fn event(i: usize) -> AuditEvent {
    AuditEvent {
        at_ms: 1_700_000_000_000 + i as i64,
        actor: format!("user{i}"),
        action: "tps.update".into(),
        target: format!("tps:{i}"),
        detail: "voters 400 → 420; '\"<>".into(),
        origin: "127.0.0.1".into(),
    }
}

async fn concurrent_appends_form_one_unbroken_chain(db: &TestDb) {
    let (seq, hash) = db.store.audit_head().await.unwrap();
    assert_eq!((seq, hash.as_str()), (0, sinergi_domain::audit::GENESIS));
    let tasks: Vec<_> = (0..24)
        .map(|i| {
            let store = db.store.clone();
            tokio::spawn(async move { store.append_audit(&event(i)).await.unwrap() })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let entries = db.store.audit_entries(0, 1000).await.unwrap();
    assert_eq!(entries.len(), 24);
    assert_eq!(entries.iter().map(|e| e.seq).collect::<Vec<_>>(), (1..=24).collect::<Vec<_>>());
    let (head_seq, head_hash) = db.store.audit_head().await.unwrap();
    assert_eq!(verify(&entries, Some((head_seq, &head_hash))), Ok(24));
    let page = db.store.audit_entries(20, 3).await.unwrap();
    assert_eq!(page.iter().map(|e| e.seq).collect::<Vec<_>>(), [21, 22, 23]);
}

async fn the_log_refuses_changes_and_tampering_is_detected(db: &TestDb) {
    for i in 0..5 {
        db.store.append_audit(&event(i)).await.unwrap();
    }
    // The database itself refuses to change or delete an entry.
    let refused = db.execute_raw("UPDATE audit_log SET actor = 'intruder' WHERE seq = 3").await.unwrap_err();
    assert!(refused.contains("append-only"), "{refused}");
    let refused = db.execute_raw("DELETE FROM audit_log WHERE seq = 2").await.unwrap_err();
    assert!(refused.contains("append-only"), "{refused}");

    // Someone with full access drops the protection and edits an entry: verification names it.
    let drop_guards = if db.url.starts_with("sqlite:") {
        vec!["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"]
    } else {
        vec!["DROP TRIGGER audit_log_no_change ON audit_log"]
    };
    for sql in drop_guards {
        db.execute_raw(sql).await.unwrap();
    }
    db.execute_raw("UPDATE audit_log SET actor = 'intruder' WHERE seq = 3").await.unwrap();
    let (head_seq, head_hash) = db.store.audit_head().await.unwrap();
    let entries = db.store.audit_entries(0, 100).await.unwrap();
    assert_eq!(verify(&entries, Some((head_seq, &head_hash))), Err(Break::Altered { seq: 3 }));

    db.execute_raw("DELETE FROM audit_log WHERE seq = 3").await.unwrap();
    let entries = db.store.audit_entries(0, 100).await.unwrap();
    assert_eq!(verify(&entries, Some((head_seq, &head_hash))), Err(Break::Gap { expected: 3, found: 4 }));

    db.execute_raw("DELETE FROM audit_log WHERE seq >= 3").await.unwrap();
    let entries = db.store.audit_entries(0, 100).await.unwrap();
    assert_eq!(verify(&entries, Some((head_seq, &head_hash))), Err(Break::Truncated { head_seq: 5, last_seq: 2 }));
}

sinergi_store::backend_tests!(
    accounts_are_unique_and_can_be_disabled,
    sessions_are_found_by_digest_touched_and_ended,
    concurrent_appends_form_one_unbroken_chain,
    the_log_refuses_changes_and_tampering_is_detected,
);
