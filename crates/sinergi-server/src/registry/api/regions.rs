//! Regions: the hierarchy, search by name, and map data.

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use sinergi_domain::access::{Action, Viewer};
use sinergi_domain::geo::{BBox, Boundary, LatLng};
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
    /// What a marker needs, kept small (a regency has thousands): the number (`TPS 003`) and the village's
    /// code, whose name is that of its boundary feature (or `GET /tps/{id}` with the address).
    Tps {
        kind: &'static str,
        id: i64,
        number: u32,
        village_code: &'a str,
        access: &'static str,
        /// Only when true: generated demo data, to be shown as such.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        synthetic: bool,
        /// With `?set=`: the TPS's current class (named in the collection's `classes`) and its severity.
        #[serde(skip_serializing_if = "Option::is_none")]
        class: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        severity: Option<u8>,
        /// With `?set=`, and only when true: the agencies' assessments disagree.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        disagree: bool,
    },
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MapQuery {
    /// An indicator set: adds each area's vulnerability index and band, and each TPS's class.
    pub set: Option<String>,
    /// `view` (default): boundaries simplified for the first view (`bbox` on one screen: to a 500th of its
    /// larger side, a pixel or so), coordinates to 4 or 5 decimals; `full`: as stored, for a closer look.
    pub detail: Option<String>,
}

#[derive(Serialize)]
struct MapCollection<'a> {
    r#type: &'static str,
    region: RegionDto,
    /// `[west, south, east, north]`, as GeoJSON writes a box.
    #[serde(serialize_with = "bbox_array")]
    bbox: Option<BBox>,
    /// With `?set=`: each class's label (in the request's language) and severity, by id.
    #[serde(skip_serializing_if = "Option::is_none")]
    classes: Option<serde_json::Map<String, serde_json::Value>>,
    features: Vec<Feature<'a>>,
}

/// Everything the map of a regency or district needs, as one GeoJSON FeatureCollection: district and village
/// boundaries (`kind` = `district` / `village`) and TPS points (`kind` = `tps`). TPS without coordinates are
/// left out. With `set`, areas carry their vulnerability `index`, `band` and `assessed_tps`, and TPS their
/// `class` and `severity` (and `disagree` when the agencies' assessments do), the classes named in `classes`. TPS
/// carry what a marker needs (id, number, village code, access); the rest is `GET /tps/{id}`. `bbox` is the box
/// of most TPS (the outlying few left out): where a map fits its first view. Answered with an `ETag`; asked again with it (`If-None-Match`), `304` and no body
/// when nothing changed.
#[utoipa::path(get, path = "/regions/{code}/map", tag = "regions",
    params(("code" = String, Path, description = "Code of a regency or district"), MapQuery),
    responses(
        (status = 200, description = "GeoJSON FeatureCollection", content_type = "application/geo+json", body = Object),
        (status = 304, description = "Not modified: the map held (`If-None-Match`) is current"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn map(
    State(state): State<AppState>,
    current: CurrentUser,
    crate::lang::ApiLang(lang): crate::lang::ApiLang,
    headers: axum::http::HeaderMap,
    ApiPath(code): ApiPath<String>,
    ApiQuery(query): ApiQuery<MapQuery>,
) -> Result<Response, ApiError> {
    let detail = match query.detail.as_deref() {
        None | Some("view") => Detail::View,
        Some("full") => Detail::Full,
        Some(_) => return Err(ApiError::bad_request(Code::InvalidQuery, Msg::ErrBadRequest, "detail: view or full")),
    };
    let code = parse_code(&code, "code")?;
    let region = find_region(&state, &current.viewer, &code).await?;
    if !matches!(region.level, Level::Regency | Level::District) {
        return Err(ApiError::new(Code::MapNeedsRegency, Msg::MapNeedsRegency));
    }
    let set = match &query.set {
        Some(id) => Some(crate::vulnerability::views::load_set(&state, id).await?),
        None => None,
    };
    let body = map_geojson(&state, &current.viewer, region, set.as_ref(), lang, detail).await?;
    // The account's scope and the language shape the answer, so the tag is of the answer itself.
    let etag = format!("\"{}\"", &sinergi_domain::coordination::attachment::digest(body.as_bytes())[..20]);
    let cache =
        [(header::CACHE_CONTROL, "private, no-cache"), (header::VARY, "Cookie, Authorization, Accept-Language")];
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v == etag) {
        return Ok((StatusCode::NOT_MODIFIED, cache, [(header::ETAG, etag)]).into_response());
    }
    Ok((cache, [(header::CONTENT_TYPE, "application/geo+json".to_owned()), (header::ETAG, etag)], body).into_response())
}

/// How finely a map draws its boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// The whole area on one screen.
    View,
    /// As stored.
    Full,
}

/// The boundaries' geometries simplified for a screen showing `bbox` whole: to one part in 500 of its larger
/// side, a pixel or so of a map 500 to 700 pixels high at that view (closer looks take `detail=full`). Kept by a hash of the stored text and the tolerance, so an
/// import of new boundaries is never served old shapes.
fn simplified(state: &AppState, boundaries: &[sinergi_store::BoundaryFeature], bbox: &BBox) -> Vec<String> {
    let side = (bbox.max_lat - bbox.min_lat).max(bbox.max_lng - bbox.min_lng);
    let tolerance = (side / 500.0).clamp(0.00002, 0.005);
    let decimals = if tolerance >= 0.0002 { 4 } else { 5 };
    let mut hash = Sha256::new();
    hash.update(tolerance.to_bits().to_le_bytes());
    for b in boundaries {
        hash.update(b.geometry.as_bytes());
        hash.update([0]);
    }
    let key: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    if let Some(kept) = state.map_shapes.get(&key) {
        return kept.as_ref().clone();
    }
    let shapes: Vec<String> = boundaries
        .iter()
        .map(|b| match Boundary::from_geojson_str(&b.geometry) {
            Ok(boundary) => boundary.simplified(tolerance).to_geojson_rounded(decimals),
            // Stored boundaries were checked on import; one that no longer parses is drawn as stored.
            Err(_) => b.geometry.clone(),
        })
        .collect();
    state.map_shapes.put(key, std::sync::Arc::new(shapes.clone()));
    shapes
}

/// Builds the map document. Stored boundaries are already GeoJSON text and are embedded as they are, unparsed.
pub(crate) async fn map_geojson(
    state: &AppState,
    viewer: &Viewer,
    region: sinergi_store::RegionInfo,
    set: Option<&sinergi_domain::vulnerability::IndicatorSet>,
    lang: sinergi_domain::i18n::Lang,
    detail: Detail,
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
    // Where the map fits its first view: the TPS (a regency's far islands hold few of them); without TPS, the
    // map fits its boundaries, drawn as stored.
    let bbox = fitted_box(tps.iter().filter_map(|t| t.tps.location).collect());
    let shapes = match (detail, &bbox) {
        (Detail::View, Some(bbox)) => simplified(state, &boundaries, bbox),
        _ => boundaries.iter().map(|b| b.geometry.clone()).collect(),
    };
    let region_geometry: Vec<Box<RawValue>> =
        shapes.into_iter().map(RawValue::from_string).collect::<Result<_, _>>().map_err(corrupt)?;
    let tps_geometry: Vec<Box<RawValue>> = tps
        .iter()
        .filter_map(|t| t.tps.location)
        // Five decimals: about a metre.
        .map(|l| RawValue::from_string(format!("{{\"type\":\"Point\",\"coordinates\":[{:.5},{:.5}]}}", l.lng, l.lat)))
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
            number: t.tps.number,
            village_code: t.tps.village.as_str(),
            access: t.tps.access.as_str(),
            synthetic: t.tps.synthetic,
            class: class_of.get(&t.id).map(|c| c.class.as_str()),
            severity: class_of.get(&t.id).and_then(|c| set.and_then(|s| s.class(&c.class)).map(|k| k.severity)),
            disagree: class_of.get(&t.id).is_some_and(|c| c.disagree),
        };
        features.push(Feature { r#type: "Feature", properties, geometry });
    }
    let classes = set.map(|set| {
        set.classes
            .iter()
            .map(|c| (c.id.clone(), serde_json::json!({"label": c.label.get(lang), "severity": c.severity})))
            .collect()
    });
    let collection = MapCollection { r#type: "FeatureCollection", region: region.into(), bbox, classes, features };
    serde_json::to_string(&collection).map_err(corrupt)
}

/// The box a map fits: around the points, leaving out the outlying few — those more than four times as far from
/// the middle (the median of latitudes and of longitudes) as the median point is: a regency's far islands
/// (Karimunjawa, 80 km off Jepara), a TPS placed a province away by a typo — so that the first view shows where
/// the TPS are; the rest is a zoom away.
fn fitted_box(points: Vec<LatLng>) -> Option<BBox> {
    let median = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values.get(values.len() / 2).copied()
    };
    let middle =
        LatLng::new(median(points.iter().map(|p| p.lat).collect())?, median(points.iter().map(|p| p.lng).collect())?);
    let typical = median(points.iter().map(|p| p.distance_km(&middle)).collect())?;
    // Never closer than 5 km: a compact town's TPS are all kept.
    let reach = (4.0 * typical).max(5.0);
    bbox_of(points.into_iter().filter(|p| p.distance_km(&middle) <= reach))
}

/// The box around some points.
fn bbox_of(points: impl IntoIterator<Item = LatLng>) -> Option<BBox> {
    points.into_iter().fold(None, |bbox: Option<BBox>, p| {
        Some(match bbox {
            None => BBox { min_lat: p.lat, min_lng: p.lng, max_lat: p.lat, max_lng: p.lng },
            Some(b) => BBox {
                min_lat: b.min_lat.min(p.lat),
                min_lng: b.min_lng.min(p.lng),
                max_lat: b.max_lat.max(p.lat),
                max_lng: b.max_lng.max(p.lng),
            },
        })
    })
}

fn bbox_array<S: serde::Serializer>(bbox: &Option<BBox>, out: S) -> Result<S::Ok, S::Error> {
    match bbox {
        Some(b) => [b.min_lng, b.min_lat, b.max_lng, b.max_lat].serialize(out),
        None => out.serialize_none(),
    }
}
