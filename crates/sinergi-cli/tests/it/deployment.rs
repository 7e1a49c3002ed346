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
