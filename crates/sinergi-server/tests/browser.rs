//! The map page in a real browser: Debian's Chromium, headless, driven over the DevTools protocol.
//!
//! Loads the map of Tanjung Jabung Timur (real boundaries, synthetic TPS) from the real application and checks
//! that it renders every TPS marker and every boundary, with no console error and no uncaught exception, and
//! without a single request leaving the machine.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chromiumoxide::cdp::browser_protocol::log::{EventEntryAdded, LogEntryLevel};
use chromiumoxide::cdp::browser_protocol::network::EventRequestWillBeSent;
use chromiumoxide::cdp::js_protocol::runtime::{ConsoleApiCalledType, EventConsoleApiCalled, EventExceptionThrown};
use chromiumoxide::{Browser, BrowserConfig};
use futures_util::StreamExt;
use sinergi_server::ServerConfig;
use sinergi_store::testing::TestDb;

/// Debian's Chromium; `CHROMIUM` may name another binary. Never a downloaded browser.
fn chromium() -> String {
    let path = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    assert!(
        std::path::Path::new(&path).exists(),
        "Chromium is needed for the browser tests: `apt-get install -y chromium` (the README's test command does it)"
    );
    path
}

async fn launch() -> (Browser, tokio::task::JoinHandle<()>, tempfile::TempDir) {
    let profile = tempfile::tempdir().unwrap();
    let config = BrowserConfig::builder()
        .chrome_executable(chromium())
        .no_sandbox()
        .new_headless_mode()
        .user_data_dir(profile.path())
        .window_size(1280, 900)
        .args([
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .launch_timeout(Duration::from_secs(60))
        .request_timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let (browser, mut handler) = Browser::launch(config).await.expect("Chromium starts");
    let events = tokio::spawn(async move { while handler.next().await.is_some() {} });
    (browser, events, profile)
}

/// Evaluates to a string; `None` while a navigation replaces the page under the evaluation.
async fn text(page: &chromiumoxide::Page, js: &str) -> Option<String> {
    page.evaluate(js).await.ok()?.into_value().ok()
}

#[tokio::test]
async fn the_map_shows_every_tps_and_boundary_without_console_errors() {
    let db = TestDb::sqlite().await;
    let markers = common::seed_regency(&*db.store, "15.07").await;
    assert!(markers > 300, "fixture has {markers} TPS");
    let boundaries =
        db.store.boundaries(&all(), &common::code("15.07"), sinergi_domain::Level::Village).await.unwrap().len();
    let districts =
        db.store.boundaries(&all(), &common::code("15.07"), sinergi_domain::Level::District).await.unwrap().len();
    let territory = common::code("15.07");
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
    common::add_user(&*db.store, "kabag.ops", sinergi_domain::auth::Role::Operator, "polres-15.07", false).await;
    let base = common::spawn(db.store.clone(), ServerConfig::default()).await;

    let (mut browser, events, _profile) = launch().await;
    let page = browser.new_page("about:blank").await.unwrap();
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
                    Some(e) = exceptions.next() => problems.lock().unwrap().push(format!("exception: {:?}", e.exception_details.text)),
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
            common::PASSWORD
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
    let mut state = String::new();
    for _ in 0..100 {
        state = text(&page, "(document.getElementById('map') || {dataset: {}}).dataset.state || ''")
            .await
            .unwrap_or_default();
        if !state.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(state, "ready", "the map finished loading");
    let count = |selector: &'static str| {
        let page = page.clone();
        async move {
            let js = format!("document.querySelectorAll('{selector}').length");
            page.evaluate(js).await.unwrap().into_value::<usize>().unwrap()
        }
    };
    assert_eq!(count("path.tps-marker").await, markers, "one marker per TPS with coordinates");
    assert_eq!(count("path.village-boundary").await, boundaries);
    assert_eq!(count("path.district-boundary").await, districts);
    let status: String =
        page.evaluate("document.getElementById('map-status').textContent").await.unwrap().into_value().unwrap();
    assert!(status.starts_with(&format!("{markers} TPS")), "{status}");
    let banner: bool =
        page.evaluate("!!document.getElementById('synthetic-banner')").await.unwrap().into_value().unwrap();
    assert!(banner, "synthetic TPS are labelled");

    // A popup opens on a marker and shows the TPS in Bahasa Indonesia.
    let popup: String = page
        .evaluate(
            "(() => { const m = document.querySelector('path.tps-marker'); \
             m.dispatchEvent(new MouseEvent('click', {bubbles: true})); \
             const p = document.querySelector('.tps-popup'); return p ? p.textContent : ''; })()",
        )
        .await
        .unwrap()
        .into_value()
        .unwrap();
    assert!(popup.contains("TPS 0") && popup.contains("DPT") && popup.contains("sintetis"), "{popup}");

    tokio::time::sleep(Duration::from_millis(300)).await;
    browser.close().await.unwrap();
    let _ = browser.wait().await;
    collect.abort();
    events.abort();
    let problems = problems.lock().unwrap().clone();
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Reads as the command line does: everything.
fn all() -> sinergi_domain::access::Viewer {
    sinergi_domain::access::Viewer::system("test")
}
