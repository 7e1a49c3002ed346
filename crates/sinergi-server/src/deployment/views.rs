//! What deployment planning shows: the API's answer types, built from records, used by the API and the pages alike.

use serde::Serialize;
use sinergi_domain::deployment::planner::{PlanDocument, PlanSummary};
use sinergi_domain::deployment::{Force, Need};
use sinergi_domain::i18n::Lang;
use sinergi_store::{PlanHead, PlanRecord};
use utoipa::ToSchema;

use super::jobs::{Job, JobState};

/// People per force.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NeedDto {
    pub polri: u32,
    pub tni: u32,
    pub linmas: u32,
    pub total: u32,
}

impl NeedDto {
    pub fn new(n: &Need) -> NeedDto {
        NeedDto { polri: n.polri, tni: n.tni, linmas: n.linmas, total: n.total() }
    }
}

/// The figures plans are compared by.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SummaryDto {
    pub tps: u32,
    pub posts: u32,
    pub need: NeedDto,
    pub assigned: NeedDto,
    pub short: NeedDto,
    /// TPS whose post lacks someone.
    pub uncovered_tps: u32,
    pub patrol_teams: u32,
    pub patrol_minutes: f64,
    pub unpatrolled_tps: u32,
    pub reserve_teams: u32,
    pub worst_response_minutes: Option<f64>,
    /// What to ask of the Polda (Kodam, the province's Linmas).
    pub bko: NeedDto,
    /// Anything missing: people short, TPS not patrolled, a district or the reserves not planned.
    pub partial: bool,
}

impl SummaryDto {
    pub fn new(s: &PlanSummary) -> SummaryDto {
        SummaryDto {
            tps: s.tps,
            posts: s.posts,
            need: NeedDto::new(&s.need),
            assigned: NeedDto::new(&s.assigned),
            short: NeedDto::new(&s.short),
            uncovered_tps: s.uncovered_tps,
            patrol_teams: s.patrol_teams,
            patrol_minutes: (s.patrol_minutes * 10.0).round() / 10.0,
            unpatrolled_tps: s.unpatrolled_tps,
            reserve_teams: s.reserve_teams,
            worst_response_minutes: s.worst_response_minutes.map(|m| (m * 10.0).round() / 10.0),
            bko: NeedDto::new(&s.bko),
            partial: s.partial,
        }
    }
}

/// A plan without its document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanHeadDto {
    pub id: i64,
    pub regency: String,
    pub name: String,
    pub version: i64,
    /// `draft`, `approved` or `superseded`.
    pub status: String,
    pub status_label: String,
    pub created_by: String,
    pub created_at_ms: i64,
    pub decided_by: Option<String>,
    pub decided_at_ms: Option<i64>,
    pub summary: SummaryDto,
}

impl PlanHeadDto {
    pub fn new(h: &PlanHead, lang: Lang) -> PlanHeadDto {
        PlanHeadDto {
            id: h.id,
            regency: h.regency.to_string(),
            name: h.name.clone(),
            version: h.version,
            status: h.status.as_str().to_owned(),
            status_label: h.status.label(lang).to_owned(),
            created_by: h.created_by.clone(),
            created_at_ms: h.created_at_ms,
            decided_by: h.decided_by.clone(),
            decided_at_ms: h.decided_at_ms,
            summary: SummaryDto::new(&h.summary),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanListDto {
    pub plans: Vec<PlanHeadDto>,
}

/// A plan whole: its head, what it could not do in words, and the document as made (TPS, posts with the ids of the
/// people assigned, gaps, need per district, unit balances, BKO, routes, reserves, unit bases, notices).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanDto {
    #[serde(flatten)]
    pub head: PlanHeadDto,
    /// Each gap and notice in the request's language.
    pub problems: Vec<String>,
    #[schema(value_type = Object)]
    pub document: PlanDocument,
}

impl PlanDto {
    pub fn new(record: &PlanRecord, lang: Lang) -> PlanDto {
        PlanDto {
            head: PlanHeadDto::new(&record.head, lang),
            problems: problems(&record.document, lang),
            document: record.document.clone(),
        }
    }
}

/// The plan's gaps and notices in words, gaps first.
pub fn problems(doc: &PlanDocument, lang: Lang) -> Vec<String> {
    let day = doc.day();
    let mut out: Vec<String> = doc.gaps.iter().filter_map(|g| day.map(|day| g.message(lang, day))).collect();
    out.extend(doc.notices.iter().map(|n| n.message(lang)));
    out
}

/// A plan being made.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanJobDto {
    pub id: u64,
    pub regency: String,
    pub name: String,
    /// `running`, `done` or `failed`.
    pub state: String,
    /// 0 to 1.
    pub fraction: f64,
    /// What it is doing, or why it failed (each fault).
    pub messages: Vec<String>,
    /// The plan, once stored.
    pub plan_id: Option<i64>,
    pub plan_version: Option<i64>,
    pub summary: Option<SummaryDto>,
    pub elapsed_seconds: f64,
}

impl PlanJobDto {
    pub fn new(job: &Job, lang: Lang) -> PlanJobDto {
        let (state, plan_id, plan_version, summary) = match &job.state {
            JobState::Running(_) => ("running", None, None, None),
            JobState::Done { plan, version, summary } => {
                ("done", Some(*plan), Some(*version), Some(SummaryDto::new(summary)))
            }
            JobState::Failed { .. } => ("failed", None, None, None),
        };
        let elapsed = job.ended.map_or_else(|| job.started.elapsed(), |end| end - job.started);
        PlanJobDto {
            id: job.id,
            regency: job.regency.clone(),
            name: job.name.clone(),
            state: state.to_owned(),
            fraction: (job.fraction() * 1000.0).round() / 1000.0,
            messages: job.message(lang),
            plan_id,
            plan_version,
            summary,
            elapsed_seconds: (elapsed.as_secs_f64() * 10.0).round() / 10.0,
        }
    }
}

/// Two plans side by side.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CompareDto {
    pub a: PlanHeadDto,
    pub b: PlanHeadDto,
    /// Each figure, as shown: `label`, `a`, `b`.
    #[schema(value_type = Vec<Object>)]
    pub rows: Vec<super::service::CompareRow>,
}

/// A person of a roster (personal data: the read is audited).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonDto {
    pub id: String,
    pub name: String,
    pub rank: String,
    pub unit: String,
    pub force: String,
    pub phone: Option<String>,
    /// Days `YYYY-MM-DD` the person can be deployed; empty for always.
    pub available: Vec<String>,
    pub synthetic: bool,
}

impl PersonDto {
    pub fn new(p: &sinergi_domain::deployment::personnel::Person) -> PersonDto {
        let available = p.availability.to_text();
        PersonDto {
            id: p.id.clone(),
            name: p.name.clone(),
            rank: p.rank.clone(),
            unit: p.unit.clone(),
            force: p.force.as_str().to_owned(),
            phone: p.phone.clone(),
            available: available.split(';').filter(|d| !d.is_empty()).map(str::to_owned).collect(),
            synthetic: p.synthetic,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RosterDto {
    pub unit: String,
    pub unit_name: String,
    pub people: Vec<PersonDto>,
}

/// What an import wrote: people per unit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RosterImportDto {
    pub units: std::collections::BTreeMap<String, u64>,
}

/// The pattern in force for a regency.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PatternDto {
    pub regency: String,
    /// The regency's own (`true`) or the shipped default.
    pub own: bool,
    pub id: String,
    pub version: String,
    pub name: String,
    /// The pattern file (TOML).
    pub definition: String,
    /// Each rule as `P-T-L` with its class and cause.
    pub rules: Vec<String>,
}

/// The force's name in words.
pub fn force_label(force: Force, lang: Lang) -> &'static str {
    use sinergi_domain::i18n::Msg;
    lang.t(match force {
        Force::Polri => Msg::DeployForceNamePolri,
        Force::Tni => Msg::DeployForceNameTni,
        Force::Linmas => Msg::DeployForceNameLinmas,
    })
}
