//! The incident desk's export: every report that matches the filters of `GET /reports`, within the user's
//! territory and clearance, as CSV or as a GeoJSON `FeatureCollection` of points. The checked filter and the
//! places of reports (own coordinates, else the village's centre) are shared with the incident pages
//! (`incident/pages/`), which link here for their downloads and draw their map from the GeoJSON.

use std::collections::HashSet;

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use sinergi_domain::access::Viewer;
use sinergi_domain::csv_out::CsvOut;
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::incident::ReportId;
use sinergi_domain::trust::auth::Classification;
use sinergi_store::{Page, ReportFilter, ReportRecord};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::ApiQuery;
use crate::error::{ApiError, Code, ErrorBody};
use crate::incident::views::ReportDto;
use crate::incident::views::*;
use crate::lang::ApiLang;
use crate::pages::wib;
use crate::trust::auth::{self, CurrentUser, Origin};

/// The most reports one export holds. When more match, the export is refused (422 `export_too_large`) rather
/// than cut short without saying so.
pub const EXPORT_MAX: u64 = 100_000;

/// The file formats of the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Csv,
    Geojson,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `csv` (default) or `geojson`.
    #[param(inline)]
    pub format: Option<ExportFormat>,
    /// Region code: reports inside it (default: the user's territory).
    pub region: Option<String>,
    /// A status: `reported`, `verified`, `rejected`, `assigned`, `in_handling`, `resolved`, `closed`.
    pub status: Option<String>,
    pub category: Option<String>,
    /// The lowest severity, 1 to 4.
    #[param(minimum = 1, maximum = 4)]
    pub severity: Option<u8>,
    /// The reporting agency, e.g. `polri`.
    pub agency: Option<String>,
    /// Only the reports this agency must act on (its queue), e.g. `pln`.
    pub routed_to: Option<String>,
    /// Occurred on or after this day (`YYYY-MM-DD`, WIB).
    pub from: Option<String>,
    /// Occurred before the end of this day (`YYYY-MM-DD`, WIB).
    pub to: Option<String>,
    /// Only the reports still waiting for verification or for action (`reported`, `verified`, `assigned`).
    pub open: Option<bool>,
}

/// The GeoJSON export: one `Point` feature per report, at its own coordinates or else at its village's centre
/// (`properties.location_source` says which; `geometry` is `null` when there is neither), with the report's
/// fields as properties.
#[derive(Serialize, ToSchema)]
pub struct ReportFeatureCollection {
    /// Always `FeatureCollection`.
    #[serde(rename = "type")]
    pub kind: String,
    #[schema(value_type = Vec<Object>)]
    pub features: Vec<serde_json::Value>,
}

fn too_large(total: u64) -> ApiError {
    ApiError::new(Code::ExportTooLarge, Msg::ErrExportTooLarge).arg("total", total).arg("max", EXPORT_MAX)
}

/// Every report that matches, newest event first, read from the store a page at a time. Refused when more than
/// [`EXPORT_MAX`] match. A report filed while the pages are read can shift a later page by one; the ids seen
/// keep such a report from being written twice.
pub(crate) async fn all_reports(
    state: &AppState,
    viewer: &Viewer,
    filter: &ReportFilter,
) -> Result<Vec<ReportRecord>, ApiError> {
    let size = Page::MAX_SIZE;
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut number = 1;
    loop {
        let (items, total) = state.store.reports(viewer, filter, Page::new(number, size)).await?;
        if total > EXPORT_MAX {
            return Err(too_large(total));
        }
        let last = items.len() < size as usize || u64::from(number) * u64::from(size) >= total;
        out.extend(items.into_iter().filter(|r| seen.insert(r.id)));
        if last {
            return Ok(out);
        }
        number += 1;
    }
}

/// The columns of the CSV export, in order.
pub const CSV_COLUMNS: [&str; 25] = [
    "reference",
    "id",
    "kind",
    "category",
    "category_label",
    "severity",
    "severity_label",
    "status",
    "status_label",
    "occurred_at_wib",
    "reported_at_wib",
    "village_code",
    "village_name",
    "tps_id",
    "lat",
    "lng",
    "location_source",
    "source_agency",
    "source_person",
    "channel",
    "classification",
    "overdue_stage",
    "overdue_due_at_wib",
    "overdue_steps",
    "description",
];

/// Every report in the user's territory and clearance that matches the filters of `GET /reports` (and `open`),
/// newest event first, as CSV (RFC 4180, a header row, one row per report) or as GeoJSON points. Nothing is left
/// out: when more than 100,000 reports match, the export is refused with 422 `export_too_large`. `X-Total-Count`
/// says how many reports the file holds. An export holding *terbatas* or *rahasia* reports is written to the
/// audit log (`report.export`).
#[utoipa::path(get, path = "/reports/export", tag = "reports", operation_id = "export_reports", params(ExportQuery),
    responses(
        (status = 200, description = "The reports as CSV or GeoJSON, as an attachment", content(
            (String = "text/csv"),
            (ReportFeatureCollection = "application/geo+json"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "More reports match than one export holds", body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiLang(lang): ApiLang,
    Extension(origin): Extension<Origin>,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    current.require_report_reader()?;
    let text = FilterText {
        region: query.region,
        status: query.status,
        category: query.category,
        severity: query.severity.map(|s| s.to_string()),
        agency: query.agency,
        routed_to: query.routed_to,
        from: query.from,
        to: query.to,
        open: query.open.unwrap_or(false),
    };
    let filter = text.filter()?;
    let format = query.format.unwrap_or(ExportFormat::Csv);
    let records = all_reports(&state, &current.viewer, &filter).await?;
    let restricted = records.iter().filter(|r| r.classification != Classification::Biasa).count();
    if restricted > 0 {
        // Lists are not audited per report, but an export carries restricted reports away whole.
        let detail =
            format!("{} reports ({restricted} terbatas or rahasia) as {format:?}; {}", records.len(), text.query());
        auth::audit(&state, &current.actor(), "report.export", "reports", detail, &origin.0).await?;
    }
    let places = places(&state, &current.viewer, &records).await?;
    let total = records.len();
    let dtos: Vec<ReportDto> = records.into_iter().map(|r| ReportDto::new(r, &state, lang)).collect();
    let now = wib(auth::now_ms());
    let scope = match (&filter.within, &current.viewer.scope) {
        (Some(code), _) | (None, sinergi_domain::trust::auth::Scope::Region(code)) => code.to_string(),
        (None, sinergi_domain::trust::auth::Scope::National) => "nasional".to_owned(),
    };
    let file = format!("laporan-{scope}-{}", &now[..10]);
    let place = |id: i64| places.get(&ReportId(id));
    let (content_type, extension, body) = match format {
        ExportFormat::Geojson => {
            let features = dtos.iter().map(|r| feature(r, place(r.id), lang)).collect();
            let collection = ReportFeatureCollection { kind: "FeatureCollection".into(), features };
            let body = serde_json::to_vec(&collection).map_err(|e| {
                tracing::error!(error = %e, "writing GeoJSON in memory failed");
                ApiError::internal()
            })?;
            ("application/geo+json", "geojson", body)
        }
        ExportFormat::Csv => ("text/csv; charset=utf-8", "csv", csv_body(&dtos, &place, lang)?),
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // The file name holds only region codes, digits and dashes, so it needs no quoting beyond the quotes.
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file}.{extension}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert("x-total-count", HeaderValue::from(total));
    // Reports may be classified: no cache keeps a copy.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

fn overdue_cells(r: &ReportDto) -> (String, String, String) {
    match &r.overdue {
        Some(o) => (o.stage.clone(), wib(o.due_at_ms), o.steps.to_string()),
        None => Default::default(),
    }
}

fn csv_body<'a>(
    dtos: &[ReportDto],
    place: &impl Fn(i64) -> Option<&'a Place>,
    lang: Lang,
) -> Result<Vec<u8>, ApiError> {
    let fail = |e: csv::Error| {
        tracing::error!(error = %e, "writing CSV in memory failed");
        ApiError::internal()
    };
    // RFC 4180, every cell safe to open in a spreadsheet (sinergi_domain::csv_out).
    let mut w = CsvOut::new();
    w.row(CSV_COLUMNS).map_err(fail)?;
    for r in dtos {
        let p = place(r.id);
        let (stage, due, steps) = overdue_cells(r);
        let point = p.and_then(|p| p.point);
        w.row([
            r.reference.clone(),
            r.id.to_string(),
            r.kind.clone(),
            r.category.clone(),
            r.category_label.clone(),
            r.severity.to_string(),
            severity_label(lang, r.severity).to_owned(),
            r.status.clone(),
            r.status_label.clone(),
            wib(r.occurred_at_ms),
            wib(r.reported_at_ms),
            r.village_code.clone(),
            p.map_or_else(|| r.village_code.clone(), |p| p.village_name.clone()),
            r.tps_id.map(|t| t.to_string()).unwrap_or_default(),
            point.map(|l| l.lat.to_string()).unwrap_or_default(),
            point.map(|l| l.lng.to_string()).unwrap_or_default(),
            p.map_or("", |p| p.source).to_owned(),
            r.source_agency.clone(),
            r.source_person.clone(),
            r.channel.clone(),
            r.classification.clone(),
            stage,
            due,
            steps,
            r.description.clone(),
        ])
        .map_err(fail)?;
    }
    w.finish().map_err(|e| {
        tracing::error!(error = %e, "finishing CSV in memory failed");
        ApiError::internal()
    })
}

fn feature(r: &ReportDto, place: Option<&Place>, lang: Lang) -> serde_json::Value {
    let point = place.and_then(|p| p.point);
    serde_json::json!({
        "type": "Feature",
        "geometry": point.map(|l| serde_json::json!({"type": "Point", "coordinates": [l.lng, l.lat]})),
        "properties": {
            "id": r.id,
            "reference": r.reference,
            "kind": r.kind,
            "category": r.category,
            "category_label": r.category_label,
            "severity": r.severity,
            "severity_label": severity_label(lang, r.severity),
            "status": r.status,
            "status_label": r.status_label,
            "occurred_at_ms": r.occurred_at_ms,
            "occurred_at_wib": wib(r.occurred_at_ms),
            "reported_at_ms": r.reported_at_ms,
            "village_code": r.village_code,
            "village_name": place.map_or(r.village_code.as_str(), |p| p.village_name.as_str()),
            "tps_id": r.tps_id,
            "location_source": place.map_or("", |p| p.source),
            "source_agency": r.source_agency,
            "source_person": r.source_person,
            "channel": r.channel,
            "classification": r.classification,
            "overdue": r.overdue.as_ref().map(|o| serde_json::json!({
                "stage": o.stage, "due_at_ms": o.due_at_ms, "steps": o.steps,
            })),
            "description": r.description,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_checked_and_repeated() {
        let text = FilterText {
            region: Some("15.07".into()),
            severity: Some("3".into()),
            from: Some("2024-11-27".into()),
            status: Some(" ".into()),
            open: true,
            ..Default::default()
        };
        let filter = text.filter().unwrap();
        assert_eq!((filter.min_severity, filter.status, filter.open), (Some(3), None, true));
        assert_eq!(filter.from_ms, Some(1_732_640_400_000), "midnight WIB");
        assert_eq!(text.query(), "region=15.07&severity=3&from=2024-11-27&open=true");
        for bad in [
            FilterText { severity: Some("9".into()), ..Default::default() },
            FilterText { status: Some("lost".into()), ..Default::default() },
            FilterText { to: Some("2024-11-27 10:00".into()), ..Default::default() },
            FilterText { routed_to: Some("ormas".into()), ..Default::default() },
        ] {
            assert_eq!(bad.filter().map(|_| ()).map_err(|e| e.code()), Err(Code::InvalidQuery), "{bad:?}");
        }
        let region = FilterText { region: Some("15.7".into()), ..Default::default() };
        assert_eq!(region.filter().map(|_| ()).map_err(|e| e.code()), Err(Code::InvalidRegionCode));
    }
}
