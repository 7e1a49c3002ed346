//! Patrol routes (*patroli keliling*) between a district's TPS, through the VRPTW engine (`sinergi-vrptw`).
//!
//! Each patrol team leaves the Polsek no earlier than voting opens and is back by the end of counting plus a
//! margin. Every TPS is visited within the voting and counting hours (default 07:00–18:00, local minutes after
//! midnight), with a service time per visit; a TPS of a class that needs more attention (default: *sangat rawan*,
//! twice) is visited several times, its window split into equal parts, one visit in each (07:00–12:30 and
//! 12:30–18:00 for two). Each visit is one unit of demand; a team's capacity is the most visits it makes.
//!
//! Travel times come from a [`TravelMatrix`] (the straight-line model or the command's own). A TPS that no route
//! can serve — not in the matrix, no connection to or from the Polsek, or too far to arrive in its window and be
//! back in time — is reported with its reason and left out of the problem; the rest is solved with
//! [`sinergi_vrptw::solve`] under the time limit. With `max_iterations` set and a time limit that is not reached,
//! the result is the same for the same seed.

use std::time::Duration;

use sinergi_vrptw::{Node, Params, Problem, SolveError, solve};

use super::PlanTps;
use super::travel::TravelMatrix;
use crate::i18n::{Lang, Msg};

/// How patrols run.
#[derive(Debug, Clone, PartialEq)]
pub struct PatrolConfig {
    /// When voting opens (minutes after midnight, local time): 07:00.
    pub voting_start: u32,
    /// When counting ends: 18:00 (voting closes at 13:00 and counting follows at the TPS).
    pub counting_end: u32,
    /// Minutes teams may take after `counting_end` to be back at the Polsek.
    pub return_margin: u32,
    /// Minutes a team stays at each visit.
    pub service_minutes: u32,
    /// Classes visited more than once, with their number of visits: `sangat_rawan` twice.
    pub repeat: Vec<(String, u32)>,
    pub teams: usize,
    /// The most visits one team makes; `None` for no limit.
    pub visits_per_team: Option<u32>,
    pub time_limit: Duration,
    pub max_iterations: Option<u64>,
    pub seed: u64,
}

impl Default for PatrolConfig {
    fn default() -> PatrolConfig {
        PatrolConfig {
            voting_start: 7 * 60,
            counting_end: 18 * 60,
            return_margin: 60,
            service_minutes: 15,
            repeat: vec![("sangat_rawan".to_owned(), 2)],
            teams: 2,
            visits_per_team: None,
            time_limit: Duration::from_secs(10),
            max_iterations: None,
            seed: 0,
        }
    }
}

/// `HH:MM` of minutes after midnight (rounded to the minute).
pub fn clock(minutes: f64) -> String {
    let m = minutes.max(0.0).round() as u64;
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// Why a TPS cannot be patrolled.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Unvisitable {
    #[error("not in the travel-time matrix")]
    NotInMatrix,
    #[error("no connection from or back to the Polsek")]
    NoRoute,
    #[error("too far: {to_minutes:.0} min there and {back_minutes:.0} min back do not fit the patrol hours")]
    TooFar { to_minutes: f64, back_minutes: f64 },
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PatrolError {
    #[error("the Polsek `{0}` is not in the travel-time matrix")]
    DepotNotInMatrix(String),
    #[error("at least one patrol team is needed")]
    NoTeams,
    #[error("counting ends ({end}) before voting opens ({start})")]
    BadHours { start: String, end: String },
    #[error("class `{0}` is repeated 0 times: every TPS is visited at least once")]
    ZeroVisits(String),
    #[error("visits per team must be at least 1")]
    ZeroCapacity,
    #[error("the routing problem is not valid: {0}")]
    Problem(String),
    #[error(
        "no patrol plan serves every TPS in its window with {teams} teams: add teams or widen the hours ({detail})"
    )]
    NoPlan { teams: usize, detail: String },
}

impl PatrolError {
    /// In the user's language (the solver's own detail of `NoPlan` is left to the English text and the logs).
    pub fn message(&self, lang: Lang) -> String {
        match self {
            PatrolError::DepotNotInMatrix(unit) => lang.format(Msg::PatrolDepotNotInMatrix, &[("unit", unit)]),
            PatrolError::NoTeams => lang.t(Msg::PatrolNoTeams).to_owned(),
            PatrolError::BadHours { start, end } => lang.format(Msg::PatrolBadHours, &[("start", start), ("end", end)]),
            PatrolError::ZeroVisits(class) => lang.format(Msg::PatrolZeroVisits, &[("class", class)]),
            PatrolError::ZeroCapacity => lang.t(Msg::PatrolZeroCapacity).to_owned(),
            PatrolError::Problem(_) => lang.t(Msg::PatrolBadProblem).to_owned(),
            PatrolError::NoPlan { teams, .. } => lang.format(Msg::PatrolNoPlan, &[("teams", teams)]),
        }
    }
}

/// A visit of a route.
#[derive(Debug, Clone, PartialEq)]
pub struct Stop {
    pub tps: String,
    /// Which visit of this TPS (1-based).
    pub visit: u32,
    /// Minutes after midnight.
    pub arrive: f64,
    pub start: f64,
    pub leave: f64,
}

/// One team's route.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// 1-based.
    pub team: usize,
    pub leave_depot: f64,
    pub stops: Vec<Stop>,
    pub back: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PatrolPlan {
    /// Non-empty routes, numbered from 1.
    pub routes: Vec<Route>,
    /// TPS left out, in the order given, with their reason.
    pub unvisitable: Vec<(String, Unvisitable)>,
    /// Total travel minutes of all routes.
    pub travel_minutes: f64,
}

struct Visit {
    tps: usize,
    matrix: usize,
    number: u32,
    ready: f64,
    due: f64,
}

/// Plans the patrols of one district from its Polsek (`depot`, an id of the matrix).
pub fn plan_patrol(
    tps: &[PlanTps],
    depot: &str,
    matrix: &TravelMatrix,
    config: &PatrolConfig,
) -> Result<PatrolPlan, PatrolError> {
    if config.teams == 0 {
        return Err(PatrolError::NoTeams);
    }
    if config.counting_end <= config.voting_start {
        return Err(PatrolError::BadHours {
            start: clock(f64::from(config.voting_start)),
            end: clock(f64::from(config.counting_end)),
        });
    }
    if let Some((class, _)) = config.repeat.iter().find(|(_, n)| *n == 0) {
        return Err(PatrolError::ZeroVisits(class.clone()));
    }
    if config.visits_per_team == Some(0) {
        return Err(PatrolError::ZeroCapacity);
    }
    let d = matrix.index(depot).ok_or_else(|| PatrolError::DepotNotInMatrix(depot.to_owned()))?;
    let start = f64::from(config.voting_start);
    let end = f64::from(config.counting_end);
    let home_by = end + f64::from(config.return_margin);
    let service = f64::from(config.service_minutes);
    let mut unvisitable = Vec::new();
    let mut visits: Vec<Visit> = Vec::new();
    for (i, t) in tps.iter().enumerate() {
        let Some(m) = matrix.index(&t.id) else {
            unvisitable.push((t.id.clone(), Unvisitable::NotInMatrix));
            continue;
        };
        let (to, back) = (matrix.at(d, m), matrix.at(m, d));
        if !to.is_finite() || !back.is_finite() {
            unvisitable.push((t.id.clone(), Unvisitable::NoRoute));
            continue;
        }
        let times = config.repeat.iter().find(|(c, _)| *c == t.class).map_or(1, |(_, n)| *n);
        let part = (end - start) / f64::from(times);
        // Each visit must be reachable in its own window and leave time to get home.
        let fits = (0..times).all(|k| {
            let due = start + part * f64::from(k + 1);
            let arrive = (start + to).max(start + part * f64::from(k));
            arrive <= due && arrive + service + back <= home_by
        });
        if !fits {
            unvisitable.push((t.id.clone(), Unvisitable::TooFar { to_minutes: to, back_minutes: back }));
            continue;
        }
        for k in 0..times {
            let ready = start + part * f64::from(k);
            visits.push(Visit { tps: i, matrix: m, number: k + 1, ready, due: ready + part });
        }
    }
    if visits.is_empty() {
        return Ok(PatrolPlan { routes: Vec::new(), unvisitable, travel_minutes: 0.0 });
    }
    // Node 0 is the Polsek; node k the k-th visit. Pairs without a connection get a time no route can afford.
    let nodes_at: Vec<usize> = std::iter::once(d).chain(visits.iter().map(|v| v.matrix)).collect();
    let unaffordable = (home_by - start + service) * 10.0 + 1.0;
    let n = nodes_at.len();
    let mut time = vec![0.0; n * n];
    for (a, &ma) in nodes_at.iter().enumerate() {
        for (b, &mb) in nodes_at.iter().enumerate() {
            let t = if ma == mb { 0.0 } else { matrix.at(ma, mb) };
            time[a * n + b] = if t.is_finite() { t } else { unaffordable };
        }
    }
    let mut nodes = vec![Node { id: 0, demand: 0, ready: start, due: home_by, service: 0.0 }];
    for (k, v) in visits.iter().enumerate() {
        nodes.push(Node { id: k + 1, demand: 1, ready: v.ready, due: v.due, service });
    }
    let capacity = config.visits_per_team.unwrap_or(u32::try_from(visits.len()).unwrap_or(u32::MAX));
    let problem = Problem::new(format!("patrol {depot}"), nodes, time.clone(), time.clone(), capacity, config.teams)
        .map_err(|e| PatrolError::Problem(e.to_string()))?;
    let params = Params {
        time_limit: config.time_limit,
        seed: config.seed,
        max_iterations: config.max_iterations,
        ..Params::default()
    };
    let solution = solve(&problem, &params).map_err(|e| match e {
        SolveError::NoFeasibleSolution { .. } => PatrolError::NoPlan { teams: config.teams, detail: e.to_string() },
        SolveError::InvalidParams(_) => PatrolError::Problem(e.to_string()),
    })?;
    let mut routes = Vec::new();
    let mut travel = 0.0;
    for nodes_of_route in solution.routes.iter().filter(|r| !r.is_empty()) {
        let mut at = 0usize;
        let mut clock_now = start;
        let mut stops = Vec::new();
        for &node in nodes_of_route {
            let Some(v) = node.checked_sub(1).and_then(|k| visits.get(k)) else { continue };
            let leg = time[at * n + node];
            travel += leg;
            let arrive = clock_now + leg;
            let begin = arrive.max(v.ready);
            let leave = begin + service;
            stops.push(Stop { tps: tps[v.tps].id.clone(), visit: v.number, arrive, start: begin, leave });
            clock_now = leave;
            at = node;
        }
        let leg = time[at * n];
        travel += leg;
        routes.push(Route { team: routes.len() + 1, leave_depot: start, stops, back: clock_now + leg });
    }
    Ok(PatrolPlan { routes, unvisitable, travel_minutes: travel })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deployment::fixtures::tps;
    use crate::deployment::travel::{Place, TravelModel};
    use crate::registry::tps::AccessMode;

    fn config(teams: usize) -> PatrolConfig {
        PatrolConfig {
            teams,
            max_iterations: Some(200),
            time_limit: Duration::from_secs(30),
            ..PatrolConfig::default()
        }
    }

    /// A Polsek and six TPS around it, a few kilometres apart; TPS 4 is sangat rawan; TPS 5 by river.
    fn district() -> (Vec<PlanTps>, TravelMatrix) {
        let spots =
            [(-1.00, 104.00), (-1.02, 104.01), (-0.98, 104.02), (-1.01, 103.98), (-1.03, 103.99), (-0.99, 103.97)];
        let mut list: Vec<PlanTps> = spots
            .iter()
            .enumerate()
            .map(|(i, at)| {
                tps(&format!("tps-{i}"), 1, 1, if i == 4 { "sangat_rawan" } else { "kurang_rawan" }, Some(*at))
            })
            .collect();
        list[5].access = AccessMode::River;
        let mut places = vec![Place {
            id: "polsek".into(),
            location: crate::geo::LatLng::new(-1.0, 104.0),
            access: AccessMode::Road,
        }];
        places.extend(list.iter().map(|t| Place { id: t.id.clone(), location: t.location.unwrap(), access: t.access }));
        (list, TravelMatrix::from_model(&places, &TravelModel::default()).unwrap())
    }

    #[test]
    fn every_tps_is_visited_in_its_window_and_sangat_rawan_twice() {
        let (list, matrix) = district();
        let plan = plan_patrol(&list, "polsek", &matrix, &config(2)).unwrap();
        assert!(plan.unvisitable.is_empty());
        let stops: Vec<&Stop> = plan.routes.iter().flat_map(|r| &r.stops).collect();
        assert_eq!(stops.len(), 7);
        for t in &list {
            let visits: Vec<&&Stop> = stops.iter().filter(|s| s.tps == t.id).collect();
            assert_eq!(visits.len(), if t.class == "sangat_rawan" { 2 } else { 1 }, "{}", t.id);
        }
        let grave: Vec<&&Stop> = stops.iter().filter(|s| s.tps == "tps-4").collect();
        let halfway = (7.0 * 60.0 + 18.0 * 60.0) / 2.0;
        for s in grave {
            if s.visit == 1 { assert!(s.start <= halfway) } else { assert!(s.start >= halfway) }
        }
        for route in &plan.routes {
            let mut now = route.leave_depot;
            for s in &route.stops {
                assert!(s.arrive >= now && s.start >= s.arrive && (s.start >= 420.0) && s.start <= 1080.0 + 1e-6);
                assert_eq!(s.leave, s.start + 15.0);
                now = s.leave;
            }
            assert!(route.back >= now && route.back <= 1140.0 + 1e-6);
        }
        assert!(plan.travel_minutes > 0.0);
        assert_eq!(clock(plan.routes[0].leave_depot), "07:00");
        // The same seed and iterations give the same plan.
        assert_eq!(plan, plan_patrol(&list, "polsek", &matrix, &config(2)).unwrap());
    }

    #[test]
    fn tps_that_cannot_be_served_are_reported_with_their_reason() {
        let (mut list, matrix) = district();
        list.push(tps("tps-9", 1, 1, "kurang_rawan", None));
        // Cut tps-1 from the Polsek, and make tps-2 15 hours away.
        let mut csv = format!("id,{}\n", matrix.ids().join(","));
        for (i, from) in matrix.ids().iter().enumerate() {
            csv.push_str(from);
            for (j, to) in matrix.ids().iter().enumerate() {
                let v = match (from.as_str(), to.as_str()) {
                    ("polsek", "tps-1") | ("tps-1", "polsek") => "-".to_owned(),
                    ("polsek", "tps-2") => "900".to_owned(),
                    _ => matrix.at(i, j).to_string(),
                };
                csv.push(',');
                csv.push_str(&v);
            }
            csv.push('\n');
        }
        let cut = TravelMatrix::from_csv(&csv).unwrap();
        let plan = plan_patrol(&list, "polsek", &cut, &config(2)).unwrap();
        let reasons: Vec<(&str, String)> =
            plan.unvisitable.iter().map(|(id, r)| (id.as_str(), r.to_string())).collect();
        assert_eq!(reasons[0], ("tps-1", "no connection from or back to the Polsek".to_owned()));
        assert!(matches!(plan.unvisitable[1], (ref id, Unvisitable::TooFar { .. }) if id == "tps-2"));
        assert_eq!(reasons[2], ("tps-9", "not in the travel-time matrix".to_owned()));
        assert_eq!(plan.routes.iter().map(|r| r.stops.len()).sum::<usize>(), 5);
    }

    #[test]
    fn bad_settings_are_refused() {
        let (list, matrix) = district();
        assert_eq!(
            plan_patrol(&list, "polres", &matrix, &config(1)),
            Err(PatrolError::DepotNotInMatrix("polres".into()))
        );
        assert_eq!(plan_patrol(&list, "polsek", &matrix, &config(0)), Err(PatrolError::NoTeams));
        let late = PatrolConfig { voting_start: 13 * 60, counting_end: 7 * 60, ..config(1) };
        assert_eq!(
            plan_patrol(&list, "polsek", &matrix, &late).unwrap_err().to_string(),
            "counting ends (07:00) before voting opens (13:00)"
        );
        let zero = PatrolConfig { repeat: vec![("rawan".into(), 0)], ..config(1) };
        assert_eq!(plan_patrol(&list, "polsek", &matrix, &zero), Err(PatrolError::ZeroVisits("rawan".into())));
        let none = PatrolConfig { visits_per_team: Some(0), ..config(1) };
        assert_eq!(plan_patrol(&list, "polsek", &matrix, &none), Err(PatrolError::ZeroCapacity));
        // One team of at most two visits cannot make seven.
        let small = PatrolConfig { visits_per_team: Some(2), ..config(1) };
        assert!(matches!(plan_patrol(&list, "polsek", &matrix, &small), Err(PatrolError::NoPlan { teams: 1, .. })));
        assert_eq!(plan_patrol(&[], "polsek", &matrix, &config(1)).unwrap().routes, vec![]);
    }
}
