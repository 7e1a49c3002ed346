//! The report taxonomy as data through the API (docs/incidents.md, "The taxonomy"): administrators load a new
//! version — checked whole, refused when it drops a category that stored reports use — and read the versions
//! loaded. `GET /report-categories` (in `reports.rs`) serves the taxonomy in force.

use axum::Extension;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use sinergi_domain::access::Action;
use sinergi_domain::i18n::Msg;
use sinergi_store::{StoredTaxonomy, TaxonomyVersion};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::page_param;
use crate::api::{ApiJson, ApiPath, ApiQuery};
use crate::error::{ApiError, Code, ErrorBody};
use crate::trust::auth::{CurrentUser, Origin};

/// A new version of the taxonomy.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyInput {
    /// The whole taxonomy as TOML, in the format of the shipped `taxonomies/pilkada.toml`: `id`, `version`,
    /// `[[category]]`, `[[route]]`, `[[limit]]`; up to 200,000 characters.
    pub toml: String,
    /// Why the rules change (required; up to 500 characters): kept with the version and in the audit log.
    pub reason: String,
}

/// A stored version of the taxonomy.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct TaxonomyVersionDto {
    /// The stored version's id: the newest is in force.
    pub id: i64,
    /// The taxonomy's `id` and `version`, as written in its text.
    pub taxonomy_id: String,
    pub version: String,
    pub loaded_by: String,
    pub loaded_at_ms: i64,
    pub reason: String,
    /// Whether the answering instance has this version in force (every instance takes the newest up within
    /// seconds).
    pub in_force: bool,
    /// The TOML text (left out of lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toml: Option<String>,
}

impl TaxonomyVersionDto {
    fn new(v: TaxonomyVersion, toml: Option<String>, in_force: Option<i64>) -> TaxonomyVersionDto {
        TaxonomyVersionDto {
            in_force: in_force == Some(v.id),
            id: v.id,
            taxonomy_id: v.taxonomy_id,
            version: v.label,
            loaded_by: v.loaded_by,
            loaded_at_ms: v.loaded_at_ms,
            reason: v.reason,
            toml,
        }
    }

    fn stored(s: StoredTaxonomy, in_force: Option<i64>) -> TaxonomyVersionDto {
        TaxonomyVersionDto::new(s.version, Some(s.definition), in_force)
    }
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct TaxonomyVersionPage {
    pub items: Vec<TaxonomyVersionDto>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 1000)]
    pub per_page: Option<u32>,
}

/// A text field's faults: empty, too long, or holding control characters other than line breaks and tabs.
/// The stored version in force on this instance, if any.
fn in_force_id(state: &AppState) -> Option<i64> {
    crate::incident::taxonomy::current(state).1.map(|v| v.id)
}

/// Loads a new version of the taxonomy (administrators). The text is checked whole: every fault is named with
/// its place (`422 invalid_taxonomy`, `fields`: `line:3:1`, `category[2].severity`, `route[1].responsible`, …),
/// and nothing is stored. A version that drops a category still used by stored reports is refused
/// (`422 category_in_use`). Stored with the reason and written to the audit log, it is in force on this instance
/// at once and on every other instance within a few seconds.
#[utoipa::path(put, path = "/report-categories", tag = "reports", operation_id = "replace_report_categories",
    request_body = TaxonomyInput,
    responses((status = 200, body = TaxonomyVersionDto), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn replace(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(origin): Extension<Origin>,
    ApiJson(input): ApiJson<TaxonomyInput>,
) -> Result<ApiJson<TaxonomyVersionDto>, ApiError> {
    let (stored, definition) =
        crate::incident::taxonomy::load_version(&state, &current, &origin.0, &input.toml, &input.reason).await?;
    Ok(ApiJson(TaxonomyVersionDto::new(stored, Some(definition), in_force_id(&state))))
}

/// The versions of the taxonomy loaded into the database, newest first, without their texts (administrators).
#[utoipa::path(get, path = "/report-categories/versions", tag = "reports", operation_id = "list_taxonomy_versions",
    params(VersionQuery),
    responses((status = 200, body = TaxonomyVersionPage), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn versions(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiQuery(query): ApiQuery<VersionQuery>,
) -> Result<ApiJson<TaxonomyVersionPage>, ApiError> {
    current.require(Action::ManageTaxonomy)?;
    let page = page_param(query.page, query.per_page)?;
    let (items, total) = state.store.taxonomy_versions(page).await?;
    let in_force = in_force_id(&state);
    Ok(ApiJson(TaxonomyVersionPage {
        items: items.into_iter().map(|v| TaxonomyVersionDto::new(v, None, in_force)).collect(),
        page: page.number,
        per_page: page.size,
        total,
    }))
}

/// One version of the taxonomy with its TOML text (administrators).
#[utoipa::path(get, path = "/report-categories/versions/{id}", tag = "reports",
    operation_id = "get_taxonomy_version",
    params(("id" = i64, Path, description = "The stored version's id")),
    responses((status = 200, body = TaxonomyVersionDto), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn version(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<TaxonomyVersionDto>, ApiError> {
    current.require(Action::ManageTaxonomy)?;
    let stored = state.store.taxonomy_version(id).await?.ok_or_else(|| {
        ApiError::not_found(Code::TaxonomyVersionNotFound, Msg::ErrTaxonomyVersionNotFound, ("id", id.to_string()))
    })?;
    Ok(ApiJson(TaxonomyVersionDto::stored(stored, in_force_id(&state))))
}
