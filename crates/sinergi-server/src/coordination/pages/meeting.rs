//! A meeting's page: the invitation's facts, attendance, agenda, briefings, minutes, decisions with their action
//! items, the follow-up of the forum's previous meeting, and the forms the user may use on each; and the posts of
//! those forms, each through the coordination service.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use sinergi_domain::coordination::follow_up::{DecisionFields, ItemFields};
use sinergi_domain::coordination::meeting::{AgendaFields, AttendanceFields, MeetingStatus, WalkInFields};
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_store::{ItemFilter, Page};

use super::{Choice, Fault, ItemRow, classification_label, item_row, refusal, status_label, when};
use crate::coordination::calendar::today;
use crate::coordination::service::{self, Actor, MeetingView, MinutesFields};
use crate::pages::{CheckedForm, Chrome, PageError, PageRequest, agency_label, page_error};

/// An invited unit's line of the attendance list.
pub struct InviteeRow {
    pub code: String,
    pub name: String,
    pub agency: String,
    pub attendance: &'static str,
    pub attendance_label: &'static str,
    pub who: String,
    /// The user records this unit's attendance and briefing.
    pub editable: bool,
    pub statuses: Vec<Choice>,
    pub person: String,
    pub position: String,
}

pub struct WalkInRow {
    pub name: String,
    pub position: String,
    pub organisation: String,
}

pub struct AgendaRow {
    pub time: String,
    pub title: String,
    pub presenter: String,
}

pub struct BriefingRow {
    pub unit: String,
    pub name: String,
    pub text: String,
    pub by: String,
    pub editable: bool,
    /// The unit's files the user may open: (href, name, size).
    pub files: Vec<(String, String, String)>,
}

pub struct DecisionRow {
    pub number: u32,
    pub text: String,
    pub items: Vec<ItemRow>,
}

/// The forum's previous meeting and the follow-up of its items.
pub struct Previous {
    pub title: String,
    pub href: String,
    pub when: String,
    pub items: Vec<ItemRow>,
    pub summary: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "coordination/meeting.html")]
pub struct MeetingPage {
    pub chrome: Chrome,
    pub id: i64,
    pub title: String,
    pub theme: String,
    pub when: String,
    pub place: String,
    pub online_link: String,
    pub region: String,
    pub convener: String,
    pub classification: String,
    pub restricted: bool,
    pub status: &'static str,
    pub status_label: &'static str,
    pub cancel_reason: String,
    pub turnout: String,
    pub manages: bool,
    pub moves: Vec<Choice>,
    pub invitees: Vec<InviteeRow>,
    pub walk_ins: Vec<WalkInRow>,
    pub agenda: Vec<AgendaRow>,
    pub agenda_text: String,
    pub briefings: Vec<BriefingRow>,
    pub minutes: String,
    pub chair: String,
    pub secretary: String,
    pub decisions: Vec<DecisionRow>,
    pub units: Vec<Choice>,
    pub uninvited: Vec<Choice>,
    pub day: String,
    /// The stage in force on the meeting's day and the day counted from voting day ("Masa kampanye · H-12").
    pub stage_on_day: String,
    pub previous: Option<Previous>,
    /// The form that was refused, and why.
    pub failed: String,
    pub faults: Vec<Fault>,
}

impl MeetingPage {
    pub fn failed_here(&self, form: &str) -> bool {
        self.failed == form && !self.faults.is_empty()
    }
}

/// The agenda as one line per item, `HH:MM | title | presenting unit`, for its textarea.
fn agenda_text(view: &MeetingView) -> String {
    let name_of = |code: &str| view.record.unit(code).map_or_else(|| code.to_owned(), |u| u.name.clone());
    view.record
        .meeting
        .agenda
        .iter()
        .map(|a| {
            let presenter = a.presenter.as_deref().map(name_of).unwrap_or_default();
            format!("{} | {} | {}", a.time.clone().unwrap_or_default(), a.title, presenter)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads the agenda's textarea: one item per line, `HH:MM | title | unit` (time and unit optional), the unit by its
/// name (or code) among `units` (code, name); a name that is none of them is passed on for the service to name.
fn parse_agenda(text: &str, units: &[(String, String)]) -> Vec<AgendaFields> {
    let unit = |typed: String| {
        units
            .iter()
            .find(|(code, name)| code == &typed || name.to_lowercase() == typed.to_lowercase())
            .map_or(typed, |(code, _)| code.clone())
    };
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let parts: Vec<&str> = line.split('|').map(str::trim).collect();
            let opt = |s: Option<&&str>| s.filter(|v| !v.is_empty()).map(|v| (*v).to_owned());
            match parts.len() {
                1 => AgendaFields { title: parts[0].to_owned(), presenter: None, time: None },
                2 => AgendaFields { time: opt(parts.first()), title: parts[1].to_owned(), presenter: None },
                _ => AgendaFields {
                    time: opt(parts.first()),
                    title: parts[1].to_owned(),
                    presenter: opt(parts.get(2)).map(unit),
                },
            }
        })
        .collect()
}

async fn build(
    request: &PageRequest,
    chrome: Chrome,
    view: MeetingView,
    failed: &str,
    faults: Vec<Fault>,
) -> Result<MeetingPage, PageError> {
    let (state, lang, viewer) = (&request.state, request.lang, &request.current.viewer);
    let r = &view.record;
    let m = &r.meeting;
    let name_of = |code: &str| r.unit(code).map_or_else(|| code.to_owned(), |u| u.name.clone());
    let today = today();
    let err = |e| crate::pages::internal(&chrome)(e);
    // The calendar of the meeting's region: its day and its items' deadlines counted from voting day.
    let in_force = crate::coordination::calendar::in_force(&*state.store, Some(&m.head.region)).await.map_err(err)?;
    let calendar = Some(&in_force.calendar);
    let filter = ItemFilter { meeting_id: Some(r.id), today: Some(today), ..Default::default() };
    let (items, _) = state.store.items(viewer, &filter, Page::new(1, 1000)).await.map_err(err)?;
    let files =
        service::attachments(&*state.store, viewer, &view).await.map_err(|e| page_error(chrome.clone(), e.into()))?;
    let evidence = |item: i64| -> Vec<(String, String)> {
        files
            .iter()
            .filter(|f| f.item_id == Some(item))
            .map(|f| (format!("/api/v1/attachments/{}", f.id), f.file_name.clone()))
            .collect()
    };
    let decisions = m
        .decisions
        .iter()
        .map(|d| DecisionRow {
            number: d.number,
            text: d.text.clone(),
            items: items
                .iter()
                .filter(|i| i.decision_number == d.number)
                .map(|i| ItemRow {
                    files: evidence(i.id),
                    ..item_row(lang, i, today, calendar, view.may_record_for(&i.owner.code), view.manages)
                })
                .collect(),
        })
        .collect();
    let previous = match service::previous_meeting(&*state.store, viewer, r).await {
        Ok(Some(prev)) => {
            let filter = ItemFilter { meeting_id: Some(prev.id), today: Some(today), ..Default::default() };
            let (prev_items, total) = state.store.items(viewer, &filter, Page::new(1, 1000)).await.map_err(err)?;
            let prev_view = service::view_of(viewer, prev.clone());
            let rows: Vec<ItemRow> = prev_items
                .iter()
                .map(|i| {
                    let (may, manages) =
                        prev_view.as_ref().map_or((false, false), |v| (v.may_record_for(&i.owner.code), v.manages));
                    item_row(lang, i, today, calendar, may, manages)
                })
                .collect();
            let done = rows.iter().filter(|i| i.state == "done").count();
            let overdue = rows.iter().filter(|i| i.state == "overdue").count();
            Some(Previous {
                title: prev.meeting.head.title.clone(),
                href: format!("/meetings/{}", prev.id),
                when: when(lang, prev.meeting.head.starts_at_ms, prev.meeting.head.ends_at_ms),
                summary: lang.format(
                    Msg::MeetFollowUpSummary,
                    &[
                        ("total", &lang.number(total)),
                        ("done", &lang.number(done as u64)),
                        ("overdue", &lang.number(overdue as u64)),
                    ],
                ),
                items: rows,
            })
        }
        Ok(None) => None,
        Err(e) => return Err(page_error(chrome, e.into())),
    };
    let t = crate::coordination::views::turnout(r);
    let moves = MeetingStatus::ALL
        .iter()
        .filter(|s| m.status.may_become(**s))
        .map(|s| Choice::new(s.as_str(), s.label(lang), ""))
        .collect();
    let invitees = m
        .invitees
        .iter()
        .map(|i| {
            let unit = r.unit(&i.unit);
            let chosen = i.attendance.as_str();
            InviteeRow {
                code: i.unit.clone(),
                name: name_of(&i.unit),
                agency: unit.map_or_else(String::new, |u| agency_label(lang, u.agency.as_str())),
                attendance: i.attendance.as_str(),
                attendance_label: i.attendance.label(lang),
                who: [i.name.clone(), i.position.clone()].into_iter().flatten().collect::<Vec<_>>().join(", "),
                editable: view.may_record_for(&i.unit) && m.open_for_records(),
                statuses: [
                    sinergi_domain::coordination::meeting::Attendance::Present,
                    sinergi_domain::coordination::meeting::Attendance::Represented,
                    sinergi_domain::coordination::meeting::Attendance::Absent,
                    sinergi_domain::coordination::meeting::Attendance::Invited,
                ]
                .into_iter()
                .map(|a| Choice::new(a.as_str(), a.label(lang), chosen))
                .collect(),
                person: i.name.clone().unwrap_or_default(),
                position: i.position.clone().unwrap_or_default(),
            }
        })
        .collect();
    let units: Vec<Choice> = m.invitees.iter().map(|i| Choice::new(i.unit.clone(), name_of(&i.unit), "")).collect();
    let mut uninvited = Vec::new();
    if view.manages {
        let groups = service::invite_candidates(&*state.store, &m.head.region)
            .await
            .map_err(|e| page_error(chrome.clone(), e.into()))?;
        for u in groups.into_iter().flatten() {
            if !m.is_invited(&u.code) {
                uninvited.push(Choice::new(u.code.clone(), u.name.clone(), ""));
            }
        }
    }
    let region = state
        .store
        .region(&sinergi_domain::access::Viewer::system("page"), &m.head.region)
        .await
        .map_err(err)?
        .map_or_else(|| m.head.region.to_string(), |r| r.name);
    Ok(MeetingPage {
        id: r.id,
        title: m.head.title.clone(),
        theme: m.head.theme.clone().unwrap_or_default(),
        when: when(lang, m.head.starts_at_ms, m.head.ends_at_ms),
        place: m.head.place.clone().unwrap_or_default(),
        online_link: m.head.online_link.clone().unwrap_or_default(),
        region,
        convener: r.convener.name.clone(),
        classification: classification_label(m.head.classification.as_str()),
        restricted: m.head.classification != sinergi_domain::trust::auth::Classification::Biasa,
        status: m.status.as_str(),
        status_label: status_label(lang, m.status),
        cancel_reason: m.cancel_reason.clone().unwrap_or_default(),
        turnout: crate::coordination::views::turnout_text(lang, &t)
            + &if t.walk_ins > 0 {
                lang.format(Msg::MeetWalkInCount, &[("count", &t.walk_ins)])
            } else {
                String::new()
            },
        manages: view.manages && m.open_for_records(),
        moves,
        invitees,
        walk_ins: m
            .walk_ins
            .iter()
            .map(|w| WalkInRow {
                name: w.name.clone(),
                position: w.position.clone().unwrap_or_default(),
                organisation: w.organisation.clone(),
            })
            .collect(),
        agenda: m
            .agenda
            .iter()
            .map(|a| AgendaRow {
                // As the minutes write it: 09.00.
                time: a.time.clone().unwrap_or_default().replace(':', "."),
                title: a.title.clone(),
                presenter: a.presenter.as_deref().map(name_of).unwrap_or_default(),
            })
            .collect(),
        agenda_text: agenda_text(&view),
        briefings: m
            .invitees
            .iter()
            .filter_map(|i| {
                let b = m.briefings.iter().find(|b| b.unit == i.unit);
                let editable = view.may_record_for(&i.unit) && m.open_for_records();
                let own: Vec<(String, String, String)> = files
                    .iter()
                    .filter(|f| f.unit_code == i.unit && f.item_id.is_none())
                    .map(|f| {
                        let size = format!("{} KB", lang.number(f.size.div_ceil(1024)));
                        (format!("/api/v1/attachments/{}", f.id), f.file_name.clone(), size)
                    })
                    .collect();
                (b.is_some() || editable || !own.is_empty()).then(|| BriefingRow {
                    files: own,
                    unit: i.unit.clone(),
                    name: name_of(&i.unit),
                    text: b.map(|b| b.text.clone()).unwrap_or_default(),
                    by: b
                        .map(|b| format!("{} · {}", b.updated_by, crate::pages::when(lang, b.updated_at_ms)))
                        .unwrap_or_default(),
                    editable,
                })
            })
            .collect(),
        minutes: m.minutes.clone().unwrap_or_default(),
        chair: m.chair.clone().unwrap_or_default(),
        secretary: m.secretary.clone().unwrap_or_default(),
        decisions,
        units,
        uninvited,
        day: m.head.day().map(|d| d.to_string()).unwrap_or_default(),
        stage_on_day: m.head.day().map(|d| in_force.calendar.stage_on(d, lang)).unwrap_or_default(),
        previous,
        failed: failed.to_owned(),
        faults,
        chrome,
    })
}

/// A meeting's page.
pub async fn page(request: PageRequest, Path(id): Path<i64>) -> Result<MeetingPage, PageError> {
    let chrome = Chrome::new(&request.state, request.lang, &request.uri, "meetings", Some(&request.current)).await;
    let view = match service::meeting(&*request.state.store, &request.current.viewer, id).await {
        Ok(view) => view,
        Err(e) => return Err(page_error(chrome, e.into())),
    };
    build(&request, chrome, view, "", Vec::new()).await
}

/// Up to this many action items are typed with a decision on the page (the API takes any number).
const ITEM_ROWS: usize = 3;

/// The posts of a meeting page's forms (`status`, `invite`, `attendance`, `walk-in`, `agenda`, `briefing`,
/// `minutes`, `decision`): on success back to the page's section (303); refused, the page again with the form's
/// faults named.
pub async fn submit(
    request: PageRequest,
    Path((id, form)): Path<(i64, String)>,
    CheckedForm(fields): CheckedForm,
) -> Result<Response, PageError> {
    let page_uri: axum::http::Uri =
        format!("/meetings/{id}").parse().unwrap_or_else(|_| axum::http::Uri::from_static("/meetings"));
    let lang: Lang = request.lang;
    let chrome = Chrome::new(&request.state, lang, &page_uri, "meetings", Some(&request.current)).await;
    let field = |name: &str| fields.get(name).map(|v| v.trim().to_owned()).unwrap_or_default();
    let optional = |name: &str| Some(field(name)).filter(|v| !v.is_empty());
    let store = &*request.state.store;
    let actor = Actor::of(&request.current, &request.origin.0);
    let result = match form.as_str() {
        "status" => service::move_meeting(store, &actor, id, &field("status"), optional("reason").as_deref()).await,
        "invite" => {
            let mut units: Vec<String> =
                fields.keys().filter_map(|k| k.strip_prefix("unit.")).map(str::to_owned).collect();
            units.sort();
            service::invite(store, &actor, id, &units).await
        }
        "attendance" => {
            let fields =
                AttendanceFields { status: field("status"), name: optional("name"), position: optional("position") };
            service::record_attendance(store, &actor, id, &field("unit"), &fields).await
        }
        "walk-in" => {
            let fields = WalkInFields {
                name: field("name"),
                position: optional("position"),
                organisation: field("organisation"),
            };
            service::add_walk_in(store, &actor, id, &fields).await
        }
        "agenda" => {
            let view = service::meeting(store, &request.current.viewer, id)
                .await
                .map_err(|e| page_error(chrome.clone(), e.into()))?;
            let units: Vec<(String, String)> =
                view.record.units.iter().map(|u| (u.code.clone(), u.name.clone())).collect();
            let agenda = parse_agenda(fields.get("agenda").map_or("", String::as_str), &units);
            service::set_agenda(store, &actor, id, &agenda).await
        }
        "briefing" => {
            service::set_briefing(store, &actor, id, &field("unit"), fields.get("text").map_or("", String::as_str))
                .await
        }
        "minutes" => {
            let minutes = MinutesFields {
                text: fields.get("text").cloned().unwrap_or_default(),
                chair: optional("chair"),
                secretary: optional("secretary"),
            };
            service::set_minutes(store, &actor, id, &minutes).await
        }
        "decision" => {
            let items = (1..=ITEM_ROWS)
                .filter_map(|n| {
                    let (owner, task, deadline) =
                        (field(&format!("owner_{n}")), field(&format!("task_{n}")), field(&format!("deadline_{n}")));
                    // A row left empty is no item; a row half filled is one, with its faults named.
                    (!(task.is_empty() && deadline.is_empty())).then_some(ItemFields {
                        owner_unit: owner,
                        task,
                        deadline,
                    })
                })
                .collect();
            let fields = DecisionFields { text: fields.get("text").cloned().unwrap_or_default(), items };
            service::decide(store, &actor, id, &fields).await
        }
        _ => return Err(PageError::NotFound(chrome.clone(), lang.t(Msg::ErrPageNotFound).to_owned())),
    };
    let anchor = match form.as_str() {
        "status" => "top",
        "invite" | "attendance" | "walk-in" => "attendance",
        "decision" => "decisions",
        other => other,
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/meetings/{id}#{anchor}")).into_response()),
        Err(e) => {
            let faults = refusal(lang, e).map_err(|e| page_error(chrome.clone(), e))?;
            let view = service::meeting(store, &request.current.viewer, id)
                .await
                .map_err(|e| page_error(chrome.clone(), e.into()))?;
            let page = build(&request, chrome, view, &form, faults).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// A file for a unit's briefing from the meeting's page (a multipart form: `csrf`, `unit`, `file`): back to the
/// briefings (303), or the page again with the faults named.
pub async fn upload(
    request: PageRequest,
    Path(id): Path<i64>,
    form: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let page_uri: axum::http::Uri =
        format!("/meetings/{id}").parse().unwrap_or_else(|_| axum::http::Uri::from_static("/meetings"));
    let lang = request.lang;
    let chrome = Chrome::new(&request.state, lang, &page_uri, "meetings", Some(&request.current)).await;
    let (mut csrf, mut unit, mut name, mut bytes) = (String::new(), String::new(), String::new(), Vec::new());
    let mut item: Option<i64> = None;
    let mut back = String::new();
    // A body that is no multipart form, or breaks off, leaves the fields empty: refused below (no CSRF token) like
    // any other form without one.
    let Ok(mut form) = form else { return Ok(crate::trust::auth::csrf_failed().into_response()) };
    while let Ok(Some(field)) = form.next_field().await {
        match field.name().unwrap_or("") {
            "csrf" => csrf = field.text().await.unwrap_or_default(),
            "unit" => unit = field.text().await.unwrap_or_default(),
            "item" => item = field.text().await.ok().and_then(|t| t.trim().parse().ok()),
            "back" => back = field.text().await.unwrap_or_default(),
            "file" => {
                name = field.file_name().unwrap_or("").to_owned();
                bytes = field.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
            }
            _ => {}
        }
    }
    if !crate::trust::auth::csrf_matches(&request.current, &csrf) {
        return Ok(crate::trust::auth::csrf_failed().into_response());
    }
    let actor = Actor::of(&request.current, &request.origin.0);
    let file =
        crate::coordination::service::FileFields { unit: &unit, item: None, name: &name, bytes, classification: None };
    let max = request.state.config.attachment_max_bytes;
    match service::attach(&*request.state.store, &actor, id, file, max).await {
        Ok(_) => {
            let to = match item {
                // Evidence goes back to where the item was moved from (the queue or the meeting).
                Some(item) => format!("{}#item-{item}", crate::pages::local_path(Some(back).filter(|b| !b.is_empty()))),
                None => format!("/meetings/{id}#briefing"),
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => {
            let faults = refusal(lang, e).map_err(|e| page_error(chrome.clone(), e))?;
            let view = service::meeting(&*request.state.store, &request.current.viewer, id)
                .await
                .map_err(|e| page_error(chrome.clone(), e.into()))?;
            let page = build(&request, chrome, view, "briefing", faults).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_agenda_one_line_per_item() {
        let units = [("polres-33.20".to_owned(), "Polres Jepara".to_owned())];
        let items = parse_agenda("09:00 | Pembukaan | polres jepara\n\nPaparan KPU\n10:30 | Diskusi\n", &units);
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].presenter.as_deref(), Some("polres-33.20"));
        assert_eq!((items[1].time.as_deref(), items[1].title.as_str()), (None, "Paparan KPU"));
        assert_eq!((items[2].time.as_deref(), items[2].presenter.as_deref()), (Some("10:30"), None));
    }
}
