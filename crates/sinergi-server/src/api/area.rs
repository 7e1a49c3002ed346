//! Area indicators: assessments of a village or a district (read the history and the current answers, record a
//! new one). They feed the area index (docs/vulnerability.md, "The index of an area").

use std::collections::BTreeMap;

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use sinergi_domain::Level;
use sinergi_domain::access::Action;
use sinergi_domain::import::Problem;
use sinergi_domain::vulnerability::{AnswerCodec, IndicatorSet};
use sinergi_store::{AreaAssessmentRecord, NewAreaAssessment};
use utoipa::{IntoParams, ToSchema};

use super::dto::RegionDto;
use super::regions::find_region;
use super::vulnerability::{answer_text, area_facts, check_common, load_set};
use super::{ApiJson, ApiPath, ApiQuery, parse_code};
use crate::AppState;
use crate::auth::{self, CurrentUser, Origin};
use crate::error::{ApiError, ErrorBody};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AreaSetQuery {
    /// Indicator set id, e.g. `bawaslu-pilkada-2024`.
    pub set: String,
}

/// One assessment of a village or a district.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct AreaAssessmentDto {
    pub id: i64,
    pub region_code: String,
    pub set: String,
    pub set_version: String,
    pub agency: String,
    pub assessor: String,
    /// Milliseconds since the Unix epoch.
    pub assessed_at_ms: i64,
    pub recorded_at_ms: i64,
    /// The answers other than 0 (`no`), by indicator id.
    pub answers: BTreeMap<String, u32>,
    pub evidence: String,
}

impl From<AreaAssessmentRecord> for AreaAssessmentDto {
    fn from(a: AreaAssessmentRecord) -> AreaAssessmentDto {
        let answers = a
            .answers
            .split(';')
            .filter_map(|pair| pair.split_once('='))
            .filter_map(|(name, value)| Some((name.to_owned(), value.parse().ok()?)))
            .collect();
        AreaAssessmentDto {
            id: a.id,
            region_code: a.region_code.to_string(),
            set: a.set_id,
            set_version: a.set_version,
            agency: a.agency,
            assessor: a.assessor,
            assessed_at_ms: a.assessed_at_ms,
            recorded_at_ms: a.recorded_at_ms,
            answers,
            evidence: a.evidence,
        }
    }
}

/// A village's or district's area indicators: which hold now (in any agency's latest assessment), their weighted
/// share, and every assessment.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct AreaAssessmentsDto {
    pub region: RegionDto,
    pub set: String,
    /// The ids of this region's area indicators that hold now.
    pub holding: Vec<String>,
    /// 0–100: the weighted share of this region's area indicators that hold; absent before any assessment.
    pub score: Option<f64>,
    /// Every assessment, newest first.
    pub assessments: Vec<AreaAssessmentDto>,
}

async fn area_state(
    state: &AppState,
    current: &CurrentUser,
    set: &IndicatorSet,
    region: sinergi_store::RegionInfo,
) -> Result<AreaAssessmentsDto, ApiError> {
    let facts = area_facts(state, &current.viewer, set, &region.code).await?;
    let holding: Vec<String> = facts
        .holding(&region.code)
        .map(|flags| set.area.indicators.iter().zip(flags).filter(|(_, h)| **h).map(|(i, _)| i.id.clone()).collect())
        .unwrap_or_default();
    let score = facts
        .holding(&region.code)
        .and_then(|flags| set.area.ratio(region.code.level(), flags))
        .map(|r| (r * 1000.0).round() / 10.0);
    let rows = state.store.area_assessments(&current.viewer, &set.id, &region.code).await?;
    let assessments = rows.into_iter().filter(|r| r.region_code == region.code).map(Into::into).collect();
    Ok(AreaAssessmentsDto { region: region.into(), set: set.id.clone(), holding, score, assessments })
}

/// The area indicators of a village or a district under a set: the current answers and every assessment.
#[utoipa::path(get, path = "/regions/{code}/area-assessments", tag = "vulnerability",
    operation_id = "list_area_assessments",
    params(("code" = String, Path, description = "Village or district code"), AreaSetQuery),
    responses((status = 200, body = AreaAssessmentsDto), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiPath(code): ApiPath<String>,
    ApiQuery(query): ApiQuery<AreaSetQuery>,
) -> Result<ApiJson<AreaAssessmentsDto>, ApiError> {
    current.require(Action::ReadTps)?;
    let set = load_set(&state, &query.set).await?;
    let code = parse_code(&code, "code")?;
    let region = find_region(&state, &current.viewer, &code).await?;
    Ok(ApiJson(area_state(&state, &current, &set, region).await?))
}

/// A new assessment of a village or a district, for the user's own agency.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaAssessmentInput {
    /// Indicator set id.
    pub set: String,
    /// Who assessed (name, rank); 1 to 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    pub assessor: String,
    /// `YYYY-MM-DD` or `YYYY-MM-DD HH:MM` in WIB; the time of recording when omitted.
    pub assessed_at: Option<String>,
    /// Answers by area indicator id, for the indicators of the region's level: `"ya"`/`"tidak"` (or true/false)
    /// for yes/no, a number for counts. Indicators left out are answered `tidak`.
    pub answers: BTreeMap<String, serde_json::Value>,
    /// What was seen or heard; up to 2,000 characters.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub evidence: String,
}

/// Records an assessment of a village's or a district's area indicators (operators, field reporters and
/// administrators, inside their territory). Every answer is checked; nothing is written if one is wrong.
#[utoipa::path(post, path = "/regions/{code}/area-assessments", tag = "vulnerability",
    operation_id = "create_area_assessment", request_body = AreaAssessmentInput,
    params(("code" = String, Path, description = "Village or district code")),
    responses((status = 201, body = AreaAssessmentsDto), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record(
    State(state): State<AppState>,
    current: CurrentUser,
    Extension(origin): Extension<Origin>,
    ApiPath(code): ApiPath<String>,
    ApiJson(input): ApiJson<AreaAssessmentInput>,
) -> Result<(StatusCode, ApiJson<AreaAssessmentsDto>), ApiError> {
    current.require(Action::Assess)?;
    let set = load_set(&state, &input.set).await?;
    let code = parse_code(&code, "code")?;
    let region = find_region(&state, &current.viewer, &code).await?;
    // The region is visible; the district above a village-scope account is, but is not the account's to assess.
    if !current.viewer.covers(&code) {
        return Err(auth::forbidden());
    }
    let now = auth::now_ms();
    let mut problems: Vec<(String, Problem)> = Vec::new();
    if !matches!(code.level(), Level::Village | Level::District) {
        problems.push(("code".into(), Problem::NotArea(code.to_string())));
    }
    let common = check_common(&input.assessor, &input.evidence, input.assessed_at.as_deref(), now, &mut problems);
    let answers = parse_answers(&set, code.level(), &input.answers, &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let item = NewAreaAssessment {
        region: code.clone(),
        agency: current.viewer.agency,
        assessor: common.assessor,
        account_id: Some(current.user.id),
        assessed_at_ms: common.assessed_at_ms,
        recorded_at_ms: now,
        answers,
        evidence: common.evidence,
    };
    let detail = format!(
        "set {} version {}, agency {}, answers {}",
        set.id,
        set.version,
        current.viewer.agency.as_str(),
        AnswerCodec::area(&set).encode(&item.answers)
    );
    let event = auth::event(&current.actor(), "area_assessment.create", &format!("region:{code}"), detail, &origin.0);
    state.store.add_area_assessments(&set, &[item], &event).await?;
    Ok((StatusCode::CREATED, ApiJson(area_state(&state, &current, &set, region).await?)))
}

/// One value per area indicator from answers by id; a problem per unknown id, wrong level or bad value.
pub(crate) fn parse_answers(
    set: &IndicatorSet,
    level: Level,
    given: &BTreeMap<String, serde_json::Value>,
    problems: &mut Vec<(String, Problem)>,
) -> Vec<u32> {
    let mut answers = vec![0; set.area.indicators.len()];
    for (name, value) in given {
        let field = format!("answers.{name}");
        let Some(i) = set.area.position(name) else {
            problems.push((field, Problem::UnknownColumn(name.chars().take(80).collect())));
            continue;
        };
        let indicator = &set.area.indicators[i];
        let text = answer_text(value);
        if indicator.level != level {
            // Only a "no" may be given for another level's indicator (a form may send every field).
            if !text.trim().is_empty() && sinergi_domain::vulnerability::AnswerKind::YesNo.parse(&text) != Some(0) {
                let wanted = if indicator.level == Level::District { "district" } else { "village" };
                problems.push((field, Problem::AreaLevel { indicator: indicator.id.clone(), level: wanted }));
            }
            continue;
        }
        match indicator.answer.parse(&text) {
            Some(v) => answers[i] = v,
            None => problems.push((field, indicator.answer.bad_answer(&text))),
        }
    }
    answers
}
