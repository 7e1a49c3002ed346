//! The map page in a real browser: Debian's Chromium, headless, driven over the DevTools protocol.
//!
//! Loads the map of Tanjung Jabung Timur (real boundaries, synthetic TPS) from the real application and checks
//! that it renders every TPS marker and every boundary, with no console error and no uncaught exception, and
//! without a single request leaving the machine.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chromiumoxide::cdp::browser_protocol::log::{EventEntryAdded, LogEntryLevel};
use chromiumoxide::cdp::browser_protocol::network::EventRequestWillBeSent;
use chromiumoxide::cdp::js_protocol::runtime::{ConsoleApiCalledType, EventConsoleApiCalled, EventExceptionThrown};
use futures_util::StreamExt;
use sinergi_server::ServerConfig;
use sinergi_store::testing::TestDb;

use crate::helpers::browser::{Chromium, text};
use crate::helpers::{PASSWORD, TestApp, add_user, all, code, seed_regency, test_event};

/// Evaluates `js` every 100 ms until it gives a non-empty string (a page still loading, or replaced by a
/// navigation, gives none), for at most `tries` times; the last value, empty if it never came.
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
async fn the_map_shows_every_tps_and_boundary_without_console_errors() {
    let db = TestDb::sqlite().await;
    let markers = seed_regency(&*db.store, "15.07").await;
    assert!(markers > 300, "fixture has {markers} TPS");
    let village_boundaries = db.store.boundaries(&all(), &code("15.07"), sinergi_domain::Level::Village).await.unwrap();
    let boundaries = village_boundaries.len();
    let districts = db.store.boundaries(&all(), &code("15.07"), sinergi_domain::Level::District).await.unwrap().len();
    let territory = code("15.07");
    let polres = sinergi_domain::Unit {
        code: "polres-15.07".into(),
        kind: sinergi_domain::UnitKind::Polres,
        name: "Polres Tanjung Jabung Timur".into(),
        territory,
        parent: None,
        contact: Default::default(),
        personnel: 500,
    };
    db.store.upsert_units(&[polres]).await.unwrap();
    add_user(&*db.store, "kabag.ops", sinergi_domain::trust::auth::Role::Operator, "polres-15.07", false).await;
    // The vulnerability view: the Bawaslu set and one synthetic assessment of every TPS.
    let (_, text_of_set) = sinergi_domain::vulnerability::SHIPPED[0];
    let set = sinergi_domain::vulnerability::IndicatorSet::from_toml(text_of_set).unwrap();
    db.store.put_indicator_set(&set, text_of_set, &test_event()).await.unwrap();
    let every_tps = db.store.all_tps(&all(), &code("15.07")).await.unwrap();
    let items: Vec<sinergi_store::NewAssessment> = every_tps
        .iter()
        .map(|t| sinergi_store::NewAssessment {
            tps_id: t.id,
            agency: sinergi_domain::AgencyKind::Bawaslu,
            assessor: "Panwaslu".into(),
            account_id: None,
            assessed_at_ms: 1_731_376_800_000,
            recorded_at_ms: 1_731_376_800_000,
            answers: sinergi_domain::registry::synthetic::synthetic_answers(
                &set,
                &t.tps.village,
                &t.tps.number.to_string(),
                7,
            ),
            evidence: String::new(),
            photo: None,
        })
        .collect();
    db.store.add_assessments(&set, &items, &test_event()).await.unwrap();
    // An active early warning over three villages with boundaries (recorded as a run would record it).
    let alert_villages: Vec<sinergi_domain::RegionCode> =
        village_boundaries.iter().take(3).map(|b| b.code.clone()).collect();
    let run = sinergi_store::NewScanRun {
        regency: code("15.07"),
        trigger: sinergi_domain::early_warning::alerts::RunTrigger::Schedule,
        requested_by: "sinergi".into(),
        account_id: None,
        params: "{}".into(),
        period_start: "2024-09-01".into(),
        period_end: "2024-11-29".into(),
        started_at_ms: 1_732_800_000_000,
        finished_at_ms: 1_732_800_000_000,
        status: sinergi_domain::early_warning::alerts::RunStatus::Done,
        cases_used: 120,
        cases_left_out: 0,
        result: None,
        message: String::new(),
    };
    let cluster = sinergi_store::AlertCandidate {
        center: alert_villages[0].clone(),
        villages: alert_villages.clone(),
        radius_km: 2.0,
        start_day: "2024-11-25".into(),
        end_day: "2024-11-29".into(),
        observed: 32,
        expected: 32.0 / 3.5,
        relative_risk: 3.5,
        p_value: 0.001,
        gumbel_p_value: Some(1e-7),
        llr: 20.0,
        routes: Vec::new(),
    };
    db.store.record_scan(&run, &[cluster], None).await.unwrap();
    let base = TestApp::spawn(db.store.clone(), ServerConfig::default()).await.base;

    let chromium = Chromium::launch(1280, 900).await;
    let page = chromium.browser.new_page("about:blank").await.unwrap();
    let problems = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut console = page.event_listener::<EventConsoleApiCalled>().await.unwrap();
    let mut exceptions = page.event_listener::<EventExceptionThrown>().await.unwrap();
    let mut log = page.event_listener::<EventEntryAdded>().await.unwrap();
    let mut requests = page.event_listener::<EventRequestWillBeSent>().await.unwrap();
    let collect = {
        let problems = problems.clone();
        let base = base.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    Some(e) = console.next() => if matches!(e.r#type, ConsoleApiCalledType::Error | ConsoleApiCalledType::Assert) {
                        problems.lock().unwrap().push(format!("console error: {:?}", e.args.iter().map(|a| a.value.clone()).collect::<Vec<_>>()));
                    },
                    Some(e) = exceptions.next() => problems.lock().unwrap().push(format!(
                        "exception: {:?} {:?}",
                        e.exception_details.text,
                        e.exception_details.exception.as_ref().and_then(|x| x.description.clone())
                    )),
                    Some(e) = log.next() => if e.entry.level == LogEntryLevel::Error {
                        problems.lock().unwrap().push(format!("log error: {} {:?}", e.entry.text, e.entry.url));
                    },
                    Some(e) = requests.next() => {
                        let url = &e.request.url;
                        if !(url.starts_with(&base) || url.starts_with("data:") || url.starts_with("about:")) {
                            problems.lock().unwrap().push(format!("request left the machine: {url}"));
                        }
                    },
                    else => break,
                }
            }
        })
    };
    page.enable_log().await.unwrap();
    page.enable_runtime().await.unwrap();

    // Asking for the map leads to the login form, which leads back to the map.
    page.goto(format!("{base}/map/15.07")).await.unwrap();
    let url: String = page.evaluate("location.pathname + location.search").await.unwrap().into_value().unwrap();
    assert_eq!(url, "/login?next=/map/15.07");
    // The click starts a navigation, which may tear down the context the evaluation runs in: that is fine.
    let _ = page
        .evaluate(format!(
            "document.getElementById('username').value = 'kabag.ops'; \
             document.getElementById('password').value = '{}'; \
             document.getElementById('login-submit').click();",
            PASSWORD
        ))
        .await;
    let mut path = String::new();
    for _ in 0..100 {
        path = text(&page, "location.pathname").await.unwrap_or_default();
        if path == "/map/15.07" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(path, "/map/15.07", "signed in and back on the map");
    let state = wait_for(&page, "(document.getElementById('map') || {dataset: {}}).dataset.state || ''", 100).await;
    assert_eq!(state, "ready", "the map finished loading: {:#?}", problems.lock().unwrap());
    let count = |selector: &'static str| {
        let page = page.clone();
        async move {
            let js = format!("document.querySelectorAll('{selector}').length");
            page.evaluate(js).await.unwrap().into_value::<usize>().unwrap()
        }
    };
    // One marker per TPS with coordinates: drawn alone, or counted in the cluster that stands for its crowd.
    let shown: usize = page
        .evaluate(
            "document.querySelectorAll('path.tps-marker').length + [...document.querySelectorAll('.tps-cluster span')]\
             .reduce((n, s) => n + Number(s.textContent), 0)",
        )
        .await
        .unwrap()
        .into_value()
        .unwrap();
    assert_eq!(shown, markers, "every TPS with coordinates, alone or in its cluster");
    let tps_count = wait_for(&page, "document.getElementById('map').dataset.tpsCount || ''", 10).await;
    assert_eq!(tps_count, markers.to_string());
    // The legend and the layers' switches are on the map.
    assert_eq!(count(".map-legend").await, 1);
    assert!(count(".leaflet-control-layers-overlays input").await >= 4);
    assert_eq!(count("path.village-boundary").await, boundaries);
    assert_eq!(count("path.district-boundary").await, districts);
    // The early warning: its circle and its villages, with the explanation in the popup.
    let alerts = wait_for(&page, "document.getElementById('map').dataset.alertCount || ''", 100).await;
    assert_eq!(alerts, "1", "one active alert drawn");
    assert_eq!(count("path.alert-circle").await, 1);
    assert_eq!(count("path.alert-village").await, alert_villages.len());
    let explanation: String = page
        .evaluate(
            "(() => { const c = document.querySelector('path.alert-circle'); \
             c.dispatchEvent(new MouseEvent('click', {bubbles: true})); \
             const p = document.querySelector('.alert-popup'); return p ? p.textContent : ''; })()",
        )
        .await
        .unwrap()
        .into_value()
        .unwrap();
    assert!(
        explanation.starts_with("Peringatan dini3 desa di Kecamatan ")
            && explanation.contains(": 32 laporan dalam 5 hari terakhir, 3,5× dari biasanya"),
        "{explanation}"
    );
    let status: String =
        page.evaluate("document.getElementById('map-status').textContent").await.unwrap().into_value().unwrap();
    assert!(status.starts_with(&format!("{} TPS", sinergi_domain::i18n::Lang::Id.number(markers as u64))), "{status}");
    let banner: bool =
        page.evaluate("!!document.getElementById('synthetic-banner')").await.unwrap().into_value().unwrap();
    assert!(banner, "synthetic TPS are labelled");

    // A popup opens on a marker (a cluster opened first, zoomed into) and shows the TPS in Bahasa Indonesia,
    // its address and voters read from the TPS's record.
    let _ = text(
        &page,
        "(() => { if (!document.querySelector('path.tps-marker')) \
         document.querySelector('.tps-cluster').dispatchEvent(new MouseEvent('click', {bubbles: true})); return 'ok'; })()",
    )
    .await;
    let opened = wait_for(
        &page,
        "(() => { const m = document.querySelector('path.tps-marker'); if (!m) return ''; \
         if (!document.querySelector('.tps-popup')) m.dispatchEvent(new MouseEvent('click', {bubbles: true})); \
         const p = document.querySelector('.tps-popup'); return p && p.textContent.includes('DPT') ? p.textContent : ''; })()",
        100,
    )
    .await;
    assert!(opened.contains("TPS 0") && opened.contains("DPT") && opened.contains("sintetis"), "{opened}");

    // The vulnerability page: villages coloured by band, every TPS by class, a sortable table.
    page.goto(format!("{base}/vulnerability/15.07?set=bawaslu-pilkada-2024")).await.unwrap();
    let state = wait_for(&page, "(document.getElementById('map') || {dataset: {}}).dataset.state || ''", 100).await;
    assert_eq!(state, "ready", "the vulnerability map finished loading");
    // Every TPS drawn in the colour of its class (the markers drawn alone carry it; the rest are in clusters).
    let by_severity = wait_for(&page, "document.getElementById('map').dataset.severities || ''", 10).await;
    let by_severity: std::collections::BTreeMap<String, usize> = serde_json::from_str(&by_severity).unwrap();
    assert!(!by_severity.contains_key("none"), "{by_severity:?}");
    assert_eq!(by_severity.values().sum::<usize>(), markers, "every TPS drawn in the colour of its class");
    let alone = count("path.tps-marker").await;
    let classed = count("path.tps-marker.severity-0").await
        + count("path.tps-marker.severity-1").await
        + count("path.tps-marker.severity-2").await;
    assert_eq!(classed, alone);
    let legend = text(&page, "document.querySelector('.map-legend').textContent").await.unwrap_or_default();
    assert!(legend.contains("Tidak rawan") || legend.contains("Rawan"), "classes named in the legend: {legend}");
    let banded = count("path.band-low").await + count("path.band-medium").await + count("path.band-high").await;
    let villages_with_tps: std::collections::HashSet<String> =
        every_tps.iter().map(|t| t.tps.village.to_string()).collect();
    let assessed_villages = village_boundaries.iter().filter(|b| villages_with_tps.contains(b.code.as_str())).count();
    assert!(assessed_villages > 0);
    assert_eq!(banded, assessed_villages, "every village with assessed TPS coloured by its band");
    // Sorting the areas by index, highest first: a click sorts ascending, a second descending.
    let order: Vec<f64> = page
        .evaluate(
            "(() => { const th = Array.from(document.querySelectorAll('#areas thead th')); \
             const i = th.findIndex(h => h.textContent.trim() === 'Indeks'); \
             const b = th[i].querySelector('button'); b.click(); b.click(); \
             return Array.from(document.querySelectorAll('#areas tbody tr')).map(r => \
               Number(r.children[i].dataset.sort)); })()",
        )
        .await
        .unwrap()
        .into_value()
        .unwrap();
    assert!(order.len() > 1 && order.windows(2).all(|w| w[0] >= w[1]), "{order:?}");

    // The village form: the first field has the focus, every answer is reachable by Tab, and saving records them.
    let village = every_tps[0].tps.village.to_string();
    page.goto(format!("{base}/vulnerability/{village}/assess?set=bawaslu-pilkada-2024")).await.unwrap();
    // The first field in tab order is the assessor's name, and it asks for the focus (whether headless Chromium
    // grants it depends on window focus, so the test reads the page rather than racing the browser).
    let first = wait_for(
        &page,
        "(() => { const f = document.querySelector('#assess-form input:not([type=hidden])'); \
         return f && f.hasAttribute('autofocus') ? f.name : ''; })()",
        50,
    )
    .await;
    assert_eq!(first, "assessor", "the form starts where typing starts");
    let unreachable: usize = page
        .evaluate("document.querySelectorAll('#assess-form input[tabindex=\"-1\"], #assess-form [disabled]').length")
        .await
        .unwrap()
        .into_value()
        .unwrap();
    assert_eq!(unreachable, 0);
    let _ = page
        .evaluate(
            "document.querySelector('input[name=assessor]').value = 'Aiptu Sabar';              document.querySelector('#assess-form tbody input[type=checkbox]').click();              document.getElementById('assess-save').click();",
        )
        .await;
    let saved = wait_for(&page, "(document.getElementById('saved') || {textContent: ''}).textContent", 100).await;
    assert!(saved.contains("penilaian disimpan"), "{saved:?}");

    tokio::time::sleep(Duration::from_millis(300)).await;
    chromium.close().await;
    collect.abort();
    let problems = problems.lock().unwrap().clone();
    assert!(problems.is_empty(), "{problems:#?}");
}
