//! The early warning scan on the live reports (docs/scan.md, "On the live reports"): the pure parts of turning a
//! scan's clusters into alerts. Which clusters are significant, how a cluster is matched to an alert still active
//! from an earlier run, the relative risk, the local day of a report, the seed of a run, the units an alert goes
//! to, and the plain-language explanation.
//!
//! The server reads the reports and writes the alerts; everything decided in between is decided here, so that it
//! can be tested without a database.

use std::collections::BTreeSet;

use crate::i18n::{Lang, Msg};
use crate::incident::routing::{RouteRole, Routed};
use crate::region::{Level, RegionCode};
use crate::registry::agency::{Unit, UnitKind};
use crate::rng::SplitMix64;

use super::{Cluster, Day};

word_enum! {
    /// How a run of the scan on the live reports ended.
    RunStatus {
        /// The scan ran; its clusters are recorded.
        Done => "done",
        /// Too few cases to scan: nothing to say either way.
        TooFew => "too_few",
        /// The scan could not run; the alerts stay as they were.
        Failed => "failed",
    }
}

word_enum! {
    /// Who asked for a run.
    RunTrigger {
        /// The hourly schedule.
        Schedule => "schedule",
        /// Someone, on demand.
        Demand => "demand",
    }
}

word_enum! {
    /// Whether an alert still stands: a later run that no longer finds its cluster ends it.
    AlertStatus {
        Active => "active",
        Gone => "gone",
    }
}

/// Milliseconds in a day.
const DAY_MS: i64 = 86_400_000;

/// The default significance level: a cluster whose Monte Carlo p-value is below it raises an alert.
pub const DEFAULT_THRESHOLD: f64 = 0.01;

/// Observed over expected: how many times the usual number of reports the cylinder holds. Infinite when nothing
/// was expected (which a scan never reports as a cluster, since every expected count of a zone with cases is
/// positive).
pub fn relative_risk(observed: u64, expected: f64) -> f64 {
    if expected > 0.0 { observed as f64 / expected } else { f64::INFINITY }
}

/// The clusters that raise an alert: those whose Monte Carlo p-value is below `threshold`. The Gumbel p-value is
/// shown but not used: it rests on a fitted distribution, while the Monte Carlo p-value is exact for the
/// replications run, and with 999 replications it resolves down to 0.001, well below the default 0.01.
pub fn significant(clusters: &[Cluster], threshold: f64) -> Vec<&Cluster> {
    clusters.iter().filter(|c| c.p_value < threshold).collect()
}

/// The offset of local time from UTC, in minutes, for a region: WIB (UTC+7) in Sumatra, Java, and West and
/// Central Kalimantan; WITA (UTC+8) in Bali, Nusa Tenggara, South, East and North Kalimantan and Sulawesi; WIT
/// (UTC+9) in Maluku and Papua. Decided by the province, the first part of the code (Kemendagri numbering).
pub fn utc_offset_minutes(region: &RegionCode) -> i32 {
    let province: u32 = region.as_str().get(..2).and_then(|p| p.parse().ok()).unwrap_or(0);
    match province {
        51..=53 | 63..=65 | 71..=76 => 8 * 60,
        81..=82 | 91..=99 => 9 * 60,
        _ => 7 * 60,
    }
}

/// The local calendar day of an instant (ms since the epoch) in a region.
pub fn local_day(at_ms: i64, region: &RegionCode) -> Day {
    let local = at_ms + i64::from(utc_offset_minutes(region)) * 60_000;
    Day(local.div_euclid(DAY_MS) as i32)
}

/// The instant (ms since the epoch) at which a local day starts in a region.
pub fn day_start_ms(day: Day, region: &RegionCode) -> i64 {
    i64::from(day.number()) * DAY_MS - i64::from(utc_offset_minutes(region)) * 60_000
}

/// The seed of a run when none is given: derived from the regency and the period's last day, so that running
/// the same regency again on the same day draws the same permutations (and a run can be repeated from what is
/// stored), while different regencies and days draw independently.
pub fn run_seed(regency: &RegionCode, end: Day) -> u64 {
    let mut rng = SplitMix64::from_text(end.number() as u64, regency.as_str());
    rng.next_u64()
}

/// What to do with the clusters of a run, given the alerts still active in the same regency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconciled {
    /// For each cluster, in order: the active alert it refreshes, or `None` for a new alert.
    pub refreshes: Vec<Option<i64>>,
    /// Active alerts no cluster of this run matched: they are gone.
    pub gone: Vec<i64>,
}

/// Matches a run's significant clusters (most likely first) with the alerts still active in the regency (id and
/// villages). A cluster refreshes the active alert with which it shares the most villages (ties: the older alert,
/// the lower id); each alert is refreshed by one cluster at most, the first in order that claims it, since the
/// clusters of one run share no village but two of them may each touch one alert. A cluster that shares no
/// village with an alert still unclaimed is a new alert; an active alert left unclaimed is gone.
pub fn reconcile(active: &[(i64, Vec<RegionCode>)], clusters: &[Vec<RegionCode>]) -> Reconciled {
    let mut claimed: BTreeSet<i64> = BTreeSet::new();
    let mut refreshes = Vec::with_capacity(clusters.len());
    for villages in clusters {
        let mine: BTreeSet<&RegionCode> = villages.iter().collect();
        let best = active
            .iter()
            .filter(|(id, _)| !claimed.contains(id))
            .map(|(id, theirs)| (*id, theirs.iter().filter(|v| mine.contains(v)).count()))
            .filter(|(_, shared)| *shared > 0)
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(id, _)| id);
        if let Some(id) = best {
            claimed.insert(id);
        }
        refreshes.push(best);
    }
    let gone = active.iter().map(|(id, _)| *id).filter(|id| !claimed.contains(id)).collect();
    Reconciled { refreshes, gone }
}

/// The unit kinds an early warning goes to over each district of its villages: the police must act on it; the
/// army, the election supervisors and the sub-district office are kept informed.
const DISTRICT_RESPONSIBLE: [UnitKind; 1] = [UnitKind::Polsek];
const DISTRICT_INFORMED: [UnitKind; 3] = [UnitKind::Koramil, UnitKind::Panwascam, UnitKind::Kecamatan];
/// ... and over its regency: the Polres acts; the Kodim, Bawaslu, KPU and Kesbangpol are informed.
const REGENCY_RESPONSIBLE: [UnitKind; 1] = [UnitKind::Polres];
const REGENCY_INFORMED: [UnitKind; 4] =
    [UnitKind::Kodim, UnitKind::BawasluKabupaten, UnitKind::KpuKabupaten, UnitKind::Kesbangpol];

/// The units an alert over `villages` goes to, among `units` (candidates; only those whose territory is one of the
/// villages' districts or their regency count): responsible ones first (the Polsek of each district, the Polres),
/// then those informed, each unit once, in code order within each group. When no police unit is registered
/// there, the nearest one above (a Polda) is responsible, so that an alert never goes unowned.
pub fn route_alert(villages: &[RegionCode], units: &[Unit]) -> Vec<Routed> {
    let districts: BTreeSet<RegionCode> = villages.iter().filter_map(|v| v.at_level(Level::District)).collect();
    let regencies: BTreeSet<RegionCode> = villages.iter().filter_map(|v| v.at_level(Level::Regency)).collect();
    let of = |kinds: &[UnitKind], territories: &BTreeSet<RegionCode>| {
        let mut found: Vec<&Unit> =
            units.iter().filter(|u| kinds.contains(&u.kind) && territories.contains(&u.territory)).collect();
        found.sort_by(|a, b| a.code.cmp(&b.code));
        found
    };
    let mut out: Vec<Routed> = Vec::new();
    let mut push = |unit: &Unit, role: RouteRole| {
        if !out.iter().any(|r| r.unit_code == unit.code) {
            out.push(Routed { unit_code: unit.code.clone(), agency: unit.kind.agency(), role });
        }
    };
    let mut responsible = of(&DISTRICT_RESPONSIBLE, &districts);
    responsible.extend(of(&REGENCY_RESPONSIBLE, &regencies));
    if responsible.is_empty() {
        let provinces: BTreeSet<RegionCode> = villages.iter().filter_map(|v| v.at_level(Level::Province)).collect();
        responsible.extend(of(&[UnitKind::Polda], &provinces).into_iter().take(1));
    }
    for unit in responsible {
        push(unit, RouteRole::Responsible);
    }
    for unit in of(&DISTRICT_INFORMED, &districts).into_iter().chain(of(&REGENCY_INFORMED, &regencies)) {
        push(unit, RouteRole::Informed);
    }
    out
}

/// The numbers an alert is explained with.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// How many villages the circle holds.
    pub villages: usize,
    /// The names of their districts, in code order, each once.
    pub districts: Vec<String>,
    /// Reports in the window.
    pub observed: u64,
    /// Days of the window (the last ones of the period).
    pub days: u32,
    /// Observed over expected.
    pub relative_risk: f64,
}

impl Explanation {
    pub fn new(villages: usize, districts: Vec<String>, observed: u64, expected: f64, start: Day, end: Day) -> Self {
        let days = u32::try_from(end.number() - start.number() + 1).unwrap_or(1);
        Explanation { villages, districts, observed, days, relative_risk: relative_risk(observed, expected) }
    }

    /// "4 desa di Kecamatan Muara Sabak Timur: 32 laporan dalam 5 hari terakhir, 3,5× dari biasanya", in the
    /// language asked (Indonesian decimal comma and thousands point).
    pub fn text(&self, lang: Lang) -> String {
        let joined = join(&self.districts, lang);
        let (village_word, day_word, msg) = (
            if self.villages == 1 { Msg::AlertVillageOne } else { Msg::AlertVillageMany },
            if self.days == 1 { Msg::AlertDayOne } else { Msg::AlertDayMany },
            if self.districts.len() > 1 { Msg::AlertExplanationDistricts } else { Msg::AlertExplanation },
        );
        let ratio = if self.relative_risk.is_finite() { lang.decimal(self.relative_risk, 1) } else { "∞".to_owned() };
        lang.format(
            msg,
            &[
                ("villages", &lang.number(self.villages as u64)),
                ("village_word", &lang.t(village_word)),
                ("districts", &joined),
                ("observed", &lang.number(self.observed)),
                ("days", &self.days),
                ("day_word", &lang.t(day_word)),
                ("ratio", &ratio),
            ],
        )
    }
}

/// "A", "A dan B", "A, B dan C" (English: "A and B").
fn join(names: &[String], lang: Lang) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {} {last}", init.join(", "), lang.t(Msg::AlertAnd)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::agency::Contact;

    fn code(text: &str) -> RegionCode {
        RegionCode::parse(text).unwrap()
    }

    fn codes(list: &[&str]) -> Vec<RegionCode> {
        list.iter().map(|c| code(c)).collect()
    }

    #[test]
    fn relative_risk_is_observed_over_expected() {
        assert_eq!(relative_risk(32, 8.0), 4.0);
        assert!((relative_risk(7, 2.0) - 3.5).abs() < 1e-12);
        assert!(relative_risk(1, 0.0).is_infinite());
    }

    #[test]
    fn local_days_follow_the_province_time_zone() {
        // 2024-11-26 17:30 UTC: 00:30 on the 27th in WIB, 01:30 WITA, 02:30 WIT; 16:30 UTC is still the 26th in WIB.
        let at = 1_732_642_200_000;
        let jambi = code("15.07");
        assert_eq!(local_day(at, &jambi).to_string(), "2024-11-27");
        assert_eq!(local_day(at - 3_600_000, &jambi).to_string(), "2024-11-26");
        assert_eq!(local_day(at - 3_600_000, &code("51.71")).to_string(), "2024-11-27", "Bali is WITA");
        assert_eq!(utc_offset_minutes(&code("94.01")), 540, "Papua is WIT");
        assert_eq!(utc_offset_minutes(&code("62.01")), 420, "Central Kalimantan is WIB");
        let day = local_day(at, &jambi);
        assert_eq!(day_start_ms(day, &jambi), 1_732_640_400_000, "midnight WIB");
        assert_eq!(local_day(day_start_ms(day, &jambi), &jambi), day);
        assert_eq!(local_day(day_start_ms(day, &jambi) - 1, &jambi), day.plus(-1));
    }

    #[test]
    fn seeds_are_fixed_per_regency_and_day() {
        let day = Day::parse("2024-11-27").unwrap();
        assert_eq!(run_seed(&code("15.07"), day), run_seed(&code("15.07"), day));
        assert_ne!(run_seed(&code("15.07"), day), run_seed(&code("15.06"), day));
        assert_ne!(run_seed(&code("15.07"), day), run_seed(&code("15.07"), day.plus(1)));
    }

    #[test]
    fn a_cluster_refreshes_the_alert_it_shares_most_villages_with() {
        let active = vec![
            (3, codes(&["15.07.01.2001", "15.07.01.2002"])),
            (5, codes(&["15.07.01.2003", "15.07.01.2004", "15.07.01.2005"])),
            (8, codes(&["15.07.02.2001"])),
        ];
        let clusters = vec![
            codes(&["15.07.01.2004", "15.07.01.2005", "15.07.01.2002"]),
            codes(&["15.07.01.2001"]),
            codes(&["15.07.03.2001"]),
        ];
        let r = reconcile(&active, &clusters);
        // The first shares two villages with 5 and one with 3: it takes 5; the second takes 3; the third is new.
        assert_eq!(r.refreshes, vec![Some(5), Some(3), None]);
        assert_eq!(r.gone, vec![8]);
    }

    #[test]
    fn an_alert_is_refreshed_once_and_ties_go_to_the_older() {
        let active = vec![(4, codes(&["15.07.01.2001"])), (2, codes(&["15.07.01.2002"]))];
        let clusters = vec![codes(&["15.07.01.2001", "15.07.01.2002"]), codes(&["15.07.01.2001"])];
        let r = reconcile(&active, &clusters);
        assert_eq!(r.refreshes, vec![Some(2), Some(4)]);
        assert!(r.gone.is_empty());
        let r = reconcile(&active, &[]);
        assert_eq!(r.gone, vec![4, 2], "nothing found again: every active alert is gone");
        let r = reconcile(&[], &clusters);
        assert_eq!(r.refreshes, vec![None, None]);
    }

    fn unit(kind: UnitKind, territory: &str) -> Unit {
        let territory = code(territory);
        Unit {
            code: Unit::conventional_code(kind, &territory),
            kind,
            name: kind.title().to_owned(),
            territory,
            parent: None,
            contact: Contact::default(),
            personnel: 1,
        }
    }

    #[test]
    fn alerts_go_to_the_police_of_their_districts_and_regency_and_inform_the_others() {
        let units = [
            unit(UnitKind::Polda, "15"),
            unit(UnitKind::Polres, "15.07"),
            unit(UnitKind::BawasluKabupaten, "15.07"),
            unit(UnitKind::KpuKabupaten, "15.07"),
            unit(UnitKind::Polsek, "15.07.01"),
            unit(UnitKind::Panwascam, "15.07.01"),
            unit(UnitKind::Ppk, "15.07.01"),
            unit(UnitKind::Polsek, "15.07.02"),
            unit(UnitKind::Polsek, "15.07.03"),
            unit(UnitKind::Pps, "15.07.01.2001"),
        ];
        let routed = route_alert(&codes(&["15.07.01.2001", "15.07.02.2001"]), &units);
        let got: Vec<(&str, &str)> = routed.iter().map(|r| (r.unit_code.as_str(), r.role.as_str())).collect();
        assert_eq!(
            got,
            vec![
                ("polsek-15.07.01", "responsible"),
                ("polsek-15.07.02", "responsible"),
                ("polres-15.07", "responsible"),
                ("panwascam-15.07.01", "informed"),
                ("bawaslu-kabupaten-15.07", "informed"),
                ("kpu-kabupaten-15.07", "informed"),
            ]
        );
        // Without any police unit of the regency, the Polda owns it.
        let routed = route_alert(&codes(&["15.07.01.2001"]), &[unit(UnitKind::Polda, "15")]);
        assert_eq!(routed.len(), 1);
        assert_eq!((routed[0].unit_code.as_str(), routed[0].role), ("polda-15", RouteRole::Responsible));
    }

    #[test]
    fn explanations_in_plain_language() {
        let start = Day::parse("2024-11-23").unwrap();
        let end = Day::parse("2024-11-27").unwrap();
        let e = Explanation::new(4, vec!["Muara Sabak Timur".into()], 32, 32.0 / 3.5, start, end);
        assert_eq!(
            e.text(Lang::Id),
            "4 desa di Kecamatan Muara Sabak Timur: 32 laporan dalam 5 hari terakhir, 3,5× dari biasanya"
        );
        assert_eq!(
            e.text(Lang::En),
            "4 villages in Muara Sabak Timur district: 32 reports in the last 5 days, 3.5× the usual"
        );
        let e = Explanation::new(1, vec!["A".into(), "B".into(), "C".into()], 1200, 100.0, end, end);
        assert_eq!(
            e.text(Lang::Id),
            "1 desa di Kecamatan A, B dan C: 1.200 laporan dalam 1 hari terakhir, 12,0× dari biasanya"
        );
        assert_eq!(
            e.text(Lang::En),
            "1 village in the districts A, B and C: 1,200 reports in the last 1 day, 12.0× the usual"
        );
    }
}
