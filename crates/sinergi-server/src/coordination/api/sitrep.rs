//! The situation report of an area as PDF.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sinergi_domain::coordination::calendar::Date;
use sinergi_domain::i18n::Msg;
use utoipa::IntoParams;

use crate::AppState;
use crate::api::{ApiQuery, parse_code};
use crate::coordination::sitrep::{self, Period};
use crate::error::{ApiError, Code, ErrorBody};
use crate::lang::ApiLang;
use crate::trust::auth::CurrentUser;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SitrepQuery {
    /// A province, regency or district of your territory.
    pub region: String,
    /// The report's day, `YYYY-MM-DD` (default: today, WIB).
    pub date: Option<String>,
    /// `24h` (the day, the default) or `7d` (the week ending with it).
    pub period: Option<String>,
}

/// Reads the query into the report's day and period, naming a bad parameter.
pub(crate) fn day_and_period(date: Option<&str>, period: Option<&str>) -> Result<(Date, Period), ApiError> {
    let day = match date.map(str::trim).filter(|d| !d.is_empty()) {
        None => crate::coordination::calendar::today(),
        Some(d) => Date::parse(d)
            .ok_or_else(|| ApiError::bad_request(Code::InvalidQuery, Msg::ErrBadRequest, "date: YYYY-MM-DD"))?,
    };
    let period = match period.map(str::trim).filter(|p| !p.is_empty()) {
        None => Period::Day,
        Some(p) => Period::parse(p)
            .ok_or_else(|| ApiError::bad_request(Code::InvalidQuery, Msg::ErrBadRequest, "period: 24h or 7d"))?,
    };
    Ok((day, period))
}

/// The situation report (*laporan situasi*) of an area you cover, for a day or the week ending with it, as PDF: the
/// area, the election stage, vulnerability by district, incidents by category, status and district (the notable
/// ones in detail), early warnings, action items, meetings held, a map and a chart. Marked with the highest
/// classification of what it holds. An area outside your territory is not found.
#[utoipa::path(get, path = "/sitreps", tag = "coordination", operation_id = "sitrep", params(SitrepQuery),
    responses((status = 200, description = "The report", content_type = "application/pdf"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiLang(lang): ApiLang,
    ApiQuery(query): ApiQuery<SitrepQuery>,
) -> Result<Response, ApiError> {
    let region = parse_code(&query.region, "region")?;
    let (day, period) = day_and_period(query.date.as_deref(), query.period.as_deref())?;
    let issuer = sitrep::issuer(&*state.store, &current.user.unit_code).await?;
    let report = sitrep::build(&*state.store, &current.viewer, &region, day, period, lang, issuer.as_ref()).await?;
    let bytes = sitrep::pdf(report).await?;
    let name = format!("laporan-situasi-{}-{}.pdf", region.as_str().replace('.', ""), day);
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response())
}
