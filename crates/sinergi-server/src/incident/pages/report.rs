//! A report's page: its facts, routes, history, comments, shares and probable duplicates, and the forms that
//! move it, comment on it, share it and decide on its duplicates.

use super::*;
use sinergi_domain::incident::ReportId;

/// A line of the report's facts.
pub struct Fact {
    pub label: &'static str,
    pub value: String,
    pub href: Option<String>,
}

pub struct RouteRow {
    pub unit: String,
    pub code: String,
    pub agency: String,
    pub role: String,
}

pub struct HistoryRow {
    pub when: String,
    pub who: String,
    pub action: String,
    pub from_to: String,
    pub reject: String,
    pub reason: String,
}

pub struct CommentRow {
    pub when: String,
    pub author: String,
    pub agency: String,
    pub body: String,
}

pub struct ShareRow {
    pub agency: String,
    pub agency_code: String,
    pub when: String,
    pub by: String,
    pub reason: String,
    /// `Some` once revoked: when, by whom, why.
    pub revoked: Option<String>,
}

pub struct DuplicateRow {
    pub other_id: i64,
    pub other_reference: String,
    pub distance: String,
    pub gap: String,
    pub status: String,
    pub probable: bool,
}

/// The share form as typed, with why a share or a revocation was refused.
#[derive(Default)]
pub struct ShareForm {
    pub agency: String,
    pub reason: String,
    pub error: Option<String>,
}

/// The move form as typed, with why it was refused.
#[derive(Default)]
pub struct MoveForm {
    pub action: String,
    pub reject_reason: String,
    /// For an assignment: the unit chosen.
    pub unit: String,
    pub reason: String,
    pub error: Option<String>,
}

/// The comment form as typed, with why it was refused.
#[derive(Default)]
pub struct CommentForm {
    pub body: String,
    pub error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "incident/incident.html")]
pub struct IncidentPage {
    pub chrome: Chrome,
    pub title: String,
    pub id: i64,
    pub notice: Option<String>,
    pub overdue: Option<String>,
    pub facts: Vec<Fact>,
    pub description: String,
    pub routes: Vec<RouteRow>,
    pub history: Vec<HistoryRow>,
    pub comments: Vec<CommentRow>,
    pub moves: Vec<Opt>,
    pub reject_kinds: Vec<Opt>,
    /// The units an assignment may name (empty when assigning is not offered).
    pub units: Vec<Opt>,
    pub can_move: bool,
    /// The user moves reports but may make no move on this one now: why (another agency's report, or none from
    /// this status).
    pub no_moves: Option<String>,
    pub move_form: MoveForm,
    pub can_comment: bool,
    pub comment_form: CommentForm,
    pub shares: Vec<ShareRow>,
    /// The user's agency owns the report (or the user administers): they share and revoke.
    pub can_share: bool,
    pub share_agencies: Vec<Opt>,
    pub share_form: ShareForm,
    pub duplicates: Vec<DuplicateRow>,
    pub can_decide: bool,
    pub duplicate_error: Option<String>,
}

/// What a report's page shows besides the report: its forms as typed, and what was just saved (`move`,
/// `comment`).
#[derive(Default)]
struct Forms {
    moving: MoveForm,
    comment: CommentForm,
    share: ShareForm,
    duplicate_error: Option<String>,
    saved: Option<String>,
}

/// The report's page, read through the incident service (so a restricted report's reading is audited the same way),
/// with the forms as given.
async fn render(
    state: &AppState,
    chrome: Chrome,
    current: &CurrentUser,
    origin: &Origin,
    id: ReportId,
    forms: Forms,
) -> Result<IncidentPage, PageError> {
    let lang = chrome.lang;
    let Forms { moving: move_form, comment: comment_form, share: share_form, duplicate_error, saved } = forms;
    let record = match service::read_report(state, &Actor::of(current), &origin.0, id).await {
        Ok(record) => record,
        Err(e) => return Err(page_error(chrome, e.to_api(lang))),
    };
    let detail = match views::detail(state, current, record, lang).await {
        Ok(detail) => detail,
        Err(e) => return Err(page_error(chrome, e)),
    };
    let r = &detail.report;
    let viewer = &current.viewer;
    let village = match RegionCode::parse(&r.village_code) {
        Ok(code) => state.store.region(viewer, &code).await.map_err(internal(&chrome))?,
        Err(_) => None,
    };
    let tps = match r.tps_id {
        Some(tps_id) => state.store.tps(viewer, tps_id).await.map_err(internal(&chrome))?,
        None => None,
    };
    let mut facts = vec![
        Fact { label: lang.t(Msg::FieldKind), value: kind_label(lang, &r.kind).to_owned(), href: None },
        Fact { label: lang.t(Msg::ColCategory), value: format!("{} ({})", r.category_label, r.category), href: None },
        Fact {
            label: lang.t(Msg::ColSeverity),
            value: format!("{} – {}", r.severity, severity_label(lang, r.severity)),
            href: None,
        },
        Fact { label: lang.t(Msg::ColStatus), value: r.status_label.clone(), href: None },
        Fact { label: lang.t(Msg::ColOccurredAt), value: when(lang, r.occurred_at_ms), href: None },
        Fact { label: lang.t(Msg::FieldReportedAt), value: when(lang, r.reported_at_ms), href: None },
        Fact { label: lang.t(Msg::FieldUpdatedAt), value: when(lang, r.updated_at_ms), href: None },
        Fact {
            label: lang.t(Msg::LevelVillage),
            value: village.as_ref().map_or_else(|| r.village_code.clone(), |v| format!("{} ({})", v.name, v.code)),
            href: village.as_ref().map(|v| region_href(&v.code)),
        },
    ];
    if let Some(t) = &tps {
        facts.push(Fact { label: "TPS", value: t.tps.label(), href: Some(format!("/tps/{}", t.id)) });
    }
    facts.extend([
        Fact {
            label: lang.t(Msg::FieldLocation),
            value: r
                .location
                .as_ref()
                .map_or_else(|| lang.t(Msg::FieldVillageCentre).to_owned(), |l| format!("{:.5}, {:.5}", l.lat, l.lng)),
            href: None,
        },
        Fact { label: lang.t(Msg::ColSourceAgency), value: agency_label(lang, &r.source_agency), href: None },
        Fact { label: lang.t(Msg::FieldSourcePerson), value: r.source_person.clone(), href: None },
        Fact {
            label: lang.t(Msg::FieldChannel),
            value: sinergi_domain::incident::Channel::parse(&r.channel)
                .map_or_else(|| r.channel.clone(), |c| c.label(lang).to_owned()),
            href: None,
        },
        Fact { label: lang.t(Msg::FieldClassification), value: r.classification.clone(), href: None },
    ]);
    let notice = match saved.as_deref() {
        Some("move") => Some(lang.format(Msg::MoveSaved, &[("status", &r.status_label)])),
        Some("comment") => Some(lang.t(Msg::CommentSaved).to_owned()),
        Some("share") => Some(lang.t(Msg::ShareSaved).to_owned()),
        Some("duplicate") => Some(lang.t(Msg::DuplicateSaved).to_owned()),
        _ => None,
    };
    let owner =
        viewer.role == sinergi_domain::trust::auth::Role::Administrator || viewer.agency.as_str() == r.source_agency;
    let can_share = owner && (viewer.may(Action::FileReports) || viewer.may(Action::HandleReports));
    let share_agencies = AgencyKind::ALL
        .iter()
        .filter(|a| a.as_str() != r.source_agency)
        .map(|a| Opt::new(a.as_str(), a.name(lang), &share_form.agency))
        .collect();
    let shares = detail
        .shares
        .iter()
        .map(|sh| ShareRow {
            agency: agency_label(lang, &sh.agency),
            agency_code: sh.agency.clone(),
            when: when(lang, sh.shared_at_ms),
            by: sh.shared_by.clone(),
            reason: sh.reason.clone(),
            revoked: sh.revoked_at_ms.map(|at| {
                lang.format(
                    Msg::ShareRevokedNote,
                    &[
                        ("when", &when(lang, at)),
                        ("by", &sh.revoked_by.clone().unwrap_or_default()),
                        ("reason", &sh.revoke_reason.clone().unwrap_or_default()),
                    ],
                )
            }),
        })
        .collect();
    let duplicates = detail
        .duplicates
        .iter()
        .map(|d| DuplicateRow {
            other_id: d.other_id,
            other_reference: d.other_reference.clone(),
            distance: format!("{} m", lang.number(d.distance_m.round() as u64)),
            gap: lang.format(Msg::DuplicateGap, &[("minutes", &d.gap_minutes)]),
            status: lang
                .t(match d.status.as_str() {
                    "confirmed" => Msg::DuplicateConfirmed,
                    "dismissed" => Msg::DuplicateDismissed,
                    _ => Msg::DuplicateProbable,
                })
                .to_owned(),
            probable: d.status == "probable",
        })
        .collect();
    let overdue = r.overdue.as_ref().map(|o| format!("{} ({})", overdue_text(lang, o), when(lang, o.due_at_ms)));
    let can_move = viewer.may(Action::HandleReports) && !detail.moves.is_empty();
    let no_moves = (viewer.may(Action::HandleReports) && detail.moves.is_empty()).then(|| {
        let responsible: Vec<sinergi_domain::AgencyKind> = detail
            .routes
            .iter()
            .filter(|r| r.role == "responsible")
            .filter_map(|r| sinergi_domain::AgencyKind::parse(&r.agency))
            .collect();
        let owner = sinergi_domain::AgencyKind::parse(&r.source_agency);
        match owner {
            Some(owner) if !sinergi_domain::incident::workflow::agency_may_move(viewer.agency, owner, &responsible) => {
                let names: Vec<&str> = responsible.iter().map(|a| a.name(lang)).collect();
                lang.format(
                    Msg::ErrNotResponsible,
                    &[
                        ("owner", &owner.name(lang)),
                        ("responsible", &if names.is_empty() { "–".to_owned() } else { names.join(", ") }),
                    ],
                )
            }
            _ => lang.t(Msg::MoveNone).to_owned(),
        }
    });
    let can_comment = viewer.may(Action::FileReports) || viewer.may(Action::HandleReports);
    Ok(IncidentPage {
        title: format!("{} · {}", r.reference, r.category_label),
        id: id.0,
        notice,
        overdue,
        facts,
        description: r.description.clone(),
        routes: detail
            .routes
            .iter()
            .map(|route| RouteRow {
                unit: route.unit_name.clone(),
                code: route.unit_code.clone(),
                agency: agency_label(lang, &route.agency),
                role: lang
                    .t(if route.role == "responsible" { Msg::RouteResponsible } else { Msg::RouteInformed })
                    .to_owned(),
            })
            .collect(),
        history: detail
            .history
            .iter()
            .map(|h| HistoryRow {
                when: when(lang, h.at_ms),
                who: h.actor.clone(),
                action: move_label(lang, &h.action),
                from_to: {
                    let to = match &h.assigned_unit_name {
                        Some(unit) => format!("{} ({unit})", status_label(lang, &h.to_status)),
                        None => status_label(lang, &h.to_status),
                    };
                    match &h.from_status {
                        Some(from) => format!("{} → {to}", status_label(lang, from)),
                        None => format!("→ {to}"),
                    }
                },
                reject: h.reject_reason.as_deref().map(|k| reject_label(lang, k)).unwrap_or_default(),
                reason: h.reason.clone(),
            })
            .collect(),
        comments: detail
            .comments
            .iter()
            .map(|c| CommentRow {
                when: when(lang, c.at_ms),
                author: c.author.clone(),
                agency: agency_label(lang, &c.agency),
                body: c.body.clone(),
            })
            .collect(),
        moves: detail.moves.iter().map(|m| Opt::new(m.as_str(), move_label(lang, m), &move_form.action)).collect(),
        reject_kinds: REJECT_KINDS.iter().map(|(k, m)| Opt::new(*k, lang.t(*m), &move_form.reject_reason)).collect(),
        units: detail
            .assignable_units
            .iter()
            .map(|u| Opt::new(u.code.clone(), u.name.clone(), &move_form.unit))
            .collect(),
        can_move,
        no_moves,
        move_form,
        can_comment,
        comment_form,
        shares,
        can_share,
        share_agencies,
        share_form,
        duplicates,
        can_decide: viewer.may(Action::HandleReports),
        duplicate_error,
        chrome,
    })
}

/// A report's page.
pub async fn report(
    request: PageRequest,
    Path(id): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<IncidentPage, PageError> {
    let PageRequest { state, lang, uri, current, origin } = request;
    let chrome = Chrome::new(&state, lang, &uri, "incidents", Some(&current)).await;
    let Ok(id) = id.parse::<i64>().map(ReportId) else { return Err(no_such_report(&chrome, &id)) };
    let saved = params.into_iter().rev().find(|(k, _)| k == "saved").map(|(_, v)| v);
    render(&state, chrome, &current, &origin, id, Forms { saved, ..Forms::default() }).await
}

/// Why the desk refused a form, each faulty field named by its label on the page; `missing` names the fields left
/// empty when the refusal was for a missing reason.
fn refusal(e: &ApiError, lang: Lang, missing: &[Msg]) -> String {
    let body = e.body(lang);
    let named = |field: &str| -> String {
        match field {
            "action" => lang.t(Msg::MoveAction).to_owned(),
            "reject_reason" => lang.t(Msg::FieldRejectKind).to_owned(),
            "unit" => lang.t(Msg::MoveUnit).to_owned(),
            "reason" => lang.t(Msg::ColReason).to_owned(),
            "body" => lang.t(Msg::IncidentComments).to_owned(),
            other => other.to_owned(),
        }
    };
    if !body.fields.is_empty() {
        return body
            .fields
            .iter()
            .map(|f| format!("{}: {}", named(&f.field), f.message))
            .collect::<Vec<_>>()
            .join("; ");
    }
    if !missing.is_empty() {
        let empty = Problem::Empty.message(lang);
        return missing.iter().map(|m| format!("{}: {empty}", lang.t(*m))).collect::<Vec<_>>().join("; ");
    }
    body.message
}

/// Refusals a form shows beside itself; anything else (not found, no right, a failure) is a page of its own.
fn shown_on_form(e: &ApiError) -> bool {
    e.status().is_client_error() && e.status() != StatusCode::NOT_FOUND && e.code() != Code::Forbidden
}

/// Moves a report from its page's form, through the incident service; a refusal is shown on the page with the form
/// as typed.
pub async fn move_submit(
    request: PageRequest,
    Path(id): Path<String>,
    CheckedForm(fields): CheckedForm,
) -> Result<Response, PageError> {
    let PageRequest { state, lang, uri, current, origin } = request;
    let chrome = Chrome::new(&state, lang, &uri, "incidents", Some(&current)).await;
    let Ok(id) = id.parse::<i64>().map(ReportId) else { return Err(no_such_report(&chrome, &id)) };
    let field = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let form = MoveForm {
        action: field("action"),
        reject_reason: field("reject_reason"),
        unit: field("unit"),
        reason: field("reason"),
        error: None,
    };
    let input = MoveFields {
        action: form.action.clone(),
        reason: form.reason.clone(),
        reject_reason: Some(form.reject_reason.trim().to_owned()).filter(|k| !k.is_empty()),
        unit: Some(form.unit.trim().to_owned()).filter(|u| !u.is_empty()),
    };
    let moved = service::move_report(&state, &Actor::of(&current), id, &input).await;
    let reason_missing = matches!(moved, Err(DeskError::Workflow(TransitionError::ReasonRequired)));
    match moved.map_err(|e| e.to_api(lang)) {
        Ok(_) => Ok(Redirect::to(&format!("/incidents/{id}?saved=move")).into_response()),
        Err(e) if shown_on_form(&e) => {
            let mut missing = Vec::new();
            if reason_missing && form.action.trim() == "reject" && form.reject_reason.trim().is_empty() {
                missing.push(Msg::FieldRejectKind);
            }
            if reason_missing && form.reason.trim().is_empty() {
                missing.push(Msg::ColReason);
            }
            let detail = refusal(&e, lang, &missing);
            let form = MoveForm { error: Some(lang.format(Msg::MoveRefused, &[("detail", &detail)])), ..form };
            let page =
                render(&state, chrome, &current, &origin, id, Forms { moving: form, ..Forms::default() }).await?;
            Ok((e.status(), page).into_response())
        }
        Err(e) => Err(page_error(chrome, e)),
    }
}

/// Adds a comment from a report's page, through the incident service; a refusal is shown with the text as typed.
pub async fn comment_submit(
    request: PageRequest,
    Path(id): Path<String>,
    CheckedForm(fields): CheckedForm,
) -> Result<Response, PageError> {
    let PageRequest { state, lang, uri, current, origin } = request;
    let chrome = Chrome::new(&state, lang, &uri, "incidents", Some(&current)).await;
    let Ok(id) = id.parse::<i64>().map(ReportId) else { return Err(no_such_report(&chrome, &id)) };
    let body = fields.get("body").cloned().unwrap_or_default();
    match service::comment(&state, &Actor::of(&current), id, &body).await.map_err(|e| e.to_api(lang)) {
        Ok(_) => Ok(Redirect::to(&format!("/incidents/{id}?saved=comment#comments")).into_response()),
        Err(e) if shown_on_form(&e) => {
            let detail = refusal(&e, lang, &[]);
            let form = CommentForm { body, error: Some(lang.format(Msg::CommentRefused, &[("detail", &detail)])) };
            let page =
                render(&state, chrome, &current, &origin, id, Forms { comment: form, ..Forms::default() }).await?;
            Ok((e.status(), page).into_response())
        }
        Err(e) => Err(page_error(chrome, e)),
    }
}

/// Shares the report with an agency (`agency`, `reason`), or revokes a share (`revoke` = the agency, `reason`),
/// from its page, through the incident service; a refusal is shown beside the share form, as typed.
pub async fn share_submit(
    request: PageRequest,
    Path(id): Path<String>,
    CheckedForm(fields): CheckedForm,
) -> Result<Response, PageError> {
    let PageRequest { state, lang, uri, current, origin } = request;
    let chrome = Chrome::new(&state, lang, &uri, "incidents", Some(&current)).await;
    let Ok(id) = id.parse::<i64>().map(ReportId) else { return Err(no_such_report(&chrome, &id)) };
    let field = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let reason = field("reason");
    let actor = Actor::of(&current);
    let result = match fields.get("revoke") {
        Some(agency) => service::revoke(&state, &actor, id, agency, &reason).await,
        None => service::share(&state, &actor, id, &field("agency"), &reason).await,
    };
    match result.map_err(|e| e.to_api(lang)) {
        Ok(()) => Ok(Redirect::to(&format!("/incidents/{id}?saved=share#shares")).into_response()),
        Err(e) if shown_on_form(&e) => {
            let detail = refusal(&e, lang, &[]);
            let form = ShareForm {
                agency: field("agency"),
                reason,
                error: Some(lang.format(Msg::ShareRefused, &[("detail", &detail)])),
            };
            let page = render(&state, chrome, &current, &origin, id, Forms { share: form, ..Forms::default() }).await?;
            Ok((e.status(), page).into_response())
        }
        Err(e) => Err(page_error(chrome, e)),
    }
}

/// Confirms or dismisses a probable duplicate (`other`, `decision`) from the report's page, through the incident
/// service.
pub async fn duplicate_submit(
    request: PageRequest,
    Path(id): Path<String>,
    CheckedForm(fields): CheckedForm,
) -> Result<Response, PageError> {
    let PageRequest { state, lang, uri, current, origin } = request;
    let chrome = Chrome::new(&state, lang, &uri, "incidents", Some(&current)).await;
    let Ok(id) = id.parse::<i64>().map(ReportId) else { return Err(no_such_report(&chrome, &id)) };
    let other = fields.get("other").and_then(|o| o.trim().parse::<i64>().ok()).map(ReportId);
    let Some(other) = other else {
        return Err(no_such_report(&chrome, fields.get("other").map_or("", String::as_str)));
    };
    let decision = fields.get("decision").map_or("", String::as_str);
    let decided = service::decide_duplicate(&state, &Actor::of(&current), id, other, decision, lang).await;
    match decided.map_err(|e| e.to_api(lang)) {
        Ok(_) => Ok(Redirect::to(&format!("/incidents/{id}?saved=duplicate#duplicates")).into_response()),
        Err(e) if shown_on_form(&e) => {
            let detail = refusal(&e, lang, &[]);
            let error = Some(lang.format(Msg::DuplicateRefused, &[("detail", &detail)]));
            let page =
                render(&state, chrome, &current, &origin, id, Forms { duplicate_error: error, ..Forms::default() })
                    .await?;
            Ok((e.status(), page).into_response())
        }
        Err(e) => Err(page_error(chrome, e)),
    }
}
