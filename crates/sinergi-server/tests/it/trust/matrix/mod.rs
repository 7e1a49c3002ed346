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

mod routes;
mod views;

use std::collections::{BTreeSet, HashMap};

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

use crate::helpers::{PASSWORD, TestApp, add_user, bearer, client, code, seed_small, test_event};
use routes::matrix;
use views::check_views;

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
    /// A rakor of 15.07 convened by its Polres, with the Polsek of 15.07.01 and the PPK of 15.07.01 invited, and
    /// an action item owned by the PPK.
    meeting: i64,
    item: i64,
}

async fn token(db: &TestDb, user: &UserRecord, name: &str, region: Option<&str>, read_only: bool) -> (String, String) {
    let request = TokenRequest { name: name.into(), region: region.map(code), read_only, days: 30 };
    let now = sinergi_server::trust::auth::now_ms();
    let (secret, record) = issue(&*db.store, user, &request, now, "test", "test").await.unwrap();
    (secret, record.id)
}

/// Signed in through the API like [`TestApp::signed_in`], but never sending the session's CSRF token.
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
        store.put_indicator_set(&set, text, &test_event()).await.unwrap();
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

    let (meeting, item) = seed_meeting(store).await;

    let app = TestApp::spawn(db.store.clone(), ServerConfig::default()).await;
    let mut clients = HashMap::new();
    clients.insert(Anonymous, client());
    for who in [Admin, Commander, Operator, DistrictOperator, FieldReporter, Observer, External] {
        clients.insert(who, app.signed_in(username(who)).await);
    }
    clients.insert(NoCsrf, signed_in_without_csrf(&app.base, "ops").await);
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
        base: app.base,
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
        meeting,
        item,
    }
}

/// The matrix's rakor: of the regency 15.07, convened by its Polres, the Polsek and the PPK of 15.07.01 invited,
/// one decision with one item owned by the PPK.
async fn seed_meeting(store: &dyn sinergi_store::Store) -> (i64, i64) {
    use sinergi_domain::coordination::calendar::Date;
    use sinergi_domain::coordination::meeting::{Decision, Meeting, MeetingHead};
    use sinergi_store::{ItemFilter, MeetingUnit, MeetingWrite, NewItem, Page};
    let unit = |code_: &str, agency, territory: &str| MeetingUnit {
        code: code_.into(),
        name: code_.into(),
        agency,
        territory: code(territory),
    };
    let polres = unit("polres-15.07", sinergi_domain::AgencyKind::Polri, "15.07");
    let polsek = unit("polsek-15.07.01", sinergi_domain::AgencyKind::Polri, "15.07.01");
    let ppk = unit("ppk-15.07.01", sinergi_domain::AgencyKind::Kpu, "15.07.01");
    let head = MeetingHead {
        title: "Rakor".into(),
        theme: None,
        region: code("15.07"),
        convening_unit: polres.code.clone(),
        forum: "rakor-15-07".into(),
        place: Some("Aula".into()),
        online_link: None,
        starts_at_ms: 1_796_868_000_000,
        ends_at_ms: 1_796_878_800_000,
        classification: sinergi_domain::trust::auth::Classification::Biasa,
    };
    let mut meeting = Meeting::new(head, &[polsek.code.clone(), ppk.code.clone()]);
    meeting.decisions.push(Decision { number: 1, text: "Logistik aman".into() });
    let items = [NewItem { decision_number: 1, owner: ppk.clone(), task: "Gudang".into(), deadline: Date::MAX }];
    let units = [polres, polsek, ppk];
    let write = MeetingWrite { meeting: &meeting, units: &units, new_items: &items, actor: "test", at_ms: 0 };
    let id = store.create_meeting(&write, &test_event()).await.unwrap();
    let (items, _) = store.items(&Viewer::system("test"), &ItemFilter::default(), Page::new(1, 10)).await.unwrap();
    (id, items[0].id)
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

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
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
