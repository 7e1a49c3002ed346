//! The registry through the real application on a random port, on SQLite and on PostgreSQL: regions, TPS,
//! agencies and units, the map's data, the OpenAPI document, health, and the pages; the map itself in a browser
//! (`browser`).

mod browser;

use reqwest::StatusCode;
use serde_json::{Value, json};
use sinergi_domain::trust::auth::Role;
use sinergi_server::ServerConfig;
use sinergi_store::testing::TestDb;

use crate::helpers::{OPS, PASSWORD, TestApp, add_user, client, seed_small};

/// The small registry, an operator of the Polres of 15.07 signed in, and the application serving them.
async fn app(db: &TestDb) -> (String, reqwest::Client) {
    let app = TestApp::small(db, &[OPS]).await;
    let client = app.signed_in("ops").await;
    (app.base, client)
}

async fn get_json(client: &reqwest::Client, url: String) -> (StatusCode, Value) {
    let response = client.get(url).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

async fn regions_hierarchy_and_search(db: &TestDb) {
    let (base, client) = app(db).await;
    let (status, body) = get_json(&client, format!("{base}/api/v1/regions/15.07")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["name"], "Kabupaten Tanjung Jabung Timur");
    assert_eq!(body["level"], 2);
    assert_eq!(body["parent"], "15");

    let (_, body) = get_json(&client, format!("{base}/api/v1/regions/15.07/children")).await;
    let children = body.as_array().unwrap();
    assert_eq!(children.len(), 2);
    assert_eq!(children[0]["code"], "15.07.01");
    assert_eq!(children[0]["tps"], 4);
    assert_eq!(children[0]["voters"], 401 + 402 + 403 + 401);
    assert_eq!(children[1]["tps"], 1);

    // The operator's scope is the regency 15.07: its province is shown (an ancestor), Riau is not.
    let (_, body) = get_json(&client, format!("{base}/api/v1/regions")).await;
    let codes: Vec<&str> = body.as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["15"]);

    let (status, body) = get_json(&client, format!("{base}/api/v1/regions/search?q=sabak")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.as_array().unwrap().len(), 2);
    for bad in ["q=", "q=a&limit=0", "q=a&limit=101", "limit=5"] {
        let (status, body) = get_json(&client, format!("{base}/api/v1/regions/search?{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(body["code"], "invalid_query", "{bad}");
    }
}

async fn errors_are_json_with_stable_codes_in_both_languages(db: &TestDb) {
    let (base, client) = app(db).await;
    let (status, body) = get_json(&client, format!("{base}/api/v1/regions/99.99")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "region_not_found");
    assert_eq!(body["message"], "Wilayah dengan kode 99.99 tidak ada.");

    let response = client
        .get(format!("{base}/api/v1/regions/99.99"))
        .header("Accept-Language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["message"], "There is no region with code 99.99.");

    let (status, body) = get_json(&client, format!("{base}/api/v1/regions/15.7?lang=en")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "invalid_region_code");
    assert_eq!(
        body["message"],
        "Invalid region code in code: part 2 of code “15.7” must be 2 digits (e.g. 15.07.01.2001)"
    );

    let (status, body) = get_json(&client, format!("{base}/api/v1/no/such/route")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "route_not_found");

    let (status, body) = get_json(&client, format!("{base}/api/v1/health")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
}

async fn tps_are_paged_by_region(db: &TestDb) {
    let (base, client) = app(db).await;
    let (status, body) = get_json(&client, format!("{base}/api/v1/tps?region=15.07&per_page=2&page=2")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["total"], 5);
    assert_eq!(body["page"], 2);
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["label"], "TPS 003");
    assert_eq!(items[0]["synthetic"], true);
    assert_eq!(items[1]["village_code"], "15.07.01.2002");

    let (_, body) = get_json(&client, format!("{base}/api/v1/tps?region=15.07.02.1001")).await;
    assert_eq!(body["total"], 1);
    assert_eq!(body["items"][0]["lat"], Value::Null);
    let (_, body) = get_json(&client, format!("{base}/api/v1/tps?region=15.07&page=9")).await;
    assert_eq!(body["items"].as_array().unwrap().len(), 0);

    for (query, code) in [
        ("", "invalid_query"),
        ("region=15.07&per_page=0", "invalid_query"),
        ("region=15.07&per_page=1001", "invalid_query"),
        ("region=15.07&page=0", "invalid_query"),
        ("region=15.07&page=x", "invalid_query"),
        ("region=15-07", "invalid_region_code"),
    ] {
        let (status, body) = get_json(&client, format!("{base}/api/v1/tps?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(body["code"], code, "{query}");
    }
    let (status, body) = get_json(&client, format!("{base}/api/v1/tps?region=16")).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("region_not_found")));
}

async fn tps_are_created_validated_and_updated(db: &TestDb) {
    let (base, client) = app(db).await;
    let url = format!("{base}/api/v1/tps");
    let good = json!({"village_code": "15.07.01.2002", "number": 2, "address": "SD Negeri 1", "lat": -1.05, "lng": 103.95, "voters": 420, "access": "sungai"});
    let response = client.post(&url).json(&good).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["access"], "river");
    assert_eq!(created["synthetic"], false);
    let id = created["id"].as_i64().unwrap();
    let (status, fetched) = get_json(&client, format!("{url}/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fetched, created);

    // The same number again in the same village.
    let response = client.post(&url).json(&good).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "conflict");
    assert!(body["message"].as_str().unwrap().contains("TPS 002"), "{body}");

    // Every bad field is named.
    let bad =
        json!({"village_code": "15.07.01", "number": 0, "lat": 103.9, "lng": -1.0, "voters": -5, "access": "pesawat"});
    let response = client.post(&url).header("Accept-Language", "en").json(&bad).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "validation_failed");
    let fields: Vec<&str> = body["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["village_code", "number", "voters", "access", "lat"]);
    assert_eq!(body["fields"][2]["message"], "must not be negative (-5)");

    // Malformed, mistyped, unknown fields, wrong media type, too large: clear 4xx each.
    let raw = |body: &'static str| client.post(&url).header("content-type", "application/json").body(body);
    let response = raw("{\"village_code\": ").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(response.json::<Value>().await.unwrap()["code"], "invalid_json");
    let response =
        raw("{\"village_code\": \"15.07.01.2002\", \"number\": \"two\", \"voters\": 1, \"access\": \"road\"}")
            .send()
            .await
            .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(response.json::<Value>().await.unwrap()["code"], "invalid_json");
    let response = client
        .post(&url)
        .json(&json!({"village_code": "15.07.01.2002", "number": 3, "voters": 1, "access": "road", "admin": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = client.post(&url).header("content-type", "text/plain").body("x").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let huge = format!("{{\"address\": \"{}\"}}", "x".repeat(2 * sinergi_server::BODY_LIMIT));
    let response = client.post(&url).header("content-type", "application/json").body(huge).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(response.json::<Value>().await.unwrap()["code"], "payload_too_large");
    let (_, list) = get_json(&client, format!("{url}?region=15.07")).await;
    assert_eq!(list["total"], 6, "only the one good TPS was added");

    // Replace; a missing id is 404; moving onto a taken number is 409 and changes nothing.
    let changed = json!({"village_code": "15.07.01.2002", "number": 5, "voters": 300, "access": "foot"});
    let response = client.put(format!("{url}/{id}")).json(&changed).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap()["number"], 5);
    let response = client.put(format!("{url}/999999")).json(&changed).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.json::<Value>().await.unwrap()["code"], "tps_not_found");
    let taken = json!({"village_code": "15.07.01.2002", "number": 1, "voters": 300, "access": "foot"});
    let response = client.put(format!("{url}/{id}")).json(&taken).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(get_json(&client, format!("{url}/{id}")).await.1["number"], 5);
    let (status, _) = get_json(&client, format!("{url}/abc")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

async fn agencies_and_units(db: &TestDb) {
    let (base, client) = app(db).await;
    let (_, body) = get_json(&client, format!("{base}/api/v1/agencies?lang=en")).await;
    let agencies = body.as_array().unwrap();
    assert_eq!(agencies.len(), 10);
    let polri = agencies.iter().find(|a| a["kind"] == "polri").unwrap();
    assert_eq!((polri["units"].as_u64(), polri["personnel"].as_u64()), (Some(2), Some(530)));
    assert_eq!(polri["name"], "Police (Polri)");
    assert!(polri["unit_kinds"].as_array().unwrap().iter().any(|k| k["kind"] == "polsek" && k["level"] == 3));

    let (_, body) = get_json(&client, format!("{base}/api/v1/units?region=15.07.01")).await;
    assert_eq!(body["total"], 3);
    let (_, body) = get_json(&client, format!("{base}/api/v1/units?agency=kpu&kind=pps")).await;
    assert_eq!(body["total"], 1);
    assert_eq!(body["items"][0]["code"], "pps-15.07.01.2001");
    let (status, body) = get_json(&client, format!("{base}/api/v1/units?agency=fbi")).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_query")));
    let (status, body) = get_json(&client, format!("{base}/api/v1/units/polres-15.07")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["personnel"], 500);
    let (status, body) = get_json(&client, format!("{base}/api/v1/units/polres-99.99")).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("unit_not_found")));
}

async fn map_data_is_one_geojson_collection(db: &TestDb) {
    let (base, client) = app(db).await;
    let response = client.get(format!("{base}/api/v1/regions/15.07/map")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/geo+json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["type"], "FeatureCollection");
    let kinds: Vec<&str> =
        body["features"].as_array().unwrap().iter().map(|f| f["properties"]["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "district").count(), 2);
    assert_eq!(kinds.iter().filter(|k| **k == "village").count(), 2);
    assert_eq!(kinds.iter().filter(|k| **k == "tps").count(), 4, "the TPS without coordinates is left out");
    let text = serde_json::to_string(&body).unwrap();
    let parsed: geojson::GeoJson = text.parse().expect("valid GeoJSON");
    assert!(matches!(parsed, geojson::GeoJson::FeatureCollection(_)));
    // The first view's box: the TPS with coordinates (all at one place in this registry).
    assert_eq!(body["bbox"], json!([103.85, -1.05, 103.85, -1.05]));
    let marker = body["features"].as_array().unwrap().iter().find(|f| f["properties"]["kind"] == "tps").unwrap();
    assert_eq!(marker["properties"]["number"], 1);
    assert!(marker["properties"].get("address").is_none(), "a marker carries what it draws; the rest is /tps/{{id}}");

    // Versioned: asked again with its tag, nothing is sent; the tag changes with the answer.
    let url = format!("{base}/api/v1/regions/15.07/map");
    let first = client.get(&url).send().await.unwrap();
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(first.headers()["cache-control"], "private, no-cache");
    let again = client.get(&url).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.bytes().await.unwrap().is_empty());
    let full = client.get(format!("{url}?detail=full")).send().await.unwrap();
    assert_eq!(full.status(), StatusCode::OK);
    assert_ne!(full.headers()["etag"].to_str().unwrap(), etag, "the stored boundaries are another answer");
    let (status, body) = get_json(&client, format!("{url}?detail=fine")).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_query")));

    let (status, body) = get_json(&client, format!("{base}/api/v1/regions/15.07.01.2001/map")).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("map_needs_regency")));
}

async fn openapi_describes_every_route(db: &TestDb) {
    let (base, client) = app(db).await;
    let (status, doc) = get_json(&client, format!("{base}/api/v1/openapi.json")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/regions",
        "/regions/search",
        "/regions/{code}",
        "/regions/{code}/children",
        "/regions/{code}/map",
        "/tps",
        "/tps/{id}",
        "/agencies",
        "/units",
        "/units/{code}",
        "/health",
        "/auth/login",
        "/auth/logout",
        "/auth/me",
    ] {
        assert!(paths.contains_key(path), "{path} missing from the OpenAPI document");
    }
    assert!(paths["/tps"]["post"]["responses"]["422"].is_object());
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    // Every reference resolves (a third-party validator checks the whole document in scripts/api-fuzz).
    fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    out.push(target);
                }
                map.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(!found.is_empty());
    for target in found {
        let name = target.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("unexpected $ref {target}"));
        assert!(doc["components"]["schemas"][name].is_object(), "{target} is referenced but not defined");
    }
}

/// A database that refuses writes: `/health` says the server is not ready, and a write (a sign-in) is a 503, not
/// a 500. PostgreSQL in read-only mode cannot even be opened (its migrations need writes): the store says so,
/// which `serve` reports.
async fn a_read_only_database_is_not_ready(db: &TestDb) {
    seed_small(&*db.store).await;
    add_user(&*db.store, "ops", Role::Operator, "polres-15.07", false).await;
    let store = match sinergi_store::connect(&db.read_only_url()).await {
        Ok(store) => store,
        Err(sinergi_store::StoreError::ReadOnly(_)) if !db.url.starts_with("sqlite:") => return,
        Err(other) => panic!("{other:?}"),
    };
    let base = TestApp::spawn(store, ServerConfig::default()).await.base;
    let anonymous = client();
    let health = anonymous.get(format!("{base}/api/v1/health")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(health.json::<Value>().await.unwrap()["code"], "unavailable");
    let login = anonymous
        .post(format!("{base}/api/v1/auth/login?lang=en"))
        .json(&json!({"username": "ops", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = login.json().await.unwrap();
    assert_eq!(body["code"], "unavailable");
    assert!(body["message"].as_str().unwrap().contains("can only be read"), "{body}");
    // The writable database next to it is healthy.
    let healthy = TestApp::spawn(db.store.clone(), ServerConfig::default()).await.base;
    assert_eq!(anonymous.get(format!("{healthy}/api/v1/health")).send().await.unwrap().status(), StatusCode::OK);
}

async fn pages_render_in_both_languages_and_escape_text(db: &TestDb) {
    let (base, client) = app(db).await;
    let page = |path: &str| {
        let client = client.clone();
        let url = format!("{base}{path}");
        async move {
            let response = client.get(url).send().await.unwrap();
            let status = response.status();
            let headers = response.headers().clone();
            (status, headers, response.text().await.unwrap())
        }
    };
    let (status, headers, html) = page("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<html lang=\"id\">"));
    assert!(html.contains("id=\"synthetic-banner\""), "a database with synthetic TPS says so");
    assert!(html.contains("href=\"/map/15.07\""));
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff");

    let (_, _, html) = page("/regions").await;
    assert!(html.contains("Wilayah administrasi") && html.contains("href=\"/regions/15\""));
    let (_, _, html) = page("/regions?lang=en").await;
    assert!(html.contains("<html lang=\"en\">") && html.contains("Administrative regions"));
    let (_, _, html) = page("/regions?q=sabak").await;
    assert!(html.contains("Muara Sabak Barat") && html.contains("id=\"search-results\""));

    let (_, _, html) = page("/regions/15.07.01").await;
    assert!(html.contains("Polsek 15.07.01") && html.contains("PPK 15.07.01"), "units of the district");
    assert!(html.contains("href=\"/map/15.07.01\""));
    let (_, _, html) = page("/regions/15.07.01.2001").await;
    assert!(html.contains("TPS 003") && html.contains("synthetic-tag"));
    assert!(!html.contains("<script>alert"), "markup from data must be escaped");
    assert!(
        html.contains("&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62; &#38; &#34;SD&#34;"),
        "escaped, not dropped"
    );

    let (status, _, html) = page("/regions/99.99").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("99.99"));
    let (status, _, _) = page("/regions/<b>").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, html) = page("/map/15.07").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-map-url=\"/api/v1/regions/15.07/map?lang=id\""), "{html}");
    assert!(!html.contains("<script>"), "no inline scripts");
    let (status, _, _) = page("/map/15").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = page("/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The language switch sets a cookie and goes back, but only to a local path.
    let (status, headers, _) = page("/lang/en?next=/regions/15").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/regions/15");
    assert!(headers["set-cookie"].to_str().unwrap().starts_with("lang=en;"));
    let (_, headers, _) = page("/lang/en?next=//evil.example/x").await;
    assert_eq!(headers["location"], "/");
    // The jar now holds `lang=en` beside the session.
    let response = client.get(format!("{base}/regions")).send().await.unwrap();
    assert!(response.text().await.unwrap().contains("Administrative regions"));

    let (status, headers, body) = page("/assets/main.js").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/javascript"));
    assert!(body.len() > 10_000, "Leaflet is bundled");
    // Linked with the current version (as every page links it), kept for a year; otherwise for an hour.
    assert_eq!(headers["cache-control"], "public, max-age=3600");
    let version = sinergi_server::assets::ASSET_VERSION;
    let (_, headers, _) = page(&format!("/assets/main.js?v={version}")).await;
    assert_eq!(headers["cache-control"], "public, max-age=31536000, immutable");
    let (_, _, home) = page("/").await;
    assert!(home.contains(&format!("/assets/main.js?v={version}")), "pages link the current version");
    assert!(home.contains(r#"<meta name="description" content=""#), "a page description");
    // Nothing of Sinergi belongs in a search engine.
    let (status, _, robots) = page("/robots.txt").await;
    assert_eq!((status, robots.as_str()), (StatusCode::OK, "User-agent: *\nDisallow: /\n"));
}

/// Issue 19's bar for the map's data: a regency's first view under 60 KB over the wire, a repeat view none.
/// Jepara: its real boundaries (211 districts and villages) and 1,942 synthetic TPS, with Polri's classes.
#[tokio::test]
async fn a_regency_map_is_small_on_the_wire_and_nothing_the_second_time() {
    let db = TestDb::sqlite().await;
    // Jepara's count of TPS in the demo (Pilkada 2024: 1,942 are about what KPU set up there).
    let markers = crate::helpers::seed_regency_with(&*db.store, "33.20", 1942).await;
    assert!(markers > 1500, "fixture has {markers} TPS");
    let territory = crate::helpers::code("33.20");
    let polres = sinergi_domain::Unit {
        code: "polres-33.20".into(),
        kind: sinergi_domain::UnitKind::Polres,
        name: "Polres Jepara".into(),
        territory,
        parent: None,
        contact: Default::default(),
        personnel: 800,
    };
    db.store.upsert_units(&[polres]).await.unwrap();
    add_user(&*db.store, "kabag.ops", Role::Operator, "polres-33.20", false).await;
    // Polri's classes, one synthetic assessment of every TPS: the map page's request for a Polri account.
    let (_, text_of_set) = sinergi_domain::vulnerability::SHIPPED
        .iter()
        .find(|(file, _)| *file == "polri-kelas-tps.toml")
        .copied()
        .unwrap();
    let set = sinergi_domain::vulnerability::IndicatorSet::from_toml(text_of_set).unwrap();
    db.store.put_indicator_set(&set, text_of_set, &crate::helpers::test_event()).await.unwrap();
    let every_tps = db.store.all_tps(&crate::helpers::all(), &crate::helpers::code("33.20")).await.unwrap();
    let items: Vec<sinergi_store::NewAssessment> = every_tps
        .iter()
        .map(|t| sinergi_store::NewAssessment {
            tps_id: t.id,
            agency: sinergi_domain::AgencyKind::Polri,
            assessor: "Bhabinkamtibmas".into(),
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
    db.store.add_assessments(&set, &items, &crate::helpers::test_event()).await.unwrap();
    let app = TestApp::spawn(db.store.clone(), ServerConfig::default()).await;
    let client = app.signed_in("kabag.ops").await;
    let url = format!("{}/api/v1/regions/33.20/map?set=polri-kelas-tps", app.base);
    // reqwest here does not decompress: the length read is what crossed the wire.
    let first = client.get(&url).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!((first.status(), first.headers()["content-encoding"].to_str().unwrap()), (StatusCode::OK, "gzip"));
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let size = first.bytes().await.unwrap().len();
    assert!(size < 60_000, "the first view is {size} bytes");
    let full = client.get(format!("{url}&detail=full")).header("accept-encoding", "gzip").send().await.unwrap();
    let full = full.bytes().await.unwrap().len();
    assert!(full > 2 * size, "simplified for the view: {size} bytes, as stored {full}");
    let again = client.get(&url).header("accept-encoding", "gzip").header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.bytes().await.unwrap().len(), 0, "a repeat view carries no map data");
}

sinergi_store::backend_tests!(
    a_read_only_database_is_not_ready,
    regions_hierarchy_and_search,
    errors_are_json_with_stable_codes_in_both_languages,
    tps_are_paged_by_region,
    tps_are_created_validated_and_updated,
    agencies_and_units,
    map_data_is_one_geojson_collection,
    openapi_describes_every_route,
    pages_render_in_both_languages_and_escape_text,
);
