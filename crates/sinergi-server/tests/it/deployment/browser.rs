//! The plan on the map, in Chromium: the plan's page draws the regency with the plan's posts, patrol routes and
//! reserve bases as layers, and the regency's map shows the approved plan.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;
use sinergi_domain::registry::agency::Contact;
use sinergi_domain::trust::auth::Role;
use sinergi_domain::{Unit, UnitKind};
use sinergi_server::ServerConfig;
use sinergi_store::testing::TestDb;

use crate::helpers::browser::{Chromium, text};
use crate::helpers::{PASSWORD, TestApp, code, seed_regency, send, test_event};

async fn wait_for(page: &chromiumoxide::Page, js: &str, tries: usize) -> String {
    for _ in 0..tries {
        let value = text(page, js).await.unwrap_or_default();
        if !value.is_empty() {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    String::new()
}

#[tokio::test]
async fn the_plan_is_drawn_on_the_map() {
    let db = TestDb::sqlite().await;
    seed_regency(&*db.store, "15.07").await;
    for (_, text) in sinergi_domain::vulnerability::SHIPPED {
        let set = sinergi_domain::vulnerability::IndicatorSet::from_toml(text).unwrap();
        db.store.put_indicator_set(&set, text, &test_event()).await.unwrap();
    }
    let unit = |kind: UnitKind, t: &str| Unit {
        code: Unit::conventional_code(kind, &code(t)),
        kind,
        name: format!("{} {t}", kind.title()),
        territory: code(t),
        parent: None,
        contact: Contact::default(),
        personnel: 0,
    };
    db.store
        .upsert_units(&[
            unit(UnitKind::Polres, "15.07"),
            unit(UnitKind::Polsek, "15.07.01"),
            unit(UnitKind::Koramil, "15.07.01"),
        ])
        .await
        .unwrap();
    let app = TestApp::spawn(db.store.clone(), ServerConfig::default()).await;
    app.add_user("kabag.ops", Role::Commander, "polres-15.07", false).await;
    let ops = app.signed_in("kabag.ops").await;
    let base = &app.base;
    let order = json!({"regency": "15.07", "name": "Pilkada 2026", "day": "2026-11-27", "patrol_teams": 12,
        "reserve_teams": 2, "seconds": 2});
    let (status, job) = send(ops.post(format!("{base}/api/v1/plans")).json(&order)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let mut plan = 0;
    for _ in 0..300 {
        let (_, state) = send(ops.get(format!("{base}/api/v1/plan-jobs/{}", job["id"]))).await;
        if let Some(id) = state["plan_id"].as_i64() {
            plan = id;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(plan > 0);
    let (status, _) = send(ops.post(format!("{base}/api/v1/plans/{plan}/approve"))).await;
    assert_eq!(status, StatusCode::OK);

    let chromium = Chromium::launch(1280, 900).await;
    let page = chromium.browser.new_page("about:blank").await.unwrap();
    page.goto(format!("{base}/login")).await.unwrap();
    let _ = page
        .evaluate(format!(
            "document.getElementById('username').value = 'kabag.ops'; \
             document.getElementById('password').value = '{PASSWORD}'; \
             document.getElementById('login-submit').click();"
        ))
        .await;
    for _ in 0..100 {
        if text(&page, "location.pathname").await.is_some_and(|p| p != "/login") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let ready = "(document.getElementById('map') || {dataset: {}}).dataset.state || ''";
    let counts = "JSON.stringify([+document.getElementById('map').dataset.planPosts, \
                  +document.getElementById('map').dataset.planRoutes, +document.getElementById('map').dataset.planReserves, \
                  document.querySelectorAll('.plan-post').length, document.querySelectorAll('.plan-route').length, \
                  document.querySelectorAll('.plan-reserve').length])";
    for path in [format!("/plans/{plan}"), "/map/15.07".to_owned()] {
        page.goto(format!("{base}{path}")).await.unwrap();
        assert_eq!(wait_for(&page, ready, 150).await, "ready", "{path}: the map loads");
        let drawn: Vec<u64> = serde_json::from_str(&text(&page, counts).await.unwrap()).unwrap();
        assert!(drawn[0] > 0 && drawn[1] > 0 && drawn[2] == 2, "{path}: posts, routes, reserves {drawn:?}");
        assert_eq!(&drawn[3..], &drawn[..3], "{path}: every one drawn: {drawn:?}");
        let legend = text(&page, "document.querySelector('.map-legend').textContent").await.unwrap_or_default();
        assert!(legend.contains("Pos pengamanan") && legend.contains("Rute patroli"), "{path}: {legend}");
    }
    let note = text(&page, "document.getElementById('map-plan-note').textContent").await.unwrap_or_default();
    assert!(note.contains("Pilkada 2026 v1"), "{note}");
    chromium.close().await;
}
