//! The report taxonomy as data, on SQLite and on PostgreSQL: a new version loaded through the API routes the next
//! report by its rules at once, reaches a second instance on the same database within seconds and is in force at
//! the start of a third; a broken text is refused whole with every fault in its place, a version that drops a
//! category in use is refused, nothing of either is stored; only administrators load and read versions; the rules
//! page shows the rules, the history and every fault, and loads a version from its form.

use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use sinergi_domain::incident::SHIPPED_TAXONOMY;
use sinergi_domain::trust::auth::Role;
use sinergi_server::{AppState, ServerConfig};
use sinergi_store::testing::TestDb;
use sinergi_store::{NewTaxonomyVersion, Store};

use crate::helpers::{TestApp, add_user, csrf, get_html, post_form, seed_small, send, test_event};

/// Generous for a noisy two-core machine: instances look every two seconds.
const ARRIVES: Duration = Duration::from_secs(20);

/// An instance started as `serve` starts one: the newest stored taxonomy in force before the first request, and
/// the watch for newer ones.
async fn instance(store: Arc<dyn Store>) -> TestApp {
    let state = AppState::new(store, ServerConfig::default());
    sinergi_server::incident::taxonomy::refresh(&state).await.unwrap();
    tokio::spawn(sinergi_server::incident::taxonomy::watch_forever(state.clone()));
    TestApp::serve(state).await
}

async fn accounts(db: &TestDb) {
    seed_small(&*db.store).await;
    add_user(&*db.store, "admin", Role::Administrator, "polres-15.07", true).await;
    add_user(&*db.store, "ops", Role::Operator, "polres-15.07", false).await;
    add_user(&*db.store, "pengamat", Role::Observer, "polres-15.07", false).await;
}

/// The shipped taxonomy under another version label, with clashes routed to the district's PPK (informing the
/// village's PPS) instead of the Polsek.
fn rerouted(version: &str) -> String {
    let text = SHIPPED_TAXONOMY.replace("version = \"2024.11\"", &format!("version = \"{version}\""));
    let before = "category = \"bentrok\"\nresponsible = [\"polsek\"]\ninformed = [\"polres\", \"koramil\", \"panwascam\", \"kecamatan\"]";
    assert!(text.contains(before), "the shipped route of `bentrok` changed; update this test");
    text.replace(before, "category = \"bentrok\"\nresponsible = [\"ppk\"]\ninformed = [\"pps\"]")
}

/// The shipped taxonomy without one category and its route.
fn without(category: &str) -> String {
    let mut blocks = SHIPPED_TAXONOMY.split("\n[[");
    let mut out = blocks.next().unwrap_or_default().to_owned();
    for block in blocks {
        if !block.contains(&format!("id = \"{category}\"")) && !block.contains(&format!("category = \"{category}\"")) {
            out.push_str("\n[[");
            out.push_str(block);
        }
    }
    out
}

/// A clash in Desa Satu, filed through the API; the units it was routed to, as (unit, role).
async fn file_clash(client: &reqwest::Client, base: &str) -> Vec<(String, String)> {
    let body =
        json!({"category": "bentrok", "village_code": "15.07.01.2001", "description": "Saling dorong di TPS 01"});
    let (status, filed) = send(client.post(format!("{base}/api/v1/reports")).json(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    let id = filed["report"]["id"].as_i64().unwrap();
    let (_, detail) = send(client.get(format!("{base}/api/v1/reports/{id}"))).await;
    detail["routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["unit_code"].as_str().unwrap().to_owned(), r["role"].as_str().unwrap().to_owned()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
}

/// The stored version in force on an instance (`null` while the shipped one is) and its label.
async fn in_force(client: &reqwest::Client, base: &str) -> (Option<i64>, String) {
    let (status, t) = send(client.get(format!("{base}/api/v1/report-categories"))).await;
    assert_eq!(status, StatusCode::OK, "{t}");
    (t["version_id"].as_i64(), t["version"].as_str().unwrap_or_default().to_owned())
}

async fn a_new_version_routes_at_once_and_reaches_every_instance(db: &TestDb) {
    accounts(db).await;
    let first_app = instance(db.store.clone()).await;
    let second_app = instance(sinergi_store::connect(&db.url).await.unwrap()).await;
    let (first, second) = (&first_app.base, &second_app.base);
    let admin = first_app.signed_in("admin").await;
    let ops = first_app.signed_in("ops").await;
    let ops_second = second_app.signed_in("ops").await;
    assert_eq!(in_force(&ops, first).await, (None, "2024.11".to_owned()));
    let shipped_routes = pairs(&[("polsek-15.07.01", "responsible"), ("polres-15.07", "informed")]);
    assert_eq!(file_clash(&ops, first).await, shipped_routes);

    let text = rerouted("2024.12");
    let body = json!({"toml": text, "reason": "Uji coba: bentrok ditangani PPK"});
    let (status, version) = send(admin.put(format!("{first}/api/v1/report-categories")).json(&body)).await;
    assert_eq!(status, StatusCode::OK, "{version}");
    let id = version["id"].as_i64().unwrap();
    assert_eq!(
        (version["taxonomy_id"].as_str(), version["version"].as_str(), version["in_force"].as_bool()),
        (Some("pilkada"), Some("2024.12"), Some(true))
    );
    assert_eq!(
        (version["loaded_by"].as_str(), version["reason"].as_str()),
        (Some("admin"), Some("Uji coba: bentrok ditangani PPK"))
    );
    assert_eq!(version["toml"].as_str(), Some(text.as_str()));

    // In force on this instance at once: the next clash goes to the PPK, informing the PPS.
    assert_eq!(in_force(&ops, first).await, (Some(id), "2024.12".to_owned()));
    let new_routes = pairs(&[("ppk-15.07.01", "responsible"), ("pps-15.07.01.2001", "informed")]);
    assert_eq!(file_clash(&ops, first).await, new_routes);

    // The second instance takes it up within seconds, and routes by it.
    let deadline = tokio::time::Instant::now() + ARRIVES;
    while in_force(&ops_second, second).await.0 != Some(id) {
        assert!(tokio::time::Instant::now() < deadline, "the second instance never put version {id} in force");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(file_clash(&ops_second, second).await, new_routes);
    // A third instance starting now has it in force before its first request.
    let third = instance(sinergi_store::connect(&db.url).await.unwrap()).await;
    let ops_third = third.signed_in("ops").await;
    assert_eq!(in_force(&ops_third, &third.base).await, (Some(id), "2024.12".to_owned()));

    // The history, for administrators: newest first, without the text; one version with it.
    let (status, list) = send(admin.get(format!("{second}/api/v1/report-categories/versions"))).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["total"].as_u64(), Some(1));
    let item = &list["items"][0];
    assert_eq!((item["id"].as_i64(), item["in_force"].as_bool()), (Some(id), Some(true)));
    assert!(item.get("toml").is_none(), "{item}");
    let (status, one) = send(admin.get(format!("{second}/api/v1/report-categories/versions/{id}"))).await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert_eq!(one["toml"].as_str(), Some(text.as_str()));
    let (status, missing) = send(admin.get(format!("{first}/api/v1/report-categories/versions/999"))).await;
    assert_eq!((status, missing["code"].as_str()), (StatusCode::NOT_FOUND, Some("taxonomy_version_not_found")));

    // The load is in the audit log, by whom and why.
    let entries = db.store.audit_entries(0, 1000).await.unwrap();
    let entry = entries.iter().find(|e| e.event.action == "taxonomy.load").expect("the load is audited");
    assert_eq!((entry.event.actor.as_str(), entry.event.target.clone()), ("admin", format!("taxonomy_version:{id}")));
    assert!(entry.event.detail.contains("Uji coba"), "{}", entry.event.detail);
}

async fn bad_versions_are_refused_whole_and_only_administrators_load(db: &TestDb) {
    accounts(db).await;
    let app = TestApp::spawn(db.store.clone(), ServerConfig::default()).await;
    let base = &app.base;
    let admin = app.signed_in("admin").await;
    let ops = app.signed_in("ops").await;
    let url = format!("{base}/api/v1/report-categories?lang=en");
    let fields = |body: &Value| -> Vec<(String, String)> {
        body["fields"].as_array().map_or(Vec::new(), |f| {
            f.iter()
                .map(|f| (f["field"].as_str().unwrap().to_owned(), f["message"].as_str().unwrap().to_owned()))
                .collect()
        })
    };

    // Every fault, each with its place; nothing stored.
    let broken = "id = \"t\"\nversion = \"1\"\n\n[[category]]\nid = \"a\"\nlabel = \"A\"\nlabel_en = \"A\"\naliases = [\"x\"]\n\
                  severity = 5\n\n[[category]]\nid = \"b\"\nlabel = \"B\"\nlabel_en = \"B\"\naliases = [\"X\"]\nseverity = 1\n\n\
                  [[route]]\ncategory = \"c\"\nresponsible = [\"polsk\"]\n";
    let (status, refused) = send(admin.put(&url).json(&json!({"toml": broken, "reason": "Uji"}))).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_taxonomy")),
        "{refused}"
    );
    assert_eq!(
        fields(&refused),
        pairs(&[
            ("category[1].severity", "category 1: the severity must be 1 to 4 (given 5)"),
            ("category[2].aliases", "category 2: the word `x` is used by two categories"),
            ("route[1].category", "route 1: there is no category `c`"),
            ("route[1]", "route 1: unknown unit kind `polsk`"),
            ("limit", "line 1, column 1: every severity 1 to 4 needs exactly one [[limit]]"),
        ])
    );
    assert!(refused["message"].as_str().unwrap().starts_with("The taxonomy was refused (5 faults)"), "{refused}");
    // In Indonesian unless asked otherwise.
    let (_, indonesian) =
        send(admin.put(format!("{base}/api/v1/report-categories")).json(&json!({"toml": broken, "reason": "Uji"})))
            .await;
    assert_eq!(fields(&indonesian)[0].1, "kategori ke-1: tingkat keparahan harus 1 sampai 4 (tertulis 5)");
    let (_, typo) =
        send(admin.put(&url).json(&json!({"toml": "id = \"t\"\nversion = \"1\"\nkategori = 1\n", "reason": "Uji"})))
            .await;
    let typo = fields(&typo);
    assert_eq!(typo[0].0, "line:3:1");
    assert!(typo[0].1.starts_with("line 3, column 1: unknown field `kategori`"), "{typo:?}");

    // A reason is required; an empty text is named too.
    let (status, refused) = send(admin.put(&url).json(&json!({"toml": rerouted("2024.12"), "reason": "  "}))).await;
    assert_eq!((status, refused["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_failed")));
    assert_eq!(fields(&refused).into_iter().map(|f| f.0).collect::<Vec<_>>(), ["reason"]);
    let (_, refused) = send(admin.put(&url).json(&json!({"toml": "", "reason": ""}))).await;
    assert_eq!(fields(&refused).into_iter().map(|f| f.0).collect::<Vec<_>>(), ["toml", "reason"]);

    // A category used by a stored report cannot be dropped; one nobody used can.
    let body = json!({"category": "siber", "village_code": "15.07.01.2001", "description": "Situs KPU diretas"});
    let (status, _) = send(ops.post(format!("{base}/api/v1/reports")).json(&body)).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, refused) =
        send(admin.put(&url).json(&json!({"toml": without("siber"), "reason": "Siber ke Bareskrim"}))).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("category_in_use")),
        "{refused}"
    );
    assert!(refused["message"].as_str().unwrap().ends_with("cannot be dropped: siber"), "{refused}");
    assert_eq!(db.store.latest_taxonomy_version_id().await.unwrap(), None, "nothing refused is stored");
    assert!(!db.store.audit_entries(0, 1000).await.unwrap().iter().any(|e| e.event.action == "taxonomy.load"));

    // Only administrators load and read versions; everyone who reads reports reads the taxonomy in force.
    for who in ["ops", "pengamat"] {
        let client = app.signed_in(who).await;
        let (status, body) = send(client.put(&url).json(&json!({"toml": rerouted("x"), "reason": "Uji"}))).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{who}");
        for path in ["/api/v1/report-categories/versions", "/api/v1/report-categories/versions/1"] {
            let (status, _) = send(client.get(format!("{base}{path}"))).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who} {path}");
        }
        let (status, _) = send(client.get(format!("{base}/api/v1/report-categories"))).await;
        assert_eq!(status, StatusCode::OK, "{who}");
    }

    let (status, version) =
        send(admin.put(&url).json(&json!({"toml": without("perusakan_apk"), "reason": "Masa kampanye usai"}))).await;
    assert_eq!(status, StatusCode::OK, "{version}");
    let (_, t) = send(ops.get(format!("{base}/api/v1/report-categories"))).await;
    assert_eq!(t["categories"].as_array().unwrap().len(), 15);
    assert_eq!(t["version_id"].as_i64(), version["id"].as_i64());

    // The OpenAPI document describes the routes, with their refusals.
    let doc: Value = reqwest::get(format!("{base}/api/v1/openapi.json")).await.unwrap().json().await.unwrap();
    let paths = &doc["paths"];
    assert!(paths["/report-categories"]["get"].is_object());
    assert!(paths["/report-categories"]["put"]["responses"]["422"].is_object());
    assert!(paths["/report-categories/versions"]["get"].is_object());
    assert!(paths["/report-categories/versions/{id}"]["get"]["responses"]["404"].is_object());
    assert!(doc["components"]["schemas"]["TaxonomyDto"]["properties"]["version_id"].is_object());
}

async fn a_stored_version_that_no_longer_parses_is_passed_over(db: &TestDb) {
    accounts(db).await;
    let event = test_event();
    let stored = |definition: &str, label: &str| NewTaxonomyVersion {
        taxonomy_id: "pilkada".into(),
        label: label.into(),
        definition: definition.into(),
        loaded_by: "versi lama".into(),
        loaded_at_ms: 1000,
        reason: "dari versi Sinergi sebelumnya".into(),
    };
    // As if an upgrade changed the format: the stored text no longer parses. The shipped taxonomy stays.
    db.store.add_taxonomy_version(&stored("id = \"pilkada\"\nformat_lama = true\n", "lama"), &event).await.unwrap();
    let app = instance(db.store.clone()).await;
    let base = &app.base;
    let ops = app.signed_in("ops").await;
    assert_eq!(in_force(&ops, base).await, (None, "2024.11".to_owned()));
    // A sound version stored behind the instance's back (the command line) is taken up within seconds.
    let id = db.store.add_taxonomy_version(&stored(&rerouted("2025.01"), "2025.01"), &event).await.unwrap();
    let deadline = tokio::time::Instant::now() + ARRIVES;
    while in_force(&ops, base).await.0 != Some(id) {
        assert!(tokio::time::Instant::now() < deadline, "version {id} was never put in force");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        file_clash(&ops, base).await,
        pairs(&[("ppk-15.07.01", "responsible"), ("pps-15.07.01.2001", "informed")])
    );
}

/// The cell of a table row (`data-category="…"`) with this class.
fn cell(html: &str, category: &str, class: &str) -> String {
    let row = html.split(&format!("data-category=\"{category}\"")).nth(1).and_then(|r| r.split("</tr>").next());
    let cell = row.and_then(|r| r.split(&format!("class=\"{class}\">")).nth(1)).and_then(|c| c.split("</td>").next());
    cell.unwrap_or_default().to_owned()
}

async fn the_rules_page_shows_the_rules_and_every_fault(db: &TestDb) {
    accounts(db).await;
    let app = TestApp::spawn(db.store.clone(), ServerConfig::default()).await;
    let base = &app.base;
    let admin = app.signed_in("admin").await;
    let ops = app.signed_in("ops").await;
    let page = format!("{base}/incidents/rules");

    // The rules in force, readable: who acts on each category, who is informed, the limits per severity.
    let (status, html) = get_html(&admin, page.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Aturan rute laporan"), "Indonesian first");
    assert!(html.contains("bawaan Sinergi"), "the shipped taxonomy is in force");
    assert_eq!(cell(&html, "bentrok", "responsible"), "Polsek");
    assert_eq!(cell(&html, "bentrok", "informed"), "Polres, Koramil, Panwascam, Kantor Camat");
    assert_eq!(cell(&html, "listrik_padam", "responsible"), "PLN ULP, PLN UP3");
    assert!(html.contains("data-severity=\"4\"") && html.contains("15 menit"), "the limits");
    assert!(html.contains("id=\"no-versions\""));
    assert!(html.contains("id = &quot;pilkada&quot;") || html.contains("id = &#34;pilkada&#34;"), "the text in force");
    let (_, list) = get_html(&admin, format!("{base}/incidents")).await;
    assert!(list.contains("id=\"rules-link\""), "administrators find the rules from the desk");

    // Others may not see it, nor post to it.
    let (status, _) = get_html(&ops, page.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, list) = get_html(&ops, format!("{base}/incidents")).await;
    assert!(!list.contains("id=\"rules-link\""));
    let token = csrf(&ops, base).await;
    let (status, _, _) =
        post_form(&ops, page.clone(), &[("csrf", &token), ("toml", &rerouted("x")), ("reason", "Uji")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A broken text: every fault with its place, the text as typed, nothing stored.
    let token = csrf(&admin, base).await;
    let broken = rerouted("2024.12")
        .replace("responsible = [\"ppk\"]", "responsible = [\"ppk\", \"kodim-x\"]")
        .replace("severity = 3\n", "severity = 9\n");
    let (status, _, html) =
        post_form(&admin, page.clone(), &[("csrf", &token), ("toml", &broken), ("reason", "")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"rules-errors\""), "{html}");
    assert!(html.contains("data-place=\"reason\"") && html.contains("Alasan perubahan: "), "the reason is named");
    let (_, _, html) = post_form(&admin, page.clone(), &[("csrf", &token), ("toml", &broken), ("reason", "Uji")]).await;
    for (place, message) in [
        ("category[1].severity", "kategori ke-1: tingkat keparahan harus 1 sampai 4 (tertulis 9)"),
        ("route[1]", "rute ke-1: jenis satuan `kodim-x` tidak dikenal"),
    ] {
        assert!(html.contains(&format!("data-place=\"{place}\">{message}")), "{place}: {message} in the page");
    }
    assert!(html.contains("kodim-x"), "the text as typed");
    let (status, _, _) = post_form(&admin, page.clone(), &[("toml", &rerouted("2024.12")), ("reason", "Uji")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no CSRF token, no change");
    assert_eq!(db.store.latest_taxonomy_version_id().await.unwrap(), None);

    // A sound text: stored, in force, and the page says so.
    let (status, location, _) = post_form(
        &admin,
        page.clone(),
        &[("csrf", &token), ("toml", &rerouted("2024.12")), ("reason", "Bentrok ke PPK <uji>")],
    )
    .await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/incidents/rules?saved=1"));
    let (_, html) = get_html(&admin, format!("{base}{location}")).await;
    assert!(html.contains("id=\"saved\""), "a notice");
    assert!(html.contains("Versi tersimpan 1 (taksonomi versi 2024.12) disimpan dan berlaku."));
    assert_eq!(cell(&html, "bentrok", "responsible"), "PPK");
    assert!(html.contains("data-version=\"1\" class=\"in-force\""));
    assert!(html.contains("Bentrok ke PPK &#60;uji&#62;") || html.contains("Bentrok ke PPK &lt;uji&gt;"), "the reason");
    assert!(!html.contains("<uji>"), "the reason is escaped");
    let (_, html) = get_html(&admin, format!("{page}?lang=en")).await;
    assert!(html.contains("Report routing rules") && html.contains("stored version 1"), "English when chosen");
}

sinergi_store::backend_tests!(
    a_new_version_routes_at_once_and_reaches_every_instance,
    bad_versions_are_refused_whole_and_only_administrators_load,
    a_stored_version_that_no_longer_parses_is_passed_over,
    the_rules_page_shows_the_rules_and_every_fault,
);
