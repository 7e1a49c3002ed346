//! The form in which an officer answers the area indicators (docs/vulnerability.md) of a village, or of a district
//! and all of its villages at once: one row per region, one checkbox (or number) per indicator, pre-filled with the
//! agency's latest answers, recorded in one transaction or not at all.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sinergi_domain::Level;
use sinergi_domain::access::Action;
use sinergi_domain::i18n::Msg;
use sinergi_domain::import::Problem;
use sinergi_domain::vulnerability::{AnswerCodec, AnswerKind, IndicatorSet};
use sinergi_store::{NewAreaAssessment, RegionInfo};

use super::vulnerability::{FormHead, choose_set, form_head, wib};
use super::{CheckedForm, Chrome, Crumb, PageError, crumbs, find, internal};
use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::lang::PageLang;

pub struct AreaColumn {
    pub field: usize,
    pub id: String,
    pub question: String,
    pub count: bool,
}

pub struct AreaFormRow {
    /// The region code, as the form fields name it.
    pub code: String,
    pub name: String,
    /// One value per column, as typed or as last answered by the agency ("" for no).
    pub values: Vec<String>,
}

/// One table of the form: the regions of one level and that level's indicators.
pub struct AreaTable {
    pub heading: String,
    pub columns: Vec<AreaColumn>,
    pub rows: Vec<AreaFormRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "area_assess.html")]
pub struct AreaAssessPage {
    pub chrome: Chrome,
    pub title: String,
    pub crumbs: Vec<Crumb>,
    pub intro: String,
    pub set_name: String,
    pub action: String,
    pub tables: Vec<AreaTable>,
    pub assessor: String,
    pub date: String,
    pub evidence: String,
    pub error: Option<String>,
}

#[derive(Deserialize)]
pub struct AreaParams {
    set: Option<String>,
}

/// What the form is about: the village or district, the set, and the regions it lists (the district first, then
/// its villages; or the village alone).
struct Context {
    region: RegionInfo,
    set: IndicatorSet,
    regions: Vec<RegionInfo>,
}

async fn context(
    state: &AppState,
    chrome: &Chrome,
    current: &CurrentUser,
    code: &str,
    set: Option<&str>,
) -> Result<Context, PageError> {
    if !current.viewer.may(Action::Assess) {
        return Err(PageError::Forbidden(chrome.clone()));
    }
    let region = find(state, &current.viewer, chrome, code).await?;
    if !matches!(region.level, Level::Village | Level::District) || !current.viewer.covers(&region.code) {
        return Err(PageError::NotFound(
            chrome.clone(),
            chrome.lang.format(Msg::ErrRegionNotFound, &[("code", &code)]),
        ));
    }
    let (_, set) = choose_set(state, chrome, set).await?;
    if set.area.is_empty() {
        return Err(PageError::NotFound(
            chrome.clone(),
            chrome.lang.format(Msg::CliNoAreaIndicators, &[("id", &set.id)]),
        ));
    }
    let mut regions = vec![region.clone()];
    if region.level == Level::District {
        regions.extend(state.store.children(&current.viewer, Some(&region.code)).await.map_err(internal(chrome))?);
    }
    Ok(Context { region, set, regions })
}

fn field(code: &str, i: usize) -> String {
    format!("r_{code}_{i}")
}

fn page(
    chrome: Chrome,
    trail: Vec<Crumb>,
    ctx: &Context,
    current: &CurrentUser,
    filled: &HashMap<String, String>,
    error: Option<String>,
) -> AreaAssessPage {
    let lang = chrome.lang;
    let set = &ctx.set;
    let mut tables = Vec::new();
    for level in [Level::District, Level::Village] {
        let columns: Vec<AreaColumn> = set
            .area
            .of_level(level)
            .map(|(i, ind)| AreaColumn {
                field: i,
                id: ind.id.clone(),
                question: ind.question.get(lang).to_owned(),
                count: matches!(ind.answer, AnswerKind::Count { .. }),
            })
            .collect();
        let rows: Vec<AreaFormRow> = ctx
            .regions
            .iter()
            .filter(|r| r.level == level)
            .map(|r| AreaFormRow {
                code: r.code.to_string(),
                name: r.name.clone(),
                values: (0..set.area.indicators.len())
                    .map(|i| filled.get(&field(r.code.as_str(), i)).cloned().unwrap_or_default())
                    .collect(),
            })
            .collect();
        if columns.is_empty() || rows.is_empty() {
            continue;
        }
        let heading = lang.t(if level == Level::District { Msg::LevelDistrict } else { Msg::LevelVillage }).to_owned();
        tables.push(AreaTable { heading, columns, rows });
    }
    AreaAssessPage {
        title: lang.format(Msg::AreaAssessTitle, &[("name", &ctx.region.name)]),
        crumbs: trail,
        intro: lang.format(Msg::AreaAssessIntro, &[("agency", &current.viewer.agency.as_str().to_uppercase())]),
        set_name: set.name.get(lang).to_owned(),
        action: format!("/vulnerability/{}/area?set={}", ctx.region.code, set.id),
        tables,
        assessor: filled.get("assessor").cloned().unwrap_or_default(),
        date: filled.get("date").cloned().unwrap_or_default(),
        evidence: filled.get("evidence").cloned().unwrap_or_default(),
        error,
        chrome,
    }
}

async fn trail(
    state: &AppState,
    chrome: &Chrome,
    current: &CurrentUser,
    ctx: &Context,
) -> Result<Vec<Crumb>, PageError> {
    let mut trail = crumbs(state, &current.viewer, &ctx.region.code).await.map_err(internal(chrome))?;
    trail.push(Crumb {
        name: ctx.region.name.clone(),
        href: format!("/vulnerability/{}?set={}", ctx.region.code, ctx.set.id),
    });
    Ok(trail)
}

pub async fn form(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
    Path(code): Path<String>,
    Query(params): Query<AreaParams>,
) -> Result<AreaAssessPage, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "vulnerability", Some(&current)).await;
    let ctx = context(&state, &chrome, &current, &code, params.set.as_deref()).await?;
    let trail = trail(&state, &chrome, &current, &ctx).await?;
    // Pre-filled with the agency's latest answers: area facts change slowly, and the officer confirms or corrects.
    let mut filled = HashMap::new();
    filled.insert("date".to_owned(), wib(auth::now_ms())[..10].to_owned());
    let history = state
        .store
        .area_assessments(&current.viewer, &ctx.set.id, &ctx.region.code)
        .await
        .map_err(internal(&chrome))?;
    let codec = AnswerCodec::area(&ctx.set);
    let mut done = std::collections::HashSet::new();
    let mut answers = Vec::new();
    // Newest first per region, so the first of the agency's rows is its latest.
    for row in history.iter().filter(|r| r.agency == current.viewer.agency.as_str()) {
        if !ctx.regions.iter().any(|r| r.code == row.region_code) || !done.insert(row.region_code.clone()) {
            continue;
        }
        codec.decode_into(&row.answers, &mut answers);
        for (i, value) in answers.iter().enumerate().filter(|(_, v)| **v > 0) {
            let ind = &ctx.set.area.indicators[i];
            let text = if matches!(ind.answer, AnswerKind::Count { .. }) { value.to_string() } else { "ya".to_owned() };
            filled.insert(field(row.region_code.as_str(), i), text);
        }
    }
    Ok(page(chrome, trail, &ctx, &current, &filled, None))
}

/// Records one assessment per region of the form, all in one transaction, or none with the faults named.
#[allow(clippy::too_many_arguments)] // one per axum extractor
pub async fn submit(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
    Extension(origin): Extension<auth::Origin>,
    Path(code): Path<String>,
    Query(params): Query<AreaParams>,
    CheckedForm(fields): CheckedForm,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "vulnerability", Some(&current)).await;
    let ctx = context(&state, &chrome, &current, &code, params.set.as_deref()).await?;
    let set = &ctx.set;
    let mut problems: Vec<String> = Vec::new();
    let FormHead { assessor, assessed_at_ms, now } = form_head(&fields, lang, &mut problems);
    let evidence = fields.get("evidence").map_or("", |e| e.trim());
    if evidence.chars().count() > 2000 {
        problems.push(format!("{}: {}", lang.t(Msg::AreaEvidence), Problem::TooLong(2000).message(lang)));
    } else if evidence.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
        problems.push(format!("{}: {}", lang.t(Msg::AreaEvidence), Problem::ControlCharacter.message(lang)));
    }
    let mut items = Vec::new();
    for region in &ctx.regions {
        let mut answers = vec![0; set.area.indicators.len()];
        for (i, ind) in set.area.of_level(region.level) {
            let Some(value) = fields.get(&field(region.code.as_str(), i)).map(|v| v.trim()).filter(|v| !v.is_empty())
            else {
                continue;
            };
            match ind.answer.parse(value) {
                Some(v) => answers[i] = v,
                None => {
                    let problem = ind.answer.bad_answer(value);
                    problems.push(format!("{} · {}: {}", region.name, ind.id, problem.message(lang)));
                }
            }
        }
        items.push(NewAreaAssessment {
            region: region.code.clone(),
            agency: current.viewer.agency,
            assessor: assessor.clone(),
            account_id: Some(current.user.id),
            assessed_at_ms,
            recorded_at_ms: now,
            answers,
            evidence: evidence.replace("\r\n", "\n"),
        });
    }
    if !problems.is_empty() {
        let trail = trail(&state, &chrome, &current, &ctx).await?;
        let error = lang.format(Msg::AssessRefused, &[("detail", &problems.join("; "))]);
        let page = page(chrome, trail, &ctx, &current, &fields, Some(error));
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let detail = format!("set {} version {}, {} regions of {}", set.id, set.version, items.len(), ctx.region.code);
    let event = auth::event(&current.actor(), "area_assessment.form", ctx.region.code.as_str(), detail, &origin.0);
    state.store.add_area_assessments(set, &items, &event).await.map_err(internal(&chrome))?;
    let to = format!("/vulnerability/{}?set={}&saved_areas={}", ctx.region.code, set.id, items.len());
    Ok(Redirect::to(&to).into_response())
}
