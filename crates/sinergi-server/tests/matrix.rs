//! The access matrix: every API route and every page, requested by every role and scope, anonymously, with API
//! tokens and with a session that leaves out its CSRF token, each with the exact answer it must get — on SQLite
//! and on PostgreSQL.
//!
//! The expectations are written out per route and per subject from the rules (`sinergi_domain::access`, the
//! handlers' documented behaviour), not computed with them, so that a change to a rule is a visible change to
//! this table. Every row runs and every mismatch is collected: the test fails once, listing all of them.
//!
//! Two phases: first what each subject *sees* (the contents of lists, which writes would disturb), then the
//! matrix of statuses and error codes. Writes in the matrix leave the registry as it was for later rows: a new TPS
//! gets a fresh number, a replacement writes the same values back, a move onto a taken number is refused.

#![allow(clippy::unwrap_used)] // a test's helpers may unwrap: a failure is a failed test

mod common;

use std::collections::{BTreeSet, HashMap};

use common::{PASSWORD, add_user, client, code, seed_small, signed_in, spawn};
use reqwest::Method;
use serde_json::{Value, json};
use sinergi_domain::access::Viewer;
use sinergi_domain::registry::agency::Contact;
use sinergi_domain::trust::auth::Role;
use sinergi_domain::{Unit, UnitKind};
use sinergi_server::ServerConfig;
use sinergi_server::trust::tokens::{TokenRequest, issue};
use sinergi_store::testing::TestDb;
use sinergi_store::{TpsRecord, UserRecord};

/// Who makes the requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Who {
    /// No session, no token.
    Anonymous,
    /// Administrator with the national scope (unit: the Polres of 15.07).
    Admin,
    /// Commander of the Polres of 15.07: scope the regency 15.07.
    Commander,
    /// Operator of the Polres of 15.07: scope the regency 15.07.
    Operator,
    /// Operator of the Polsek of 15.07.01: scope the district.
    DistrictOperator,
    /// Field reporter of the PPS of 15.07.01.2001: scope one village.
    FieldReporter,
    /// Observer at the Polres of 15.07: scope the regency.
    Observer,
    /// Role external, at the PPK of 15.07.01: scope the district.
    External,
    /// A read-only token of the regency operator.
    ReadOnlyToken,
    /// A token of the regency operator limited to the district 15.07.02.
    ScopedToken,
    /// The regency operator's own session, from a client that does not send the `X-CSRF-Token` header.
    NoCsrf,
}

use Who::*;

const EVERYONE: [Who; 11] = [
    Anonymous,
    Admin,
    Commander,
    Operator,
    DistrictOperator,
    FieldReporter,
    Observer,
    External,
    ReadOnlyToken,
    ScopedToken,
    NoCsrf,
];

/// The accounts, by subject (the tokens and the CSRF-less session belong to the regency operator).
fn username(who: Who) -> &'static str {
    match who {
        Anonymous => "-",
        Admin => "admin",
        Commander => "komandan",
        Operator | ReadOnlyToken | ScopedToken | NoCsrf => "ops",
        DistrictOperator => "ops.sabak",
        FieldReporter => "pelapor",
        Observer => "pengamat",
        External => "kpu.luar",
    }
}

/// The expected answer.
#[derive(Debug, Clone, PartialEq)]
enum Want {
    /// This status (a success: the body is not looked at).
    Status(u16),
    /// An API error: this status and this JSON `code`.
    Error(u16, &'static str),
    /// `303 See Other` to exactly this location.
    Redirect(String),
    /// Not asked (a request that makes no sense for this subject, e.g. the sign-out form without its form).
    Skip,
}

impl std::fmt::Display for Want {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Want::Status(s) => write!(f, "{s}"),
            Want::Error(s, c) => write!(f, "{s} {c}"),
            Want::Redirect(to) => write!(f, "303 → {to}"),
            Want::Skip => write!(f, "-"),
        }
    }
}

fn ok() -> Want {
    Want::Status(200)
}
fn created() -> Want {
    Want::Status(201)
}
fn no_content() -> Want {
    Want::Status(204)
}
fn forbidden() -> Want {
    Want::Error(403, "forbidden")
}
fn not_found(code: &'static str) -> Want {
    Want::Error(404, code)
}
fn invalid() -> Want {
    Want::Error(422, "validation_failed")
}
fn unauthenticated() -> Want {
    Want::Error(401, "unauthenticated")
}
fn login_page(next: &str) -> Want {
    // The page's path and query, encoded as the server encodes them.
    let encoded = next.replace('?', "%3F").replace('=', "%3D").replace('&', "%26");
    Want::Redirect(format!("/login?next={encoded}"))
}

/// A request body.
#[derive(Debug, Clone)]
enum Body {
    None,
    Json(Value),
    /// A new TPS in this village, with a number no earlier row used.
    NewTps(&'static str),
    /// A sign-in with a wrong password, under a username of its own per subject (so that no throttle trips).
    WrongLogin,
}

struct Row {
    who: Who,
    method: Method,
    path: String,
    body: Body,
    want: Want,
}

struct Table {
    rows: Vec<Row>,
    /// Whether the CSRF-less session gets, for reading, what the same account's other session gets (true until
    /// that other session signs out).
    no_csrf_mirrors_operator: bool,
}

impl Table {
    /// A route asked by every subject, the path possibly differing per subject. The CSRF-less session gets 403
    /// `csrf_failed` on every state-changing API request, and otherwise what the same account with the header
    /// gets.
    fn each(&mut self, method: Method, path: impl Fn(Who) -> String, body: Body, want: impl Fn(Who) -> Want) {
        let unsafe_api = method != Method::GET && path(Operator).starts_with("/api/");
        for who in EVERYONE {
            let want = match who {
                NoCsrf if unsafe_api => Want::Error(403, "csrf_failed"),
                NoCsrf if self.no_csrf_mirrors_operator => want(Operator),
                _ => want(who),
            };
            self.rows.push(Row { who, method: method.clone(), path: path(who), body: body.clone(), want });
        }
    }

    /// An API route behind the login: anonymous callers get 401 `unauthenticated`.
    fn api(&mut self, method: Method, path: &str, body: Body, want: impl Fn(Who) -> Want) {
        self.api_each(method, |_| path.to_owned(), body, want);
    }

    fn api_each(&mut self, method: Method, path: impl Fn(Who) -> String, body: Body, want: impl Fn(Who) -> Want) {
        self.each(method, path, body, |who| if who == Anonymous { unauthenticated() } else { want(who) });
    }

    /// A page behind the login: anonymous callers are sent to the login form, which brings them back.
    fn page(&mut self, path: &str, want: impl Fn(Who) -> Want) {
        self.each(
            Method::GET,
            |_| path.to_owned(),
            Body::None,
            |who| {
                if who == Anonymous { login_page(path) } else { want(who) }
            },
        );
    }

    /// A route open to everyone, with one answer for all.
    fn public(&mut self, path: &str, want: Want) {
        self.each(Method::GET, |_| path.to_owned(), Body::None, |_| want.clone());
    }
}

/// What the setup made: the subjects' clients and the records the rows name.
struct World {
    base: String,
    clients: HashMap<Who, reqwest::Client>,
    /// TPS 001 of 15.07.01.2001, TPS 001 of 15.07.01.2002, TPS 001 of 15.07.02.1001.
    tps_a: TpsRecord,
    tps_a2: TpsRecord,
    tps_b: TpsRecord,
    /// A token of each subject's account for that subject to revoke (the tokens' own ones are extra tokens of the
    /// regency operator).
    own_token: HashMap<Who, String>,
    /// A token of the administrator, which nobody else may revoke.
    admins_token: String,
    /// A token of the commander, for the administrator to revoke.
    commanders_token: String,
    /// Reports (biasa, of Polri) in 15.07.01.2001, shared with KPU, and in 15.07.02.1001.
    report_a: i64,
    report_b: i64,
    /// The field reporter's own intelligence report (terbatas, by SMS) in 15.07.01.2001.
    report_c: i64,
}

async fn token(db: &TestDb, user: &UserRecord, name: &str, region: Option<&str>, read_only: bool) -> (String, String) {
    let request = TokenRequest { name: name.into(), region: region.map(code), read_only, days: 30 };
    let now = sinergi_server::trust::auth::now_ms();
    let (secret, record) = issue(&*db.store, user, &request, now, "test", "test").await.unwrap();
    (secret, record.id)
}

fn bearer(secret: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::AUTHORIZATION, format!("Bearer {secret}").parse().unwrap());
    reqwest::Client::builder().default_headers(headers).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// Signed in through the API like [`signed_in`], but never sending the session's CSRF token.
async fn signed_in_without_csrf(base: &str, username: &str) -> reqwest::Client {
    let client = client();
    let response = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": username, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK, "login as {username}");
    client
}

async fn setup(db: &TestDb) -> World {
    let store = &*db.store;
    seed_small(store).await;
    // Units outside the seed's single chain: the province above everyone, a sibling district, another province.
    let unit = |kind: UnitKind, territory: &str| Unit {
        code: Unit::conventional_code(kind, &code(territory)),
        kind,
        name: format!("{} {territory}", kind.title()),
        territory: code(territory),
        parent: None,
        contact: Contact::default(),
        personnel: 10,
    };
    store
        .upsert_units(&[unit(UnitKind::Polda, "15"), unit(UnitKind::Polsek, "15.07.02"), unit(UnitKind::Polda, "14")])
        .await
        .unwrap();
    let admin = add_user(store, "admin", Role::Administrator, "polres-15.07", true).await;
    let commander = add_user(store, "komandan", Role::Commander, "polres-15.07", false).await;
    let operator = add_user(store, "ops", Role::Operator, "polres-15.07", false).await;
    let district = add_user(store, "ops.sabak", Role::Operator, "polsek-15.07.01", false).await;
    let reporter = add_user(store, "pelapor", Role::FieldReporter, "pps-15.07.01.2001", false).await;
    let observer = add_user(store, "pengamat", Role::Observer, "polres-15.07", false).await;
    let external = add_user(store, "kpu.luar", Role::External, "ppk-15.07.01", false).await;

    for (_, text) in sinergi_domain::vulnerability::SHIPPED {
        let set = sinergi_domain::vulnerability::IndicatorSet::from_toml(text).unwrap();
        store.put_indicator_set(&set, text, &common::test_event()).await.unwrap();
    }

    let report = |village: &str| sinergi_store::NewReport {
        kind: sinergi_domain::incident::ReportKind::Incident,
        category: "bentrok".into(),
        severity: sinergi_domain::incident::Severity::High,
        occurred_at_ms: 1_732_674_600_000,
        reported_at_ms: 1_732_674_600_000,
        village: code(village),
        tps_id: None,
        location: None,
        description: "Keributan".into(),
        source_agency: sinergi_domain::AgencyKind::Polri,
        source_person: "Bhabinkamtibmas".into(),
        reporter_account: None,
        channel: sinergi_domain::incident::Channel::Sms,
        classification: sinergi_domain::trust::auth::Classification::Biasa,
        idempotency_key: None,
        routes: Vec::new(),
    };
    let own_intelligence = sinergi_store::NewReport {
        kind: sinergi_domain::incident::ReportKind::Intelligence,
        classification: sinergi_domain::trust::auth::Classification::Terbatas,
        source_agency: reporter.agency,
        reporter_account: Some(reporter.id),
        ..report("15.07.01.2001")
    };
    let filed =
        store.file_reports(&[report("15.07.01.2001"), report("15.07.02.1001"), own_intelligence]).await.unwrap();
    // Polri shares the first with KPU: the external KPU account reads it, and nothing else of Polri's.
    let share = sinergi_store::ShareMove {
        report_id: filed[0].id(),
        agency: sinergi_domain::AgencyKind::Kpu,
        at_ms: 1_732_674_700_000,
        account_id: Some(operator.id),
        actor: "ops".into(),
        reason: "Pengamanan logistik pemilu".into(),
    };
    store.share_report(&share).await.unwrap();

    let base = spawn(db.store.clone(), ServerConfig::default()).await;
    let mut clients = HashMap::new();
    clients.insert(Anonymous, client());
    for who in [Admin, Commander, Operator, DistrictOperator, FieldReporter, Observer, External] {
        clients.insert(who, signed_in(&base, username(who)).await);
    }
    clients.insert(NoCsrf, signed_in_without_csrf(&base, "ops").await);
    let (read_only, _) = token(db, &operator, "baca saja", None, true).await;
    clients.insert(ReadOnlyToken, bearer(&read_only));
    let (scoped, _) = token(db, &operator, "Muara Sabak Barat", Some("15.07.02"), false).await;
    clients.insert(ScopedToken, bearer(&scoped));

    let mut own_token = HashMap::new();
    own_token.insert(Anonymous, "000000000000".to_owned());
    for (who, user) in [
        (Admin, &admin),
        (Commander, &commander),
        (Operator, &operator),
        (DistrictOperator, &district),
        (FieldReporter, &reporter),
        (Observer, &observer),
        (External, &external),
        (ReadOnlyToken, &operator),
        (ScopedToken, &operator),
        (NoCsrf, &operator),
    ] {
        own_token.insert(who, token(db, user, &format!("milik {who:?}"), None, false).await.1);
    }
    let admins_token = token(db, &admin, "milik admin", None, false).await.1;
    let commanders_token = token(db, &commander, "dicabut admin", None, false).await.1;

    let all = store.all_tps(&Viewer::system("test"), &code("15")).await.unwrap();
    let find = |village: &str, number: u32| {
        all.iter().find(|t| t.tps.village.as_str() == village && t.tps.number == number).cloned().unwrap()
    };
    World {
        base,
        clients,
        tps_a: find("15.07.01.2001", 1),
        tps_a2: find("15.07.01.2002", 1),
        tps_b: find("15.07.02.1001", 1),
        own_token,
        admins_token,
        commanders_token,
        report_a: filed[0].id().0,
        report_b: filed[1].id().0,
        report_c: filed[2].id().0,
    }
}

/// The body that replaces a TPS with what it already is.
fn same_values(r: &TpsRecord) -> Value {
    json!({
        "village_code": r.tps.village.as_str(),
        "number": r.tps.number,
        "address": r.tps.address,
        "lat": r.tps.location.map(|l| l.lat),
        "lng": r.tps.location.map(|l| l.lng),
        "voters": r.tps.voters,
        "access": r.tps.access.as_str(),
    })
}

/// The same TPS, moved onto a village and number that another TPS already has.
fn moved(r: &TpsRecord, village: &str, number: u32) -> Value {
    let mut body = same_values(r);
    body["village_code"] = json!(village);
    body["number"] = json!(number);
    body["lat"] = Value::Null;
    body["lng"] = Value::Null;
    body
}

// ---------------------------------------------------------------------------------------------------------------
// Phase 1: what each subject sees.

/// One list or page, and what each subject must find in it (subjects left out get no 200 here; their status is
/// in the matrix).
struct View {
    path: &'static str,
    what: &'static str,
    extract: fn(&str) -> Value,
    want: Vec<(Who, Value)>,
}

fn view(
    path: &'static str,
    what: &'static str,
    extract: fn(&str) -> Value,
    want: impl Fn(Who) -> Option<Value>,
) -> View {
    let want = EVERYONE.iter().filter(|w| **w != Anonymous).filter_map(|w| want(*w).map(|v| (*w, v))).collect();
    View { path, what, extract, want }
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

/// The `code`s of a JSON array, sorted.
fn codes(text: &str) -> Value {
    let body = parse(text);
    let set: BTreeSet<&str> = body.as_array().into_iter().flatten().filter_map(|r| r["code"].as_str()).collect();
    json!(set)
}

/// The `code`s of a page's `items`, sorted.
fn item_codes(text: &str) -> Value {
    let body = parse(text);
    let set: BTreeSet<&str> =
        body["items"].as_array().into_iter().flatten().filter_map(|r| r["code"].as_str()).collect();
    json!(set)
}

fn total(text: &str) -> Value {
    parse(text)["total"].clone()
}

/// The villages of a page of TPS, sorted and without repeats.
fn villages(text: &str) -> Value {
    let body = parse(text);
    let set: BTreeSet<&str> =
        body["items"].as_array().into_iter().flatten().filter_map(|r| r["village_code"].as_str()).collect();
    json!(set)
}

/// The TPS count of the province 15 in the list of provinces.
fn tps_of_jambi(text: &str) -> Value {
    let body = parse(text);
    body.as_array().into_iter().flatten().find(|r| r["code"] == "15").map_or(Value::Null, |r| r["tps"].clone())
}

/// How many TPS points a map collection has.
fn tps_points(text: &str) -> Value {
    let body = parse(text);
    json!(body["features"].as_array().into_iter().flatten().filter(|f| f["properties"]["kind"] == "tps").count())
}

fn units_counted(text: &str) -> Value {
    let body = parse(text);
    json!(body.as_array().into_iter().flatten().filter_map(|a| a["units"].as_u64()).sum::<u64>())
}

/// The owners of the listed tokens, sorted and without repeats.
fn owners(text: &str) -> Value {
    let body = parse(text);
    let set: BTreeSet<&str> = body.as_array().into_iter().flatten().filter_map(|t| t["username"].as_str()).collect();
    json!(set)
}

fn me(text: &str) -> Value {
    let body = parse(text);
    json!([body["username"], body["role"], body["scope"]])
}

/// The villages of a GeoJSON export of reports, sorted.
fn feature_villages(text: &str) -> Value {
    let body = parse(text);
    let set: BTreeSet<&str> = body["features"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["properties"]["village_code"].as_str())
        .collect();
    json!(set)
}

/// How many report rows a page lists.
fn report_rows(html: &str) -> Value {
    json!(html.matches("data-reference=\"").count())
}

fn mentions_riau(html: &str) -> Value {
    json!(html.contains("Riau"))
}

/// Whether a page names the two districts of 15.07: [Timur (15.07.01), Barat (15.07.02)].
fn mentions_districts(html: &str) -> Value {
    json!([html.contains("Muara Sabak Timur"), html.contains("Muara Sabak Barat")])
}

/// Whether a page lists TPS 001 of 15.07.01.2002 (address "Masjid") and TPS 001 of 15.07.01.2001 ("Balai Desa
/// Satu").
fn mentions_tps(html: &str) -> Value {
    json!([html.contains("Masjid"), html.contains("Balai Desa Satu")])
}

fn views() -> Vec<View> {
    let both = || json!(["15.07.01", "15.07.02"]);
    vec![
        view("/api/v1/regions", "province codes", codes, |w| {
            Some(if w == Admin { json!(["14", "15"]) } else { json!(["15"]) })
        }),
        view("/api/v1/regions", "TPS counted in Jambi", tps_of_jambi, |w| {
            Some(json!(match w {
                DistrictOperator => 4,
                FieldReporter => 3,
                External => 0,
                ScopedToken => 1,
                _ => 5,
            }))
        }),
        view("/api/v1/regions/15.07/children", "district codes", codes, |w| {
            Some(match w {
                DistrictOperator | FieldReporter | External => json!(["15.07.01"]),
                ScopedToken => json!(["15.07.02"]),
                _ => both(),
            })
        }),
        view("/api/v1/regions/search?q=Muara", "codes found", codes, |w| {
            Some(match w {
                DistrictOperator | FieldReporter | External => json!(["15.07.01"]),
                ScopedToken => json!(["15.07.02"]),
                _ => both(),
            })
        }),
        view("/api/v1/regions/search?q=Desa", "codes found", codes, |w| {
            Some(match w {
                FieldReporter => json!(["15.07.01.2001"]),
                ScopedToken => json!([]),
                _ => json!(["15.07.01.2001", "15.07.01.2002"]),
            })
        }),
        view("/api/v1/tps?region=15.07", "total", total, |w| match w {
            External => None,
            DistrictOperator => Some(json!(4)),
            FieldReporter => Some(json!(3)),
            ScopedToken => Some(json!(1)),
            _ => Some(json!(5)),
        }),
        view("/api/v1/tps?region=15.07", "villages", villages, |w| match w {
            External => None,
            DistrictOperator => Some(json!(["15.07.01.2001", "15.07.01.2002"])),
            FieldReporter => Some(json!(["15.07.01.2001"])),
            ScopedToken => Some(json!(["15.07.02.1001"])),
            _ => Some(json!(["15.07.01.2001", "15.07.01.2002", "15.07.02.1001"])),
        }),
        view("/api/v1/tps?region=15", "total", total, |w| match w {
            External => None,
            DistrictOperator => Some(json!(4)),
            FieldReporter => Some(json!(3)),
            ScopedToken => Some(json!(1)),
            _ => Some(json!(5)),
        }),
        view("/api/v1/tps?region=15.07.01", "total", total, |w| match w {
            External | ScopedToken => None,
            FieldReporter => Some(json!(3)),
            _ => Some(json!(4)),
        }),
        // TPS 001 of 15.07.02.1001 has no coordinates: four points in the regency at most.
        view("/api/v1/regions/15.07/map", "TPS points", tps_points, |w| {
            Some(json!(match w {
                FieldReporter => 3,
                External | ScopedToken => 0,
                _ => 4,
            }))
        }),
        view("/api/v1/units", "unit codes", item_codes, |w| {
            let chain = ["polda-15", "polres-15.07", "polsek-15.07.01", "ppk-15.07.01", "pps-15.07.01.2001"];
            match w {
                External => None,
                Admin => Some(json!([
                    "polda-14",
                    "polda-15",
                    "polres-15.07",
                    "polsek-15.07.01",
                    "polsek-15.07.02",
                    "ppk-15.07.01",
                    "pps-15.07.01.2001"
                ])),
                DistrictOperator | FieldReporter => Some(json!(chain)),
                ScopedToken => Some(json!(["polda-15", "polres-15.07", "polsek-15.07.02"])),
                _ => Some(json!([
                    "polda-15",
                    "polres-15.07",
                    "polsek-15.07.01",
                    "polsek-15.07.02",
                    "ppk-15.07.01",
                    "pps-15.07.01.2001"
                ])),
            }
        }),
        view("/api/v1/units?region=15.07.02", "unit codes", item_codes, |w| match w {
            External => None,
            DistrictOperator | FieldReporter => Some(json!([])),
            _ => Some(json!(["polsek-15.07.02"])),
        }),
        view("/api/v1/agencies", "units counted", units_counted, |w| {
            Some(json!(match w {
                Admin => 7,
                DistrictOperator | FieldReporter => 5,
                External => 0,
                ScopedToken => 3,
                _ => 6,
            }))
        }),
        view("/api/v1/tokens", "owners", owners, |w| match w {
            ReadOnlyToken => None,
            _ => Some(json!([username(w)])),
        }),
        view("/api/v1/tokens?all=true", "owners", owners, |w| {
            (w == Admin).then(|| json!(["admin", "komandan", "kpu.luar", "ops", "ops.sabak", "pelapor", "pengamat"]))
        }),
        // A token acts for its account: `me` is the account, with the account's scope.
        view("/api/v1/auth/me", "username, role, scope", me, |w| {
            Some(match w {
                Admin => json!(["admin", "administrator", null]),
                Commander => json!(["komandan", "commander", "15.07"]),
                DistrictOperator => json!(["ops.sabak", "operator", "15.07.01"]),
                FieldReporter => json!(["pelapor", "field_reporter", "15.07.01.2001"]),
                Observer => json!(["pengamat", "observer", "15.07"]),
                External => json!(["kpu.luar", "external", "15.07.01"]),
                _ => json!(["ops", "operator", "15.07"]),
            })
        }),
        view("/regions", "names Riau", mentions_riau, |w| Some(json!(w == Admin))),
        // The incident desk's export and list: the two reports (15.07.01.2001 and 15.07.02.1001) where the territory
        // holds them.
        view("/api/v1/reports/export?format=geojson", "report villages", feature_villages, |w| match w {
            // The external KPU account: only the report Polri shared with KPU.
            DistrictOperator | FieldReporter | External => Some(json!(["15.07.01.2001"])),
            ScopedToken => Some(json!(["15.07.02.1001"])),
            _ => Some(json!(["15.07.01.2001", "15.07.02.1001"])),
        }),
        // The field reporter's own intelligence report (terbatas, above their clearance) is theirs to read, and the
        // administrator's; the shared one is the external account's.
        view("/incidents", "report rows", report_rows, |w| match w {
            Admin | FieldReporter => Some(json!(if w == Admin { 3 } else { 2 })),
            DistrictOperator | ScopedToken | External => Some(json!(1)),
            _ => Some(json!(2)),
        }),
        view("/regions/15.07", "names [Timur, Barat]", mentions_districts, |w| {
            Some(match w {
                DistrictOperator | FieldReporter | External => json!([true, false]),
                ScopedToken => json!([false, true]),
                _ => json!([true, true]),
            })
        }),
        view("/regions/15.07.01", "lists [Masjid, Balai Desa Satu]", mentions_tps, |w| match w {
            ScopedToken => None,
            FieldReporter => Some(json!([false, true])),
            External => Some(json!([false, false])),
            _ => Some(json!([true, true])),
        }),
    ]
}

async fn check_views(world: &World, mismatches: &mut Vec<String>) -> usize {
    let mut checked = 0;
    for v in views() {
        for (who, want) in &v.want {
            checked += 1;
            let response = world.clients[who].get(format!("{}{}", world.base, v.path)).send().await.unwrap();
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            if status != 200 {
                mismatches.push(format!("{who:?} sees GET {}: expected 200, got {status} {text:.120}", v.path));
                continue;
            }
            let got = (v.extract)(&text);
            if got != *want {
                mismatches.push(format!("{who:?} sees GET {} {}: expected {want}, got {got}", v.path, v.what));
            }
        }
    }
    checked
}

// ---------------------------------------------------------------------------------------------------------------
// Phase 2: the matrix.

fn matrix(world: &World) -> Table {
    let mut t = Table { rows: Vec::new(), no_csrf_mirrors_operator: true };
    let get = || Method::GET;

    // Open to everyone.
    t.public("/api/v1/health", ok());
    t.public("/api/v1/openapi.json", ok());
    t.public("/login", ok());
    t.public("/lang/en", Want::Redirect("/".into()));
    t.public("/favicon.svg", ok());
    t.public("/assets/main.js", ok());
    // The sign-in itself answers everyone (a signed-in client may sign in again); a wrong password is one answer.
    t.each(Method::POST, |_| "/api/v1/auth/login".into(), Body::WrongLogin, |_| Want::Error(401, "login_failed"));

    t.api(get(), "/api/v1/nope", Body::None, |_| not_found("route_not_found"));
    t.api(get(), "/api/v1/auth/me", Body::None, |_| ok());

    // Regions: a region inside the scope or above it is seen, any other is not there at all.
    let sees = |code: &str, who: Who| match code {
        "15" | "15.07" => true,
        "15.07.01" => who != ScopedToken,
        "15.07.02" => !matches!(who, DistrictOperator | FieldReporter | External),
        "15.07.01.2002" => !matches!(who, FieldReporter | ScopedToken),
        "15.07.01.2001" => who != ScopedToken,
        "14" => who == Admin,
        _ => false,
    };
    t.api(get(), "/api/v1/regions", Body::None, |_| ok());
    t.api(get(), "/api/v1/regions/search?q=Muara", Body::None, |_| ok());
    for region in ["15", "15.07", "15.07.01", "15.07.02", "15.07.01.2002", "14", "99"] {
        for suffix in ["", "/children"] {
            let path = format!("/api/v1/regions/{region}{suffix}");
            t.api(get(), &path, Body::None, |w| if sees(region, w) { ok() } else { not_found("region_not_found") });
        }
    }
    for region in ["15.07", "15.07.01", "15.07.02", "15", "14"] {
        let path = format!("/api/v1/regions/{region}/map");
        let mappable = region.len() > 2;
        t.api(get(), &path, Body::None, |w| match (sees(region, w), mappable) {
            (true, true) => ok(),
            (true, false) => Want::Error(400, "map_needs_regency"),
            (false, _) => not_found("region_not_found"),
        });
    }

    // TPS: the external role reads none; others read the TPS of their territory, in regions they see.
    for region in ["15", "15.07", "15.07.01", "15.07.02", "15.07.01.2002", "14"] {
        let path = format!("/api/v1/tps?region={region}");
        t.api(get(), &path, Body::None, |w| match w {
            External => forbidden(),
            _ if sees(region, w) => ok(),
            _ => not_found("region_not_found"),
        });
    }
    let (a, a2, b) = (world.tps_a.id, world.tps_a2.id, world.tps_b.id);
    let covers = |id: i64, who: Who| {
        if id == a {
            who != ScopedToken
        } else if id == a2 {
            !matches!(who, FieldReporter | ScopedToken)
        } else if id == b {
            !matches!(who, DistrictOperator | FieldReporter)
        } else {
            false
        }
    };
    for id in [a, a2, b, 999_999] {
        t.api(get(), &format!("/api/v1/tps/{id}"), Body::None, |w| match w {
            External => forbidden(),
            _ if covers(id, w) => ok(),
            _ => not_found("tps_not_found"),
        });
    }
    // Writers: the administrator, the operators, and the operator's token that is not read-only.
    let writes = |w: Who| matches!(w, Admin | Operator | DistrictOperator | ScopedToken);
    let post = |t: &mut Table, village: &'static str, inside: &dyn Fn(Who) -> bool| {
        t.api(Method::POST, "/api/v1/tps", Body::NewTps(village), |w| match w {
            _ if !writes(w) => forbidden(),
            _ if inside(w) => created(),
            _ => invalid(),
        });
    };
    post(&mut t, "15.07.01.2002", &|w| w != ScopedToken);
    post(&mut t, "15.07.02.1001", &|w| w != DistrictOperator);
    post(&mut t, "15.07.01.2999", &|_| false); // no such village
    for record in [&world.tps_a, &world.tps_b] {
        t.api(Method::PUT, &format!("/api/v1/tps/{}", record.id), Body::Json(same_values(record)), |w| match w {
            _ if !writes(w) => forbidden(),
            _ if covers(record.id, w) => ok(),
            _ => not_found("tps_not_found"),
        });
    }
    // Moving a TPS onto a taken number: refused as a conflict, unless the target village is outside the
    // writer's scope (then it does not exist for them) or the TPS itself is.
    let onto_b = Body::Json(moved(&world.tps_a, "15.07.02.1001", 1));
    t.api(Method::PUT, &format!("/api/v1/tps/{a}"), onto_b, |w| match w {
        _ if !writes(w) => forbidden(),
        ScopedToken => not_found("tps_not_found"),
        DistrictOperator => invalid(),
        _ => Want::Error(409, "conflict"),
    });
    let onto_a = Body::Json(moved(&world.tps_b, "15.07.01.2001", 1));
    t.api(Method::PUT, &format!("/api/v1/tps/{b}"), onto_a, |w| match w {
        _ if !writes(w) => forbidden(),
        DistrictOperator => not_found("tps_not_found"),
        ScopedToken => invalid(),
        _ => Want::Error(409, "conflict"),
    });
    t.api(Method::PUT, "/api/v1/tps/999999", Body::Json(same_values(&world.tps_a)), |w| {
        if writes(w) { not_found("tps_not_found") } else { forbidden() }
    });

    // Vulnerability mapping: read like TPS; assessed by administrators, operators and field reporters (and the
    // operator's token that is not read-only), inside their territory.
    let set = "bawaslu-pilkada-2024";
    for path in ["/api/v1/indicator-sets".to_owned(), format!("/api/v1/indicator-sets/{set}")] {
        t.api(get(), &path, Body::None, |w| if w == External { forbidden() } else { ok() });
    }
    t.api(get(), "/api/v1/indicator-sets/tidak-ada", Body::None, |w| {
        if w == External { forbidden() } else { not_found("indicator_set_not_found") }
    });
    for region in ["15.07", "15.07.01", "15.07.02", "14"] {
        for what in ["tps", "areas"] {
            let path = format!("/api/v1/vulnerability/{set}/{what}?region={region}");
            t.api(get(), &path, Body::None, |w| match w {
                External => forbidden(),
                _ if sees(region, w) => ok(),
                _ => not_found("region_not_found"),
            });
        }
    }
    let assesses = |w: Who| matches!(w, Admin | Operator | DistrictOperator | FieldReporter | ScopedToken);
    for id in [a, b] {
        t.api(get(), &format!("/api/v1/tps/{id}/assessments?set={set}"), Body::None, |w| match w {
            External => forbidden(),
            _ if covers(id, w) => ok(),
            _ => not_found("tps_not_found"),
        });
        let body = Body::Json(json!({"set": set, "assessor": "Petugas", "answers": {"keamanan.kekerasan": "ya"}}));
        t.api(Method::POST, &format!("/api/v1/tps/{id}/assessments"), body, |w| match w {
            _ if !assesses(w) => forbidden(),
            _ if covers(id, w) => created(),
            _ => not_found("tps_not_found"),
        });
    }
    // Area indicators: read where the region is seen (a village's district included); assessed where it is
    // covered — the district above a field reporter is seen but not theirs to assess.
    let covers_region = |code: &str, who: Who| match code {
        "15.07" => !matches!(who, DistrictOperator | FieldReporter | ScopedToken | External),
        "15.07.01" => !matches!(who, FieldReporter | ScopedToken),
        _ => sees(code, who),
    };
    for (region, answers) in [
        ("15.07.01.2001", json!({"riwayat_konflik": "ya"})),
        ("15.07.01", json!({"gangguan_kamtibmas": 4})),
        ("15.07.02", json!({"netralitas": true})),
        ("15.07", json!({})),
    ] {
        t.api(get(), &format!("/api/v1/regions/{region}/area-assessments?set={set}"), Body::None, |w| match w {
            External => forbidden(),
            _ if sees(region, w) => ok(),
            _ => not_found("region_not_found"),
        });
        let body = Body::Json(json!({"set": set, "assessor": "PKD", "answers": answers}));
        t.api(Method::POST, &format!("/api/v1/regions/{region}/area-assessments"), body, |w| match w {
            _ if !assesses(w) => forbidden(),
            _ if !sees(region, w) => not_found("region_not_found"),
            _ if !covers_region(region, w) => forbidden(),
            // A regency is neither a village nor a district.
            _ if region == "15.07" => invalid(),
            _ => created(),
        });
    }

    // The incident desk: everyone reads the reports of their territory that they need to know (the external role
    // only those of its agency: filed by, routed to or shared with it); administrators, operators, commanders and
    // field reporters file them; administrators, operators and commanders move them (an unknown move is a 422
    // that shows access without changing anything).
    let files = |w: Who| matches!(w, Admin | Commander | Operator | DistrictOperator | FieldReporter | ScopedToken);
    let handles = |w: Who| matches!(w, Admin | Commander | Operator | DistrictOperator | ScopedToken);
    t.api(get(), "/api/v1/reports", Body::None, |_| ok());
    t.api(get(), "/api/v1/report-categories", Body::None, |_| ok());
    // The taxonomy as data: only administrators load a version or read the versions loaded (a broken text is a
    // 422 that shows access without changing the rules the rest of the matrix files reports by).
    let broken_taxonomy = Body::Json(json!({"toml": "id = 1", "reason": "matriks"}));
    t.api(Method::PUT, "/api/v1/report-categories", broken_taxonomy, |w| {
        if w == Admin { Want::Error(422, "invalid_taxonomy") } else { forbidden() }
    });
    t.api(get(), "/api/v1/report-categories/versions", Body::None, |w| if w == Admin { ok() } else { forbidden() });
    t.api(get(), "/api/v1/report-categories/versions/999999", Body::None, |w| {
        if w == Admin { not_found("taxonomy_version_not_found") } else { forbidden() }
    });
    t.api(get(), "/api/v1/reports/queue", Body::None, |_| ok());
    t.api(get(), "/api/v1/reports/escalations", Body::None, |_| ok());
    let body = Body::Json(json!({"category": "bentrok", "village_code": "15.07.01.2001", "description": "Ricuh"}));
    t.api(Method::POST, "/api/v1/reports", body, |w| match w {
        _ if !files(w) => forbidden(),
        // The token limited to 15.07.02 does not cover the village.
        ScopedToken => invalid(),
        _ => created(),
    });
    for (id, village) in [(world.report_a, "15.07.01.2001"), (world.report_b, "15.07.02.1001")] {
        let covered = |w: Who| match w {
            DistrictOperator | FieldReporter | External => village.starts_with("15.07.01"),
            ScopedToken => village.starts_with("15.07.02"),
            _ => true,
        };
        t.api(get(), &format!("/api/v1/reports/{id}"), Body::None, |w| match w {
            _ if covered(w) => ok(),
            _ => not_found("report_not_found"),
        });
        let body = Body::Json(json!({"action": "terbang"}));
        t.api(Method::POST, &format!("/api/v1/reports/{id}/moves"), body, |w| match w {
            _ if !handles(w) => forbidden(),
            _ if covered(w) => invalid(),
            _ => not_found("report_not_found"),
        });
        let body = Body::Json(json!({"body": "Dipantau"}));
        t.api(Method::POST, &format!("/api/v1/reports/{id}/comments"), body, |w| match w {
            _ if !files(w) => forbidden(),
            _ if covered(w) => created(),
            _ => not_found("report_not_found"),
        });
        // Sharing: only the owning agency (Polri filed both) shares or revokes; the KPU field reporter is told so.
        // An unknown agency is a 422 that shows access without changing anything.
        let share_want = |w: Who| match w {
            _ if !files(w) => forbidden(),
            _ if !covered(w) => not_found("report_not_found"),
            FieldReporter => Want::Error(403, "not_owner"),
            _ => invalid(),
        };
        let body = Body::Json(json!({"agency": "ormas", "reason": "Diteruskan"}));
        t.api(Method::POST, &format!("/api/v1/reports/{id}/shares"), body, share_want);
        let body = Body::Json(json!({"reason": "Dicabut"}));
        t.api(Method::POST, &format!("/api/v1/reports/{id}/shares/ormas/revoke"), body, share_want);
        // Duplicate decisions: those who handle reports; an unknown decision is named before anything is read.
        let body = Body::Json(json!({"decision": "mungkin"}));
        t.api(Method::POST, &format!("/api/v1/reports/{id}/duplicates/{}", world.report_a), body, |w| {
            if handles(w) { invalid() } else { forbidden() }
        });
    }
    // The field reporter's own intelligence report: theirs (whatever its level) and the administrator's; to
    // everyone else it does not exist.
    let reads_own = |w: Who| matches!(w, Admin | FieldReporter);
    let path = format!("/api/v1/reports/{}", world.report_c);
    t.api(get(), &path, Body::None, |w| if reads_own(w) { ok() } else { not_found("report_not_found") });
    // The live feed (an endless event stream) is checked in tests/desk.rs: 401 without credentials, 400 for a bad
    // Last-Event-ID, and per-event access for each user.

    // The export: read like the list (a region outside the territory is empty, not an error); a format it does not
    // know is refused before anything else.
    for path in ["/api/v1/reports/export", "/api/v1/reports/export?format=geojson&region=15.07.02&open=true"] {
        t.api(get(), path, Body::None, |_| ok());
    }
    t.api(get(), "/api/v1/reports/export?format=pdf", Body::None, |_| Want::Error(400, "invalid_query"));

    // The early warning scan: read like the reports; run by those who handle reports, for a regency their territory
    // holds whole (the matrix's reports are unverified, so each run has too few to scan and changes no alert).
    t.api(get(), "/api/v1/scans", Body::None, |w| if w == External { forbidden() } else { ok() });
    t.api(get(), "/api/v1/scans?regency=15.07", Body::None, |w| if w == External { forbidden() } else { ok() });
    t.api(get(), "/api/v1/scans/999999", Body::None, |w| {
        if w == External { forbidden() } else { not_found("scan_not_found") }
    });
    for path in ["/api/v1/alerts", "/api/v1/alerts?within=15.07.02&status=all"] {
        t.api(get(), path, Body::None, |w| if w == External { forbidden() } else { ok() });
    }
    t.api(get(), "/api/v1/alerts?status=semua", Body::None, |w| {
        if w == External { forbidden() } else { Want::Error(400, "invalid_query") }
    });
    t.api(get(), "/api/v1/alerts/999999", Body::None, |w| {
        if w == External { forbidden() } else { not_found("alert_not_found") }
    });
    let scan = Body::Json(json!({"regency": "15.07", "replications": 9}));
    t.api(Method::POST, "/api/v1/scans", scan, |w| match w {
        _ if !handles(w) => forbidden(),
        DistrictOperator | ScopedToken => not_found("region_not_found"),
        _ => created(),
    });
    let bad_scan = Body::Json(json!({"regency": "15.07", "max_fraction": 0.9}));
    t.api(Method::POST, "/api/v1/scans", bad_scan, |w| if handles(w) { invalid() } else { forbidden() });

    // The gateway webhook takes API tokens only (a browser session is refused), of accounts that file reports;
    // an unregistered sender is answered with a reply, not an error.
    let message = Body::Json(json!({"sender": "0899-1111-2222", "text": "LAPOR bentrok ricuh", "message_id": "m-1"}));
    t.api(Method::POST, "/api/v1/intake/messages", message, |w| if w == ScopedToken { ok() } else { forbidden() });

    // Agencies and units: every role sees the agencies; the external role no units; units of the scope and of
    // its ancestors (the chain of command) are seen, others are not there.
    t.api(get(), "/api/v1/agencies", Body::None, |_| ok());
    t.api(get(), "/api/v1/units", Body::None, |w| if w == External { forbidden() } else { ok() });
    t.api(get(), "/api/v1/units?region=15.07.02", Body::None, |w| if w == External { forbidden() } else { ok() });
    let unit_seen = |unit: &str, who: Who| match unit {
        "polda-15" | "polres-15.07" => true,
        "polsek-15.07.01" | "ppk-15.07.01" | "pps-15.07.01.2001" => who != ScopedToken,
        "polsek-15.07.02" => !matches!(who, DistrictOperator | FieldReporter),
        "polda-14" => who == Admin,
        _ => false,
    };
    for unit in [
        "polda-15",
        "polres-15.07",
        "polsek-15.07.01",
        "ppk-15.07.01",
        "pps-15.07.01.2001",
        "polsek-15.07.02",
        "polda-14",
    ] {
        t.api(get(), &format!("/api/v1/units/{unit}"), Body::None, |w| match w {
            External => forbidden(),
            _ if unit_seen(unit, w) => ok(),
            _ => not_found("unit_not_found"),
        });
    }

    // Tokens: managing one's own is a change, refused to read-only tokens; only a session makes tokens.
    let session =
        |w: Who| matches!(w, Admin | Commander | Operator | DistrictOperator | FieldReporter | Observer | External);
    t.api(get(), "/api/v1/tokens", Body::None, |w| if w == ReadOnlyToken { forbidden() } else { ok() });
    t.api(get(), "/api/v1/tokens?all=true", Body::None, |w| if w == Admin { ok() } else { forbidden() });
    t.api(Method::POST, "/api/v1/tokens", Body::Json(json!({"name": "matriks"})), |w| {
        if session(w) { created() } else { forbidden() }
    });
    let limited = Body::Json(json!({"name": "matriks 15.07.02", "region": "15.07.02", "read_only": true}));
    t.api(Method::POST, "/api/v1/tokens", limited, |w| match w {
        _ if !session(w) => forbidden(),
        DistrictOperator | FieldReporter | External => Want::Error(400, "invalid_token_request"),
        _ => created(),
    });
    // Someone else's token: the administrator revokes the commander's; nobody else may revoke the administrator's.
    let (admins, commanders) = (world.admins_token.clone(), world.commanders_token.clone());
    t.api_each(
        Method::DELETE,
        |w| format!("/api/v1/tokens/{}", if w == Admin { &commanders } else { &admins }),
        Body::None,
        |w| match w {
            ReadOnlyToken => forbidden(),
            Admin => no_content(),
            _ => not_found("token_not_found"),
        },
    );
    t.api(Method::DELETE, "/api/v1/tokens/000000000000", Body::None, |w| match w {
        ReadOnlyToken => forbidden(),
        _ => not_found("token_not_found"),
    });
    // One's own (for the tokens: another token of the same account, which the rules do not forbid).
    let own = world.own_token.clone();
    t.api_each(
        Method::DELETE,
        |w| format!("/api/v1/tokens/{}", own[&w]),
        Body::None,
        |w| match w {
            ReadOnlyToken => forbidden(),
            _ => no_content(),
        },
    );

    // Pages: shown when the region is seen, a "not found" page otherwise.
    t.page("/", |_| ok());
    t.page("/regions", |_| ok());
    for region in ["15", "15.07", "15.07.01", "15.07.02", "15.07.01.2002", "14"] {
        t.page(&format!("/regions/{region}"), |w| if sees(region, w) { ok() } else { Want::Status(404) });
    }
    for region in ["15.07", "15.07.01", "15.07.02", "15", "14"] {
        // A province has no map: a "not found" page as well.
        let shown = |w: Who| sees(region, w) && region.len() > 2;
        t.page(&format!("/map/{region}"), |w| if shown(w) { ok() } else { Want::Status(404) });
    }
    // Vulnerability pages: read like TPS (the external role is refused); the village form only for those who
    // assess, in a village they cover. `/vulnerability` sends each to their own territory.
    t.page("/vulnerability", |w| match w {
        Admin => Want::Redirect("/vulnerability/15.07".into()),
        DistrictOperator => Want::Redirect("/vulnerability/15.07.01".into()),
        FieldReporter => Want::Redirect("/vulnerability/15.07.01.2001".into()),
        ScopedToken => Want::Redirect("/vulnerability/15.07.02".into()),
        External => Want::Redirect("/vulnerability/15.07.01".into()),
        _ => Want::Redirect("/vulnerability/15.07".into()),
    });
    for region in ["15.07", "15.07.01", "15.07.02", "15.07.01.2001", "14"] {
        t.page(&format!("/vulnerability/{region}?set={set}"), |w| match w {
            External => Want::Status(403),
            _ if sees(region, w) => ok(),
            _ => Want::Status(404),
        });
    }
    for id in [a, b] {
        t.page(&format!("/tps/{id}"), |w| if w != External && covers(id, w) { ok() } else { Want::Status(404) });
    }
    for village in ["15.07.01.2001", "15.07.02.1001"] {
        let covered = |w: Who| match w {
            DistrictOperator | FieldReporter => village.starts_with("15.07.01"),
            ScopedToken => village.starts_with("15.07.02"),
            _ => true,
        };
        t.page(&format!("/vulnerability/{village}/assess?set={set}"), |w| match w {
            _ if !assesses(w) => Want::Status(403),
            _ if covered(w) => ok(),
            _ => Want::Status(404),
        });
    }
    // The area-indicator form: a village or a district the assessor covers; a regency has none.
    for region in ["15.07.01.2001", "15.07.01", "15.07.02", "15.07"] {
        t.page(&format!("/vulnerability/{region}/area?set={set}"), |w| match w {
            _ if !assesses(w) => Want::Status(403),
            _ if region != "15.07" && covers_region(region, w) => ok(),
            _ => Want::Status(404),
        });
    }
    // Incident desk pages: read like the reports (the external role sees its agency's); a report outside the
    // territory, or one the viewer need not know, is a "not found" page. Their forms never act without the form's CSRF token, whoever sends them.
    for path in [
        "/incidents",
        "/incidents/queue",
        "/incidents/escalations",
        "/incidents?region=15.07.02&open=true",
        "/incidents/map.geojson",
    ] {
        t.page(path, |_| ok());
    }
    let path = format!("/incidents/{}", world.report_c);
    t.page(&path, |w| if matches!(w, Admin | FieldReporter) { ok() } else { Want::Status(404) });
    for (id, village) in [(world.report_a, "15.07.01.2001"), (world.report_b, "15.07.02.1001")] {
        let covered = |w: Who| match w {
            DistrictOperator | FieldReporter | External => village.starts_with("15.07.01"),
            ScopedToken => village.starts_with("15.07.02"),
            _ => true,
        };
        t.page(&format!("/incidents/{id}"), |w| match w {
            _ if covered(w) => ok(),
            _ => Want::Status(404),
        });
        for form in ["move", "comment", "share", "duplicate"] {
            let path = format!("/incidents/{id}/{form}");
            t.each(
                Method::POST,
                |_| path.clone(),
                Body::None,
                |w| {
                    if w == Anonymous { login_page(&path) } else { Want::Error(403, "csrf_failed") }
                },
            );
        }
    }
    // The routing rules page: administrators only; its form never acts without the form's CSRF token.
    t.page("/incidents/rules", |w| if w == Admin { ok() } else { Want::Status(403) });
    t.each(
        Method::POST,
        |_| "/incidents/rules".into(),
        Body::None,
        |w| if w == Anonymous { login_page("/incidents/rules") } else { Want::Error(403, "csrf_failed") },
    );
    t.page("/incidents/999999", |_| Want::Status(404));
    // Early warning pages: read like the reports (the external role is refused); an alert or a run outside the
    // territory (here: none at all) is a "not found" page; a bad filter is named (400). The run form never acts
    // without the form's CSRF token, whoever sends it.
    for path in ["/early-warning", "/early-warning?state=all&regency=15.07"] {
        t.page(path, |w| if w == External { Want::Status(403) } else { ok() });
    }
    t.page("/early-warning?state=semua", |w| if w == External { Want::Status(403) } else { Want::Status(400) });
    for path in ["/early-warning/alerts/999999", "/early-warning/runs/999999"] {
        t.page(path, |w| if w == External { Want::Status(403) } else { Want::Status(404) });
    }
    t.each(
        Method::POST,
        |_| "/early-warning/run".into(),
        Body::None,
        |w| if w == Anonymous { login_page("/early-warning/run") } else { Want::Error(403, "csrf_failed") },
    );
    // The field form: for those who file reports.
    t.page("/field", |w| match w {
        Admin | Commander | Operator | DistrictOperator | FieldReporter | ScopedToken | NoCsrf => ok(),
        _ => Want::Status(403),
    });
    // Every page form is refused without the form's CSRF token, whoever sends it: one extractor (`CheckedForm`)
    // checks them all before their handler runs.
    for path in ["/field", "/vulnerability/15.07.01.2001/assess", "/vulnerability/15.07.01/area"] {
        t.each(
            Method::POST,
            |_| path.to_owned(),
            Body::None,
            |w| if w == Anonymous { login_page(path) } else { Want::Error(403, "csrf_failed") },
        );
    }
    t.api(get(), "/api/v1/assessments/999999/photo", Body::None, |_| not_found("photo_not_found"));
    t.api(get(), &format!("/api/v1/vulnerability/{set}/export?region=15.07.01"), Body::None, |w| match w {
        External => forbidden(),
        ScopedToken => not_found("region_not_found"),
        _ => ok(),
    });
    t.page("/nope", |_| Want::Status(404));
    t.each(
        Method::POST,
        |_| "/logout".into(),
        Body::None,
        |w| if w == Anonymous { login_page("/logout") } else { Want::Skip },
    );

    // Last: signing out ends a session, and a token's request has none to end.
    t.api(Method::POST, "/api/v1/auth/logout", Body::None, |_| no_content());
    // The CSRF-less session could not sign out: it is still open, unlike its account's other session.
    t.no_csrf_mirrors_operator = false;
    t.api(get(), "/api/v1/auth/me", Body::None, |w| if session(w) { unauthenticated() } else { ok() });
    t.page("/", |w| if session(w) { login_page("/") } else { ok() });
    t
}

async fn run(world: &World, table: Table, mismatches: &mut Vec<String>) -> usize {
    let mut next_number = 500;
    let mut asked = 0;
    for row in table.rows {
        if row.want == Want::Skip {
            continue;
        }
        asked += 1;
        let url = format!("{}{}", world.base, row.path);
        let mut request = world.clients[&row.who].request(row.method.clone(), url);
        request = match &row.body {
            Body::None => request,
            Body::Json(body) => request.json(body),
            Body::NewTps(village) => {
                next_number += 1;
                request.json(&json!({"village_code": village, "number": next_number, "voters": 300, "access": "road"}))
            }
            Body::WrongLogin => request.json(&json!({
                "username": format!("salah.{:?}", row.who).to_lowercase(),
                "password": "bukan kata sandinya",
            })),
        };
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let location = response.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned();
        let text = response.text().await.unwrap_or_default();
        let error_code = parse(&text)["code"].as_str().unwrap_or_default().to_owned();
        let matches = match &row.want {
            Want::Status(s) => status == *s,
            Want::Error(s, c) => status == *s && error_code == *c,
            Want::Redirect(to) => status == 303 && location == *to,
            Want::Skip => true,
        };
        if !matches {
            let got = match status {
                300..=399 => format!("{status} → {location}"),
                _ if !error_code.is_empty() => format!("{status} {error_code}"),
                _ => status.to_string(),
            };
            mismatches.push(format!("{:?} {} {}: expected {}, got {got}", row.who, row.method, row.path, row.want));
        }
    }
    asked
}

async fn every_route_as_every_subject(db: &TestDb) {
    let world = setup(db).await;
    let mut mismatches = Vec::new();
    let seen = check_views(&world, &mut mismatches).await;
    let table = matrix(&world);
    let routes = table.rows.len() / EVERYONE.len();
    let asked = run(&world, table, &mut mismatches).await;
    eprintln!(
        "access matrix: {seen} list checks; {routes} routes × {} subjects, {asked} rows asked (the rest do not apply)",
        EVERYONE.len()
    );
    assert!(
        mismatches.is_empty(),
        "{} of {} checks failed:\n{}",
        mismatches.len(),
        seen + asked,
        mismatches.join("\n")
    );

    // Nothing the matrix wrote moved a TPS: the seeded ones are where they were, with the values they had.
    let all = db.store.all_tps(&Viewer::system("test"), &code("15")).await.unwrap();
    for before in [&world.tps_a, &world.tps_a2, &world.tps_b] {
        let now = all.iter().find(|t| t.id == before.id).unwrap();
        assert_eq!(now.tps, before.tps, "TPS {}", before.id);
    }
}

sinergi_store::backend_tests!(every_route_as_every_subject);
