//! The demo's synthetic incident reports: three weeks of reports in the Jepara regency, so that the desk, the early
//! warning and the situation report have something to show. Labelled synthetic like the TPS: every description
//! starts with "[SINTETIS]", and the source person says so.
//!
//! Reports fall on the villages with a centroid, more on a few busy districts than the rest, a little more each
//! day towards today (as the campaign heats up), with a cluster of clashes in one district in the last days that
//! the early warning can find. The same seed gives the same reports.

use sinergi_domain::access::Viewer;
use sinergi_domain::incident::{Channel, ReportKind, Severity, Status, Taxonomy};
use sinergi_domain::rng::SplitMix64;
use sinergi_domain::trust::auth::Classification;
use sinergi_domain::{AgencyKind, LatLng, RegionCode};
use sinergi_store::{NewReport, ReportMove, Store};

/// How many days of reports.
const DAYS: i64 = 21;

/// (category, severity, what happened): the demo's kinds of report.
const KINDS: [(&str, Severity, &str); 6] = [
    ("bentrok", Severity::High, "Adu mulut dan saling dorong antarpendukung pasangan calon di sekitar posko"),
    ("politik_uang", Severity::Medium, "Warga melaporkan pembagian amplop oleh tim sukses menjelang masa tenang"),
    ("hoaks_sara", Severity::Medium, "Beredar pesan berantai bernada SARA di grup percakapan warga desa"),
    ("intimidasi", Severity::High, "Pengawas TPS didatangi orang tak dikenal dan diminta tidak melapor"),
    ("perusakan_apk", Severity::Low, "Alat peraga kampanye dirusak dan dibakar di pinggir jalan desa"),
    ("bentrok", Severity::Critical, "Bentrok massa dua kubu pendukung, beberapa orang luka ringan"),
];

/// Files the demo's reports (once: a database with reports keeps them). Returns how many were filed.
pub async fn seed_demo_reports(store: &dyn Store, regency: &RegionCode, now_ms: i64) -> anyhow::Result<usize> {
    let system = Viewer::system("demo");
    let (_, existing) = store
        .reports(
            &system,
            &sinergi_store::ReportFilter { within: Some(regency.clone()), ..Default::default() },
            sinergi_store::Page::new(1, 1),
        )
        .await?;
    if existing > 0 {
        return Ok(0);
    }
    let villages: Vec<(RegionCode, LatLng)> = store
        .village_shapes()
        .await?
        .into_iter()
        .filter(|(c, _, _)| regency.contains(c))
        .map(|(c, l, _)| (c, l))
        .collect();
    if villages.is_empty() {
        return Ok(0);
    }
    let taxonomy = Taxonomy::shipped();
    let mut rng = SplitMix64::from_text(2024, regency.as_str());
    // The busiest districts: the first three in code order get three times the others' share.
    let mut districts: Vec<RegionCode> = villages.iter().filter_map(|(c, _)| c.parent()).collect();
    districts.sort();
    districts.dedup();
    let busy: Vec<RegionCode> = districts.iter().take(3).cloned().collect();
    let weight = |c: &RegionCode| if c.parent().is_some_and(|d| busy.contains(&d)) { 3.0 } else { 1.0 };
    let total: f64 = villages.iter().map(|(c, _)| weight(c)).sum();
    let pick = |rng: &mut SplitMix64| {
        let mut x = rng.next_f64() * total;
        for (c, l) in &villages {
            x -= weight(c);
            if x <= 0.0 {
                return (c.clone(), *l);
            }
        }
        villages[villages.len() - 1].clone()
    };
    let day_ms = 86_400_000;
    let mut reports = Vec::new();
    for day in 0..DAYS {
        // 2 reports a day three weeks ago, rising to about 8 today.
        let count = 2 + (day * 6 / DAYS) as u64 + rng.below(2);
        for _ in 0..count {
            let (village, centre) = pick(&mut rng);
            let (category, severity, text) = KINDS[rng.below(KINDS.len() as u64) as usize];
            let at = now_ms - (DAYS - 1 - day) * day_ms - (rng.below(20 * 3_600_000) as i64);
            reports.push((village, centre, category, severity, text, at));
        }
    }
    // A cluster of clashes in one busy district over the last three days.
    if let Some(district) = busy.first() {
        let hot: Vec<&(RegionCode, LatLng)> = villages.iter().filter(|(c, _)| district.contains(c)).take(3).collect();
        for i in 0..12 {
            let (village, centre) = hot[i % hot.len()];
            let at = now_ms - (i as i64 % 3) * day_ms - 3_600_000 * (1 + i as i64);
            reports.push((village.clone(), *centre, "bentrok", Severity::High, KINDS[0].2, at));
        }
    }
    let mut batch = Vec::new();
    for (village, centre, category, severity, text, at) in &reports {
        let jitter = || (rng_offset(at) - 0.5) * 0.01;
        let units_here = store.units_over(village).await?;
        batch.push(NewReport {
            kind: ReportKind::Incident,
            category: (*category).to_owned(),
            severity: *severity,
            occurred_at_ms: *at,
            reported_at_ms: *at + 600_000,
            village: village.clone(),
            tps_id: None,
            location: Some(LatLng::new(centre.lat + jitter(), centre.lng + jitter())),
            description: format!("[SINTETIS] {text}."),
            source_agency: AgencyKind::Polri,
            source_person: "Bhabinkamtibmas (data sintetis)".to_owned(),
            reporter_account: None,
            channel: Channel::Sms,
            classification: Classification::Biasa,
            idempotency_key: None,
            routes: taxonomy.route_report(category, village, &units_here),
        });
    }
    let filed = store.file_reports(&batch).await?;
    // Most older reports have been verified and many handled; the newest wait for the desk.
    for (f, (_, _, _, _, _, at)) in filed.iter().zip(&reports) {
        let age_days = (now_ms - at) / day_ms;
        let mut steps = Vec::new();
        if age_days >= 1 {
            steps.push(("verify", Status::Reported, Status::Verified));
        }
        if age_days > 3 && at % 3 == 0 {
            steps.push(("resolve", Status::Verified, Status::Resolved));
        }
        for (n, (action, from, to)) in steps.into_iter().enumerate() {
            let step = ReportMove {
                report_id: f.id(),
                action: action.to_owned(),
                from,
                to,
                at_ms: at + 3_600_000 * (n as i64 + 1),
                account_id: None,
                actor: "demo".to_owned(),
                reason: "data sintetis".to_owned(),
                reject_reason: None,
                assigned_unit: None,
            };
            store.move_report(&step).await?;
        }
    }
    Ok(filed.len())
}

/// A number in [0, 1) from a moment: the same report lands on the same spot every time.
fn rng_offset(at: &i64) -> f64 {
    SplitMix64::new(*at as u64).next_f64()
}
