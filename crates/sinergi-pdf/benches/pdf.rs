//! Rendering times of the documents: `cargo bench -p sinergi-pdf --bench pdf`.
//!
//! Targets: the minutes with 40 attendees under 0.5 s; a regency situation report (16 districts of ~5,000 vertices,
//! 300 incidents, a 7-day chart) under 1 s; a province report (35 areas drawn from centroids, a 31-day chart)
//! under 5 s. The fonts are loaded once before the timings (the first render of a process pays for that).
#![allow(clippy::unwrap_used)]

#[path = "../tests/it/fixtures.rs"]
#[allow(dead_code)]
mod fixtures;

use divan::{Bencher, black_box};
use sinergi_domain::i18n::Lang;
use sinergi_pdf::*;

fn main() {
    // Warm up: the fonts and typst's standard library are built on the first render.
    invitation_pdf(&fixtures::invitation(Lang::Id)).unwrap();
    divan::main();
}

#[divan::bench(sample_count = 10)]
fn minutes_40_attendees(bencher: Bencher) {
    let doc = fixtures::minutes(Lang::Id, 40);
    bencher.bench(|| minutes_pdf(black_box(&doc)).unwrap());
}

#[divan::bench(sample_count = 10)]
fn sitrep_regency_16_districts_300_incidents(bencher: Bencher) {
    let doc = fixtures::regency_sitrep(Lang::Id, 5_000, 300);
    bencher.bench(|| sitrep_pdf(black_box(&doc)).unwrap());
}

#[divan::bench(sample_count = 10)]
fn sitrep_province_35_centroids(bencher: Bencher) {
    let doc = fixtures::province_sitrep(Lang::Id);
    bencher.bench(|| sitrep_pdf(black_box(&doc)).unwrap());
}

#[divan::bench(sample_count = 20)]
fn map_svg_regency(bencher: Bencher) {
    let doc = fixtures::regency_sitrep(Lang::Id, 5_000, 300);
    let map = doc.map.unwrap();
    bencher.bench(|| map_svg(black_box(&map)));
}
