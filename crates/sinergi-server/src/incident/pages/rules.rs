//! The routing rules page for administrators (`/incidents/rules`; docs/incidents.md, "The taxonomy"): the
//! taxonomy in force as a readable table — each category with the unit kinds that must act and those informed,
//! and the time limits per severity — the versions loaded, and a form holding the TOML text in force to load a
//! new version.
//!
//! The page holds no rules of its own: the form is checked and stored by `incident::taxonomy::load_version`, as
//! the API's `PUT /report-categories` is, so a refused text shows here the same faults, each with its place, that
//! an API client gets.

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use sinergi_domain::UnitKind;
use sinergi_domain::access::Action;
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::incident::{SHIPPED_TAXONOMY, Severity, Taxonomy};
use sinergi_store::{Page, TaxonomyVersion};

use crate::AppState;
use crate::error::{ApiError, Code};
use crate::lang::PageLang;
use crate::pages::{CheckedForm, Chrome, PageError, internal, when};
use crate::trust::auth::{CurrentUser, Origin};

/// Versions listed on the page at most; the API lists them all.
const VERSIONS_LISTED: u32 = 50;

/// A category of the taxonomy in force, with its route.
pub struct RuleRow {
    pub id: String,
    pub label: String,
    pub severity: String,
    pub responsible: String,
    pub informed: String,
    pub words: String,
    /// No route names it: the nearest police unit owns its reports.
    pub no_route: bool,
}

/// The time limits of a severity.
pub struct LimitRow {
    pub severity: u8,
    pub label: &'static str,
    pub verify: String,
    pub act: String,
}

/// A stored version in the history.
pub struct VersionRow {
    pub id: i64,
    pub taxonomy_id: String,
    pub label: String,
    pub by: String,
    pub when: String,
    pub reason: String,
    pub in_force: bool,
}

/// A fault of a refused form: where (a field or a place in the text, for machines and tests) and what.
pub struct Fault {
    pub place: String,
    pub message: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "incident/rules.html")]
pub struct RulesPage {
    pub chrome: Chrome,
    pub title: String,
    pub notice: Option<String>,
    pub in_force: String,
    pub categories: Vec<RuleRow>,
    pub limits: Vec<LimitRow>,
    pub versions: Vec<VersionRow>,
    pub more_versions: Option<String>,
    /// The form: the TOML text (the one in force, or as typed) and the reason.
    pub toml: String,
    pub reason: String,
    /// Why the form was refused: every fault, each with its place.
    pub faults: Vec<Fault>,
}

fn kinds(kinds: &[UnitKind]) -> String {
    kinds.iter().map(|k| k.title()).collect::<Vec<_>>().join(", ")
}

fn minutes(lang: Lang, n: u32) -> String {
    lang.format(Msg::RulesMinutes, &[("minutes", &lang.number(u64::from(n)))])
}

fn rule_rows(taxonomy: &Taxonomy, lang: Lang) -> Vec<RuleRow> {
    taxonomy
        .categories
        .iter()
        .map(|c| {
            let route = taxonomy.route(&c.id);
            RuleRow {
                id: c.id.clone(),
                label: c.label.get(lang).to_owned(),
                severity: format!("{} – {}", c.severity.number(), c.severity.label(lang)),
                responsible: route.map(|r| kinds(&r.responsible)).unwrap_or_default(),
                informed: route.map(|r| kinds(&r.informed)).unwrap_or_default(),
                words: c.aliases.join(", "),
                no_route: route.is_none(),
            }
        })
        .collect()
}

fn limit_rows(taxonomy: &Taxonomy, lang: Lang) -> Vec<LimitRow> {
    Severity::ALL
        .iter()
        .rev()
        .map(|s| {
            let limit = taxonomy.limit(*s);
            LimitRow {
                severity: s.number(),
                label: s.label(lang),
                verify: minutes(lang, limit.verify_minutes),
                act: minutes(lang, limit.act_minutes),
            }
        })
        .collect()
}

/// The form as typed, or empty (then it holds the text in force), and why it was refused.
#[derive(Default)]
struct Typed {
    toml: Option<String>,
    reason: String,
    faults: Vec<Fault>,
    saved: Option<i64>,
}

async fn render(state: &AppState, chrome: Chrome, typed: Typed) -> Result<RulesPage, PageError> {
    let lang = chrome.lang;
    let (taxonomy, stored) = crate::incident::taxonomy::current(state);
    let (versions, total) =
        state.store.taxonomy_versions(Page::new(1, VERSIONS_LISTED)).await.map_err(internal(&chrome))?;
    let toml = match (typed.toml, &stored) {
        (Some(text), _) => text,
        (None, None) => SHIPPED_TAXONOMY.to_owned(),
        (None, Some(v)) => match state.store.taxonomy_version(v.id).await.map_err(internal(&chrome))? {
            Some(s) => s.definition,
            None => SHIPPED_TAXONOMY.to_owned(),
        },
    };
    let in_force = match &stored {
        Some(v) => lang.format(
            Msg::RulesInForceStored,
            &[
                ("taxonomy", &taxonomy.id),
                ("version", &taxonomy.version),
                ("id", &v.id),
                ("when", &when(lang, v.loaded_at_ms)),
                ("by", &v.loaded_by),
            ],
        ),
        None => lang.format(Msg::RulesInForceShipped, &[("taxonomy", &taxonomy.id), ("version", &taxonomy.version)]),
    };
    let notice = typed
        .saved
        .and_then(|id| versions.iter().find(|v| v.id == id))
        .map(|v: &TaxonomyVersion| lang.format(Msg::RulesSaved, &[("id", &v.id), ("version", &v.label)]));
    let shown = versions.len();
    let in_force_id = stored.as_ref().map(|v| v.id);
    Ok(RulesPage {
        title: lang.t(Msg::RulesTitle).to_owned(),
        notice,
        in_force,
        categories: rule_rows(&taxonomy, lang),
        limits: limit_rows(&taxonomy, lang),
        versions: versions
            .into_iter()
            .map(|v| VersionRow {
                in_force: Some(v.id) == in_force_id,
                id: v.id,
                taxonomy_id: v.taxonomy_id,
                label: v.label,
                by: v.loaded_by,
                when: when(lang, v.loaded_at_ms),
                reason: v.reason,
            })
            .collect(),
        more_versions: (total > shown as u64).then(|| {
            lang.format(Msg::RulesHistoryMore, &[("shown", &lang.number(shown as u64)), ("total", &lang.number(total))])
        }),
        toml,
        reason: typed.reason,
        faults: typed.faults,
        chrome,
    })
}

/// The routing rules in force, their history and the form (administrators).
pub async fn page(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<RulesPage, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "incidents", Some(&current)).await;
    if !current.viewer.may(Action::ManageTaxonomy) {
        return Err(PageError::Forbidden(chrome));
    }
    let saved = params.into_iter().rev().find(|(k, _)| k == "saved").and_then(|(_, v)| v.parse().ok());
    render(&state, chrome, Typed { saved, ..Typed::default() }).await
}

/// Each fault of a refusal with its place: the taxonomy's faults with theirs, a field by its label on the page.
fn faults(e: &ApiError, lang: Lang) -> Vec<Fault> {
    let body = e.body(lang);
    if body.fields.is_empty() {
        return vec![Fault { place: e.code().as_str().to_owned(), message: body.message }];
    }
    body.fields
        .into_iter()
        .map(|f| {
            let message = match f.field.as_str() {
                "toml" => format!("{}: {}", lang.t(Msg::RulesFormToml), f.message),
                "reason" => format!("{}: {}", lang.t(Msg::RulesFormReason), f.message),
                // A taxonomy fault's message already starts with its place.
                _ => f.message,
            };
            Fault { place: f.field, message }
        })
        .collect()
}

/// Checks and stores a new version from the form, through the same function as the API (`taxonomy::load_version`). A refusal shows the page again
/// with every fault and the form as typed (nothing stored); success leads back to the page with a notice.
pub async fn submit(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
    Extension(origin): Extension<Origin>,
    CheckedForm(fields): CheckedForm,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "incidents", Some(&current)).await;
    if !current.viewer.may(Action::ManageTaxonomy) {
        return Err(PageError::Forbidden(chrome));
    }
    let field = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let loaded =
        crate::incident::taxonomy::load_version(&state, &current, &origin.0, &field("toml"), &field("reason")).await;
    match loaded.map_err(ApiError::from) {
        Ok((version, _)) => Ok(Redirect::to(&format!("/incidents/rules?saved={}", version.id)).into_response()),
        Err(e) if e.status().is_client_error() && e.code() != Code::Forbidden => {
            let typed =
                Typed { toml: Some(field("toml")), reason: field("reason"), faults: faults(&e, lang), saved: None };
            let page = render(&state, chrome, typed).await?;
            Ok((e.status(), page).into_response())
        }
        Err(e) if e.status() == StatusCode::FORBIDDEN => Err(PageError::Forbidden(chrome)),
        Err(_) => Err(PageError::Internal(chrome)),
    }
}
