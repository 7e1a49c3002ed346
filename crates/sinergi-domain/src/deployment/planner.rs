//! The whole plan in one call: requirement, posts, the assignment of named people, patrol routes per district and
//! reserve bases, as one [`PlanDocument`] that is stored, compared, exported and shown as it was made.
//!
//! The document is frozen: it keeps the TPS ids, classes and places, the posts and the ids of the people assigned,
//! not the people's names or phones (those stay in the roster, whose every read is audited). What could not be done
//! is kept with it ([`Notice`], [`GapDoc`]) and the plan is [`PlanSummary::partial`] whenever anything is missing;
//! it is never passed off as whole.
//!
//! Bases of units: the registry keeps no coordinates for units, so a unit's base is estimated as the TPS nearest to
//! the centre of the TPS of its territory ([`estimated_bases`]); an explicit travel-time matrix may name those ids.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::assignment::{AssignInput, GapReason, assign};
use super::patrol::{PatrolConfig, PatrolError, Unvisitable, plan_patrol};
use super::pattern::Pattern;
use super::personnel::Person;
use super::posts::{PostConfig, group};
use super::requirement::{Requirement, coverage, rules_of};
use super::reserves::{DEMAND_CLASSES, ReserveConfig, plan_reserves};
use super::travel::{Place, TravelMatrix, TravelModel};
use super::{Force, Need, PlanTps};
use crate::coordination::calendar::Date;
use crate::geo::LatLng;
use crate::i18n::{Lang, Msg};
use crate::import::Problem;
use crate::region::RegionCode;
use crate::registry::agency::{Unit, UnitKind};

/// Where a plan stands: a draft is made and may be made again (a new version); a commander approves one, which
/// supersedes the plan approved before it for the regency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanStatus {
    Draft,
    Approved,
    Superseded,
}

impl PlanStatus {
    pub const ALL: [PlanStatus; 3] = [PlanStatus::Draft, PlanStatus::Approved, PlanStatus::Superseded];

    pub fn as_str(self) -> &'static str {
        match self {
            PlanStatus::Draft => "draft",
            PlanStatus::Approved => "approved",
            PlanStatus::Superseded => "superseded",
        }
    }

    pub fn parse(text: &str) -> Option<PlanStatus> {
        PlanStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        lang.t(match self {
            PlanStatus::Draft => Msg::DeployStatusDraft,
            PlanStatus::Approved => Msg::DeployStatusApproved,
            PlanStatus::Superseded => Msg::DeployStatusSuperseded,
        })
    }
}

/// The user's choices for a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanOptions {
    /// Voting day: whose availability counts.
    pub day: Date,
    pub walking_m: f64,
    /// Patrol teams of the whole regency, shared among the districts by their TPS (at least one each).
    pub patrol_teams: usize,
    /// Reserve teams (*pasukan cadangan*).
    pub reserve_teams: usize,
    /// Time for all patrol routing together; each district gets its share.
    pub patrol_time: Duration,
    pub model: TravelModel,
    pub seed: u64,
    /// Stops the routing of each district after this many iterations (tests); `None` for the time limit only.
    pub patrol_iterations: Option<u64>,
}

/// The plan's options as someone typed them (a form's fields, a JSON body's values, command-line flags), checked
/// in one place for every entry point: `None` or empty text keeps the default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanOptionsDraft {
    pub day: Option<String>,
    pub patrol_teams: Option<String>,
    pub reserve_teams: Option<String>,
    pub walking_m: Option<String>,
    pub seconds: Option<String>,
}

impl PlanOptionsDraft {
    /// Patrol teams of a regency.
    pub const PATROL_TEAMS: (u32, u32) = (1, 10_000);
    /// Reserve teams.
    pub const RESERVE_TEAMS: (u32, u32) = (0, 1_000);
    /// The walking distance within a post, metres.
    pub const WALKING_M: (u32, u32) = (10, 50_000);
    /// Seconds for all patrol routing together.
    pub const SECONDS: (u32, u32) = (1, 120);

    /// The options, on `default_day` unless a day is given; every fault with its field.
    pub fn validate(&self, default_day: Date) -> Result<PlanOptions, Vec<(&'static str, Problem)>> {
        let mut faults = Vec::new();
        let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
        let mut options = PlanOptions::new(default_day);
        if let Some(text) = given(&self.day) {
            match Date::parse(&text) {
                Some(day) => options.day = day,
                None => faults.push(("day", Problem::BadDate(text.chars().take(40).collect()))),
            }
        }
        let out_of_range = |text: &str, (min, max): (u32, u32)| Problem::OutOfRange {
            value: text.chars().take(20).collect(),
            min: min.to_string(),
            max: max.to_string(),
        };
        let mut whole = |field: &'static str, value: &Option<String>, bounds: (u32, u32)| -> Option<u32> {
            let text = given(value)?;
            match text.parse::<u32>() {
                Ok(v) if (bounds.0..=bounds.1).contains(&v) => return Some(v),
                // A word is not a number; a number that is not a whole one in the range is out of it.
                Err(_) if text.parse::<f64>().is_err() => {
                    faults.push((field, Problem::NotNumber(text.chars().take(20).collect())));
                }
                _ => faults.push((field, out_of_range(&text, bounds))),
            }
            None
        };
        if let Some(v) = whole("patrol_teams", &self.patrol_teams, Self::PATROL_TEAMS) {
            options.patrol_teams = v as usize;
        }
        if let Some(v) = whole("reserve_teams", &self.reserve_teams, Self::RESERVE_TEAMS) {
            options.reserve_teams = v as usize;
        }
        if let Some(v) = whole("seconds", &self.seconds, Self::SECONDS) {
            options.patrol_time = Duration::from_secs(u64::from(v));
        }
        if let Some(text) = given(&self.walking_m) {
            let (min, max) = Self::WALKING_M;
            match text.parse::<f64>() {
                Ok(w) if w.is_finite() && (f64::from(min)..=f64::from(max)).contains(&w) => options.walking_m = w,
                Ok(_) => faults.push(("walking_m", out_of_range(&text, Self::WALKING_M))),
                Err(_) => faults.push(("walking_m", Problem::NotNumber(text.chars().take(20).collect()))),
            }
        }
        if faults.is_empty() { Ok(options) } else { Err(faults) }
    }
}

impl PlanOptions {
    pub fn new(day: Date) -> PlanOptions {
        PlanOptions {
            day,
            walking_m: PostConfig::default().walking_m,
            patrol_teams: 50,
            reserve_teams: 5,
            patrol_time: Duration::from_secs(15),
            model: TravelModel::default(),
            seed: 1,
            patrol_iterations: None,
        }
    }
}

/// What the planner works from.
pub struct PlanInput<'a> {
    pub tps: &'a [PlanTps],
    pub pattern: &'a Pattern,
    /// The units over the regency: the Polres, Polsek, Kodim, Koramil and Linmas whose people may be assigned.
    pub units: &'a [Unit],
    pub people: &'a [Person],
    /// TPS without an assessment, whose class the caller assumed (their ids).
    pub assumed: &'a BTreeSet<String>,
    /// An explicit travel-time matrix (minutes) over TPS ids and base ids; `None` for the straight-line model.
    pub matrix: Option<&'a TravelMatrix>,
    pub options: &'a PlanOptions,
}

/// A step of the planner, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Requirement,
    Posts,
    Assignment,
    /// Routing the patrols of district `done + 1` of `of`.
    Patrols {
        done: usize,
        of: usize,
    },
    Reserves,
    Done,
}

impl Stage {
    /// A fraction of the work, 0 to 1, for a bar (routing takes most of the time).
    pub fn fraction(self) -> f64 {
        match self {
            Stage::Requirement => 0.0,
            Stage::Posts => 0.02,
            Stage::Assignment => 0.05,
            Stage::Patrols { done, of } => 0.1 + 0.8 * done as f64 / of.max(1) as f64,
            Stage::Reserves => 0.9,
            Stage::Done => 1.0,
        }
    }

    pub fn message(self, lang: Lang) -> String {
        match self {
            Stage::Requirement => lang.t(Msg::DeployStageRequirement).to_owned(),
            Stage::Posts => lang.t(Msg::DeployStagePosts).to_owned(),
            Stage::Assignment => lang.t(Msg::DeployStageAssignment).to_owned(),
            Stage::Patrols { done, of } => {
                lang.format(Msg::DeployStagePatrols, &[("done", &(done + 1).min(of)), ("of", &of)])
            }
            Stage::Reserves => lang.t(Msg::DeployStageReserves).to_owned(),
            Stage::Done => lang.t(Msg::DeployStageDone).to_owned(),
        }
    }
}

/// Why no plan can be made at all (anything less is a [`Notice`] in a partial plan).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanFault {
    #[error("there are no TPS to plan for")]
    NoTps,
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Tps(Vec<super::requirement::RequirementError>),
    #[error("the option `{0}` is out of range")]
    Option(&'static str),
}

impl PlanFault {
    /// In the user's language: one line per fault.
    pub fn messages(&self, lang: Lang) -> Vec<String> {
        match self {
            PlanFault::NoTps => vec![lang.t(Msg::DeployNoTps).to_owned()],
            PlanFault::Tps(errors) => errors.iter().map(|e| e.message(lang)).collect(),
            PlanFault::Option(option) => vec![lang.format(Msg::DeployOptionOutOfRange, &[("option", option)])],
        }
    }
}

/// A reason in both languages, kept with the plan, which is read in either.
fn both(f: impl Fn(Lang) -> String) -> (String, String) {
    (f(Lang::Id), f(Lang::En))
}

/// Something the plan could not do, kept with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    /// TPS without an assessment, planned under the pattern of the class `as_class`.
    Unassessed { count: u32, as_class: String },
    /// A TPS without coordinates: a post of its own, no patrol visits it, it counts for no reserve.
    NoLocation { tps: String, label: String },
    /// A TPS the patrols of its district cannot visit.
    Unvisitable { tps: String, label: String, to_minutes: Option<f64>, back_minutes: Option<f64> },
    /// No patrol plan for a district: why, in English (`detail`) and in Indonesian (`detail_id`; plans made before
    /// it was kept have only the English).
    NoPatrol {
        district: String,
        detail: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        detail_id: String,
    },
    /// A district's patrol teams cannot visit all its TPS in the hours: `count` TPS, the farthest, are left out.
    NotReached { district: String, teams: u32, count: u32 },
    /// No reserve plan: why, in English and in Indonesian (as for `NoPatrol`).
    NoReserves {
        detail: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        detail_id: String,
    },
}

impl Notice {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Notice::Unassessed { count, as_class } => {
                lang.format(Msg::DeployNoticeUnassessed, &[("count", count), ("class", &as_class.replace('_', " "))])
            }
            Notice::NoLocation { label, .. } => lang.format(Msg::DeployNoticeNoLocation, &[("tps", label)]),
            Notice::Unvisitable { label, to_minutes: Some(to), back_minutes: Some(back), .. } => lang.format(
                Msg::DeployNoticeTooFar,
                &[("tps", label), ("to", &format!("{to:.0}")), ("back", &format!("{back:.0}"))],
            ),
            Notice::Unvisitable { label, .. } => lang.format(Msg::DeployNoticeNoRoute, &[("tps", label)]),
            Notice::NoPatrol { district, detail, detail_id } => {
                let detail = if lang == Lang::Id && !detail_id.is_empty() { detail_id } else { detail };
                lang.format(Msg::DeployNoticeNoPatrol, &[("district", district), ("detail", detail)])
            }
            Notice::NotReached { district, teams, count } => {
                lang.format(Msg::DeployNoticeNotReached, &[("district", district), ("teams", teams), ("count", count)])
            }
            Notice::NoReserves { detail, detail_id } => {
                let detail = if lang == Lang::Id && !detail_id.is_empty() { detail_id } else { detail };
                lang.format(Msg::DeployNoticeNoReserves, &[("detail", detail)])
            }
        }
    }
}

/// A TPS as the plan saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TpsDoc {
    pub id: String,
    pub label: String,
    pub district: String,
    pub village: String,
    pub class: String,
    /// No assessment: planned as `class`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub assumed: bool,
    pub location: Option<LatLng>,
}

/// A post with the people assigned to it (ids and force).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostDoc {
    pub id: String,
    pub district: String,
    pub class: String,
    /// The rule's pattern, `2-2-4`.
    pub pattern: String,
    /// Indices into [`PlanDocument::tps`].
    pub tps: Vec<usize>,
    pub centre: Option<LatLng>,
    pub need: Need,
    pub people: Vec<(String, Force)>,
}

/// People missing at a post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapDoc {
    pub post: String,
    pub label: String,
    pub force: Force,
    pub short: u32,
    /// The units that cover the post but have no one free; empty when no unit covers it.
    pub units: Vec<String>,
}

impl GapDoc {
    pub fn message(&self, lang: Lang, day: Date) -> String {
        let reason = if self.units.is_empty() {
            GapReason::NoUnit
        } else {
            GapReason::NoOneFree { units: self.units.clone(), day }
        };
        super::assignment::Gap {
            post: self.post.clone(),
            label: self.label.clone(),
            force: self.force,
            short: self.short,
            reason,
        }
        .message(lang)
    }
}

/// A unit's demand and strength.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BalanceDoc {
    pub unit: String,
    pub name: String,
    pub force: Force,
    pub demand: u32,
    pub strength: u32,
    /// Strength minus demand: negative is a shortfall.
    pub balance: i64,
}

/// What to ask of the Polda (or Kodam, or the province's Linmas).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BkoDoc {
    pub force: Force,
    pub count: u32,
}

/// A visit of a patrol.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StopDoc {
    /// Index into [`PlanDocument::tps`].
    pub tps: usize,
    /// 1 for the first visit, 2 for the second …
    pub visit: u32,
    /// Minutes after midnight.
    pub arrive: f64,
    pub leave: f64,
}

/// One team's patrol.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteDoc {
    pub district: String,
    /// The Polsek it starts from and returns to.
    pub depot: String,
    pub team: usize,
    pub leave_depot: f64,
    pub back: f64,
    pub stops: Vec<StopDoc>,
    pub travel_minutes: f64,
}

/// The reserve bases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReserveDoc {
    /// Each base: its id (a unit code or a TPS id), its name and place.
    pub bases: Vec<(String, String, LatLng)>,
    pub worst_minutes: f64,
    pub lower_minutes: f64,
    /// The TPS farthest from its nearest base.
    pub farthest: Option<String>,
    pub demand: u32,
    /// No TPS was rawan or sangat rawan: the bases serve every TPS.
    #[serde(default)]
    pub all_tps: bool,
}

/// The figures two plans are compared by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PlanSummary {
    pub tps: u32,
    pub posts: u32,
    pub need: Need,
    pub assigned: Need,
    pub short: Need,
    /// TPS whose post lacks someone.
    pub uncovered_tps: u32,
    pub patrol_teams: u32,
    pub patrol_minutes: f64,
    /// TPS no patrol visits.
    pub unpatrolled_tps: u32,
    pub reserve_teams: u32,
    pub worst_response_minutes: Option<f64>,
    pub bko: Need,
    /// Anything missing: people short, TPS unpatrolled, a district or the reserves not planned.
    pub partial: bool,
}

/// A whole plan, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanDocument {
    pub pattern_id: String,
    pub pattern_version: String,
    pub day: String,
    pub walking_m: f64,
    pub tps: Vec<TpsDoc>,
    pub posts: Vec<PostDoc>,
    pub gaps: Vec<GapDoc>,
    /// By district.
    pub need: BTreeMap<String, Need>,
    pub balances: Vec<BalanceDoc>,
    pub bko: Vec<BkoDoc>,
    pub routes: Vec<RouteDoc>,
    pub reserves: Option<ReserveDoc>,
    /// Estimated unit bases used (unit code → place).
    pub bases: BTreeMap<String, LatLng>,
    pub notices: Vec<Notice>,
    pub summary: PlanSummary,
}

impl PlanDocument {
    pub fn day(&self) -> Option<Date> {
        Date::parse(&self.day)
    }

    /// The post of every assigned person.
    pub fn post_of(&self) -> BTreeMap<&str, &PostDoc> {
        self.posts.iter().flat_map(|p| p.people.iter().map(move |(id, _)| (id.as_str(), p))).collect()
    }

    /// The labels of a post's TPS, joined.
    pub fn post_label(&self, post: &PostDoc) -> String {
        let labels: Vec<&str> = post.tps.iter().filter_map(|&i| self.tps.get(i)).map(|t| t.label.as_str()).collect();
        labels.join(", ")
    }
}

/// The point of `points` nearest to their centre: a place on land that stands for them.
fn medoid_of(points: &[LatLng]) -> Option<LatLng> {
    let n = points.len() as f64;
    if points.is_empty() {
        return None;
    }
    let centre =
        LatLng::new(points.iter().map(|p| p.lat).sum::<f64>() / n, points.iter().map(|p| p.lng).sum::<f64>() / n);
    points.iter().copied().min_by(|a, b| a.distance_km(&centre).total_cmp(&b.distance_km(&centre)))
}

/// An estimated base for each unit with a force: the TPS nearest the centre of the TPS of its territory.
pub fn estimated_bases(units: &[Unit], tps: &[PlanTps]) -> BTreeMap<String, LatLng> {
    let mut bases = BTreeMap::new();
    for unit in units.iter().filter(|u| Force::of_unit(u.kind).is_some()) {
        let points: Vec<LatLng> =
            tps.iter().filter(|t| unit.territory.contains(&t.village)).filter_map(|t| t.location).collect();
        if let Some(base) = medoid_of(&points) {
            bases.insert(unit.code.clone(), base);
        }
    }
    bases
}

/// Shares `teams` among districts in proportion to their TPS, at least one each (largest remainders).
pub fn share_teams(tps_per_district: &[(RegionCode, usize)], teams: usize) -> Vec<usize> {
    let k = tps_per_district.len();
    if k == 0 {
        return Vec::new();
    }
    let total: usize = tps_per_district.iter().map(|(_, n)| n).sum::<usize>().max(1);
    let spare = teams.saturating_sub(k);
    let exact: Vec<f64> = tps_per_district.iter().map(|(_, n)| spare as f64 * *n as f64 / total as f64).collect();
    let mut out: Vec<usize> = exact.iter().map(|x| 1 + x.floor() as usize).collect();
    let mut left = (k + spare).saturating_sub(out.iter().sum());
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())).then(a.cmp(&b)));
    for &i in order.iter().cycle().take(k * 2) {
        if left == 0 {
            break;
        }
        out[i] += 1;
        left -= 1;
    }
    out
}

/// Makes the whole plan. `progress` hears each stage as it starts.
pub fn make_plan(input: &PlanInput<'_>, progress: &mut dyn FnMut(Stage)) -> Result<PlanDocument, PlanFault> {
    let o = input.options;
    if input.tps.is_empty() {
        return Err(PlanFault::NoTps);
    }
    if !(o.walking_m.is_finite() && o.walking_m > 0.0 && o.walking_m <= 50_000.0) {
        return Err(PlanFault::Option("walking_m"));
    }
    if o.patrol_teams == 0 || o.patrol_teams > 10_000 {
        return Err(PlanFault::Option("patrol_teams"));
    }
    if o.reserve_teams > 1_000 {
        return Err(PlanFault::Option("reserve_teams"));
    }
    progress(Stage::Requirement);
    let tps = input.tps;
    let rules = rules_of(tps, input.pattern).map_err(PlanFault::Tps)?;
    let mut notices = Vec::new();
    progress(Stage::Posts);
    let post_config = PostConfig { walking_m: o.walking_m, within_village: false };
    let posts = group(tps, &rules, input.pattern, &post_config);
    let requirement = Requirement::from_posts(&posts, tps, input.pattern);
    let cov = coverage(&requirement, input.units);
    let mut assumed: BTreeMap<&str, u32> = BTreeMap::new();
    for t in tps.iter().filter(|t| input.assumed.contains(&t.id)) {
        *assumed.entry(t.class.as_str()).or_default() += 1;
    }
    for (class, count) in assumed {
        notices.push(Notice::Unassessed { count, as_class: class.to_owned() });
    }
    for t in tps.iter().filter(|t| t.location.is_none()) {
        notices.push(Notice::NoLocation { tps: t.id.clone(), label: t.label.clone() });
    }

    progress(Stage::Assignment);
    let bases = estimated_bases(input.units, tps);
    let assigned = assign(&AssignInput {
        posts: &posts,
        tps,
        pattern: input.pattern,
        people: input.people,
        units: input.units,
        bases: &bases,
        day: o.day,
    });
    let names: BTreeMap<&str, &str> = input.units.iter().map(|u| (u.code.as_str(), u.name.as_str())).collect();
    let index: BTreeMap<&str, usize> = tps.iter().enumerate().map(|(i, t)| (t.id.as_str(), i)).collect();

    let mut post_docs = Vec::with_capacity(posts.len());
    let mut short_posts: BTreeSet<&str> = BTreeSet::new();
    for gap in &assigned.gaps {
        short_posts.insert(gap.post.as_str());
    }
    let mut summary = PlanSummary { tps: tps.len() as u32, posts: posts.len() as u32, ..PlanSummary::default() };
    for post in &posts {
        let Some(rule) = input.pattern.rules.get(post.rule) else { continue };
        let need = post.need(tps, rule);
        summary.need += need;
        let people: Vec<(String, Force)> = assigned.at_post(&post.id).map(|a| (a.person.clone(), a.force)).collect();
        for (_, force) in &people {
            *summary.assigned.get_mut(*force) += 1;
        }
        if short_posts.contains(post.id.as_str()) {
            summary.uncovered_tps += post.tps.len() as u32;
        }
        post_docs.push(PostDoc {
            id: post.id.clone(),
            district: post.district.to_string(),
            class: rule.class.clone(),
            pattern: rule.short(),
            tps: post.tps.clone(),
            centre: post.centre,
            need,
            people,
        });
    }
    let gaps: Vec<GapDoc> = assigned
        .gaps
        .iter()
        .map(|g| GapDoc {
            post: g.post.clone(),
            label: g.label.clone(),
            force: g.force,
            short: g.short,
            units: match &g.reason {
                GapReason::NoUnit => Vec::new(),
                GapReason::NoOneFree { units, .. } => units.clone(),
            },
        })
        .collect();
    for g in &gaps {
        *summary.short.get_mut(g.force) += g.short;
    }

    // Patrols: each district from its Polsek, its share of the teams and of the time.
    let mut by_district: BTreeMap<RegionCode, Vec<PlanTps>> = BTreeMap::new();
    for t in tps {
        by_district.entry(t.district.clone()).or_default().push(t.clone());
    }
    let counts: Vec<(RegionCode, usize)> = by_district.iter().map(|(d, l)| (d.clone(), l.len())).collect();
    let teams = share_teams(&counts, o.patrol_teams);
    let total_tps: usize = counts.iter().map(|(_, n)| n).sum::<usize>().max(1);
    let mut routes = Vec::new();
    let districts = by_district.len();
    for (k, ((district, list), teams)) in by_district.iter().zip(&teams).enumerate() {
        progress(Stage::Patrols { done: k, of: districts });
        let depot = input
            .units
            .iter()
            .find(|u| u.kind == UnitKind::Polsek && u.territory == *district)
            .or_else(|| input.units.iter().find(|u| u.kind == UnitKind::Polres && u.territory.contains(district)));
        let Some(depot) = depot else {
            notices.push(no_patrol(district, both(|lang| lang.t(Msg::DeployNoPolsek).to_owned())));
            continue;
        };
        let share = o.patrol_time.mul_f64(list.len() as f64 / total_tps as f64);
        let config = PatrolConfig {
            teams: *teams,
            time_limit: share.max(Duration::from_millis(200)),
            max_iterations: o.patrol_iterations,
            seed: o.seed,
            ..PatrolConfig::default()
        };
        let owned;
        let matrix = match input.matrix {
            Some(matrix) => matrix,
            None => {
                let Some(base) = bases.get(&depot.code).copied() else {
                    notices.push(no_patrol(district, both(|lang| lang.t(Msg::DeployNoLocatedTps).to_owned())));
                    summary.unpatrolled_tps += list.len() as u32;
                    continue;
                };
                let mut places = vec![Place { id: depot.code.clone(), location: base, access: Default::default() }];
                places.extend(
                    list.iter()
                        .filter_map(|t| t.location.map(|l| Place { id: t.id.clone(), location: l, access: t.access })),
                );
                match TravelMatrix::from_model(&places, &o.model) {
                    Ok(matrix) => {
                        owned = matrix;
                        &owned
                    }
                    Err(errors) => {
                        let detail = both(|lang| errors.iter().map(|e| e.message(lang)).collect::<Vec<_>>().join("; "));
                        notices.push(no_patrol(district, detail));
                        summary.unpatrolled_tps += list.len() as u32;
                        continue;
                    }
                }
            }
        };
        let outcome = patrol_what_fits(list, &depot.code, matrix, &config);
        match outcome {
            Ok((plan, left_out)) => {
                if !left_out.is_empty() {
                    summary.unpatrolled_tps += left_out.len() as u32;
                    notices.push(Notice::NotReached {
                        district: district.to_string(),
                        teams: *teams as u32,
                        count: left_out.len() as u32,
                    });
                }
                for (id, why) in &plan.unvisitable {
                    let known = index.get(id.as_str()).map(|&i| &tps[i]);
                    let label = known.map_or_else(|| id.clone(), |t| t.label.clone());
                    summary.unpatrolled_tps += 1;
                    if matches!(why, Unvisitable::NotInMatrix) && known.is_some_and(|t| t.location.is_none()) {
                        continue; // already named as without coordinates
                    }
                    let (to, back) = match why {
                        Unvisitable::TooFar { to_minutes, back_minutes } => (Some(*to_minutes), Some(*back_minutes)),
                        _ => (None, None),
                    };
                    notices.push(Notice::Unvisitable { tps: id.clone(), label, to_minutes: to, back_minutes: back });
                }
                summary.patrol_minutes += plan.travel_minutes;
                summary.patrol_teams += plan.routes.len() as u32;
                for r in plan.routes {
                    let stops: Vec<StopDoc> = r
                        .stops
                        .iter()
                        .filter_map(|s| {
                            index.get(s.tps.as_str()).map(|&i| StopDoc {
                                tps: i,
                                visit: s.visit,
                                arrive: s.arrive,
                                leave: s.leave,
                            })
                        })
                        .collect();
                    let travel = route_minutes(matrix, &depot.code, &r);
                    routes.push(RouteDoc {
                        district: district.to_string(),
                        depot: depot.code.clone(),
                        team: r.team,
                        leave_depot: r.leave_depot,
                        back: r.back,
                        stops,
                        travel_minutes: travel,
                    });
                }
            }
            Err(e) => {
                summary.unpatrolled_tps += list.len() as u32;
                // The English keeps the solver's own detail.
                notices.push(no_patrol(district, (e.message(Lang::Id), e.to_string())));
            }
        }
    }

    progress(Stage::Reserves);
    let reserves = if o.reserve_teams == 0 {
        None
    } else {
        match plan_reserve_bases(input, &bases, &names) {
            Ok(r) => r,
            Err((detail_id, detail)) => {
                notices.push(Notice::NoReserves { detail, detail_id });
                None
            }
        }
    };
    if let Some(r) = &reserves {
        summary.reserve_teams = r.bases.len() as u32;
        summary.worst_response_minutes = Some(r.worst_minutes);
    }
    let bko: Vec<BkoDoc> = cov.bko.iter().map(|b| BkoDoc { force: b.force, count: b.count }).collect();
    for b in &bko {
        *summary.bko.get_mut(b.force) += b.count;
    }
    summary.partial = !gaps.is_empty()
        || summary.unpatrolled_tps > 0
        || notices.iter().any(|n| matches!(n, Notice::NoPatrol { .. } | Notice::NoReserves { .. }));
    let balances = cov
        .units
        .iter()
        .map(|b| BalanceDoc {
            unit: b.code.clone(),
            name: names.get(b.code.as_str()).map_or_else(|| b.code.clone(), |n| (*n).to_owned()),
            force: b.force,
            demand: b.demand,
            strength: b.strength,
            balance: b.balance,
        })
        .collect();
    let tps_docs = tps
        .iter()
        .map(|t| TpsDoc {
            id: t.id.clone(),
            label: t.label.clone(),
            district: t.district.to_string(),
            village: t.village.to_string(),
            class: t.class.clone(),
            assumed: input.assumed.contains(&t.id),
            location: t.location,
        })
        .collect();
    progress(Stage::Done);
    Ok(PlanDocument {
        pattern_id: input.pattern.id.clone(),
        pattern_version: input.pattern.version.clone(),
        day: o.day.to_string(),
        walking_m: o.walking_m,
        tps: tps_docs,
        posts: post_docs,
        gaps,
        need: requirement.districts.iter().map(|(d, n)| (d.to_string(), *n)).collect(),
        balances,
        bko,
        routes,
        reserves,
        bases,
        notices,
        summary,
    })
}

/// The travel minutes of a route (depot → stops → depot).
fn route_minutes(matrix: &TravelMatrix, depot: &str, route: &super::patrol::Route) -> f64 {
    let ids: Vec<&str> =
        std::iter::once(depot).chain(route.stops.iter().map(|s| s.tps.as_str())).chain([depot]).collect();
    ids.windows(2).filter_map(|pair| matrix.minutes(pair[0], pair[1])).filter(|m| m.is_finite()).sum()
}

/// The patrols of a district, or, when its teams cannot visit every TPS in the hours, of as many of its TPS as
/// they can, nearest to the Polsek first (found by halving; each try with a part of the time): the plan and the ids
/// of the TPS left out.
fn patrol_what_fits(
    list: &[PlanTps],
    depot: &str,
    matrix: &TravelMatrix,
    config: &PatrolConfig,
) -> Result<(super::patrol::PatrolPlan, Vec<String>), PatrolError> {
    let d = matrix.index(depot).ok_or_else(|| PatrolError::DepotNotInMatrix(depot.to_owned()))?;
    let time = |t: &PlanTps| matrix.index(&t.id).map_or(f64::INFINITY, |m| matrix.at(d, m));
    let mut order: Vec<&PlanTps> = list.iter().collect();
    order.sort_by(|a, b| time(a).total_cmp(&time(b)).then_with(|| a.id.cmp(&b.id)));
    // What the teams' hours can hold at all: the service time of every visit, travel aside.
    if config.counting_end <= config.voting_start || config.teams == 0 {
        return plan_patrol(list, depot, matrix, config).map(|plan| (plan, Vec::new()));
    }
    let hours = f64::from(config.counting_end + config.return_margin) - f64::from(config.voting_start);
    let capacity = hours * config.teams as f64;
    let visits = |t: &PlanTps| config.repeat.iter().find(|(c, _)| *c == t.class).map_or(1, |(_, n)| *n);
    let mut used = 0.0;
    let fits = order
        .iter()
        .take_while(|t| {
            used += f64::from(visits(t) * config.service_minutes);
            used <= capacity
        })
        .count();
    // The district's time: all of it for one try when the hours may hold every TPS; when that fails, or when they
    // cannot, the rest shared among the tries of the halving.
    let mut left = config.time_limit;
    if fits == order.len() {
        let first = PatrolConfig { time_limit: config.time_limit / 2, ..config.clone() };
        match plan_patrol(list, depot, matrix, &first) {
            Err(PatrolError::NoPlan { .. }) => left = config.time_limit - first.time_limit,
            other => return other.map(|plan| (plan, Vec::new())),
        }
    }
    // `lo` TPS are known to fit (none, at first); `hi` known not to.
    let (mut lo, mut hi) = (0, if fits == order.len() { order.len() } else { fits + 1 });
    let tries = (usize::BITS - (hi - lo).leading_zeros()).max(1);
    let probe = PatrolConfig { time_limit: (left / tries).max(Duration::from_millis(30)), ..config.clone() };
    let mut best = None;
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        let subset: Vec<PlanTps> = order[..mid].iter().map(|t| (*t).clone()).collect();
        match plan_patrol(&subset, depot, matrix, &probe) {
            Ok(plan) => {
                lo = mid;
                best = Some(plan);
            }
            Err(PatrolError::NoPlan { .. }) => hi = mid,
            Err(e) => return Err(e),
        }
    }
    let plan =
        best.unwrap_or(super::patrol::PatrolPlan { routes: Vec::new(), unvisitable: Vec::new(), travel_minutes: 0.0 });
    Ok((plan, order[lo..].iter().map(|t| t.id.clone()).collect()))
}

/// A district without a patrol plan, and why.
fn no_patrol(district: &RegionCode, (detail_id, detail): (String, String)) -> Notice {
    Notice::NoPatrol { district: district.to_string(), detail, detail_id }
}

/// Reserve bases among the units' bases and one central TPS per village, for the rawan and sangat rawan TPS.
fn plan_reserve_bases(
    input: &PlanInput<'_>,
    bases: &BTreeMap<String, LatLng>,
    names: &BTreeMap<&str, &str>,
) -> Result<Option<ReserveDoc>, (String, String)> {
    let tps = input.tps;
    let mut demand: Vec<&PlanTps> =
        tps.iter().filter(|t| DEMAND_CLASSES.contains(&t.class.as_str()) && t.location.is_some()).collect();
    // No TPS is rawan: the reserves are placed for every TPS.
    let all_tps = demand.is_empty();
    if all_tps {
        demand = tps.iter().filter(|t| t.location.is_some()).collect();
    }
    if demand.is_empty() {
        return Ok(None);
    }
    // Candidates: the bases of Polres, Polsek, Kodim and Koramil, and the central TPS of each village.
    let mut candidates: Vec<(String, String, LatLng)> = Vec::new();
    for unit in input.units.iter().filter(|u| matches!(Force::of_unit(u.kind), Some(Force::Polri | Force::Tni))) {
        if let Some(base) = bases.get(&unit.code) {
            candidates.push((unit.code.clone(), unit.name.clone(), *base));
        }
    }
    let mut villages: BTreeMap<&RegionCode, Vec<&PlanTps>> = BTreeMap::new();
    for t in tps.iter().filter(|t| t.location.is_some()) {
        villages.entry(&t.village).or_default().push(t);
    }
    for list in villages.values() {
        let points: Vec<LatLng> = list.iter().filter_map(|t| t.location).collect();
        if let Some(m) = medoid_of(&points)
            && let Some(t) = list.iter().find(|t| t.location == Some(m))
        {
            candidates.push((t.id.clone(), t.label.clone(), m));
        }
    }
    let matrix = match input.matrix {
        Some(m) => m.clone(),
        None => {
            let mut places: Vec<Place> = Vec::new();
            let mut seen = BTreeSet::new();
            for (id, _, at) in &candidates {
                if seen.insert(id.clone()) {
                    places.push(Place { id: id.clone(), location: *at, access: Default::default() });
                }
            }
            for t in &demand {
                if seen.insert(t.id.clone()) {
                    places.push(Place {
                        id: t.id.clone(),
                        location: t.location.unwrap_or(LatLng::new(0.0, 0.0)),
                        access: t.access,
                    });
                }
            }
            TravelMatrix::from_model(&places, &input.options.model)
                .map_err(|e| both(|lang| e.iter().map(|e| e.message(lang)).collect::<Vec<_>>().join("; ")))?
        }
    };
    candidates.retain(|(id, _, _)| matrix.index(id).is_some());
    let ids: Vec<&str> = candidates.iter().map(|(id, _, _)| id.as_str()).collect();
    let demand_ids: Vec<&str> = demand.iter().map(|t| t.id.as_str()).collect();
    let plan = plan_reserves(&matrix, &ids, &demand_ids, input.options.reserve_teams, &ReserveConfig::default())
        .map_err(|e| both(|lang| e.message(lang)))?;
    let farthest = plan.served.iter().max_by(|a, b| a.2.total_cmp(&b.2)).map(|(t, _, _)| t.clone());
    let chosen = plan
        .bases
        .iter()
        .filter_map(|id| candidates.iter().find(|(c, _, _)| c == id))
        .map(|(id, name, at)| {
            (id.clone(), names.get(id.as_str()).map_or_else(|| name.clone(), |n| (*n).to_owned()), *at)
        })
        .collect();
    Ok(Some(ReserveDoc {
        bases: chosen,
        worst_minutes: plan.worst_minutes,
        lower_minutes: plan.lower_minutes,
        farthest,
        demand: demand.len() as u32,
        all_tps,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deployment::fixtures::tps;
    use crate::deployment::personnel::synthetic_roster;
    use crate::registry::agency::Contact;
    use crate::vulnerability::{IndicatorSet, SHIPPED};

    #[test]
    fn options_are_checked_in_one_place_with_every_fault_named() {
        let day = Date::parse("2026-11-27").unwrap();
        let text = |s: &str| Some(s.to_owned());
        assert_eq!(PlanOptionsDraft::default().validate(day), Ok(PlanOptions::new(day)));
        let blank = PlanOptionsDraft { day: text(" "), patrol_teams: text(""), ..Default::default() };
        assert_eq!(blank.validate(day), Ok(PlanOptions::new(day)), "empty fields keep the defaults");
        let good = PlanOptionsDraft {
            day: text("2026-12-09"),
            patrol_teams: text("12"),
            reserve_teams: text("0"),
            walking_m: text("750.5"),
            seconds: text("120"),
        };
        let options = good.validate(day).unwrap();
        assert_eq!(options.day, Date::parse("2026-12-09").unwrap());
        assert_eq!((options.patrol_teams, options.reserve_teams, options.walking_m), (12, 0, 750.5));
        assert_eq!(options.patrol_time, Duration::from_secs(120));
        let bad = PlanOptionsDraft {
            day: text("27-11-2026"),
            patrol_teams: text("0"),
            reserve_teams: text("1001"),
            walking_m: text("NaN"),
            seconds: text("dua"),
        };
        let faults = bad.validate(day).unwrap_err();
        let fields: Vec<&str> = faults.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["day", "patrol_teams", "reserve_teams", "seconds", "walking_m"]);
        assert_eq!(faults[2].1.message(Lang::Id), "1001 di luar rentang 0–1.000");
        assert_eq!(faults[3].1, Problem::NotNumber("dua".into()), "a word is not a number out of range");
    }

    fn unit(kind: UnitKind, territory: &str) -> Unit {
        let territory = RegionCode::parse(territory).unwrap();
        Unit {
            code: Unit::conventional_code(kind, &territory),
            kind,
            name: format!("{} {territory}", kind.title()),
            territory,
            parent: None,
            contact: Contact::default(),
            personnel: 0,
        }
    }

    fn regency() -> (Vec<PlanTps>, Vec<Unit>) {
        let mut list = Vec::new();
        for i in 0..30u32 {
            let (district, village) = (1 + i / 15, 1 + (i / 5) % 3);
            let class = if i % 7 == 3 {
                "sangat_rawan"
            } else if i % 5 == 1 {
                "rawan"
            } else {
                "kurang_rawan"
            };
            let at =
                (-1.0 + 0.004 * f64::from(i % 5) + 0.05 * f64::from(district), 104.0 + 0.004 * f64::from(i / 5 % 3));
            list.push(tps(&format!("{district}-{i:03}"), district, village, class, Some(at)));
        }
        let mut units = vec![unit(UnitKind::Polres, "15.07")];
        for d in ["15.07.01", "15.07.02"] {
            units.push(unit(UnitKind::Polsek, d));
            units.push(unit(UnitKind::Koramil, d));
            for v in ["2001", "2002", "2003"] {
                units.push(unit(UnitKind::Linmas, &format!("{d}.{v}")));
            }
        }
        (list, units)
    }

    fn options() -> PlanOptions {
        let mut o = PlanOptions::new(Date::parse("2026-11-27").unwrap());
        o.patrol_teams = 4;
        o.reserve_teams = 2;
        o.patrol_iterations = Some(200);
        o
    }

    #[test]
    fn a_plan_is_whole_when_people_suffice_and_counts_what_it_holds() {
        let set = IndicatorSet::from_toml(SHIPPED[1].1).unwrap();
        let pattern = Pattern::shipped(&set).unwrap();
        let (list, mut units) = regency();
        let mut per_village: BTreeMap<RegionCode, u32> = BTreeMap::new();
        for t in &list {
            *per_village.entry(t.village.clone()).or_default() += 4; // plenty of Linmas
        }
        let people = synthetic_roster(&units, &per_village, 3);
        for u in &mut units {
            u.personnel = people.iter().filter(|p| p.unit == u.code).count() as u32;
        }
        let o = options();
        let mut stages = Vec::new();
        let input = PlanInput {
            tps: &list,
            pattern: &pattern,
            units: &units,
            people: &people,
            assumed: &BTreeSet::new(),
            matrix: None,
            options: &o,
        };
        let doc = make_plan(&input, &mut |s| stages.push(s)).unwrap();
        assert_eq!(stages.first(), Some(&Stage::Requirement));
        assert_eq!(stages.last(), Some(&Stage::Done));
        assert!(stages.contains(&Stage::Patrols { done: 1, of: 2 }));
        assert!(!doc.summary.partial, "{:?} {:?}", doc.gaps, doc.notices);
        assert_eq!(doc.summary.assigned, doc.summary.need);
        assert_eq!(doc.summary.uncovered_tps, 0);
        // Every TPS is in exactly one post; every person in at most one.
        let mut seen = vec![0; list.len()];
        for p in &doc.posts {
            for &i in &p.tps {
                seen[i] += 1;
            }
        }
        assert!(seen.iter().all(|&n| n == 1));
        let people_ids: Vec<&str> = doc.posts.iter().flat_map(|p| p.people.iter().map(|(id, _)| id.as_str())).collect();
        let unique: BTreeSet<&&str> = people_ids.iter().collect();
        assert_eq!(unique.len(), people_ids.len());
        // Patrols visit every TPS (sangat rawan twice) within the hours.
        let visits: usize = doc.routes.iter().map(|r| r.stops.len()).sum();
        let grave = list.iter().filter(|t| t.class == "sangat_rawan").count();
        assert_eq!(visits, list.len() + grave);
        assert!(doc.routes.iter().all(|r| r.leave_depot >= 420.0 && r.back <= 19.0 * 60.0 + 1e-6));
        assert!(doc.summary.patrol_minutes > 0.0);
        let reserves = doc.reserves.as_ref().unwrap();
        assert!(reserves.lower_minutes <= reserves.worst_minutes + 1e-9);
        assert_eq!(doc.summary.reserve_teams, 2);
        // The document survives storage as JSON (coordinates and minutes to the last bit or two of a double).
        let back: PlanDocument = serde_json::from_str(&serde_json::to_string(&doc).unwrap()).unwrap();
        assert_eq!(
            back.tps.iter().map(|t| &t.id).collect::<Vec<_>>(),
            doc.tps.iter().map(|t| &t.id).collect::<Vec<_>>()
        );
        let people = |d: &PlanDocument| d.posts.iter().map(|p| (p.id.clone(), p.people.clone())).collect::<Vec<_>>();
        assert_eq!(people(&back), people(&doc));
        assert_eq!(back.routes.len(), doc.routes.len());
        assert_eq!(
            (back.summary.posts, back.summary.assigned, back.summary.partial),
            (doc.summary.posts, doc.summary.assigned, doc.summary.partial)
        );
    }

    #[test]
    fn what_a_plan_could_not_do_is_said_in_both_languages() {
        let set = IndicatorSet::from_toml(SHIPPED[1].1).unwrap();
        let pattern = Pattern::shipped(&set).unwrap();
        let (list, units) = regency();
        let no_polsek: Vec<Unit> =
            units.into_iter().filter(|u| !matches!(u.kind, UnitKind::Polsek | UnitKind::Polres)).collect();
        let o = options();
        let assumed = BTreeSet::new();
        let input = PlanInput {
            tps: &list,
            pattern: &pattern,
            units: &no_polsek,
            people: &[],
            assumed: &assumed,
            matrix: None,
            options: &o,
        };
        let doc = make_plan(&input, &mut |_| {}).unwrap();
        let notice = doc.notices.iter().find(|n| matches!(n, Notice::NoPatrol { .. })).expect("no Polsek, no patrol");
        assert!(notice.message(Lang::Id).contains("tidak ada Polsek"), "{}", notice.message(Lang::Id));
        assert!(notice.message(Lang::En).contains("no Polsek"), "{}", notice.message(Lang::En));
        // A plan stored before the Indonesian reason was kept still reads, in English.
        let old: Notice =
            serde_json::from_str(r#"{"kind":"no_patrol","district":"15.07.01","detail":"no Polsek"}"#).unwrap();
        assert!(old.message(Lang::Id).contains("(no Polsek)"));
        // A pattern without a rule for a class: refused, named by TPS, in Indonesian.
        let fault = PlanFault::Tps(vec![super::super::requirement::RequirementError::NoRule {
            tps: "TPS 001".into(),
            class: "sangat_rawan".into(),
        }]);
        assert_eq!(fault.messages(Lang::Id), ["TPS 001: tidak ada aturan pola pengamanan untuk kelas `sangat rawan`"]);
        assert_eq!(PlanFault::NoTps.messages(Lang::Id), ["tidak ada TPS untuk direncanakan"]);
    }

    #[test]
    fn a_plan_short_of_people_or_places_is_marked_partial_and_says_why() {
        let set = IndicatorSet::from_toml(SHIPPED[1].1).unwrap();
        let pattern = Pattern::shipped(&set).unwrap();
        let (mut list, units) = regency();
        list[4].location = None;
        let none_assumed: BTreeSet<String> = [list[0].id.clone()].into();
        // No one on the roster: every post is short, by name of unit.
        let o = options();
        let input = PlanInput {
            tps: &list,
            pattern: &pattern,
            units: &units,
            people: &[],
            assumed: &none_assumed,
            matrix: None,
            options: &o,
        };
        let doc = make_plan(&input, &mut |_| {}).unwrap();
        assert!(doc.summary.partial);
        assert_eq!(doc.summary.uncovered_tps, list.len() as u32);
        assert_eq!(doc.summary.short, doc.summary.need);
        let day = doc.day().unwrap();
        let first = doc.gaps[0].message(Lang::Id, day);
        assert!(first.contains("kurang"), "{first}");
        assert!(doc.notices.iter().any(|n| matches!(n, Notice::NoLocation { tps, .. } if tps == &list[4].id)));
        assert_eq!(doc.notices[0], Notice::Unassessed { count: 1, as_class: list[0].class.clone() });
        assert!(doc.tps[0].assumed);
        let words = doc.notices[1].message(Lang::Id);
        assert!(words.contains(&list[4].label), "{words}");
        assert!(doc.summary.unpatrolled_tps >= 1);
        // Nothing to plan, and options out of range, are refused.
        let none = PlanInput { tps: &[], ..input };
        assert_eq!(make_plan(&none, &mut |_| {}), Err(PlanFault::NoTps));
        let mut bad = options();
        bad.walking_m = -1.0;
        let input = PlanInput {
            tps: &list,
            pattern: &pattern,
            units: &units,
            people: &[],
            assumed: &none_assumed,
            matrix: None,
            options: &bad,
        };
        assert_eq!(make_plan(&input, &mut |_| {}), Err(PlanFault::Option("walking_m")));
    }

    #[test]
    fn teams_are_shared_by_tps_with_one_at_least_for_each_district() {
        let d = |s: &str| RegionCode::parse(s).unwrap();
        let counts = vec![(d("15.07.01"), 100), (d("15.07.02"), 10), (d("15.07.03"), 0)];
        assert_eq!(share_teams(&counts, 12), vec![9, 2, 1]);
        assert_eq!(share_teams(&counts, 2), vec![1, 1, 1]);
        assert_eq!(share_teams(&counts, 50).iter().sum::<usize>(), 50);
        assert!(share_teams(&[], 5).is_empty());
    }
}
