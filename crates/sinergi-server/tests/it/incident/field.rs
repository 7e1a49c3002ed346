//! The field form (`/field`) in a real browser: Debian's Chromium, headless, at a phone's width, driven over the
//! DevTools protocol; on SQLite.
//!
//! A field reporter opens the form, loses the signal, files two reports, reopens the form without signal, gets
//! the signal back, and each report reaches the server exactly once; sending one of them again changes nothing.
//!
//! *How the signal is cut.* `Network.emulateNetworkConditions` (offline) on the page makes the page see what a
//! phone without signal sees (`navigator.onLine` false, the `offline` and `online` events, its own requests
//! failing), but it is set on the page's DevTools session only: the service worker is a target of its own, and
//! the requests it makes (the form's page, network-first; Background Sync) would still reach the server. So the
//! browser talks to the application through a TCP relay in this test, and cutting the relay is the signal going:
//! connections in flight are dropped and new ones are closed unanswered, whoever opens them, while the application
//! and its database stay up for the test to query. Both are switched together.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chromiumoxide::Page;
#[allow(deprecated)] // Network.emulateNetworkConditions: its per-rule successor is not in every Chromium yet
use chromiumoxide::cdp::browser_protocol::network::EmulateNetworkConditionsParams;
use chromiumoxide::cdp::browser_protocol::target::SetAutoAttachParams;
use chromiumoxide::cdp::js_protocol::runtime::EventExceptionThrown;
use futures_util::StreamExt;
use serde_json::{Value, json};
use sinergi_domain::access::Viewer;
use sinergi_domain::trust::auth::Role;
use sinergi_store::testing::TestDb;
use sinergi_store::{Page as Paging, ReportFilter, Store};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::helpers::browser::{Chromium, text};
use crate::helpers::{Account, OPS, PASSWORD, PENGAMAT, TestApp, client, code, send};

/// The relay between the browser and the application; see the module's comment.
struct Relay {
    base: String,
    cut: watch::Sender<bool>,
}

impl Relay {
    async fn start(app: &str) -> Relay {
        let target: std::net::SocketAddr = app.trim_start_matches("http://").parse().unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (cut, state) = watch::channel(false);
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let mut state = state.clone();
                if *state.borrow() {
                    // No signal: the connection closes without an answer.
                    continue;
                }
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(target).await else { return };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        // Losing the signal ends the connections in flight too (kept-alive ones above all).
                        _ = state.wait_for(|cut| *cut) => {}
                    }
                });
            }
        });
        Relay { base, cut }
    }

    /// Cuts or restores the signal, for the relay and for the page's own view of the network.
    async fn signal(&self, page: &Page, on: bool) {
        self.cut.send_replace(!on);
        #[allow(deprecated)]
        let conditions = EmulateNetworkConditionsParams::builder()
            .offline(!on)
            .latency(0)
            .download_throughput(-1.0)
            .upload_throughput(-1.0)
            .build()
            .unwrap();
        page.execute(conditions).await.unwrap();
    }
}

/// Evaluates `js` every 100 ms until it gives `want`, for at most `tries` times; the last value.
async fn wait_until(page: &Page, js: &str, want: &str, tries: usize) -> String {
    let mut value = String::new();
    for _ in 0..tries {
        value = text(page, js).await.unwrap_or_default();
        if value == want {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    value
}

/// The items of an IndexedDB store of the field form, as JSON.
async fn stored(page: &Page, store: &str) -> Vec<Value> {
    let js = format!(
        "(async () => {{ const db = await new Promise((ok, fail) => {{ const r = indexedDB.open('sinergi-field'); \
         r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); }}); \
         const all = await new Promise((ok, fail) => {{ const r = db.transaction('{store}').objectStore('{store}').getAll(); \
         r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); }}); db.close(); return JSON.stringify(all); }})()"
    );
    let json: String = page.evaluate(js).await.unwrap().into_value().unwrap();
    serde_json::from_str(&json).unwrap()
}

/// Puts an item back into the outbox, as if the answer to it had been lost.
async fn requeue(page: &Page, item: &Value) {
    let js = format!(
        "(async (item) => {{ const db = await new Promise((ok, fail) => {{ const r = indexedDB.open('sinergi-field'); \
         r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); }}); \
         await new Promise((ok, fail) => {{ const t = db.transaction('outbox', 'readwrite'); t.objectStore('outbox').put(item); \
         t.oncomplete = ok; t.onerror = () => fail(t.error); }}); db.close(); return 'ok'; }})({item})"
    );
    let done: String = page.evaluate(js).await.unwrap().into_value().unwrap();
    assert_eq!(done, "ok");
}

/// Fills the form and sends it (a click on the button, as a thumb would).
async fn file(page: &Page, kind: &str, category: &str, place: Option<&str>, description: &str) {
    let place = place.map_or(String::new(), |p| format!("f.elements.village.value = '{p}';"));
    let js = format!(
        "(() => {{ const f = document.getElementById('field-form'); \
         f.querySelector('input[name=kind][value={kind}]').checked = true; \
         f.elements.category.value = '{category}'; {place} f.elements.description.value = '{description}'; \
         document.getElementById('field-submit').click(); return 'ok'; }})()"
    );
    assert_eq!(text(page, &js).await.as_deref(), Some("ok"));
}

async fn reports(store: &dyn Store) -> Vec<sinergi_store::ReportRecord> {
    let (items, total) =
        store.reports(&Viewer::system("test"), &ReportFilter::default(), Paging::new(1, 100)).await.unwrap();
    assert_eq!(items.len() as u64, total);
    items
}

/// A PTPS officer at Desa Satu: a field reporter whose territory is one village.
const PTPS_SATU: Account = ("ptps.satu", Role::FieldReporter, "pps-15.07.01.2001");

const STATUS: &str = "document.getElementById('outbox-status').textContent";
const QUEUED: &str = "document.documentElement.dataset.outbox || ''";
const FAILED: &str = "document.documentElement.dataset.failed || ''";

#[tokio::test]
async fn the_field_form_keeps_reports_offline_and_sends_each_once() {
    let db = TestDb::sqlite().await;
    let app = TestApp::small(&db, &[PTPS_SATU]).await;
    let relay = Relay::start(&app.base).await;
    let base = relay.base.clone();

    // A phone's screen: 360 CSS pixels wide.
    let chromium = Chromium::launch(360, 780).await;
    let page = chromium.browser.new_page("about:blank").await.unwrap();
    let exceptions = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut thrown = page.event_listener::<EventExceptionThrown>().await.unwrap();
    let collect = {
        let exceptions = exceptions.clone();
        tokio::spawn(async move {
            while let Some(e) = thrown.next().await {
                exceptions.lock().unwrap().push(format!("{:?}", e.exception_details));
            }
        })
    };
    page.enable_runtime().await.unwrap();
    // chromiumoxide attaches to the page's workers with "wait for the debugger" and then detaches from service
    // workers without letting them run, so a service worker would never finish installing: attach without waiting.
    let attach = SetAutoAttachParams::builder().auto_attach(true).wait_for_debugger_on_start(false).flatten(true);
    page.execute(attach.build().unwrap()).await.unwrap();

    // Signing in leads back to the form, which the navigation offers.
    page.goto(format!("{base}/field")).await.unwrap();
    let _ = page
        .evaluate(format!(
            "document.getElementById('username').value = 'ptps.satu'; \
             document.getElementById('password').value = '{}'; \
             document.getElementById('login-submit').click();",
            PASSWORD
        ))
        .await;
    assert_eq!(wait_until(&page, "location.pathname", "/field", 100).await, "/field");
    let nav = text(&page, "(document.getElementById('nav-field') || {}).textContent || ''").await;
    assert_eq!(nav.as_deref(), Some("Lapor"));
    // The service worker has kept the form for offline use.
    assert_eq!(wait_until(&page, "document.documentElement.dataset.offline || ''", "ready", 200).await, "ready");
    // A phone's width: nothing runs off the side, and the buttons are big enough for a thumb.
    let fits: bool = page
        .evaluate(
            "document.documentElement.scrollWidth <= window.innerWidth && \
             document.getElementById('field-submit').getBoundingClientRect().height >= 44 && \
             document.getElementById('locate').getBoundingClientRect().height >= 44",
        )
        .await
        .unwrap()
        .into_value()
        .unwrap();
    assert!(fits, "the form fits 360 px with large buttons");
    let village = text(&page, "document.getElementById('village').value").await;
    assert_eq!(village.as_deref(), Some("Desa Satu (Muara Sabak Timur)"), "the officer's village, by name");
    // The territory's villages and TPS are kept on the device before the signal goes.
    assert_eq!(wait_until(&page, "document.documentElement.dataset.places || ''", "3", 100).await, "3");
    let offered = text(&page, "[...document.querySelectorAll('#tps-list option')].map((o) => o.value).join(' ')").await;
    assert_eq!(offered.as_deref(), Some("001 002 003"), "the village's TPS by number");

    // No signal: two reports stay on the device, and nothing reaches the server.
    relay.signal(&page, false).await;
    file(&page, "incident", "bentrok", None, "Massa dua paslon saling dorong di TPS 01").await;
    assert_eq!(wait_until(&page, QUEUED, "1", 100).await, "1");
    let _ = text(&page, "(() => { document.getElementById('tps_number').value = '002'; return 'ok'; })()").await;
    file(&page, "intelligence", "politik_uang", None, "Info pembagian sembako malam ini").await;
    assert_eq!(wait_until(&page, QUEUED, "2", 100).await, "2");
    // The status line is written after the count it shows has been read back from the device's store: wait for it.
    let counted = format!("({STATUS}).includes('2 laporan menunggu') ? 'yes' : 'no'");
    wait_until(&page, &counted, "yes", 100).await;
    let status = text(&page, STATUS).await.unwrap_or_default();
    assert!(
        status.contains("Tersimpan di perangkat, akan dikirim saat sinyal kembali")
            && status.contains("2 laporan menunggu"),
        "{status}"
    );
    let queued = stored(&page, "outbox").await;
    assert_eq!(queued.len(), 2);
    for item in &queued {
        assert_eq!(item["state"], "queued");
        assert_eq!(item["report"]["idempotency_key"], item["key"], "the key travels with the report");
        assert_eq!(item["report"]["channel"], "field");
        assert_eq!(item["report"]["village_code"], "15.07.01.2001");
    }
    assert_ne!(queued[0]["key"], queued[1]["key"]);
    // Long enough for an attempt from the page or the service worker (Background Sync) to have been made.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(reports(&*db.store).await.is_empty(), "nothing reached the server without signal");

    // Reopened without signal, the form comes from the service worker, with its outbox.
    page.goto(format!("{base}/field")).await.unwrap();
    assert_eq!(wait_until(&page, QUEUED, "2", 100).await, "2", "the outbox survives a reload");
    let title = text(&page, "document.querySelector('h1').textContent").await;
    assert_eq!(title.as_deref(), Some("Lapor dari lapangan"));
    assert!(reports(&*db.store).await.is_empty());

    // The signal returns: both reports arrive, once each, with their reference numbers on the phone.
    relay.signal(&page, true).await;
    assert_eq!(wait_until(&page, QUEUED, "0", 300).await, "0", "the outbox empties");
    let status = text(&page, STATUS).await.unwrap_or_default();
    assert!(status.contains("Laporan terkirim. Nomor: LK-") && status.contains("Nomor: LI-"), "{status}");
    let filed = reports(&*db.store).await;
    assert_eq!(filed.len(), 2, "each report exactly once");
    let mut categories: Vec<(&str, &str, &str)> =
        filed.iter().map(|r| (r.category.as_str(), r.kind.as_str(), r.channel.as_str())).collect();
    categories.sort();
    assert_eq!(categories, [("bentrok", "incident", "field"), ("politik_uang", "intelligence", "field")]);
    assert!(filed.iter().all(|r| r.village_code.as_str() == "15.07.01.2001"));
    // The TPS chosen by its number in the village.
    let tps_two = db.store.all_tps(&Viewer::system("test"), &code("15.07.01.2001")).await.unwrap();
    let tps_two = tps_two.iter().find(|t| t.tps.number == 2).unwrap().id;
    let by_kind = |kind: &str| filed.iter().find(|r| r.kind.as_str() == kind).unwrap().tps_id;
    assert_eq!((by_kind("incident"), by_kind("intelligence")), (None, Some(tps_two)));
    // The officer's own list says what became of them.
    let mine = "document.getElementById('mine-list').textContent";
    let listed = format!("String(({mine}.match(/dilaporkan/g) || []).length)");
    assert_eq!(wait_until(&page, &listed, "2", 200).await, "2");
    let shown = text(&page, mine).await.unwrap_or_default();
    assert!(shown.contains("TPS 002 Desa Satu"), "{shown}");
    assert!(filed.iter().all(|r| (r.reported_at_ms - r.occurred_at_ms).abs() < 10 * 60_000), "the time typed offline");
    let sent = stored(&page, "sent").await;
    assert_eq!(sent.len(), 2);
    let shown = text(&page, "document.getElementById('sent-list').textContent").await.unwrap_or_default();
    for s in &sent {
        assert!(shown.contains(s["reference"].as_str().unwrap()), "{shown}");
    }

    // One of them sent again with its key (an answer lost on the way): the server keeps one.
    requeue(&page, &queued[0]).await;
    let _ = text(&page, "(() => { window.dispatchEvent(new Event('online')); return 'ok'; })()").await;
    let replayed = format!("{STATUS}.includes('sudah diterima sebelumnya') ? 'yes' : {STATUS}");
    assert_eq!(wait_until(&page, &replayed, "yes", 300).await, "yes");
    assert_eq!(text(&page, QUEUED).await.as_deref(), Some("0"));
    assert_eq!(reports(&*db.store).await.len(), 2, "still one report each");

    // A report the server refuses (a village outside the officer's territory) waits for the user, not retried.
    file(&page, "incident", "listrik_padam", Some("15.07.02.1001"), "Listrik padam sejak pukul 10").await;
    assert_eq!(wait_until(&page, FAILED, "1", 300).await, "1");
    let failed = stored(&page, "outbox").await;
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["state"], "failed");
    let shown = text(&page, "document.getElementById('outbox-list').textContent").await.unwrap_or_default();
    assert!(shown.contains("di luar wilayah tugas Anda"), "{shown}");
    let _ = text(&page, "(() => { window.dispatchEvent(new Event('online')); return 'ok'; })()").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(stored(&page, "outbox").await[0]["state"], "failed");
    assert_eq!(reports(&*db.store).await.len(), 2);
    // Deleting it empties the outbox.
    let _ = text(&page, "(() => { document.querySelector('#outbox-list li.failed .actions button:last-child').click(); return 'ok'; })()").await;
    assert_eq!(wait_until(&page, FAILED, "0", 100).await, "0");
    assert!(stored(&page, "outbox").await.is_empty());

    // Signing out drops the kept page: a shared phone does not open the last user's form.
    let _ = text(&page, "(() => { document.getElementById('logout').click(); return 'ok'; })()").await;
    assert_eq!(wait_until(&page, "location.pathname", "/login", 100).await, "/login");
    let kept = "(async () => (await caches.has('sinergi-field-v1')) && \
                (await (await caches.open('sinergi-field-v1')).match('/field', {ignoreVary: true})) ? 'kept' : 'gone')()";
    assert_eq!(text(&page, kept).await.as_deref(), Some("gone"));

    chromium.close().await;
    collect.abort();
    let exceptions = exceptions.lock().unwrap().clone();
    assert!(exceptions.is_empty(), "{exceptions:#?}");
}

/// Without JavaScript the form posts to the server and the report is filed by the API's own handler: once per
/// key, every fault named, with the session's CSRF token. The service worker's script has a fixed, public URL.
#[tokio::test]
async fn the_field_form_works_without_javascript() {
    let db = TestDb::sqlite().await;
    let app = TestApp::small(&db, &[PTPS_SATU, PENGAMAT]).await;
    let base = &app.base;

    let worker = client().get(format!("{base}/sw.js")).send().await.unwrap();
    assert_eq!(worker.status(), reqwest::StatusCode::OK, "no sign-in needed");
    assert_eq!(worker.headers()["content-type"], "text/javascript; charset=utf-8");
    assert!(worker.text().await.unwrap().contains("sinergi-field"));

    let officer = app.signed_in("ptps.satu").await;
    let me: Value = officer.get(format!("{base}/api/v1/auth/me")).send().await.unwrap().json().await.unwrap();
    let csrf = me["csrf_token"].as_str().unwrap().to_owned();
    let form = officer.get(format!("{base}/field")).send().await.unwrap();
    assert_eq!(form.status(), reqwest::StatusCode::OK);
    let html = form.text().await.unwrap();
    assert!(html.contains("name=\"idempotency_key\" value=\"form-") && html.contains("/assets/field.js"), "{html}");
    assert!(!html.contains("/assets/main.js"), "the field form loads no map code");

    let fields = |key: &str, category: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("idempotency_key", key.to_owned()),
            ("kind", "incident".to_owned()),
            ("category", category.to_owned()),
            ("severity", String::new()),
            ("occurred_at", "2024-11-27T09:30".to_owned()),
            ("occurred_at_shown", "2024-11-27T09:00".to_owned()),
            ("village", "15.07.01.2001".to_owned()),
            ("lat", String::new()),
            ("lng", String::new()),
            ("description", "Kotak suara basah terkena hujan".to_owned()),
        ]
    };
    for _ in 0..2 {
        let response =
            officer.post(format!("{base}/field")).form(&fields("form-abc", "logistik")).send().await.unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER);
        assert_eq!(response.headers()["location"], "/field?sent=LK-000001", "the second post is the first report");
    }
    let filed = reports(&*db.store).await;
    assert_eq!(filed.len(), 1);
    assert_eq!((filed[0].channel.as_str(), filed[0].occurred_at_ms), ("field", 1_732_674_600_000));
    let shown = officer.get(format!("{base}/field?sent=LK-000001")).send().await.unwrap().text().await.unwrap();
    assert!(shown.contains("Laporan terkirim. Nomor: LK-000001"));

    // Every fault named, in the form's words, and what was typed kept.
    let mut bad = fields("form-def", "banjir_bandang");
    bad.push(("lat", "utara".to_owned()));
    let response =
        officer.post(format!("{base}/field")).form(&fields("form-def", "banjir_bandang")).send().await.unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("Kategori: `banjir_bandang` tidak dikenal"), "{html}");
    assert!(html.contains("Kotak suara basah terkena hujan"));
    let response = officer.post(format!("{base}/field")).form(&bad).send().await.unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("Koordinat:"));
    assert_eq!(reports(&*db.store).await.len(), 1);

    // Without the CSRF token nothing is filed; an observer, who may not file, gets no form.
    let mut forged = fields("form-ghi", "logistik");
    forged[0].1 = "forged".to_owned();
    let response = officer.post(format!("{base}/field")).form(&forged).send().await.unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::FORBIDDEN);
    assert_eq!(reports(&*db.store).await.len(), 1);
    let observer = app.signed_in("pengamat").await;
    assert_eq!(observer.get(format!("{base}/field")).send().await.unwrap().status(), reqwest::StatusCode::FORBIDDEN);
    let home = observer.get(format!("{base}/")).send().await.unwrap().text().await.unwrap();
    assert!(!home.contains("id=\"nav-field\""), "no link to a form the observer may not use");
}

/// A field reporter of Kecamatan Muara Sabak Timur (its Polsek).
const LAPOR_SABAK: Account = ("lapor.sabak", Role::FieldReporter, "polsek-15.07.01");

/// Officers name places as people do: a village by its name (with its district where names repeat), a TPS by its
/// number; the form keeps the territory's places on the device, lists the officer's reports with what became of
/// them, and is where a field reporter lands after signing in.
#[tokio::test]
async fn the_field_form_names_places_as_officers_do() {
    let db = TestDb::sqlite().await;
    let app = TestApp::small(&db, &[LAPOR_SABAK, OPS]).await;
    let base = &app.base;
    // A second "Desa Satu", in the other district of the regency.
    let twin = sinergi_domain::Region {
        code: code("15.07.02.2002"),
        name: "Desa Satu".into(),
        centroid: Some(sinergi_domain::LatLng::new(-1.0, 104.0)),
    };
    db.store.upsert_regions(&[twin]).await.unwrap();

    // Signing in without a page to return to lands a field reporter on the form; a page asked for is kept.
    for (next, landing) in [("/", "/field"), ("/incidents", "/incidents")] {
        let response = client()
            .post(format!("{base}/login"))
            .header("origin", base.as_str())
            .form(&[("username", "lapor.sabak"), ("password", PASSWORD), ("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER, "{next}");
        assert_eq!(response.headers()["location"], landing);
    }

    // The territory's places, compact, with a version: asked again with it, nothing is sent.
    let officer = app.signed_in("lapor.sabak").await;
    let response = officer.get(format!("{base}/field/places")).send().await.unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    assert!(response.headers()["cache-control"].to_str().unwrap().contains("private"));
    let places: Value = response.json().await.unwrap();
    let villages: Vec<&str> = places["villages"].as_array().unwrap().iter().map(|v| v[1].as_str().unwrap()).collect();
    assert_eq!(villages, ["Desa Dua", "Desa Satu"], "the district's villages, by name");
    assert_eq!(places["villages"][1][2], "Muara Sabak Timur");
    assert_eq!(places["tps"].as_array().unwrap().len(), 4, "the district's TPS");
    let again = officer.get(format!("{base}/field/places")).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status(), reqwest::StatusCode::NOT_MODIFIED);
    assert!(again.bytes().await.unwrap().is_empty());

    // The form offers the villages by name, with their district.
    let html = officer.get(format!("{base}/field")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<option value=\"Desa Satu (Muara Sabak Timur)\">"), "{html}");
    assert!(html.contains("Belum ada laporan yang Anda kirim."));
    let me: Value = officer.get(format!("{base}/api/v1/auth/me")).send().await.unwrap().json().await.unwrap();
    let csrf = me["csrf_token"].as_str().unwrap().to_owned();
    let shown_at = "2024-11-27T09:00";
    let post = |village: &str, number: &str, key: &str| {
        let form = vec![
            ("csrf", csrf.clone()),
            ("idempotency_key", key.to_owned()),
            ("kind", "incident".to_owned()),
            ("category", "logistik".to_owned()),
            ("occurred_at", shown_at.to_owned()),
            ("occurred_at_shown", shown_at.to_owned()),
            ("village", village.to_owned()),
            ("tps_number", number.to_owned()),
            ("description", "Surat suara kurang".to_owned()),
        ];
        officer.post(format!("{base}/field")).form(&form).send()
    };
    // A name typed in other case, a number with KPU's zeros: TPS 3 of Desa Satu; the time untouched is now.
    let response = post("desa  satu", "003", "form-1").await.unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER);
    let filed = reports(&*db.store).await;
    let tps = db.store.all_tps(&Viewer::system("test"), &code("15.07.01.2001")).await.unwrap();
    assert_eq!(filed[0].tps_id, tps.iter().find(|t| t.tps.number == 3).map(|t| t.id));
    assert!((filed[0].reported_at_ms - filed[0].occurred_at_ms).abs() < 60_000, "the time of sending");
    // Faults named in words: a number the village lacks, a name nobody has.
    for (village, number, fault) in [
        ("Desa Satu", "7", "TPS 7 di desa Desa Satu tidak ada"),
        ("Desa Sembilan", "", "tidak ada desa/kelurahan bernama \"Desa Sembilan\" di wilayah Anda"),
        ("Desa Satu", "tiga", "Nomor TPS:"),
        ("", "2", "nomor TPS diisi tanpa desa/kelurahannya"),
    ] {
        let response = post(village, number, "form-2").await.unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY, "{village} {number}");
        let html = response.text().await.unwrap();
        assert!(html.contains(&fault.replace('"', "&#34;")), "{fault}: {html}");
    }
    assert_eq!(reports(&*db.store).await.len(), 1, "nothing filed from a faulty form");

    // Over the API, a name two villages share is refused with their districts; the district tells them apart.
    let ops = app.signed_in("ops").await;
    let report = |village: &str| json!({"category": "logistik", "village_name": village, "tps_number": 1, "description": "Kotak suara rusak"});
    let (status, body) = send(ops.post(format!("{base}/api/v1/reports")).json(&report("Desa Satu"))).await;
    assert_eq!(status, reqwest::StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let message = body["fields"][0]["message"].as_str().unwrap();
    assert!(message.contains("Muara Sabak Barat, Muara Sabak Timur"), "{message}");
    let (status, body) =
        send(ops.post(format!("{base}/api/v1/reports")).json(&report("Desa Satu (Muara Sabak Timur)"))).await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{body}");
    assert_eq!(body["report"]["village_code"], "15.07.01.2001");
    let (status, body) = send(
        ops.post(format!("{base}/api/v1/reports"))
            .json(&json!({"category": "logistik", "village_code": "15.07.01.2001", "village_name": "Desa Satu",
                "description": "x"})),
    )
    .await;
    assert_eq!(
        (status, body["fields"][0]["field"].as_str()),
        (reqwest::StatusCode::UNPROCESSABLE_ENTITY, Some("village_name"))
    );

    // Rejected by the Polres, the report says so on the officer's list, with the reason.
    let id = filed[0].id.0;
    let (status, body) = send(
        ops.post(format!("{base}/api/v1/reports/{id}/moves"))
            .json(&json!({"action": "reject", "reject_reason": "hoax", "reason": "Sudah dicek, surat suara lengkap"})),
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::OK, "{body}");
    let mine = officer.get(format!("{base}/field/mine")).send().await.unwrap();
    assert_eq!(mine.headers()["cache-control"], "no-store");
    let mine = mine.text().await.unwrap();
    assert!(mine.contains("ditolak") && mine.contains("Sudah dicek, surat suara lengkap"), "{mine}");
    assert!(mine.contains("TPS 003 Desa Satu"), "{mine}");
    assert!(!mine.contains("<html"), "a fragment, not a page");
}
