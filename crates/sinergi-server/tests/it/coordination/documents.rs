//! A meeting's documents as PDF through the API: the invitation, the attendance list (40 attendees, over several
//! pages, each with the classification mark) and the minutes with decisions and action items — each rendered to PNG
//! by Debian's poppler-utils and its text asserted; not found for whoever may not read the meeting.

use std::path::Path;
use std::process::Command;

use reqwest::StatusCode;
use serde_json::json;
use sinergi_domain::registry::agency::Contact;
use sinergi_domain::{Unit, UnitKind};
use sinergi_store::testing::TestDb;

use super::setup;
use crate::helpers::{code, get_html, send};

/// Runs a poppler tool; fails the test (and says how to install it) when it is missing.
fn poppler(tool: &str, args: &[&str]) -> String {
    let output = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("{tool} is needed for the PDF checks: `apt-get install -y poppler-utils` (scripts/test does it): {e}")
    });
    assert!(output.status.success(), "{tool} {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The PDF's text (layout kept), after checking every page renders to PNG.
fn checked_text(pdf: &[u8], dir: &Path, name: &str) -> (String, usize) {
    let file = dir.join(format!("{name}.pdf"));
    std::fs::write(&file, pdf).unwrap();
    let path = file.to_str().unwrap();
    let info = poppler("pdfinfo", &[path]);
    let pages: usize =
        info.lines().find_map(|l| l.strip_prefix("Pages:")).map(|n| n.trim().parse().unwrap()).unwrap_or(0);
    let prefix = dir.join(name);
    poppler("pdftoppm", &["-r", "30", "-png", path, prefix.to_str().unwrap()]);
    let rendered = std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            let n = e.as_ref().unwrap().file_name().into_string().unwrap();
            n.starts_with(name) && n.ends_with(".png")
        })
        .count();
    assert_eq!(rendered, pages, "every page of {name} renders");
    (poppler("pdftotext", &["-layout", path, "-"]), pages)
}

async fn the_meetings_documents(db: &TestDb) {
    let app = setup(db).await;
    let base = &app.base;
    let ops = app.signed_in("ops").await;
    // Forty units to invite: a Polsek, Koramil and PPK in each of a few districts, and more at the regency.
    let mut units = Vec::new();
    let mut regions = Vec::new();
    for d in 3..=15u32 {
        let district = format!("15.07.{d:02}");
        regions.push(sinergi_domain::Region { code: code(&district), name: format!("Kecamatan {d}"), centroid: None });
        for kind in [UnitKind::Polsek, UnitKind::Koramil, UnitKind::Ppk] {
            units.push(Unit {
                code: Unit::conventional_code(kind, &code(&district)),
                kind,
                name: format!("{} Kecamatan {d}", kind.title()),
                territory: code(&district),
                parent: None,
                contact: Contact::default(),
                personnel: 10,
            });
        }
    }
    app.store.upsert_regions(&regions).await.unwrap();
    app.store.upsert_units(&units).await.unwrap();
    let invitees: Vec<String> =
        units.iter().map(|u| u.code.clone()).take(37).chain(["kodim-15.07".to_owned()]).collect();
    let body = json!({
        "title": "Rakor Lintas Sektoral Kesiapan Pengamanan Masa Tenang",
        "theme": "kesiapan pengamanan masa tenang dan pemungutan suara",
        "region": "15.07", "convening_unit": "polres-15.07", "place": "Aula Bhayangkara Polres",
        "starts_at": "2026-12-10 09:00", "ends_at": "2026-12-10 12:00", "classification": "terbatas",
        "invitees": invitees,
    });
    let (status, meeting) = send(ops.post(format!("{base}/api/v1/meetings")).json(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "{meeting}");
    let id = meeting["id"].as_i64().unwrap();
    let url = format!("{base}/api/v1/meetings/{id}");
    let present = json!({"status": "present", "name": "AKBP Wiratama", "position": "Kapolres"});
    send(ops.put(format!("{url}/attendance/polres-15.07")).json(&present)).await;
    let agenda = json!({"items": [{"title": "Pembukaan", "presenter": "polres-15.07", "time": "09:00"}]});
    send(ops.put(format!("{url}/agenda")).json(&agenda)).await;
    // The page writes the agenda's times as the minutes do.
    let (_, page) = get_html(&ops, format!("{base}/meetings/{id}")).await;
    assert!(page.contains("<strong>09.00</strong> Pembukaan"), "{page}");
    let minutes = json!({"text": "Rapat dibuka pukul 09.00 oleh Kapolres.\n\nKodim siap mendukung.", "chair": "AKBP Wiratama", "secretary": "Ipda Sari"});
    send(ops.put(format!("{url}/minutes")).json(&minutes)).await;
    let decision = json!({"text": "Patroli gabungan TNI-Polri di TPS sangat rawan", "items": [
        {"owner_unit": "kodim-15.07", "task": "Siapkan dua SSK untuk patroli gabungan", "deadline": "2026-12-12"}]});
    let (status, _) = send(ops.post(format!("{url}/decisions")).json(&decision)).await;
    assert_eq!(status, StatusCode::CREATED);

    let dir = tempfile::tempdir().unwrap();
    let fetch = |kind: &'static str| {
        let ops = ops.clone();
        let url = url.clone();
        async move {
            let response = ops.get(format!("{url}/documents/{kind}")).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{kind}");
            assert_eq!(response.headers()["content-type"], "application/pdf");
            response.bytes().await.unwrap().to_vec()
        }
    };
    let (text, _) = checked_text(&fetch("undangan").await, dir.path(), "undangan");
    for expected in [
        "KEPOLISIAN NEGARA REPUBLIK INDONESIA",
        "POLRES 15.07",
        "Undangan rapat koordinasi",
        "Kodim 15.07",
        "Kamis, 10 Desember 2026",
        "Aula Bhayangkara Polres",
        "Pembukaan",
        "TERBATAS",
    ] {
        assert!(text.contains(expected), "the invitation says {expected:?}:\n{text}");
    }
    let (text, pages) = checked_text(&fetch("daftar-hadir").await, dir.path(), "daftar-hadir");
    assert!(pages >= 2, "39 invited and 5 empty rows fill more than a page");
    assert_eq!(text.matches("TERBATAS").count(), 2 * pages, "the mark at the top and the bottom of every page");
    for expected in ["DAFTAR HADIR", "AKBP Wiratama", "Tanda tangan", "Polsek Kecamatan 3", "Halaman 1 dari"] {
        assert!(text.contains(expected), "the attendance list says {expected:?}:\n{text}");
    }
    let (text, _) = checked_text(&fetch("notulen").await, dir.path(), "notulen");
    for expected in [
        "NOTULEN RAPAT",
        "Patroli gabungan TNI-Polri",
        "Siapkan dua SSK",
        "12 Desember 2026",
        "Ipda Sari",
        "Kodim siap mendukung",
    ] {
        assert!(text.contains(expected), "the minutes say {expected:?}:\n{text}");
    }

    // Not found for whoever may not read the meeting; a kind that is none is named.
    let telkom = app.signed_in("telkom").await;
    let (status, _) = send(telkom.get(format!("{url}/documents/notulen"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = send(ops.get(format!("{url}/documents/surat"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

sinergi_store::backend_tests!(the_meetings_documents);
