//! Trust's pages: signing in and out.

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use sinergi_domain::i18n::Msg;

use crate::AppState;
use crate::lang::PageLang;
use crate::pages::{CheckedForm, Chrome, PageError, local_path};
use crate::trust::auth::{self, CurrentUser};

/// Registers trust's pages.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/login", get(login_form).post(login_submit)).route("/logout", axum::routing::post(logout))
}

#[derive(Template, WebTemplate)]
#[template(path = "trust/login.html")]
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
        Ok((user, cookie, _)) => {
            // A field reporter's work is the field form: signing in without a page to go back to lands there.
            let next = if next == "/" && user.role == sinergi_domain::trust::auth::Role::FieldReporter {
                "/field".to_owned()
            } else {
                next
            };
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
