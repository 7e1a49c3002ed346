//! The deployment pages: the plans of the user's territory with the form that makes one, a plan being made (its
//! progress, refreshed without scripts), a plan's page (its figures, the units' balance, what it could not do, the
//! approval, exports and each unit's people) and two plans side by side.
//!
//! The pages hold no rules: every read and write goes through the deployment service, as the API's do.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sinergi_domain::RegionCode;
use sinergi_domain::access::Action;
use sinergi_domain::deployment::planner::{PlanOptions, PlanOptionsDraft, PlanStatus};
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::region::Level;
use sinergi_store::PlanHead;

use super::jobs::JobState;
use super::service::{self, Actor};
use super::views::{force_label, problems};
use super::{PlanOrder, start_plan};
use crate::coordination::pages::{Choice, Fault};
use crate::pages::{CheckedForm, Chrome, PageError, PageRequest, page_error, when};
use axum::extract::Path;

/// A plan in a list.
pub struct PlanRow {
    pub id: i64,
    pub href: String,
    pub name: String,
    pub version: i64,
    pub status: &'static str,
    pub status_label: &'static str,
    pub completeness: &'static str,
    pub partial: bool,
    pub figures: String,
    pub made: String,
}

fn plan_row(lang: Lang, h: &PlanHead) -> PlanRow {
    let s = &h.summary;
    PlanRow {
        id: h.id,
        href: format!("/plans/{}", h.id),
        name: h.name.clone(),
        version: h.version,
        status: h.status.as_str(),
        status_label: h.status.label(lang),
        completeness: lang.t(if s.partial { Msg::DeployPartial } else { Msg::DeployWhole }),
        partial: s.partial,
        figures: lang.format(
            Msg::PlanFigures,
            &[
                ("tps", &lang.number(u64::from(s.tps))),
                ("posts", &lang.number(u64::from(s.posts))),
                ("assigned", &lang.number(u64::from(s.assigned.total()))),
                ("need", &lang.number(u64::from(s.need.total()))),
            ],
        ),
        made: lang.format(Msg::PlanMade, &[("who", &h.created_by), ("when", &when(lang, h.created_at_ms))]),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "deployment/plans.html")]
pub struct PlansPage {
    pub chrome: Chrome,
    pub title: String,
    pub rows: Vec<PlanRow>,
    pub may_plan: bool,
    pub regencies: Vec<Choice>,
    pub typed: PlanTyped,
    pub faults: Vec<Fault>,
    /// Whether the user may replace rosters (the upload form).
    pub may_roster: bool,
    /// The rosters just replaced: "Polres Jepara: 612 orang".
    pub roster_done: Vec<String>,
    /// What is wrong with the roster file just sent.
    pub roster_faults: Vec<Fault>,
}

/// What the form showed or the user typed.
#[derive(Default)]
pub struct PlanTyped {
    pub name: String,
    pub day: String,
    pub patrol_teams: String,
    pub reserve_teams: String,
    pub walking_m: String,
}

impl PlansPage {
    pub fn faulty(&self, field: &str) -> bool {
        self.faults.iter().any(|f| f.field == field)
    }
}

/// The regencies the user may plan for: those with a map the user covers, and the user's own regency even without
/// one.
async fn regencies(request: &PageRequest, chosen: &str) -> Vec<Choice> {
    let viewer = &request.current.viewer;
    let store = &request.state.store;
    let mut list: Vec<(String, String)> = store
        .mapped_regencies(viewer)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.code.level() == Level::Regency && viewer.covers(&r.code))
        .map(|r| (r.code.to_string(), r.name))
        .collect();
    if let Some(home) = crate::coordination::calendar::home_region(viewer)
        && home.level() == Level::Regency
        && viewer.covers(&home)
        && !list.iter().any(|(code, _)| *code == home.to_string())
        && let Ok(Some(info)) = store.region(viewer, &home).await
    {
        list.insert(0, (home.to_string(), info.name));
    }
    list.into_iter().map(|(code, name)| Choice::new(code, name, chosen)).collect()
}

async fn plans_page(
    request: &PageRequest,
    typed: PlanTyped,
    chosen: &str,
    faults: Vec<Fault>,
) -> Result<PlansPage, PageError> {
    let PageRequest { state, lang, uri, current, .. } = request;
    let chrome = Chrome::new(state, *lang, uri, "plans", Some(current)).await;
    let heads = match service::plans(&*state.store, &current.viewer, None).await {
        Ok(h) => h,
        Err(e) => return Err(page_error(chrome, e.into())),
    };
    let may_plan = current.viewer.may(Action::PlanDeployment);
    let regencies = if may_plan { regencies(request, chosen).await } else { Vec::new() };
    Ok(PlansPage {
        title: lang.t(Msg::PlansTitle).to_owned(),
        rows: heads.iter().map(|h| plan_row(*lang, h)).collect(),
        may_plan: may_plan && !regencies.is_empty(),
        may_roster: may_plan,
        regencies,
        typed,
        faults,
        roster_done: Vec::new(),
        roster_faults: Vec::new(),
        chrome,
    })
}

/// The form's values as the plans page first shows them: the regency of the user's territory and its voting day.
async fn default_order(request: &PageRequest) -> (PlanTyped, String) {
    let defaults = PlanOptions::new(today());
    let home = crate::coordination::calendar::home_region(&request.current.viewer);
    let regency = home.as_ref().and_then(|h| if h.level() == Level::Regency { Some(h.clone()) } else { h.parent() });
    let day = match &regency {
        Some(r) => service::voting_day(&*request.state.store, r).await.map(|d| d.to_string()).unwrap_or_default(),
        None => String::new(),
    };
    let typed = PlanTyped {
        name: String::new(),
        day,
        patrol_teams: defaults.patrol_teams.to_string(),
        reserve_teams: defaults.reserve_teams.to_string(),
        walking_m: format!("{:.0}", defaults.walking_m),
    };
    let chosen = regency.map(|r| r.to_string()).unwrap_or_default();
    (typed, chosen)
}

/// The plans of the user's territory, newest first, and the form that makes one.
pub async fn list(request: PageRequest) -> Result<PlansPage, PageError> {
    let (typed, chosen) = default_order(&request).await;
    plans_page(&request, typed, &chosen, Vec::new()).await
}

/// A roster file from the plans page (a multipart form: `csrf`, `file` — CSV, XLSX, XLS or ODS): the plans page
/// again, with each unit's people now, or with every fault of the file named by row and column (nothing written).
pub async fn upload_roster(
    request: PageRequest,
    form: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let lang = request.lang;
    let (mut csrf, mut bytes, mut named) = (String::new(), None, String::new());
    // A body that is no multipart form leaves the fields empty: refused below (no CSRF token) like any other form
    // without one. One that breaks off or is larger than the limit is said so, after the token is checked.
    let Ok(mut form) = form else { return Ok(crate::trust::auth::csrf_failed().into_response()) };
    let mut broken = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => match field.name().unwrap_or("") {
                "csrf" => csrf = field.text().await.unwrap_or_default(),
                "file" => {
                    named = field.file_name().unwrap_or("").to_owned();
                    match field.bytes().await {
                        Ok(b) => bytes = Some(b.to_vec()),
                        Err(e) => broken = Some(e.status()),
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(e) => {
                broken = Some(e.status());
                break;
            }
        }
    }
    if !crate::trust::auth::csrf_matches(&request.current, &csrf) {
        return Ok(crate::trust::auth::csrf_failed().into_response());
    }
    let early = match (broken, &bytes) {
        (Some(status), _) if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
            let max = (super::ROSTER_BODY_LIMIT / (1024 * 1024)) as u64;
            Some((status, lang.format(Msg::RosterTooLarge, &[("max", &lang.number(max))])))
        }
        (Some(status), _) => Some((status, lang.t(Msg::RosterBroken).to_owned())),
        (None, Some(b)) if !b.is_empty() || !named.is_empty() => None,
        (None, _) => Some((axum::http::StatusCode::UNPROCESSABLE_ENTITY, lang.t(Msg::RosterNoFile).to_owned())),
    };
    let (typed, chosen) = default_order(&request).await;
    let file_fault = |label: String, message: String| Fault { field: "file".into(), label, message };
    if let Some((status, message)) = early {
        let mut page = plans_page(&request, typed, &chosen, Vec::new()).await?;
        page.roster_faults = vec![file_fault(String::new(), message)];
        return Ok((status, page).into_response());
    }
    let bytes = bytes.unwrap_or_default();
    let actor = Actor { viewer: &request.current.viewer, name: request.current.actor(), origin: &request.origin.0 };
    match service::import_roster(&*request.state.store, &actor, &bytes).await {
        Ok(done) => {
            let mut page = plans_page(&request, typed, &chosen, Vec::new()).await?;
            for (code, people) in done.units {
                let name = match request.state.store.unit(&request.current.viewer, &code).await {
                    Ok(Some(unit)) => unit.name,
                    _ => code,
                };
                page.roster_done
                    .push(lang.format(Msg::RosterUnitPeople, &[("unit", &name), ("people", &lang.number(people))]));
            }
            Ok(page.into_response())
        }
        Err(service::DeploymentError::Roster(issues)) => {
            let mut page = plans_page(&request, typed, &chosen, Vec::new()).await?;
            page.roster_faults =
                issues.iter().map(|i| file_fault(service::row_place(i, lang), i.problem.message(lang))).collect();
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e @ (service::DeploymentError::Store(_) | service::DeploymentError::Forbidden)) => {
            let chrome = Chrome::new(&request.state, lang, &request.uri, "plans", Some(&request.current)).await;
            Err(page_error(chrome, e.into()))
        }
        Err(e) => {
            let mut page = plans_page(&request, typed, &chosen, Vec::new()).await?;
            page.roster_faults = e.messages(lang, "").into_iter().map(|m| file_fault(String::new(), m)).collect();
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// An empty roster workbook (XLSX) with the columns the importer reads: for those who may replace rosters.
pub async fn roster_template(request: PageRequest) -> Result<Response, PageError> {
    if !request.current.viewer.may(Action::PlanDeployment) {
        let chrome = Chrome::new(&request.state, request.lang, &request.uri, "plans", Some(&request.current)).await;
        return Err(page_error(chrome, crate::trust::auth::forbidden()));
    }
    let mut response = service::roster_template().into_response();
    let headers = response.headers_mut();
    let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    headers.insert(axum::http::header::CONTENT_TYPE, axum::http::HeaderValue::from_static(xlsx));
    headers.insert(
        axum::http::header::CONTENT_DISPOSITION,
        axum::http::HeaderValue::from_static("attachment; filename=\"templat-personel.xlsx\""),
    );
    Ok(response)
}

fn today() -> sinergi_domain::coordination::calendar::Date {
    crate::coordination::calendar::today()
}

fn label_of(lang: Lang, field: &str) -> String {
    let msg = match field {
        "regency" => Msg::PlanRegency,
        "name" => Msg::PlanName,
        "day" => Msg::PlanDay,
        "patrol_teams" => Msg::PlanPatrolTeams,
        "reserve_teams" => Msg::PlanReserveTeams,
        "walking_m" => Msg::PlanWalking,
        _ => return String::new(),
    };
    lang.t(msg).to_owned()
}

/// The form's fields, checked as the API checks its body (`PlanOptionsDraft`); every fault with its field.
fn read_order(
    lang: Lang,
    form: &CheckedForm,
    default_day: sinergi_domain::coordination::calendar::Date,
) -> Result<PlanOptions, Vec<Fault>> {
    let field = |name: &str| form.0.get(name).cloned();
    let draft = PlanOptionsDraft {
        day: field("day"),
        patrol_teams: field("patrol_teams"),
        reserve_teams: field("reserve_teams"),
        walking_m: field("walking_m"),
        seconds: None,
    };
    draft.validate(default_day).map_err(|faults| {
        faults
            .into_iter()
            .map(|(name, problem)| Fault {
                field: name.to_owned(),
                label: label_of(lang, name),
                message: problem.message(lang),
            })
            .collect()
    })
}

/// Starts making a plan; its progress page.
pub async fn submit(request: PageRequest, form: CheckedForm) -> Result<Response, PageError> {
    let lang = request.lang;
    let field = |name: &str| form.0.get(name).map(|s| s.trim().to_owned()).unwrap_or_default();
    let typed = PlanTyped {
        name: field("name"),
        day: field("day"),
        patrol_teams: field("patrol_teams"),
        reserve_teams: field("reserve_teams"),
        walking_m: field("walking_m"),
    };
    let chosen = field("regency");
    let regency = match RegionCode::parse(&chosen) {
        Ok(code) => code,
        Err(e) => {
            let fault = Fault { field: "regency".into(), label: label_of(lang, "regency"), message: e.message(lang) };
            return Ok(plans_page(&request, typed, &chosen, vec![fault]).await?.into_response());
        }
    };
    let default_day = service::voting_day(&*request.state.store, &regency).await.unwrap_or_else(|_| today());
    let options = match read_order(lang, &form, default_day) {
        Ok(options) => options,
        Err(faults) => return Ok(plans_page(&request, typed, &chosen, faults).await?.into_response()),
    };
    let order = PlanOrder { regency, name: typed.name.clone(), options, matrix: None };
    match start_plan(&request.state, &request.current, &request.origin.0, order).await {
        Ok(id) => Ok(Redirect::to(&format!("/plans/jobs/{id}")).into_response()),
        Err(e) if e.status() == axum::http::StatusCode::UNPROCESSABLE_ENTITY || e.status().as_u16() == 409 => {
            let body = e.body(lang);
            let mut faults: Vec<Fault> = body
                .fields
                .into_iter()
                .map(|f| Fault { label: label_of(lang, &f.field), field: f.field, message: f.message })
                .collect();
            if faults.is_empty() {
                faults.push(Fault { field: String::new(), label: String::new(), message: body.message });
            }
            Ok(plans_page(&request, typed, &chosen, faults).await?.into_response())
        }
        Err(e) => {
            let chrome = Chrome::new(&request.state, lang, &request.uri, "plans", Some(&request.current)).await;
            Err(page_error(chrome, e))
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "deployment/job.html")]
pub struct JobPage {
    pub chrome: Chrome,
    pub title: String,
    pub running: bool,
    pub failed: bool,
    pub percent: u32,
    pub messages: Vec<String>,
    pub plan_href: Option<String>,
    pub elapsed: String,
}

/// A plan being made: refreshed every second while it runs (no script needed); then the plan.
pub async fn job(request: PageRequest, Path(id): Path<u64>) -> Result<Response, PageError> {
    let PageRequest { state, lang, uri, current, .. } = &request;
    let chrome = Chrome::new(state, *lang, uri, "plans", Some(current)).await;
    let Some(job) = state.plan_jobs.get(id, current.viewer.account_id) else {
        let message = lang.format(Msg::ErrPlanJobNotFound, &[("id", &id)]);
        return Err(PageError::NotFound(chrome, message));
    };
    if let JobState::Done { plan, .. } = &job.state {
        return Ok(Redirect::to(&format!("/plans/{plan}")).into_response());
    }
    let elapsed = job.ended.map_or_else(|| job.started.elapsed(), |end| end - job.started);
    Ok(JobPage {
        title: format!("{} · {}", lang.t(Msg::PlanMaking), job.name),
        running: job.running(),
        failed: matches!(job.state, JobState::Failed { .. }),
        percent: (job.fraction() * 100.0).round() as u32,
        messages: job.message(*lang),
        plan_href: None,
        elapsed: lang.format(Msg::PlanElapsed, &[("seconds", &elapsed.as_secs())]),
        chrome,
    }
    .into_response())
}

/// A figure of the plan's page.
pub struct Figure {
    pub label: &'static str,
    pub value: String,
    pub bad: bool,
}

/// A line of the units' balance.
pub struct BalanceRow {
    pub unit: String,
    pub force: &'static str,
    pub demand: String,
    pub strength: String,
    pub balance: String,
    pub short: bool,
    /// The unit's people in the plan, for those who may read them.
    pub roster_href: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "deployment/plan.html")]
pub struct PlanPage {
    pub chrome: Chrome,
    pub title: String,
    pub id: i64,
    pub status: &'static str,
    pub status_label: &'static str,
    pub partial: bool,
    pub completeness: &'static str,
    pub facts: Vec<(String, String)>,
    pub figures: Vec<Figure>,
    pub balances: Vec<BalanceRow>,
    pub problems: Vec<String>,
    pub more_problems: Option<String>,
    pub may_approve: bool,
    pub others: Vec<Choice>,
    /// The regency's map with the plan's posts, routes and reserves.
    pub map_url: String,
    pub plan_url: String,
    pub tiles: String,
    pub tiles_attribution: String,
    pub labels_json: String,
}

/// Problems listed on the page (the rest are in the export and the API).
const PROBLEMS_SHOWN: usize = 50;

/// A plan's page.
pub async fn page(request: PageRequest, Path(id): Path<i64>) -> Result<PlanPage, PageError> {
    let PageRequest { state, lang, uri, current, .. } = &request;
    let lang = *lang;
    let chrome = Chrome::new(state, lang, uri, "plans", Some(current)).await;
    let record = match service::plan(&*state.store, &current.viewer, id).await {
        Ok(r) => r,
        Err(e) => return Err(page_error(chrome, e.into())),
    };
    let (h, doc, s) = (&record.head, &record.document, &record.document.summary);
    let n = |v: u32| lang.number(u64::from(v));
    let need = |x: &sinergi_domain::deployment::Need| {
        lang.format(
            Msg::PlanByForce,
            &[("total", &n(x.total())), ("polri", &n(x.polri)), ("tni", &n(x.tni)), ("linmas", &n(x.linmas))],
        )
    };
    let figures = vec![
        Figure { label: lang.t(Msg::DeployCmpTps), value: n(s.tps), bad: false },
        Figure { label: lang.t(Msg::DeployCmpPosts), value: n(s.posts), bad: false },
        Figure { label: lang.t(Msg::DeployCmpNeed), value: need(&s.need), bad: false },
        Figure { label: lang.t(Msg::DeployCmpAssigned), value: need(&s.assigned), bad: false },
        Figure { label: lang.t(Msg::DeployCmpShort), value: need(&s.short), bad: s.short.total() > 0 },
        Figure { label: lang.t(Msg::DeployCmpUncovered), value: n(s.uncovered_tps), bad: s.uncovered_tps > 0 },
        Figure {
            label: lang.t(Msg::DeployCmpPatrol),
            value: format!("{} × {} min", n(s.patrol_teams), lang.decimal(s.patrol_minutes, 0)),
            bad: false,
        },
        Figure { label: lang.t(Msg::PlanUnpatrolled), value: n(s.unpatrolled_tps), bad: s.unpatrolled_tps > 0 },
        Figure {
            label: lang.t(Msg::DeployCmpWorst),
            // With the proven lower bound: how far from the best placement this can be.
            value: match &doc.reserves {
                Some(r) => lang.format(
                    Msg::PlanWorstWithBound,
                    &[("worst", &lang.decimal(r.worst_minutes, 0)), ("lower", &lang.decimal(r.lower_minutes, 0))],
                ),
                None => "–".to_owned(),
            },
            bad: false,
        },
        Figure { label: lang.t(Msg::DeployCmpBko), value: need(&s.bko), bad: s.bko.total() > 0 },
    ];
    let mut balances = Vec::with_capacity(doc.balances.len());
    for b in &doc.balances {
        let readable = match state.store.unit(&current.viewer, &b.unit).await {
            Ok(Some(unit)) => service::may_read_roster(&current.viewer, &unit),
            _ => false,
        };
        balances.push(BalanceRow {
            unit: b.name.clone(),
            force: force_label(b.force, lang),
            demand: n(b.demand),
            strength: n(b.strength),
            balance: if b.balance > 0 {
                format!("+{}", lang.number(b.balance as u64))
            } else if b.balance < 0 {
                format!("−{}", lang.number(b.balance.unsigned_abs()))
            } else {
                "0".to_owned()
            },
            short: b.balance < 0,
            roster_href: readable.then(|| format!("/api/v1/plans/{id}/roster?unit={}", b.unit)),
        });
    }
    let all = problems(doc, lang);
    let more = all.len().saturating_sub(PROBLEMS_SHOWN);
    let others = service::plans(&*state.store, &current.viewer, Some(&h.regency))
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|o| o.id != id)
        .map(|o| Choice::new(o.id.to_string(), format!("{} v{} ({})", o.name, o.version, o.status.label(lang)), ""))
        .collect();
    let regency_name = state
        .store
        .region(&current.viewer, &h.regency)
        .await
        .ok()
        .flatten()
        .map_or_else(|| h.regency.to_string(), |r| r.name);
    let mut facts = vec![
        (lang.t(Msg::PlanRegency).to_owned(), regency_name),
        (lang.t(Msg::PlanDay).to_owned(), crate::pages::day_text(lang, &doc.day)),
        (lang.t(Msg::PlanPattern).to_owned(), format!("{} {}", doc.pattern_id, doc.pattern_version)),
        (lang.t(Msg::PlanMadeBy).to_owned(), format!("{} · {}", h.created_by, when(lang, h.created_at_ms))),
    ];
    if let (Some(by), Some(at)) = (&h.decided_by, h.decided_at_ms) {
        facts.push((lang.t(Msg::PlanDecidedBy).to_owned(), format!("{by} · {}", when(lang, at))));
    }
    let labels_json = crate::registry::pages::map_labels(&chrome, Some(service::PATTERN_SET), None);
    Ok(PlanPage {
        map_url: format!("/api/v1/regions/{}/map?set={}&lang={}", h.regency, service::PATTERN_SET, lang.code()),
        plan_url: format!("/api/v1/plans/{id}/export?format=geojson"),
        tiles: state.config.tile_url.clone().unwrap_or_default(),
        tiles_attribution: state.config.tile_attribution.clone().unwrap_or_default(),
        labels_json,
        title: format!("{} · v{}", h.name, h.version),
        id,
        status: h.status.as_str(),
        status_label: h.status.label(lang),
        partial: s.partial,
        completeness: lang.t(if s.partial { Msg::DeployPartial } else { Msg::DeployWhole }),
        facts,
        figures,
        balances,
        problems: all.into_iter().take(PROBLEMS_SHOWN).collect(),
        more_problems: (more > 0).then(|| lang.format(Msg::PlanMoreProblems, &[("count", &lang.number(more as u64))])),
        may_approve: h.status == PlanStatus::Draft
            && current.viewer.may(Action::ApprovePlans)
            && current.viewer.covers(&h.regency),
        others,
        chrome,
    })
}

/// A commander approves the plan.
pub async fn approve(request: PageRequest, Path(id): Path<i64>, _form: CheckedForm) -> Result<Response, PageError> {
    let actor = Actor { viewer: &request.current.viewer, name: request.current.actor(), origin: &request.origin.0 };
    match service::approve(&*request.state.store, &actor, id).await {
        Ok(_) | Err(service::DeploymentError::WrongStatus { .. }) => {
            Ok(Redirect::to(&format!("/plans/{id}")).into_response())
        }
        Err(e) => {
            let chrome = Chrome::new(&request.state, request.lang, &request.uri, "plans", Some(&request.current)).await;
            Err(page_error(chrome, e.into()))
        }
    }
}

#[derive(Deserialize)]
pub struct CompareQuery {
    a: Option<i64>,
    b: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "deployment/compare.html")]
pub struct ComparePage {
    pub chrome: Chrome,
    pub title: String,
    pub a: (String, String),
    pub b: (String, String),
    pub rows: Vec<service::CompareRow>,
}

/// Two plans side by side.
pub async fn compare(request: PageRequest, Query(query): Query<CompareQuery>) -> Result<ComparePage, PageError> {
    let PageRequest { state, lang, uri, current, .. } = &request;
    let chrome = Chrome::new(state, *lang, uri, "plans", Some(current)).await;
    let (Some(a), Some(b)) = (query.a, query.b) else {
        return Err(PageError::NotFound(chrome, lang.format(Msg::ErrPlanNotFound, &[("id", &"-")])));
    };
    let read = |id| service::plan(&*state.store, &current.viewer, id);
    let (a, b) = match (read(a).await, read(b).await) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return Err(page_error(chrome, e.into())),
    };
    let label = |p: &sinergi_store::PlanRecord| {
        (format!("/plans/{}", p.head.id), format!("{} v{}", p.head.name, p.head.version))
    };
    Ok(ComparePage {
        title: lang.t(Msg::PlanCompareTitle).to_owned(),
        a: label(&a),
        b: label(&b),
        rows: service::compare(&a, &b, *lang),
        chrome,
    })
}

pub(crate) fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/plans", get(list).post(submit))
        .route(
            "/plans/roster",
            post(upload_roster).layer(axum::extract::DefaultBodyLimit::max(super::ROSTER_BODY_LIMIT)),
        )
        .route("/plans/roster-template.xlsx", get(roster_template))
        .route("/plans/compare", get(compare))
        .route("/plans/jobs/{id}", get(job))
        .route("/plans/{id}", get(page))
        .route("/plans/{id}/approve", post(approve))
}
