//! The deployment API (docs/deployment.md; docs/api.md): plans made as jobs with their progress, read, approved,
//! compared and exported; rosters imported and read (audited); a regency's security pattern.
//!
//! Access (`deployment::service`): plans are read with `ReadPlans` in the territory of their regency, made with
//! `PlanDeployment` covering it, approved with `ApprovePlans`; a roster only by the unit's own chain and
//! administrators, every read audited. A plan one may not read is not found.

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sinergi_domain::coordination::calendar::Date;
use sinergi_domain::deployment::planner::{PlanOptions, PlanOptionsDraft};
use sinergi_domain::i18n::Msg;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service::{self, Actor};
use super::views::*;
use super::{PlanOrder, start_plan};
use crate::AppState;
use crate::api::{ApiJson, ApiPath, ApiQuery, parse_code};
use crate::error::{ApiError, Code, ErrorBody};
use crate::lang::ApiLang;
use crate::trust::auth::{CurrentUser, Origin};

/// Registers deployment's routes.
pub(crate) fn routes(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(list, create))
        .routes(routes!(job))
        .routes(routes!(compare))
        .routes(routes!(get))
        .routes(routes!(approve))
        .routes(routes!(export))
        .routes(routes!(plan_roster))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(import_roster))
                .layer(axum::extract::DefaultBodyLimit::max(super::ROSTER_BODY_LIMIT)),
        )
        .routes(routes!(roster))
        .routes(routes!(get_pattern, put_pattern))
}

fn actor<'a>(current: &'a CurrentUser, origin: &'a Origin) -> Actor<'a> {
    Actor { viewer: &current.viewer, name: current.actor(), origin: &origin.0 }
}

/// A file to download, never kept by a cache (it may hold personal data).
fn attachment(content_type: &'static str, file: &str, body: String) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    /// Only the plans of this regency.
    pub regency: Option<String>,
}

/// The plans you may read (of the regencies of your territory, or of the regency your territory lies in), newest
/// first, at most 500.
#[utoipa::path(get, path = "/plans", tag = "deployment", operation_id = "list_plans", params(PlanQuery),
    responses((status = 200, body = PlanListDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiLang(lang): ApiLang,
    ApiQuery(query): ApiQuery<PlanQuery>,
) -> Result<ApiJson<PlanListDto>, ApiError> {
    let regency = query.regency.as_deref().map(|r| parse_code(r, "regency")).transpose()?;
    let heads = service::plans(&*state.store, &current.viewer, regency.as_ref()).await?;
    Ok(ApiJson(PlanListDto { plans: heads.iter().map(|h| PlanHeadDto::new(h, lang)).collect() }))
}

/// What a plan is made from. Every option has a default.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanInput {
    /// The regency, e.g. `33.20`.
    pub regency: String,
    /// Making a plan again under the same name makes its next version.
    pub name: String,
    /// Voting day, `YYYY-MM-DD` (default: the voting day of the calendar in force).
    pub day: Option<String>,
    /// Patrol teams of the regency (default 50, 1 to 10,000).
    pub patrol_teams: Option<u32>,
    /// Reserve teams (default 5, 0 to 1,000).
    pub reserve_teams: Option<u32>,
    /// The most two TPS of one post may lie apart, in metres (default 1,000).
    pub walking_m: Option<f64>,
    /// Seconds for all patrol routing together (default 15, 1 to 120).
    pub seconds: Option<u32>,
    /// A travel-time matrix in minutes (CSV, or JSON `{"ids": [...], "minutes": [[...]]}`) over TPS ids
    /// (`village/number`) and unit codes, instead of the straight-line model.
    pub matrix: Option<String>,
}

impl PlanInput {
    /// The options, every fault named by its field (the same checks as the page's form and the command line).
    fn options(&self, default_day: Date) -> Result<PlanOptions, ApiError> {
        let draft = PlanOptionsDraft {
            day: self.day.clone(),
            patrol_teams: self.patrol_teams.map(|v| v.to_string()),
            reserve_teams: self.reserve_teams.map(|v| v.to_string()),
            walking_m: self.walking_m.map(|v| v.to_string()),
            seconds: self.seconds.map(|v| v.to_string()),
        };
        draft.validate(default_day).map_err(|faults| {
            ApiError::validation(faults.into_iter().map(|(field, problem)| (field.to_owned(), problem)).collect())
        })
    }
}

/// Starts making a plan for a regency (those who plan, covering it): `202` with the job, whose progress
/// `GET /plan-jobs/{id}` shows until the plan is stored as a draft. Faults in the order are named at once (422);
/// one plan of yours at a time (409 `plan_running`).
#[utoipa::path(post, path = "/plans", tag = "deployment", operation_id = "make_plan", request_body = PlanInput,
    responses((status = 202, body = PlanJobDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 503, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiLang(lang): ApiLang,
    Extension(origin): Extension<Origin>,
    ApiJson(input): ApiJson<PlanInput>,
) -> Result<(StatusCode, [(header::HeaderName, String); 1], ApiJson<PlanJobDto>), ApiError> {
    let regency = parse_code(&input.regency, "regency")?;
    let default_day = service::voting_day(&*state.store, &regency).await?;
    let options = input.options(default_day)?;
    let order = PlanOrder { regency, name: input.name, options, matrix: input.matrix };
    let id = start_plan(&state, &current, &origin.0, order).await?;
    let job = state
        .plan_jobs
        .get(id, current.viewer.account_id)
        .ok_or_else(|| ApiError::not_found(Code::PlanJobNotFound, Msg::ErrPlanJobNotFound, ("id", id.to_string())))?;
    let location = format!("/api/v1/plan-jobs/{id}");
    Ok((StatusCode::ACCEPTED, [(header::LOCATION, location)], ApiJson(PlanJobDto::new(&job, lang))))
}

/// A plan you are making on this server: its stage and fraction done, then the plan's id (or why it failed).
#[utoipa::path(get, path = "/plan-jobs/{id}", tag = "deployment", operation_id = "get_plan_job",
    params(("id" = u64, Path, description = "The job's id")),
    responses((status = 200, body = PlanJobDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn job(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiLang(lang): ApiLang,
    ApiPath(id): ApiPath<u64>,
) -> Result<Response, ApiError> {
    let job = state
        .plan_jobs
        .get(id, current.viewer.account_id)
        .ok_or_else(|| ApiError::not_found(Code::PlanJobNotFound, Msg::ErrPlanJobNotFound, ("id", id.to_string())))?;
    let mut response = ApiJson(PlanJobDto::new(&job, lang)).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// A plan, whole.
#[utoipa::path(get, path = "/plans/{id}", tag = "deployment", operation_id = "get_plan",
    params(("id" = i64, Path, description = "The plan's id")),
    responses((status = 200, body = PlanDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiLang(lang): ApiLang,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<PlanDto>, ApiError> {
    let record = service::plan(&*state.store, &current.viewer, id).await?;
    Ok(ApiJson(PlanDto::new(&record, lang)))
}

/// Approves a draft (commanders covering its regency): it becomes the plan in force, the one approved before it
/// superseded. 409 `plan_not_draft` for any other plan.
#[utoipa::path(post, path = "/plans/{id}/approve", tag = "deployment", operation_id = "approve_plan",
    params(("id" = i64, Path, description = "The plan's id")),
    responses((status = 200, body = PlanHeadDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn approve(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiLang(lang): ApiLang,
    Extension(origin): Extension<Origin>,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<PlanHeadDto>, ApiError> {
    let head = service::approve(&*state.store, &actor(&current, &origin), id).await?;
    Ok(ApiJson(PlanHeadDto::new(&head, lang)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    pub a: i64,
    pub b: i64,
}

/// Two plans side by side: personnel needed, assigned and short, uncovered TPS, patrols, worst response time, BKO.
#[utoipa::path(get, path = "/plans/compare", tag = "deployment", operation_id = "compare_plans",
    params(CompareQuery),
    responses((status = 200, body = CompareDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn compare(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiLang(lang): ApiLang,
    ApiQuery(query): ApiQuery<CompareQuery>,
) -> Result<ApiJson<CompareDto>, ApiError> {
    let a = service::plan(&*state.store, &current.viewer, query.a).await?;
    let b = service::plan(&*state.store, &current.viewer, query.b).await?;
    Ok(ApiJson(CompareDto {
        rows: service::compare(&a, &b, lang),
        a: PlanHeadDto::new(&a.head, lang),
        b: PlanHeadDto::new(&b.head, lang),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `csv` (one row per TPS: post, class, pattern, people needed and assigned per force) or `geojson` (posts,
    /// patrol routes and reserve bases).
    pub format: String,
}

/// A plan's posts as CSV, or its posts, routes and reserves as GeoJSON.
#[utoipa::path(get, path = "/plans/{id}/export", tag = "deployment", operation_id = "export_plan",
    params(("id" = i64, Path, description = "The plan's id"), ExportQuery),
    responses((status = 200, description = "The plan as an attachment", content((String = "text/csv"),
            (Object = "application/geo+json"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let record = service::plan(&*state.store, &current.viewer, id).await?;
    let stem = format!("rencana-{}-v{}", record.head.regency, record.head.version);
    match query.format.as_str() {
        "csv" => {
            Ok(attachment("text/csv; charset=utf-8", &format!("{stem}.csv"), service::posts_csv(&record.document)))
        }
        "geojson" => Ok(attachment(
            "application/geo+json",
            &format!("{stem}.geojson"),
            service::geojson(&record.document).to_string(),
        )),
        _ => Err(ApiError::bad_request(Code::InvalidQuery, Msg::ErrBadRequest, "format: csv or geojson")),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitQuery {
    /// The unit's code, e.g. `polsek-33.20.01`.
    pub unit: String,
    /// `csv` (default) or `pdf` (the *surat perintah* to print and hand over).
    pub format: Option<String>,
}

/// One unit's people in a plan (*surat perintah*: who, where, when, contact) as CSV or PDF: for the unit's own chain
/// and administrators; the read is audited.
#[utoipa::path(get, path = "/plans/{id}/roster", tag = "deployment", operation_id = "plan_roster",
    params(("id" = i64, Path, description = "The plan's id"), UnitQuery),
    responses((status = 200, description = "The roster as CSV or PDF", content((String = "text/csv"),
            (Vec<u8> = "application/pdf"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn plan_roster(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiLang(lang): ApiLang,
    Extension(origin): Extension<Origin>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<UnitQuery>,
) -> Result<Response, ApiError> {
    let pdf = match query.format.as_deref() {
        None | Some("csv") => false,
        Some("pdf") => true,
        Some(_) => return Err(ApiError::bad_request(Code::InvalidQuery, Msg::ErrBadRequest, "format: csv or pdf")),
    };
    let (unit, record, lines) = service::plan_roster(&*state.store, &actor(&current, &origin), id, &query.unit).await?;
    let stem = format!("sprin-{}-v{}-{}", record.head.regency, record.head.version, unit.code);
    if !pdf {
        return Ok(attachment("text/csv; charset=utf-8", &format!("{stem}.csv"), service::plan_roster_csv(&lines)));
    }
    let regency = state.store.region(&current.viewer, &record.head.regency).await?.map(|r| r.name);
    let doc = super::documents::roster(lang, &unit, &record, &lines, regency.as_deref());
    let bytes = tokio::task::spawn_blocking(move || sinergi_pdf::roster_pdf(&doc))
        .await
        .map_err(|_| ApiError::internal())?
        .map_err(|e| {
            tracing::error!(error = %e, "the roster could not be rendered");
            ApiError::internal()
        })?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{stem}.pdf\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// A roster file to import.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterInput {
    /// CSV: `id` (NRP/NIP), `name`, `rank`, `unit`, `force` (`polri`, `tni`, `linmas`), optionally `phone` and
    /// `availability` (days `YYYY-MM-DD` separated by `;`, empty for always); Indonesian headers accepted (`nrp`,
    /// `nama`, `pangkat`, `satuan`, `kekuatan`, `telepon`, `ketersediaan`). Give this or `workbook`.
    pub csv: Option<String>,
    /// Instead of `csv`: an XLSX workbook in base64 (line breaks allowed), whose first sheet holds the same columns
    /// (under a title row or two if need be); a fault on line N is on row N of the sheet. XLS and ODS are refused:
    /// save them as XLSX.
    pub workbook: Option<String>,
}

impl RosterInput {
    /// The file's bytes; the field at fault otherwise.
    fn file(self) -> Result<Vec<u8>, ApiError> {
        use base64::Engine as _;
        use sinergi_domain::import::Problem;
        match (self.csv, self.workbook) {
            (Some(csv), None) => Ok(csv.into_bytes()),
            (None, Some(data)) => {
                // The `base64` tool wraps its output at 76 columns: line breaks and spaces are not data.
                let data = data.split_once(";base64,").map_or(data.as_str(), |(_, d)| d);
                let data: String = data.chars().filter(|c| !c.is_ascii_whitespace()).collect();
                base64::engine::general_purpose::STANDARD
                    .decode(data)
                    .map_err(|_| ApiError::validation(vec![("workbook".into(), Problem::NotBase64)]))
            }
            (Some(_), Some(_)) => Err(ApiError::validation(vec![("workbook".into(), Problem::OneFileOnly)])),
            (None, None) => Err(ApiError::validation(vec![("csv".into(), Problem::Empty)])),
        }
    }
}

/// Replaces the rosters of the units the file (CSV, or an XLSX workbook) names with the people it
/// lists, all or nothing (the units' own chain and administrators). Every bad row is named by line and column
/// (422 `invalid_file`), as is a person on another unit's roster.
#[utoipa::path(post, path = "/roster", tag = "deployment", operation_id = "import_roster", request_body = RosterInput,
    responses((status = 200, body = RosterImportDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn import_roster(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(origin): Extension<Origin>,
    ApiJson(input): ApiJson<RosterInput>,
) -> Result<ApiJson<RosterImportDto>, ApiError> {
    let done = service::import_roster(&*state.store, &actor(&current, &origin), &input.file()?).await?;
    Ok(ApiJson(RosterImportDto { units: done.units }))
}

/// A unit's roster (personal data: the unit's own chain and administrators; the read is audited).
#[utoipa::path(get, path = "/units/{code}/roster", tag = "deployment", operation_id = "unit_roster",
    params(("code" = String, Path, description = "The unit's code")),
    responses((status = 200, body = RosterDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn roster(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(origin): Extension<Origin>,
    ApiPath(code): ApiPath<String>,
) -> Result<Response, ApiError> {
    let (unit, people) = service::roster(&*state.store, &actor(&current, &origin), &code).await?;
    let dto = RosterDto { unit: unit.code, unit_name: unit.name, people: people.iter().map(PersonDto::new).collect() };
    let mut response = ApiJson(dto).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The security pattern in force for a regency: its own, or the shipped default.
#[utoipa::path(get, path = "/regions/{code}/deployment-pattern", tag = "deployment", operation_id = "get_pattern",
    params(("code" = String, Path, description = "The regency's code")),
    responses((status = 200, body = PatternDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_pattern(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(code): ApiPath<String>,
) -> Result<ApiJson<PatternDto>, ApiError> {
    let regency = parse_code(&code, "code")?;
    service::may_see_regency(&current.viewer, &regency)?;
    let (pattern, own) = service::pattern_of(&*state.store, &regency).await?;
    Ok(ApiJson(pattern_dto(&regency, &pattern, own)))
}

fn pattern_dto(
    regency: &sinergi_domain::RegionCode,
    pattern: &sinergi_domain::deployment::pattern::Pattern,
    own: Option<sinergi_store::StoredPattern>,
) -> PatternDto {
    PatternDto {
        regency: regency.to_string(),
        own: own.is_some(),
        id: pattern.id.clone(),
        version: pattern.version.clone(),
        name: pattern.name.clone(),
        definition: own.map_or_else(|| sinergi_domain::deployment::pattern::DEFAULT_TOML.to_owned(), |o| o.definition),
        rules: pattern
            .rules
            .iter()
            .map(|r| match &r.cause {
                Some(cause) => format!("{} ({cause}): {}", r.class, r.short()),
                None => format!("{}: {}", r.class, r.short()),
            })
            .collect(),
    }
}

/// A regency's own security pattern.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatternInput {
    /// The pattern file (TOML, docs/deployment.md).
    pub toml: String,
}

/// Loads a regency's own security pattern (those who plan, covering it): every fault named with its rule, line and
/// column (422 `invalid_file`), nothing stored.
#[utoipa::path(put, path = "/regions/{code}/deployment-pattern", tag = "deployment", operation_id = "put_pattern",
    params(("code" = String, Path, description = "The regency's code")), request_body = PatternInput,
    responses((status = 200, body = PatternDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_pattern(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(origin): Extension<Origin>,
    ApiPath(code): ApiPath<String>,
    ApiJson(input): ApiJson<PatternInput>,
) -> Result<ApiJson<PatternDto>, ApiError> {
    let regency = parse_code(&code, "code")?;
    service::set_pattern(&*state.store, &actor(&current, &origin), &regency, &input.toml).await?;
    let (pattern, own) = service::pattern_of(&*state.store, &regency).await?;
    Ok(ApiJson(pattern_dto(&regency, &pattern, own)))
}
