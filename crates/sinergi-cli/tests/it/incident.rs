//! The report taxonomy from the command line: checked, loaded, listed.

use sinergi_store::Page;
use sinergi_store::prelude::*;

use crate::helpers::{Db, code};

/// The shipped taxonomy without one category and its route, under another version label.
fn taxonomy_without(category: &str, version: &str) -> String {
    let shipped = sinergi_domain::incident::SHIPPED_TAXONOMY
        .replace("version = \"2024.11\"", &format!("version = \"{version}\""));
    let mut blocks = shipped.split("\n[[");
    let mut out = blocks.next().unwrap_or_default().to_owned();
    for block in blocks {
        if block.contains(&format!("id = \"{category}\"")) || block.contains(&format!("category = \"{category}\"")) {
            continue;
        }
        out.push_str("\n[[");
        out.push_str(block);
    }
    out
}

#[tokio::test]
async fn taxonomies_are_checked_and_loaded_from_the_command_line() {
    let db = Db::new();
    db.seed_units();
    let store = db.store().await;

    // A broken file: every fault named with its place, nothing stored, not even a database opened for `check`.
    let broken = db.path("rusak.toml");
    std::fs::write(
        &broken,
        "id = \"t\"\nversion = \"1\"\n\n[[category]]\nid = \"a\"\nlabel = \"A\"\nlabel_en = \"A\"\nseverity = 5\n\n\
         [[route]]\ncategory = \"b\"\nresponsible = [\"polsk\"]\n",
    )
    .unwrap();
    let name = broken.display().to_string();
    let run = db.run(&["taxonomy", "check", &name]);
    run.expect_code(2);
    for fault in [
        format!("{name}: category 1: the severity must be 1 to 4 (given 5)"),
        format!("{name}: route 1: there is no category `b`"),
        format!("{name}: route 1: unknown unit kind `polsk`"),
        format!("{name}: line 1, column 1: every severity 1 to 4 needs exactly one [[limit]]"),
    ] {
        assert!(run.stderr.contains(&fault), "{fault} in\n{}", run.stderr);
    }
    let typo = db.path("salah-ketik.toml");
    std::fs::write(&typo, "id = \"t\"\nversion = \"1\"\nkategori = 1\n").unwrap();
    let run = db.run(&["taxonomy", "check", &typo.display().to_string()]);
    run.expect_code(2);
    assert!(run.stderr.contains("salah-ketik.toml: line 3, column 1: unknown field `kategori`"), "{}", run.stderr);
    db.run(&["taxonomy", "load", &name, "--reason", "Uji"]).expect_code(2);
    assert_eq!(store.latest_taxonomy_version_id().await.unwrap(), None);

    // A sound file: checked, then loaded with its reason and the name of who loaded it.
    let good = db.path("pilkada.toml");
    std::fs::write(&good, taxonomy_without("nothing", "2024.12")).unwrap();
    let good_name = good.display().to_string();
    let run = db.run(&["taxonomy", "check", &good_name]);
    run.ok();
    assert!(
        run.stdout.contains("taxonomy pilkada version 2024.12 is sound: 16 categories, 16 routes"),
        "{}",
        run.stdout
    );
    let run = db.run(&["taxonomy", "load", &good_name, "--reason", "  "]);
    run.expect_code(2);
    assert!(run.stderr.contains("--reason must not be empty"), "{}", run.stderr);
    // A reason the API would refuse (a control character) is refused here too, naming the field; nothing stored.
    let run = db.run(&["taxonomy", "load", &good_name, "--reason", "Rapat\u{7}koordinasi"]);
    run.expect_code(2);
    assert!(run.stderr.contains(&format!("{good_name}: reason: ")), "{}", run.stderr);
    assert_eq!(store.latest_taxonomy_version_id().await.unwrap(), None);
    let run = db.run(&["taxonomy", "load", &good_name, "--reason", "Rapat koordinasi 12 Nov", "--by", "Admin Jepara"]);
    run.ok();
    assert!(run.stdout.contains("version 2024.12 stored as version 1"), "{}", run.stdout);
    let stored = store.latest_taxonomy_version().await.unwrap().expect("a stored version");
    assert_eq!(
        (stored.version.label.as_str(), stored.version.loaded_by.as_str(), stored.version.reason.as_str()),
        ("2024.12", "Admin Jepara", "Rapat koordinasi 12 Nov")
    );
    let entry = store.audit_entries(0, 100).await.unwrap().into_iter().find(|e| e.event.action == "taxonomy.load");
    let entry = entry.expect("the load is audited");
    assert!(entry.event.actor.starts_with("cli:"), "{}", entry.event.actor);
    assert_eq!(entry.event.target, format!("taxonomy_version:{}", stored.version.id));

    // A version that drops a category stored reports use is refused, naming it; one that drops an unused one
    // is not.
    let report = sinergi_store::NewReport {
        kind: sinergi_domain::incident::ReportKind::Incident,
        category: "siber".into(),
        severity: sinergi_domain::incident::Severity::Medium,
        occurred_at_ms: 1_732_674_600_000,
        reported_at_ms: 1_732_674_600_000,
        village: code("33.20.01.2001"),
        tps_id: None,
        location: None,
        description: "Situs KPU diretas".into(),
        source_agency: sinergi_domain::AgencyKind::Polri,
        source_person: "Bripka Sabar".into(),
        reporter_account: None,
        channel: sinergi_domain::incident::Channel::Sms,
        classification: sinergi_domain::trust::auth::Classification::Biasa,
        idempotency_key: None,
        routes: Vec::new(),
    };
    store.file_reports(&[report]).await.unwrap();
    let dropping = db.path("tanpa-siber.toml");
    std::fs::write(&dropping, taxonomy_without("siber", "2025.01")).unwrap();
    let run = db.run(&["taxonomy", "load", &dropping.display().to_string(), "--reason", "Siber ke Bareskrim"]);
    run.expect_code(2);
    assert!(run.stderr.contains("cannot be dropped: siber"), "{}", run.stderr);
    assert_eq!(store.latest_taxonomy_version_id().await.unwrap(), Some(stored.version.id));
    let unused = db.path("tanpa-apk.toml");
    std::fs::write(&unused, taxonomy_without("perusakan_apk", "2025.02")).unwrap();
    db.run(&["taxonomy", "load", &unused.display().to_string(), "--reason", "APK di luar masa kampanye"]).ok();
    let (versions, total) = store.taxonomy_versions(Page::new(1, 10)).await.unwrap();
    assert_eq!(total, 2);
    assert_eq!(versions[0].label, "2025.02");
}
