//! Shared by the server's tests: the real application on a random port ([`TestApp`]), its accounts and signed-in
//! clients, fixture data, and the requests most tests make.

pub mod browser;

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::Value;
use sinergi_domain::registry::agency::Contact;
use sinergi_domain::registry::import::{parse_boundaries, parse_regions};
use sinergi_domain::registry::synthetic::{AccessProfile, VillageInput, generate_tps};
use sinergi_domain::trust::auth::{Role, Scope};
use sinergi_domain::{AccessMode, Boundary, LatLng, Level, Region, RegionCode, Tps, Unit, UnitKind};
use sinergi_server::{AppState, ServerConfig};
use sinergi_store::testing::TestDb;
use sinergi_store::{NewUser, Store, UserRecord};

pub fn code(text: &str) -> RegionCode {
    RegionCode::parse(text).unwrap()
}

/// Reads as the command line does: everything.
/// The day `offset` days from today (WIB), as `YYYY-MM-DD`: tests that meet deadlines and overdue items date
/// them from the day they run, so that they hold on any later day.
pub fn day(offset: i64) -> String {
    wib(offset).to_string()
}

/// The date `offset` days from today (WIB).
pub fn wib(offset: i64) -> sinergi_domain::coordination::calendar::Date {
    sinergi_server::coordination::calendar::today().plus_days(offset).expect("a date within the calendar's range")
}

pub fn all() -> sinergi_domain::access::Viewer {
    sinergi_domain::access::Viewer::system("test")
}

/// An account the tests make: username, role and unit; its scope is the unit's territory.
pub type Account = (&'static str, Role, &'static str);

/// The operator of the Polres of 15.07 (scope: the regency).
pub const OPS: Account = ("ops", Role::Operator, "polres-15.07");
/// The operator of the Polsek of 15.07.01 (scope: the district).
pub const OPS_SABAK: Account = ("ops.sabak", Role::Operator, "polsek-15.07.01");
/// An observer at the Polres of 15.07 (scope: the regency).
pub const PENGAMAT: Account = ("pengamat", Role::Observer, "polres-15.07");

/// The whole application on 127.0.0.1 with an OS-chosen port, and the store behind it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`, for the URLs the tests ask for.
    pub base: String,
    pub store: Arc<dyn Store>,
}

impl TestApp {
    /// Starts the application on `store` with `config`.
    pub async fn spawn(store: Arc<dyn Store>, config: ServerConfig) -> TestApp {
        let base = listen(sinergi_server::app(store.clone(), config)).await;
        TestApp { base, store }
    }

    /// Starts the application on a state made beforehand (one shared with background tasks, as `serve` does).
    pub async fn serve(state: AppState) -> TestApp {
        let store = state.store.clone();
        let base = listen(sinergi_server::app_with_state(state)).await;
        TestApp { base, store }
    }

    /// The small registry ([`seed_small`]) with these accounts, served with the default configuration.
    pub async fn small(db: &TestDb, accounts: &[Account]) -> TestApp {
        seed_small(&*db.store).await;
        for (username, role, unit) in accounts {
            add_user(&*db.store, username, *role, unit, false).await;
        }
        TestApp::spawn(db.store.clone(), ServerConfig::default()).await
    }

    /// Creates an account, as [`add_user`] does.
    pub async fn add_user(&self, username: &str, role: Role, unit: &str, national: bool) -> UserRecord {
        add_user(&*self.store, username, role, unit, national).await
    }

    /// A client signed in as `username` through the API, sending the session's CSRF token on every request (as
    /// the web UI's scripts do).
    pub async fn signed_in(&self, username: &str) -> reqwest::Client {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let login = reqwest::Client::builder().cookie_provider(jar.clone()).build().unwrap();
        let response = login
            .post(format!("{}/api/v1/auth/login", self.base))
            .json(&serde_json::json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "login as {username}");
        let me: Value = response.json().await.unwrap();
        let csrf = me["csrf_token"].as_str().expect("a session has a CSRF token").to_owned();
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-csrf-token", csrf.parse().unwrap());
        reqwest::Client::builder()
            .cookie_provider(jar)
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }
}

/// Serves `app` on 127.0.0.1 with an OS-chosen port; its base URL.
async fn listen(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
        axum::serve(listener, app).await.unwrap();
    });
    format!("http://{addr}")
}

/// The password of every test account.
pub const PASSWORD: &str = "kuda lari pagi hari";

/// Creates an account in `unit` with that unit's territory as scope (or the nation).
pub async fn add_user(store: &dyn Store, username: &str, role: Role, unit: &str, national: bool) -> UserRecord {
    let territory = store.unit(&all(), unit).await.unwrap().expect("unit exists").territory;
    let user = NewUser {
        username: username.into(),
        display_name: format!("Petugas {username}"),
        unit_code: unit.into(),
        role,
        scope: if national { Scope::National } else { Scope::Region(territory) },
        password_hash: sinergi_server::trust::secrets::hash_password(PASSWORD).unwrap(),
        created_at_ms: 0,
    };
    store.create_user(&user, &test_event()).await.unwrap()
}

/// A client with a cookie jar that does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// A client that sends this API token on every request and does not follow redirects.
pub fn bearer(secret: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::AUTHORIZATION, format!("Bearer {secret}").parse().unwrap());
    reqwest::Client::builder().default_headers(headers).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// Sends a request; its status and its body as JSON (`null` when the body is not JSON).
pub async fn send(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Asks for a page; its status and its HTML.
pub async fn get_html(client: &reqwest::Client, url: String) -> (StatusCode, String) {
    let response = client.get(url).send().await.unwrap();
    let status = response.status();
    (status, response.text().await.unwrap())
}

/// Posts a page form; the status, the `Location` and the page.
pub async fn post_form(client: &reqwest::Client, url: String, fields: &[(&str, &str)]) -> (StatusCode, String, String) {
    let response = client.post(url).form(fields).send().await.unwrap();
    let status = response.status();
    let location = response.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned();
    (status, location, response.text().await.unwrap())
}

/// A page form with a file, as a browser sends it (`multipart/form-data`): the text fields, then the file as
/// `(field, file name, media type, bytes)`. Returns the status, the `Location` and the body.
pub async fn post_multipart(
    client: &reqwest::Client,
    url: String,
    fields: &[(&str, &str)],
    file: (&str, &str, &str, &[u8]),
) -> (StatusCode, String, String) {
    let boundary = "----sinergi";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    let (name, file_name, media, bytes) = file;
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {media}\r\n\r\n")
            .as_bytes(),
    );
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let kind = format!("multipart/form-data; boundary={boundary}");
    let response = client.post(url).header("content-type", kind).body(body).send().await.unwrap();
    let status = response.status();
    let location = response.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned();
    (status, location, response.text().await.unwrap())
}

/// The session's CSRF token, which page forms carry as a field.
pub async fn csrf(client: &reqwest::Client, base: &str) -> String {
    let me: Value = client.get(format!("{base}/api/v1/auth/me")).send().await.unwrap().json().await.unwrap();
    me["csrf_token"].as_str().unwrap().to_owned()
}

/// An audit event for changes the tests make directly in the store.
pub fn test_event() -> sinergi_domain::trust::audit::AuditEvent {
    sinergi_domain::trust::audit::AuditEvent {
        at_ms: 0,
        actor: "test".into(),
        action: "test.setup".into(),
        target: "-".into(),
        detail: String::new(),
        origin: "test".into(),
    }
}

fn square(lng0: f64, lat0: f64, size: f64) -> Boundary {
    let ring = [[lng0, lat0], [lng0 + size, lat0], [lng0 + size, lat0 - size], [lng0, lat0 - size], [lng0, lat0]];
    Boundary::from_geojson(&geojson::Geometry::new_polygon([ring])).unwrap()
}

/// A small registry: Jambi → Tanjung Jabung Timur → two districts → three villages, with boundaries, five TPS
/// (one synthetic, one with markup in its address), and four units.
pub async fn seed_small(store: &dyn Store) {
    let region =
        |c: &str, name: &str| Region { code: code(c), name: name.into(), centroid: Some(LatLng::new(-1.0, 103.9)) };
    store
        .upsert_regions(&[
            region("15", "Jambi"),
            region("15.07", "Kabupaten Tanjung Jabung Timur"),
            region("15.07.01", "Muara Sabak Timur"),
            region("15.07.02", "Muara Sabak Barat"),
            region("15.07.01.2001", "Desa Satu"),
            region("15.07.01.2002", "Desa Dua"),
            region("15.07.02.1001", "Kelurahan Tiga"),
            region("14", "Riau"),
        ])
        .await
        .unwrap();
    store
        .set_boundaries(&[
            (code("15.07.01"), square(103.8, -1.0, 0.2)),
            (code("15.07.02"), square(104.0, -1.0, 0.2)),
            (code("15.07.01.2001"), square(103.8, -1.0, 0.1)),
            (code("15.07.01.2002"), square(103.9, -1.0, 0.1)),
        ])
        .await
        .unwrap();
    let tps = |v: &str, n: u32, address: &str, synthetic: bool| Tps {
        village: code(v),
        number: n,
        address: address.into(),
        location: Some(LatLng::new(-1.05, 103.85)),
        voters: 400 + n,
        access: AccessMode::River,
        synthetic,
    };
    store
        .upsert_tps(&[
            tps("15.07.01.2001", 1, "Balai Desa Satu", false),
            tps("15.07.01.2001", 2, "<script>alert('x')</script> & \"SD\"", false),
            tps("15.07.01.2001", 3, "Pos kamling", true),
            tps("15.07.01.2002", 1, "Masjid", false),
            Tps { location: None, ..tps("15.07.02.1001", 1, "Tanpa koordinat", false) },
        ])
        .await
        .unwrap();
    let unit = |kind: UnitKind, t: &str, personnel: u32| {
        let territory = code(t);
        Unit {
            code: Unit::conventional_code(kind, &territory),
            kind,
            name: format!("{} {t}", kind.title()),
            territory,
            parent: None,
            contact: Contact { phone: Some("0741-1".into()), email: None, address: None },
            personnel,
        }
    };
    store
        .upsert_units(&[
            unit(UnitKind::Polres, "15.07", 500),
            unit(UnitKind::Polsek, "15.07.01", 30),
            unit(UnitKind::Ppk, "15.07.01", 5),
            unit(UnitKind::Pps, "15.07.01.2001", 3),
        ])
        .await
        .unwrap();
}

pub fn shared_data() -> std::path::PathBuf {
    std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
}

/// The real regions of one province, the real boundaries of one regency, and synthetic TPS in its villages.
/// Returns how many TPS have coordinates (the markers the map must show).
pub async fn seed_regency(store: &dyn Store, regency: &str) -> usize {
    seed_regency_with(store, regency, 370).await
}

/// As [`seed_regency`], with `count` TPS.
pub async fn seed_regency_with(store: &dyn Store, regency: &str, count: usize) -> usize {
    let province = &regency[..2];
    let wilayah = std::fs::read_to_string(shared_data().join("wilayah.csv")).unwrap();
    let mut lines = wilayah.lines();
    let header = lines.next().unwrap();
    let mut csv = String::from(header);
    csv.push('\n');
    for line in lines.filter(|l| l.starts_with(&format!("{province},")) || l.starts_with(&format!("{province}."))) {
        csv.push_str(line);
        csv.push('\n');
    }
    let parsed = parse_regions(csv.as_bytes(), |_| false);
    assert!(parsed.is_clean(), "{:?}", parsed.issues.first());
    let regions: Vec<Region> = parsed.records.into_iter().map(|(_, r)| r).collect();
    store.upsert_regions(&regions).await.unwrap();
    let text = std::fs::read_to_string(shared_data().join(format!("boundaries/{regency}.geojson"))).unwrap();
    let boundaries = parse_boundaries(&text, |_| true);
    assert!(boundaries.is_clean());
    let pairs: Vec<_> = boundaries.records.iter().map(|(_, b)| (b.code.clone(), b.boundary.clone())).collect();
    store.set_boundaries(&pairs).await.unwrap();
    let regency_code = code(regency);
    let villages: Vec<VillageInput> = regions
        .iter()
        .filter(|r| r.code.level() == Level::Village && regency_code.contains(&r.code))
        .map(|r| VillageInput {
            code: r.code.clone(),
            name: r.name.clone(),
            centroid: r.centroid,
            boundary: pairs.iter().find(|(c, _)| *c == r.code).map(|(_, b)| b.clone()),
        })
        .collect();
    let tps = generate_tps(&villages, count, AccessProfile::for_regency(&regency_code), 1);
    store.upsert_tps(&tps).await.unwrap();
    tps.iter().filter(|t| t.location.is_some()).count()
}
