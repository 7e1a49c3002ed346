//! Renders each document with realistic content and reads it back with Debian's poppler-utils: `pdftotext -layout`
//! for the text, `pdfinfo` for the page count, `pdftoppm` to check every page renders. Without poppler-utils the
//! tests fail under CI (`CI=true`) and are skipped with a note otherwise.
#![allow(clippy::unwrap_used)]

mod fixtures;

use std::path::{Path, PathBuf};
use std::process::Command;

use fixtures::*;
use sinergi_domain::i18n::Lang;
use sinergi_pdf::*;

/// Whether poppler-utils is installed; under CI its absence is a failure.
fn poppler() -> bool {
    let found = Command::new("pdftotext").arg("-v").output().is_ok()
        && Command::new("pdftoppm").arg("-v").output().is_ok()
        && Command::new("pdfinfo").arg("-v").output().is_ok();
    if !found {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("poppler-utils (pdftotext, pdfinfo, pdftoppm) is required under CI");
        }
        eprintln!("note: poppler-utils is not installed; skipping the PDF read-back (apt-get install poppler-utils)");
    }
    found
}

/// A fresh directory for one test's files.
fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sinergi-pdf-it-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

struct Read {
    /// The text of each page (`pdftotext -layout`, split at form feeds).
    pages: Vec<String>,
    text: String,
}

/// Writes the PDF, checks its page count with `pdfinfo`, renders every page with `pdftoppm -r 40 -png`, and
/// returns its text.
fn read_back(name: &str, pdf: &[u8]) -> Read {
    assert!(pdf.starts_with(b"%PDF-"), "{name}: not a PDF");
    let d = dir(name);
    let path = d.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();

    let info = Command::new("pdfinfo").arg(&path).output().unwrap();
    assert!(info.status.success(), "pdfinfo {name}: {}", String::from_utf8_lossy(&info.stderr));
    let info = String::from_utf8_lossy(&info.stdout).to_string();
    let page_count: usize =
        info.lines().find_map(|l| l.strip_prefix("Pages:")).map(|v| v.trim().parse().unwrap()).unwrap();
    assert!(info.contains("595.") && info.contains("841."), "{name}: not A4: {info}");

    let out = Command::new("pdftotext").arg("-layout").arg(&path).arg("-").output().unwrap();
    assert!(out.status.success(), "pdftotext {name}: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    assert_eq!(pages.len(), page_count, "{name}: pdftotext pages vs pdfinfo");

    let prefix = d.join("page");
    let out = Command::new("pdftoppm").args(["-r", "40", "-png"]).arg(&path).arg(&prefix).output().unwrap();
    assert!(out.status.success(), "pdftoppm {name}: {}", String::from_utf8_lossy(&out.stderr));
    let pngs = std::fs::read_dir(&d)
        .unwrap()
        .filter(|e| e.as_ref().is_ok_and(|e| e.path().extension().is_some_and(|x| x == "png")))
        .count();
    assert_eq!(pngs, page_count, "{name}: one PNG per page");
    for entry in std::fs::read_dir(&d).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|x| x == "png") {
            assert!(std::fs::metadata(&p).unwrap().len() > 500, "{}: an empty PNG", p.display());
        }
    }
    keep_or_remove(&d);
    Read { pages, text }
}

/// `SINERGI_PDF_KEEP=1` keeps the files (to look at them); otherwise they are removed.
fn keep_or_remove(d: &Path) {
    if std::env::var_os("SINERGI_PDF_KEEP").is_some() {
        eprintln!("kept {}", d.display());
    } else {
        let _ = std::fs::remove_dir_all(d);
    }
}

/// The text with runs of whitespace collapsed (pdftotext -layout spreads and wraps lines).
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn invitation_in_bahasa_indonesia() {
    let pdf = invitation_pdf(&invitation(Lang::Id)).unwrap();
    if !poppler() {
        return;
    }
    let r = read_back("invitation", &pdf);
    let t = flat(&r.text);
    for expected in [
        "KEPOLISIAN NEGARA REPUBLIK INDONESIA",
        "RESOR JEPARA",
        "Nomor : B/1127/XII/PAM.3.2./2026",
        "Perihal",
        "Undangan Rapat Koordinasi",
        "Kepada Yth.",
        "Komandan Kodim 0719/Jepara",
        "Kamis, 5 Desember 2026",
        "Rakor Lintas Sektoral Pengamanan Pilkada Kabupaten Jepara",
        "Susunan acara",
        "Paparan kerawanan TPS",
        "Dr. ERICK BUDI SANTOSO",
        "Tembusan",
        "Halaman 1 dari",
    ] {
        assert!(t.contains(expected), "invitation lacks {expected:?}:\n{}", r.text);
    }
    assert!(!t.contains("TERBATAS"), "no classification was given");
}

#[test]
fn attendance_list_spans_pages_with_the_mark_on_every_page() {
    let doc = attendance(Lang::Id, 70, 10);
    let pdf = attendance_pdf(&doc).unwrap();
    if !poppler() {
        return;
    }
    let r = read_back("attendance", &pdf);
    let n = r.pages.len();
    assert!(n >= 3, "80 rows take several pages, got {n}");
    for (i, page) in r.pages.iter().enumerate() {
        assert!(page.matches("TERBATAS").count() >= 2, "page {}: the mark at the top and the bottom:\n{page}", i + 1);
        assert!(flat(page).contains(&format!("Halaman {} dari {n}", i + 1)), "page {}:\n{page}", i + 1);
        // The header row repeats on every page.
        assert!(page.contains("Tanda tangan"), "page {}: the header row:\n{page}", i + 1);
    }
    let t = flat(&r.text);
    assert!(t.contains("DAFTAR HADIR") && t.contains("AKP Sri Wahyuningsih"));
    // The numbered signature places, the last of the blank rows included.
    assert!(t.contains(" 1. . . .") && t.contains(" 2. . . .") && t.contains(" 80. . . ."), "{t}");
}

#[test]
fn minutes_in_both_languages() {
    let pdf = minutes_pdf(&minutes(Lang::Id, 40)).unwrap();
    if !poppler() {
        return;
    }
    let r = read_back("minutes-id", &pdf);
    let t = flat(&r.text);
    for expected in [
        "NOTULEN RAPAT",
        "NOT/45/XII/2026/Bagops",
        "Tahapan: Kampanye (H-12)",
        "32 dari 40 unit hadir",
        "PESERTA RAPAT",
        "PAPARAN",
        "peta-kerawanan-tps.pdf",
        "Keputusan KEP-01",
        "Patroli gabungan TNI-Polri-Satpol PP",
        "Menyusun jadwal dan rute patroli gabungan",
        "TINDAK LANJUT RAPAT SEBELUMNYA",
        "NOTULIS",
        "PIMPINAN RAPAT",
        "Jepara, 5 Desember 2026",
        "Halaman 1 dari",
    ] {
        assert!(t.contains(expected), "minutes lack {expected:?}:\n{}", r.text);
    }
    for page in &r.pages {
        assert!(page.matches("TERBATAS").count() >= 2);
    }

    let mut en = minutes(Lang::En, 3);
    en.follow_up.clear();
    en.briefings.clear();
    let r = read_back("minutes-en", &minutes_pdf(&en).unwrap());
    let t = flat(&r.text);
    assert!(t.contains("MINUTES OF MEETING") && t.contains("Decision KEP-02") && t.contains("Page 1 of"), "{t}");
    assert!(t.contains("BRIEFINGS") && t.contains("None."), "an empty section says so: {t}");
    assert!(!t.contains("FOLLOW-UP"), "no previous items: no section");
}

#[test]
fn regency_and_province_situation_reports() {
    let doc = regency_sitrep(Lang::Id, 5_000, 300);
    // 80,000 vertices (about 2.5 MB as JSON) become a small SVG.
    let svg = map_svg(doc.map.as_ref().unwrap());
    eprintln!("regency map: {} bytes of SVG", svg.len());
    assert!(svg.len() < 100_000, "{} bytes", svg.len());
    let pdf = sitrep_pdf(&doc).unwrap();
    assert!(pdf.len() < 2_000_000, "{} bytes", pdf.len());
    if !poppler() {
        return;
    }
    let r = read_back("sitrep-regency", &pdf);
    let t = flat(&r.text);
    for expected in [
        "LAPORAN SITUASI HARIAN",
        "R/LAPSIT/338/XII/2026",
        "Kabupaten Jepara (16 kecamatan, 2.147 TPS)",
        "DATA POKOK",
        "912.384",
        "1. SITUASI WILAYAH",
        "2. KERAWANAN TPS",
        "Karimunjawa",
        "4. PERINGATAN DINI",
        "KEPALA KEPOLISIAN RESOR JEPARA",
    ] {
        assert!(t.contains(expected), "sitrep lacks {expected:?}:\n{}", r.text);
    }
    for (i, page) in r.pages.iter().enumerate() {
        assert!(page.matches("RAHASIA").count() >= 2, "page {}:\n{page}", i + 1);
        assert!(flat(page).contains(&format!("Halaman {} dari {}", i + 1, r.pages.len())));
    }

    let mut doc = province_sitrep(Lang::En);
    doc.classification = None;
    let r = read_back("sitrep-province", &sitrep_pdf(&doc).unwrap());
    let t = flat(&r.text);
    assert!(t.contains("Provinsi Jawa Tengah") && t.contains("KEY FIGURES") && t.contains("Page 1 of"), "{t}");
}

#[test]
fn hostile_text_is_printed_not_evaluated() {
    let mut doc = invitation(Lang::Id);
    doc.subject = "#set page(width: 1pt) *tebal* $x$ ] [ \" \\ <b>".into();
    doc.invitees = vec![];
    doc.agenda = vec![];
    doc.copies_to = vec![];
    doc.closing = None;
    doc.nature = None;
    doc.attachments = None;
    let pdf = invitation_pdf(&doc).unwrap();
    if !poppler() {
        return;
    }
    let r = read_back("hostile", &pdf);
    assert!(flat(&r.text).contains("#set page(width: 1pt) *tebal* $x$ ] [ \" \\ <b>"), "{}", r.text);
}

#[test]
fn roster_of_a_unit_runs_over_pages_and_prints_user_text_as_text() {
    let lines: Vec<RosterLine> = (0..60)
        .map(|i| RosterLine {
            name: format!("Budi Santoso {i:02} #set page(width: 1cm)"),
            rank_id: format!("Bripka / 8701{i:04}"),
            post: format!("POS-33.20.01-{:03}", i / 2 + 1),
            place: "TPS 001 Kedungmalang, TPS 002 Kedungmalang".into(),
            phone: "+6281234567890".into(),
        })
        .collect();
    let doc = Roster {
        lang: Lang::Id,
        letterhead: Letterhead {
            parent: vec!["KEPOLISIAN NEGARA REPUBLIK INDONESIA".into()],
            unit: "POLSEK KEDUNG".into(),
            address: None,
        },
        classification: Some("TERBATAS".into()),
        number: String::new(),
        basis: "Rencana pengamanan Pilkada 2026 v2 (disahkan)".into(),
        task: "Pengamanan TPS pada hari pemungutan suara, Jumat, 27 November 2026, pukul 07.00–18.00 WIB".into(),
        lines,
        place_and_date: "Jepara, 6 Desember 2026".into(),
        signatory: Signatory {
            position: "KAPOLSEK KEDUNG".into(),
            name: "........................".into(),
            rank: None,
        },
        t: RosterTexts {
            title: "SURAT PERINTAH".into(),
            considering: "Dasar".into(),
            ordering: "DIPERINTAHKAN".into(),
            to_label: "Kepada".into(),
            task_label: "Untuk".into(),
            col_no: "No".into(),
            col_name: "Nama".into(),
            col_rank_id: "Pangkat / NRP".into(),
            col_post: "Pos".into(),
            col_place: "TPS".into(),
            col_phone: "Telepon".into(),
            page_of: "Halaman {n} dari {total}".into(),
            closing: "Melaksanakan perintah ini dengan saksama dan penuh tanggung jawab.".into(),
        },
    };
    let pdf = roster_pdf(&doc).unwrap();
    if !poppler() {
        return;
    }
    let read = read_back("roster", &pdf);
    assert!(read.pages.len() >= 2, "sixty people run over pages: {}", read.pages.len());
    let text = flat(&read.text);
    assert!(text.contains("SURAT PERINTAH") && text.contains("POLSEK KEDUNG") && text.contains("TERBATAS"), "{text}");
    // Every line is there, its markup-looking name printed as text (wrapped in its cell).
    for i in 0..60 {
        assert!(text.contains(&format!("{}. Budi Santoso {i:02} #set", i + 1)), "line {i}: {text}");
    }
    assert_eq!(text.matches("page(width: 1cm)").count(), 60);
    assert!(text.contains(&format!("Halaman 1 dari {}", read.pages.len())), "{text}");
    assert!(text.contains("KAPOLSEK KEDUNG") && text.contains("Jepara, 6 Desember 2026"), "{text}");
}
