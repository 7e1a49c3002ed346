//! What every entry point (API, pages, CLI) asks of coordination: meetings and their follow-up, over the store,
//! with the rules of `sinergi_domain::coordination`.
//!
//! A meeting is read whole, changed in memory by one of the domain's checked drafts, and written whole on the
//! version it was read at; when someone else wrote in between, the change is made again on the fresh copy (a few
//! times), so two units recording their attendance at once both keep theirs. Every write carries its audit event.

use sinergi_domain::access::{Action, Viewer};
use sinergi_domain::coordination::follow_up::{DecisionFields, UpdateFields};
use sinergi_domain::coordination::meeting::{
    self, AgendaFields, AttendanceFields, Briefing, Faults, Meeting, MeetingFacts, MeetingFields, MeetingStatus,
    WalkInFields, in_reach,
};
use sinergi_domain::i18n::Msg;
use sinergi_domain::import::Problem;
use sinergi_domain::trust::audit::AuditEvent;
use sinergi_domain::{RegionCode, Unit};
use sinergi_store::{ItemRecord, MeetingRecord, MeetingUnit, MeetingWrite, NewItem, Store, StoreError};

use crate::error::{ApiError, Code};
use crate::trust::auth::{self, CurrentUser};

/// How often a change is made again on a fresh copy when someone else wrote the meeting in between.
const RETRIES: usize = 5;

/// Why coordination refused.
#[derive(Debug)]
pub enum CoordinationError {
    /// The account may not do this.
    Forbidden,
    MeetingNotFound(i64),
    ItemNotFound(i64),
    AttachmentNotFound(i64),
    /// Faults in what was typed, each with its field.
    Invalid(Faults),
    /// The meeting is cancelled: nothing more is recorded.
    Closed,
    /// Others kept writing the meeting (or moved the item) while this change was being made.
    Busy,
    Store(StoreError),
}

impl From<StoreError> for CoordinationError {
    fn from(e: StoreError) -> CoordinationError {
        CoordinationError::Store(e)
    }
}

impl From<CoordinationError> for ApiError {
    fn from(e: CoordinationError) -> ApiError {
        match e {
            CoordinationError::Forbidden => auth::forbidden(),
            CoordinationError::MeetingNotFound(id) => {
                ApiError::not_found(Code::MeetingNotFound, Msg::ErrMeetingNotFound, ("id", id.to_string()))
            }
            CoordinationError::ItemNotFound(id) => {
                ApiError::not_found(Code::ActionItemNotFound, Msg::ErrActionItemNotFound, ("id", id.to_string()))
            }
            CoordinationError::AttachmentNotFound(id) => {
                ApiError::not_found(Code::AttachmentNotFound, Msg::ErrAttachmentNotFound, ("id", id.to_string()))
            }
            CoordinationError::Invalid(faults) => ApiError::validation(faults),
            CoordinationError::Closed => ApiError::new(Code::MeetingClosed, Msg::ErrMeetingClosed),
            CoordinationError::Busy => ApiError::new(Code::ChangedMeanwhile, Msg::ErrChangedMeanwhile),
            CoordinationError::Store(e) => e.into(),
        }
    }
}

type Result<T> = std::result::Result<T, CoordinationError>;

/// Who acts: the viewer, the name the audit log records, where the request came from.
pub struct Actor<'a> {
    pub viewer: &'a Viewer,
    pub name: String,
    pub origin: &'a str,
}

impl<'a> Actor<'a> {
    pub fn of(current: &'a CurrentUser, origin: &'a str) -> Actor<'a> {
        Actor { viewer: &current.viewer, name: current.actor(), origin }
    }

    fn event(&self, action: &str, detail: String) -> AuditEvent {
        auth::event(&self.name, action, "-", detail, self.origin)
    }
}

/// A meeting as the viewer may see it, with what the viewer may do to it.
#[derive(Debug, Clone)]
pub struct MeetingView {
    pub record: MeetingRecord,
    pub manages: bool,
    /// The invited units the viewer records for (attendance, briefing, action items).
    pub records_for: Vec<String>,
}

impl MeetingView {
    pub fn may_record_for(&self, unit: &str) -> bool {
        self.records_for.iter().any(|u| u == unit)
    }
}

fn facts(record: &MeetingRecord) -> MeetingFacts<'_> {
    MeetingFacts {
        region: &record.meeting.head.region,
        classification: record.meeting.head.classification,
        convener: (record.convener.agency, &record.convener.territory),
    }
}

/// The viewer's view of a meeting, or `None` when it may not read it.
pub fn view_of(viewer: &Viewer, record: MeetingRecord) -> Option<MeetingView> {
    let f = facts(&record);
    let invited = record.units.iter().any(|u| meeting::acts_for(viewer, u.agency, &u.territory));
    if !meeting::may_read(viewer, &f, invited) {
        return None;
    }
    let manages = meeting::may_manage(viewer, &f);
    let records_for = record
        .units
        .iter()
        .filter(|u| meeting::may_record_for(viewer, &f, u.agency, &u.territory))
        .map(|u| u.code.clone())
        .collect();
    Some(MeetingView { record, manages, records_for })
}

/// A meeting the viewer may read.
pub async fn meeting(store: &dyn Store, viewer: &Viewer, id: i64) -> Result<MeetingView> {
    let record = store.meeting_record(id).await?.ok_or(CoordinationError::MeetingNotFound(id))?;
    view_of(viewer, record).ok_or(CoordinationError::MeetingNotFound(id))
}

fn meeting_unit(unit: Unit) -> MeetingUnit {
    MeetingUnit { agency: unit.kind.agency(), code: unit.code, name: unit.name, territory: unit.territory }
}

/// Looks up units by code for a meeting of `region`: each must exist and be in reach (in the region or above
/// it). Faults are named `field[n]` (or `field` for one).
async fn units_in_reach(
    store: &dyn Store,
    region: &RegionCode,
    codes: &[String],
    field: &str,
    faults: &mut Faults,
) -> Result<Vec<MeetingUnit>> {
    let mut out = Vec::new();
    let system = Viewer::system("coordination");
    for (i, code) in codes.iter().enumerate() {
        let place =
            if codes.len() == 1 && field != "invitees" { field.to_owned() } else { format!("{field}[{}]", i + 1) };
        let code = code.trim();
        match store.unit(&system, code).await? {
            None => faults.push((place, Problem::UnknownUnit(code.chars().take(80).collect()))),
            Some(unit) if !in_reach(region, &unit.territory) => faults.push((place, Problem::OutOfReach(unit.name))),
            Some(unit) => {
                if !out.iter().any(|u: &MeetingUnit| u.code == unit.code) {
                    out.push(meeting_unit(unit));
                }
            }
        }
    }
    Ok(out)
}

/// Convenes a meeting: checks its head and its invitees (every fault named at once), stores it planned, with the
/// convening unit among the invited. Returns its id.
pub async fn create(store: &dyn Store, actor: &Actor<'_>, fields: &MeetingFields, invitees: &[String]) -> Result<i64> {
    if !actor.viewer.may(Action::ConveneMeetings) {
        return Err(CoordinationError::Forbidden);
    }
    let checked = fields.check(actor.viewer);
    let mut faults = checked.problems;
    let Some(head) = checked.value else {
        return Err(CoordinationError::Invalid(faults));
    };
    let convener = store.unit(&Viewer::system("coordination"), head.convening_unit.trim()).await?;
    let convener = match convener {
        None => {
            if !faults.iter().any(|(f, _)| f == "convening_unit") {
                faults.push(("convening_unit".into(), Problem::UnknownUnit(head.convening_unit.clone())));
            }
            None
        }
        Some(unit) if !meeting::convener_holds(&unit.territory, &head.region) => {
            faults.push(("convening_unit".into(), Problem::ConvenerOutOfReach(unit.name)));
            None
        }
        Some(unit) => {
            let facts = MeetingFacts {
                region: &head.region,
                classification: head.classification,
                convener: (unit.kind.agency(), &unit.territory),
            };
            if !meeting::may_manage(actor.viewer, &facts) {
                // Not one's own unit: convening for another agency is that agency's business.
                faults.push(("convening_unit".into(), Problem::OutsideScope(unit.name.clone())));
            }
            Some(meeting_unit(unit))
        }
    };
    let invited = units_in_reach(store, &head.region, invitees, "invitees", &mut faults).await?;
    if invitees.len() > meeting::MAX_ENTRIES {
        faults.push(("invitees".into(), Problem::TooMany(meeting::MAX_ENTRIES)));
    }
    let (Some(convener), true) = (convener, faults.is_empty()) else {
        return Err(CoordinationError::Invalid(faults));
    };
    let codes: Vec<String> = invited.iter().map(|u| u.code.clone()).collect();
    let mut units = vec![convener.clone()];
    units.extend(invited.into_iter().filter(|u| u.code != convener.code));
    let meeting = Meeting::new(head, &codes);
    let write =
        MeetingWrite { meeting: &meeting, units: &units, new_items: &[], actor: &actor.name, at_ms: auth::now_ms() };
    let detail = format!("{} ({}), {} invited", meeting.head.title, meeting.head.region, units.len());
    Ok(store.create_meeting(&write, &actor.event("meeting.create", detail)).await?)
}

/// What a change may need besides the meeting: units looked up, items to add.
struct Change {
    units: Vec<MeetingUnit>,
    new_items: Vec<NewItem>,
    detail: String,
}

/// Reads the meeting, checks the viewer may change it (`allowed`), applies `apply` on a copy and writes it on the
/// version read; again on a fresh copy when someone else wrote in between.
async fn change<F>(
    store: &dyn Store,
    actor: &Actor<'_>,
    id: i64,
    action: &str,
    allowed: impl Fn(&MeetingView) -> bool,
    apply: F,
) -> Result<MeetingView>
where
    F: for<'m> Fn(&'m mut Meeting, &'m MeetingRecord) -> std::result::Result<Change, Faults>,
{
    for _ in 0..RETRIES {
        let view = meeting(store, actor.viewer, id).await?;
        if !allowed(&view) {
            return Err(CoordinationError::Forbidden);
        }
        if !view.record.meeting.open_for_records() {
            return Err(CoordinationError::Closed);
        }
        let mut updated = view.record.meeting.clone();
        let change = apply(&mut updated, &view.record).map_err(CoordinationError::Invalid)?;
        let units = if change.units.is_empty() { view.record.units.clone() } else { change.units };
        let write = MeetingWrite {
            meeting: &updated,
            units: &units,
            new_items: &change.new_items,
            actor: &actor.name,
            at_ms: auth::now_ms(),
        };
        let event = actor.event(action, change.detail);
        if store.save_meeting(id, view.record.version, &write, &event).await?.is_some() {
            return meeting(store, actor.viewer, id).await;
        }
    }
    Err(CoordinationError::Busy)
}

fn invalid(field: &str, problem: Problem) -> Faults {
    vec![(field.to_owned(), problem)]
}

/// Changes the head (title, place, times, classification); the region and the convening unit stay.
pub async fn update_head(store: &dyn Store, actor: &Actor<'_>, id: i64, fields: &MeetingFields) -> Result<MeetingView> {
    let checked = fields.check(actor.viewer);
    let faults = checked.problems;
    let head = checked.value.filter(|_| faults.is_empty()).ok_or_else(|| CoordinationError::Invalid(faults.clone()))?;
    change(
        store,
        actor,
        id,
        "meeting.update",
        |v| v.manages,
        |m, _| {
            if head.region != m.head.region {
                return Err(invalid(
                    "region",
                    Problem::BadMove { from: m.head.region.to_string(), to: head.region.to_string() },
                ));
            }
            if head.convening_unit != m.head.convening_unit {
                return Err(invalid(
                    "convening_unit",
                    Problem::BadMove { from: m.head.convening_unit.clone(), to: head.convening_unit.clone() },
                ));
            }
            m.head = head.clone();
            Ok(Change { units: Vec::new(), new_items: Vec::new(), detail: m.head.title.clone() })
        },
    )
    .await
}

/// Moves the meeting: planned → in progress → held, or cancelled with a reason.
pub async fn move_meeting(
    store: &dyn Store,
    actor: &Actor<'_>,
    id: i64,
    status: &str,
    reason: Option<&str>,
) -> Result<MeetingView> {
    change(
        store,
        actor,
        id,
        "meeting.move",
        |v| v.manages,
        |m, _| {
            let (next, reason) = meeting::check_move(m, status, reason)?;
            let detail = format!("{} -> {}", m.status.as_str(), next.as_str());
            m.status = next;
            m.cancel_reason = reason;
            Ok(Change { units: Vec::new(), new_items: Vec::new(), detail })
        },
    )
    .await
}

/// Invites more units (in reach of the meeting's region).
pub async fn invite(store: &dyn Store, actor: &Actor<'_>, id: i64, codes: &[String]) -> Result<MeetingView> {
    let view = meeting(store, actor.viewer, id).await?;
    if !view.manages {
        return Err(CoordinationError::Forbidden);
    }
    let mut faults = Vec::new();
    if codes.is_empty() {
        faults.push(("units".to_owned(), Problem::Empty));
    }
    let found = units_in_reach(store, &view.record.meeting.head.region, codes, "units", &mut faults).await?;
    if !faults.is_empty() {
        return Err(CoordinationError::Invalid(faults));
    }
    change(
        store,
        actor,
        id,
        "meeting.invite",
        |v| v.manages,
        |m, record| {
            let mut units = record.units.clone();
            for unit in &found {
                if !m.is_invited(&unit.code) {
                    m.invitees.push(meeting::Invitee::new(&unit.code));
                    units.push(unit.clone());
                }
            }
            if m.invitees.len() > meeting::MAX_ENTRIES {
                return Err(invalid("units", Problem::TooMany(meeting::MAX_ENTRIES)));
            }
            let detail = found.iter().map(|u| u.code.as_str()).collect::<Vec<_>>().join(", ");
            Ok(Change { units, new_items: Vec::new(), detail })
        },
    )
    .await
}

/// Records an invited unit's attendance (by the unit itself or those who manage the meeting).
pub async fn record_attendance(
    store: &dyn Store,
    actor: &Actor<'_>,
    id: i64,
    unit: &str,
    fields: &AttendanceFields,
) -> Result<MeetingView> {
    let draft = fields.check().into_result().map_err(CoordinationError::Invalid)?;
    let at = auth::now_ms();
    change(
        store,
        actor,
        id,
        "meeting.attendance",
        |v| v.may_record_for(unit),
        |m, _| {
            let invitee = m
                .invitees
                .iter_mut()
                .find(|i| i.unit == unit)
                .ok_or_else(|| invalid("unit", Problem::NotInvited(unit.to_owned())))?;
            invitee.attendance = draft.attendance;
            invitee.name = draft.name.clone();
            invitee.position = draft.position.clone();
            invitee.recorded_at_ms = Some(at);
            Ok(Change {
                units: Vec::new(),
                new_items: Vec::new(),
                detail: format!("{unit}: {}", draft.attendance.as_str()),
            })
        },
    )
    .await
}

/// Adds a walk-in attendee (those who manage the meeting).
pub async fn add_walk_in(store: &dyn Store, actor: &Actor<'_>, id: i64, fields: &WalkInFields) -> Result<MeetingView> {
    let walk_in = fields.check().into_result().map_err(CoordinationError::Invalid)?;
    change(
        store,
        actor,
        id,
        "meeting.walk_in",
        |v| v.manages,
        |m, _| {
            if m.walk_ins.len() >= meeting::MAX_ENTRIES {
                return Err(invalid("name", Problem::TooMany(meeting::MAX_ENTRIES)));
            }
            m.walk_ins.push(walk_in.clone());
            Ok(Change { units: Vec::new(), new_items: Vec::new(), detail: walk_in.organisation.clone() })
        },
    )
    .await
}

/// Sets the agenda, whole (those who manage the meeting).
pub async fn set_agenda(store: &dyn Store, actor: &Actor<'_>, id: i64, items: &[AgendaFields]) -> Result<MeetingView> {
    change(
        store,
        actor,
        id,
        "meeting.agenda",
        |v| v.manages,
        |m, _| {
            let agenda = meeting::check_agenda(items, m).into_result()?;
            let detail = format!("{} items", agenda.len());
            m.agenda = agenda;
            Ok(Change { units: Vec::new(), new_items: Vec::new(), detail })
        },
    )
    .await
}

/// Sets an invited unit's briefing (*paparan*) text (the unit itself or those who manage the meeting).
pub async fn set_briefing(
    store: &dyn Store,
    actor: &Actor<'_>,
    id: i64,
    unit: &str,
    text: &str,
) -> Result<MeetingView> {
    let text = meeting::check_text("text", text).map_err(|f| CoordinationError::Invalid(vec![f]))?;
    let (at, by) = (auth::now_ms(), actor.name.clone());
    change(
        store,
        actor,
        id,
        "meeting.briefing",
        |v| v.may_record_for(unit),
        |m, _| {
            if !m.is_invited(unit) {
                return Err(invalid("unit", Problem::NotInvited(unit.to_owned())));
            }
            let briefing =
                Briefing { unit: unit.to_owned(), text: text.clone(), updated_at_ms: at, updated_by: by.clone() };
            match m.briefings.iter_mut().find(|b| b.unit == unit) {
                Some(existing) => *existing = briefing,
                None => m.briefings.push(briefing),
            }
            Ok(Change { units: Vec::new(), new_items: Vec::new(), detail: unit.to_owned() })
        },
    )
    .await
}

/// The minutes as typed, with who chaired and who kept them.
#[derive(Debug, Clone, Default)]
pub struct MinutesFields {
    pub text: String,
    pub chair: Option<String>,
    pub secretary: Option<String>,
}

/// Sets the minutes (those who manage the meeting).
pub async fn set_minutes(store: &dyn Store, actor: &Actor<'_>, id: i64, fields: &MinutesFields) -> Result<MeetingView> {
    let mut faults = Vec::new();
    let text = meeting::check_text("text", &fields.text).map_err(|f| faults.push(f)).ok();
    let line = |field: &str, value: &Option<String>, faults: &mut Faults| {
        let value = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
        sinergi_domain::text::check(value, meeting::MAX_LINE, sinergi_domain::text::Lines::One)
            .map_err(|p| faults.push((field.to_owned(), p)))
            .ok()
    };
    let chair = line("chair", &fields.chair, &mut faults);
    let secretary = line("secretary", &fields.secretary, &mut faults);
    if !faults.is_empty() {
        return Err(CoordinationError::Invalid(faults));
    }
    change(
        store,
        actor,
        id,
        "meeting.minutes",
        |v| v.manages,
        |m, _| {
            m.minutes = text.clone();
            m.chair = chair.clone();
            m.secretary = secretary.clone();
            Ok(Change { units: Vec::new(), new_items: Vec::new(), detail: String::new() })
        },
    )
    .await
}

/// Records a decision with its action items (those who manage the meeting): every owner invited, every deadline
/// on or after the meeting's day.
pub async fn decide(store: &dyn Store, actor: &Actor<'_>, id: i64, fields: &DecisionFields) -> Result<MeetingView> {
    change(
        store,
        actor,
        id,
        "meeting.decision",
        |v| v.manages,
        |m, record| {
            let (decision, drafts) = fields.check(m).into_result()?;
            let mut new_items = Vec::new();
            for draft in drafts {
                let owner = record
                    .unit(&draft.owner_unit)
                    .cloned()
                    .ok_or_else(|| invalid("items", Problem::OwnerNotInvited(draft.owner_unit.clone())))?;
                new_items.push(NewItem {
                    decision_number: decision.number,
                    owner,
                    task: draft.task,
                    deadline: draft.deadline,
                });
            }
            let detail = format!("decision {} with {} items", decision.number, new_items.len());
            m.decisions.push(decision);
            Ok(Change { units: Vec::new(), new_items, detail })
        },
    )
    .await
}

/// An action item the viewer may read (its meeting readable), with whether it may move it and whether it manages
/// the meeting (drop, reopen).
pub async fn item(store: &dyn Store, viewer: &Viewer, id: i64) -> Result<(ItemRecord, MeetingView)> {
    let item = store.item(id).await?.ok_or(CoordinationError::ItemNotFound(id))?;
    let view = match meeting(store, viewer, item.meeting_id).await {
        Ok(view) => view,
        Err(CoordinationError::MeetingNotFound(_)) => return Err(CoordinationError::ItemNotFound(id)),
        Err(e) => return Err(e),
    };
    Ok((item, view))
}

/// Moves an action item: its owner to in progress or done (with evidence), those who manage the meeting also drop
/// it (with a reason) or reopen it.
pub async fn update_item(store: &dyn Store, actor: &Actor<'_>, id: i64, fields: &UpdateFields) -> Result<ItemRecord> {
    let (item, view) = item(store, actor.viewer, id).await?;
    if !view.may_record_for(&item.owner.code) {
        return Err(CoordinationError::Forbidden);
    }
    let update = fields.check(item.status, view.manages).map_err(CoordinationError::Invalid)?;
    let detail = format!("{} -> {}", item.status.as_str(), update.status.as_str());
    let event = actor.event("action_item.update", detail);
    if !store.update_item(id, item.status, &update, &actor.name, auth::now_ms(), &event).await? {
        return Err(CoordinationError::Busy);
    }
    store.item(id).await?.ok_or(CoordinationError::ItemNotFound(id))
}

/// The forum's meeting before this one (the latest that started earlier), when the viewer may read it.
pub async fn previous_meeting(
    store: &dyn Store,
    viewer: &Viewer,
    record: &MeetingRecord,
) -> Result<Option<MeetingRecord>> {
    let filter = sinergi_store::MeetingFilter {
        forum: Some(record.meeting.head.forum.clone()),
        before_ms: Some(record.meeting.head.starts_at_ms),
        ..Default::default()
    };
    let (mut list, _) = store.meetings(viewer, &filter, sinergi_store::Page::new(1, 5)).await?;
    list.retain(|m| m.id != record.id && m.meeting.status != MeetingStatus::Cancelled);
    Ok(list.into_iter().next())
}

/// The units a meeting of `region` may invite, in three groups: above the region (its province, …), at it, and one
/// level below it (the districts' units of a regency). Units of villages are left out of the choice (a rakor of a
/// regency does not invite every PPS); the API still takes any unit in reach.
pub async fn invite_candidates(store: &dyn Store, region: &RegionCode) -> Result<[Vec<MeetingUnit>; 3]> {
    let system = Viewer::system("coordination");
    let at = |code: RegionCode| sinergi_store::UnitFilter { at: Some(code), ..Default::default() };
    let page = sinergi_store::Page::new(1, 500);
    let mut above = Vec::new();
    for ancestor in region.ancestors() {
        above.extend(store.list_units(&system, &at(ancestor), page).await?.0.into_iter().map(meeting_unit));
    }
    let here: Vec<MeetingUnit> =
        store.list_units(&system, &at(region.clone()), page).await?.0.into_iter().map(meeting_unit).collect();
    let mut below = Vec::new();
    if region.level() != sinergi_domain::Level::District {
        for child in store.children(&system, Some(region)).await? {
            below.extend(store.list_units(&system, &at(child.code), page).await?.0.into_iter().map(meeting_unit));
        }
    }
    Ok([above, here, below])
}

/// The units the viewer may convene a meeting of `region` for: those whose territory holds the region and for
/// which the viewer manages (its own agency's chain; an administrator any).
pub async fn convener_choices(store: &dyn Store, viewer: &Viewer, region: &RegionCode) -> Result<Vec<MeetingUnit>> {
    let [above, here, _] = invite_candidates(store, region).await?;
    Ok(here
        .into_iter()
        .chain(above)
        .filter(|u| {
            let facts = MeetingFacts {
                region,
                classification: sinergi_domain::trust::auth::Classification::Biasa,
                convener: (u.agency, &u.territory),
            };
            meeting::may_manage(viewer, &facts)
        })
        .collect())
}

/// A file sent for a meeting: for an invited unit's briefing, or as the evidence of an action item (then its unit is
/// the item's owner).
pub struct FileFields<'a> {
    pub unit: &'a str,
    pub item: Option<i64>,
    pub name: &'a str,
    pub bytes: Vec<u8>,
    pub classification: Option<&'a str>,
}

/// Stores a file of a meeting (the unit itself or those who manage the meeting): accepted by its first bytes, up to
/// `max_bytes`, with its SHA-256; classified as the meeting unless said otherwise (never above what the sender may
/// read).
pub async fn attach(
    store: &dyn Store,
    actor: &Actor<'_>,
    meeting_id: i64,
    file: FileFields<'_>,
    max_bytes: u64,
) -> Result<sinergi_store::AttachmentMeta> {
    use sinergi_domain::coordination::attachment;
    let view = meeting(store, actor.viewer, meeting_id).await?;
    let unit = match file.item {
        Some(item_id) => {
            let item = store.item(item_id).await?.filter(|i| i.meeting_id == meeting_id);
            item.ok_or(CoordinationError::ItemNotFound(item_id))?.owner.code
        }
        None => file.unit.trim().to_owned(),
    };
    if !view.record.meeting.is_invited(&unit) {
        return Err(CoordinationError::Invalid(vec![("unit".into(), Problem::NotInvited(unit))]));
    }
    if !view.may_record_for(&unit) {
        return Err(CoordinationError::Forbidden);
    }
    if !view.record.meeting.open_for_records() {
        return Err(CoordinationError::Closed);
    }
    let mut faults = Vec::new();
    let classification = match file.classification.map(str::trim).filter(|c| !c.is_empty()) {
        None => view.record.meeting.head.classification,
        Some(text) => match sinergi_domain::trust::auth::Classification::parse(text) {
            Some(c) if actor.viewer.may_read(c) => c,
            _ => {
                faults.push(("classification".to_owned(), Problem::one_of(text, &["biasa", "terbatas", "rahasia"])));
                view.record.meeting.head.classification
            }
        },
    };
    let checked = attachment::check(file.name, &file.bytes, max_bytes);
    let (name, kind) = match checked {
        Ok(ok) if faults.is_empty() => ok,
        Ok(_) => return Err(CoordinationError::Invalid(faults)),
        Err(mut more) => {
            faults.append(&mut more);
            return Err(CoordinationError::Invalid(faults));
        }
    };
    let new = sinergi_store::NewAttachment {
        meeting_id,
        unit_code: unit.clone(),
        item_id: file.item,
        file_name: name.clone(),
        media_type: kind.media_type().to_owned(),
        sha256: attachment::digest(&file.bytes),
        classification,
        content: file.bytes,
        uploaded_by: actor.name.clone(),
        at_ms: auth::now_ms(),
    };
    let detail = format!("{unit}: {name} ({} bytes)", new.content.len());
    let id = store.add_attachment(&new, &actor.event("meeting.attachment", detail)).await?;
    Ok(sinergi_store::AttachmentMeta {
        id,
        meeting_id,
        unit_code: unit,
        item_id: new.item_id,
        file_name: name,
        media_type: new.media_type,
        size: new.content.len() as u64,
        sha256: new.sha256,
        classification,
        uploaded_by: new.uploaded_by,
        uploaded_at_ms: new.at_ms,
    })
}

/// Whether the viewer may open a file of a meeting it reads: within its clearance, or the file of a unit it records
/// for (its own briefing).
fn may_open(view: &MeetingView, viewer: &Viewer, meta: &sinergi_store::AttachmentMeta) -> bool {
    viewer.may_read(meta.classification) || view.may_record_for(&meta.unit_code)
}

/// The files of a meeting the viewer may open.
pub async fn attachments(
    store: &dyn Store,
    viewer: &Viewer,
    view: &MeetingView,
) -> Result<Vec<sinergi_store::AttachmentMeta>> {
    let all = store.attachments(view.record.id).await?;
    Ok(all.into_iter().filter(|a| may_open(view, viewer, a)).collect())
}

/// A file with its content, when the viewer may open it; checked against its SHA-256 (a damaged file is an error,
/// logged, never served).
pub async fn attachment(
    store: &dyn Store,
    viewer: &Viewer,
    id: i64,
) -> Result<(sinergi_store::AttachmentMeta, Vec<u8>)> {
    let (meta, bytes) = store.attachment(id).await?.ok_or(CoordinationError::AttachmentNotFound(id))?;
    let view = match meeting(store, viewer, meta.meeting_id).await {
        Ok(view) => view,
        Err(CoordinationError::MeetingNotFound(_)) => return Err(CoordinationError::AttachmentNotFound(id)),
        Err(e) => return Err(e),
    };
    if !may_open(&view, viewer, &meta) {
        return Err(CoordinationError::AttachmentNotFound(id));
    }
    if sinergi_domain::coordination::attachment::digest(&bytes) != meta.sha256 {
        return Err(CoordinationError::Store(StoreError::Internal(format!(
            "attachment {id} does not match its SHA-256"
        ))));
    }
    Ok((meta, bytes))
}
