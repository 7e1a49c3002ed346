//! Rendering times of the documents: `cargo bench -p sinergi-pdf --bench pdf`.
//!
//! Targets: the minutes with 40 attendees under 0.5 s; a regency situation report (16 districts of ~5,000 vertices,
//! 300 incidents, a 7-day chart) under 1 s; a province report (35 areas drawn from centroids, a 31-day chart)
//! under 5 s. The fonts are loaded once before the timings (the first render of a process pays for that).
//!
//! typst memoises its work (comemo): rendering the very same document again is much faster than the first time.
//! The `cold` benchmarks clear that cache before every sample (untimed), so they time a render from scratch, as
//! for a new document; the `warm` ones render the same document again and again.
#![allow(clippy::unwrap_used)]

#[path = "../tests/it/fixtures.rs"]
#[allow(dead_code)]
mod fixtures;

use divan::{Bencher, black_box};
use sinergi_domain::i18n::Lang;
use sinergi_pdf::*;

fn main() {
    // Warm up: the fonts and typst's standard library are built on the first render.
    let start = std::time::Instant::now();
    invitation_pdf(&fixtures::invitation(Lang::Id)).unwrap();
    eprintln!("first render of the process (fonts and library loaded): {:.1?}", start.elapsed());
    divan::main();
}

/// Times `render` on `doc`, from scratch (`cold`: typst's cache cleared before each sample) or not.
fn bench_doc<T: Clone + Sync>(bencher: Bencher, cold: bool, doc: T, render: fn(&T) -> Result<Vec<u8>, PdfError>) {
    bencher
        .with_inputs(|| {
            if cold {
                typst::comemo::evict(0);
            }
            doc.clone()
        })
        .bench_refs(|d| render(black_box(d)).unwrap());
}

#[divan::bench(sample_count = 10, args = [true, false])]
fn minutes_40_attendees(bencher: Bencher, cold: bool) {
    bench_doc(bencher, cold, fixtures::minutes(Lang::Id, 40), minutes_pdf);
}

#[divan::bench(sample_count = 10, args = [true, false])]
fn sitrep_regency_16_districts_300_incidents(bencher: Bencher, cold: bool) {
    bench_doc(bencher, cold, fixtures::regency_sitrep(Lang::Id, 5_000, 300), sitrep_pdf);
}

#[divan::bench(sample_count = 10, args = [true, false])]
fn sitrep_province_35_centroids(bencher: Bencher, cold: bool) {
    bench_doc(bencher, cold, fixtures::province_sitrep(Lang::Id), sitrep_pdf);
}

#[divan::bench(sample_count = 20)]
fn map_svg_regency(bencher: Bencher) {
    let doc = fixtures::regency_sitrep(Lang::Id, 5_000, 300);
    let map = doc.map.unwrap();
    bencher.bench(|| map_svg(black_box(&map)));
}
