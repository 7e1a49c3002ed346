//! Every page on a 360 px phone, as each role: in headless Chromium, signed in as an administrator, a commander,
//! an operator, a field reporter, an observer and an external agency, each page the navigation offers (and the
//! pages behind a meeting, a report, a TPS and an area) must not scroll sideways, must throw no script error, and
//! must have no accessibility violation of serious or critical impact (axe-core, from the npm registry, run in the
//! page). Every link of the navigation must open (no role is offered a page it may not see), and on a phone the
//! navigation folds behind its Menu button.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chromiumoxide::Page;
use chromiumoxide::cdp::browser_protocol::emulation::SetDeviceMetricsOverrideParams;
use chromiumoxide::cdp::js_protocol::runtime::EventExceptionThrown;
use futures_util::StreamExt;
use serde_json::json;
use sinergi_domain::trust::auth::Role;
use sinergi_store::testing::TestDb;

use crate::coordination::setup;
use crate::helpers::browser::{Chromium, text};
use crate::helpers::{PASSWORD, day, send, test_event};
use sinergi_domain::vulnerability::{IndicatorSet, SHIPPED};

const WIDTH: i64 = 360;

/// axe-core as npm installed it for the web assets (`web/package.json`); the README's test command installs it.
fn axe_source() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e} (run `npm ci` in web/)", path.display()))
}

async fn sign_in(page: &Page, base: &str, username: &str) {
    page.goto(format!("{base}/login")).await.unwrap();
    let _ = page
        .evaluate(format!(
            "document.getElementById('username').value = '{username}'; \
             document.getElementById('password').value = '{PASSWORD}'; \
             document.getElementById('login-submit').click();"
        ))
        .await;
    for _ in 0..100 {
        if text(page, "location.pathname").await.is_some_and(|p| p != "/login") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{username} could not sign in");
}

/// What is wrong with the page now: sideways scrolling, an error page (for a link the navigation offers), and
/// accessibility violations of serious or critical impact.
async fn faults(page: &Page, axe: &str, offered: bool) -> Vec<String> {
    let mut out = Vec::new();
    let width: i64 = page.evaluate("document.documentElement.scrollWidth").await.unwrap().into_value().unwrap();
    if width > WIDTH {
        let wide = text(
            page,
            "Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > 361) \
             .slice(0, 3).map(e => e.tagName + '#' + e.id + '.' + e.className).join(', ')",
        )
        .await
        .unwrap_or_default();
        out.push(format!("{width} px wide ({wide})"));
    }
    if offered && text(page, "String(!!document.getElementById('error-page'))").await.as_deref() == Some("true") {
        let title = text(page, "document.title").await.unwrap_or_default();
        out.push(format!("offered in the navigation but refused: {title}"));
    }
    let _ = page.evaluate(axe.to_owned()).await;
    if text(page, "typeof axe").await.as_deref() != Some("object") {
        out.push("axe-core did not load".to_owned());
    }
    let report = text(
        page,
        "(async () => { const r = await axe.run(document, {resultTypes: ['violations']}); \
           return JSON.stringify(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical') \
             .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(' | '))); })()",
    )
    .await
    .unwrap_or_else(|| "[\"axe did not run\"]".to_owned());
    let violations: Vec<String> = serde_json::from_str(&report).unwrap_or_else(|_| vec![report.clone()]);
    out.extend(violations.into_iter().map(|v| format!("axe: {v}")));
    out
}

#[tokio::test]
async fn every_page_fits_a_phone_for_every_role() {
    let db = TestDb::sqlite().await;
    let app = setup(&db).await;
    let base = app.base.clone();
    app.add_user("admin", Role::Administrator, "polres-15.07", true).await;
    app.add_user("komandan", Role::Commander, "polres-15.07", false).await;
    app.add_user("lapangan", Role::FieldReporter, "polsek-15.07.01", false).await;
    for (_, definition) in SHIPPED {
        let set = IndicatorSet::from_toml(definition).unwrap();
        db.store.put_indicator_set(&set, definition, &test_event()).await.unwrap();
    }

    // Something on every page: a report, a meeting with a decision and its items.
    let ops = app.signed_in("ops").await;
    let (status, report) = send(ops.post(format!("{base}/api/v1/reports")).json(&json!({"category": "bentrok",
        "village_code": "15.07.01.2001", "description": "Adu mulut antarpendukung di dekat TPS 001"})))
    .await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{report}");
    let report = report["report"]["id"].as_i64().unwrap();
    let meeting = json!({"title": "Rakor Lintas Sektoral Pengamanan Pilkada", "region": "15.07",
        "convening_unit": "polres-15.07", "place": "Aula Polres", "starts_at": format!("{} 09:00", day(2)),
        "ends_at": format!("{} 12:00", day(2)), "invitees": ["kodim-15.07", "pln-up3-15.07"]});
    let (status, meeting) = send(ops.post(format!("{base}/api/v1/meetings")).json(&meeting)).await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{meeting}");
    let meeting = meeting["id"].as_i64().unwrap();
    let decision = json!({"text": "Siaga listrik dan patroli gabungan di TPS sangat rawan", "items": [
        {"owner_unit": "kodim-15.07", "task": "Patroli gabungan 12 TPS", "deadline": day(7)},
        {"owner_unit": "pln-up3-15.07", "task": "Genset cadangan di PPK", "deadline": day(9)}]});
    let (status, _) = send(ops.post(format!("{base}/api/v1/meetings/{meeting}/decisions")).json(&decision)).await;
    assert_eq!(status, reqwest::StatusCode::CREATED);
    // A deployment plan (no roster: every post short, which the page must show without overflowing).
    let order = json!({"regency": "15.07", "name": "Pilkada 2026", "day": day(30), "patrol_teams": 2, "seconds": 1});
    let (status, job) = send(ops.post(format!("{base}/api/v1/plans")).json(&order)).await;
    assert_eq!(status, reqwest::StatusCode::ACCEPTED, "{job}");
    let mut plan = 0;
    for _ in 0..300 {
        let (_, state) = send(ops.get(format!("{base}/api/v1/plan-jobs/{}", job["id"]))).await;
        if let Some(id) = state["plan_id"].as_i64() {
            plan = id;
            break;
        }
        assert_ne!(state["state"], "failed", "{state}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(plan > 0, "the plan was not made");
    let (_, tps) = send(ops.get(format!("{base}/api/v1/regions/15.07.01.2001/tps"))).await;
    let tps = tps["items"][0]["id"].as_i64().unwrap_or(1);
    let behind = [
        format!("/meetings/{meeting}"),
        format!("/incidents/{report}"),
        format!("/tps/{tps}"),
        "/regions/15.07".to_owned(),
        "/vulnerability/15.07".to_owned(),
        "/action-items".to_owned(),
        "/sitrep?region=15.07".to_owned(),
        "/incidents/queue".to_owned(),
        format!("/plans/{plan}"),
        format!("/plans/compare?a={plan}&b={plan}"),
    ];

    let axe = axe_source();
    let chromium = Chromium::phone(360, 780).await;
    let mut problems: Vec<String> = Vec::new();
    for username in ["admin", "komandan", "ops", "lapangan", "pengamat", "pln"] {
        let page = chromium.browser.new_page("about:blank").await.unwrap();
        let exceptions = Arc::new(Mutex::new(Vec::<String>::new()));
        let mut thrown = page.event_listener::<EventExceptionThrown>().await.unwrap();
        let collect = {
            let exceptions = exceptions.clone();
            tokio::spawn(async move {
                while let Some(e) = thrown.next().await {
                    exceptions.lock().unwrap().push(format!("{:?}", e.exception_details.text));
                }
            })
        };
        page.enable_runtime().await.unwrap();
        sign_in(&page, &base, username).await;
        page.goto(format!("{base}/")).await.unwrap();
        let links = text(
            &page,
            "JSON.stringify(Array.from(document.querySelectorAll('#main-nav a')).map(a => a.getAttribute('href')) \
               .filter(h => h.startsWith('/') && !h.startsWith('/api/') && !h.startsWith('/lang/')))",
        )
        .await
        .unwrap_or_default();
        let offered: Vec<String> = serde_json::from_str(&links).unwrap_or_default();
        if username == "admin" {
            // The checker itself: a planted image without a text alternative is found (a critical violation).
            let _ = page.evaluate("document.querySelector('main').append(document.createElement('img'))").await;
            let planted = faults(&page, &axe, false).await;
            assert!(planted.iter().any(|f| f.starts_with("axe: image-alt")), "axe finds a planted fault: {planted:?}");
            page.goto(format!("{base}/")).await.unwrap();
        }
        assert!(!offered.is_empty(), "{username} is offered no page");
        let mut visits: Vec<(String, bool)> = vec![("/".to_owned(), true)];
        visits.extend(offered.iter().map(|l| (l.clone(), true)));
        visits.extend(behind.iter().filter(|b| !offered.contains(b)).map(|b| (b.clone(), false)));
        for (path, in_nav) in visits {
            page.goto(format!("{base}{path}")).await.unwrap();
            page.execute(SetDeviceMetricsOverrideParams::new(WIDTH, 780, 2.0, true)).await.unwrap();
            tokio::time::sleep(Duration::from_millis(250)).await;
            for fault in faults(&page, &axe, in_nav).await {
                problems.push(format!("{username} {path}: {fault}"));
            }
        }
        // On a phone the links fold behind the Menu button, which opens them.
        page.goto(format!("{base}/")).await.unwrap();
        page.execute(SetDeviceMetricsOverrideParams::new(WIDTH, 780, 2.0, true)).await.unwrap();
        tokio::time::sleep(Duration::from_millis(250)).await;
        let shown = "String(document.getElementById('main-nav').getBoundingClientRect().height > 0)";
        assert_eq!(text(&page, shown).await.as_deref(), Some("false"), "{username}: folded");
        let _ = page.evaluate("document.getElementById('menu-toggle').click()").await;
        assert_eq!(text(&page, shown).await.as_deref(), Some("true"), "{username}: opened by the Menu button");
        collect.abort();
        for e in exceptions.lock().unwrap().iter() {
            problems.push(format!("{username}: script error {e}"));
        }
        page.close().await.unwrap();
    }
    chromium.close().await;
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}
