//! What the incident desk shows of a report, for the API and the pages alike: the report as read (`ReportDto`),
//! its detail with routes, history, comments, shares, moves and the duplicates the user may see (`detail`), the
//! escalation panel, and the checked filters and the places of the list and the export (`FilterText`, `places`).
//! A page shows exactly what the API answers the same user because both build their answer here.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use sinergi_domain::access::{Action, Viewer};
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::import::parse_wib_time;
use sinergi_domain::incident::{ReportId, Severity, Status, workflow};
use sinergi_domain::{AgencyKind, LatLng, Level, RegionCode};
use sinergi_store::{ReportFilter, ReportRecord, StoreError};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::parse_code;
use crate::error::{ApiError, Code};
use crate::registry::api::dto::LatLngDto;
use crate::trust::auth::{self, CurrentUser};

/// A report as the API shows it.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ReportDto {
    pub id: i64,
    /// `LK-000123` for an incident report (*laporan kejadian*), `LI-000123` for an intelligence report.
    pub reference: String,
    /// `incident` or `intelligence`.
    pub kind: String,
    pub category: String,
    pub category_label: String,
    /// 1 (low) to 4 (critical).
    pub severity: u8,
    pub status: String,
    pub status_label: String,
    /// Milliseconds since the Unix epoch.
    pub occurred_at_ms: i64,
    pub reported_at_ms: i64,
    pub updated_at_ms: i64,
    pub village_code: String,
    pub tps_id: Option<i64>,
    pub location: Option<LatLngDto>,
    pub description: String,
    pub source_agency: String,
    pub source_person: String,
    /// `web`, `api`, `sms`, `chat` or `field`.
    pub channel: String,
    /// `biasa`, `terbatas` or `rahasia`.
    pub classification: String,
    /// Set when the report has missed its time limit (docs/incidents.md, "Escalation").
    pub overdue: Option<OverdueDto>,
}

/// A missed time limit.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct OverdueDto {
    /// `verify` (not verified in time) or `act` (verified, nobody started in time).
    pub stage: String,
    /// When the limit passed (ms since the epoch).
    pub due_at_ms: i64,
    /// How far up the chain it is escalated: 1 or 2.
    pub steps: u8,
}

/// The reference officers quote: the kind's initials and the id.
impl ReportDto {
    pub(crate) fn new(r: ReportRecord, state: &AppState, lang: Lang) -> ReportDto {
        let taxonomy = &state.desk.taxonomy();
        let overdue = Severity::from_number(i64::from(r.severity))
            .and_then(|severity| taxonomy.overdue(severity, r.status, r.status_since_ms, auth::now_ms()));
        ReportDto {
            overdue: overdue.map(|o| OverdueDto {
                stage: o.stage.as_str().to_owned(),
                due_at_ms: o.due_at_ms,
                steps: o.steps,
            }),
            reference: r.kind.reference(r.id),
            id: r.id.0,
            category_label: taxonomy.category(&r.category).map_or(r.category.clone(), |c| c.label.get(lang).to_owned()),
            category: r.category,
            kind: r.kind.as_str().to_owned(),
            severity: r.severity,
            status_label: r.status.label(lang).to_owned(),
            status: r.status.as_str().to_owned(),
            occurred_at_ms: r.occurred_at_ms,
            reported_at_ms: r.reported_at_ms,
            updated_at_ms: r.updated_at_ms,
            village_code: r.village_code.to_string(),
            tps_id: r.tps_id,
            location: r.location.map(|l| LatLngDto { lat: l.lat, lng: l.lng }),
            description: r.description,
            source_agency: r.source_agency.as_str().to_owned(),
            source_person: r.source_person,
            channel: r.channel.as_str().to_owned(),
            classification: r.classification.as_str().to_owned(),
        }
    }
}

/// One entry of a report's history.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ReportEventDto {
    pub at_ms: i64,
    pub actor: String,
    /// `create`, or the move: `verify`, `reject`, `assign`, `start`, `resolve`, `close`, `reopen`.
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    /// For a rejection: `hoax`, `duplicate`, `not_election` or `other`.
    pub reject_reason: Option<String>,
    /// For an assignment: the unit assigned to act, by code and name.
    pub assigned_unit: Option<String>,
    pub assigned_unit_name: Option<String>,
    pub reason: String,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct CommentDto {
    pub id: i64,
    pub at_ms: i64,
    pub author: String,
    pub agency: String,
    pub body: String,
}

/// A unit a report was routed to.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct RouteDto {
    pub unit_code: String,
    pub unit_name: String,
    pub agency: String,
    /// `responsible` (must act) or `informed`.
    pub role: String,
}

/// A report with its history and its comments.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ReportDetailDto {
    pub report: ReportDto,
    /// The units that must act on it, then those informed.
    pub routes: Vec<RouteDto>,
    pub history: Vec<ReportEventDto>,
    pub comments: Vec<CommentDto>,
    /// The moves the user may make now: the workflow's from the status, for the owning and responsible agencies,
    /// without verifying or rejecting one's own report.
    pub moves: Vec<String>,
    /// When `assign` is among the moves: the units it may name (the user's agency's, over the report's village),
    /// narrowest first.
    pub assignable_units: Vec<UnitChoiceDto>,
    /// The agencies it was shared with, revoked shares too, oldest first.
    pub shares: Vec<ShareDto>,
    /// Its probable duplicates that the user may read, nearest first.
    pub duplicates: Vec<DuplicateDto>,
}

/// A unit to choose, by code and name.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct UnitChoiceDto {
    pub code: String,
    pub name: String,
}

/// A share of a report with an agency.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ShareDto {
    pub agency: String,
    pub shared_at_ms: i64,
    pub shared_by: String,
    pub reason: String,
    /// Set once revoked.
    pub revoked_at_ms: Option<i64>,
    pub revoked_by: Option<String>,
    pub revoke_reason: Option<String>,
    pub active: bool,
}

impl From<sinergi_store::ShareRecord> for ShareDto {
    fn from(s: sinergi_store::ShareRecord) -> ShareDto {
        ShareDto {
            active: s.revoked_at_ms.is_none(),
            agency: s.agency,
            shared_at_ms: s.shared_at_ms,
            shared_by: s.shared_by,
            reason: s.reason,
            revoked_at_ms: s.revoked_at_ms,
            revoked_by: s.revoked_by,
            revoke_reason: s.revoke_reason,
        }
    }
}

/// A probable duplicate, seen from one report: the other report of the pair.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct DuplicateDto {
    pub other_id: i64,
    pub other_reference: String,
    /// Whether the other report is the earlier one (then this one is the probable copy).
    pub other_is_earlier: bool,
    /// Metres between the two places.
    pub distance_m: f64,
    /// Minutes between the two times of event.
    pub gap_minutes: i64,
    /// `probable`, `confirmed` or `dismissed`.
    pub status: String,
    pub decided_by: Option<String>,
    pub decided_at_ms: Option<i64>,
}

impl DuplicateDto {
    pub(crate) fn new(d: sinergi_store::DuplicateRecord, this: ReportId, other: &ReportRecord) -> DuplicateDto {
        DuplicateDto {
            other_id: other.id.0,
            other_reference: other.kind.reference(other.id),
            other_is_earlier: d.report_id == this,
            distance_m: (d.distance_m * 10.0).round() / 10.0,
            gap_minutes: d.gap_ms / 60_000,
            status: d.status,
            decided_by: d.decided_by,
            decided_at_ms: d.decided_at_ms,
        }
    }
}

/// A report with its routes, history, comments, shares, the moves the user may make and the probable duplicates
/// the user may see (the API's answer and the report page's content).
pub(crate) async fn detail(
    state: &AppState,
    current: &CurrentUser,
    record: ReportRecord,
    lang: Lang,
) -> Result<ReportDetailDto, ApiError> {
    let id = record.id;
    let status = record.status;
    let history = state.store.report_history(id).await?;
    let comments = state.store.comments(id).await?;
    let routes = state.store.report_routes(id).await?;
    // Only the moves this user may make now: its agency owns or is responsible for the report, the workflow
    // allows them from the status, and nobody verifies or rejects their own report.
    let mut moves: Vec<String> = if current.viewer.may(Action::HandleReports) {
        let responsible: Vec<sinergi_domain::AgencyKind> = routes
            .iter()
            .filter(|r| r.role == "responsible")
            .filter_map(|r| sinergi_domain::AgencyKind::parse(&r.agency))
            .collect();
        let agency_moves = workflow::agency_may_move(current.viewer.agency, record.source_agency, &responsible);
        let own = record.reporter_account == Some(current.user.id);
        workflow::offered(status, own, agency_moves).into_iter().map(|t| t.as_str().to_owned()).collect()
    } else {
        Vec::new()
    };
    let assignable_units = if moves.iter().any(|m| m == "assign") {
        crate::incident::service::assignable_units(state, &current.viewer, &record)
            .await?
            .into_iter()
            .map(|u| UnitChoiceDto { code: u.code, name: u.name })
            .collect()
    } else {
        Vec::new()
    };
    // Assigning names a unit: with none of the user's agency over the report's village, it is not offered.
    if assignable_units.is_empty() {
        moves.retain(|m| m != "assign");
    }
    // The names of the units assignments named (units over the report's village).
    let unit_names: std::collections::HashMap<String, String> = if history.iter().any(|h| h.assigned_unit.is_some()) {
        state
            .desk
            .units_over(&state.store, &record.village_code)
            .await?
            .iter()
            .map(|u| (u.code.clone(), u.name.clone()))
            .collect()
    } else {
        Default::default()
    };
    Ok(ReportDetailDto {
        report: ReportDto::new(record, state, lang),
        routes: routes
            .into_iter()
            .map(|r| RouteDto { unit_code: r.unit_code, unit_name: r.unit_name, agency: r.agency, role: r.role })
            .collect(),
        history: history
            .into_iter()
            .map(|h| ReportEventDto {
                at_ms: h.at_ms,
                actor: h.actor,
                action: h.action,
                from_status: h.from_status,
                to_status: h.to_status,
                reject_reason: h.reject_reason,
                assigned_unit_name: h
                    .assigned_unit
                    .as_ref()
                    .map(|c| unit_names.get(c).cloned().unwrap_or_else(|| c.clone())),
                assigned_unit: h.assigned_unit,
                reason: h.reason,
            })
            .collect(),
        comments: comments
            .into_iter()
            .map(|c| CommentDto { id: c.id, at_ms: c.at_ms, author: c.author, agency: c.agency, body: c.body })
            .collect(),
        moves,
        assignable_units,
        shares: state.store.report_shares(id).await?.into_iter().map(ShareDto::from).collect(),
        duplicates: visible_duplicates(state, current, id).await?,
    })
}

/// An overdue report, and the units it is escalated to.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct EscalationDto {
    pub report: ReportDto,
    /// The units above those responsible, as far up as the report is escalated (Polsek → Polres → Polda).
    pub escalated_to: Vec<RouteDto>,
}

/// The escalation panel as the API answers it and the page shows it.
pub(crate) fn escalation_panel(
    state: &AppState,
    overdue: Vec<(ReportRecord, sinergi_domain::incident::escalation::Overdue, Vec<sinergi_domain::Unit>)>,
    lang: Lang,
) -> Vec<EscalationDto> {
    overdue
        .into_iter()
        .map(|(record, _, units)| EscalationDto {
            report: ReportDto::new(record, state, lang),
            escalated_to: units
                .into_iter()
                .map(|u| RouteDto {
                    agency: u.kind.agency().as_str().to_owned(),
                    unit_code: u.code,
                    unit_name: u.name,
                    role: "escalated".into(),
                })
                .collect(),
        })
        .collect()
}

/// The probable duplicates of `id` whose other report the viewer may read.
pub(crate) async fn visible_duplicates(
    state: &AppState,
    current: &CurrentUser,
    id: ReportId,
) -> Result<Vec<DuplicateDto>, ApiError> {
    let mut out = Vec::new();
    for d in state.store.report_duplicates(id).await? {
        let other_id = if d.report_id == id { d.other_id } else { d.report_id };
        if let Some(other) = state.store.report(&current.viewer, other_id).await? {
            out.push(DuplicateDto::new(d, id, &other));
        }
    }
    Ok(out)
}

/// The filters of a report list as they were given (the export's query, a page's form), before they are checked.
/// Empty texts count as not given, since a form sends its empty fields.
#[derive(Debug, Clone, Default)]
pub(crate) struct FilterText {
    pub region: Option<String>,
    pub status: Option<String>,
    pub category: Option<String>,
    pub severity: Option<String>,
    pub agency: Option<String>,
    pub routed_to: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub open: bool,
}

pub(crate) fn given(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

impl FilterText {
    /// Checks the filters as `GET /reports` does: a malformed one is a 400 that names its parameter.
    pub(crate) fn filter(&self) -> Result<ReportFilter, ApiError> {
        let bad = |what: &str| ApiError::bad_request(Code::InvalidQuery, Msg::ErrBadRequest, what);
        let within = given(&self.region).map(|r| parse_code(r, "region")).transpose()?;
        let status = given(&self.status).map(str::to_owned);
        if status.as_deref().is_some_and(|s| Status::parse(s).is_none()) {
            return Err(bad("status: reported, verified, rejected, assigned, in_handling, resolved or closed"));
        }
        let min_severity = match given(&self.severity) {
            None => None,
            Some(text) => match text.parse::<u8>() {
                Ok(n) if (1..=4).contains(&n) => Some(n),
                _ => return Err(bad("severity: 1 to 4")),
            },
        };
        let routed_to = given(&self.routed_to)
            .map(|a| AgencyKind::parse(a).ok_or_else(|| bad("routed_to: an agency such as polri, bawaslu, pln")))
            .transpose()?;
        let day = |text: &Option<String>, name: &str| -> Result<Option<i64>, ApiError> {
            given(text)
                .map(|t| parse_wib_time(t).filter(|_| t.len() == 10).ok_or_else(|| bad(&format!("{name}: YYYY-MM-DD"))))
                .transpose()
        };
        let from_ms = day(&self.from, "from")?;
        let to_ms = day(&self.to, "to")?.map(|t| t + 86_400_000);
        Ok(ReportFilter {
            within,
            status,
            category: given(&self.category).map(str::to_owned),
            min_severity,
            source_agency: given(&self.agency).map(str::to_owned),
            from_ms,
            to_ms,
            routed_to,
            open: self.open,
            reporter_account: None,
        })
    }

    /// The filters as query parameters (`region=15.07&open=true`), for links that repeat them; empty when none.
    pub(crate) fn query(&self) -> String {
        let mut parts = Vec::new();
        for (name, value) in [
            ("region", &self.region),
            ("status", &self.status),
            ("category", &self.category),
            ("severity", &self.severity),
            ("agency", &self.agency),
            ("routed_to", &self.routed_to),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if let Some(v) = given(value) {
                parts.push(format!("{name}={}", crate::pages::percent_encode(v)));
            }
        }
        if self.open {
            parts.push("open=true".to_owned());
        }
        parts.join("&")
    }
}

/// Where a report is drawn, and the name of its village.
pub(crate) struct Place {
    pub village_name: String,
    pub point: Option<LatLng>,
    /// `report` (its own coordinates), `village` (the village's centre) or empty (neither is known).
    pub source: &'static str,
}

/// The names and centres of these villages, read one district at a time (a district's villages in one query).
/// A village the viewer does not see is left out.
pub(crate) async fn villages(
    state: &AppState,
    viewer: &Viewer,
    codes: &HashSet<RegionCode>,
) -> Result<HashMap<RegionCode, (String, Option<LatLng>)>, StoreError> {
    let districts: HashSet<RegionCode> = codes.iter().filter_map(RegionCode::parent).collect();
    let mut out = HashMap::new();
    for district in districts {
        for v in state.store.children(viewer, Some(&district)).await? {
            if v.level == Level::Village && codes.contains(&v.code) {
                out.insert(v.code, (v.name, v.centroid));
            }
        }
    }
    Ok(out)
}

/// Where each report is drawn, by report id. A village the viewer does not see keeps its code as its name and
/// has no centre.
pub(crate) async fn places(
    state: &AppState,
    viewer: &Viewer,
    records: &[ReportRecord],
) -> Result<HashMap<ReportId, Place>, StoreError> {
    let codes: HashSet<RegionCode> = records.iter().map(|r| r.village_code.clone()).collect();
    let villages = villages(state, viewer, &codes).await?;
    Ok(records
        .iter()
        .map(|r| {
            let (name, centre) = villages.get(&r.village_code).cloned().unwrap_or((r.village_code.to_string(), None));
            let (point, source) = match (r.location, centre) {
                (Some(own), _) => (Some(own), "report"),
                (None, Some(centre)) => (Some(centre), "village"),
                (None, None) => (None, ""),
            };
            (r.id, Place { village_name: name, point, source })
        })
        .collect())
}

/// A severity by its label in `lang` (empty for a number outside 1–4), for the pages and the exports alike.
pub(crate) fn severity_label(lang: Lang, severity: u8) -> &'static str {
    Severity::from_number(i64::from(severity)).map_or("", |s| s.label(lang))
}
