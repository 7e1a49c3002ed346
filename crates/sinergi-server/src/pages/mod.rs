//! The server-rendered web UI: home, region browser, regency map. Every text comes from the translation layer;
//! askama escapes every value, so names and addresses from imports cannot inject markup.

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use sinergi_domain::access::Viewer;
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::{Level, RegionCode};
use sinergi_store::{Page, RegionInfo, UnitFilter};

use crate::AppState;
use crate::assets::ASSET_VERSION;
use crate::auth::{self, CurrentUser};
use crate::lang::{COOKIE, PageLang};

mod area;
mod early_warning;

/// The fields of a page form, posted with the session's CSRF token: checked here, once for every form, so that a
/// handler that takes a `CheckedForm` cannot act on a forged or token-less post. A body that is no form carries no
/// token either and is refused the same way (403 `csrf_failed`), before the handler runs.
pub struct CheckedForm(pub std::collections::HashMap<String, String>);

impl<S: Send + Sync> axum::extract::FromRequest<S> for CheckedForm {
    type Rejection = Response;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let current = request.extensions().get::<CurrentUser>().cloned();
        let fields: std::collections::HashMap<String, String> =
            match Form::<Vec<(String, String)>>::from_request(request, state).await {
                Ok(Form(fields)) => fields.into_iter().collect(),
                Err(_) => Default::default(),
            };
        let offered = fields.get("csrf").map_or("", String::as_str);
        match current {
            Some(current) if auth::csrf_matches(&current, offered) => Ok(CheckedForm(fields)),
            _ => Err(auth::csrf_failed().into_response()),
        }
    }
}
mod field;
mod incidents;
mod rules;
mod vulnerability;

pub(crate) use vulnerability::wib;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/regions", get(provinces))
        .route("/regions/{code}", get(region))
        .route("/map/{code}", get(map))
        .route("/vulnerability", get(vulnerability::start))
        .route("/vulnerability/{code}", get(vulnerability::area))
        .route("/vulnerability/{code}/assess", get(vulnerability::assess_form).post(vulnerability::assess_submit))
        .route("/vulnerability/{code}/area", get(area::form).post(area::submit))
        .route("/tps/{id}", get(vulnerability::tps))
        .route("/field", get(field::form).post(field::submit))
        .route("/incidents", get(incidents::list))
        .route("/incidents/queue", get(incidents::queue))
        .route("/incidents/map.geojson", get(incidents::map_data))
        .route("/incidents/escalations", get(incidents::escalations))
        .route("/incidents/rules", get(rules::page).post(rules::submit))
        .route("/incidents/{id}", get(incidents::report))
        .route("/incidents/{id}/move", axum::routing::post(incidents::move_submit))
        .route("/incidents/{id}/comment", axum::routing::post(incidents::comment_submit))
        .route("/incidents/{id}/share", axum::routing::post(incidents::share_submit))
        .route("/incidents/{id}/duplicate", axum::routing::post(incidents::duplicate_submit))
        .route("/early-warning", get(early_warning::list))
        .route("/early-warning/run", axum::routing::post(early_warning::run_submit))
        .route("/early-warning/alerts/{id}", get(early_warning::alert))
        .route("/early-warning/runs/{id}", get(early_warning::run))
        .route("/lang/{code}", get(switch_language))
        .route("/login", get(login_form).post(login_submit))
        .route("/logout", axum::routing::post(logout))
}

/// What every page shows around its content.
#[derive(Clone)]
pub struct Chrome {
    pub lang: Lang,
    pub synthetic: bool,
    pub asset_version: &'static str,
    /// The current path and query, for the language switch to come back to.
    pub here: String,
    pub nav: &'static str,
    /// The signed-in user's name and role, for the header.
    pub user: Option<(String, &'static str)>,
    /// The session's CSRF token, for the forms of the page (and `<meta name="csrf-token">` for scripts).
    pub csrf: String,
    /// The user may file reports: the navigation links the field form.
    pub files_reports: bool,
    /// The user may change the report taxonomy: the incident pages link the routing rules.
    pub manages_taxonomy: bool,
    /// The user reads the early warning scan (which counts every report of the territory): the navigation links it.
    pub reads_early_warning: bool,
}

type User = Option<Extension<CurrentUser>>;

impl Chrome {
    async fn new(state: &AppState, lang: Lang, uri: &Uri, nav: &'static str, user: Option<&CurrentUser>) -> Chrome {
        // A page still renders when this count fails; the banner is then left out rather than the whole page.
        let synthetic = state.store.count_synthetic_tps().await.map(|n| n > 0).unwrap_or(false);
        let here = uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".to_owned());
        let csrf = user.map(|u| u.csrf.clone()).unwrap_or_default();
        let files_reports = user.is_some_and(|u| u.viewer.may(sinergi_domain::access::Action::FileReports));
        let manages_taxonomy = user.is_some_and(|u| u.viewer.may(sinergi_domain::access::Action::ManageTaxonomy));
        let reads_early_warning = user.is_some_and(|u| u.viewer.may(sinergi_domain::access::Action::ReadReports));
        let user = user.map(|u| (u.user.display_name.clone(), u.user.role.as_str()));
        Chrome {
            lang,
            synthetic,
            asset_version: ASSET_VERSION,
            here,
            nav,
            user,
            csrf,
            files_reports,
            manages_taxonomy,
            reads_early_warning,
        }
    }

    pub fn t(&self, msg: Msg) -> &'static str {
        self.lang.t(msg)
    }

    pub fn other_lang(&self) -> &'static str {
        match self.lang {
            Lang::Id => "en",
            Lang::En => "id",
        }
    }

    /// The link that switches language and returns here.
    pub fn switch_href(&self) -> String {
        format!("/lang/{}?next={}", self.other_lang(), percent_encode(&strip_lang(&self.here)))
    }

    pub fn level_name(&self, level: Level) -> &'static str {
        level_name(self.lang, level)
    }
}

fn level_name(lang: Lang, level: Level) -> &'static str {
    lang.t(match level {
        Level::Province => Msg::LevelProvince,
        Level::Regency => Msg::LevelRegency,
        Level::District => Msg::LevelDistrict,
        Level::Village => Msg::LevelVillage,
    })
}

/// Drops a `lang=` parameter, so that the switch's cookie decides after the redirect.
fn strip_lang(path_and_query: &str) -> String {
    match path_and_query.split_once('?') {
        None => path_and_query.to_owned(),
        Some((path, query)) => {
            let kept: Vec<&str> = query.split('&').filter(|p| !p.starts_with("lang=")).collect();
            if kept.is_empty() { path.to_owned() } else { format!("{path}?{}", kept.join("&")) }
        }
    }
}

pub(crate) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
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
#[template(path = "home.html")]
pub struct HomePage {
    pub chrome: Chrome,
    pub regions: String,
    pub tps: String,
    pub voters: String,
    pub units: String,
    pub mapped: Vec<RegionRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "regions.html")]
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
#[template(path = "map.html")]
pub struct MapPage {
    pub chrome: Chrome,
    pub title: String,
    pub crumbs: Vec<Crumb>,
    pub code: String,
    pub map_url: String,
    pub tiles: String,
    pub tiles_attribution: String,
    pub labels_json: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub chrome: Chrome,
    pub message: String,
}

/// A page that could not be shown: rendered as a page, never as a raw error.
pub enum PageError {
    NotFound(Chrome, String),
    Forbidden(Chrome),
    Internal(Chrome),
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, chrome, message) = match self {
            PageError::NotFound(chrome, message) => (StatusCode::NOT_FOUND, chrome, message),
            PageError::Forbidden(chrome) => {
                let message = chrome.t(Msg::ErrForbidden).to_owned();
                (StatusCode::FORBIDDEN, chrome, message)
            }
            PageError::Internal(chrome) => {
                let message = chrome.t(Msg::ErrInternal).to_owned();
                (StatusCode::INTERNAL_SERVER_ERROR, chrome, message)
            }
        };
        (status, ErrorPage { chrome, message }).into_response()
    }
}

/// Logs a storage failure and turns it into the error page.
fn internal(chrome: &Chrome) -> impl FnOnce(sinergi_store::StoreError) -> PageError + '_ {
    move |e| {
        tracing::error!(error = %e, "page failed");
        PageError::Internal(chrome.clone())
    }
}

fn region_href(code: &RegionCode) -> String {
    format!("/regions/{code}")
}

async fn home(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
) -> Result<HomePage, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "home", Some(&current)).await;
    let err = internal(&chrome);
    let result: Result<_, sinergi_store::StoreError> = async {
        let regions = state.store.count_regions().await?;
        let by_province = state.store.tps_stats_by_child(&current.viewer, None).await?;
        let agencies = state.store.agency_summaries(&current.viewer).await?;
        let mapped = state.store.mapped_regencies(&current.viewer).await?;
        let mut rows = Vec::new();
        for r in mapped {
            let stats = state.store.tps_stats(&current.viewer, &r.code).await?;
            rows.push(RegionRow {
                href: region_href(&r.code),
                map_href: Some(format!("/map/{}", r.code)),
                code: r.code.to_string(),
                name: r.name,
                tps: lang.number(stats.tps),
                voters: lang.number(stats.voters),
            });
        }
        Ok((regions, by_province, agencies, rows))
    }
    .await;
    let (regions, by_province, agencies, mapped) = result.map_err(err)?;
    Ok(HomePage {
        regions: lang.number(regions),
        tps: lang.number(by_province.values().map(|s| s.tps).sum()),
        voters: lang.number(by_province.values().map(|s| s.voters).sum()),
        units: lang.number(agencies.iter().map(|a| a.units).sum()),
        mapped,
        chrome,
    })
}

#[derive(Deserialize)]
struct SearchParams {
    q: Option<String>,
}

async fn provinces(
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

async fn child_rows(
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

async fn crumbs(state: &AppState, viewer: &Viewer, code: &RegionCode) -> Result<Vec<Crumb>, sinergi_store::StoreError> {
    let mut out = Vec::new();
    for ancestor in code.ancestors().into_iter().rev() {
        if let Some(r) = state.store.region(viewer, &ancestor).await? {
            out.push(Crumb { name: r.name, href: region_href(&r.code) });
        }
    }
    Ok(out)
}

/// The region, or a "not found" page that says which code was asked for.
async fn find(state: &AppState, viewer: &Viewer, chrome: &Chrome, code: &str) -> Result<RegionInfo, PageError> {
    let not_found =
        || PageError::NotFound(chrome.clone(), chrome.lang.format(Msg::ErrRegionNotFound, &[("code", &code)]));
    let parsed = RegionCode::parse(code).map_err(|_| not_found())?;
    state.store.region(viewer, &parsed).await.map_err(internal(chrome))?.ok_or_else(not_found)
}

/// TPS listed on a district page at most; the rest are in the API and the export.
const TPS_ON_PAGE: u32 = 200;

async fn region(
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

async fn map(
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
        "summary": match lang { Lang::Id => "{tps} TPS · {villages} desa/kelurahan · {districts} kecamatan", Lang::En => "{tps} TPS · {villages} villages · {districts} districts" },
    });
    Ok(MapPage {
        title: lang.format(Msg::MapTitle, &[("name", &region.name)]),
        crumbs,
        code: region.code.to_string(),
        map_url: format!("/api/v1/regions/{}/map", region.code),
        tiles: state.config.tile_url.clone().unwrap_or_default(),
        tiles_attribution: state.config.tile_attribution.clone().unwrap_or_default(),
        // JSON inside <script type="application/json">: escape `<` so no text can close the element.
        labels_json: labels.to_string().replace('<', "\\u003c"),
        chrome,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub chrome: Chrome,
    pub next: String,
    pub username: String,
    /// Why the last attempt was refused, in the page's language.
    pub error: Option<String>,
}

#[derive(Deserialize)]
struct LoginParams {
    next: Option<String>,
}

/// Only a local path may follow a login or a language switch (no open redirect).
///
/// Printable ASCII only: browsers drop tabs and line breaks from a URL before parsing it, so `/\t/evil.example`
/// would become `//evil.example`, another site.
fn local_path(next: Option<String>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\'))
        .unwrap_or_else(|| "/".to_owned())
}

async fn login_form(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Query(params): Query<LoginParams>,
) -> LoginPage {
    let chrome = Chrome::new(&state, lang, &uri, "login", None).await;
    LoginPage { chrome, next: local_path(params.next), username: String::new(), error: None }
}

#[derive(Deserialize)]
struct LoginFields {
    username: String,
    password: String,
    next: Option<String>,
}

async fn login_submit(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    headers: HeaderMap,
    Extension(origin): Extension<auth::Origin>,
    Form(fields): Form<LoginFields>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "login", None).await;
    if !auth::same_origin(&headers) {
        return Err(PageError::Forbidden(chrome));
    }
    let outcome = auth::login(&state, &headers, &fields.username, &fields.password, &origin.0)
        .await
        .map_err(|_| PageError::Internal(chrome.clone()))?;
    let next = local_path(fields.next);
    Ok(match outcome {
        Ok((_, cookie, _)) => {
            let mut response = Redirect::to(&next).into_response();
            response.headers_mut().insert(header::SET_COOKIE, cookie);
            response
        }
        Err(refusal) => {
            let username = fields.username.chars().take(64).collect();
            let (status, error) = match refusal {
                auth::LoginRefused::BadCredentials => (StatusCode::UNAUTHORIZED, chrome.t(Msg::LoginFailed).to_owned()),
                auth::LoginRefused::InFlight => {
                    (StatusCode::TOO_MANY_REQUESTS, chrome.t(Msg::ErrSignInsInFlight).to_owned())
                }
                auth::LoginRefused::LockedOut { minutes } => {
                    (StatusCode::TOO_MANY_REQUESTS, lang.format(Msg::ErrLockedOut, &[("minutes", &minutes)]))
                }
            };
            (status, LoginPage { chrome, next, username, error: Some(error) }).into_response()
        }
    })
}

async fn logout(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(origin): Extension<auth::Origin>,
    // The middleware has refused cross-site requests already; the token also stops a form planted on a page of
    // our own origin by some other means.
    _form: CheckedForm,
) -> Response {
    if let Err(e) = auth::logout(&state, &current, &origin.0).await {
        return e.into_response();
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().insert(header::SET_COOKIE, auth::clearing_cookie());
    response
}

#[derive(Deserialize)]
struct SwitchParams {
    next: Option<String>,
}

/// Sets the language cookie and goes back to the page. Only local paths are followed (no open redirect).
async fn switch_language(Path(code): Path<String>, Query(params): Query<SwitchParams>) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    let next = local_path(params.next);
    let cookie = format!("{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Strict; HttpOnly", lang.code());
    let mut response = Redirect::to(&next).into_response();
    if let Ok(value) = cookie.parse() {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

pub async fn not_found(State(state): State<AppState>, headers: HeaderMap, uri: Uri, user: User) -> Response {
    let lang = crate::lang::page_lang(&headers, uri.query());
    let chrome = Chrome::new(&state, lang, &uri, "", user.as_ref().map(|u| &u.0)).await;
    let message = chrome.t(Msg::ErrPageNotFound).to_owned();
    PageError::NotFound(chrome, message).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_local_paths_are_followed() {
        for bad in ["//evil.example", "/\t/evil.example", "/\n/x", "/\\evil", "https://evil.example", "evil", "/\r/x"] {
            assert_eq!(local_path(Some(bad.to_owned())), "/", "{bad:?}");
        }
        assert_eq!(local_path(Some("/regions/15.07%3Flang%3Den".into())), "/regions/15.07%3Flang%3Den");
        assert_eq!(local_path(None), "/");
    }

    #[test]
    fn forms_must_come_from_our_own_pages() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, axum::http::HeaderValue::from_static(v));
            }
            h
        };
        assert!(auth::same_origin(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(!auth::same_origin(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(auth::same_origin(&headers(&[("origin", "http://127.0.0.1:8080"), ("host", "127.0.0.1:8080")])));
        assert!(!auth::same_origin(&headers(&[("origin", "https://evil.example"), ("host", "127.0.0.1:8080")])));
        assert!(auth::same_origin(&headers(&[])), "scripts send neither header");
    }

    #[test]
    fn language_switch_keeps_the_page_but_not_the_old_choice() {
        assert_eq!(strip_lang("/regions?q=jambi&lang=en"), "/regions?q=jambi");
        assert_eq!(strip_lang("/map/15.07?lang=en"), "/map/15.07");
        assert_eq!(percent_encode("/regions?q=a b&x=1"), "/regions%3Fq%3Da%20b%26x%3D1");
    }
}
