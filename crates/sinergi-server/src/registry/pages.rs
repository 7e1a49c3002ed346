//! The registry's pages: the region browser (provinces down to villages, with their TPS and units) and a regency's
//! map.

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::routing::get;
use serde::Deserialize;
use sinergi_domain::access::Viewer;
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::{Level, RegionCode};
use sinergi_store::{Page, RegionInfo, UnitFilter};

use crate::AppState;
use crate::lang::PageLang;
use crate::pages::{Chrome, PageError, internal, level_name};
use crate::trust::auth::CurrentUser;

/// Registers the registry's pages.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/regions", get(provinces)).route("/regions/{code}", get(region)).route("/map/{code}", get(map))
}

/// A row of a region table, formatted for display.
pub struct RegionRow {
    pub code: String,
    pub name: String,
    pub href: String,
    pub tps: String,
    pub voters: String,
    pub map_href: Option<String>,
}

pub struct Crumb {
    pub name: String,
    pub href: String,
}

pub struct TpsRow {
    pub label: String,
    pub village: String,
    pub address: String,
    pub voters: String,
    pub access: &'static str,
    pub coordinates: String,
    pub synthetic: bool,
}

pub struct UnitRow {
    pub name: String,
    pub agency: &'static str,
    pub personnel: String,
    pub contact: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/regions.html")]
pub struct RegionsPage {
    pub chrome: Chrome,
    pub title: String,
    pub code: Option<String>,
    pub level: Option<&'static str>,
    pub crumbs: Vec<Crumb>,
    pub query: String,
    pub search_heading: String,
    pub search_results: Option<Vec<RegionRow>>,
    pub summary: Option<String>,
    pub map_href: Option<String>,
    pub child_level: Option<&'static str>,
    pub children: Vec<RegionRow>,
    pub units: Vec<UnitRow>,
    pub tps: Vec<TpsRow>,
    pub tps_note: Option<String>,
    pub show_tps: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/map.html")]
pub struct MapPage {
    pub chrome: Chrome,
    pub title: String,
    pub crumbs: Vec<Crumb>,
    pub code: String,
    pub map_url: String,
    pub tiles: String,
    pub tiles_attribution: String,
    pub labels_json: String,
    /// The regency's approved deployment plan as GeoJSON (its posts, routes and reserves on the map), if any.
    pub plan_url: String,
    pub plan_note: Option<String>,
}

pub(crate) fn region_href(code: &RegionCode) -> String {
    format!("/regions/{code}")
}

#[derive(Deserialize)]
pub(crate) struct SearchParams {
    q: Option<String>,
}

pub(crate) async fn provinces(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
    Query(params): Query<SearchParams>,
) -> Result<RegionsPage, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "regions", Some(&current)).await;
    let query = params.q.unwrap_or_default().trim().chars().filter(|c| !c.is_control()).take(100).collect::<String>();
    let search_results = if query.is_empty() {
        None
    } else {
        let found = state.store.search_regions(&current.viewer, &query, 50).await.map_err(internal(&chrome))?;
        Some(
            found
                .into_iter()
                .map(|r| RegionRow {
                    href: region_href(&r.code),
                    code: r.code.to_string(),
                    name: format!("{} ({})", r.name, level_name(lang, r.level)),
                    tps: String::new(),
                    voters: String::new(),
                    map_href: None,
                })
                .collect(),
        )
    };
    let children = child_rows(&state, &current.viewer, lang, None).await.map_err(internal(&chrome))?;
    Ok(RegionsPage {
        title: chrome.t(Msg::RegionsTitle).to_owned(),
        code: None,
        level: None,
        crumbs: Vec::new(),
        search_heading: lang.format(Msg::SearchResults, &[("q", &query)]),
        query,
        search_results,
        summary: None,
        map_href: None,
        child_level: Some(chrome.level_name(Level::Province)),
        children,
        units: Vec::new(),
        tps: Vec::new(),
        tps_note: None,
        show_tps: false,
        chrome,
    })
}

pub(crate) async fn child_rows(
    state: &AppState,
    viewer: &Viewer,
    lang: Lang,
    parent: Option<&RegionCode>,
) -> Result<Vec<RegionRow>, sinergi_store::StoreError> {
    let children = sinergi_store::children_with_stats(&*state.store, viewer, parent).await?;
    Ok(children
        .into_iter()
        .map(|(c, s)| {
            let map_href = (c.level == Level::District && c.has_boundary).then(|| format!("/map/{}", c.code));
            RegionRow {
                href: region_href(&c.code),
                code: c.code.to_string(),
                name: c.name,
                tps: lang.number(s.tps),
                voters: lang.number(s.voters),
                map_href,
            }
        })
        .collect())
}

pub(crate) async fn crumbs(
    state: &AppState,
    viewer: &Viewer,
    code: &RegionCode,
) -> Result<Vec<Crumb>, sinergi_store::StoreError> {
    let mut out = Vec::new();
    for ancestor in code.ancestors().into_iter().rev() {
        if let Some(r) = state.store.region(viewer, &ancestor).await? {
            out.push(Crumb { name: r.name, href: region_href(&r.code) });
        }
    }
    Ok(out)
}

/// The region, or a "not found" page that says which code was asked for.
pub(crate) async fn find(
    state: &AppState,
    viewer: &Viewer,
    chrome: &Chrome,
    code: &str,
) -> Result<RegionInfo, PageError> {
    let not_found =
        || PageError::NotFound(chrome.clone(), chrome.lang.format(Msg::ErrRegionNotFound, &[("code", &code)]));
    let parsed = RegionCode::parse(code).map_err(|_| not_found())?;
    state.store.region(viewer, &parsed).await.map_err(internal(chrome))?.ok_or_else(not_found)
}

/// TPS listed on a district page at most; the rest are in the API and the export.
const TPS_ON_PAGE: u32 = 200;

pub(crate) async fn region(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
    Path(code): Path<String>,
) -> Result<RegionsPage, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "regions", Some(&current)).await;
    let region = find(&state, &current.viewer, &chrome, &code).await?;
    let err = internal(&chrome);
    let code = region.code.clone();
    let result: Result<_, sinergi_store::StoreError> = async {
        let crumbs = crumbs(&state, &current.viewer, &code).await?;
        let children = child_rows(&state, &current.viewer, lang, Some(&code)).await?;
        let stats = state.store.tps_stats(&current.viewer, &code).await?;
        let filter = UnitFilter { at: Some(code.clone()), ..Default::default() };
        let (units, _) = state.store.list_units(&current.viewer, &filter, Page::new(1, Page::MAX_SIZE)).await?;
        let show_tps = region.level >= Level::District;
        let (tps, total) = if show_tps {
            state.store.list_tps(&current.viewer, &code, Page::new(1, TPS_ON_PAGE)).await?
        } else {
            (Vec::new(), stats.tps)
        };
        Ok((crumbs, children, stats, units, show_tps, tps, total))
    }
    .await;
    let (crumbs, children, stats, units, show_tps, tps, total) = result.map_err(err)?;
    let has_map = match region.level {
        Level::Regency => children.iter().any(|c| c.map_href.is_some()),
        Level::District => region.has_boundary,
        _ => false,
    };
    let tps_note = (show_tps && total > tps.len() as u64).then(|| {
        lang.format(Msg::MoreTps, &[("shown", &lang.number(tps.len() as u64)), ("total", &lang.number(total))])
    });
    Ok(RegionsPage {
        title: region.name.clone(),
        code: Some(code.to_string()),
        level: Some(chrome.level_name(region.level)),
        crumbs,
        query: String::new(),
        search_heading: String::new(),
        search_results: None,
        summary: Some(
            lang.format(Msg::TpsSummary, &[("tps", &lang.number(stats.tps)), ("voters", &lang.number(stats.voters))]),
        ),
        map_href: has_map.then(|| format!("/map/{code}")),
        child_level: region.level.child().map(|l| chrome.level_name(l)),
        children,
        units: units
            .into_iter()
            .map(|u| UnitRow {
                agency: u.agency().name(lang),
                personnel: lang.number(u64::from(u.personnel)),
                contact: [u.contact.phone, u.contact.email, u.contact.address]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · "),
                name: u.name,
            })
            .collect(),
        tps: tps
            .into_iter()
            .map(|t| TpsRow {
                label: t.tps.label(),
                village: t.village_name,
                address: t.tps.address.clone(),
                voters: lang.number(u64::from(t.tps.voters)),
                access: t.tps.access.label(lang),
                coordinates: t.tps.location.map(|l| format!("{:.5}, {:.5}", l.lat, l.lng)).unwrap_or_default(),
                synthetic: t.tps.synthetic,
            })
            .collect(),
        tps_note,
        show_tps,
        chrome,
    })
}

pub(crate) async fn map(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
    Path(code): Path<String>,
) -> Result<MapPage, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "map", Some(&current)).await;
    let region = find(&state, &current.viewer, &chrome, &code).await?;
    if !matches!(region.level, Level::Regency | Level::District) {
        return Err(PageError::NotFound(chrome.clone(), chrome.t(Msg::MapNeedsRegency).to_owned()));
    }
    let mut crumbs = crumbs(&state, &current.viewer, &region.code).await.map_err(internal(&chrome))?;
    crumbs.push(Crumb { name: region.name.clone(), href: region_href(&region.code) });
    // The operating picture: TPS by the classes of the agency's own indicator set, the reports of a period.
    let set = crate::vulnerability::views::preferred_set_id(&state, current.viewer.agency)
        .await
        .map_err(internal(&chrome))?;
    let reports = current.viewer.may(sinergi_domain::access::Action::ReadReports);
    let labels = map_labels(&chrome, set.as_deref(), reports.then_some(&region.code));
    // The regency's plan in force, for those who read plans (left out when it cannot be read).
    let regency = if region.level == Level::Regency { Some(region.code.clone()) } else { region.code.parent() };
    let approved = match regency {
        Some(r) => crate::deployment::service::plans_in_force(&*state.store, &current.viewer, Some(&r))
            .await
            .unwrap_or_default()
            .into_iter()
            .find(|p| p.regency == r && p.status == sinergi_domain::deployment::planner::PlanStatus::Approved),
        None => None,
    };
    Ok(MapPage {
        plan_url: approved
            .as_ref()
            .map(|p| format!("/api/v1/plans/{}/export?format=geojson", p.id))
            .unwrap_or_default(),
        plan_note: approved
            .as_ref()
            .map(|p| lang.format(Msg::MapPlanShown, &[("name", &p.name), ("version", &p.version)])),
        title: lang.format(Msg::MapTitle, &[("name", &region.name)]),
        crumbs,
        code: region.code.to_string(),
        // In the page's language: the classes are named in the data.
        map_url: match &set {
            Some(set) => format!("/api/v1/regions/{}/map?set={set}&lang={}", region.code, lang.code()),
            None => format!("/api/v1/regions/{}/map?lang={}", region.code, lang.code()),
        },
        tiles: state.config.tile_url.clone().unwrap_or_default(),
        tiles_attribution: state.config.tile_attribution.clone().unwrap_or_default(),
        labels_json: labels,
        chrome,
    })
}

/// The words and links the map's script needs (`#map-labels`), as JSON text safe inside
/// `<script type="application/json">` (`<` escaped, so no text can close the element). With a `set`, TPS link to
/// their class history under it; with `reports`, the map offers the reports of that area by period.
pub(crate) fn map_labels(chrome: &Chrome, set: Option<&str>, reports: Option<&RegionCode>) -> String {
    let lang = chrome.lang;
    let severities: serde_json::Map<String, serde_json::Value> = sinergi_domain::incident::Severity::ALL
        .iter()
        .map(|s| (s.number().to_string(), format!("{} · {}", s.number(), s.label(lang)).into()))
        .collect();
    let labels = serde_json::json!({
        "voters": chrome.t(Msg::ColVoters),
        "access": chrome.t(Msg::ColAccess),
        "synthetic": format!("TPS {}", chrome.t(Msg::SyntheticLabel)),
        "access_modes": {
            "road": chrome.t(Msg::AccessRoad), "river": chrome.t(Msg::AccessRiver),
            "sea": chrome.t(Msg::AccessSea), "foot": chrome.t(Msg::AccessFoot),
        },
        "load_failed": chrome.t(Msg::MapLoadFailed),
        "alert_title": chrome.t(Msg::AlertMapTitle),
        "alert_seen": chrome.t(Msg::AlertMapSeen),
        "layer_districts": chrome.t(Msg::MapLegendDistrict),
        "layer_villages": chrome.t(Msg::MapLegendVillage),
        "layer_tps": chrome.t(Msg::MapLegendTps),
        "layer_reports": chrome.t(Msg::MapLayerReports),
        "layer_alerts": chrome.t(Msg::MapLayerAlerts),
        "legend": chrome.t(Msg::MapLegend),
        "legend_index": chrome.t(Msg::MapLegendIndex),
        "class": chrome.t(Msg::ColClass),
        "index": chrome.t(Msg::ColIndex),
        "bands": {"low": chrome.t(Msg::BandLow), "medium": chrome.t(Msg::BandMedium), "high": chrome.t(Msg::BandHigh)},
        "tps_href": set.map(|set| format!("/tps/{{id}}?set={set}")),
        "tps_link": chrome.t(Msg::TpsHistory),
        "reports_url": reports.map(|code| format!("/incidents/map.geojson?region={code}&lang={}", lang.code())),
        "periods": [[1, chrome.t(Msg::MapPeriodDay)], [7, chrome.t(Msg::MapPeriodWeek)], [30, chrome.t(Msg::MapPeriodMonth)]],
        "severities": severities,
        "severity": chrome.t(Msg::ColSeverity),
        "status": chrome.t(Msg::ColStatus),
        "occurred": chrome.t(Msg::ColOccurredAt),
        "open": chrome.t(Msg::OpenReport),
        "summary": chrome.t(Msg::MapSummary),
        "plan_title": chrome.t(Msg::MapPlanTitle),
        "layer_posts": chrome.t(Msg::MapLayerPosts),
        "layer_routes": chrome.t(Msg::MapLayerRoutes),
        "layer_reserves": chrome.t(Msg::MapLayerReserves),
        "post_people": chrome.t(Msg::MapPostPeople),
        "route_team": chrome.t(Msg::MapRouteTeam),
        "route_stops": chrome.t(Msg::MapRouteStops),
    });
    labels.to_string().replace('<', "\\u003c")
}
