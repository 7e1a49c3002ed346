//! Accounts, sessions and the audit log, on SQLite and on PostgreSQL.

use sinergi_domain::registry::agency::Contact;
use sinergi_domain::trust::audit::{AuditEvent, Break, beyond_head, verify};
use sinergi_domain::trust::auth::{Role, Scope};
use sinergi_domain::{Region, Unit, UnitKind};
use sinergi_store::testing::TestDb;
use sinergi_store::{LoginClaim, NewSession, NewUser, StoreError, ThrottleKey, TokenOwners};

use crate::helpers::{code, seed_regions};

async fn seed_unit(db: &TestDb) {
    seed_regions(db, &["15", "15.07"]).await;
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
    assert_eq!((seq, hash.as_str()), (0, sinergi_domain::trust::audit::GENESIS));
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

/// A row written into the log around the application, past the head: verification names it, and every append
/// after it is refused as a broken chain (not a uniqueness conflict), leaving the log as it was.
async fn an_entry_beyond_the_head_stops_every_append(db: &TestDb) {
    seed_unit(db).await;
    for i in 0..3 {
        db.store.append_audit(&event(i)).await.unwrap();
    }
    let (head_seq, head_hash) = db.store.audit_head().await.unwrap();
    db.execute_raw(
        "INSERT INTO audit_log (seq, at_ms, actor, action, target, detail, origin, prev_hash, hash) \
         VALUES (4, 1, 'intruder', 'user.create', 'x', '', 'db', 'p', 'h')",
    )
    .await
    .unwrap();
    let refused = db.store.append_audit(&event(9)).await.unwrap_err();
    assert!(matches!(&refused, StoreError::AuditChainBroken(detail) if detail.contains("entry 4")), "{refused:?}");
    // Changes that record their own entry are refused whole, too.
    let refused = db.store.create_user(&new_user("baru"), &event(10)).await;
    assert!(matches!(refused, Err(StoreError::AuditChainBroken(_))), "{refused:?}");
    assert!(db.store.user_by_name("baru").await.unwrap().is_none(), "nothing half-written");
    assert_eq!(db.store.audit_head().await.unwrap(), (head_seq, head_hash.clone()), "the head did not move");
    let after = db.store.audit_entries(head_seq, 10).await.unwrap();
    assert_eq!(beyond_head(&after, head_seq), Some(Break::BeyondHead { head_seq: 3, first: 4, last: 4, count: 1 }));
    // A row far past the head (a gap) stops appends the same way.
    db.execute_raw(
        "INSERT INTO audit_log (seq, at_ms, actor, action, target, detail, origin, prev_hash, hash) \
         VALUES (40, 1, 'intruder', 'x', 'x', '', 'db', 'p', 'h')",
    )
    .await
    .unwrap();
    assert!(matches!(db.store.append_audit(&event(11)).await, Err(StoreError::AuditChainBroken(_))));
}

fn throttle(limit: u32) -> Vec<ThrottleKey> {
    vec![
        ThrottleKey { key: "user:ops".into(), limit, cleared_by_success: true },
        ThrottleKey { key: "addr:10.0.0.1".into(), limit: 20, cleared_by_success: false },
    ]
}

/// Claims are decided in the transaction that reads the count: of 60 concurrent claims for one username only its
/// limit is granted, however they interleave; settling frees the slots, and the failure that reaches the limit
/// locks the key.
async fn a_burst_of_claims_gets_exactly_the_limit(db: &TestDb) {
    const NOW: i64 = 1_700_000_000_000;
    const WINDOW: i64 = 15 * 60_000;
    let tasks: Vec<_> = (0..60)
        .map(|_| {
            let store = db.store.clone();
            tokio::spawn(async move { store.claim_login(&throttle(5), NOW, WINDOW).await.unwrap() })
        })
        .collect();
    let mut granted = 0;
    for task in tasks {
        match task.await.unwrap() {
            LoginClaim::Granted => granted += 1,
            LoginClaim::Refused { locked_until_ms } => assert_eq!(locked_until_ms, None, "not locked: in flight"),
        }
    }
    assert_eq!(granted, 5);
    // Four fail: nothing is locked yet, and still no slot is free (one check is in flight).
    for _ in 0..4 {
        assert!(db.store.settle_login(&throttle(5), true, NOW, WINDOW).await.unwrap().is_empty());
    }
    assert_eq!(
        db.store.claim_login(&throttle(5), NOW, WINDOW).await.unwrap(),
        LoginClaim::Refused { locked_until_ms: None }
    );
    // The fifth fails too: the username is locked (the address, at 5 of 20, is not).
    let locked = db.store.settle_login(&throttle(5), true, NOW, WINDOW).await.unwrap();
    assert_eq!(locked, [("user:ops".to_owned(), NOW + WINDOW)]);
    assert_eq!(
        db.store.claim_login(&throttle(5), NOW + 1, WINDOW).await.unwrap(),
        LoginClaim::Refused { locked_until_ms: Some(NOW + WINDOW) }
    );
    // After the lock, a new window; a success forgets the username's failures but not the address's.
    let later = NOW + WINDOW + 1;
    assert_eq!(db.store.claim_login(&throttle(5), later, WINDOW).await.unwrap(), LoginClaim::Granted);
    db.store.settle_login(&throttle(5), true, later, WINDOW).await.unwrap();
    assert_eq!(db.store.claim_login(&throttle(5), later, WINDOW).await.unwrap(), LoginClaim::Granted);
    db.store.settle_login(&throttle(5), false, later, WINDOW).await.unwrap();
    for _ in 0..5 {
        assert_eq!(db.store.claim_login(&throttle(5), later, WINDOW).await.unwrap(), LoginClaim::Granted);
    }
    assert_eq!(
        db.store.claim_login(&throttle(5), later, WINDOW).await.unwrap(),
        LoginClaim::Refused { locked_until_ms: None }
    );
    // A refused claim takes nothing from the keys before the one that refused: the address still has room.
    let other = vec![
        ThrottleKey { key: "user:lain".into(), limit: 5, cleared_by_success: true },
        ThrottleKey { key: "addr:10.0.0.1".into(), limit: 20, cleared_by_success: false },
    ];
    assert_eq!(db.store.claim_login(&other, later, WINDOW).await.unwrap(), LoginClaim::Granted);
    // An administrator's unlock forgets the key.
    db.store.clear_login_failures("user:ops").await.unwrap();
    assert_eq!(db.store.claim_login(&throttle(5), later, WINDOW).await.unwrap(), LoginClaim::Granted);
}

/// A database that refuses writes is named as such, not as an internal error: SQLite opened read-only answers
/// reads and refuses writes with `ReadOnly`; PostgreSQL in read-only mode (a standby) cannot even be migrated,
/// and says why.
async fn a_read_only_database_is_named_as_such(db: &TestDb) {
    seed_unit(db).await;
    db.store.append_audit(&event(0)).await.unwrap();
    db.store.check_writable().await.unwrap();
    let head = db.store.audit_head().await.unwrap();
    match sinergi_store::connect(&db.read_only_url()).await {
        Ok(store) => {
            assert_eq!(store.audit_head().await.unwrap(), head, "reads work");
            assert!(matches!(store.check_writable().await, Err(StoreError::ReadOnly(_))));
            assert!(matches!(store.append_audit(&event(1)).await, Err(StoreError::ReadOnly(_))));
            let report = sinergi_store::testing::new_report("15.07.01.2001", "bentrok", 1, None);
            assert!(matches!(store.file_reports(&[report]).await, Err(StoreError::ReadOnly(_))));
        }
        Err(StoreError::ReadOnly(detail)) => assert!(!db.url.starts_with("sqlite:"), "{detail}"),
        Err(other) => panic!("a read-only database must be named as such: {other:?}"),
    }
    assert_eq!(db.store.audit_head().await.unwrap(), head, "nothing was written");
}

/// An administrator of a regency reaches the tokens of the accounts in it, not those of another regency or of
/// national accounts; a national administrator reaches all.
async fn administrators_reach_the_tokens_of_their_territory(db: &TestDb) {
    seed_unit(db).await;
    let region = |c: &str| Region { code: code(c), name: c.to_owned(), centroid: None };
    db.store.upsert_regions(&[region("33"), region("33.20"), region("15.07.01")]).await.unwrap();
    let jepara = code("33.20");
    db.store
        .upsert_units(&[Unit {
            code: Unit::conventional_code(UnitKind::Polres, &jepara),
            kind: UnitKind::Polres,
            name: "Polres Jepara".into(),
            territory: jepara.clone(),
            parent: None,
            contact: Contact::default(),
            personnel: 700,
        }])
        .await
        .unwrap();
    let local = db.store.create_user(&new_user("ops.tanjab"), &event(0)).await.unwrap();
    let district = NewUser { scope: Scope::Region(code("15.07.01")), ..new_user("ops.sabak") };
    let district = db.store.create_user(&district, &event(0)).await.unwrap();
    let jepara_user =
        NewUser { unit_code: "polres-33.20".into(), scope: Scope::Region(jepara), ..new_user("ops.jepara") };
    let jepara_user = db.store.create_user(&jepara_user, &event(0)).await.unwrap();
    let national =
        db.store.create_user(&NewUser { scope: Scope::National, ..new_user("pusat") }, &event(0)).await.unwrap();
    for (i, user) in [&local, &district, &jepara_user, &national].into_iter().enumerate() {
        let token = sinergi_store::NewToken {
            id: format!("00000000000{i}"),
            digest: format!("digest{i}"),
            account_id: user.id,
            name: "gateway".into(),
            scope: None,
            read_only: false,
            created_at_ms: 1,
            expires_at_ms: None,
        };
        db.store.create_token(&token, &event(0)).await.unwrap();
    }
    let names = |tokens: Vec<sinergi_store::TokenRecord>| {
        let mut names: Vec<String> = tokens.into_iter().map(|t| t.username).collect();
        names.sort();
        names
    };
    let regency = TokenOwners::Within(Scope::Region(code("15.07")));
    assert_eq!(names(db.store.list_tokens(&regency).await.unwrap()), ["ops.sabak", "ops.tanjab"]);
    let everyone = TokenOwners::Within(Scope::National);
    assert_eq!(db.store.list_tokens(&everyone).await.unwrap().len(), 4);
    assert_eq!(names(db.store.list_tokens(&TokenOwners::Account(local.id)).await.unwrap()), ["ops.tanjab"]);
    // Jepara's gateway and the national account's token are out of the regency's reach; its own are not.
    assert!(!db.store.revoke_token("000000000002", &regency, &event(1)).await.unwrap());
    assert!(!db.store.revoke_token("000000000003", &regency, &event(1)).await.unwrap());
    assert!(db.store.revoke_token("000000000001", &regency, &event(1)).await.unwrap());
    assert!(db.store.revoke_token("000000000002", &everyone, &event(1)).await.unwrap());
    let live: Vec<_> =
        db.store.list_tokens(&everyone).await.unwrap().into_iter().filter(|t| t.revoked_at_ms.is_none()).collect();
    assert_eq!(names(live), ["ops.tanjab", "pusat"]);
}

sinergi_store::backend_tests!(
    accounts_are_unique_and_can_be_disabled,
    sessions_are_found_by_digest_touched_and_ended,
    concurrent_appends_form_one_unbroken_chain,
    the_log_refuses_changes_and_tampering_is_detected,
    an_entry_beyond_the_head_stops_every_append,
    a_burst_of_claims_gets_exactly_the_limit,
    a_read_only_database_is_named_as_such,
    administrators_reach_the_tokens_of_their_territory,
);
