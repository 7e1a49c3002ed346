//! Signing in and out, sessions, and the first access rules, through the real application on both backends.

use reqwest::StatusCode;
use serde_json::{Value, json};
use sinergi_domain::trust::auth::{Role, secret_digest};
use sinergi_server::ServerConfig;
use sinergi_store::NewSession;
use sinergi_store::testing::TestDb;

use crate::helpers::{
    self, OPS, OPS_SABAK, PASSWORD, PENGAMAT, TestApp, add_user, all, bearer, client, code, seed_small, send,
    test_event,
};

async fn setup(db: &TestDb) -> TestApp {
    TestApp::small(db, &[OPS, OPS_SABAK, PENGAMAT]).await
}

async fn audit_actions(db: &TestDb) -> Vec<(String, String, String)> {
    let entries = db.store.audit_entries(0, 1000).await.unwrap();
    entries.into_iter().map(|e| (e.event.actor, e.event.action, e.event.target)).collect()
}

async fn everything_but_the_login_asks_for_one(db: &TestDb) {
    let base = setup(db).await.base;
    let anonymous = client();
    for path in ["/api/v1/regions", "/api/v1/tps?region=15", "/api/v1/agencies", "/api/v1/auth/me", "/api/v1/nope"] {
        let response = anonymous.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(response.json::<Value>().await.unwrap()["code"], "unauthenticated", "{path}");
    }
    let response =
        anonymous.get(format!("{base}/api/v1/regions")).header("accept-language", "en").send().await.unwrap();
    assert_eq!(
        response.json::<Value>().await.unwrap()["message"],
        "Please sign in first (no session, or it has ended)."
    );
    for (path, next) in
        [("/", "/"), ("/regions/15.07?lang=en", "/regions/15.07%3Flang%3Den"), ("/map/15.07", "/map/15.07")]
    {
        let response = anonymous.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(response.headers()["location"], format!("/login?next={next}"), "{path}");
    }
    for open in ["/login", "/assets/main.js", "/favicon.ico", "/api/v1/health", "/api/v1/openapi.json"] {
        let response = anonymous.get(format!("{base}{open}")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{open}");
    }
    let response = anonymous
        .post(format!("{base}/api/v1/tps"))
        .json(&json!({"village_code": "15.07.01.2002", "number": 7, "voters": 1, "access": "road"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(db.store.tps_stats(&all(), &code("15")).await.unwrap().tps, 5, "nothing written");
}

async fn api_login_sets_a_strict_cookie_and_logout_revokes_it(db: &TestDb) {
    let base = setup(db).await.base;
    let client = client();
    let response = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "ops", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("sinergi_session="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP on loopback");
    let me: Value = response.json().await.unwrap();
    assert_eq!(
        (me["username"].as_str(), me["role"].as_str(), me["scope"].as_str()),
        (Some("ops"), Some("operator"), Some("15.07"))
    );
    let (status, me) = get(&client, format!("{base}/api/v1/auth/me")).await;
    assert_eq!((status, me["unit"].as_str()), (StatusCode::OK, Some("polres-15.07")));

    // Over TLS (as a proxy reports it) the cookie is Secure.
    let response = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .header("x-forwarded-proto", "https")
        .json(&json!({"username": "ops", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert!(response.headers()["set-cookie"].to_str().unwrap().contains("; Secure"));

    // Changing anything with the cookie needs the session's CSRF token in a header: another site's form or
    // script cannot send it.
    let csrf = me["csrf_token"].as_str().unwrap().to_owned();
    let response = client.post(format!("{base}/api/v1/auth/logout")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(response.json::<Value>().await.unwrap()["code"], "csrf_failed");
    let response =
        client.post(format!("{base}/api/v1/auth/logout")).header("x-csrf-token", "0".repeat(64)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "a wrong token is refused too");
    let response =
        client.post(format!("{base}/api/v1/auth/logout")).header("x-csrf-token", &csrf).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    // The old cookie, replayed, opens nothing.
    let session = cookie.split(';').next().unwrap().to_owned();
    let response =
        reqwest::Client::new().get(format!("{base}/api/v1/auth/me")).header("cookie", session).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let actions = audit_actions(db).await;
    assert!(actions.contains(&("ops".into(), "user.login".into(), "ops".into())));
    assert!(actions.contains(&("ops".into(), "user.logout".into(), "ops".into())));
}

async fn get(client: &reqwest::Client, url: String) -> (StatusCode, Value) {
    send(client.get(url)).await
}

async fn wrong_credentials_get_one_answer_and_are_audited(db: &TestDb) {
    let base = setup(db).await.base;
    db.store.set_user_disabled("pengamat", true, &test_event()).await.unwrap();
    for (username, password) in
        [("ops", "salah sekali kata sandinya"), ("nobody", PASSWORD), ("pengamat", PASSWORD), ("ops", "")]
    {
        let response = client()
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{username}");
        assert!(response.headers().get("set-cookie").is_none());
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "login_failed");
        assert!(!body.to_string().contains(password) || password.is_empty(), "no password echoed");
    }
    let failures: Vec<String> =
        audit_actions(db).await.into_iter().filter(|(_, a, _)| a == "user.login_failed").map(|(_, _, t)| t).collect();
    assert_eq!(failures, ["ops", "(unknown user)", "pengamat", "ops"], "a typed name is kept only if it is an account");
    let entries = db.store.audit_entries(0, 100).await.unwrap();
    assert!(entries.iter().all(|e| !e.event.detail.contains("salah") && !e.event.target.contains("salah")));

    // Malformed bodies are 4xx too.
    let response = client()
        .post(format!("{base}/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response =
        client().post(format!("{base}/api/v1/auth/login")).json(&json!({"username": "ops"})).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

async fn forged_expired_and_idle_sessions_open_nothing(db: &TestDb) {
    let base = setup(db).await.base;
    let me = |cookie: String| {
        let url = format!("{base}/api/v1/auth/me");
        async move { reqwest::Client::new().get(url).header("cookie", cookie).send().await.unwrap().status() }
    };
    // Well-formed but unknown, malformed, and empty.
    assert_eq!(me(format!("sinergi_session={}", "A".repeat(43))).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me("sinergi_session=' OR 1=1 --".into()).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me("sinergi_session=".into()).await, StatusCode::UNAUTHORIZED);

    let user = db.store.user_by_name("ops").await.unwrap().unwrap();
    let now = sinergi_server::trust::auth::now_ms();
    let put = |id: &str, created: i64, expires: i64| NewSession {
        digest: secret_digest(id),
        account_id: user.id,
        created_at_ms: created,
        expires_at_ms: expires,
        origin: "test".into(),
    };
    let (live, expired, idle) = ("L".repeat(43), "E".repeat(43), "I".repeat(43));
    db.store.create_session(&put(&live, now, now + 3_600_000)).await.unwrap();
    db.store.create_session(&put(&expired, now - 7_200_000, now - 1)).await.unwrap();
    db.store.create_session(&put(&idle, now - 7_200_000, now + 3_600_000)).await.unwrap();
    assert_eq!(me(format!("sinergi_session={live}")).await, StatusCode::OK);
    assert_eq!(me(format!("sinergi_session={expired}")).await, StatusCode::UNAUTHORIZED, "past its absolute expiry");
    assert_eq!(me(format!("sinergi_session={idle}")).await, StatusCode::UNAUTHORIZED, "idle for two hours");
    assert!(db.store.session(&secret_digest(&expired)).await.unwrap().is_none(), "an expired session is removed");

    // Disabling the account ends its live session.
    db.store.set_user_disabled("ops", true, &test_event()).await.unwrap();
    assert_eq!(me(format!("sinergi_session={live}")).await, StatusCode::UNAUTHORIZED);
}

async fn only_editors_write_and_only_in_their_scope(db: &TestDb) {
    let app = setup(db).await;
    let base = &app.base;
    let tps = |village: &str, number: u32| json!({"village_code": village, "number": number, "voters": 300, "access": "road"});

    let observer = app.signed_in("pengamat").await;
    let response = observer.post(format!("{base}/api/v1/tps")).json(&tps("15.07.01.2002", 7)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(response.json::<Value>().await.unwrap()["code"], "forbidden");
    let (status, _) = get(&observer, format!("{base}/api/v1/tps?region=15.07")).await;
    assert_eq!(status, StatusCode::OK, "an observer reads");

    // A Polsek operator of 15.07.01 writes there, and not in 15.07.02.
    let polsek = app.signed_in("ops.sabak").await;
    let response = polsek.post(format!("{base}/api/v1/tps")).json(&tps("15.07.01.2002", 7)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let created = response.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let response = polsek.post(format!("{base}/api/v1/tps")).json(&tps("15.07.02.1001", 7)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "village_code", "outside scope looks like an unknown village");
    let outside = db.store.list_tps(&all(), &code("15.07.02"), sinergi_store::Page::new(1, 10)).await.unwrap().0[0].id;
    let response =
        polsek.put(format!("{base}/api/v1/tps/{outside}")).json(&tps("15.07.01.2002", 8)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "a TPS outside scope does not exist for this user");

    let response = polsek
        .put(format!("{base}/api/v1/tps/{created}"))
        .json(
            &json!({"village_code": "15.07.01.2002", "number": 7, "address": "Balai", "voters": 310, "access": "road"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let entries = db.store.audit_entries(0, 1000).await.unwrap();
    let creates: Vec<_> = entries.iter().filter(|e| e.event.action == "tps.create").collect();
    assert_eq!(creates.len(), 1);
    assert_eq!(creates[0].event.actor, "ops.sabak");
    let created_detail: Value = serde_json::from_str(&creates[0].event.detail).unwrap();
    assert_eq!(created_detail["village_code"], "15.07.01.2002");
    let update = entries.iter().find(|e| e.event.action == "tps.update").unwrap();
    let changed: Value = serde_json::from_str(&update.event.detail).unwrap();
    assert_eq!(changed, json!({"address": ["", "Balai"], "voters": [300, 310]}), "every changed field, old and new");
}

async fn the_web_form_signs_in_and_out(db: &TestDb) {
    let base = setup(db).await.base;
    let browser = client();
    let response = browser.get(format!("{base}/login?next=/regions/15.07")).send().await.unwrap();
    let html = response.text().await.unwrap();
    assert!(html.contains("name=\"next\" value=\"/regions/15.07\""), "{html}");
    assert!(!html.contains("id=\"current-user\""));

    let form = [("username", "ops"), ("password", "keliru keliru keliru"), ("next", "/regions/15.07")];
    let response = browser.post(format!("{base}/login")).form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"login-error\"") && html.contains("value=\"ops\""));

    // A sign-in form posted from another site is refused (login CSRF).
    let form = [("username", "ops"), ("password", PASSWORD), ("next", "/")];
    let response = browser
        .post(format!("{base}/login"))
        .header("origin", "https://evil.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.headers().get("set-cookie").is_none());
    let response =
        browser.post(format!("{base}/login")).header("sec-fetch-site", "cross-site").form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    let form = [("username", "ops"), ("password", PASSWORD), ("next", "/\t/evil.example")];
    let response = browser.post(format!("{base}/login")).form(&form).send().await.unwrap();
    assert_eq!(response.headers()["location"], "/", "no open redirect through a tab");
    let form = [("username", "ops"), ("password", PASSWORD), ("next", "//evil.example/")];
    let response = browser.post(format!("{base}/login")).form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/", "no open redirect");
    let form = [("username", "ops"), ("password", PASSWORD), ("next", "/regions/15.07")];
    let response = browser.post(format!("{base}/login")).form(&form).send().await.unwrap();
    assert_eq!(response.headers()["location"], "/regions/15.07");
    let response = browser.get(format!("{base}/regions/15.07")).send().await.unwrap();
    assert_eq!(response.headers()["cache-control"], "no-store", "signed-in pages stay out of shared caches");
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"current-user\"") && html.contains("Petugas ops · operator"));

    // The sign-out form carries the session's CSRF token; without it, or with another, nothing happens.
    let csrf = html.split("name=\"csrf\" value=\"").nth(1).and_then(|rest| rest.split('"').next()).unwrap().to_owned();
    assert_eq!(csrf.len(), 64);
    assert!(html.contains(&format!("<meta name=\"csrf-token\" content=\"{csrf}\">")));
    let response = browser.post(format!("{base}/logout")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = browser.post(format!("{base}/logout")).form(&[("csrf", "x".repeat(64))]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = browser
        .post(format!("{base}/logout"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "cross-site, even with the token");
    let response = browser.get(format!("{base}/regions")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "still signed in");
    let response = browser.post(format!("{base}/logout")).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/login");
    let response = browser.get(format!("{base}/regions")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "signed out");
}

async fn login_status(base: &str, username: &str, password: &str) -> (StatusCode, Value, Option<String>) {
    let response = client()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let retry = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
    (status, response.json().await.unwrap_or(Value::Null), retry)
}

async fn repeated_failures_lock_the_username_and_say_for_how_long(db: &TestDb) {
    let base = setup(db).await.base;
    for attempt in 1..=4 {
        let (status, body, _) = login_status(&base, "ops", "bukan kata sandinya").await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("login_failed")), "{attempt}");
    }
    // The fifth failure locks the username, and says so and for how long.
    let (status, body, retry) = login_status(&base, "ops", "bukan kata sandinya").await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("locked_out")));
    assert_eq!(retry.as_deref(), Some("900"));
    assert!(body["message"].as_str().unwrap().contains("15 menit"), "{body}");
    // Now even the right password is refused, without checking it.
    let (status, _, _) = login_status(&base, "ops", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // An unknown username locks the same way, so the lock tells nothing about which accounts exist.
    for _ in 0..5 {
        login_status(&base, "tidak.ada", "apa saja boleh").await;
    }
    let (status, body, _) = login_status(&base, "tidak.ada", "apa saja boleh").await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("locked_out")));
    // Other accounts are not affected.
    let (status, _, _) = login_status(&base, "pengamat", PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    // The web form says it in the page's language.
    let form = [("username", "ops"), ("password", PASSWORD), ("next", "/")];
    let response = client().post(format!("{base}/login?lang=en")).form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.text().await.unwrap().contains("try again in 15 minutes"));

    let locks: Vec<(String, String, String)> =
        audit_actions(db).await.into_iter().filter(|(_, a, _)| a == "user.locked_out").collect();
    assert_eq!(locks.len(), 2, "{locks:?}");
    // An administrator lifts the lock (`sinergi user unlock`); then the right password works again.
    db.store.clear_login_failures("user:ops").await.unwrap();
    let (status, _, _) = login_status(&base, "ops", PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
}

/// Sends these sign-ins all at once and returns each answer's status and code, in the order sent.
async fn burst(base: &str, attempts: Vec<(String, String)>) -> Vec<(StatusCode, String)> {
    let tasks: Vec<_> = attempts
        .into_iter()
        .map(|(username, password)| {
            let base = base.to_owned();
            tokio::spawn(async move {
                let (status, body, _) = login_status(&base, &username, &password).await;
                (status, body["code"].as_str().unwrap_or_default().to_owned())
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}

async fn checked_passwords(db: &TestDb) -> usize {
    audit_actions(db).await.into_iter().filter(|(_, action, _)| action == "user.login_failed").count()
}

/// A burst of concurrent guesses gets exactly as many password checks as guesses one after another: five per
/// username, even with the right password last in the burst.
async fn a_burst_of_sign_ins_gets_no_more_checks_than_a_sequence(db: &TestDb) {
    let base = setup(db).await.base;
    let mut attempts: Vec<(String, String)> = (0..40).map(|_| ("ops".into(), "tebakan salah".into())).collect();
    attempts.push(("ops".into(), PASSWORD.into()));
    let answers = burst(&base, attempts).await;
    // Every check leaves one entry: a failure, or the sign-in (if the right one was among the first five, as it
    // could have been in a sequence too).
    let signed_in = audit_actions(db).await.into_iter().filter(|(_, action, _)| action == "user.login").count();
    assert_eq!(checked_passwords(db).await + signed_in, 5, "{answers:?}");
    let unchecked = answers.iter().filter(|(s, c)| *s == StatusCode::TOO_MANY_REQUESTS && c == "locked_out").count();
    assert!(unchecked >= 36, "{answers:?}");
    if signed_in == 0 {
        // The five were wrong: the username is locked, for the right password too.
        let (status, _, _) = login_status(&base, "ops", PASSWORD).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "locked");
    }
}

/// The same from one address with a different username each time: twenty checks, then the address is locked.
async fn a_burst_from_one_address_gets_twenty_checks(db: &TestDb) {
    let base = setup(db).await.base;
    let attempts = (0..30).map(|i| (format!("tamu{i}"), "tebakan salah".to_owned())).collect();
    let answers = burst(&base, attempts).await;
    assert_eq!(checked_passwords(db).await, 20, "{answers:?}");
    let (status, body, _) = login_status(&base, "pengamat", PASSWORD).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("locked_out")));
}

/// An administrator of a regency lists and revokes the tokens of that regency's accounts only; another regency's
/// gateway is out of reach (404, as if it did not exist); a national administrator reaches every token.
async fn a_regional_administrator_acts_on_the_tokens_of_its_territory(db: &TestDb) {
    let app = setup(db).await;
    let base = &app.base;
    let riau = sinergi_domain::Region { code: code("14.04"), name: "Kabupaten Indragiri Hilir".into(), centroid: None };
    db.store.upsert_regions(&[riau]).await.unwrap();
    let unit = sinergi_domain::Unit {
        code: "polres-14.04".into(),
        kind: sinergi_domain::UnitKind::Polres,
        name: "Polres Indragiri Hilir".into(),
        territory: code("14.04"),
        parent: None,
        contact: Default::default(),
        personnel: 600,
    };
    db.store.upsert_units(&[unit]).await.unwrap();
    app.add_user("admin.tanjab", Role::Administrator, "polres-15.07", false).await;
    app.add_user("admin.pusat", Role::Administrator, "polres-15.07", true).await;
    let gateway_owner = app.add_user("ops.inhil", Role::Operator, "polres-14.04", false).await;
    let ops = db.store.user_by_name("ops").await.unwrap().unwrap();
    let request = |name: &str| sinergi_server::trust::tokens::TokenRequest {
        name: name.into(),
        region: None,
        read_only: false,
        days: 30,
    };
    let now = sinergi_server::trust::auth::now_ms();
    let (_, far) = sinergi_server::trust::tokens::issue(
        &*db.store,
        &gateway_owner,
        &request("gateway SMS Inhil"),
        now,
        "test",
        "test",
    )
    .await
    .unwrap();
    let (_, near) =
        sinergi_server::trust::tokens::issue(&*db.store, &ops, &request("gateway SMS Tanjab"), now, "test", "test")
            .await
            .unwrap();

    let regional = app.signed_in("admin.tanjab").await;
    let (status, list) = get(&regional, format!("{base}/api/v1/tokens?all=true")).await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = list.as_array().unwrap().iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(names, ["gateway SMS Tanjab"], "{list}");
    let response = regional.delete(format!("{base}/api/v1/tokens/{}", far.id)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "another regency's gateway is out of reach");
    let response = regional.delete(format!("{base}/api/v1/tokens/{}", near.id)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    let national = app.signed_in("admin.pusat").await;
    let (_, list) = get(&national, format!("{base}/api/v1/tokens?all=true")).await;
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    let response = national.delete(format!("{base}/api/v1/tokens/{}", far.id)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

async fn tokens_act_for_their_account_within_their_limits(db: &TestDb) {
    let app = setup(db).await;
    let base = &app.base;
    let session = app.signed_in("ops").await;
    let make = |body: Value| {
        let session = session.clone();
        let url = format!("{base}/api/v1/tokens");
        async move {
            let response = session.post(url).json(&body).send().await.unwrap();
            let status = response.status();
            (status, response.json::<Value>().await.unwrap())
        }
    };
    let (status, full) = make(json!({"name": "gateway SMS"})).await;
    assert_eq!(status, StatusCode::CREATED, "{full}");
    let full_token = full["token"].as_str().unwrap().to_owned();
    assert!(sinergi_domain::trust::auth::parse_token(&full_token).is_some(), "{full_token}");
    let (_, read_only) = make(json!({"name": "laporan harian", "read_only": true})).await;
    let read_only = read_only["token"].as_str().unwrap().to_owned();
    let (_, scoped) = make(json!({"name": "kecamatan barat", "region": "15.07.02", "expires_in_days": 30})).await;
    assert_eq!(scoped["region"], "15.07.02");
    let scoped = scoped["token"].as_str().unwrap().to_owned();
    for (body, what) in [
        (json!({"name": ""}), "empty name"),
        (json!({"name": "x", "region": "14"}), "region outside the scope"),
        (json!({"name": "x", "expires_in_days": 0}), "no lifetime"),
        (json!({"name": "x", "expires_in_days": 5000}), "too long"),
        (json!({"name": "x", "region": "15.7"}), "malformed region"),
    ] {
        let (status, body) = make(body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {body}");
    }

    let machine = bearer(&full_token);
    let (status, me) = get(&machine, format!("{base}/api/v1/auth/me")).await;
    assert_eq!((status, me["username"].as_str()), (StatusCode::OK, Some("ops")));
    assert!(me["csrf_token"].is_null(), "a token needs no CSRF token");
    let new_tps =
        json!({"village_code": "15.07.01.2001", "number": 40, "address": "Jl. Token", "voters": 200, "access": "road"});
    let response = machine.post(format!("{base}/api/v1/tps")).json(&new_tps).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let actors: Vec<String> = audit_actions(db).await.into_iter().map(|(actor, _, _)| actor).collect();
    assert!(actors.iter().any(|a| a.starts_with("ops (token ")), "the audit log names the token: {actors:?}");

    let response = bearer(&read_only).post(format!("{base}/api/v1/tps")).json(&new_tps).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "read-only");
    let (status, page) = get(&bearer(&read_only), format!("{base}/api/v1/tps?region=15.07")).await;
    assert_eq!((status, page["total"].as_u64()), (StatusCode::OK, Some(6)));
    let (_, page) = get(&bearer(&scoped), format!("{base}/api/v1/tps?region=15.07")).await;
    assert_eq!(page["total"], 1, "the scoped token sees only its district");
    let (status, _) = get(&bearer(&scoped), format!("{base}/api/v1/regions/15.07.01")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A token cannot mint tokens, and the list never shows a secret.
    let response = machine.post(format!("{base}/api/v1/tokens")).json(&json!({"name": "anak"})).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let (status, list) = get(&session, format!("{base}/api/v1/tokens")).await;
    assert_eq!((status, list.as_array().unwrap().len()), (StatusCode::OK, 3));
    assert!(!list.to_string().contains(&full_token[20..]), "no secret in the list");
    let (status, _) = get(&session, format!("{base}/api/v1/tokens?all=true")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only administrators list everyone's");

    // Tampered, malformed and revoked tokens open nothing, all with one answer.
    let mut tampered = full_token.clone();
    let last = if tampered.ends_with('A') { 'B' } else { 'A' };
    tampered.pop();
    tampered.push(last);
    for bad in [tampered.as_str(), "sinergi_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "xyz", ""] {
        let (status, body) = get(&bearer(bad), format!("{base}/api/v1/auth/me")).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_token")), "{bad}");
    }
    let id = list.as_array().unwrap().iter().find(|t| t["name"] == "gateway SMS").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = app.signed_in("ops.sabak").await;
    let response = other.delete(format!("{base}/api/v1/tokens/{id}")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "nobody revokes another's token");
    let response = session.delete(format!("{base}/api/v1/tokens/{id}")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (status, body) = get(&machine, format!("{base}/api/v1/auth/me")).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_token")));
    let response = session.delete(format!("{base}/api/v1/tokens/{id}")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "revoked already");

    // Disabling the account stops its tokens too. Done in the database (as the command line does), it reaches a
    // running server within the time the server trusts what it read of a token.
    db.store.set_user_disabled("ops", true, &test_event()).await.unwrap();
    let deadline =
        std::time::Instant::now() + sinergi_server::trust::auth::TOKEN_TTL + std::time::Duration::from_secs(2);
    loop {
        let (status, _) = get(&bearer(&read_only), format!("{base}/api/v1/auth/me")).await;
        if status == StatusCode::UNAUTHORIZED {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the disabled account's token still opens the API: {status}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let actions: Vec<String> = audit_actions(db).await.into_iter().map(|(_, a, _)| a).collect();
    assert_eq!(actions.iter().filter(|a| *a == "token.create").count(), 3);
    assert_eq!(actions.iter().filter(|a| *a == "token.revoke").count(), 1);
}

async fn an_expired_token_opens_nothing(db: &TestDb) {
    let base = setup(db).await.base;
    let user = db.store.user_by_name("ops").await.unwrap().unwrap();
    let request =
        sinergi_server::trust::tokens::TokenRequest { name: "lama".into(), region: None, read_only: true, days: 1 };
    // Issued two days ago with a one-day life.
    let two_days_ago = sinergi_server::trust::auth::now_ms() - 2 * 86_400_000;
    let (token, _) =
        sinergi_server::trust::tokens::issue(&*db.store, &user, &request, two_days_ago, "test", "test").await.unwrap();
    let response = client().get(format!("{base}/api/v1/auth/me")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

async fn only_the_trusted_proxy_may_say_where_a_request_came_from(db: &TestDb) {
    seed_small(&*db.store).await;
    add_user(&*db.store, "ops", Role::Operator, "polres-15.07", false).await;
    let direct = TestApp::spawn(db.store.clone(), ServerConfig::default()).await.base;
    let proxied = TestApp::spawn(
        db.store.clone(),
        ServerConfig { trusted_proxy: Some("127.0.0.1".parse().unwrap()), ..ServerConfig::default() },
    )
    .await
    .base;
    for base in [&direct, &proxied] {
        client()
            .post(format!("{base}/api/v1/auth/login"))
            .header("x-forwarded-for", "6.6.6.6, 10.20.30.40")
            .json(&json!({"username": "ops", "password": "bukan kata sandinya"}))
            .send()
            .await
            .unwrap();
    }
    let origins: Vec<String> = db
        .store
        .audit_entries(0, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.event.action == "user.login_failed")
        .map(|e| e.event.origin)
        .collect();
    // Not trusted: the TCP peer. Trusted: the address the proxy added, never the one the client wrote first.
    assert_eq!(origins, ["127.0.0.1", "10.20.30.40"]);
}

/// A row written into the audit log around the application stops every audited change with a clear 503, sign-in
/// included, and writes nothing.
async fn a_broken_audit_chain_is_a_clear_503(db: &TestDb) {
    let app = TestApp::small(db, &[OPS]).await;
    let (base, client) = (&app.base, app.signed_in("ops").await);
    db.execute_raw(
        "INSERT INTO audit_log (seq, at_ms, actor, action, target, detail, origin, prev_hash, hash) \
         SELECT seq + 1, 1, 'penyusup', 'x', 'x', '', 'db', 'p', 'h' FROM audit_head",
    )
    .await
    .unwrap();
    let tps = json!({"village_code": "15.07.01.2002", "number": 7, "voters": 100, "access": "road"});
    let response = client.post(format!("{base}/api/v1/tps?lang=en")).json(&tps).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "audit_chain_broken");
    assert!(body["message"].as_str().unwrap().contains("sinergi audit verify"), "{body}");
    let login = helpers::client()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "ops", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(login.json::<Value>().await.unwrap()["code"], "audit_chain_broken");
    let (_, page) = get(&client, format!("{base}/api/v1/tps?region=15.07.01.2002")).await;
    assert_eq!(page["total"], 1, "nothing written");
}

sinergi_store::backend_tests!(
    a_broken_audit_chain_is_a_clear_503,
    everything_but_the_login_asks_for_one,
    api_login_sets_a_strict_cookie_and_logout_revokes_it,
    wrong_credentials_get_one_answer_and_are_audited,
    forged_expired_and_idle_sessions_open_nothing,
    only_editors_write_and_only_in_their_scope,
    the_web_form_signs_in_and_out,
    repeated_failures_lock_the_username_and_say_for_how_long,
    a_burst_of_sign_ins_gets_no_more_checks_than_a_sequence,
    a_burst_from_one_address_gets_twenty_checks,
    a_regional_administrator_acts_on_the_tokens_of_its_territory,
    tokens_act_for_their_account_within_their_limits,
    an_expired_token_opens_nothing,
    only_the_trusted_proxy_may_say_where_a_request_came_from,
);
