//! Regions: the hierarchy, search by name, and map data.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::value::RawValue;
use sinergi_domain::access::{Action, Viewer};
use sinergi_domain::i18n::Msg;
use sinergi_domain::{Level, RegionCode};

use super::dto::{RegionDto, RegionWithStatsDto, SearchQuery};
use crate::AppState;
use crate::api::{ApiJson, ApiPath, ApiQuery, parse_code};
use crate::error::{ApiError, Code, ErrorBody};
use crate::trust::auth::CurrentUser;

pub(crate) async fn find_region(
    state: &AppState,
    viewer: &Viewer,
    code: &RegionCode,
) -> Result<sinergi_store::RegionInfo, ApiError> {
    state
        .store
        .region(viewer, code)
        .await?
        .ok_or_else(|| ApiError::not_found(Code::RegionNotFound, Msg::ErrRegionNotFound, ("code", code.to_string())))
}

/// Children of a region (or the provinces) with their TPS counts.
pub(crate) async fn children_with_stats(
    state: &AppState,
    viewer: &Viewer,
    parent: Option<&RegionCode>,
) -> Result<Vec<RegionWithStatsDto>, ApiError> {
    let children = sinergi_store::children_with_stats(&*state.store, viewer, parent).await?;
    Ok(children.into_iter().map(|(c, s)| RegionWithStatsDto::new(c, s)).collect())
}

/// The provinces, with their TPS counts.
#[utoipa::path(get, path = "/regions", tag = "regions",
    responses((status = 200, body = Vec<RegionWithStatsDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn provinces(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<ApiJson<Vec<RegionWithStatsDto>>, ApiError> {
    current.require(Action::ReadRegions)?;
    Ok(ApiJson(children_with_stats(&state, &current.viewer, None).await?))
}

/// Regions whose name contains the query, wider regions first.
#[utoipa::path(get, path = "/regions/search", tag = "regions", params(SearchQuery),
    responses((status = 200, body = Vec<RegionDto>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Result<ApiJson<Vec<RegionDto>>, ApiError> {
    let q = query.q.trim();
    if q.is_empty() || q.chars().count() > 100 || q.chars().any(char::is_control) {
        return Err(ApiError::bad_request(
            Code::InvalidQuery,
            Msg::ErrBadRequest,
            "q: 1 to 100 characters, no control characters",
        ));
    }
    let limit = query.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::bad_request(Code::InvalidQuery, Msg::ErrBadRequest, "limit: 1 to 100"));
    }
    current.require(Action::ReadRegions)?;
    let found = state.store.search_regions(&current.viewer, q, limit).await?;
    Ok(ApiJson(found.into_iter().map(RegionDto::from).collect()))
}

/// One region.
#[utoipa::path(get, path = "/regions/{code}", tag = "regions",
    params(("code" = String, Path, description = "Kemendagri region code, e.g. `15.07`")),
    responses((status = 200, body = RegionDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn region(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(code): ApiPath<String>,
) -> Result<ApiJson<RegionDto>, ApiError> {
    let code = parse_code(&code, "code")?;
    Ok(ApiJson(find_region(&state, &current.viewer, &code).await?.into()))
}

/// The regions directly below a region, with their TPS counts.
#[utoipa::path(get, path = "/regions/{code}/children", tag = "regions",
    params(("code" = String, Path, description = "Kemendagri region code")),
    responses((status = 200, body = Vec<RegionWithStatsDto>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn children(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(code): ApiPath<String>,
) -> Result<ApiJson<Vec<RegionWithStatsDto>>, ApiError> {
    let code = parse_code(&code, "code")?;
    find_region(&state, &current.viewer, &code).await?;
    Ok(ApiJson(children_with_stats(&state, &current.viewer, Some(&code)).await?))
}

#[derive(Serialize)]
struct Feature<'a> {
    r#type: &'static str,
    properties: Props<'a>,
    geometry: &'a RawValue,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Props<'a> {
    Region {
        kind: &'static str,
        code: &'a str,
        name: &'a str,
        /// With `?set=`: the area's index (0–100), band and assessed TPS.
        #[serde(skip_serializing_if = "Option::is_none")]
        index: Option<f64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        band: Option<&'static str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        assessed_tps: Option<u64>,
    },
    Tps {
        kind: &'static str,
        id: i64,
        label: String,
        village_code: &'a str,
        village_name: &'a str,
        address: &'a str,
        voters: u32,
        access: &'static str,
        synthetic: bool,
        /// With `?set=`: the TPS's current class, its label and severity, and whether agencies disagree.
        #[serde(skip_serializing_if = "Option::is_none")]
        class: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        class_label: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        severity: Option<u8>,
        #[serde(skip_serializing_if = "Option::is_none")]
        disagree: Option<bool>,
    },
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MapQuery {
    /// An indicator set: adds each area's vulnerability index and band, and each TPS's class.
    pub set: Option<String>,
}

#[derive(Serialize)]
struct MapCollection<'a> {
    r#type: &'static str,
    region: RegionDto,
    features: Vec<Feature<'a>>,
}

/// Everything the map of a regency or district needs, as one GeoJSON FeatureCollection: district and village
/// boundaries (`kind` = `district` / `village`) and TPS points (`kind` = `tps`). TPS without coordinates are
/// left out. With `set`, areas carry their vulnerability `index`, `band` and `assessed_tps`, and TPS their
/// `class`, `class_label`, `severity` and `disagree`.
#[utoipa::path(get, path = "/regions/{code}/map", tag = "regions",
    params(("code" = String, Path, description = "Code of a regency or district"), MapQuery),
    responses(
        (status = 200, description = "GeoJSON FeatureCollection", content_type = "application/geo+json", body = Object),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn map(
    State(state): State<AppState>,
    current: CurrentUser,
    crate::lang::ApiLang(lang): crate::lang::ApiLang,
    ApiPath(code): ApiPath<String>,
    ApiQuery(query): ApiQuery<MapQuery>,
) -> Result<Response, ApiError> {
    let code = parse_code(&code, "code")?;
    let region = find_region(&state, &current.viewer, &code).await?;
    if !matches!(region.level, Level::Regency | Level::District) {
        return Err(ApiError::new(Code::MapNeedsRegency, Msg::MapNeedsRegency));
    }
    let set = match &query.set {
        Some(id) => Some(crate::vulnerability::views::load_set(&state, id).await?),
        None => None,
    };
    let body = map_geojson(&state, &current.viewer, region, set.as_ref(), lang).await?;
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], body).into_response())
}

/// Builds the map document. Stored boundaries are already GeoJSON text and are embedded as they are, unparsed.
pub(crate) async fn map_geojson(
    state: &AppState,
    viewer: &Viewer,
    region: sinergi_store::RegionInfo,
    set: Option<&sinergi_domain::vulnerability::IndicatorSet>,
    lang: sinergi_domain::i18n::Lang,
) -> Result<String, ApiError> {
    let code = region.code.clone();
    let classes = match set {
        Some(set) => state.store.tps_classes(viewer, &set.id, &code).await?,
        None => Vec::new(),
    };
    let facts = match set {
        Some(set) => crate::vulnerability::views::area_facts(&*state.store, viewer, set, &code).await?,
        None => Default::default(),
    };
    let class_of: std::collections::HashMap<i64, &sinergi_store::TpsClassRecord> =
        classes.iter().map(|c| (c.tps_id, c)).collect();
    // Each area's index from the classes of the TPS inside it (classes are sorted by village code).
    let area = |area_code: &RegionCode| {
        set.map(|set| {
            let inside = classes.iter().filter(|c| area_code.contains(&c.village_code));
            set.area_index(
                inside.filter_map(|c| set.classes.iter().position(|k| k.id == c.class)),
                &facts.inputs(area_code),
            )
        })
    };
    let mut boundaries = state.store.boundaries(viewer, &code, Level::District).await?;
    boundaries.extend(state.store.boundaries(viewer, &code, Level::Village).await?);
    let tps: Vec<sinergi_store::TpsRecord> =
        state.store.all_tps(viewer, &code).await?.into_iter().filter(|t| t.tps.location.is_some()).collect();
    let corrupt = |e: serde_json::Error| {
        tracing::error!(error = %e, "stored geometry is not JSON");
        ApiError::internal()
    };
    let region_geometry: Vec<Box<RawValue>> = boundaries
        .iter()
        .map(|b| RawValue::from_string(b.geometry.clone()))
        .collect::<Result<_, _>>()
        .map_err(corrupt)?;
    let tps_geometry: Vec<Box<RawValue>> = tps
        .iter()
        .filter_map(|t| t.tps.location)
        .map(|l| RawValue::from_string(format!("{{\"type\":\"Point\",\"coordinates\":[{},{}]}}", l.lng, l.lat)))
        .collect::<Result<_, _>>()
        .map_err(corrupt)?;
    // Boundaries first, so that TPS draw on top.
    let mut features = Vec::with_capacity(boundaries.len() + tps.len());
    for (b, geometry) in boundaries.iter().zip(&region_geometry) {
        let kind = if b.code.level() == Level::District { "district" } else { "village" };
        let index = area(&b.code);
        let properties = Props::Region {
            kind,
            code: b.code.as_str(),
            name: &b.name,
            index: index.as_ref().map(|i| (i.index * 10.0).round() / 10.0),
            band: index.as_ref().map(|i| i.band.as_str()),
            assessed_tps: index.as_ref().map(|i| i.tps),
        };
        features.push(Feature { r#type: "Feature", properties, geometry });
    }
    for (t, geometry) in tps.iter().zip(&tps_geometry) {
        let properties = Props::Tps {
            kind: "tps",
            id: t.id,
            label: t.tps.label(),
            village_code: t.tps.village.as_str(),
            village_name: &t.village_name,
            address: &t.tps.address,
            voters: t.tps.voters,
            access: t.tps.access.as_str(),
            synthetic: t.tps.synthetic,
            class: class_of.get(&t.id).map(|c| c.class.as_str()),
            class_label: class_of
                .get(&t.id)
                .and_then(|c| set.and_then(|s| s.class(&c.class)).map(|k| k.label.get(lang))),
            severity: class_of.get(&t.id).and_then(|c| set.and_then(|s| s.class(&c.class)).map(|k| k.severity)),
            disagree: class_of.get(&t.id).map(|c| c.disagree),
        };
        features.push(Feature { r#type: "Feature", properties, geometry });
    }
    let collection = MapCollection { r#type: "FeatureCollection", region: region.into(), features };
    serde_json::to_string(&collection).map_err(corrupt)
}
