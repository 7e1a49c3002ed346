//! The election calendar: what is in force for a region today, its iCalendar feed (subscribable from a phone's
//! calendar with a read-only token in the address), and loading a region's own version.

use axum::Extension;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use sinergi_domain::RegionCode;
use sinergi_domain::coordination::calendar::{Calendar, Entry};
use sinergi_domain::i18n::Lang;
use sinergi_store::StoredCalendar;
use utoipa::{IntoParams, ToSchema};

use super::actor;
use crate::AppState;
use crate::api::{ApiJson, ApiPath, ApiQuery, parse_code};
use crate::coordination::calendar::{self, Source};
use crate::error::{ApiError, ErrorBody};
use crate::lang::ApiLang;
use crate::trust::auth::{CurrentUser, Origin};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CalendarQuery {
    /// The region (default: your territory; the nation's default for a national account).
    pub region: Option<String>,
    /// For the feed: `id` or `en` (default: the request's language).
    pub lang: Option<String>,
    /// For the feed only: a read-only API token, for calendar apps that cannot send a header. Read by the
    /// authentication (`trust::auth::FEED_WITH_TOKEN`) before the handler runs; declared here for the document.
    #[allow(dead_code)]
    pub token: Option<String>,
}

/// A stage of the election or a phase of the operation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EntryDto {
    pub id: String,
    /// `stage` or `operation`.
    pub kind: String,
    pub label: String,
    /// `YYYY-MM-DD`, both days included.
    pub start: String,
    pub end: String,
    pub note: Option<String>,
}

fn entry_dto(e: &Entry, lang: Lang) -> EntryDto {
    EntryDto {
        id: e.id.clone(),
        kind: e.kind.as_str().to_owned(),
        label: e.label.get(lang).to_owned(),
        start: e.start.to_string(),
        end: e.end.to_string(),
        note: e.note.as_ref().map(|n| n.get(lang).to_owned()),
    }
}

/// A stored calendar version (without its text).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CalendarVersionDto {
    pub id: i64,
    pub region: String,
    pub calendar_id: String,
    pub loaded_by: String,
    pub loaded_at_ms: i64,
    pub reason: String,
}

impl CalendarVersionDto {
    fn new(v: &StoredCalendar) -> CalendarVersionDto {
        CalendarVersionDto {
            id: v.id,
            region: v.region.to_string(),
            calendar_id: v.calendar_id.clone(),
            loaded_by: v.loaded_by.clone(),
            loaded_at_ms: v.loaded_at_ms,
            reason: v.reason.clone(),
        }
    }
}

/// The calendar in force for a region, and where it stands today.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CalendarDto {
    pub region: Option<String>,
    pub id: String,
    pub label: String,
    pub voting_day: String,
    /// The stored version in force (`null`: the shipped default).
    pub version: Option<CalendarVersionDto>,
    pub today: String,
    /// 0 on voting day, negative after it.
    pub days_to_voting: i64,
    /// The same in words.
    pub countdown: String,
    /// The stages in force today, the most specific first.
    pub stages_now: Vec<EntryDto>,
    pub operations_now: Vec<EntryDto>,
    pub next_stage: Option<EntryDto>,
    pub entries: Vec<EntryDto>,
}

fn calendar_dto(
    region: Option<&RegionCode>,
    c: &Calendar,
    version: Option<&StoredCalendar>,
    lang: Lang,
) -> CalendarDto {
    let today = calendar::today();
    let current = c.current(today);
    CalendarDto {
        region: region.map(ToString::to_string),
        id: c.id.clone(),
        label: c.label.get(lang).to_owned(),
        voting_day: c.voting_day.to_string(),
        version: version.map(CalendarVersionDto::new),
        today: today.to_string(),
        days_to_voting: current.days_to_voting,
        countdown: current.countdown(lang),
        stages_now: current.stages.iter().map(|e| entry_dto(e, lang)).collect(),
        operations_now: current.operations.iter().map(|e| entry_dto(e, lang)).collect(),
        next_stage: current.next_stage.map(|e| entry_dto(e, lang)),
        entries: c.entries.iter().map(|e| entry_dto(e, lang)).collect(),
    }
}

/// The region asked for, within the territory (a region outside it is not found).
async fn region_param(
    state: &AppState,
    current: &CurrentUser,
    region: Option<&str>,
) -> Result<Option<RegionCode>, ApiError> {
    match region {
        None => Ok(calendar::home_region(&current.viewer)),
        Some(text) => {
            let code = parse_code(text, "region")?;
            if !current.viewer.sees_region(&code) || state.store.region(&current.viewer, &code).await?.is_none() {
                return Err(ApiError::not_found(
                    crate::error::Code::RegionNotFound,
                    sinergi_domain::i18n::Msg::ErrRegionNotFound,
                    ("code", code.to_string()),
                ));
            }
            Ok(Some(code))
        }
    }
}

/// The election calendar in force for a region (its own version, its regency's or province's, or the shipped
/// Pilkada 2024 default): the stages and phases in force today, the next stage, the days to voting day, every entry.
#[utoipa::path(get, path = "/calendar", tag = "coordination", operation_id = "get_calendar", params(CalendarQuery),
    responses((status = 200, body = CalendarDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiLang(lang): ApiLang,
    ApiQuery(query): ApiQuery<CalendarQuery>,
) -> Result<ApiJson<CalendarDto>, ApiError> {
    let region = region_param(&state, &current, query.region.as_deref()).await?;
    let in_force = calendar::in_force(&*state.store, region.as_ref()).await?;
    Ok(ApiJson(calendar_dto(region.as_ref(), &in_force.calendar, in_force.version.as_ref(), lang)))
}

/// The calendar in force for a region as iCalendar (`text/calendar`): one all-day event per stage and phase.
/// A phone's calendar subscribes to it by its address: `…/calendar.ics?region=33.20&token=READ-ONLY-TOKEN` (only a
/// read-only token is taken in the address).
#[utoipa::path(get, path = "/calendar.ics", tag = "coordination", operation_id = "calendar_feed", params(CalendarQuery),
    responses((status = 200, description = "iCalendar (RFC 5545)", content_type = "text/calendar"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn feed(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiLang(lang): ApiLang,
    ApiQuery(query): ApiQuery<CalendarQuery>,
) -> Result<Response, ApiError> {
    let lang = query.lang.as_deref().and_then(Lang::parse).unwrap_or(lang);
    let region = region_param(&state, &current, query.region.as_deref()).await?;
    let in_force = calendar::in_force(&*state.store, region.as_ref()).await?;
    // The stamp is the version's time, so the same calendar always gives the same bytes.
    let stamp = in_force.version.as_ref().map_or(0, |v| v.loaded_at_ms);
    let body = in_force.calendar.to_ics(lang, stamp);
    let name = format!("sinergi-{}.ics", region.as_ref().map_or("nasional".to_owned(), |r| r.to_string()));
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{name}\"")),
        ],
        body,
    )
        .into_response())
}

/// A calendar version to load: a calendar file, or an iCalendar file whose dates are taken into the calendar in
/// force (exactly one of the two), and why.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarInput {
    pub toml: Option<String>,
    pub ics: Option<String>,
    pub reason: String,
}

/// Loads a region's own calendar (administrators whose territory holds the region): checked whole, every fault
/// named with its place (`stage[3].end`, `line:12:1`, `line 14`); nothing stored unless all of it holds.
#[utoipa::path(put, path = "/calendar/{region}", tag = "coordination", operation_id = "load_calendar",
    params(("region" = String, Path, description = "The region's code")), request_body = CalendarInput,
    responses((status = 200, body = CalendarVersionDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn load(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(origin): Extension<Origin>,
    ApiPath(region): ApiPath<String>,
    ApiJson(input): ApiJson<CalendarInput>,
) -> Result<ApiJson<CalendarVersionDto>, ApiError> {
    let region = parse_code(&region, "region")?;
    let source = match (&input.toml, &input.ics) {
        (Some(toml), None) => Source::Toml(toml),
        (None, Some(ics)) => Source::Ics(ics),
        _ => {
            let problem = sinergi_domain::import::Problem::one_of("", &["toml", "ics"]);
            return Err(ApiError::validation(vec![("toml".into(), problem)]));
        }
    };
    let stored = calendar::load(&*state.store, &actor(&current, &origin), &region, source, &input.reason).await?;
    Ok(ApiJson(CalendarVersionDto::new(&stored)))
}
