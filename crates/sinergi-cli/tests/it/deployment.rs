//! The deployment planner's routing engine from the command line.

use crate::helpers::{Db, data_dir};

#[test]
fn solve_vrptw_prints_a_checked_solution_in_cvrplib_format() {
    let db = Db::new();
    let file = data_dir().join("vrptw/solomon/C101.txt").display().to_string();
    let run = db.run(&["plan", "solve-vrptw", &file, "--seconds", "2", "--seed", "1"]);
    run.ok();
    let mut seen = Vec::new();
    for line in run.stdout.lines().filter(|l| l.starts_with("Route #")) {
        let (_, customers) = line.split_once(": ").unwrap();
        seen.extend(customers.split_whitespace().map(|c| c.parse::<u32>().unwrap()));
    }
    seen.sort_unstable();
    assert_eq!(seen, (1..=100).collect::<Vec<_>>(), "every customer exactly once:\n{}", run.stdout);
    assert!(run.stdout.lines().last().unwrap().starts_with("Cost "), "{}", run.stdout);
    assert!(run.stderr.contains("C101: cost"), "{}", run.stderr);

    let bad = db.path("bad.txt");
    std::fs::write(&bad, "X\n\nVEHICLE\nNUMBER     CAPACITY\n  25         abc\n").unwrap();
    let run = db.run(&["plan", "solve-vrptw", &bad.display().to_string(), "--seconds", "1"]);
    run.expect_code(1);
    assert!(run.stderr.contains("line 5") && run.stderr.contains("CAPACITY"), "{}", run.stderr);
}

/// `sinergi plan …` on the demo database (the registry's demo test calls this after its two demo runs: one demo
/// serves both). The demo's synthetic roster, a roster read (audited), plans made, versioned, approved, compared and
/// exported, and a roster file with bad rows refused by line and column with nothing stored.
pub async fn plans_on_the_demo(db: &crate::helpers::Db) {
    use sinergi_domain::deployment::Force;
    use sinergi_store::prelude::*;

    let store = db.store().await;
    let counts = store.roster_counts(&crate::helpers::code("15.07")).await.unwrap();
    let of = |unit: &str| counts.iter().find(|c| c.unit == unit).map_or(0, |c| c.people);
    assert!((400..=900).contains(&of("polres-15.07")), "Polres strength {}", of("polres-15.07"));
    assert!((20..=60).contains(&of("polsek-15.07.01")), "Polsek strength {}", of("polsek-15.07.01"));
    assert!(counts.iter().any(|c| c.force == Force::Linmas));

    // A unit's roster: every person labelled synthetic, and the read is in the audit log.
    let run = db.run(&["plan", "roster", "show", "--unit", "polsek-15.07.01"]);
    run.ok();
    let rows: Vec<&str> = run.stdout.lines().skip(1).collect();
    assert_eq!(rows.len() as u64, of("polsek-15.07.01"));
    assert!(rows.iter().all(|r| r.contains("(sintetis)") && r.starts_with("SIN-POLRI-")), "{}", run.stdout);
    let (head, _) = store.audit_head().await.unwrap();
    let last = store.audit_entries(head - 1, 1).await.unwrap();
    assert_eq!(last[0].event.action, "roster.read");
    assert_eq!(last[0].event.target, "unit:polsek-15.07.01");

    // A plan for the regency, then a second version of it.
    let make = |walking: &str| {
        db.run(&[
            "plan",
            "make",
            "--regency",
            "15.07",
            "--name",
            "Pilkada 2026",
            "--day",
            "2026-11-27",
            "--teams",
            "12",
            "--reserves",
            "3",
            "--seconds",
            "3",
            "--walking-m",
            walking,
        ])
    };
    // Options are checked as the API and the page check them, each fault named by its flag.
    let run = make("5");
    run.expect_code(2);
    assert!(run.stderr.contains("--walking-m: 5 is outside 10–50,000"), "{}", run.stderr);
    let run = make("1000");
    run.ok();
    let first: i64 = run.stdout.trim().parse().unwrap();
    assert!(run.stderr.contains("Pilkada 2026 v1") && run.stderr.contains("posts"), "{}", run.stderr);
    let run = make("500");
    run.ok();
    let second: i64 = run.stdout.trim().parse().unwrap();
    assert!(run.stderr.contains("Pilkada 2026 v2"), "{}", run.stderr);
    let a = store.plan(first).await.unwrap().unwrap();
    let b = store.plan(second).await.unwrap().unwrap();
    assert!(b.document.summary.posts >= a.document.summary.posts, "a shorter walk never makes fewer posts");
    assert_eq!(a.document.summary.tps as usize, a.document.tps.len());
    // Every district is patrolled by a team at least; what the teams cannot reach in the hours is counted and said.
    let districts: std::collections::BTreeSet<&str> = a.document.tps.iter().map(|t| t.district.as_str()).collect();
    let patrolled: std::collections::BTreeSet<&str> = a.document.routes.iter().map(|r| r.district.as_str()).collect();
    assert_eq!(patrolled, districts);
    let visited: std::collections::BTreeSet<usize> =
        a.document.routes.iter().flat_map(|r| r.stops.iter().map(|s| s.tps)).collect();
    assert_eq!(visited.len() as u32 + a.document.summary.unpatrolled_tps, a.document.summary.tps);
    // What the plan holds is what it counts: assigned people are people of the roster, each at one post.
    let mut ids: Vec<&str> = a.document.posts.iter().flat_map(|p| p.people.iter().map(|(id, _)| id.as_str())).collect();
    let assigned = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), assigned, "no one at two posts");
    assert_eq!(assigned as u32, a.document.summary.assigned.total());
    assert_eq!(
        a.document.summary.partial,
        !a.document.gaps.is_empty()
            || a.document.summary.unpatrolled_tps > 0
            || !a.document.notices.is_empty()
                && a.document.notices.iter().any(|n| matches!(
                    n,
                    sinergi_domain::deployment::planner::Notice::NoPatrol { .. }
                        | sinergi_domain::deployment::planner::Notice::NoReserves { .. }
                ))
    );

    let run = db.run(&["plan", "list", "--regency", "15.07"]);
    run.ok();
    assert!(
        run.stdout.lines().next().unwrap().starts_with(&format!("{second}\t15.07\tPilkada 2026\tv2\tdraft")),
        "{}",
        run.stdout
    );
    db.run(&["plan", "approve", &first.to_string()]).ok();
    let run = db.run(&["plan", "approve", &first.to_string()]);
    run.expect_code(2);
    assert!(run.stderr.contains("only a draft can be approved"), "{}", run.stderr);
    db.run(&["plan", "approve", &second.to_string()]).ok();
    assert_eq!(store.plan(first).await.unwrap().unwrap().head.status.as_str(), "superseded");

    let run = db.run(&["plan", "compare", &first.to_string(), &second.to_string()]);
    run.ok();
    assert!(run.stdout.contains("Pilkada 2026 v1 (superseded)\tPilkada 2026 v2 (approved)"), "{}", run.stdout);
    assert!(run.stdout.contains("Worst reserve response time"), "{}", run.stdout);

    let csv = db.path("plan.csv").display().to_string();
    db.run(&["plan", "export", &second.to_string(), "--format", "csv", "--out", &csv]).ok();
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text.lines().count(), b.document.tps.len() + 1);
    assert!(text.starts_with("post,district,tps_id,tps,class"), "{text}");
    let geo = db.path("plan.geojson").display().to_string();
    db.run(&["plan", "export", &second.to_string(), "--format", "geojson", "--out", &geo]).ok();
    let value: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&geo).unwrap()).unwrap();
    let layers: std::collections::BTreeSet<&str> =
        value["features"].as_array().unwrap().iter().filter_map(|f| f["properties"]["layer"].as_str()).collect();
    assert_eq!(layers, ["patrol", "post", "reserve"].into());

    // A roster file with bad rows: each named by line and column, nothing stored.
    let before = store.people(&["polsek-15.07.01".to_owned()]).await.unwrap();
    let file = db.write(
        "roster.csv",
        "nrp,nama,pangkat,satuan,force,hp\n\
         87010001,Budi Santoso,Bripka,polsek-15.07.01,polri,0812-3456-7890\n\
         87010002,Siti,Bripda,polsek-99.99.99,polri,\n\
         87010003,Eko,Serda,polsek-15.07.01,tni,12\n",
    );
    let run = db.run(&["plan", "roster", "import", &file]);
    run.expect_code(2);
    assert!(run.stderr.contains("roster.csv:3") && run.stderr.contains("roster.csv:4"), "{}", run.stderr);
    assert_eq!(store.people(&["polsek-15.07.01".to_owned()]).await.unwrap(), before);
    // A good file replaces the unit's roster.
    let file = db.write(
        "roster.csv",
        "nrp,nama,pangkat,satuan,force,hp\n87010001,Budi Santoso,Bripka,polsek-15.07.01,polri,0812-3456-7890\n",
    );
    let run = db.run(&["plan", "roster", "import", &file]);
    run.ok();
    assert_eq!(run.stdout.trim(), "polsek-15.07.01\t1");
    let now = store.people(&["polsek-15.07.01".to_owned()]).await.unwrap();
    assert_eq!(now.len(), 1);
    assert_eq!(now[0].phone.as_deref(), Some("+6281234567890"));
    // The empty workbook to fill in, and a filled one read as its first sheet: a fault named by its row, then the
    // good one imported.
    let template = std::path::Path::new(&file).with_file_name("templat.xlsx");
    db.run(&["plan", "roster", "template", "--out", template.to_str().unwrap()]).ok();
    let header = sinergi_domain::spreadsheet::as_csv(&std::fs::read(&template).unwrap(), &[]).unwrap().into_owned();
    assert_eq!(String::from_utf8(header).unwrap(), "nrp,nama,pangkat,satuan,kekuatan,telepon,ketersediaan\n");
    use sinergi_domain::spreadsheet::{Cell, xlsx};
    let t = |s: &str| Cell::Text(s.to_owned());
    let mut rows = vec![["nrp", "nama", "pangkat", "satuan", "kekuatan"].map(t).to_vec()];
    rows.push(vec![Cell::Number(87010001.0), t("Budi Santoso"), t("Bripka"), t("polsek-15.07.01"), t("polri")]);
    rows.push(vec![Cell::Number(87010004.0), t("Wulan"), t("Bripda"), t("polsek-15.07.01"), t("marinir")]);
    let path = std::path::Path::new(&file).with_file_name("personel.xlsx");
    std::fs::write(&path, xlsx("Personel", &rows, &[])).unwrap();
    let run = db.run(&["plan", "roster", "import", path.to_str().unwrap()]);
    run.expect_code(2);
    assert!(run.stderr.contains("personel.xlsx:3: column force"), "{}", run.stderr);
    rows[2][4] = t("polri");
    std::fs::write(&path, xlsx("Personel", &rows, &[])).unwrap();
    let run = db.run(&["plan", "roster", "import", path.to_str().unwrap()]);
    run.ok();
    assert_eq!(run.stdout.trim(), "polsek-15.07.01\t2");
}
