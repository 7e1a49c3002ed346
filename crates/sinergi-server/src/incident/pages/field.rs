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
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sinergi_domain::LatLng;
use sinergi_domain::Level;
use sinergi_domain::access::Action;
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::import::Problem;
use sinergi_domain::incident::draft::ReportFields;
use sinergi_domain::incident::workflow::Status;
use sinergi_domain::incident::{Channel, Severity, Taxonomy};
use sinergi_domain::trust::auth::{Classification, Scope};

use crate::AppState;
use crate::incident::places;
use crate::incident::service::{self, FileError, Reporter};
use crate::lang::PageLang;
use crate::pages::{CheckedForm, Chrome, PageError, internal};
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
    /// The time the form was shown with: posted back unchanged, the report takes the time of sending.
    pub occurred_at_shown: String,
    /// The village as typed (its name; a code is taken too).
    pub village: String,
    pub tps_number: String,
    /// The villages offered by name ("Kedungmalang (Kedung)"), the officer's own first; empty when the territory
    /// is wider than a regency (the name typed is then looked up when the report is filed).
    pub villages: Vec<String>,
    /// The reports this officer sent, newest first.
    pub mine: Vec<MyReport>,
    pub mine_as_of: String,
    pub lat: String,
    pub lng: String,
    pub description: String,
    /// The key a form posted without JavaScript is filed under, so that posting it twice files it once.
    pub idempotency_key: String,
    pub sent: Option<String>,
    pub errors: Vec<String>,
    pub labels_json: String,
}

/// A report the officer sent, as the form lists it.
pub struct MyReport {
    pub reference: String,
    /// Category · place · time.
    pub summary: String,
    pub status: String,
    /// `received`, `verified`, `handled`, `done` or `rejected`: the colour of the status.
    pub stage: &'static str,
    /// Why it was rejected (the kind, and the note when one was written).
    pub reason: String,
}

/// The list of the officer's reports, alone: the form fetches it when there is signal.
#[derive(Template, WebTemplate)]
#[template(path = "incident/field_mine.html")]
pub struct MineFragment {
    pub chrome: Chrome,
    pub mine: Vec<MyReport>,
    pub mine_as_of: String,
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
        "place" | "tps_id" => Msg::FieldFormPlace,
        "village_code" | "village_name" => Msg::FieldFormVillage,
        "tps_number" => Msg::FieldFormTpsNumber,
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
        "village_name",
        "tps_number",
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
        "nearest": t(Msg::FieldFormNearest),
        "no_tps_near": t(Msg::FieldFormNoTpsNear),
        "places_kept": t(Msg::FieldFormPlacesKept),
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

/// What the form shows beside its fields: the villages to choose from and the officer's reports.
struct Around {
    villages: Vec<String>,
    mine: Vec<MyReport>,
    mine_as_of: String,
    /// The officer's own village (a territory of one village), as the list names it.
    own_village: String,
}

/// How the list names a village: with its district, since names repeat ("Kedungmalang (Kedung)").
fn village_choice(name: &str, district: &str) -> String {
    if district.is_empty() { name.to_owned() } else { format!("{name} ({district})") }
}

async fn around(state: &AppState, current: &CurrentUser, lang: Lang) -> Result<Around, sinergi_store::StoreError> {
    let viewer = &current.viewer;
    let villages = places::villages_of_territory(state, viewer).await?.unwrap_or_default();
    let (mine, last_village) = my_reports(state, current, lang).await?;
    let name_of = |code: &sinergi_domain::RegionCode| {
        villages.iter().find(|(c, _, _)| c == code).map(|(_, name, district)| village_choice(name, district))
    };
    let own_village = match &viewer.scope {
        Scope::Region(code) if code.level() == Level::Village => name_of(code).unwrap_or_default(),
        _ => String::new(),
    };
    // The village the officer reported from last comes first: the one most likely to be wanted again.
    let first = last_village.as_ref().and_then(name_of);
    let mut choices: Vec<String> = first.iter().cloned().collect();
    choices.extend(
        villages.iter().map(|(_, name, district)| village_choice(name, district)).filter(|c| Some(c) != first.as_ref()),
    );
    let mine_as_of = lang.format(Msg::FieldFormMineAsOf, &[("time", &crate::pages::when(lang, auth::now_ms()))]);
    Ok(Around { villages: choices, mine, mine_as_of, own_village })
}

/// The officer's last reports with their status in words, and the village of the newest.
async fn my_reports(
    state: &AppState,
    current: &CurrentUser,
    lang: Lang,
) -> Result<(Vec<MyReport>, Option<sinergi_domain::RegionCode>), sinergi_store::StoreError> {
    let filter = sinergi_store::ReportFilter { reporter_account: Some(current.user.id), ..Default::default() };
    let page = sinergi_store::Page::new(1, MINE_SHOWN);
    let (records, _) = state.store.reports(&current.viewer, &filter, page).await?;
    let last_village = records.first().map(|r| r.village_code.clone());
    let names = crate::incident::views::places(state, &current.viewer, &records).await?;
    let taxonomy = state.desk.taxonomy();
    let mut out = Vec::with_capacity(records.len());
    for r in &records {
        let category = taxonomy.category(&r.category).map_or(r.category.as_str(), |c| c.label.get(lang));
        let village = names.get(&r.id).map_or_else(|| r.village_code.to_string(), |p| p.village_name.clone());
        let place = match r.tps_id {
            Some(id) => match state.store.tps(&current.viewer, id).await? {
                Some(t) => format!("{} {village}", t.tps.label()),
                None => village,
            },
            None => village,
        };
        let summary = format!("{category} · {place} · {}", crate::pages::when(lang, r.occurred_at_ms));
        let stage = match r.status {
            Status::Reported => "received",
            Status::Verified => "verified",
            Status::Assigned | Status::InHandling => "handled",
            Status::Resolved | Status::Closed => "done",
            Status::Rejected => "rejected",
        };
        let mut reason = String::new();
        if r.status == Status::Rejected {
            let history = state.store.report_history(r.id).await?;
            if let Some(h) = history.iter().rev().find(|h| h.to_status == Status::Rejected.as_str()) {
                let kind = h.reject_reason.as_deref().map(|k| super::reject_label(lang, k)).unwrap_or_default();
                let text = [kind, h.reason.trim().to_owned()].into_iter().filter(|t| !t.is_empty()).collect::<Vec<_>>();
                reason = text.join(" — ");
            }
        }
        out.push(MyReport {
            reference: r.kind.reference(r.id),
            summary,
            status: r.status.label(lang).to_owned(),
            stage,
            reason,
        });
    }
    Ok((out, last_village))
}

/// How many of the officer's reports the form lists.
const MINE_SHOWN: u32 = 10;

fn page(
    taxonomy: &Taxonomy,
    chrome: Chrome,
    current: &CurrentUser,
    typed: &HashMap<String, String>,
    around: Around,
    (sent, errors): (Option<String>, Vec<String>),
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
    let now = wib(auth::now_ms()).replace(' ', "T");
    FieldPage {
        username: current.user.username.clone(),
        intelligence: value("kind") == "intelligence",
        categories,
        severities,
        classifications,
        occurred_at: typed.get("occurred_at").map_or_else(|| now.clone(), |v| v.trim().to_owned()),
        occurred_at_shown: typed.get("occurred_at_shown").map_or(now, |v| v.trim().to_owned()),
        // An officer whose territory is one village reports from it: the place is filled in for them.
        village: typed.get("village").map_or(around.own_village, |p| p.trim().to_owned()),
        tps_number: value("tps_number"),
        villages: around.villages,
        mine: around.mine,
        mine_as_of: around.mine_as_of,
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
    let around = around(&state, &current, lang).await.map_err(internal(&chrome))?;
    Ok(page(&state.desk.taxonomy(), chrome, &current, &HashMap::new(), around, (sent, Vec::new()), key))
}

/// The officer's reports alone (`/field/mine`), for the form to refresh its list when there is signal.
pub async fn mine(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "field", Some(&current)).await;
    if !current.viewer.may(Action::FileReports) {
        return Err(PageError::Forbidden(chrome));
    }
    let (mine, _) = my_reports(&state, &current, lang).await.map_err(internal(&chrome))?;
    let mine_as_of = lang.format(Msg::FieldFormMineAsOf, &[("time", &crate::pages::when(lang, auth::now_ms()))]);
    let mut response = MineFragment { chrome, mine, mine_as_of }.into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The territory's villages and TPS (`/field/places`, JSON), which the form keeps on the device: asked again
/// with the version it has (`If-None-Match`), it answers 304 when nothing changed. `null` for a territory wider
/// than a regency.
pub async fn places_json(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    headers: HeaderMap,
    Extension(current): Extension<CurrentUser>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "field", Some(&current)).await;
    if !current.viewer.may(Action::FileReports) {
        return Err(PageError::Forbidden(chrome));
    }
    let found = places::field_places(&state, &current.viewer).await.map_err(internal(&chrome))?;
    // The account is part of the version: a shared phone never takes one officer's list for another's.
    let etag = format!("\"{}-{}\"", current.user.id, found.as_ref().map_or("none", |p| p.version.as_str()));
    let private = [(header::CACHE_CONTROL, "private, no-cache"), (header::VARY, "Cookie")];
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v == etag) {
        return Ok((StatusCode::NOT_MODIFIED, private, [(header::ETAG, etag)]).into_response());
    }
    let body = serde_json::to_string(&found).map_err(|_| PageError::Internal(chrome.clone()))?;
    Ok((private, [(header::ETAG, etag), (header::CONTENT_TYPE, "application/json".to_owned())], body).into_response())
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
    // The TPS by its number in the village: digits, with the zeros KPU writes ("003") or without.
    let tps_number = match text("tps_number") {
        None => None,
        Some(n) => match n.trim_start_matches(['T', 'P', 'S', 't', 'p', 's', ' ']).parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                let label = lang.t(Msg::FieldFormTpsNumber);
                errors.push(format!("{label}: {}", Problem::NotNumber(n.chars().take(20).collect()).message(lang)));
                None
            }
        },
    };
    if !errors.is_empty() {
        let around = around(&state, &current, lang).await.map_err(internal(&chrome))?;
        let page = page(&state.desk.taxonomy(), chrome, &current, &fields, around, (None, errors), key);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    // The village as chosen from the list (its name, with its district), or its code as typed.
    let (village_code, village_name) = match text("village") {
        Some(v) if sinergi_domain::RegionCode::parse(v).is_ok() => (Some(v.to_owned()), None),
        Some(v) => (None, Some(v.to_owned())),
        None => (None, None),
    };
    // Sent back as it was shown, the time was not chosen: the report happened when it was sent.
    let occurred_at = text("occurred_at").filter(|at| Some(*at) != text("occurred_at_shown")).map(str::to_owned);
    let report = ReportFields {
        kind: text("kind").map(str::to_owned),
        category: text("category").unwrap_or_default().to_owned(),
        severity: text("severity").map(str::to_owned),
        occurred_at,
        tps_id: None,
        village_code,
        village_name,
        tps_number,
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
    let around = around(&state, &current, lang).await.map_err(internal(&chrome))?;
    let page = page(&state.desk.taxonomy(), chrome, &current, &fields, around, (None, errors), key);
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
