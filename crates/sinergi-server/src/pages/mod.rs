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
use sinergi_domain::Level;
use sinergi_domain::i18n::{Lang, Msg};

use crate::AppState;
use crate::assets::ASSET_VERSION;
use crate::lang::{COOKIE, PageLang};
use crate::registry::pages::{RegionRow, region_href};
use crate::trust::auth::{self, CurrentUser};

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
pub(crate) use crate::vulnerability::pages::wib;

/// A moment as a page shows it, in WIB and in the page's language: "6 Desember 2026 14.30 WIB", "6 December 2026
/// 14.30 WIB". Exports (CSV, GeoJSON) keep [`wib`]'s machine form.
pub(crate) fn when(lang: Lang, ms: i64) -> String {
    let minutes = ms.div_euclid(60_000) + 7 * 60;
    let (h, m) = (minutes.rem_euclid(1440) / 60, minutes.rem_euclid(60));
    match sinergi_domain::coordination::calendar::Date::from_days_since_epoch(minutes.div_euclid(1440)) {
        Some(date) => format!("{} {h:02}.{m:02} WIB", lang.day_month_year(date)),
        None => format!("{} WIB", wib(ms)),
    }
}

/// A day the API and the exports write `YYYY-MM-DD`, as a page shows it: "1 Desember 2026"; anything else as it is.
pub(crate) fn day_text(lang: Lang, ymd: &str) -> String {
    sinergi_domain::coordination::calendar::Date::parse(ymd).map_or_else(|| ymd.to_owned(), |d| lang.day_month_year(d))
}

/// What every page of a signed-in user needs from its request, read once by one extractor: the application, the
/// page's language, the URI (for the navigation and the language switch), the user and where the request came from.
/// A page handler takes this, its path and query, and (for a form) a [`CheckedForm`].
pub struct PageRequest {
    pub state: AppState,
    pub lang: Lang,
    pub uri: Uri,
    pub current: CurrentUser,
    pub origin: auth::Origin,
}

impl axum::extract::FromRequestParts<AppState> for PageRequest {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &AppState) -> Result<Self, Response> {
        let PageLang(lang) = PageLang::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        let Extension(current) =
            Extension::<CurrentUser>::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        let Extension(origin) =
            Extension::<auth::Origin>::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        Ok(PageRequest { state: state.clone(), lang, uri: parts.uri.clone(), current, origin })
    }
}

pub fn router() -> Router<AppState> {
    // One line per capability: each registers its own pages (see `routes` in its `pages` module).
    Router::new()
        .route("/", get(home))
        .route("/dashboard/tiles", get(dashboard_tiles))
        .merge(crate::registry::pages::routes())
        .merge(crate::vulnerability::pages::routes())
        .merge(crate::incident::pages::routes())
        .merge(crate::early_warning::pages::routes())
        .merge(crate::coordination::pages::routes())
        .merge(crate::deployment::pages::routes())
        .route("/lang/{code}", get(switch_language))
        .merge(crate::trust::pages::routes())
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
    /// The user reads meetings or takes part in them: the navigation links the meetings.
    pub reads_meetings: bool,
    /// The user reads deployment plans: the navigation links them.
    pub reads_plans: bool,
    /// The user reads TPS (and so the regions' figures and the vulnerability mapping): the navigation links them.
    pub reads_tps: bool,
    /// The user reads reports, all of the territory's or only its agency's: the navigation links the desk.
    pub reads_incidents: bool,
    /// The election calendar of the user's territory today: the stage in force and the days to voting day.
    pub stage: Option<String>,
    /// The action items of the user's units past their deadline, as a banner (`None`: none).
    pub overdue: Option<String>,
}

type User = Option<Extension<CurrentUser>>;

impl Chrome {
    pub(crate) async fn new(
        state: &AppState,
        lang: Lang,
        uri: &Uri,
        nav: &'static str,
        user: Option<&CurrentUser>,
    ) -> Chrome {
        // A page still renders when this count fails; the banner is then left out rather than the whole page.
        let synthetic = state.store.count_synthetic_tps().await.map(|n| n > 0).unwrap_or(false);
        let here = uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".to_owned());
        let csrf = user.map(|u| u.csrf.clone()).unwrap_or_default();
        let files_reports = user.is_some_and(|u| u.viewer.may(sinergi_domain::access::Action::FileReports));
        let manages_taxonomy = user.is_some_and(|u| u.viewer.may(sinergi_domain::access::Action::ManageTaxonomy));
        let reads_early_warning = user.is_some_and(|u| u.viewer.may(sinergi_domain::access::Action::ReadReports));
        let reads_meetings = user.is_some_and(|u| crate::coordination::overdue::follows_items(&u.viewer));
        let reads_tps = user.is_some_and(|u| u.viewer.may(sinergi_domain::access::Action::ReadTps));
        let reads_plans = user.is_some_and(|u| u.viewer.may(sinergi_domain::access::Action::ReadPlans));
        let reads_incidents = user.is_some_and(|u| {
            u.viewer.may(sinergi_domain::access::Action::ReadReports)
                || u.viewer.may(sinergi_domain::access::Action::ReadSharedReports)
        });
        // Left out, rather than the page, when the calendar cannot be read.
        let stage = match user {
            Some(u) => {
                let region = crate::coordination::calendar::home_region(&u.viewer);
                crate::coordination::calendar::in_force(&*state.store, region.as_ref()).await.ok().map(|in_force| {
                    crate::coordination::calendar::banner(
                        &in_force.calendar,
                        crate::coordination::calendar::today(),
                        lang,
                    )
                })
            }
            None => None,
        };
        // The action items of the units the user acts for, past their deadline: a banner on every page (left out
        // when they cannot be counted).
        let overdue = match user {
            Some(u) if reads_meetings => crate::coordination::overdue::count(&*state.store, &u.viewer)
                .await
                .ok()
                .and_then(|n| crate::coordination::overdue::banner(lang, n)),
            _ => None,
        };
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
            reads_meetings,
            reads_plans,
            reads_tps,
            reads_incidents,
            stage,
            overdue,
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

pub(crate) fn level_name(lang: Lang, level: Level) -> &'static str {
    lang.t(match level {
        Level::Province => Msg::LevelProvince,
        Level::Regency => Msg::LevelRegency,
        Level::District => Msg::LevelDistrict,
        Level::Village => Msg::LevelVillage,
    })
}

/// Drops a `lang=` parameter, so that the switch's cookie decides after the redirect.
pub(crate) fn strip_lang(path_and_query: &str) -> String {
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

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    pub chrome: Chrome,
    pub tiles: Vec<crate::dashboard::Tile>,
    pub updated: String,
    pub updated_clock: String,
    /// The wall-screen mode: large type, refreshed by itself.
    pub wall: bool,
    /// The user may follow the live feed (it reads reports, all or its agency's).
    pub reads_feed: bool,
    /// The mapped regencies the user sees, with their figures and maps (TPS readers).
    pub mapped: Vec<RegionRow>,
}

/// The dashboard's tiles alone, as the page holds them: what it fetches to stay current.
#[derive(Template, WebTemplate)]
#[template(path = "dashboard/tiles.html")]
pub struct TilesFragment {
    pub tiles: Vec<crate::dashboard::Tile>,
    pub updated: String,
    pub updated_clock: String,
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

/// The page for an error the capability's service or views answered: not found (with its message), forbidden, or
/// the internal error page. Every capability's pages show refusals the same way.
pub(crate) fn page_error(chrome: Chrome, e: crate::error::ApiError) -> PageError {
    match e.status() {
        StatusCode::NOT_FOUND => {
            let message = e.body(chrome.lang).message;
            PageError::NotFound(chrome, message)
        }
        StatusCode::FORBIDDEN => PageError::Forbidden(chrome),
        _ => PageError::Internal(chrome),
    }
}

/// An agency by its name in the page's language (the stored word when it names none).
pub(crate) fn agency_label(lang: Lang, agency: &str) -> String {
    sinergi_domain::AgencyKind::parse(agency).map_or_else(|| agency.to_owned(), |a| a.name(lang).to_owned())
}

/// Logs a storage failure and turns it into the error page.
pub(crate) fn internal(chrome: &Chrome) -> impl FnOnce(sinergi_store::StoreError) -> PageError + '_ {
    move |e| {
        tracing::error!(error = %e, "page failed");
        PageError::Internal(chrome.clone())
    }
}

#[derive(Deserialize)]
pub(crate) struct HomeParams {
    wall: Option<String>,
}

/// The time the tiles were made, as the page says it: "Diperbarui 14.05 WIB", and the clock alone.
fn updated(lang: Lang) -> (String, String) {
    let clock = crate::coordination::views::clock(crate::trust::auth::now_ms());
    (lang.format(Msg::DashUpdated, &[("time", &clock)]), clock)
}

/// The home page: the command dashboard of the user's territory (`crate::dashboard`), and the mapped regencies.
pub(crate) async fn home(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
    Query(params): Query<HomeParams>,
) -> Result<HomePage, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "home", Some(&current)).await;
    let tiles = crate::dashboard::tiles(&state, &current, lang).await;
    let mut mapped = Vec::new();
    if current.viewer.may(sinergi_domain::access::Action::ReadTps) {
        let regencies = state.store.mapped_regencies(&current.viewer).await.map_err(internal(&chrome))?;
        for r in regencies {
            let stats = state.store.tps_stats(&current.viewer, &r.code).await.map_err(internal(&chrome))?;
            mapped.push(RegionRow {
                href: region_href(&r.code),
                map_href: Some(format!("/map/{}", r.code)),
                code: r.code.to_string(),
                name: r.name,
                tps: lang.number(stats.tps),
                voters: lang.number(stats.voters),
            });
        }
    }
    let (updated, updated_clock) = updated(lang);
    Ok(HomePage {
        tiles,
        updated,
        updated_clock,
        wall: params.wall.as_deref().is_some_and(|w| !w.is_empty() && w != "0"),
        reads_feed: current.viewer.reads_reports(),
        mapped,
        chrome,
    })
}

/// The dashboard's tiles, for the page to fetch when the live feed says something changed (or, on a wall
/// screen, every minute).
pub(crate) async fn dashboard_tiles(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Extension(current): Extension<CurrentUser>,
) -> TilesFragment {
    let tiles = crate::dashboard::tiles(&state, &current, lang).await;
    let (updated, updated_clock) = updated(lang);
    TilesFragment { tiles, updated, updated_clock }
}

/// Only a local path may follow a login or a language switch (no open redirect).
///
/// Printable ASCII only: browsers drop tabs and line breaks from a URL before parsing it, so `/\t/evil.example`
/// would become `//evil.example`, another site.
pub(crate) fn local_path(next: Option<String>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\'))
        .unwrap_or_else(|| "/".to_owned())
}

#[derive(Deserialize)]
pub(crate) struct SwitchParams {
    next: Option<String>,
}

/// Sets the language cookie and goes back to the page. Only local paths are followed (no open redirect).
pub(crate) async fn switch_language(Path(code): Path<String>, Query(params): Query<SwitchParams>) -> Response {
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
