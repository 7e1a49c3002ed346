use proptest::prelude::*;

use super::engine::{Circles, Count, Model, Sampler};
use super::files::{InputProblem, match_cases, read_cases, read_zones};
use super::*;
use crate::import::Problem;
use crate::rng::SplitMix64;

fn day(text: &str) -> Day {
    Day::parse(text).unwrap_or_else(|| panic!("{text} is a date"))
}

fn zone(code: &str, lat: f64, lng: f64) -> Zone {
    Zone { code: RegionCode::parse(code).unwrap_or_else(|e| panic!("{code}: {e}")), centroid: LatLng::new(lat, lng) }
}

/// `count` cases of zone `zone` on `on`.
fn cases(list: &[(usize, &str, usize)]) -> Vec<Case> {
    list.iter().flat_map(|&(zone, on, count)| std::iter::repeat_n(Case { zone, day: day(on) }, count)).collect()
}

fn params(max_days: u32, replications: u32) -> ScanParams {
    ScanParams { max_days, replications, ..ScanParams::default() }
}

fn quiet() {}

fn run(zones: &[Zone], cases: &[Case], start: &str, end: &str, params: &ScanParams) -> ScanOutcome {
    let period = Period { start: day(start), end: day(end) };
    scan(zones, cases, period, params, 1, &quiet).unwrap_or_else(|e| panic!("scan failed: {e}"))
}

fn codes(zones: &[Zone], indices: &[usize]) -> Vec<String> {
    indices.iter().map(|&i| zones[i].code.to_string()).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

// Days

#[test]
fn days_are_calendar_dates() {
    assert_eq!(day("1970-01-01").number(), 0);
    assert_eq!(day("2000-03-01").number(), 11_017);
    assert_eq!(day("2024-02-29").to_string(), "2024-02-29");
    assert_eq!(day("2024-02-28").plus(1), day("2024-02-29"));
    assert_eq!(day("2024-02-29").plus(1), day("2024-03-01"));
    assert_eq!(day("2023-12-31").plus(1), day("2024-01-01"));
    for bad in
        ["2024-02-30", "2023-02-29", "2100-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "2024-2-3", " 2024-02-03"]
    {
        assert_eq!(Day::parse(bad), None, "{bad:?} is not a calendar date");
    }
    for bad in ["", "2024-02-03 10:00", "2024/02/03", "0000-01-01", "２０２４-02-03", "2024-02-0x"] {
        assert_eq!(Day::parse(bad), None, "{bad:?}");
    }
}

proptest! {
    #[test]
    fn days_round_trip_through_text(number in -700_000i32..2_900_000) {
        let d = Day(number);
        let (y, m, dd) = d.ymd();
        prop_assume!((1..=9999).contains(&y));
        prop_assert_eq!(Day::from_ymd(y, m, dd), Some(d));
        prop_assert_eq!(Day::parse(&d.to_string()), Some(d));
        // The next day is the next date: the day of month advances, or a new month starts on the 1st.
        let (_, m2, d2) = d.plus(1).ymd();
        prop_assert!((m2 == m && d2 == dd + 1) || d2 == 1);
    }
}

// The log-likelihood ratio

#[test]
fn llr_by_hand() {
    // 3 observed, 1.5 expected out of 8: 3 ln 2 + 5 ln(5/6.5) = 2.0794415 − 1.3118213.
    assert!(close(llr(3, 8, 1.5, 2), 0.767_620_219_342_380_7));
    // Every case inside: the outside term is 0 (x ln x → 0).
    assert!(close(llr(8, 8, 4.0, 2), 8.0 * 2f64.ln()));
    assert_eq!(llr(1, 8, 0.5, 2), 0.0, "fewer than min_cases");
    assert_eq!(llr(2, 8, 2.0, 2), 0.0, "not above the expectation");
    assert_eq!(llr(2, 8, 2.5, 0), 0.0, "below the expectation");
    assert_eq!(llr(3, 8, f64::NAN, 2), 0.0);
}

proptest! {
    #[test]
    fn llr_is_never_negative(n in 1u64..100_000, c_share in 0.0f64..=1.0, mu_share in 0.0001f64..0.9999, min in 0u64..5) {
        let c = (c_share * n as f64) as u64;
        let value = llr(c, n, mu_share * n as f64, min);
        prop_assert!(value >= 0.0 && value.is_finite(), "llr({c}, {n}, ..) = {value}");
    }

    #[test]
    fn llr_grows_with_the_observed_count(n in 10u64..10_000, mu_share in 0.001f64..0.5) {
        let mu = mu_share * n as f64;
        let first = (mu.floor() as u64 + 1).max(2);
        let mut previous = 0.0;
        for c in first..=n.min(first + 200) {
            let value = llr(c, n, mu, 2);
            prop_assert!(value > previous, "llr({c}) = {value} after {previous} (mu {mu}, n {n})");
            previous = value;
        }
    }

    #[test]
    fn p_values_lie_in_zero_one(maxima in proptest::collection::vec(0.0f64..30.0, 1..200), value in 0.0f64..40.0) {
        let p = p_value(value, &maxima);
        prop_assert!(p > 0.0 && p <= 1.0);
        prop_assert!(p >= 1.0 / (maxima.len() + 1) as f64);
        if let Some(g) = Gumbel::fit(&maxima) {
            let q = g.p_value(value);
            prop_assert!((0.0..=1.0).contains(&q), "gumbel p {q}");
            prop_assert!(g.p_value(value + 1.0) <= q, "decreasing in the LLR");
        }
    }
}

#[test]
fn p_value_counts_maxima_reaching_the_llr() {
    let maxima = [1.0, 2.0, 3.0, 4.0];
    assert!(close(p_value(3.0, &maxima), 3.0 / 5.0), "3.0 and 4.0 reach 3.0");
    assert!(close(p_value(3.0 + 1e-12, &maxima), 3.0 / 5.0), "within 1e-9 counts as reaching");
    assert!(close(p_value(4.5, &maxima), 1.0 / 5.0));
    assert!(close(p_value(0.0, &maxima), 1.0));
}

#[test]
fn gumbel_fit_by_moments_with_variance_over_r() {
    // Mean 2.5, variance (2.25 + 0.25 + 0.25 + 2.25)/4 = 1.25 (over R, not R − 1).
    let g = Gumbel::fit(&[1.0, 2.0, 3.0, 4.0]).expect("a fit");
    let scale = (6.0f64 * 1.25).sqrt() / std::f64::consts::PI;
    assert!(close(g.scale, scale), "{g:?}");
    assert!(close(g.location, 2.5 - 0.577_215_664_9 * scale), "{g:?}");
    // At the location: 1 − e^(−1).
    assert!(close(g.p_value(g.location), 1.0 - (-1f64).exp()));
    // Far out the p-value keeps its digits instead of rounding to 0: about exp(−z).
    let far = g.location + 50.0 * g.scale;
    let p = g.p_value(far);
    assert!(p > 0.0 && ((p - (-50f64).exp()) / p).abs() < 1e-9, "{p}");
    assert_eq!(Gumbel::fit(&[2.0, 2.0, 2.0]), None, "no spread, no Gumbel");
    assert_eq!(Gumbel::fit(&[]), None);
}

// Small scans computed by hand

/// Three villages on a parallel at 6° S: A at 106.00° E, B at 106.01°, C at 106.03° (A–B 1.106 km, B–C 2.212 km).
fn line_of_three() -> Vec<Zone> {
    vec![zone("33.20.01.2001", -6.0, 106.00), zone("33.20.01.2002", -6.0, 106.01), zone("33.20.01.2003", -6.0, 106.03)]
}

#[test]
fn three_villages_by_hand() {
    let zones = line_of_three();
    // Days d0 = 1 March, d1 = 2 March, d2 = 3 March 2024; one case before the period.
    // A: d1, d2, d2, d2 (4 cases). B: d0, d0 (2). C: d0, d1 (2). N = 8; per day 3, 2, 3.
    let list = cases(&[
        (0, "2024-03-02", 1),
        (0, "2024-03-03", 3),
        (1, "2024-03-01", 2),
        (2, "2024-03-01", 1),
        (2, "2024-03-02", 1),
        (1, "2024-02-29", 1),
    ]);
    let outcome = run(&zones, &list, "2024-03-01", "2024-03-03", &params(2, 99));
    assert_eq!((outcome.cases_used, outcome.cases_left_out, outcome.max_days), (8, 1, 2));

    // Circles (at most 0.5 × 8 = 4 cases): A alone (adding B makes 6); B alone (adding A makes 6); C alone and
    // C+B (4; adding A makes 8).
    let totals = [4, 2, 2];
    let circles = Circles::build(&zones, &totals, 8, 10.0, 0.5);
    assert_eq!(circles.start, [0, 1, 2, 4]);
    assert_eq!(circles.members, [0, 1, 2, 1]);
    assert_eq!(circles.cases, [4, 2, 2, 4]);
    assert!((circles.radius[3] - 2.211_718_8).abs() < 1e-6, "{}", circles.radius[3]);

    // Windows: the last day (3 cases, share 3/8) and the last two days (5 cases, share 5/8).
    // A, 1 day: c = 3, mu = 4 × 3/8 = 1.5, LLR = 3 ln 2 + 5 ln(5/6.5) = 0.7676202.
    // A, 2 days: c = 4, mu = 4 × 5/8 = 2.5, LLR = 4 ln 1.6 + 4 ln(4/5.5) = 0.6061996.
    // B: no case on the last two days. C, 2 days: c = 1 < min_cases. C+B, 2 days: c = 1. All 0.
    assert_eq!(outcome.clusters.len(), 1, "{:?}", outcome.clusters);
    let best = &outcome.clusters[0];
    assert_eq!(codes(&zones, &best.zones), ["33.20.01.2001"]);
    assert_eq!((best.center, best.radius_km), (0, 0.0));
    assert_eq!((best.start_day, best.end_day), (day("2024-03-03"), day("2024-03-03")));
    assert_eq!(best.observed, 3);
    assert!(close(best.expected, 1.5));
    assert!(close(best.llr, 0.767_620_219_342_380_7), "{}", best.llr);
    assert!(best.p_value > 0.0 && best.p_value <= 1.0);
    assert_eq!(outcome.replicate_maxima.len(), 99);
}

#[test]
fn ties_go_to_the_smaller_circle_the_shorter_window_and_the_lower_code() {
    // Two pairs on a parallel: A–B 1.1 km apart, C–D likewise, B–C 4.4 km; E has no cases and lies 0.11 km from A.
    let zones = vec![
        zone("33.20.01.2001", -6.0, 106.00),
        zone("33.20.01.2002", -6.0, 106.01),
        zone("33.20.01.2003", -6.0, 106.05),
        zone("33.20.01.2004", -6.0, 106.06),
        zone("33.20.01.2005", -6.0, 106.001),
    ];
    // 1 March: B 3, D 3. 2 March: none. 3 March: A 3, C 3. N = 12; the last day and the last two days both hold
    // 6 cases (share 1/2).
    let list = cases(&[(1, "2024-03-01", 3), (3, "2024-03-01", 3), (0, "2024-03-03", 3), (2, "2024-03-03", 3)]);
    let outcome = run(&zones, &list, "2024-03-01", "2024-03-03", &params(2, 99));
    // A alone: c = 3, mu = 3 × 1/2 = 1.5, LLR = 3 ln 2 + 9 ln(9/10.5) = 2.0794415 − 1.3873561 = 0.6920854,
    // for both windows; A+E has the same counts. The smaller circle and the shorter window win: A alone, 3 March.
    // C alone ties with A exactly (same counts); A has the lower code, so it is the most likely cluster and C the
    // secondary. E's best (E+A, the same LLR, two villages) ranks after both and overlaps A, so it is not kept.
    let found: Vec<(Vec<String>, Day, u64)> =
        outcome.clusters.iter().map(|c| (codes(&zones, &c.zones), c.start_day, c.observed)).collect();
    assert_eq!(
        found,
        [
            (vec!["33.20.01.2001".to_owned()], day("2024-03-03"), 3),
            (vec!["33.20.01.2003".to_owned()], day("2024-03-03"), 3)
        ]
    );
    for cluster in &outcome.clusters {
        assert!(close(cluster.llr, 0.692_085_423_234_510_6), "{}", cluster.llr);
        assert!(close(cluster.expected, 1.5));
        assert_eq!(cluster.end_day, day("2024-03-03"));
    }
    assert_eq!(outcome.most_likely().map(|c| c.center), Some(0));
    assert_eq!(outcome.secondary().len(), 1);
    // Both clusters are tested against the same maxima, so equal LLRs get equal p-values.
    assert_eq!(outcome.clusters[0].p_value, outcome.clusters[1].p_value);
}

#[test]
fn a_circle_stops_at_the_first_village_that_breaks_a_limit() {
    // From the centre: villages about 1 km, 2 km and 2.3 km away, and one 12 km away.
    let km = |x: f64| 106.0 + x / 110.57;
    let zones = vec![
        zone("33.20.01.2001", -6.0, km(0.0)),
        zone("33.20.01.2003", -6.0, km(2.0)),
        zone("33.20.01.2002", -6.0, km(1.0)),
        zone("33.20.02.2001", -6.0, km(12.0)),
        zone("33.20.01.2004", -5.99, km(2.0)),
    ];
    let of_centre = |c: &Circles| c.members[c.start[0]..c.start[1]].to_vec();
    // The radius alone: everything within 10 km, nearest first; the village 12 km away is never reached.
    assert_eq!(of_centre(&Circles::build(&zones, &[1, 1, 1, 1, 1], 100, 10.0, 0.5)), [0, 2, 1, 4]);
    // The fraction: with N = 10 a circle holds at most 5 cases. The village 2 km away brings the circle to 6, so
    // growth stops there, though the next village (no cases) would have fitted.
    assert_eq!(of_centre(&Circles::build(&zones, &[1, 4, 1, 0, 0], 10, 10.0, 0.5)), [0, 2]);
    // Both limits are inclusive: exactly 5 of 10 cases, and a village exactly at the radius.
    assert_eq!(of_centre(&Circles::build(&zones, &[1, 4, 0, 0, 0], 10, 10.0, 0.5)), [0, 2, 1, 4]);
    assert_eq!(of_centre(&Circles::build(&zones, &[1, 4, 0, 0, 0], 10, 10.0, 0.45)), [0, 2]);
    let exact = zones[0].centroid.distance_km(&zones[1].centroid);
    assert_eq!(of_centre(&Circles::build(&zones, &[1, 1, 1, 1, 1], 100, exact, 0.5)), [0, 2, 1]);
    // A radius of 0 leaves each village alone.
    assert_eq!(of_centre(&Circles::build(&zones, &[1, 1, 1, 1, 1], 100, 0.0, 0.5)), [0]);
    // A centre holding more than the fraction by itself has no circle.
    assert_eq!(of_centre(&Circles::build(&zones, &[6, 1, 1, 1, 1], 10, 10.0, 0.5)), Vec::<u32>::new());
    // The radius of each circle is the distance to the member that closes it.
    let circles = Circles::build(&zones, &[1, 1, 1, 1, 1], 100, 10.0, 0.5);
    assert!((circles.radius[2] - 2.0).abs() < 0.01, "{}", circles.radius[2]);
    assert_eq!(&circles.cases[..4], [1, 2, 3, 4]);
}

// Random data: a regency-like area

/// `villages` on a jittered grid over about `side_km` × `side_km` near 7° S 110° E, and `n` cases uniformly over
/// villages and the days of `period`.
fn synthetic(villages: usize, side_km: f64, n: usize, days: u32, seed: u64) -> (Vec<Zone>, Vec<Case>, Period) {
    let mut rng = SplitMix64::new(seed);
    let per_side = (villages as f64).sqrt().ceil() as usize;
    let step = side_km / per_side as f64 / 111.0;
    let zones: Vec<Zone> = (0..villages)
        .map(|i| {
            let (row, col) = (i / per_side, i % per_side);
            let lat = -7.0 + (row as f64 + rng.next_f64()) * step;
            let lng = 110.0 + (col as f64 + rng.next_f64()) * step;
            zone(&format!("33.20.{:02}.{:04}", 1 + i / 100, 2001 + i % 100), lat, lng)
        })
        .collect();
    let start = day("2024-01-01");
    let period = Period { start, end: start.plus(days as i32 - 1) };
    let cases = (0..n)
        .map(|_| Case { zone: rng.below(villages as u64) as usize, day: start.plus(rng.below(u64::from(days)) as i32) })
        .collect();
    (zones, cases, period)
}

/// Cases per zone on the last w + 1 days, counted naively, in the model's layout.
fn window_counts(model: &Model, cases: &[Case], zones: usize, period: Period) -> Vec<Count> {
    let mut counts = model.empty_counts(zones);
    for case in cases {
        let back = (period.end.number() - case.day.number()) as usize;
        for w in back..model.windows() {
            counts[case.zone * model.stride() + w] += 1;
        }
    }
    counts
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// The pruned maximum used for replications is exactly the maximum of the full evaluation.
    #[test]
    fn the_fast_maximum_is_the_maximum(
        seed in any::<u64>(),
        villages in 2usize..60,
        n in 2usize..400,
        days in 1u32..12,
        max_days in 1u32..8,
        radius in 0.0f64..15.0,
        fraction in 0.05f64..=0.5,
        min_cases in 0u64..4,
    ) {
        let (zones, cases, period) = synthetic(villages, 30.0, n, days, seed);
        let params = ScanParams { max_radius_km: radius, max_fraction: fraction, max_days, min_cases, ..ScanParams::default() };
        let model = Model::new(&zones, &cases, period, &params);
        let counts = window_counts(&model, &cases, zones.len(), period);
        let full = model.best_per_centre(&counts).iter().flatten().map(|b| b.llr).fold(0.0, f64::max);
        let fast = model.max_llr(&counts);
        prop_assert_eq!(full, fast);
    }

    /// The screened search finds the exact maximum whenever it reaches the level, and says so when it does not.
    #[test]
    fn the_screened_maximum_is_the_maximum(
        seed in any::<u64>(),
        villages in 2usize..60,
        n in 2usize..400,
        days in 1u32..12,
        max_days in 1u32..8,
        min_cases in 0u64..4,
        level in 0.01f64..8.0,
        threads in 1usize..4,
    ) {
        let (zones, cases, period) = synthetic(villages, 30.0, n, days, seed);
        let params = ScanParams { max_days, min_cases, ..ScanParams::default() };
        let model = Model::new(&zones, &cases, period, &params);
        let counts = window_counts(&model, &cases, zones.len(), period);
        let full = model.max_llr(&counts);
        let thresholds = model.thresholds(level, threads);
        prop_assert_eq!(&thresholds, &model.thresholds(level, 1), "thresholds do not depend on the threads");
        match model.max_llr_reaching(&counts, &thresholds, level) {
            Some(screened) => prop_assert_eq!(screened, full),
            None => prop_assert!(full < level, "missed {full} ≥ {level}"),
        }
    }

    /// A replication permutes the days among the cases: every zone keeps its total and every day its total.
    #[test]
    fn permutation_keeps_the_margins(seed in any::<u64>(), villages in 1usize..30, n in 1usize..300, days in 1u32..10) {
        // Each zone keeps its cases over the whole period and each day its cases over all zones.
        let (zones, cases, period) = synthetic(villages, 20.0, n, days, seed);
        let windows = days as usize;
        // With windows covering the whole period every case gets a day: a full permutation.
        let mut sampler = Sampler::new(&cases, zones.len(), period.end, windows);
        let mut counts = vec![0 as Count; zones.len() * windows];
        sampler.draw(&mut SplitMix64::stream(seed, 0), &mut counts, windows);
        let mut zone_totals = vec![0 as Count; zones.len()];
        let mut day_totals = vec![0 as Count; windows];
        for case in &cases {
            zone_totals[case.zone] += 1;
            day_totals[(period.end.number() - case.day.number()) as usize] += 1;
        }
        for z in 0..zones.len() {
            prop_assert_eq!(counts[z * windows..(z + 1) * windows].iter().sum::<Count>(), zone_totals[z]);
        }
        for (w, &total) in day_totals.iter().enumerate() {
            prop_assert_eq!((0..zones.len()).map(|z| counts[z * windows + w]).sum::<Count>(), total);
        }
        // With a shorter window only its days are handed out, still each day's total, never more than a zone has;
        // one day of several is drawn by redrawing taken cases, half the period by the shuffle.
        let short = if seed % 2 == 0 { 1 } else { windows.div_ceil(2) };
        let mut sampler = Sampler::new(&cases, zones.len(), period.end, short);
        let mut counts = vec![0 as Count; zones.len() * short];
        sampler.draw(&mut SplitMix64::stream(seed, 1), &mut counts, short);
        for (w, &total) in day_totals.iter().take(short).enumerate() {
            prop_assert_eq!((0..zones.len()).map(|z| counts[z * short + w]).sum::<Count>(), total);
        }
        for z in 0..zones.len() {
            prop_assert!(counts[z * short..(z + 1) * short].iter().sum::<Count>() <= zone_totals[z]);
        }
    }
}

proptest! {
    /// Drawing positions stands for drawing cases: position p is the p-th case in zone order, whatever the sizes of
    /// the zones (empty ones, ones larger than a block of positions, many small ones in one block).
    #[test]
    fn positions_map_to_the_cases_in_zone_order(
        sizes in proptest::collection::vec(prop_oneof![Just(0usize), 1usize..4, 1usize..3000], 1..300),
    ) {
        let day = day("2024-03-01");
        let cases: Vec<Case> =
            sizes.iter().enumerate().flat_map(|(zone, &n)| std::iter::repeat_n(Case { zone, day }, n)).collect();
        prop_assume!(!cases.is_empty());
        // A period of 10 days with every case on its first: no case in a one-day window, so the sampler takes the
        // path that draws positions.
        let sampler = Sampler::new(&cases, sizes.len(), day.plus(9), 1);
        for (p, case) in cases.iter().enumerate() {
            prop_assert_eq!(sampler.zone_at(p as u32), case.zone, "position {}", p);
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_scan_whatever_the_threads() {
    let (zones, cases, period) = synthetic(200, 40.0, 3000, 30, 7);
    let params = ScanParams { replications: 199, seed: 42, ..ScanParams::default() };
    let one = scan(&zones, &cases, period, &params, 1, &quiet).expect("scan");
    let two = scan(&zones, &cases, period, &params, 2, &quiet).expect("scan");
    let three = scan(&zones, &cases, period, &params, 3, &quiet).expect("scan");
    assert_eq!(one, two);
    assert_eq!(one, three);
    assert_eq!(one.replicate_maxima.len(), 199);
    assert!(one.replicate_maxima.iter().all(|m| *m > 0.0));
    let other = scan(&zones, &cases, period, &ScanParams { seed: 43, ..params }, 2, &quiet).expect("scan");
    assert_ne!(one.replicate_maxima, other.replicate_maxima);
    assert_eq!(
        one.clusters.iter().map(|c| c.llr).collect::<Vec<_>>(),
        other.clusters.iter().map(|c| c.llr).collect::<Vec<_>>()
    );
}

#[test]
fn progress_is_reported_once_per_replication() {
    let (zones, cases, period) = synthetic(50, 20.0, 500, 10, 3);
    let done = std::sync::atomic::AtomicU32::new(0);
    let tick = || {
        done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    };
    scan(&zones, &cases, period, &params(7, 57), 2, &tick).expect("scan");
    assert_eq!(done.into_inner(), 57);
}

#[test]
fn a_planted_cluster_is_found_and_significant() {
    let (zones, mut cases, period) = synthetic(400, 40.0, 4000, 60, 11);
    // Three neighbouring villages of the grid (row 5, columns 5–7) get 8 extra cases each on the last 3 days.
    let planted = [5 * 20 + 5, 5 * 20 + 6, 5 * 20 + 7];
    for &z in &planted {
        for k in 0..8 {
            cases.push(Case { zone: z, day: period.end.plus(-(k % 3)) });
        }
    }
    let outcome =
        scan(&zones, &cases, period, &ScanParams { max_radius_km: 5.0, ..params(7, 999) }, 2, &quiet).expect("scan");
    let best = outcome.most_likely().expect("a cluster");
    for z in planted {
        assert!(best.zones.contains(&z), "{z} missing from {:?}", best.zones);
    }
    assert!(best.zones.len() <= 8, "{:?}", best.zones);
    assert!(best.start_day >= period.end.plus(-3), "{}", best.start_day);
    assert_eq!(best.p_value, 0.001, "no replication comes near a planted cluster");
    let gumbel = best.gumbel_p_value.expect("a Gumbel fit");
    assert!(gumbel < 1e-6, "the Gumbel approximation resolves what 999 replications cannot: {gumbel}");
    // Secondary clusters are ordered by LLR and share no village with one another or the most likely cluster.
    let mut seen = std::collections::HashSet::new();
    for pair in outcome.clusters.windows(2) {
        assert!(pair[0].llr >= pair[1].llr);
    }
    for cluster in &outcome.clusters {
        assert!(cluster.p_value > 0.0 && cluster.p_value <= 1.0);
        for z in &cluster.zones {
            assert!(seen.insert(*z), "zone {z} in two clusters");
        }
    }
    assert!(outcome.secondary().iter().all(|c| c.p_value > 0.01), "the rest is noise");
}

// Refusals

#[test]
fn parameters_out_of_range_are_named() {
    let bad = |params: ScanParams| params.validate().expect_err("out of range");
    let named = |e: &ScanError| e.parameter().unwrap_or("?");
    let e = bad(ScanParams { max_fraction: 0.6, ..ScanParams::default() });
    assert_eq!(named(&e), "max-fraction");
    assert_eq!(e.message(Lang::En), "must be greater than 0 and at most 0.5 (given 0.6)");
    assert_eq!(e.message(Lang::Id), "harus lebih dari 0 dan paling besar 0,5 (tertulis 0.6)");
    assert_eq!(named(&bad(ScanParams { max_fraction: 0.0, ..ScanParams::default() })), "max-fraction");
    assert_eq!(named(&bad(ScanParams { max_fraction: f64::NAN, ..ScanParams::default() })), "max-fraction");
    let e = bad(ScanParams { replications: 0, ..ScanParams::default() });
    assert_eq!((named(&e), e.message(Lang::En).as_str()), ("replications", "must be from 1 to 1,000,000 (given 0)"));
    assert_eq!(e.message(Lang::Id), "harus dari 1 sampai 1.000.000 (tertulis 0)");
    let e = bad(ScanParams { replications: 1_000_001, ..ScanParams::default() });
    assert_eq!(e.message(Lang::En), "must be from 1 to 1,000,000 (given 1000001)");
    assert_eq!(named(&bad(ScanParams { max_days: 0, ..ScanParams::default() })), "max-days");
    let e = bad(ScanParams { max_days: 367, ..ScanParams::default() });
    assert_eq!((named(&e), e.message(Lang::En).as_str()), ("max-days", "must be from 1 to 366 (given 367)"));
    assert_eq!(ScanParams { max_days: 366, replications: 1_000_000, ..ScanParams::default() }.validate(), Ok(()));
    assert_eq!(named(&bad(ScanParams { max_radius_km: -1.0, ..ScanParams::default() })), "max-radius-km");
    assert_eq!(named(&bad(ScanParams { max_radius_km: f64::INFINITY, ..ScanParams::default() })), "max-radius-km");
    assert_eq!(ScanParams { max_fraction: 0.5, max_radius_km: 0.0, ..ScanParams::default() }.validate(), Ok(()));
}

#[test]
fn empty_or_thin_studies_say_so() {
    let zones = line_of_three();
    let period = Period { start: day("2024-03-01"), end: day("2024-03-03") };
    let run = |list: &[Case], period: Period| scan(&zones, list, period, &ScanParams::default(), 1, &quiet);
    let outside = cases(&[(0, "2024-02-20", 2), (1, "2024-03-04", 1)]);
    let e = run(&outside, period).expect_err("no cases");
    assert_eq!(e, ScanError::NoCasesInPeriod { start: period.start, end: period.end, outside: 3 });
    assert_eq!(
        e.message(Lang::En),
        "there are no cases in the study period 2024-03-01 to 2024-03-03 (3 cases lie outside it)"
    );
    // A page writes the days and counts as its language does.
    assert_eq!(
        e.page_message(Lang::Id),
        "tidak ada kasus dalam periode studi 1 Maret 2024 sampai 3 Maret 2024 (3 kasus di luar periode)"
    );
    let many = ScanError::NoCasesInPeriod { start: period.start, end: period.end, outside: 1526 };
    assert!(many.page_message(Lang::En).ends_with("1 March 2024 to 3 March 2024 (1,526 cases lie outside it)"));
    let reversed_text = ScanError::PeriodReversed { start: period.end, end: period.start }.page_message(Lang::Id);
    assert_eq!(reversed_text, "periode studi terbalik: mulai 3 Maret 2024, sesudah akhirnya 1 Maret 2024");
    let e = run(&cases(&[(0, "2024-03-02", 1)]), period).expect_err("one case");
    assert_eq!(e, ScanError::TooFewCases { cases: 1, min_cases: 2 });
    assert_eq!(e.parameter(), Some("min-cases"));
    let reversed = Period { start: period.end, end: period.start };
    assert!(matches!(run(&[], reversed), Err(ScanError::PeriodReversed { .. })));
    assert_eq!(scan(&[], &[], period, &ScanParams::default(), 1, &quiet), Err(ScanError::NoZones));
    let stray = [Case { zone: 3, day: period.start }];
    assert_eq!(run(&stray, period), Err(ScanError::UnknownZone { case: 0, zone: 3 }));
    let twice = [zones[0].clone(), zones[0].clone()];
    let e = scan(&twice, &[], period, &ScanParams::default(), 1, &quiet).expect_err("duplicate");
    assert_eq!(e, ScanError::DuplicateZone("33.20.01.2001".to_owned()));
    // Cases spread evenly: nothing is above its expectation, so there is no cluster and no replication is run.
    let even = cases(&[(0, "2024-03-03", 2), (1, "2024-03-03", 2), (2, "2024-03-03", 2)]);
    let outcome = run(&even, period).expect("a scan");
    assert!(outcome.clusters.is_empty() && outcome.replicate_maxima.is_empty(), "{outcome:?}");
}

// Files

#[test]
fn cases_file_problems_are_named_by_line_and_column() {
    let text = "id,village_code,lat,lng,day\n\
                r1,33.20.01.2001,,,2024-03-01\n\
                r2,33.20.01.2001,-6.5,110.7,2024-02-30\n\
                r3,33.20.01,,,2024-03-01\n\
                r1,33.20.01.2002,,,2024-03-02\n\
                r5,33.20.01.2002,-6.5,,2024-03-02\n\
                \n\
                r6,33.20.01.2003,-6.5,110.7,2024-03-03\n";
    let (rows, issues) = read_cases(text.as_bytes());
    let places: Vec<(Option<u64>, Option<&str>)> = issues.iter().map(|i| (i.line, i.column)).collect();
    assert_eq!(
        places,
        [(Some(3), Some("day")), (Some(4), Some("village_code")), (Some(5), Some("id")), (Some(6), Some("lng"))]
    );
    assert_eq!(
        issues[0].render("cases.csv", Lang::En),
        "cases.csv:3: column day: `2024-02-30` is not a calendar date YYYY-MM-DD"
    );
    assert_eq!(issues[1].problem, InputProblem::NotVillage("33.20.01".to_owned()));
    assert_eq!(
        issues[2].render("k.csv", Lang::Id),
        "k.csv:5: kolom id: id r1 muncul lebih dari sekali (pertama di baris 2)"
    );
    assert_eq!(issues[3].problem, InputProblem::Common(Problem::HalfCoordinates));
    let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 8]);
    assert_eq!(rows[1].day, day("2024-03-03"));

    // Unknown villages are found against the zones, with their lines.
    let zones = [zone("33.20.01.2001", -6.5, 110.7)];
    let e = match_cases(&rows, &zones, false).expect_err("r6's village is not a zone");
    assert_eq!(e.len(), 1);
    assert_eq!(
        e[0].render("cases.csv", Lang::En),
        "cases.csv:8: column village_code: the village 33.20.01.2003 is not in the zones file"
    );
    let e = match_cases(&rows, &zones, true).expect_err("nor in the database");
    assert!(e[0].message(Lang::En).ends_with("is not in the database"));
    let cases = match_cases(&rows[..1], &zones, false).expect("known");
    assert_eq!(cases, [Case { zone: 0, day: day("2024-03-01") }]);

    let (_, issues) = read_cases("id,village\nx,33.20.01.2001\n".as_bytes());
    let rendered: Vec<String> = issues.iter().map(|i| i.render("c.csv", Lang::En)).collect();
    assert_eq!(
        rendered,
        [
            "c.csv: required column “village_code” is missing from the header",
            "c.csv: required column “day” is missing from the header"
        ]
    );
}

#[test]
fn zones_file_needs_coordinates_for_every_village() {
    let text = "village_code,lat,lng\n\
                33.20.01.2001,-6.5,110.7\n\
                33.20.01.2002,,\n\
                33.20.01.2001,-6.5,110.7\n\
                33.20.01.2003,6.5,-110.7\n\
                33.20.01.2004,-6.51,110.71\n";
    let (rows, issues) = read_zones(text.as_bytes());
    let rendered: Vec<String> = issues.iter().map(|i| i.render("zones.csv", Lang::En)).collect();
    assert_eq!(
        rendered,
        [
            "zones.csv:3: column lat: the village 33.20.01.2002 has no coordinates",
            "zones.csv:4: column village_code: code 33.20.01.2001 appears more than once (first on line 2)",
            "zones.csv:5: column lat: coordinates 6.5, -110.7 lie outside Indonesia (latitude and longitude swapped?)",
        ]
    );
    let codes: Vec<(u64, String)> = rows.iter().map(|r| (r.line, r.zone.code.to_string())).collect();
    assert_eq!(codes, [(2, "33.20.01.2001".to_owned()), (6, "33.20.01.2004".to_owned())]);
    assert_eq!(rows[1].zone.centroid, LatLng::new(-6.51, 110.71));
}
