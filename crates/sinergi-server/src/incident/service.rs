//! The incident desk's service: what the entry points (the JSON API, the field form, the SMS intake) ask of the
//! desk, written once. An entry point reads its input into a draft (`sinergi_domain::incident::draft`), calls a
//! function here, and renders what comes back in its own way (JSON, a page, an SMS reply).

use sinergi_domain::access::{Action, Viewer};
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::import::Problem;
use sinergi_domain::incident::ReportId;
use sinergi_domain::incident::draft::{ReportDraft, ReportFields};
use sinergi_domain::incident::{Channel, RejectReason, Transition, TransitionError, workflow};
use sinergi_domain::text::{self, Lines};
use sinergi_domain::trust::auth::Role;
use sinergi_domain::{AgencyKind, LatLng, RegionCode};
use sinergi_store::{DuplicateDecided, Filed, NewReport, ReportMove, ReportRecord, ShareMove, StoreError, UserRecord};

use crate::AppState;
use crate::error::{ApiError, Code};
use crate::trust::auth::{self, CurrentUser};

/// Why a report was not filed.
#[derive(Debug)]
pub enum FileError {
    /// The account may not file reports.
    Forbidden,
    /// Faults in what was typed, each with its field, in the order of the form.
    Invalid(Vec<(String, Problem)>),
    /// The database failed (the entry point answers as for any storage error).
    Store(StoreError),
}

impl From<StoreError> for FileError {
    fn from(e: StoreError) -> FileError {
        FileError::Store(e)
    }
}

/// A report filed, or the first one filed under the same idempotency key.
#[derive(Debug)]
pub struct Filing {
    pub record: ReportRecord,
    pub replayed: bool,
}

/// Who files: the account, and the viewer it acts as (a token's narrower one, too).
pub struct Reporter<'a> {
    pub user: &'a UserRecord,
    pub viewer: &'a Viewer,
    /// The channel when the input names none (`api` for a token, `web` for a browser).
    pub default_channel: Channel,
}

/// Files a new report for `reporter`'s agency: checks every field (`ReportDraft::check`), resolves the place (a
/// TPS gives its village and coordinates; a village must exist; coordinates are placed in their village), routes
/// it by the taxonomy in force, and files it once per idempotency key. Every fault is named at once.
pub async fn file_report(
    state: &AppState,
    reporter: &Reporter<'_>,
    fields: &ReportFields,
) -> Result<Filing, FileError> {
    if !reporter.viewer.may(Action::FileReports) {
        return Err(FileError::Forbidden);
    }
    let now = auth::now_ms();
    let taxonomy = state.desk.taxonomy();
    let checked = ReportDraft::check(fields, &taxonomy, reporter.viewer, now);
    let mut problems = checked.problems;
    let draft = checked.draft;
    let (village, tps_id, location) = resolve_place(state, reporter.viewer, &draft, &mut problems).await?;
    let (Some(village), Some(category), true) = (village, draft.category.as_deref(), problems.is_empty()) else {
        return Err(FileError::Invalid(problems));
    };
    let report = NewReport {
        kind: draft.kind,
        category: category.to_owned(),
        severity: draft.severity,
        occurred_at_ms: draft.occurred_at_ms,
        reported_at_ms: now,
        village,
        tps_id,
        location,
        description: draft.description,
        source_agency: reporter.viewer.agency,
        source_person: draft.source_person.unwrap_or_else(|| reporter.user.display_name.clone()),
        reporter_account: Some(reporter.user.id),
        channel: draft.channel.unwrap_or(reporter.default_channel),
        classification: draft.classification,
        idempotency_key: draft.idempotency_key,
        routes: Vec::new(),
    };
    let (filed, report) = route_and_file(state, report).await?;
    // A new report is answered with what was filed, as stored; a replay with the first report, read back.
    let record =
        match filed {
            Filed::New(id) => report.stored_as(id),
            Filed::Replayed(id) => state.store.report(reporter.viewer, id).await?.ok_or_else(|| {
                StoreError::Internal(format!("report {id} filed before is not readable by its filer"))
            })?,
        };
    Ok(Filing { record, replayed: matches!(filed, Filed::Replayed(_)) })
}

/// Routes a report by the taxonomy in force (the units over its village) and files it through the desk's writer:
/// the tail every entry point shares, the SMS intake included. Returns what was filed and the report as sent.
pub async fn route_and_file(state: &AppState, mut report: NewReport) -> Result<(Filed, NewReport), StoreError> {
    let taxonomy = state.desk.taxonomy();
    let units = state.desk.units_over(&state.store, &report.village).await?;
    report.routes = taxonomy.route_report(&report.category, &report.village, &units);
    let filed = state.desk.file(&state.store, report.clone()).await?;
    Ok((filed, report))
}

/// The village, TPS and coordinates of a draft, each fault added to `problems`: a TPS gives its village (and its
/// location when none is given); a village given beside it must be the same; a village must exist; coordinates
/// alone are placed in the village whose boundary holds them (else the nearest centre), inside the territory.
async fn resolve_place(
    state: &AppState,
    viewer: &Viewer,
    draft: &ReportDraft,
    problems: &mut Vec<(String, Problem)>,
) -> Result<(Option<RegionCode>, Option<i64>, Option<LatLng>), StoreError> {
    let place = &draft.place;
    let mut tps_id = None;
    let mut village: Option<RegionCode> = None;
    let mut location = place.location;
    if let Some(id) = place.tps_id {
        match state.store.tps(viewer, id).await? {
            Some(t) => {
                tps_id = Some(t.id);
                location = location.or(t.tps.location);
                village = Some(t.tps.village);
            }
            None => problems.push(("tps_id".into(), Problem::UnknownTpsId(id))),
        }
    }
    if let Some(code) = &place.village {
        match &village {
            Some(of_tps) if of_tps != code => problems.push((
                "village_code".into(),
                Problem::ParentMismatch {
                    given: code.to_string(),
                    code: format!("TPS {}", place.tps_id.unwrap_or_default()),
                    expected: of_tps.to_string(),
                },
            )),
            _ => {
                if !state.desk.village_exists(&state.store, viewer, code).await? {
                    problems.push(("village_code".into(), Problem::UnknownRegion(code.to_string())));
                }
                village = Some(code.clone());
            }
        }
    }
    // A village by its name, found in the territory.
    if let Some(name) = &place.village_name {
        match crate::incident::places::village_by_name(state, viewer, name).await? {
            Ok(code) => match &village {
                Some(of_tps) if *of_tps != code => problems.push((
                    "village_name".into(),
                    Problem::ParentMismatch {
                        given: name.clone(),
                        code: format!("TPS {}", place.tps_id.unwrap_or_default()),
                        expected: of_tps.to_string(),
                    },
                )),
                _ => village = Some(code),
            },
            Err(problem) => problems.push(("village_name".into(), problem)),
        }
    }
    // A TPS by its number in the village (the village was checked above; a fault there is named already).
    if let (Some(number), Some(code), None) = (place.tps_number, &village, tps_id)
        && !problems.iter().any(|(f, _)| f == "village_code" || f == "village_name")
    {
        let found = state.store.all_tps(viewer, code).await?.into_iter().find(|t| t.tps.number == number);
        match found {
            Some(t) => {
                tps_id = Some(t.id);
                location = location.or(t.tps.location);
            }
            None => {
                // Named as officers name it: "TPS 7 di desa Kedungmalang".
                let name = state.store.region(viewer, code).await?.map_or_else(|| code.to_string(), |r| r.name);
                problems.push(("tps_number".into(), Problem::UnknownTps { village: name, number }));
            }
        }
    }
    let placed_otherwise = place.village_given || problems.iter().any(|(f, _)| f == "tps_id");
    if village.is_none() && !placed_otherwise {
        match location {
            Some(point) => match state.desk.places(&state.store).await?.resolve(point) {
                Some(placed) if viewer.covers(placed.village()) => village = Some(placed.village().clone()),
                Some(placed) => problems.push(("location".into(), Problem::OutsideScope(placed.village().to_string()))),
                None => problems.push(("location".into(), Problem::NoVillageNear { lat: point.lat, lng: point.lng })),
            },
            None if !place.location_given => problems.push(("place".into(), Problem::NoPlace)),
            None => {}
        }
    }
    Ok((village, tps_id, location))
}

/// Why a move, a comment, a share or a duplicate decision was refused. Each maps to one API error code
/// ([`DeskError::to_api`]); the pages match on it to show the refusal beside their form.
#[derive(Debug)]
pub enum DeskError {
    /// The account may not do this at all.
    Forbidden,
    /// No such report in what the user may read.
    NotFound(ReportId),
    /// Faults in what was typed, each with its field.
    Invalid(Vec<(String, Problem)>),
    /// The workflow refuses the move (not from this status, one's own report, a reason missing).
    Workflow(TransitionError),
    /// Someone moved the report first.
    MovedMeanwhile,
    /// Only the agency that filed the report and those responsible for it move it.
    NotResponsible {
        owner: AgencyKind,
        responsible: Vec<AgencyKind>,
    },
    /// Only the agency that filed the report shares it or revokes a share.
    NotOwner {
        agency: String,
    },
    ShareOwnAgency(AgencyKind),
    AlreadyShared(AgencyKind),
    NotShared(AgencyKind),
    /// The pair was decided already (`confirmed` or dismissed).
    DuplicateDecided {
        confirmed: bool,
    },
    /// No such pair of probable duplicates.
    DuplicateUnknown {
        id: ReportId,
        other: ReportId,
    },
    Store(StoreError),
}

impl From<StoreError> for DeskError {
    fn from(e: StoreError) -> DeskError {
        DeskError::Store(e)
    }
}

impl DeskError {
    /// The API's answer, with its stable code, in `lang` where the detail is a sentence of the workflow.
    pub fn to_api(self, lang: Lang) -> ApiError {
        let agency_error =
            |code, msg, agency: AgencyKind| ApiError::new(code, msg).arg("agency", agency.as_str().to_uppercase());
        match self {
            DeskError::Forbidden => auth::forbidden(),
            DeskError::NotFound(id) => {
                ApiError::not_found(Code::ReportNotFound, Msg::ErrReportNotFound, ("id", id.to_string()))
            }
            DeskError::Invalid(problems) => ApiError::validation(problems),
            DeskError::Workflow(e) => {
                let code = match e {
                    TransitionError::NotAllowed { .. } => Code::TransitionNotAllowed,
                    TransitionError::OwnReport => Code::OwnReport,
                    TransitionError::ReasonRequired => Code::ReasonRequired,
                };
                ApiError::new(code, Msg::ErrWorkflow).arg("detail", e.message(lang))
            }
            DeskError::MovedMeanwhile => ApiError::new(Code::TransitionNotAllowed, Msg::ErrWorkflow)
                .arg("detail", lang.t(Msg::ErrMovedMeanwhile)),
            DeskError::NotResponsible { owner, responsible } => {
                let names: Vec<String> = responsible.iter().map(|a| a.as_str().to_uppercase()).collect();
                ApiError::new(Code::NotResponsible, Msg::ErrNotResponsible)
                    .arg("owner", owner.as_str().to_uppercase())
                    .arg("responsible", if names.is_empty() { "–".to_owned() } else { names.join(", ") })
            }
            DeskError::NotOwner { agency } => {
                ApiError::new(Code::NotOwner, Msg::ErrNotOwner).arg("agency", agency.to_uppercase())
            }
            DeskError::ShareOwnAgency(a) => agency_error(Code::ShareOwnAgency, Msg::ErrShareOwnAgency, a),
            DeskError::AlreadyShared(a) => agency_error(Code::AlreadyShared, Msg::ErrAlreadyShared, a),
            DeskError::NotShared(a) => agency_error(Code::NotShared, Msg::ErrNotShared, a),
            DeskError::DuplicateDecided { confirmed } => {
                let label = match (lang, confirmed) {
                    (Lang::Id, true) => "dikonfirmasi",
                    (Lang::Id, false) => "dibatalkan",
                    (Lang::En, true) => "confirmed",
                    (Lang::En, false) => "dismissed",
                };
                ApiError::new(Code::DuplicateDecided, Msg::ErrDuplicateDecided).arg("status", label)
            }
            DeskError::DuplicateUnknown { id, other } => {
                ApiError::new(Code::DuplicateNotFound, Msg::ErrDuplicateUnknown).arg("id", id).arg("other", other)
            }
            DeskError::Store(e) => e.into(),
        }
    }
}

/// Who acts on the desk: the account, the viewer it acts as, and the name the history records.
pub struct Actor<'a> {
    pub user: &'a UserRecord,
    pub viewer: &'a Viewer,
    /// `user` or `user (token ID)`.
    pub name: String,
}

impl<'a> Actor<'a> {
    pub fn of(current: &'a CurrentUser) -> Actor<'a> {
        Actor { user: &current.user, viewer: &current.viewer, name: current.actor() }
    }

    /// A share or a revocation of one by this actor, now.
    fn share_move(&self, report_id: ReportId, agency: AgencyKind, reason: String) -> ShareMove {
        ShareMove {
            report_id,
            agency,
            at_ms: auth::now_ms(),
            account_id: Some(self.user.id),
            actor: self.name.clone(),
            reason,
        }
    }
}

/// A move as typed: the transition's name, a reason (optional for some moves), a rejection's kind.
pub struct MoveFields {
    pub action: String,
    pub reason: String,
    pub reject_reason: Option<String>,
    /// For an assignment: the code of the unit to act (one of [`assignable_units`]).
    pub unit: Option<String>,
}

/// The units a user may assign a report to: those of the user's agency whose territory holds the report's village
/// (the Polsek of the district, the Polres of the regency, …), narrowest first.
pub async fn assignable_units(
    state: &AppState,
    viewer: &Viewer,
    record: &ReportRecord,
) -> Result<Vec<sinergi_domain::Unit>, StoreError> {
    let mut units: Vec<sinergi_domain::Unit> = state
        .desk
        .units_over(&state.store, &record.village_code)
        .await?
        .iter()
        .filter(|u| u.kind.agency() == viewer.agency)
        .cloned()
        .collect();
    units.sort_by(|a, b| b.territory.level().cmp(&a.territory.level()).then_with(|| a.code.cmp(&b.code)));
    Ok(units)
}

async fn readable(state: &AppState, viewer: &Viewer, id: ReportId) -> Result<ReportRecord, DeskError> {
    state.store.report(viewer, id).await?.ok_or(DeskError::NotFound(id))
}

/// Moves a report through its workflow (those who handle reports). The reporter may not verify or reject their
/// own report; a move the workflow does not allow from the report's status, or that someone made first, is
/// refused. Returns the report as it is now.
pub async fn move_report(
    state: &AppState,
    actor: &Actor<'_>,
    id: ReportId,
    fields: &MoveFields,
) -> Result<ReportRecord, DeskError> {
    if !actor.viewer.may(Action::HandleReports) {
        return Err(DeskError::Forbidden);
    }
    let record = readable(state, actor.viewer, id).await?;
    let mut problems = Vec::new();
    let names: Vec<&str> = Transition::ALL.iter().map(|t| t.as_str()).collect();
    let transition = Transition::parse(&fields.action);
    if transition.is_none() {
        problems.push(("action".to_owned(), Problem::one_of(&fields.action, &names)));
    }
    let reject = fields.reject_reason.as_deref().and_then(|text| {
        let found = RejectReason::parse(text);
        if found.is_none() {
            problems.push((
                "reject_reason".to_owned(),
                Problem::one_of(text, &["hoax", "duplicate", "not_election", "other"]),
            ));
        }
        found
    });
    // Optional here (a verification needs no reason), so checked but not required.
    let reason = fields.reason.trim().replace("\r\n", "\n");
    if reason.chars().count() > 2000 {
        problems.push(("reason".to_owned(), Problem::TooLong(2000)));
    } else if reason.chars().any(|c| text::forbidden(c, Lines::Many)) {
        problems.push(("reason".to_owned(), Problem::ControlCharacter));
    }
    let (Some(transition), true) = (transition, problems.is_empty()) else {
        return Err(DeskError::Invalid(problems));
    };
    // The owning and the responsible agencies move a report; others comment, share or escalate.
    let responsible = responsible_agencies(state, id).await?;
    if !workflow::agency_may_move(actor.viewer.agency, record.source_agency, &responsible) {
        return Err(DeskError::NotResponsible { owner: record.source_agency, responsible });
    }
    let from = record.status;
    let to = workflow::apply(from, transition, actor.user.id, record.reporter_account, &reason, reject)
        .map_err(DeskError::Workflow)?;
    // An assignment names the unit that is to act on the report.
    let unit = fields.unit.as_deref().map(str::trim).filter(|u| !u.is_empty());
    let mut assigned_unit = None;
    if transition == Transition::Assign {
        match unit {
            None => problems.push(("unit".to_owned(), Problem::Empty)),
            Some(code) => {
                let units = assignable_units(state, actor.viewer, &record).await?;
                match units.iter().find(|u| u.code == code) {
                    Some(u) => assigned_unit = Some(u.code.clone()),
                    None => {
                        problems.push(("unit".to_owned(), Problem::UnitCannotTake(code.chars().take(40).collect())))
                    }
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(DeskError::Invalid(problems));
    }
    let step = ReportMove {
        report_id: id,
        action: transition.as_str().to_owned(),
        from,
        to,
        at_ms: auth::now_ms(),
        account_id: Some(actor.user.id),
        actor: actor.name.clone(),
        reject_reason: if transition == Transition::Reject { reject } else { None },
        assigned_unit,
        reason,
    };
    state.store.move_report(&step).await.map_err(|e| match e {
        StoreError::Conflict(_) => DeskError::MovedMeanwhile,
        other => other.into(),
    })?;
    readable(state, actor.viewer, id).await
}

/// The agencies a report's routes make responsible for it (its units' agencies, each once).
pub(crate) async fn responsible_agencies(state: &AppState, id: ReportId) -> Result<Vec<AgencyKind>, DeskError> {
    let mut agencies: Vec<AgencyKind> = state
        .store
        .report_routes(id)
        .await?
        .into_iter()
        .filter(|r| r.role == "responsible")
        .filter_map(|r| AgencyKind::parse(&r.agency))
        .collect();
    agencies.sort_by_key(|a| a.as_str());
    agencies.dedup();
    Ok(agencies)
}

/// A comment as added.
pub struct Comment {
    pub id: i64,
    pub at_ms: i64,
    pub author: String,
    pub agency: AgencyKind,
    pub body: String,
}

/// Adds a comment to a report's thread (those who file or handle reports, where they read the report).
pub async fn comment(state: &AppState, actor: &Actor<'_>, id: ReportId, body: &str) -> Result<Comment, DeskError> {
    if !actor.viewer.may(Action::FileReports) && !actor.viewer.may(Action::HandleReports) {
        return Err(DeskError::Forbidden);
    }
    readable(state, actor.viewer, id).await?;
    let body = text::check(body, 2000, Lines::Many).map_err(|p| DeskError::Invalid(vec![("body".into(), p)]))?;
    let at_ms = auth::now_ms();
    let author = actor.user.display_name.clone();
    let agency = actor.viewer.agency;
    let id = state.store.add_comment(id, at_ms, Some(actor.user.id), &author, agency.as_str(), &body).await?;
    Ok(Comment { id, at_ms, author, agency, body })
}

/// Only the owning agency (the one that filed it) shares a report or revokes a share; an agency it was shared
/// with cannot pass it on. Administrators act for any agency.
async fn owned_report(state: &AppState, actor: &Actor<'_>, id: ReportId) -> Result<ReportRecord, DeskError> {
    if !actor.viewer.may(Action::FileReports) && !actor.viewer.may(Action::HandleReports) {
        return Err(DeskError::Forbidden);
    }
    let record = readable(state, actor.viewer, id).await?;
    if actor.viewer.role != Role::Administrator && actor.viewer.agency != record.source_agency {
        return Err(DeskError::NotOwner { agency: record.source_agency.as_str().to_owned() });
    }
    Ok(record)
}

/// The agency named, and the reason: each fault named.
fn share_fields(agency: &str, reason: &str) -> Result<(AgencyKind, String), DeskError> {
    let mut problems = Vec::new();
    let found = AgencyKind::parse(agency.trim());
    if found.is_none() {
        let allowed: Vec<&str> = AgencyKind::ALL.iter().map(|a| a.as_str()).collect();
        problems.push(("agency".into(), Problem::one_of(agency, &allowed)));
    }
    let reason = text::check(reason, 2000, Lines::Many).unwrap_or_else(|p| {
        problems.push(("reason".into(), p));
        String::new()
    });
    match found {
        Some(agency) if problems.is_empty() => Ok((agency, reason)),
        _ => Err(DeskError::Invalid(problems)),
    }
}

/// Shares a report with another agency, with a reason: it enters that agency's queue, and the agency reads it
/// whatever its level. Only the owning agency shares; a second share with the same agency is refused.
pub async fn share(
    state: &AppState,
    actor: &Actor<'_>,
    id: ReportId,
    agency: &str,
    reason: &str,
) -> Result<(), DeskError> {
    let record = owned_report(state, actor, id).await?;
    let (agency, reason) = share_fields(agency, reason)?;
    if agency == record.source_agency {
        return Err(DeskError::ShareOwnAgency(agency));
    }
    state.store.share_report(&actor.share_move(id, agency, reason)).await.map_err(|e| match e {
        StoreError::Conflict(_) => DeskError::AlreadyShared(agency),
        other => other.into(),
    })
}

/// Revokes a report's share with an agency, with a reason. Only the owning agency revokes; an agency the report
/// is not shared with is refused.
pub async fn revoke(
    state: &AppState,
    actor: &Actor<'_>,
    id: ReportId,
    agency: &str,
    reason: &str,
) -> Result<(), DeskError> {
    owned_report(state, actor, id).await?;
    let (agency, reason) = share_fields(agency, reason)?;
    state.store.revoke_share(&actor.share_move(id, agency, reason)).await.map_err(|e| match e {
        StoreError::Conflict(_) => DeskError::NotShared(agency),
        other => other.into(),
    })
}

/// Confirms or dismisses a probable duplicate (`id` and `other` in either order). Confirming rejects the later of
/// the two as `duplicate` when it still awaits verification (its reporter may not); checked against the workflow
/// before anything is written, so a refused rejection leaves the pair undecided. `lang` is the language of the
/// rejection's reason in the history.
pub async fn decide_duplicate(
    state: &AppState,
    actor: &Actor<'_>,
    id: ReportId,
    other: ReportId,
    decision: &str,
    lang: Lang,
) -> Result<(), DeskError> {
    if !actor.viewer.may(Action::HandleReports) {
        return Err(DeskError::Forbidden);
    }
    let confirm = match decision.trim() {
        "confirm" => true,
        "dismiss" => false,
        text => {
            return Err(DeskError::Invalid(vec![("decision".into(), Problem::one_of(text, &["confirm", "dismiss"]))]));
        }
    };
    let first = readable(state, actor.viewer, id).await?;
    let second = readable(state, actor.viewer, other).await?;
    let (later, earlier) = if first.id > second.id { (first, second) } else { (second, first) };
    let status = later.status;
    let rejection = match status {
        status if confirm && status.awaits_verification() => {
            let earlier_ref = earlier.kind.reference(earlier.id);
            let why = lang.format(Msg::DuplicateOf, &[("reference", &earlier_ref)]);
            let reject = Some(RejectReason::Duplicate);
            let to = workflow::apply(status, Transition::Reject, actor.user.id, later.reporter_account, &why, reject)
                .map_err(DeskError::Workflow)?;
            Some((status, to, why))
        }
        _ => None,
    };
    let at_ms = auth::now_ms();
    match state.store.decide_duplicate(later.id, earlier.id, confirm, at_ms, &actor.name).await? {
        DuplicateDecided::Recorded => {}
        DuplicateDecided::Already { confirmed } => return Err(DeskError::DuplicateDecided { confirmed }),
        DuplicateDecided::UnknownPair => return Err(DeskError::DuplicateUnknown { id, other }),
    }
    if let Some((from, to, why)) = rejection {
        let step = ReportMove {
            report_id: later.id,
            action: Transition::Reject.as_str().to_owned(),
            from,
            to,
            at_ms,
            account_id: Some(actor.user.id),
            actor: actor.name.clone(),
            reject_reason: Some(RejectReason::Duplicate),
            assigned_unit: None,
            reason: why,
        };
        // Someone may have verified it meanwhile: the confirmation stands, and the report stays where they put it.
        match state.store.move_report(&step).await {
            Ok(()) | Err(StoreError::Conflict(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Reads a report for its page or the API: only what the user may read (`NotFound` otherwise, as if it did not
/// exist), and every read of a restricted or secret report audited (who read which, when, from where).
pub async fn read_report(
    state: &AppState,
    actor: &Actor<'_>,
    origin: &str,
    id: ReportId,
) -> Result<ReportRecord, DeskError> {
    if !actor.viewer.reads_reports() {
        return Err(DeskError::Forbidden);
    }
    let record = readable(state, actor.viewer, id).await?;
    if record.classification != sinergi_domain::trust::auth::Classification::Biasa {
        let target = format!("report:{}", record.id);
        let event = auth::event(&actor.name, "report.read", &target, record.classification.as_str().to_owned(), origin);
        state.store.append_audit(&event).await?;
    }
    Ok(record)
}

/// Most overdue reports listed at once: the most overdue first.
pub const ESCALATIONS_LISTED: usize = 1000;

/// The escalation panel: the open reports the viewer reads that have missed their time limit for verification or
/// for first action, most overdue first, each with the units it is escalated to (as far up as its steps reach).
pub async fn overdue_reports(
    state: &AppState,
    viewer: &Viewer,
) -> Result<Vec<(ReportRecord, sinergi_domain::incident::escalation::Overdue, Vec<sinergi_domain::Unit>)>, DeskError> {
    if !viewer.reads_reports() {
        return Err(DeskError::Forbidden);
    }
    let taxonomy = state.desk.taxonomy();
    let now = auth::now_ms();
    let filter = sinergi_store::ReportFilter { open: true, ..Default::default() };
    let mut overdue = Vec::new();
    let mut page = 1;
    // Open reports, a page at a time; only the overdue ones are kept.
    loop {
        let (items, total) = state.store.reports(viewer, &filter, sinergi_store::Page::new(page, 1000)).await?;
        let done = u64::from(page) * 1000 >= total || items.is_empty();
        for record in items {
            let late = sinergi_domain::incident::Severity::from_number(i64::from(record.severity))
                .and_then(|severity| taxonomy.overdue(severity, record.status, record.status_since_ms, now));
            if let Some(late) = late {
                overdue.push((record, late));
            }
        }
        if done || overdue.len() >= ESCALATIONS_LISTED {
            break;
        }
        page += 1;
    }
    overdue.sort_by_key(|(_, late)| late.due_at_ms);
    overdue.truncate(ESCALATIONS_LISTED);
    let mut panel = Vec::with_capacity(overdue.len());
    for (record, late) in overdue {
        let units = crate::incident::desk::escalation_targets(&state.store, &record, late.steps).await?;
        panel.push((record, late, units.into_iter().map(|(_, u)| u).collect()));
    }
    Ok(panel)
}
