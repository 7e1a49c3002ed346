//! The coordination pages: the meetings of the user's territory, the form that convenes one, a meeting's page (its
//! invitation, attendance, agenda, briefings, minutes, decisions and the follow-up of the forum's previous meeting,
//! each with the forms the user may use), and the action items queue.
//!
//! The pages hold no rules: every read and write goes through the coordination service (`service.rs`), as the API's
//! do, so a page offers exactly what the API would allow the same user and refuses the same input with the same
//! fields named.

mod meeting;
mod sitrep;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Query;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sinergi_domain::RegionCode;
use sinergi_domain::access::{Action, Viewer};
use sinergi_domain::coordination::calendar::{Calendar, Date};
use sinergi_domain::coordination::follow_up::{ItemState, ItemStatus};
use sinergi_domain::coordination::meeting::{MeetingFields, MeetingStatus, wib_day};
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::import::Problem;
use sinergi_domain::trust::auth::Scope;
use sinergi_store::{ItemFilter, ItemRecord, MeetingFilter, MeetingRecord, MeetingUnit, Page};

use crate::coordination::calendar::today;
use crate::coordination::service::{self, Actor, CoordinationError};
use crate::pages::{CheckedForm, Chrome, PageError, PageRequest, agency_label, page_error};

/// Meetings listed per page.
const PER_PAGE: u32 = 20;

/// An option of a `<select>`.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub(crate) fn new(value: impl Into<String>, label: impl Into<String>, chosen: &str) -> Choice {
        let value = value.into();
        let selected = value == chosen;
        Choice { value, label: label.into(), selected }
    }
}

/// A fault of a form: where, and what is wrong.
pub struct Fault {
    pub field: String,
    pub label: String,
    pub message: String,
}

/// The label of a field the service named (`title`, `items[2].deadline`, `agenda[1].time`).
pub(crate) fn field_label(lang: Lang, field: &str) -> String {
    let (prefix, rest) = match field.split_once("].") {
        Some((head, rest)) => (Some(head), rest),
        None => (None, field),
    };
    let base = rest.split('[').next().unwrap_or(rest);
    let label = match base {
        "title" => lang.t(Msg::MeetTitle),
        "theme" => lang.t(Msg::MeetTheme),
        "region" => lang.t(Msg::MeetRegion),
        "convening_unit" => lang.t(Msg::MeetConvener),
        "forum" => lang.t(Msg::MeetForum),
        "place" => lang.t(Msg::MeetPlace),
        "online_link" => lang.t(Msg::MeetOnline),
        "starts_at" => lang.t(Msg::MeetStarts),
        "ends_at" => lang.t(Msg::MeetEnds),
        "classification" => lang.t(Msg::FieldClassification),
        "invitees" | "units" => lang.t(Msg::MeetInvitees),
        "status" => lang.t(Msg::ColStatus),
        "reason" => lang.t(Msg::MeetReason),
        "name" => lang.t(Msg::MeetPersonName),
        "position" => lang.t(Msg::MeetPosition),
        "organisation" => lang.t(Msg::MeetOrganisation),
        "text" => lang.t(Msg::MeetText),
        "owner_unit" => lang.t(Msg::ItemOwner),
        "task" => lang.t(Msg::ItemTask),
        "deadline" => lang.t(Msg::ItemDeadline),
        "note" => lang.t(Msg::ItemNote),
        "presenter" => lang.t(Msg::MeetPresenter),
        "time" => lang.t(Msg::MeetTime),
        "chair" => lang.t(Msg::MeetChair),
        "secretary" => lang.t(Msg::MeetSecretary),
        _ => base,
    };
    match prefix {
        Some(head) => {
            let (list, n) = head.split_once('[').unwrap_or((head, ""));
            let list = match list {
                "items" => lang.t(Msg::ItemsTitle),
                "agenda" => lang.t(Msg::MeetAgenda),
                other => other,
            };
            format!("{list} {n} · {label}")
        }
        None => label.to_owned(),
    }
}

pub(crate) fn faults(lang: Lang, faults: &[(String, Problem)]) -> Vec<Fault> {
    faults
        .iter()
        .map(|(field, p)| Fault { field: field.clone(), label: field_label(lang, field), message: p.message(lang) })
        .collect()
}

/// A refusal as a form's faults (what was typed, a cancelled meeting, a change made meanwhile), or the error the
/// page shows instead.
pub(crate) fn refusal(lang: Lang, e: CoordinationError) -> Result<Vec<Fault>, crate::error::ApiError> {
    match e {
        CoordinationError::Invalid(f) => Ok(faults(lang, &f)),
        CoordinationError::Closed | CoordinationError::Busy => {
            let message = crate::error::ApiError::from(e).body(lang).message;
            Ok(vec![Fault { field: String::new(), label: String::new(), message }])
        }
        other => Err(other.into()),
    }
}

/// `Kamis, 10 Desember 2026, 09.00–12.00 WIB`.
pub(crate) fn when(lang: Lang, starts_ms: i64, ends_ms: i64) -> String {
    use crate::coordination::views::clock;
    let (d1, d2) = (wib_day(starts_ms), wib_day(ends_ms));
    match (d1, d2) {
        (Some(a), Some(b)) if a == b => format!("{}, {}–{} WIB", lang.long_date(a), clock(starts_ms), clock(ends_ms)),
        (Some(a), Some(b)) => {
            format!("{}, {} – {}, {} WIB", lang.long_date(a), clock(starts_ms), lang.long_date(b), clock(ends_ms))
        }
        _ => crate::pages::when(lang, starts_ms),
    }
}

/// A classification as officers write it (a domain term in both languages): "Biasa", "Terbatas", "Rahasia".
pub(crate) fn classification_label(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().collect::<String>() + chars.as_str())
}

pub(crate) fn status_label(lang: Lang, status: MeetingStatus) -> &'static str {
    status.label(lang)
}

/// A meeting as a list shows it.
pub struct MeetingRow {
    pub id: i64,
    pub href: String,
    pub title: String,
    pub when: String,
    pub place: String,
    pub convener: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub turnout: String,
    pub decisions: usize,
}

pub(crate) fn meeting_row(lang: Lang, r: &MeetingRecord) -> MeetingRow {
    let t = crate::coordination::views::turnout(r);
    let h = &r.meeting.head;
    MeetingRow {
        id: r.id,
        href: format!("/meetings/{}", r.id),
        title: h.title.clone(),
        when: when(lang, h.starts_at_ms, h.ends_at_ms),
        place: h.place.clone().or_else(|| h.online_link.clone()).unwrap_or_default(),
        convener: r.convener.name.clone(),
        status: r.meeting.status.as_str(),
        status_label: status_label(lang, r.meeting.status),
        turnout: crate::coordination::views::turnout_text(lang, &t),
        decisions: r.meeting.decisions.len(),
    }
}

/// An action item as the lists show it.
pub struct ItemRow {
    pub id: i64,
    pub task: String,
    pub owner: String,
    pub agency: String,
    pub deadline: String,
    /// The deadline counted from voting day (`H-3`), when a calendar is known.
    pub h_day: String,
    pub days_left: String,
    pub state: &'static str,
    pub state_label: &'static str,
    pub meeting_title: String,
    pub meeting_href: String,
    pub meeting_id: i64,
    pub decision: u32,
    pub note: String,
    /// The moves this user may offer (empty: none).
    pub moves: Vec<Choice>,
    /// Its evidence files the user may open: (href, name).
    pub files: Vec<(String, String)>,
}

pub(crate) fn item_row(
    lang: Lang,
    r: &ItemRecord,
    today: Date,
    calendar: Option<&Calendar>,
    may_update: bool,
    manages: bool,
) -> ItemRow {
    let state = r.state(today);
    let days = today.days_until(r.deadline);
    let days_left = match days {
        0 => lang.t(Msg::ItemDueToday).to_owned(),
        d if d > 0 => lang.format(Msg::ItemDaysLeft, &[("days", &d)]),
        d => lang.format(Msg::ItemDaysLate, &[("days", &-d)]),
    };
    let mut moves = Vec::new();
    if may_update {
        for next in ItemStatus::ALL {
            let allowed = match (r.status, next) {
                (a, b) if a == b => false,
                (ItemStatus::Open | ItemStatus::InProgress, ItemStatus::Dropped) => manages,
                (ItemStatus::Done | ItemStatus::Dropped, _) => manages,
                _ => true,
            };
            if allowed {
                let label = ItemState::parse(next.as_str()).map_or("", |s| s.label(lang));
                moves.push(Choice::new(next.as_str(), label, ""));
            }
        }
    }
    ItemRow {
        id: r.id,
        task: r.task.clone(),
        owner: r.owner.name.clone(),
        agency: r.owner.agency.name(lang).to_owned(),
        deadline: lang.day_month_year(r.deadline),
        h_day: calendar.map(|c| c.h_day(r.deadline)).unwrap_or_default(),
        days_left: if state.as_str() == "done" || state.as_str() == "dropped" { String::new() } else { days_left },
        state: state.as_str(),
        state_label: state.label(lang),
        meeting_title: r.meeting_title.clone(),
        meeting_href: format!("/meetings/{}", r.meeting_id),
        meeting_id: r.meeting_id,
        decision: r.decision_number,
        note: r.note.clone().unwrap_or_default(),
        moves,
        files: Vec::new(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "coordination/meetings.html")]
pub struct MeetingsPage {
    pub chrome: Chrome,
    pub title: String,
    pub rows: Vec<MeetingRow>,
    pub statuses: Vec<Choice>,
    pub summary: String,
    pub may_convene: bool,
    pub previous: Option<String>,
    pub next: Option<String>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    page: Option<u32>,
}

fn may_see(viewer: &Viewer) -> bool {
    viewer.may(Action::ReadMeetings) || viewer.may(Action::TakePart)
}

/// The meetings the user may read, latest first.
pub async fn list(request: PageRequest, Query(query): Query<ListQuery>) -> Result<MeetingsPage, PageError> {
    let PageRequest { state, lang, uri, current, .. } = request;
    let chrome = Chrome::new(&state, lang, &uri, "meetings", Some(&current)).await;
    if !may_see(&current.viewer) {
        return Err(PageError::Forbidden(chrome));
    }
    let chosen = query.status.clone().unwrap_or_default();
    let status = MeetingStatus::parse(&chosen);
    let number = query.page.unwrap_or(1).clamp(1, 100_000);
    let filter = MeetingFilter { status, ..Default::default() };
    let (records, total) = state
        .store
        .meetings(&current.viewer, &filter, Page::new(number, PER_PAGE))
        .await
        .map_err(crate::pages::internal(&chrome))?;
    let mut statuses = vec![Choice::new("", lang.t(Msg::FilterAll), &chosen)];
    statuses.extend(MeetingStatus::ALL.iter().map(|s| Choice::new(s.as_str(), s.label(lang), &chosen)));
    let href = |n: u32| format!("/meetings?status={chosen}&page={n}");
    Ok(MeetingsPage {
        title: lang.t(Msg::MeetingsTitle).to_owned(),
        rows: records.iter().map(|r| meeting_row(lang, r)).collect(),
        statuses,
        summary: lang.format(Msg::MeetingsCount, &[("count", &lang.number(total))]),
        may_convene: current.viewer.may(Action::ConveneMeetings),
        previous: (number > 1).then(|| href(number - 1)),
        next: (u64::from(number) * u64::from(PER_PAGE) < total).then(|| href(number + 1)),
        chrome,
    })
}

/// A unit to tick on the invitation.
pub struct UnitCheck {
    pub code: String,
    pub name: String,
    pub agency: String,
    pub checked: bool,
}

/// A group of units (above, at, below the region).
pub struct UnitGroup {
    pub label: String,
    pub open: bool,
    pub units: Vec<UnitCheck>,
}

/// The new meeting form as typed.
#[derive(Default)]
pub struct NewTyped {
    pub title: String,
    pub theme: String,
    pub convening_unit: String,
    pub place: String,
    pub online_link: String,
    pub date: String,
    pub start: String,
    pub end: String,
    pub classification: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "coordination/new.html")]
pub struct NewMeetingPage {
    pub chrome: Chrome,
    pub title: String,
    pub regions: Vec<Choice>,
    pub region: String,
    pub conveners: Vec<Choice>,
    pub classifications: Vec<Choice>,
    pub groups: Vec<UnitGroup>,
    pub typed: NewTyped,
    pub faults: Vec<Fault>,
}

impl NewMeetingPage {
    pub fn faulty(&self, field: &str) -> bool {
        self.faults.iter().any(|f| f.field == field || f.field.starts_with(&format!("{field}[")))
    }
}

#[derive(Deserialize)]
pub struct NewQuery {
    region: Option<String>,
}

/// The regions a meeting may be convened for from this form: the user's own territory when it is a province,
/// regency or district, and its districts; for a national account, the regencies with a map.
pub(crate) async fn region_choices(
    state: &crate::AppState,
    viewer: &Viewer,
) -> Result<Vec<(RegionCode, String)>, sinergi_store::StoreError> {
    let mut out = Vec::new();
    match &viewer.scope {
        Scope::National => {
            for r in state.store.mapped_regencies(viewer).await? {
                out.push((r.code, r.name));
            }
        }
        Scope::Region(code) => {
            if let Some(r) = state.store.region(viewer, code).await?
                && sinergi_domain::coordination::meeting::meeting_level(code).is_some()
            {
                out.push((r.code, r.name));
            }
            if code.level() != sinergi_domain::Level::District {
                for child in state.store.children(viewer, Some(code)).await? {
                    if sinergi_domain::coordination::meeting::meeting_level(&child.code).is_some() {
                        out.push((child.code, child.name));
                    }
                }
            }
        }
    }
    Ok(out)
}

async fn new_page(
    request: &PageRequest,
    chrome: Chrome,
    region: Option<String>,
    typed: NewTyped,
    ticked: Option<Vec<String>>,
    faults: Vec<Fault>,
) -> Result<NewMeetingPage, PageError> {
    let (state, lang, viewer) = (&request.state, request.lang, &request.current.viewer);
    let err = crate::pages::internal(&chrome);
    let choices = region_choices(state, viewer).await.map_err(err)?;
    let region = region
        .and_then(|r| choices.iter().find(|(c, _)| c.as_str() == r).map(|(c, _)| c.clone()))
        .or_else(|| choices.first().map(|(c, _)| c.clone()));
    let mut conveners = Vec::new();
    let mut groups = Vec::new();
    if let Some(region) = &region {
        let to_page = |e| page_error(chrome.clone(), crate::error::ApiError::from(e));
        for u in service::convener_choices(&*state.store, viewer, region).await.map_err(to_page)? {
            conveners.push(Choice::new(u.code.clone(), u.name.clone(), &typed.convening_unit));
        }
        let [above, here, below] = service::invite_candidates(&*state.store, region).await.map_err(to_page)?;
        let check = |u: MeetingUnit, default: bool| UnitCheck {
            checked: ticked.as_ref().map_or(default, |t| t.contains(&u.code)),
            agency: agency_label(lang, u.agency.as_str()),
            code: u.code,
            name: u.name,
        };
        let labels = [Msg::MeetUnitsAbove, Msg::MeetUnitsAt, Msg::MeetUnitsBelow];
        for ((units, default), label) in [(above, false), (here, true), (below, false)].into_iter().zip(labels) {
            if !units.is_empty() {
                let units: Vec<UnitCheck> = units.into_iter().map(|u| check(u, default)).collect();
                let open = default || units.iter().any(|u| u.checked);
                groups.push(UnitGroup { label: lang.t(label).to_owned(), open, units });
            }
        }
    }
    let region_code = region.as_ref().map(|r| r.to_string()).unwrap_or_default();
    let classifications = ["biasa", "terbatas", "rahasia"]
        .into_iter()
        .filter(|c| sinergi_domain::trust::auth::Classification::parse(c).is_some_and(|c| viewer.may_read(c)))
        .map(|c| Choice::new(c, classification_label(c), &typed.classification))
        .collect();
    Ok(NewMeetingPage {
        title: lang.t(Msg::MeetNewTitle).to_owned(),
        regions: choices.into_iter().map(|(c, n)| Choice::new(c.to_string(), n, &region_code)).collect(),
        region: region_code,
        conveners,
        classifications,
        groups,
        typed,
        faults,
        chrome,
    })
}

/// The form that convenes a meeting.
pub async fn new_form(request: PageRequest, Query(query): Query<NewQuery>) -> Result<NewMeetingPage, PageError> {
    let chrome = Chrome::new(&request.state, request.lang, &request.uri, "meetings", Some(&request.current)).await;
    if !request.current.viewer.may(Action::ConveneMeetings) {
        return Err(PageError::Forbidden(chrome));
    }
    let typed = NewTyped {
        title: request.lang.t(Msg::MeetDefaultTitle).to_owned(),
        start: "09:00".into(),
        end: "12:00".into(),
        ..Default::default()
    };
    new_page(&request, chrome, query.region, typed, None, Vec::new()).await
}

/// Convenes the meeting from the form: on to its page (303), or the form again with every fault named.
pub async fn new_submit(request: PageRequest, CheckedForm(fields): CheckedForm) -> Result<Response, PageError> {
    let uri: axum::http::Uri = axum::http::Uri::from_static("/meetings/new");
    let chrome = Chrome::new(&request.state, request.lang, &uri, "meetings", Some(&request.current)).await;
    let field = |name: &str| fields.get(name).map(|v| v.trim().to_owned()).unwrap_or_default();
    let typed = NewTyped {
        title: field("title"),
        theme: field("theme"),
        convening_unit: field("convening_unit"),
        place: field("place"),
        online_link: field("online_link"),
        date: field("date"),
        start: field("start"),
        end: field("end"),
        classification: field("classification"),
    };
    let invitees: Vec<String> =
        fields.keys().filter_map(|k| k.strip_prefix("unit.")).map(str::to_owned).collect::<Vec<_>>();
    let mut invitees = invitees;
    invitees.sort();
    let optional = |v: &str| (!v.is_empty()).then(|| v.to_owned());
    let meeting_fields = MeetingFields {
        title: typed.title.clone(),
        theme: optional(&typed.theme),
        region: field("region"),
        convening_unit: typed.convening_unit.clone(),
        forum: None,
        place: optional(&typed.place),
        online_link: optional(&typed.online_link),
        starts_at: format!("{} {}", typed.date, typed.start),
        ends_at: format!("{} {}", typed.date, typed.end),
        classification: optional(&typed.classification),
    };
    let actor = Actor::of(&request.current, &request.origin.0);
    match service::create(&*request.state.store, &actor, &meeting_fields, &invitees).await {
        Ok(id) => Ok(Redirect::to(&format!("/meetings/{id}")).into_response()),
        Err(e) => {
            let mut faults = refusal(request.lang, e).map_err(|e| page_error(chrome.clone(), e))?;
            // The form asks for a date and two times; the service names the moments they make.
            for f in &mut faults {
                if f.field == "starts_at" || f.field == "ends_at" {
                    f.label = request.lang.t(Msg::MeetDate).to_owned() + " / " + &f.label;
                }
            }
            let region = Some(field("region"));
            Ok(new_page(&request, chrome, region, typed, Some(invitees), faults).await?.into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "coordination/items.html")]
pub struct ItemsPage {
    pub chrome: Chrome,
    pub title: String,
    pub rows: Vec<ItemRow>,
    pub states: Vec<Choice>,
    pub agencies: Vec<Choice>,
    pub mine: bool,
    pub summary: String,
    pub faults: Vec<Fault>,
}

#[derive(Deserialize)]
pub struct ItemsQuery {
    state: Option<String>,
    agency: Option<String>,
    mine: Option<String>,
}

async fn items_page(request: &PageRequest, query: &ItemsQuery, faults: Vec<Fault>) -> Result<ItemsPage, PageError> {
    let (state, lang, current) = (&request.state, request.lang, &request.current);
    let chrome = Chrome::new(state, lang, &request.uri, "items", Some(current)).await;
    if !may_see(&current.viewer) {
        return Err(PageError::Forbidden(chrome));
    }
    let chosen = query.state.clone().unwrap_or_default();
    let agency = query.agency.clone().unwrap_or_default();
    let mine = query.mine.as_deref() == Some("1");
    let today = today();
    // Deadlines counted from the voting day of the user's territory (left out when the calendar cannot be read).
    let home = crate::coordination::calendar::home_region(&current.viewer);
    let in_force = crate::coordination::calendar::in_force(&*state.store, home.as_ref()).await.ok();
    let calendar = in_force.as_ref().map(|f| &f.calendar);
    let filter = ItemFilter {
        state: ItemState::parse(&chosen),
        owner_agency: sinergi_domain::AgencyKind::parse(&agency),
        mine,
        or_convened: mine,
        today: Some(today),
        ..Default::default()
    };
    let (records, total) = state
        .store
        .items(&current.viewer, &filter, Page::new(1, 200))
        .await
        .map_err(crate::pages::internal(&chrome))?;
    let mut rows = Vec::with_capacity(records.len());
    // Whether the user records for an item's owner and manages its meeting: one meeting read per meeting.
    let mut views: std::collections::HashMap<i64, Option<service::MeetingView>> = Default::default();
    for r in &records {
        if let std::collections::hash_map::Entry::Vacant(slot) = views.entry(r.meeting_id) {
            slot.insert(service::meeting(&*state.store, &current.viewer, r.meeting_id).await.ok());
        }
        let (may, manages) = views
            .get(&r.meeting_id)
            .and_then(|v| v.as_ref())
            .map_or((false, false), |v| (v.may_record_for(&r.owner.code), v.manages));
        rows.push(item_row(lang, r, today, calendar, may, manages));
    }
    let mut states = vec![Choice::new("", lang.t(Msg::FilterAll), &chosen)];
    for s in [ItemState::Overdue, ItemState::Open, ItemState::InProgress, ItemState::Done, ItemState::Dropped] {
        states.push(Choice::new(s.as_str(), s.label(lang), &chosen));
    }
    let mut agencies = vec![Choice::new("", lang.t(Msg::FilterAll), &agency)];
    agencies.extend(sinergi_domain::AgencyKind::ALL.iter().map(|a| Choice::new(a.as_str(), a.name(lang), &agency)));
    Ok(ItemsPage {
        title: lang.t(Msg::ItemsTitle).to_owned(),
        rows,
        states,
        agencies,
        mine,
        summary: lang.format(Msg::ItemsCount, &[("count", &lang.number(total))]),
        faults,
        chrome,
    })
}

/// The action items of the meetings the user may read: overdue first by deadline, with the moves the user may make.
pub async fn items(request: PageRequest, Query(query): Query<ItemsQuery>) -> Result<ItemsPage, PageError> {
    items_page(&request, &query, Vec::new()).await
}

/// Moves an action item from the queue or a meeting's page (`status`, `note`, `back`): back to where it was moved
/// from (303), or the queue again with the faults named.
pub async fn item_submit(
    request: PageRequest,
    axum::extract::Path(id): axum::extract::Path<i64>,
    CheckedForm(fields): CheckedForm,
) -> Result<Response, PageError> {
    let field = |name: &str| fields.get(name).map(|v| v.trim().to_owned()).unwrap_or_default();
    let update = sinergi_domain::coordination::follow_up::UpdateFields {
        status: field("status"),
        note: Some(field("note")).filter(|n| !n.is_empty()),
    };
    let actor = Actor::of(&request.current, &request.origin.0);
    match service::update_item(&*request.state.store, &actor, id, &update).await {
        Ok(_) => {
            let back = crate::pages::local_path(Some(field("back")).filter(|b| !b.is_empty()));
            let back = if back == "/" { "/action-items".to_owned() } else { back };
            Ok(Redirect::to(&format!("{back}#item-{id}")).into_response())
        }
        Err(e) => {
            let chrome = Chrome::new(&request.state, request.lang, &request.uri, "items", Some(&request.current)).await;
            let faults = refusal(request.lang, e).map_err(|e| page_error(chrome.clone(), e))?;
            let query = ItemsQuery { state: None, agency: None, mine: None };
            let page = items_page(&request, &query, faults).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

pub(crate) fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/meetings", get(list))
        .route("/meetings/new", get(new_form).post(new_submit))
        .route("/meetings/{id}", get(meeting::page))
        .route("/meetings/{id}/{form}", post(meeting::submit))
        .route(
            "/meetings/{id}/files",
            post(meeting::upload)
                .layer(axum::extract::DefaultBodyLimit::max(crate::coordination::api::ATTACHMENT_BODY_LIMIT)),
        )
        .route("/action-items", get(items))
        .route("/action-items/{id}", post(item_submit))
        .route("/sitrep", get(sitrep::page))
}
