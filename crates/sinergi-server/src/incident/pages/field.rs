//! The field form (docs/incidents.md, "Field form"): a small page for filing a report from a phone with a weak
//! signal. With JavaScript (`web/src/field.js`) a report goes to the device's outbox first and is sent from there
//! to `POST /api/v1/reports`, at once or when the signal returns; the service worker (`web/src/sw.js`) keeps this
//! page so that it opens without signal. Without JavaScript the form posts here, and the report is filed by the
//! incident service that the API's handler calls too, so both paths check and file a report the same way.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sinergi_domain::LatLng;
use sinergi_domain::Level;
use sinergi_domain::access::Action;
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::import::Problem;
use sinergi_domain::incident::draft::ReportFields;
use sinergi_domain::incident::{Channel, Severity, Taxonomy};
use sinergi_domain::trust::auth::{Classification, Scope};

use crate::AppState;
use crate::incident::service::{self, FileError, Reporter};
use crate::lang::PageLang;
use crate::pages::{CheckedForm, Chrome, PageError};
use crate::trust::auth::{self, CurrentUser};
use crate::vulnerability::pages::wib;

/// An option of a `<select>`.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "incident/field.html")]
pub struct FieldPage {
    pub chrome: Chrome,
    /// The account the device's outbox is kept for (`data-user`): a shared phone sends each account's reports
    /// only under that account.
    pub username: String,
    pub intelligence: bool,
    pub categories: Vec<Choice>,
    pub severities: Vec<Choice>,
    /// The classifications the user may give: those they may read themselves.
    pub classifications: Vec<Choice>,
    /// A `datetime-local` value in WIB.
    pub occurred_at: String,
    pub place: String,
    pub lat: String,
    pub lng: String,
    pub description: String,
    /// The key a form posted without JavaScript is filed under, so that posting it twice files it once.
    pub idempotency_key: String,
    pub sent: Option<String>,
    pub errors: Vec<String>,
    pub labels_json: String,
}

#[derive(Deserialize)]
pub struct FieldParams {
    sent: Option<String>,
}

/// The label of a field the API names in a 422, in the form's words.
fn field_label(lang: Lang, field: &str) -> Option<&'static str> {
    let msg = match field {
        "kind" => Msg::FieldFormKind,
        "category" => Msg::FieldFormCategory,
        "severity" => Msg::FieldFormSeverity,
        "occurred_at" => Msg::FieldFormOccurredAt,
        "place" | "tps_id" | "village_code" => Msg::FieldFormPlace,
        "location" => Msg::FieldFormCoordinates,
        "description" => Msg::FieldFormDescription,
        "classification" => Msg::FieldFormClassification,
        _ => return None,
    };
    Some(lang.t(msg))
}

/// The texts the script shows, in the page's language. JSON inside `<script type="application/json">`: `<` is
/// escaped so that no text can close the element.
fn labels(lang: Lang) -> String {
    let t = |msg| lang.t(msg);
    let fields: serde_json::Map<String, serde_json::Value> = [
        "kind",
        "category",
        "severity",
        "occurred_at",
        "place",
        "tps_id",
        "village_code",
        "location",
        "description",
        "classification",
    ]
    .into_iter()
    .filter_map(|f| field_label(lang, f).map(|l| (f.to_owned(), l.into())))
    .collect();
    serde_json::json!({
        "queued": t(Msg::FieldFormQueued),
        "waiting": t(Msg::FieldFormWaiting),
        "sending": t(Msg::FieldFormSending),
        "sent": t(Msg::FieldFormSent),
        "replayed": t(Msg::FieldFormReplayed),
        "refused": t(Msg::FieldFormRefused),
        "refused_hint": t(Msg::FieldFormRefusedHint),
        "sign_in": t(Msg::FieldFormSignIn),
        "sign_in_link": t(Msg::LoginButton),
        "busy": t(Msg::FieldFormBusy),
        "edit": t(Msg::FieldFormEdit),
        "delete": t(Msg::FieldFormDelete),
        "state_waiting": t(Msg::FieldFormStateWaiting),
        "state_failed": t(Msg::FieldFormStateFailed),
        "locating": t(Msg::FieldFormLocating),
        "located": t(Msg::FieldFormLocated),
        "no_location": t(Msg::FieldFormNoLocation),
        "not_saved": t(Msg::FieldFormNotSaved),
        "fields": fields,
    })
    .to_string()
    .replace('<', "\\u003c")
}

/// `LK-000123` or `LI-000123`: the only text a `?sent=` may show.
fn is_reference(text: &str) -> bool {
    text.len() <= 24
        && (text.starts_with("LK-") || text.starts_with("LI-"))
        && text.len() > 3
        && text[3..].bytes().all(|b| b.is_ascii_digit())
}

/// A fresh idempotency key for a form posted without JavaScript (the script makes its own per report); `None`
/// (logged) when the system has no random source.
fn new_key() -> Option<String> {
    crate::trust::secrets::random_secret()
        .map(|s| format!("form-{s}"))
        .map_err(|e| tracing::error!(error = %e, "no random source"))
        .ok()
}

fn page(
    taxonomy: &Taxonomy,
    chrome: Chrome,
    current: &CurrentUser,
    typed: &HashMap<String, String>,
    sent: Option<String>,
    errors: Vec<String>,
    idempotency_key: String,
) -> FieldPage {
    let lang = chrome.lang;
    let value = |name: &str| typed.get(name).map(|v| v.trim().to_owned()).unwrap_or_default();
    let category = value("category");
    let severity = value("severity");
    let categories = taxonomy
        .categories
        .iter()
        .map(|c| Choice { selected: c.id == category, value: c.id.clone(), label: c.label.get(lang).to_owned() })
        .collect();
    let mut severities =
        vec![Choice { value: String::new(), label: lang.t(Msg::FieldFormSeverityDefault).to_owned(), selected: true }];
    for s in Severity::ALL {
        let value = s.number().to_string();
        let selected = value == severity;
        severities[0].selected &= !selected;
        severities.push(Choice { label: format!("{} · {}", s.number(), s.label(lang)), value, selected });
    }
    // Only what the user may read back: a report filed above one's clearance would vanish from one's own view, and
    // the API refuses it. The default by kind (intelligence is `terbatas`) is offered only to those who read that.
    let classification = value("classification");
    let by_kind = current.viewer.may_read(Classification::Terbatas);
    let mut classifications = Vec::new();
    if by_kind {
        classifications.push(Choice {
            value: String::new(),
            label: lang.t(Msg::FieldFormClassificationDefault).to_owned(),
            selected: classification.is_empty(),
        });
    }
    for c in [Classification::Biasa, Classification::Terbatas, Classification::Rahasia] {
        if current.viewer.may_read(c) {
            let selected = classification == c.as_str() || (!by_kind && c == Classification::Biasa);
            classifications.push(Choice { value: c.as_str().to_owned(), label: c.as_str().to_owned(), selected });
        }
    }
    // An officer whose territory is one village reports from it: the place is filled in for them.
    let own_village = match &current.viewer.scope {
        Scope::Region(code) if code.level() == Level::Village => code.to_string(),
        _ => String::new(),
    };
    FieldPage {
        username: current.user.username.clone(),
        intelligence: value("kind") == "intelligence",
        categories,
        severities,
        classifications,
        occurred_at: typed
            .get("occurred_at")
            .map(|v| v.trim().to_owned())
            .unwrap_or_else(|| wib(auth::now_ms()).replace(' ', "T")),
        place: typed.get("place").map_or(own_village, |p| p.trim().to_owned()),
        lat: value("lat"),
        lng: value("lng"),
        description: typed.get("description").cloned().unwrap_or_default(),
        idempotency_key,
        sent,
        errors,
        labels_json: labels(lang),
        chrome,
    }
}

/// The form, and after a report filed without JavaScript its reference number.
pub async fn form(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
    Query(params): Query<FieldParams>,
) -> Result<FieldPage, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "field", Some(&current)).await;
    if !current.viewer.may(Action::FileReports) {
        return Err(PageError::Forbidden(chrome));
    }
    let sent = params.sent.filter(|r| is_reference(r)).map(|r| lang.format(Msg::FieldFormSent, &[("reference", &r)]));
    let key = new_key().ok_or_else(|| PageError::Internal(chrome.clone()))?;
    Ok(page(&state.desk.taxonomy(), chrome, &current, &HashMap::new(), sent, Vec::new(), key))
}

/// A decimal coordinate as typed on a phone: a comma may stand for the point.
fn coordinate(text: &str) -> Option<f64> {
    text.replace(',', ".").parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Files the report of a form posted without JavaScript through the incident service (as `POST /api/v1/reports`
/// does); on success goes
/// back to an empty form that shows the reference number, else shows the form again with every fault named.
pub async fn submit(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
    CheckedForm(fields): CheckedForm,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "field", Some(&current)).await;
    if !current.viewer.may(Action::FileReports) {
        return Err(PageError::Forbidden(chrome));
    }
    let text = |name: &str| fields.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let key = match text("idempotency_key") {
        Some(key) => key.to_owned(),
        None => new_key().ok_or_else(|| PageError::Internal(chrome.clone()))?,
    };
    let mut errors = Vec::new();
    let coordinates = lang.t(Msg::FieldFormCoordinates);
    let location = match (text("lat"), text("lng")) {
        (None, None) => None,
        (Some(lat), Some(lng)) => match (coordinate(lat), coordinate(lng)) {
            (Some(lat), Some(lng)) => Some(LatLng::new(lat, lng)),
            (None, _) => {
                errors.push(format!(
                    "{coordinates}: {}",
                    Problem::NotNumber(lat.chars().take(20).collect()).message(lang)
                ));
                None
            }
            (_, None) => {
                errors.push(format!(
                    "{coordinates}: {}",
                    Problem::NotNumber(lng.chars().take(20).collect()).message(lang)
                ));
                None
            }
        },
        _ => {
            errors.push(format!("{coordinates}: {}", Problem::HalfCoordinates.message(lang)));
            None
        }
    };
    if !errors.is_empty() {
        let page = page(&state.desk.taxonomy(), chrome, &current, &fields, None, errors, key);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    // A number alone is a TPS id; anything else is taken for a village code (and named if it is not one).
    let (tps_id, village_code) = match text("place") {
        Some(p) if p.bytes().all(|b| b.is_ascii_digit()) => match p.parse::<i64>() {
            Ok(id) => (Some(id), None),
            Err(_) => (None, Some(p.to_owned())),
        },
        Some(p) => (None, Some(p.to_owned())),
        None => (None, None),
    };
    let report = ReportFields {
        kind: text("kind").map(str::to_owned),
        category: text("category").unwrap_or_default().to_owned(),
        severity: text("severity").map(str::to_owned),
        occurred_at: text("occurred_at").map(str::to_owned),
        tps_id,
        village_code,
        location,
        description: fields.get("description").cloned().unwrap_or_default(),
        source_person: None,
        classification: text("classification").map(str::to_owned),
        channel: Some("field".to_owned()),
        idempotency_key: Some(key.clone()),
    };
    let reporter = Reporter { user: &current.user, viewer: &current.viewer, default_channel: Channel::Field };
    let (status, errors) = match service::file_report(&state, &reporter, &report).await {
        Ok(filing) => {
            let reference = filing.record.kind.reference(filing.record.id);
            return Ok(Redirect::to(&format!("/field?sent={reference}")).into_response());
        }
        Err(FileError::Forbidden) => return Err(PageError::Forbidden(chrome)),
        Err(FileError::Invalid(problems)) => {
            let label = |field: &str| field_label(lang, field).unwrap_or(field).to_owned();
            let errors =
                problems.iter().map(|(f, problem)| format!("{}: {}", label(f), problem.message(lang))).collect();
            (StatusCode::UNPROCESSABLE_ENTITY, errors)
        }
        // The database failed: the page says so in the user's words (and the form keeps what was typed).
        Err(FileError::Store(e)) => {
            let error = crate::error::ApiError::from(e);
            (error.status(), vec![error.body(lang).message])
        }
    };
    let page = page(&state.desk.taxonomy(), chrome, &current, &fields, None, errors, key);
    Ok((status, page).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_report_numbers_are_shown_as_sent() {
        assert!(is_reference("LK-000123") && is_reference("LI-1234567"));
        for bad in ["LK-", "LX-000001", "LK-12a", "<b>LK-1", "LK-0000000000000000000000001"] {
            assert!(!is_reference(bad), "{bad}");
        }
    }

    #[test]
    fn coordinates_as_typed_on_a_phone() {
        assert_eq!(coordinate("-1,05"), Some(-1.05));
        assert_eq!(coordinate("103.85"), Some(103.85));
        assert_eq!(coordinate("NaN"), None);
        assert_eq!(coordinate("utara"), None);
    }
}
