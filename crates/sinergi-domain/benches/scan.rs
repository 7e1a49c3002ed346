//! The early warning scan at the size of issue 8: about 1,000 villages of a regency-sized area (60 × 60 km), 90
//! days, windows of the last 1–7 days, 999 replications on every core, for 50,000 and 500,000 reports.
//!
//! `cargo bench -p sinergi-domain --bench scan`; figures in docs/benchmarks.md.

#![allow(clippy::unwrap_used)] // a test's helpers may unwrap: a failure is a failed test

use sinergi_domain::LatLng;
use sinergi_domain::RegionCode;
use sinergi_domain::early_warning::{Case, Day, Period, ScanOutcome, ScanParams, Zone, scan};
use sinergi_domain::rng::SplitMix64;

fn main() {
    divan::main();
}

const VILLAGES: usize = 1_000;
const DAYS: i32 = 90;

/// Villages scattered over 60 × 60 km around 6.9° S 110.9° E (a regency of Central Java), numbered as 20 districts
/// of 50 villages; each gets a weight between 1 and 10, so the busiest villages see ten times the reports of the
/// quietest, as towns and hamlets do. Reports fall on villages by weight and on the 90 days uniformly.
fn study(reports: usize) -> (Vec<Zone>, Vec<Case>, Period) {
    let mut rng = SplitMix64::new(8);
    let km = 1.0 / 111.0;
    let zones: Vec<Zone> = (0..VILLAGES)
        .map(|i| {
            let code = format!("33.20.{:02}.{:04}", 1 + i / 50, 2001 + i % 50);
            let lat = -6.6 - rng.next_f64() * 60.0 * km;
            let lng = 110.6 + rng.next_f64() * 60.0 * km;
            Zone { code: RegionCode::parse(&code).expect("a village code"), centroid: LatLng::new(lat, lng) }
        })
        .collect();
    let weights: Vec<f64> = (0..VILLAGES).map(|_| 1.0 + 9.0 * rng.next_f64()).collect();
    let mut cumulative = Vec::with_capacity(VILLAGES);
    let mut sum = 0.0;
    for w in &weights {
        sum += w;
        cumulative.push(sum);
    }
    let start = Day::from_ymd(2024, 9, 1).expect("a date");
    let period = Period { start, end: start.plus(DAYS - 1) };
    let cases = (0..reports)
        .map(|_| {
            let x = rng.next_f64() * sum;
            let zone = cumulative.partition_point(|&c| c < x).min(VILLAGES - 1);
            Case { zone, day: start.plus(rng.below(DAYS as u64) as i32) }
        })
        .collect();
    (zones, cases, period)
}

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[divan::bench(args = [50_000, 500_000], sample_count = 10, sample_size = 1)]
fn scan_999_replications(bencher: divan::Bencher, reports: usize) {
    let (zones, cases, period) = study(reports);
    let params = ScanParams::default();
    let threads = threads();
    bencher.bench(|| -> ScanOutcome { scan(&zones, &cases, period, &params, threads, &|| {}).expect("the scan runs") });
}

/// One thread, for the figure per core.
#[divan::bench(args = [50_000], sample_count = 5, sample_size = 1)]
fn scan_999_replications_one_thread(bencher: divan::Bencher, reports: usize) {
    let (zones, cases, period) = study(reports);
    let params = ScanParams::default();
    bencher.bench(|| -> ScanOutcome { scan(&zones, &cases, period, &params, 1, &|| {}).expect("the scan runs") });
}
