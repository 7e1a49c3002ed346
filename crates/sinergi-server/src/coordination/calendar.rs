//! The election calendar per region (issue 18): which calendar is in force where, loading a new version (a
//! calendar file or an iCalendar file applied to the calendar in force), and what a page shows of it.
//!
//! The calendar in force for a region is the newest version stored for the nearest region that has one (the
//! region, its regency, its province), else the shipped default (Pilkada Serentak 2024). Versions are only ever
//! added, each with who loaded it, when and why, and an audit entry.

use sinergi_domain::RegionCode;
use sinergi_domain::access::{Action, Viewer};
use sinergi_domain::coordination::calendar::{Calendar, Date, ImportFaults, from_ics};
use sinergi_domain::coordination::meeting::wib_day;
use sinergi_domain::i18n::Lang;
use sinergi_domain::import::Problem;
use sinergi_domain::trust::auth::Scope;
use sinergi_store::{NewCalendarVersion, Store, StoreError, StoredCalendar};

use crate::coordination::service::Actor;
use crate::error::{ApiError, CalendarFault};
use crate::trust::auth;

/// The calendar in force somewhere, and the stored version it comes from (`None`: the shipped default).
#[derive(Debug, Clone)]
pub struct InForce {
    pub calendar: Calendar,
    pub version: Option<StoredCalendar>,
}

/// The region and its ancestors, nearest first.
fn chain(region: &RegionCode) -> Vec<RegionCode> {
    let mut out = vec![region.clone()];
    out.extend(region.ancestors());
    out
}

/// The calendar in force for a region (the nation: the shipped default).
pub async fn in_force(store: &dyn Store, region: Option<&RegionCode>) -> Result<InForce, StoreError> {
    let stored = match region {
        Some(region) => store.calendar_in_force(&chain(region)).await?,
        None => None,
    };
    match stored {
        Some(version) => match Calendar::from_toml(&version.definition) {
            Ok(calendar) => Ok(InForce { calendar, version: Some(version) }),
            // Stored only after the same check: a version that no longer reads was edited by hand.
            Err(_) => Err(StoreError::Internal(format!("stored calendar version {} does not read", version.id))),
        },
        None => Ok(InForce { calendar: Calendar::shipped(), version: None }),
    }
}

/// The region whose calendar a viewer sees by default: its territory (the nation's default for a national one).
pub fn home_region(viewer: &Viewer) -> Option<RegionCode> {
    match &viewer.scope {
        Scope::National => None,
        Scope::Region(code) => Some(code.clone()),
    }
}

/// Today in WIB.
pub fn today() -> Date {
    wib_day(auth::now_ms()).unwrap_or(Date::MIN)
}

/// The line every page shows: the stage in force (or the next) and the days to voting day.
pub fn banner(calendar: &Calendar, today: Date, lang: Lang) -> String {
    let current = calendar.current(today);
    let stage = match (current.stages.first(), current.next_stage) {
        (Some(stage), _) => lang.t(sinergi_domain::i18n::Msg::CalStageNow).to_owned() + ": " + stage.label.get(lang),
        (None, Some(next)) => lang.format(
            sinergi_domain::i18n::Msg::CalNextStage,
            &[("stage", &next.label.get(lang)), ("date", &lang.day_month_year(next.start))],
        ),
        (None, None) => lang.t(sinergi_domain::i18n::Msg::CalNoStageInForce).to_owned(),
    };
    format!("{} · {} · {}", calendar.label.get(lang), stage, current.countdown(lang))
}

/// What a load brings: a calendar file, or an iCalendar file to apply to the calendar in force.
pub enum Source<'a> {
    Toml(&'a str),
    Ics(&'a str),
}

/// Why a load was refused.
#[derive(Debug)]
pub enum LoadError {
    Forbidden,
    /// The region is not one the viewer covers, or no region.
    OutOfScope(String),
    Invalid(Vec<(String, Problem)>),
    Calendar(Vec<CalendarFault>),
    Store(StoreError),
}

impl From<StoreError> for LoadError {
    fn from(e: StoreError) -> LoadError {
        LoadError::Store(e)
    }
}

impl From<LoadError> for ApiError {
    fn from(e: LoadError) -> ApiError {
        match e {
            LoadError::Forbidden => auth::forbidden(),
            LoadError::OutOfScope(code) => ApiError::not_found(
                crate::error::Code::RegionNotFound,
                sinergi_domain::i18n::Msg::ErrRegionNotFound,
                ("code", code),
            ),
            LoadError::Invalid(faults) => ApiError::validation(faults),
            LoadError::Calendar(faults) => ApiError::calendar(faults),
            LoadError::Store(e) => e.into(),
        }
    }
}

/// Loads a calendar version for a region (administrators whose territory holds it): a calendar file checked
/// whole, or an iCalendar file applied to the calendar in force there. Nothing is stored unless all of it holds.
pub async fn load(
    store: &dyn Store,
    actor: &Actor<'_>,
    region: &RegionCode,
    source: Source<'_>,
    reason: &str,
) -> Result<StoredCalendar, LoadError> {
    if !actor.viewer.may(Action::Administer) {
        return Err(LoadError::Forbidden);
    }
    if !actor.viewer.covers(region) || store.region(actor.viewer, region).await?.is_none() {
        return Err(LoadError::OutOfScope(region.to_string()));
    }
    let reason = sinergi_domain::text::check(reason, 2000, sinergi_domain::text::Lines::Many)
        .map_err(|p| LoadError::Invalid(vec![("reason".into(), p)]))?;
    let (calendar, definition) = match source {
        Source::Toml(text) => {
            let calendar = Calendar::from_toml(text)
                .map_err(|errors| LoadError::Calendar(errors.into_iter().map(CalendarFault::File).collect()))?;
            (calendar, text.to_owned())
        }
        Source::Ics(text) => {
            let events =
                from_ics(text).map_err(|e| LoadError::Calendar(e.into_iter().map(CalendarFault::Ics).collect()))?;
            let base = in_force(store, Some(region)).await?.calendar;
            let calendar = base.apply_ics(&events).map_err(|f| {
                LoadError::Calendar(match f {
                    ImportFaults::Events(faults) => {
                        faults.into_iter().map(|(place, p)| CalendarFault::Event(place, p)).collect()
                    }
                    ImportFaults::Calendar(errors) => errors.into_iter().map(CalendarFault::File).collect(),
                })
            })?;
            let header = format!(
                "{} ({}), taken from an iCalendar file by {} on {}.\nReason: {}",
                calendar.label.en,
                calendar.id,
                actor.name,
                crate::pages::wib(auth::now_ms()),
                reason.replace('\n', " ")
            );
            let definition = calendar.to_toml(&header);
            (calendar, definition)
        }
    };
    let version = NewCalendarVersion {
        region: region.clone(),
        calendar_id: calendar.id.clone(),
        definition,
        loaded_by: actor.name.clone(),
        loaded_at_ms: auth::now_ms(),
        reason: reason.clone(),
    };
    let event =
        auth::event(&actor.name, "calendar.load", "-", format!("{} for {region}: {reason}", calendar.id), actor.origin);
    let id = store.add_calendar_version(&version, &event).await?;
    Ok(StoredCalendar {
        id,
        region: version.region,
        calendar_id: version.calendar_id,
        definition: version.definition,
        loaded_by: version.loaded_by,
        loaded_at_ms: version.loaded_at_ms,
        reason: version.reason,
    })
}
