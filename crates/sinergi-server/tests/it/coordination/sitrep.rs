//! The situation report through the API and its page: a week of reports in a regency, counted by category, status
//! and district, the notable ones in detail, the map and the chart drawn; marked *terbatas* for a reader who reads
//! a restricted report in it, not for one who does not; an area outside the territory not found.

use reqwest::StatusCode;
use sinergi_domain::incident::{Channel, ReportKind, Severity};
use sinergi_domain::trust::auth::{Classification, Role};
use sinergi_domain::{AgencyKind, LatLng};
use sinergi_store::NewReport;
use sinergi_store::testing::TestDb;

use super::setup;
use crate::helpers::{code, get_html, send};

fn report(village: &str, category: &str, severity: Severity, day: i64, text: &str, level: Classification) -> NewReport {
    // 2026-12-01 10:00 WIB, plus `day` days.
    let at = 1_796_094_000_000 + day * 86_400_000;
    NewReport {
        kind: if level == Classification::Biasa { ReportKind::Incident } else { ReportKind::Intelligence },
        category: category.into(),
        severity,
        occurred_at_ms: at,
        reported_at_ms: at,
        village: code(village),
        tps_id: None,
        location: Some(LatLng::new(-1.05, 103.85)),
        description: text.into(),
        source_agency: AgencyKind::Polri,
        source_person: "Bhabinkamtibmas".into(),
        reporter_account: None,
        channel: Channel::Sms,
        classification: level,
        idempotency_key: None,
        routes: Vec::new(),
    }
}

fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lapsit.pdf");
    std::fs::write(&file, bytes).unwrap();
    let render = std::process::Command::new("pdftoppm")
        .args(["-r", "30", "-png", file.to_str().unwrap(), dir.path().join("p").to_str().unwrap()])
        .status()
        .expect("pdftoppm (poppler-utils) is needed: scripts/test installs it");
    assert!(render.success(), "every page renders");
    let out = std::process::Command::new("pdftotext").args(["-layout", file.to_str().unwrap(), "-"]).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn a_week_in_one_report(db: &TestDb) {
    let app = setup(db).await;
    let base = &app.base;
    app.add_user("komandan", Role::Commander, "polres-15.07", false).await;
    use Classification::*;
    app.store
        .file_reports(&[
            report(
                "15.07.01.2001",
                "bentrok",
                Severity::Critical,
                0,
                "Massa dua pendukung bentrok di depan TPS 01",
                Biasa,
            ),
            report(
                "15.07.01.2002",
                "politik_uang",
                Severity::Medium,
                2,
                "Pembagian amplop menjelang masa tenang",
                Biasa,
            ),
            report("15.07.02.1001", "bentrok", Severity::High, 4, "Pelemparan batu ke posko pemenangan", Biasa),
            report("15.07.01.2001", "politik_uang", Severity::High, 5, "Informasi rencana serangan fajar", Terbatas),
            report("15.07.01.2001", "bentrok", Severity::Critical, -20, "Kejadian lama, di luar periode", Biasa),
        ])
        .await
        .unwrap();
    let url = format!("{base}/api/v1/sitreps?region=15.07&date=2026-12-07&period=7d");

    // The commander reads the restricted report: the report is marked terbatas on every page.
    let commander = app.signed_in("komandan").await;
    let response = commander.get(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let text = pdf_text(&response.bytes().await.unwrap());
    for expected in [
        "LAPORAN SITUASI MINGGUAN",
        "Kabupaten Tanjung Jabung Timur",
        "Bentrok antarpendukung",
        "Politik uang",
        "Massa dua pendukung",
        "KEPOLISIAN NEGARA REPUBLIK INDONESIA",
        "KEJADIAN MENONJOL",
        "TERBATAS",
        "Halaman 1 dari",
    ] {
        assert!(text.contains(expected), "the report says {expected:?}:\n{text}");
    }
    assert!(!text.contains("Kejadian lama"), "a report before the period is not in it");

    // The observer does not read it: not counted, and the report is not marked.
    let observer = app.signed_in("pengamat").await;
    let text = pdf_text(&observer.get(&url).send().await.unwrap().bytes().await.unwrap());
    assert!(!text.contains("serangan fajar") && !text.contains("TERBATAS"), "{text}");

    // Outside the territory, a bad period, the external role.
    let ops = app.signed_in("ops").await;
    let (status, _) = send(ops.get(format!("{base}/api/v1/sitreps?region=14"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = send(ops.get(format!("{base}/api/v1/sitreps?region=15.07&period=30d"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let pln = app.signed_in("pln").await;
    let (status, _) = send(pln.get(format!("{base}/api/v1/sitreps?region=15.07"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The page shows the same, with the map and the chart drawn inline.
    let (status, page) = get_html(&ops, format!("{base}/sitrep?region=15.07&date=2026-12-07&period=7d")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"id="sitrep-map"><svg"#) && page.contains(r#"id="sitrep-chart"><svg"#), "{page}");
    assert!(page.contains("Pelemparan batu ke posko pemenangan"));
}

sinergi_store::backend_tests!(a_week_in_one_report);
