//! The early warning scan (issue 8): the prospective space-time permutation scan statistic over village-level
//! reports (Kulldorff et al. 2005), with Monte Carlo and Gumbel p-values. See `docs/scan.md` for the method.
//!
//! The caller hands over zones (villages with their centroids), cases (a zone and a day each), the study period and
//! the parameters; [`scan`] returns the most likely cluster first and then the secondary clusters. Nothing here
//! reads a file or a clock; the only randomness is the replications' permutations, drawn from streams derived from
//! the seed, so a run can be repeated exactly, whatever the number of threads.
//!
//! `files` reads the cases and zones CSV files of `sinergi scan`, naming the line of every problem.

pub mod alerts;
mod engine;
pub mod files;

use std::fmt;

use crate::geo::LatLng;
use crate::i18n::{Lang, Msg};
use crate::region::RegionCode;

pub use engine::{Gumbel, llr, p_value};

/// A civil date, counted in days from 1970-01-01, so that periods and windows are plain integer ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(i32);

impl Day {
    /// The date, when it exists in the (proleptic Gregorian) calendar and its year has four digits.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Day> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Day(days_from_civil(year, month, day)))
    }

    /// Reads exactly `YYYY-MM-DD`; anything else, and dates no calendar has (2024-02-30), is `None`.
    pub fn parse(text: &str) -> Option<Day> {
        let bytes = text.as_bytes();
        let digits = |range: std::ops::Range<usize>| bytes[range].iter().all(u8::is_ascii_digit);
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' || !digits(0..4) || !digits(5..7) || !digits(8..10)
        {
            return None;
        }
        let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().ok();
        Day::from_ymd(number(0..4)? as i32, number(5..7)?, number(8..10)?)
    }

    /// Year, month and day (Hinnant's civil_from_days).
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    /// Days since 1970-01-01.
    pub fn number(self) -> i32 {
        self.0
    }

    /// The day `days` later (earlier when negative).
    pub fn plus(self, days: i32) -> Day {
        Day(self.0 + days)
    }
}

/// Days since 1970-01-01 of a civil date, taken as valid (Howard Hinnant's `days_from_civil`: years start in
/// March, so the leap day ends the year). Shared with the election calendar's `Date`.
pub(crate) fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let (y, m) = if month <= 2 { (year - 1, month + 9) } else { (year, month - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m as i32 + 2) / 5 + day as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Year, month and day of a count of days since 1970-01-01 (Hinnant's `civil_from_days`), the inverse of
/// [`days_from_civil`].
pub(crate) fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i32::from(month <= 2);
    (year, month, day)
}

pub(crate) const fn days_in_month(year: i32, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// A village as a zone of the scan: every zone is also a possible centre of a circle.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    pub code: RegionCode,
    pub centroid: LatLng,
}

/// A report, counted at its zone (an index into the zones) and on its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Case {
    pub zone: usize,
    pub day: Day,
}

/// The study period, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: Day,
    pub end: Day,
}

impl Period {
    /// Number of days, both ends counted (zero when the period is reversed).
    pub fn days(&self) -> u32 {
        u32::try_from(self.end.number() - self.start.number() + 1).unwrap_or(0)
    }

    pub fn contains(&self, day: Day) -> bool {
        self.start <= day && day <= self.end
    }
}

/// The longest window: a year. Memory grows with the windows (a row of counts per village and of thresholds per
/// circle member), and an early warning looks at days and weeks.
pub const MAX_DAYS: u32 = 366;

/// The most replications: a million already resolve p-values to 1e-6, and each keeps its maximum in memory.
pub const MAX_REPLICATIONS: u32 = 1_000_000;

/// The scan's parameters, named as the options of `sinergi scan`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanParams {
    /// A circle grows while its radius is at most this (inclusive).
    pub max_radius_km: f64,
    /// ... and while its cases over the whole period are at most this share of all cases (inclusive); in (0, 0.5].
    pub max_fraction: f64,
    /// Windows are the last 1..=`max_days` days of the period (fewer when the period is shorter); at most
    /// [`MAX_DAYS`].
    pub max_days: u32,
    /// A cylinder with fewer observed cases has a log-likelihood ratio of 0.
    pub min_cases: u64,
    /// Monte Carlo replications; from 1 to [`MAX_REPLICATIONS`].
    pub replications: u32,
    pub seed: u64,
}

impl Default for ScanParams {
    fn default() -> ScanParams {
        ScanParams { max_radius_km: 10.0, max_fraction: 0.5, max_days: 7, min_cases: 2, replications: 999, seed: 1 }
    }
}

impl ScanParams {
    /// Checks every range; the error names the first parameter outside its range.
    pub fn validate(&self) -> Result<(), ScanError> {
        let bad = |name, value: &dyn fmt::Display, rule| ScanError::Parameter { name, value: value.to_string(), rule };
        if !(self.max_radius_km.is_finite() && self.max_radius_km >= 0.0) {
            return Err(bad("max-radius-km", &self.max_radius_km, Rule::NonNegative));
        }
        // Written so that NaN fails too.
        if !(self.max_fraction > 0.0 && self.max_fraction <= 0.5) {
            return Err(bad("max-fraction", &self.max_fraction, Rule::Fraction));
        }
        if !(1..=MAX_DAYS).contains(&self.max_days) {
            return Err(bad("max-days", &self.max_days, Rule::Between(MAX_DAYS.into())));
        }
        if !(1..=MAX_REPLICATIONS).contains(&self.replications) {
            return Err(bad("replications", &self.replications, Rule::Between(MAX_REPLICATIONS.into())));
        }
        Ok(())
    }
}

/// The range a parameter broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// (0, 0.5]
    Fraction,
    /// From 1 to this, both included.
    Between(u64),
    /// a finite number of 0 or more
    NonNegative,
}

/// Why a scan cannot be run. Rendered in the user's language by [`ScanError::message`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScanError {
    #[error("{name}: {value} is out of range ({rule:?})")]
    Parameter { name: &'static str, value: String, rule: Rule },
    #[error("the study period starts on {start}, after its end on {end}")]
    PeriodReversed { start: Day, end: Day },
    #[error("there are no zones to scan")]
    NoZones,
    #[error("zone {0} appears more than once")]
    DuplicateZone(String),
    #[error("zone {0} has no coordinates")]
    ZoneWithoutCoordinates(String),
    #[error("case {case} refers to zone {zone}, which does not exist")]
    UnknownZone { case: usize, zone: usize },
    #[error("no cases in the study period {start} to {end} ({outside} outside it)")]
    NoCasesInPeriod { start: Day, end: Day, outside: u64 },
    #[error("too few cases: {cases} in the study period, a cluster needs at least {min_cases}")]
    TooFewCases { cases: u64, min_cases: u64 },
    #[error("too many cases: {cases} in the study period, at most {max} can be scanned at once")]
    TooManyCases { cases: u64, max: u64 },
}

impl ScanError {
    /// The parameter at fault, as `sinergi scan` names its option (without the dashes).
    pub fn parameter(&self) -> Option<&'static str> {
        match self {
            ScanError::Parameter { name, .. } => Some(name),
            ScanError::TooFewCases { .. } => Some("min-cases"),
            _ => None,
        }
    }

    /// The reason in the user's language; for a parameter, without its name (see [`ScanError::parameter`]). Days
    /// and counts as the command line takes them (`2024-03-01`, `1526`), as `sinergi scan` reports them.
    pub fn message(&self, lang: Lang) -> String {
        self.text(lang, false)
    }

    /// [`ScanError::message`] as a page shows it: days and counts as the language writes them ("1 Desember 2024",
    /// "1.526").
    pub fn page_message(&self, lang: Lang) -> String {
        self.text(lang, true)
    }

    fn text(&self, lang: Lang, page: bool) -> String {
        let day = |d: &Day| match d.ymd() {
            (y, m, dd) if page => crate::coordination::calendar::Date::new(y, m, dd)
                .map_or_else(|| d.to_string(), |date| lang.day_month_year(date)),
            _ => d.to_string(),
        };
        let count = |n: u64| if page { lang.number(n) } else { n.to_string() };
        match self {
            ScanError::Parameter { value, rule, .. } => {
                let msg = match rule {
                    Rule::Fraction => Msg::ScanParamFraction,
                    Rule::Between(_) => Msg::ScanParamBetween,
                    Rule::NonNegative => Msg::ScanParamNonNegative,
                };
                let max = match rule {
                    Rule::Between(max) => lang.number(*max),
                    _ => String::new(),
                };
                lang.format(msg, &[("value", value), ("max", &max)])
            }
            ScanError::PeriodReversed { start, end } => {
                lang.format(Msg::ScanPeriodReversed, &[("start", &day(start)), ("end", &day(end))])
            }
            ScanError::NoZones => lang.t(Msg::ScanNoZones).to_owned(),
            ScanError::DuplicateZone(code) => lang.format(Msg::ScanDuplicateZone, &[("code", code)]),
            ScanError::ZoneWithoutCoordinates(code) => lang.format(Msg::ScanZoneNoCoordinates, &[("code", code)]),
            ScanError::UnknownZone { case, zone } => {
                lang.format(Msg::ScanUnknownZoneIndex, &[("case", case), ("zone", zone)])
            }
            ScanError::NoCasesInPeriod { start, end, outside } => lang
                .format(Msg::ScanNoCases, &[("start", &day(start)), ("end", &day(end)), ("outside", &count(*outside))]),
            ScanError::TooFewCases { cases, min_cases } => {
                lang.format(Msg::ScanTooFewCases, &[("cases", &count(*cases)), ("min", &count(*min_cases))])
            }
            ScanError::TooManyCases { cases, max } => {
                lang.format(Msg::ScanTooManyCases, &[("cases", &count(*cases)), ("max", &count(*max))])
            }
        }
    }
}

/// A cylinder reported as a cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// The centre, as an index into the zones.
    pub center: usize,
    /// The zones of the circle, nearest first (the centre is the first).
    pub zones: Vec<usize>,
    /// Distance from the centre to the farthest zone of the circle.
    pub radius_km: f64,
    pub start_day: Day,
    pub end_day: Day,
    pub observed: u64,
    pub expected: f64,
    pub llr: f64,
    /// Monte Carlo p-value: (1 + replicate maxima ≥ LLR) / (R + 1).
    pub p_value: f64,
    /// The Gumbel approximation's p-value; `None` when the replicate maxima do not vary, so no Gumbel fits them.
    pub gumbel_p_value: Option<f64>,
}

/// What a scan found.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanOutcome {
    /// Cases inside the study period (N).
    pub cases_used: u64,
    /// Cases outside it, left out.
    pub cases_left_out: u64,
    /// Windows actually scanned: `max_days`, or the length of the period when that is shorter.
    pub max_days: u32,
    /// The most likely cluster first, then the secondary clusters; empty when no cylinder has a positive LLR.
    pub clusters: Vec<Cluster>,
    /// The maximum LLR of each replication, in replication order (empty when there is no cluster to test).
    pub replicate_maxima: Vec<f64>,
    /// The Gumbel distribution fitted to the replicate maxima.
    pub gumbel: Option<Gumbel>,
}

impl ScanOutcome {
    pub fn most_likely(&self) -> Option<&Cluster> {
        self.clusters.first()
    }

    pub fn secondary(&self) -> &[Cluster] {
        self.clusters.get(1..).unwrap_or(&[])
    }
}

/// Runs the scan: circles, the observed clusters, `params.replications` permutations split over `threads` threads
/// (the result does not depend on how many), and the p-values. `progress` is called once per finished replication.
pub fn scan(
    zones: &[Zone],
    cases: &[Case],
    period: Period,
    params: &ScanParams,
    threads: usize,
    progress: &(dyn Fn() + Sync),
) -> Result<ScanOutcome, ScanError> {
    params.validate()?;
    if period.start > period.end {
        return Err(ScanError::PeriodReversed { start: period.start, end: period.end });
    }
    if zones.is_empty() {
        return Err(ScanError::NoZones);
    }
    let mut seen = std::collections::HashSet::new();
    for zone in zones {
        if !zone.centroid.is_finite() {
            return Err(ScanError::ZoneWithoutCoordinates(zone.code.to_string()));
        }
        if !seen.insert(&zone.code) {
            return Err(ScanError::DuplicateZone(zone.code.to_string()));
        }
    }
    if let Some((case, c)) = cases.iter().enumerate().find(|(_, c)| c.zone >= zones.len()) {
        return Err(ScanError::UnknownZone { case, zone: c.zone });
    }
    let inside: Vec<Case> = cases.iter().copied().filter(|c| period.contains(c.day)).collect();
    let used = inside.len() as u64;
    let left_out = (cases.len() - inside.len()) as u64;
    if used == 0 {
        return Err(ScanError::NoCasesInPeriod { start: period.start, end: period.end, outside: left_out });
    }
    let most = engine::Count::MAX as u64;
    if used > most {
        return Err(ScanError::TooManyCases { cases: used, max: most });
    }
    if used < params.min_cases.max(2) {
        return Err(ScanError::TooFewCases { cases: used, min_cases: params.min_cases.max(2) });
    }
    Ok(engine::run(zones, &inside, period, params, threads, progress, left_out))
}

#[cfg(test)]
mod tests;
