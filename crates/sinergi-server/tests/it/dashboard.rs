//! The command dashboard through the real router: each role's tiles for its territory, with their figures (reports
//! waiting by severity, what is routed to the user's agency, overdue action items, the election's stage, vulnerable
//! TPS), the tiles alone for the page to fetch, and the wall-screen mode. Its layout on a phone is in `phone`.

use reqwest::StatusCode;
use serde_json::json;
use sinergi_domain::vulnerability::{IndicatorSet, SHIPPED};
use sinergi_store::testing::TestDb;

use crate::coordination::setup;
use crate::helpers::{day, get_html, send, test_event};

/// The figure of a tile on the page, or `None` when the page has no such tile.
fn figure(html: &str, tile: &str) -> Option<String> {
    let section = html.split(&format!("id=\"tile-{tile}\"")).nth(1)?;
    let figure = section.split("<p class=\"figure\">").nth(1)?;
    Some(figure.split("</p>").next()?.to_owned())
}

async fn the_dashboard_tells_each_role_what_needs_attention(db: &TestDb) {
    let app = setup(db).await;
    for (_, definition) in SHIPPED {
        let set = IndicatorSet::from_toml(definition).unwrap();
        db.store.put_indicator_set(&set, definition, &test_event()).await.unwrap();
    }
    let base = &app.base;
    let ops = app.signed_in("ops").await;
    let pln = app.signed_in("pln").await;
    let observer = app.signed_in("pengamat").await;

    // Nothing yet: zeros, and the stage of the election.
    let (status, home) = get_html(&ops, format!("{base}/")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(figure(&home, "incident-open").as_deref(), Some("0"), "{home}");
    assert!(figure(&home, "stage").is_some_and(|f| f.starts_with('H')), "the day counted from voting day");

    // Two reports, one critical; a rakor held a fortnight ago whose item for the Kodim is overdue.
    for (category, severity) in [("bentrok", 4), ("politik_uang", 2)] {
        let body = json!({"category": category, "severity": severity, "village_code": "15.07.01.2001",
            "description": "Laporan untuk dasbor"});
        let (status, answer) = send(ops.post(format!("{base}/api/v1/reports")).json(&body)).await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
    }
    let meeting = json!({"title": "Rakor", "region": "15.07", "convening_unit": "polres-15.07", "place": "Aula",
        "starts_at": format!("{} 09:00", day(-15)), "ends_at": format!("{} 12:00", day(-15)),
        "invitees": ["kodim-15.07", "pln-up3-15.07"]});
    let (_, meeting) = send(ops.post(format!("{base}/api/v1/meetings")).json(&meeting)).await;
    let id = meeting["id"].as_i64().unwrap();
    let decision = json!({"text": "Patroli gabungan", "items": [
        {"owner_unit": "kodim-15.07", "task": "Patroli 12 TPS", "deadline": day(-10)}]});
    let (status, _) = send(ops.post(format!("{base}/api/v1/meetings/{id}/decisions")).json(&decision)).await;
    assert_eq!(status, StatusCode::CREATED);

    let (_, home) = get_html(&ops, format!("{base}/")).await;
    assert_eq!(figure(&home, "incident-open").as_deref(), Some("2"));
    assert!(home.contains("Kritis: 1") && home.contains("href=\"/incidents?open=true&#38;severity=4\""), "{home}");
    assert!(home.contains("2 belum diverifikasi"));
    assert_eq!(figure(&home, "incident-limits").as_deref(), Some("0"), "nothing past its limit yet");
    assert!(home.contains("Untuk Polri"), "the user's own agency");
    assert_eq!(figure(&home, "meetings").as_deref(), Some("1"), "the convener sees the overdue item");
    assert_eq!(figure(&home, "early-warning").as_deref(), Some("0"));
    assert!(home.contains("TPS rawan · ") && figure(&home, "vulnerability").is_some(), "Polri's classes: {home}");
    assert!(home.contains("href=\"/map/15.07\""), "and the mapped regencies");

    // The tiles alone, as the page fetches them; the wall screen.
    let (status, tiles) = get_html(&ops, format!("{base}/dashboard/tiles")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!tiles.contains("<html") && figure(&tiles, "incident-open").as_deref() == Some("2"), "{tiles}");
    assert!(tiles.contains("id=\"dash-updated\"") && tiles.contains(" WIB"));
    let (_, wall) = get_html(&ops, format!("{base}/?wall=1")).await;
    assert!(wall.contains("<main class=\"wall\">") && wall.contains("data-wall=\"1\""));

    // An external agency: its own work only — no early warning, no TPS; an observer: no meetings' follow-up tile
    // beyond what it reads.
    let (_, home) = get_html(&pln, format!("{base}/")).await;
    assert!(figure(&home, "early-warning").is_none() && figure(&home, "vulnerability").is_none(), "{home}");
    assert!(home.contains("Untuk PLN"), "{home}");
    assert_eq!(figure(&home, "meetings").as_deref(), Some("0"), "PLN's own items are not overdue");
    assert!(!home.contains("href=\"/map/"), "no registry for an external agency");
    let (_, home) = get_html(&observer, format!("{base}/")).await;
    assert_eq!(figure(&home, "incident-open").as_deref(), Some("2"));
}

sinergi_store::backend_tests!(the_dashboard_tells_each_role_what_needs_attention);
