//! What every entry point (CLI, API, pages) asks of deployment planning, over the store, with the rules of
//! `sinergi_domain::deployment` (docs/deployment.md).
//!
//! Access: plans are read by those who read plans ([`Action::ReadPlans`]) in the territory of the plan's regency;
//! made by those who plan ([`Action::PlanDeployment`]) covering the regency; approved by commanders
//! ([`Action::ApprovePlans`]). A roster holds personal data: it is read and replaced only by the unit's own chain
//! (an account of the unit's agency whose territory covers the unit's) and administrators covering it
//! ([`may_read_roster`]), and every read is audited.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use sinergi_domain::access::{Action, Viewer};
use sinergi_domain::coordination::calendar::Date;
use sinergi_domain::deployment::pattern::{Pattern, PatternError};
use sinergi_domain::deployment::personnel::{Person, parse_roster};
use sinergi_domain::deployment::planner::{
    PlanDocument, PlanFault, PlanInput, PlanOptions, PlanStatus, Stage, make_plan,
};
use sinergi_domain::deployment::travel::{MatrixError, TravelMatrix};
use sinergi_domain::deployment::{Force, PlanTps};
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::import::RowIssue;
use sinergi_domain::region::Level;
use sinergi_domain::trust::auth::Role;
use sinergi_domain::vulnerability::IndicatorSet;
use sinergi_domain::{RegionCode, Unit};
use sinergi_store::{NewPlan, Page, PlanHead, PlanRecord, Store, StoreError, StoredPattern, UnitFilter};

use crate::error::{ApiError, Code, Fault};
use crate::trust::auth;

/// The indicator set the security pattern is written for: Polri's TPS classes.
pub const PATTERN_SET: &str = "polri-kelas-tps";

/// Who acts: the viewer, the name the audit log records, where the request came from.
pub struct Actor<'a> {
    pub viewer: &'a Viewer,
    pub name: String,
    pub origin: &'a str,
}

impl Actor<'_> {
    fn event(&self, action: &str, target: &str, detail: String) -> sinergi_domain::trust::audit::AuditEvent {
        auth::event(&self.name, action, target, detail, self.origin)
    }
}

/// Why deployment planning refused.
#[derive(Debug)]
pub enum DeploymentError {
    Forbidden,
    /// Plans are made for a regency (a code of two segments).
    NotARegency(RegionCode),
    RegionNotFound(RegionCode),
    PlanNotFound(i64),
    /// The indicator set the pattern is read against is not loaded.
    NoIndicatorSet,
    Pattern(Vec<PatternError>),
    /// A roster file's faults, each with its line and column.
    Roster(Vec<RowIssue>),
    /// People of the file who are on another unit's roster: (person, that unit).
    Elsewhere(Vec<(String, String)>),
    Matrix(Vec<MatrixError>),
    Plan(PlanFault),
    /// The plan is not in the status the move starts from.
    WrongStatus {
        id: i64,
        status: PlanStatus,
    },
    /// A plan's name is empty or too long.
    BadName,
    Store(StoreError),
}

impl From<StoreError> for DeploymentError {
    fn from(e: StoreError) -> DeploymentError {
        DeploymentError::Store(e)
    }
}

impl DeploymentError {
    /// Every fault in the user's language, one per line.
    pub fn messages(&self, lang: Lang, file: &str) -> Vec<String> {
        match self {
            DeploymentError::Forbidden => vec![lang.t(Msg::ErrForbidden).to_owned()],
            DeploymentError::NotARegency(code) => vec![lang.format(Msg::DeployNotARegency, &[("code", code)])],
            DeploymentError::RegionNotFound(code) => {
                vec![lang.format(Msg::ErrRegionNotFound, &[("code", code)])]
            }
            DeploymentError::PlanNotFound(id) => vec![lang.format(Msg::DeployPlanNotFound, &[("id", id)])],
            DeploymentError::NoIndicatorSet => {
                vec![lang.format(Msg::DeployNoIndicatorSet, &[("set", &PATTERN_SET)])]
            }
            DeploymentError::Pattern(errors) => errors.iter().map(|e| format!("{file}: {}", e.message(lang))).collect(),
            DeploymentError::Roster(issues) => issues.iter().map(|i| i.render(file, lang)).collect(),
            DeploymentError::Elsewhere(list) => list
                .iter()
                .map(|(person, unit)| lang.format(Msg::DeployPersonElsewhere, &[("person", person), ("unit", unit)]))
                .collect(),
            DeploymentError::Matrix(errors) => errors.iter().map(|e| format!("{file}: {}", e.message(lang))).collect(),
            DeploymentError::Plan(fault) => fault.messages(lang),
            DeploymentError::WrongStatus { id, status } => {
                vec![lang.format(Msg::DeployWrongStatus, &[("id", id), ("status", &status.label(lang))])]
            }
            DeploymentError::BadName => vec![lang.t(Msg::DeployBadName).to_owned()],
            DeploymentError::Store(e) => vec![e.to_string()],
        }
    }
}

type Result<T> = std::result::Result<T, DeploymentError>;

/// A roster fault's place: "baris 3, kolom unit" / "line 3, column unit".
pub fn row_place(issue: &RowIssue, lang: Lang) -> String {
    use sinergi_domain::import::Place;
    let place = match (issue.place, lang) {
        (Place::Line(n), Lang::Id) => format!("baris {n}"),
        (Place::Line(n), Lang::En) => format!("line {n}"),
        (Place::Feature(n), _) => format!("#{n}"),
        (Place::File, Lang::Id) => "berkas".to_owned(),
        (Place::File, Lang::En) => "file".to_owned(),
    };
    match (&issue.column, lang) {
        (Some(c), Lang::Id) => format!("{place}, kolom {c}"),
        (Some(c), Lang::En) => format!("{place}, column {c}"),
        (None, _) => place,
    }
}

impl From<DeploymentError> for ApiError {
    fn from(e: DeploymentError) -> ApiError {
        let both = |f: &dyn Fn(Lang) -> String| (f(Lang::Id), f(Lang::En));
        match e {
            DeploymentError::Forbidden => auth::forbidden(),
            DeploymentError::NotARegency(code) => {
                let problem = sinergi_domain::import::Problem::LevelMismatch {
                    given: code.to_string(),
                    code: code.to_string(),
                    expected: 2,
                };
                ApiError::validation(vec![("regency".into(), problem)])
            }
            DeploymentError::RegionNotFound(code) => {
                ApiError::not_found(Code::RegionNotFound, Msg::ErrRegionNotFound, ("code", code.to_string()))
            }
            DeploymentError::PlanNotFound(id) => {
                ApiError::not_found(Code::PlanNotFound, Msg::ErrPlanNotFound, ("id", id.to_string()))
            }
            DeploymentError::NoIndicatorSet => {
                ApiError::not_found(Code::IndicatorSetNotFound, Msg::ErrSetNotFound, ("id", PATTERN_SET.to_owned()))
            }
            DeploymentError::Pattern(errors) => ApiError::faults(
                errors
                    .iter()
                    .map(|e| Fault { place: ("pola".into(), "pattern".into()), message: both(&|lang| e.message(lang)) })
                    .collect(),
            ),
            DeploymentError::Roster(issues) => ApiError::faults(
                issues
                    .iter()
                    .map(|i| Fault {
                        place: both(&|lang| row_place(i, lang)),
                        message: both(&|lang| i.problem.message(lang)),
                    })
                    .collect(),
            ),
            DeploymentError::Elsewhere(list) => ApiError::faults(
                list.iter()
                    .map(|(person, unit)| Fault {
                        place: (person.clone(), person.clone()),
                        message: both(&|lang| {
                            lang.format(Msg::DeployPersonElsewhere, &[("person", person), ("unit", unit)])
                        }),
                    })
                    .collect(),
            ),
            DeploymentError::Matrix(errors) => ApiError::faults(
                errors
                    .iter()
                    .map(|e| Fault {
                        place: ("matriks".into(), "matrix".into()),
                        message: both(&|lang| e.message(lang)),
                    })
                    .collect(),
            ),
            DeploymentError::Plan(fault) => {
                let (id, en) = (fault.messages(Lang::Id), fault.messages(Lang::En));
                ApiError::faults(
                    id.into_iter()
                        .zip(en)
                        .map(|message| Fault { place: ("rencana".into(), "plan".into()), message })
                        .collect(),
                )
            }
            DeploymentError::WrongStatus { status, .. } => {
                ApiError::new(Code::PlanNotDraft, Msg::ErrPlanNotDraft).arg("status", status.as_str())
            }
            DeploymentError::BadName => {
                ApiError::validation(vec![("name".into(), sinergi_domain::import::Problem::TooLong(MAX_PLAN_NAME))])
            }
            DeploymentError::Store(e) => e.into(),
        }
    }
}

/// Whether the viewer may read (and replace) the roster of `unit`: an administrator covering it, or a planner of
/// the unit's own agency whose territory covers the unit's.
pub fn may_read_roster(viewer: &Viewer, unit: &Unit) -> bool {
    let chain = viewer.agency == unit.kind.agency() && viewer.may(Action::PlanDeployment);
    (viewer.role == Role::Administrator || chain) && viewer.covers(&unit.territory)
}

fn regency_of(viewer: &Viewer, code: &RegionCode) -> Result<()> {
    if code.level() != Level::Regency {
        return Err(DeploymentError::NotARegency(code.clone()));
    }
    if !viewer.sees_region(code) {
        return Err(DeploymentError::Forbidden);
    }
    Ok(())
}

/// Whether the viewer may read the plans (and the pattern) of a regency.
pub fn may_see_regency(viewer: &Viewer, regency: &RegionCode) -> Result<()> {
    if !viewer.may(Action::ReadPlans) && !viewer.may(Action::PlanDeployment) {
        return Err(DeploymentError::Forbidden);
    }
    regency_of(viewer, regency)
}

/// Every unit inside `within` the viewer sees.
async fn units_within(store: &dyn Store, viewer: &Viewer, within: &RegionCode) -> Result<Vec<Unit>> {
    let filter = UnitFilter { within: Some(within.clone()), ..Default::default() };
    let mut out = Vec::new();
    for page in 1.. {
        let (list, total) = store.list_units(viewer, &filter, Page::new(page, Page::MAX_SIZE)).await?;
        let done = list.is_empty() || u64::from(page) * u64::from(Page::MAX_SIZE) >= total;
        out.extend(list);
        if done {
            break;
        }
    }
    Ok(out)
}

/// What an import wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterImported {
    /// Units whose rosters were replaced, by code, with their people now.
    pub units: BTreeMap<String, u64>,
}

/// Replaces the rosters of the units a roster file (CSV, or an XLSX workbook) names with the people it
/// lists: all or nothing. Every bad row and column is named; a person already on another unit's roster is refused
/// by name.
pub async fn import_roster(store: &dyn Store, actor: &Actor<'_>, file: &[u8]) -> Result<RosterImported> {
    if !actor.viewer.may(Action::PlanDeployment) {
        return Err(DeploymentError::Forbidden);
    }
    // A workbook (XLSX) is read as the CSV of its first sheet, row numbers kept: on a blocking thread, one at a
    // time per instance, as unpacking megabytes of XML is.
    use sinergi_domain::spreadsheet::{Kind, as_csv, kind};
    let converted;
    let csv: &[u8] = if kind(file) == Kind::Csv {
        file
    } else {
        static CONVERTING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);
        let _turn = CONVERTING.acquire().await.ok();
        let owned = file.to_vec();
        let read = tokio::task::spawn_blocking(move || {
            as_csv(&owned, &sinergi_domain::deployment::personnel::roster_column_names())
                .map(std::borrow::Cow::into_owned)
        })
        .await;
        let unreadable = || {
            vec![RowIssue::new(
                sinergi_domain::import::Place::File,
                None,
                sinergi_domain::import::Problem::UnreadableSpreadsheet,
            )]
        };
        converted = read.unwrap_or_else(|_| Err(unreadable())).map_err(DeploymentError::Roster)?;
        &converted
    };
    // First pass: which units the file names (their kinds are looked up before the real reading).
    let named = std::cell::RefCell::new(BTreeSet::new());
    let _ = parse_roster(csv, |code| {
        named.borrow_mut().insert(code.to_owned());
        None
    });
    let mut kinds: HashMap<String, Unit> = HashMap::new();
    for code in named.into_inner() {
        if let Some(unit) = store.unit(actor.viewer, &code).await? {
            kinds.insert(code, unit);
        }
    }
    let parsed = parse_roster(csv, |code| kinds.get(code).map(|u| u.kind));
    let mut issues = parsed.issues;
    for (place, person) in &parsed.records {
        if let Some(unit) = kinds.get(&person.unit)
            && !may_read_roster(actor.viewer, unit)
        {
            issues.push(RowIssue {
                place: *place,
                column: Some("unit".into()),
                problem: sinergi_domain::import::Problem::NotYourUnit(person.unit.clone()),
            });
        }
    }
    if !issues.is_empty() {
        issues.sort_by_key(|i| i.place);
        return Err(DeploymentError::Roster(issues));
    }
    let people: Vec<Person> = parsed.records.into_iter().map(|(_, p)| p).collect();
    if people.is_empty() {
        let problem = sinergi_domain::import::Problem::Empty;
        return Err(DeploymentError::Roster(vec![RowIssue::new(sinergi_domain::import::Place::File, None, problem)]));
    }
    let units: Vec<String> = people.iter().map(|p| p.unit.clone()).collect::<BTreeSet<_>>().into_iter().collect();
    let ids: Vec<String> = people.iter().map(|p| p.id.clone()).collect();
    let elsewhere = store.people_elsewhere(&ids, &units).await?;
    if !elsewhere.is_empty() {
        return Err(DeploymentError::Elsewhere(elsewhere));
    }
    let detail = format!("{} people for {} units: {}", people.len(), units.len(), units.join(", "));
    let event = actor.event("roster.import", "roster", detail);
    store.replace_roster(&units, &people, &actor.name, auth::now_ms(), &event).await?;
    let mut out = BTreeMap::new();
    for p in &people {
        *out.entry(p.unit.clone()).or_default() += 1;
    }
    Ok(RosterImported { units: out })
}

/// The roster columns as officers name them, in the order of the template.
pub const ROSTER_COLUMNS: [&str; 7] = ["nrp", "nama", "pangkat", "satuan", "kekuatan", "telepon", "ketersediaan"];

/// An empty roster workbook to fill in: the header row with the columns as officers name them (the importer also
/// takes the English names), and the sheet named for what it holds.
pub fn roster_template() -> Vec<u8> {
    use sinergi_domain::spreadsheet::{Cell, xlsx};
    let header = ROSTER_COLUMNS.iter().map(|c| Cell::Text((*c).to_owned())).collect();
    // The NRP/NIP and the phone as text: typed as numbers, an 18-digit NIP loses digits and a phone its leading 0.
    xlsx("Personel", &[header], &[0, 5])
}

/// A unit's roster (personal data): for its own chain and administrators; the read is audited.
pub async fn roster(store: &dyn Store, actor: &Actor<'_>, unit_code: &str) -> Result<(Unit, Vec<Person>)> {
    let unit = store.unit(actor.viewer, unit_code).await?.ok_or(DeploymentError::Forbidden)?;
    if !may_read_roster(actor.viewer, &unit) {
        return Err(DeploymentError::Forbidden);
    }
    let people = store.people(std::slice::from_ref(&unit.code)).await?;
    let event = actor.event("roster.read", &format!("unit:{}", unit.code), format!("{} people", people.len()));
    store.append_audit(&event).await?;
    Ok((unit, people))
}

/// The indicator set patterns are written for, as loaded.
async fn pattern_set(store: &dyn Store) -> Result<IndicatorSet> {
    let stored = store.indicator_sets().await?;
    let found = stored.into_iter().find(|s| s.id == PATTERN_SET).ok_or(DeploymentError::NoIndicatorSet)?;
    IndicatorSet::from_toml(&found.definition).map_err(|_| DeploymentError::NoIndicatorSet)
}

/// The pattern in force for a regency: its own, else the shipped default (`None` beside it).
pub async fn pattern_of(store: &dyn Store, regency: &RegionCode) -> Result<(Pattern, Option<StoredPattern>)> {
    let set = pattern_set(store).await?;
    match store.pattern(regency).await? {
        Some(own) => {
            let pattern = Pattern::from_toml(&own.definition, &set).map_err(DeploymentError::Pattern)?;
            Ok((pattern, Some(own)))
        }
        None => Ok((Pattern::shipped(&set).map_err(DeploymentError::Pattern)?, None)),
    }
}

/// Checks a pattern file against the loaded set.
pub async fn check_pattern(store: &dyn Store, text: &str) -> Result<Pattern> {
    let set = pattern_set(store).await?;
    Pattern::from_toml(text, &set).map_err(DeploymentError::Pattern)
}

/// Loads a regency's own pattern.
pub async fn set_pattern(store: &dyn Store, actor: &Actor<'_>, regency: &RegionCode, text: &str) -> Result<Pattern> {
    if !actor.viewer.may(Action::PlanDeployment) {
        return Err(DeploymentError::Forbidden);
    }
    regency_of(actor.viewer, regency)?;
    if !actor.viewer.covers(regency) {
        return Err(DeploymentError::Forbidden);
    }
    let pattern = check_pattern(store, text).await?;
    let stored = StoredPattern {
        regency: regency.clone(),
        pattern_id: pattern.id.clone(),
        version: pattern.version.clone(),
        definition: text.to_owned(),
        loaded_by: actor.name.clone(),
        loaded_at_ms: auth::now_ms(),
    };
    let event =
        actor.event("deployment.pattern", &format!("region:{regency}"), format!("{} {}", pattern.id, pattern.version));
    store.put_pattern(&stored, &event).await?;
    Ok(pattern)
}

/// The most characters of a plan's name.
pub const MAX_PLAN_NAME: usize = 120;

/// What a plan is asked for.
pub struct PlanRequest<'a> {
    pub regency: &'a RegionCode,
    pub name: &'a str,
    pub options: PlanOptions,
    /// A travel-time matrix file (CSV or JSON) instead of the straight-line model.
    pub matrix: Option<&'a str>,
}

/// A plan as made and stored.
pub struct MadePlan {
    pub id: i64,
    pub version: i64,
    pub document: PlanDocument,
}

/// What is checked before a plan is made (and before a job is started for it): the regency, who asks, the name.
/// Returns the name trimmed.
pub async fn check_request<'r>(store: &dyn Store, actor: &Actor<'_>, request: &PlanRequest<'r>) -> Result<&'r str> {
    let regency = request.regency;
    if !actor.viewer.may(Action::PlanDeployment) {
        return Err(DeploymentError::Forbidden);
    }
    regency_of(actor.viewer, regency)?;
    if !actor.viewer.covers(regency) {
        return Err(DeploymentError::Forbidden);
    }
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > MAX_PLAN_NAME || name.chars().any(char::is_control) {
        return Err(DeploymentError::BadName);
    }
    if store.region(actor.viewer, regency).await?.is_none() {
        return Err(DeploymentError::RegionNotFound(regency.clone()));
    }
    Ok(name)
}

/// Gathers the regency's TPS (with their classes under [`PATTERN_SET`]), units and rosters, makes the plan (on a
/// blocking thread; `progress` hears each stage) and stores it as a draft.
pub async fn make(
    store: &dyn Store,
    actor: &Actor<'_>,
    request: PlanRequest<'_>,
    progress: Arc<dyn Fn(Stage) + Send + Sync>,
) -> Result<MadePlan> {
    let regency = request.regency;
    let name = check_request(store, actor, &request).await?;
    let matrix = match request.matrix {
        None => None,
        Some(text) if text.trim_start().starts_with('{') => {
            Some(TravelMatrix::from_json(text).map_err(DeploymentError::Matrix)?)
        }
        Some(text) => Some(TravelMatrix::from_csv(text).map_err(DeploymentError::Matrix)?),
    };
    let (pattern, _) = pattern_of(store, regency).await?;
    let set = pattern_set(store).await?;
    let lowest = set.classes.iter().min_by_key(|c| c.severity).map(|c| c.id.clone()).unwrap_or_default();
    let tps = store.all_tps(actor.viewer, regency).await?;
    let classes: HashMap<i64, sinergi_store::TpsClassRecord> =
        store.tps_classes(actor.viewer, PATTERN_SET, regency).await?.into_iter().map(|c| (c.tps_id, c)).collect();
    let mut assumed = BTreeSet::new();
    let mut list = Vec::with_capacity(tps.len());
    for record in &tps {
        let t = &record.tps;
        let Some(district) = t.village.parent() else { continue };
        let id = format!("{}/{:03}", t.village, t.number);
        let (class, causes) = match classes.get(&record.id) {
            Some(c) => (c.class.clone(), c.causes.clone()),
            None => {
                assumed.insert(id.clone());
                (lowest.clone(), Vec::new())
            }
        };
        list.push(PlanTps {
            id,
            label: format!("{} {}", t.label(), record.village_name),
            district,
            village: t.village.clone(),
            class,
            causes,
            location: t.location,
            access: t.access,
            voters: t.voters,
        });
    }
    let mut units: Vec<Unit> = units_within(store, actor.viewer, regency)
        .await?
        .into_iter()
        .filter(|u| Force::of_unit(u.kind).is_some())
        .collect();
    let codes: Vec<String> = units.iter().map(|u| u.code.clone()).collect();
    let people = store.people(&codes).await?;
    // A unit's strength is what its roster holds: the plan assigns no one else.
    let mut strength: HashMap<&str, u32> = HashMap::new();
    for p in &people {
        *strength.entry(p.unit.as_str()).or_default() += 1;
    }
    for u in &mut units {
        u.personnel = strength.get(u.code.as_str()).copied().unwrap_or(0);
    }
    let options = request.options;
    let document = tokio::task::spawn_blocking(move || {
        let input = PlanInput {
            tps: &list,
            pattern: &pattern,
            units: &units,
            people: &people,
            assumed: &assumed,
            matrix: matrix.as_ref(),
            options: &options,
        };
        make_plan(&input, &mut |stage| progress(stage))
    })
    .await
    .map_err(|e| DeploymentError::Store(StoreError::Internal(format!("planner stopped: {e}"))))?
    .map_err(DeploymentError::Plan)?;
    let plan = NewPlan { regency, name, document: &document, created_by: &actor.name, at_ms: auth::now_ms() };
    let s = &document.summary;
    let detail = format!(
        "{name}: {} TPS, {} posts, {} assigned of {} needed{}",
        s.tps,
        s.posts,
        s.assigned.total(),
        s.need.total(),
        if s.partial { ", partial" } else { "" }
    );
    let event = actor.event("plan.create", "plan", detail);
    let (id, version) = store.create_plan(&plan, &event).await?;
    Ok(MadePlan { id, version, document })
}

/// The plans the viewer may read, newest first.
pub async fn plans(store: &dyn Store, viewer: &Viewer, regency: Option<&RegionCode>) -> Result<Vec<PlanHead>> {
    if !viewer.may(Action::ReadPlans) {
        return Err(DeploymentError::Forbidden);
    }
    Ok(store.plans(viewer, regency).await?)
}

/// The plan in force of each regency the viewer sees (or of one) — approved, else the newest draft — for the
/// dashboard, the situation report and the map; none for those who do not read plans.
pub async fn plans_in_force(
    store: &dyn Store,
    viewer: &Viewer,
    regency: Option<&RegionCode>,
) -> std::result::Result<Vec<PlanHead>, StoreError> {
    if !viewer.may(Action::ReadPlans) {
        return Ok(Vec::new());
    }
    store.plans_in_force(viewer, regency).await
}

/// A plan whole, if the viewer may read it (else "not found", so that ids reveal nothing).
pub async fn plan(store: &dyn Store, viewer: &Viewer, id: i64) -> Result<PlanRecord> {
    if !viewer.may(Action::ReadPlans) {
        return Err(DeploymentError::Forbidden);
    }
    match store.plan(id).await? {
        Some(record) if viewer.sees_region(&record.head.regency) => Ok(record),
        _ => Err(DeploymentError::PlanNotFound(id)),
    }
}

/// A commander approves a draft: it becomes the plan in force for its regency, the one before it superseded.
pub async fn approve(store: &dyn Store, actor: &Actor<'_>, id: i64) -> Result<PlanHead> {
    let record = plan(store, actor.viewer, id).await?;
    if !actor.viewer.may(Action::ApprovePlans) || !actor.viewer.covers(&record.head.regency) {
        return Err(DeploymentError::Forbidden);
    }
    if record.head.status != PlanStatus::Draft {
        return Err(DeploymentError::WrongStatus { id, status: record.head.status });
    }
    let event = actor.event("plan.approve", "plan", format!("{} v{}", record.head.name, record.head.version));
    let at = auth::now_ms();
    if !store.decide_plan(id, PlanStatus::Draft, PlanStatus::Approved, &actor.name, at, &event).await? {
        let now = plan(store, actor.viewer, id).await?;
        return Err(DeploymentError::WrongStatus { id, status: now.head.status });
    }
    Ok(plan(store, actor.viewer, id).await?.head)
}

/// The voting day of the calendar in force for the regency: the day a plan is made for unless another is given.
pub async fn voting_day(store: &dyn Store, regency: &RegionCode) -> Result<Date> {
    Ok(crate::coordination::calendar::in_force(store, Some(regency)).await?.calendar.voting_day)
}

/// A line of two plans side by side.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CompareRow {
    pub label: String,
    pub a: String,
    pub b: String,
}

/// A figure of a plan, as shown.
type Figure = fn(&PlanRecord, Lang) -> String;

/// Two plans side by side: name and status, personnel needed and assigned, shortfall, uncovered TPS, patrol length,
/// worst response time, BKO, whole or partial.
pub fn compare(a: &PlanRecord, b: &PlanRecord, lang: Lang) -> Vec<CompareRow> {
    let minutes = |m: Option<f64>| m.map_or("–".to_owned(), |m| format!("{} min", lang.decimal(m, 0)));
    let rows: [(Msg, Figure); 10] = [
        (Msg::DeployCmpPlan, |p, lang| format!("{} v{} ({})", p.head.name, p.head.version, p.head.status.label(lang))),
        (Msg::DeployCmpTps, |p, lang| lang.number(u64::from(p.document.summary.tps))),
        (Msg::DeployCmpPosts, |p, lang| lang.number(u64::from(p.document.summary.posts))),
        (Msg::DeployCmpNeed, |p, lang| lang.number(u64::from(p.document.summary.need.total()))),
        (Msg::DeployCmpAssigned, |p, lang| lang.number(u64::from(p.document.summary.assigned.total()))),
        (Msg::DeployCmpShort, |p, lang| lang.number(u64::from(p.document.summary.short.total()))),
        (Msg::DeployCmpUncovered, |p, lang| lang.number(u64::from(p.document.summary.uncovered_tps))),
        (Msg::DeployCmpPatrol, |p, lang| {
            let s = &p.document.summary;
            format!("{} × {} min", lang.number(u64::from(s.patrol_teams)), lang.decimal(s.patrol_minutes, 0))
        }),
        (Msg::DeployCmpBko, |p, lang| lang.number(u64::from(p.document.summary.bko.total()))),
        (Msg::DeployCmpWhole, |p, lang| {
            lang.t(if p.document.summary.partial { Msg::DeployPartial } else { Msg::DeployWhole }).to_owned()
        }),
    ];
    let mut out: Vec<CompareRow> = rows
        .iter()
        .map(|(msg, f)| CompareRow { label: lang.t(*msg).to_owned(), a: f(a, lang), b: f(b, lang) })
        .collect();
    out.insert(
        8,
        CompareRow {
            label: lang.t(Msg::DeployCmpWorst).to_owned(),
            a: minutes(a.document.summary.worst_response_minutes),
            b: minutes(b.document.summary.worst_response_minutes),
        },
    );
    out
}

/// The posts of a plan, one row per TPS: post, district, TPS, class, pattern, people needed and assigned per force.
pub fn posts_csv(doc: &PlanDocument) -> String {
    let mut out = sinergi_domain::csv_out::CsvOut::new();
    let header = [
        "post",
        "district",
        "tps_id",
        "tps",
        "class",
        "assumed_class",
        "pattern",
        "polri_needed",
        "tni_needed",
        "linmas_needed",
        "polri_assigned",
        "tni_assigned",
        "linmas_assigned",
        "lat",
        "lng",
    ];
    let _ = out.row(header);
    for post in &doc.posts {
        let assigned = |force: Force| post.people.iter().filter(|(_, f)| *f == force).count().to_string();
        for &i in &post.tps {
            let Some(t) = doc.tps.get(i) else { continue };
            let (lat, lng) =
                t.location.map_or((String::new(), String::new()), |l| (l.lat.to_string(), l.lng.to_string()));
            let _ = out.row([
                post.id.clone(),
                post.district.clone(),
                t.id.clone(),
                t.label.clone(),
                t.class.clone(),
                t.assumed.to_string(),
                post.pattern.clone(),
                post.need.polri.to_string(),
                post.need.tni.to_string(),
                post.need.linmas.to_string(),
                assigned(Force::Polri),
                assigned(Force::Tni),
                assigned(Force::Linmas),
                lat,
                lng,
            ]);
        }
    }
    String::from_utf8(out.finish().unwrap_or_default()).unwrap_or_default()
}

/// A roster as CSV, in the columns the import reads (so an exported roster imports again).
pub fn roster_csv(people: &[Person]) -> String {
    let mut out = sinergi_domain::csv_out::CsvOut::new();
    let _ = out.row(["id", "name", "rank", "unit", "force", "phone", "availability"]);
    for p in people {
        let _ = out.row([
            p.id.clone(),
            p.name.clone(),
            p.rank.clone(),
            p.unit.clone(),
            p.force.as_str().to_owned(),
            p.phone.clone().unwrap_or_default(),
            p.availability.to_text(),
        ]);
    }
    String::from_utf8(out.finish().unwrap_or_default()).unwrap_or_default()
}

/// A plan's posts (points), patrol routes (lines) and reserve bases (points) as GeoJSON.
pub fn geojson(doc: &PlanDocument) -> serde_json::Value {
    use serde_json::json;
    let point = |l: &sinergi_domain::geo::LatLng| json!({"type": "Point", "coordinates": [l.lng, l.lat]});
    let mut features = Vec::new();
    for post in &doc.posts {
        let Some(centre) = &post.centre else { continue };
        features.push(json!({
            "type": "Feature",
            "geometry": point(centre),
            "properties": {
                "layer": "post", "id": post.id, "district": post.district, "class": post.class,
                "pattern": post.pattern, "tps": doc.post_label(post),
                "needed": post.need.total(), "assigned": post.people.len(),
            }
        }));
    }
    for route in &doc.routes {
        let mut line: Vec<[f64; 2]> = Vec::new();
        let depot = doc.bases.get(&route.depot);
        if let Some(d) = depot {
            line.push([d.lng, d.lat]);
        }
        for stop in &route.stops {
            if let Some(l) = doc.tps.get(stop.tps).and_then(|t| t.location) {
                line.push([l.lng, l.lat]);
            }
        }
        if let Some(d) = depot {
            line.push([d.lng, d.lat]);
        }
        features.push(json!({
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": line},
            "properties": {
                "layer": "patrol", "district": route.district, "depot": route.depot, "team": route.team,
                "stops": route.stops.len(), "travel_minutes": route.travel_minutes.round(),
                "leave": sinergi_domain::deployment::patrol::clock(route.leave_depot),
                "back": sinergi_domain::deployment::patrol::clock(route.back),
            }
        }));
    }
    if let Some(r) = &doc.reserves {
        for (id, name, at) in &r.bases {
            features.push(json!({
                "type": "Feature",
                "geometry": point(at),
                "properties": {"layer": "reserve", "id": id, "name": name},
            }));
        }
    }
    json!({"type": "FeatureCollection", "features": features})
}

#[cfg(test)]
mod tests {
    use super::*;
    use sinergi_domain::AgencyKind;
    use sinergi_domain::UnitKind;
    use sinergi_domain::registry::agency::Contact;
    use sinergi_domain::trust::auth::{Classification, Scope};

    fn viewer(role: Role, agency: AgencyKind, scope: &str) -> Viewer {
        Viewer {
            account_id: 1,
            username: "x".into(),
            role,
            agency,
            scope: Scope::Region(RegionCode::parse(scope).unwrap()),
            read_only: false,
            clearance: Classification::Terbatas,
        }
    }

    fn unit(kind: UnitKind, territory: &str) -> Unit {
        let territory = RegionCode::parse(territory).unwrap();
        Unit {
            code: Unit::conventional_code(kind, &territory),
            kind,
            name: String::new(),
            territory,
            parent: None,
            contact: Contact::default(),
            personnel: 0,
        }
    }

    #[test]
    fn a_roster_is_read_by_its_own_chain_and_administrators_only() {
        let polsek = unit(UnitKind::Polsek, "33.20.01");
        let koramil = unit(UnitKind::Koramil, "33.20.01");
        // The Polres' operators and commander read their Polsek's roster, not the Koramil's.
        assert!(may_read_roster(&viewer(Role::Operator, AgencyKind::Polri, "33.20"), &polsek));
        assert!(may_read_roster(&viewer(Role::Commander, AgencyKind::Polri, "33.20"), &polsek));
        assert!(!may_read_roster(&viewer(Role::Commander, AgencyKind::Polri, "33.20"), &koramil));
        assert!(may_read_roster(&viewer(Role::Commander, AgencyKind::Tni, "33.20"), &koramil));
        // Not observers, not field reporters, not another regency's Polres, not another agency's administrator
        // outside its territory; an administrator covering the unit does.
        assert!(!may_read_roster(&viewer(Role::Observer, AgencyKind::Polri, "33.20"), &polsek));
        assert!(!may_read_roster(&viewer(Role::FieldReporter, AgencyKind::Polri, "33.20.01"), &polsek));
        assert!(!may_read_roster(&viewer(Role::Operator, AgencyKind::Polri, "33.21"), &polsek));
        assert!(!may_read_roster(&viewer(Role::Administrator, AgencyKind::Pemda, "33.21"), &polsek));
        assert!(may_read_roster(&viewer(Role::Administrator, AgencyKind::Pemda, "33.20"), &polsek));
        // A Polsek's officer does not read the Polres' roster above it.
        let polres = unit(UnitKind::Polres, "33.20");
        assert!(!may_read_roster(&viewer(Role::Commander, AgencyKind::Polri, "33.20.01"), &polres));
    }
}

/// A line of a unit's roster for a plan (*surat perintah*): who, where, when, contact.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RosterLine {
    pub person: String,
    pub name: String,
    pub rank: String,
    pub force: Force,
    pub post: String,
    /// The post's TPS, as people name them.
    pub place: String,
    pub day: String,
    /// Voting opens and counting ends: 07:00–18:00 by default.
    pub hours: String,
    pub phone: Option<String>,
}

/// The people of one unit in a plan, with their posts (personal data: the unit's own chain and administrators; the
/// read is audited), by post then name.
pub async fn plan_roster(
    store: &dyn Store,
    actor: &Actor<'_>,
    plan_id: i64,
    unit_code: &str,
) -> Result<(Unit, PlanRecord, Vec<RosterLine>)> {
    let record = plan(store, actor.viewer, plan_id).await?;
    let unit = store.unit(actor.viewer, unit_code).await?.ok_or(DeploymentError::Forbidden)?;
    if !may_read_roster(actor.viewer, &unit) {
        return Err(DeploymentError::Forbidden);
    }
    let people: HashMap<String, Person> =
        store.people(std::slice::from_ref(&unit.code)).await?.into_iter().map(|p| (p.id.clone(), p)).collect();
    let doc = &record.document;
    let config = sinergi_domain::deployment::patrol::PatrolConfig::default();
    let hours = format!(
        "{}–{}",
        sinergi_domain::deployment::patrol::clock(f64::from(config.voting_start)),
        sinergi_domain::deployment::patrol::clock(f64::from(config.counting_end))
    );
    let mut lines = Vec::new();
    for post in &doc.posts {
        for (id, force) in &post.people {
            let Some(p) = people.get(id) else { continue };
            lines.push(RosterLine {
                person: p.id.clone(),
                name: p.name.clone(),
                rank: p.rank.clone(),
                force: *force,
                post: post.id.clone(),
                place: doc.post_label(post),
                day: doc.day.clone(),
                hours: hours.clone(),
                phone: p.phone.clone(),
            });
        }
    }
    lines.sort_by(|a, b| a.post.cmp(&b.post).then_with(|| a.name.cmp(&b.name)));
    let event =
        actor.event("roster.read", &format!("unit:{}", unit.code), format!("plan {plan_id}: {} people", lines.len()));
    store.append_audit(&event).await?;
    Ok((unit, record, lines))
}

/// A unit's roster for a plan as CSV.
pub fn plan_roster_csv(lines: &[RosterLine]) -> String {
    let mut out = sinergi_domain::csv_out::CsvOut::new();
    let _ = out.row(["id", "name", "rank", "force", "post", "tps", "day", "hours", "phone"]);
    for l in lines {
        let _ = out.row([
            l.person.clone(),
            l.name.clone(),
            l.rank.clone(),
            l.force.as_str().to_owned(),
            l.post.clone(),
            l.place.clone(),
            l.day.clone(),
            l.hours.clone(),
            l.phone.clone().unwrap_or_default(),
        ]);
    }
    String::from_utf8(out.finish().unwrap_or_default()).unwrap_or_default()
}
