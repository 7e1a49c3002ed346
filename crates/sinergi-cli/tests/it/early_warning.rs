//! `sinergi scan` as officers run it: the real binary on cases and zones files in a temporary directory (or on the
//! villages of a temporary database), checked by its JSON, its messages and its exit status.

use sinergi_domain::rng::SplitMix64;

use crate::helpers::Db;

/// 100 villages of regency 33.20 on a jittered 10 × 10 grid about 2 km apart (districts 33.20.01 and 33.20.02,
/// 50 villages each), as `(code, lat, lng)`.
fn villages() -> Vec<(String, f64, f64)> {
    let mut rng = SplitMix64::new(5);
    (0..100)
        .map(|i| {
            let code = format!("33.20.{:02}.{:04}", 1 + i / 50, 2001 + i % 50);
            let lat = -6.6 - (i / 10) as f64 * 0.018 - rng.next_f64() * 0.005;
            let lng = 110.6 + (i % 10) as f64 * 0.018 + rng.next_f64() * 0.005;
            (code, lat, lng)
        })
        .collect()
}

fn zones_csv(villages: &[(String, f64, f64)]) -> String {
    let mut text = "village_code,lat,lng\n".to_owned();
    for (code, lat, lng) in villages {
        text.push_str(&format!("{code},{lat:.6},{lng:.6}\n"));
    }
    text
}

/// 1,500 reports spread over the villages and the 60 days from 1 September 2024, three days of them (28–30
/// October) heavy in four neighbouring villages (grid rows 4–5, columns 4–5), and two reports from August.
fn cases_csv(villages: &[(String, f64, f64)]) -> String {
    let mut rng = SplitMix64::new(9);
    let mut text = "id,village_code,lat,lng,day\n".to_owned();
    let mut id = 0;
    let mut add = |text: &mut String, village: &str, day: String| {
        id += 1;
        text.push_str(&format!("r{id},{village},,,{day}\n"));
    };
    for _ in 0..1500 {
        let village = &villages[rng.below(100) as usize].0;
        let day = rng.below(60);
        let date = if day < 30 { format!("2024-09-{:02}", day + 1) } else { format!("2024-10-{:02}", day - 29) };
        add(&mut text, village, date);
    }
    for planted in [44, 45, 54, 55] {
        for k in 0..6 {
            add(&mut text, &villages[planted].0, format!("2024-10-{}", 28 + k % 3));
        }
    }
    add(&mut text, &villages[0].0, "2024-08-31".to_owned());
    add(&mut text, &villages[1].0, "2024-08-15".to_owned());
    text
}

const PERIOD: [&str; 4] = ["--start", "2024-09-01", "--end", "2024-10-30"];

fn scan_args<'a>(cases: &'a str, zones: &'a str, more: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["scan", "--cases", cases, "--zones", zones];
    args.extend(PERIOD);
    args.extend(more);
    args
}

fn codes(value: &serde_json::Value) -> Vec<&str> {
    value.as_array().expect("an array").iter().map(|v| v.as_str().expect("a code")).collect()
}

#[test]
fn a_planted_cluster_is_found_and_reported_as_json() {
    let dir = Db::new();
    let villages = villages();
    let zones = dir.write("zones.csv", &zones_csv(&villages));
    let cases = dir.write("cases.csv", &cases_csv(&villages));
    let run = dir.run(&scan_args(&cases, &zones, &[]));
    let json = run.json();

    let parameters = &json["parameters"];
    assert_eq!(parameters["start"], "2024-09-01");
    assert_eq!(parameters["end"], "2024-10-30");
    assert_eq!(parameters["max_radius_km"], 10.0);
    assert_eq!(parameters["max_fraction"], 0.5);
    assert_eq!(parameters["max_days"], 7);
    assert_eq!(parameters["min_cases"], 2);
    assert_eq!(parameters["replications"], 999);
    assert_eq!(parameters["seed"], 1);
    assert_eq!(json["zones"], 100);
    assert_eq!(json["cases_used"], 1524);
    assert_eq!(json["cases_left_out"], 2);

    let best = &json["most_likely_cluster"];
    let zones_of_best = codes(&best["zone_codes"]);
    for planted in [44, 45, 54, 55] {
        assert!(
            zones_of_best.contains(&villages[planted].0.as_str()),
            "{} not in {zones_of_best:?}",
            villages[planted].0
        );
    }
    // The four planted villages and, at most, a few neighbours whose background cases come along.
    assert!(zones_of_best.len() <= 8, "{zones_of_best:?}");
    assert_eq!(best["center_zone"].as_str(), zones_of_best.first().copied(), "the centre comes first");
    assert_eq!(best["end_day"], "2024-10-30");
    let start_day = best["start_day"].as_str().expect("a day");
    assert!(("2024-10-24".."2024-10-29").contains(&start_day), "{start_day}");
    let observed = best["observed"].as_u64().expect("a count");
    let expected = best["expected"].as_f64().expect("a number");
    assert!(observed >= 24 && expected < observed as f64 / 2.0, "{observed} observed, {expected} expected");
    let radius = best["radius_km"].as_f64().expect("a number");
    assert!(radius > 1.0 && radius < 5.0, "{radius}");
    let llr = best["llr"].as_f64().expect("a number");
    assert!(llr > 10.0, "{llr}");
    let p = best["p_value"].as_f64().expect("a number");
    assert!(p <= 0.01, "p = {p}");
    assert_eq!(p, 0.001, "nothing in 999 replications comes near");
    let gumbel = best["gumbel_p_value"].as_f64().expect("a Gumbel p-value");
    assert!(gumbel > 0.0 && gumbel < 1e-4, "{gumbel}");

    // Secondary clusters: each with every field, ordered by LLR, none sharing a village with another.
    let secondary = json["secondary_clusters"].as_array().expect("a list");
    let mut seen: std::collections::HashSet<&str> = zones_of_best.iter().copied().collect();
    let mut previous = llr;
    for cluster in secondary {
        for field in ["center_zone", "radius_km", "zone_codes", "start_day", "end_day", "observed", "expected", "llr"] {
            assert!(!cluster[field].is_null(), "{field} missing from {cluster}");
        }
        let p = cluster["p_value"].as_f64().expect("a p-value");
        assert!(p > 0.0 && p <= 1.0);
        let value = cluster["llr"].as_f64().expect("an LLR");
        assert!(value <= previous && value > 0.0);
        previous = value;
        for code in codes(&cluster["zone_codes"]) {
            assert!(seen.insert(code), "{code} in two clusters");
        }
    }
    assert!(run.stderr.contains("1,524 cases scanned, 2 outside the period left out"), "{}", run.stderr);
    assert!(run.stderr.contains(&format!("around {}", zones_of_best[0])), "{}", run.stderr);
}

#[test]
fn the_same_seed_gives_the_same_output_and_out_writes_it_to_a_file() {
    let dir = Db::new();
    let villages = villages();
    let zones = dir.write("zones.csv", &zones_csv(&villages));
    let cases = dir.write("cases.csv", &cases_csv(&villages));
    let first = dir.run(&scan_args(&cases, &zones, &["--seed", "77", "--replications", "199"]));
    let again = dir.run(&scan_args(&cases, &zones, &["--seed", "77", "--replications", "199"]));
    assert_eq!(first.json(), again.json());
    assert_eq!(first.stdout, again.stdout, "byte for byte");
    let out = dir.path("clusters.json");
    let out_text = out.display().to_string();
    let to_file = dir.run(&scan_args(&cases, &zones, &["--seed", "77", "--replications", "199", "--out", &out_text]));
    to_file.expect_code(0);
    assert_eq!(to_file.stdout, "");
    assert_eq!(std::fs::read_to_string(&out).expect("the output file"), first.stdout);
    // Another seed draws other permutations: the clusters stay, their p-values may move.
    let other = dir.run(&scan_args(&cases, &zones, &["--seed", "78", "--replications", "199"])).json();
    let first = first.json();
    assert_eq!(first["most_likely_cluster"]["llr"], other["most_likely_cluster"]["llr"]);
    assert_eq!(other["parameters"]["seed"], 78);
    let p_values = |json: &serde_json::Value| -> Vec<f64> {
        json["secondary_clusters"].as_array().expect("a list").iter().filter_map(|c| c["p_value"].as_f64()).collect()
    };
    assert_ne!(p_values(&first), p_values(&other));
}

#[test]
fn bad_rows_are_named_by_file_and_line() {
    let dir = Db::new();
    let villages = villages();
    let zones = dir.write(
        "zones.csv",
        &format!("{}33.20.03.2001,,\n", zones_csv(&villages[..10])), // line 12: no coordinates
    );
    let cases = dir.write(
        "cases.csv",
        "id,village_code,lat,lng,day\n\
         a,33.20.01.2001,,,2024-09-03\n\
         b,33.20.01.2002,,,2024-02-30\n\
         c,33.20.09.2001,,,2024-09-04\n\
         d,33.20.01.2003,-6.6,110.6,2024-09-05\n",
    );
    let run = dir.run(&scan_args(&cases, &zones, &[]));
    run.expect_code(2);
    assert_eq!(
        run.errors(),
        [
            format!("{zones}:12: column lat: the village 33.20.03.2001 has no coordinates"),
            format!("{cases}:3: column day: `2024-02-30` is not a calendar date YYYY-MM-DD"),
            format!("{cases}:4: column village_code: the village 33.20.09.2001 is not in the zones file"),
            "The scan was not run; problems in the input: 3.".to_owned(),
        ]
    );
    assert_eq!(run.stdout, "", "no JSON for refused input");
    // The same, in Bahasa Indonesia (the default language).
    let run = dir.run_in("id", &scan_args(&cases, &zones, &[]));
    run.expect_code(2);
    assert!(
        run.stderr
            .contains(&format!("{cases}:4: kolom village_code: desa/kelurahan 33.20.09.2001 tidak ada di berkas zona")),
        "{}",
        run.stderr
    );
}

#[test]
fn parameters_out_of_range_are_named() {
    let dir = Db::new();
    let villages = villages();
    let zones = dir.write("zones.csv", &zones_csv(&villages));
    let cases = dir.write("cases.csv", &cases_csv(&villages));
    let refused = |more: &[&str], message: &str| {
        let run = dir.run(&scan_args(&cases, &zones, more));
        run.expect_code(2);
        assert_eq!(run.errors(), [message], "{more:?}");
        assert_eq!(run.stdout, "");
    };
    refused(&["--max-fraction", "0.6"], "--max-fraction: must be greater than 0 and at most 0.5 (given 0.6)");
    refused(&["--max-fraction", "0"], "--max-fraction: must be greater than 0 and at most 0.5 (given 0)");
    refused(&["--replications", "0"], "--replications: must be from 1 to 1,000,000 (given 0)");
    refused(&["--max-days", "0"], "--max-days: must be from 1 to 366 (given 0)");
    refused(&["--max-radius-km", "-1"], "--max-radius-km: must be a number of 0 or more (given -1)");
    let run = dir.run(&["scan", "--cases", &cases, "--zones", &zones, "--start", "2024-09-31", "--end", "2024-10-30"]);
    run.expect_code(2);
    assert_eq!(run.errors(), ["--start: `2024-09-31` is not a calendar date YYYY-MM-DD"]);
    let run = dir.run(&["scan", "--cases", &cases, "--zones", &zones, "--start", "2024-10-30", "--end", "2024-09-01"]);
    run.expect_code(2);
    assert_eq!(
        run.errors(),
        [format!("{cases}: the study period is reversed: it starts on 2024-10-30, after its end on 2024-09-01")]
    );
    // In Bahasa Indonesia.
    let run = dir.run_in("id", &scan_args(&cases, &zones, &["--max-fraction", "0.6"]));
    assert_eq!(run.errors(), ["--max-fraction: harus lebih dari 0 dan paling besar 0,5 (tertulis 0.6)"]);
}

#[test]
fn empty_and_thin_studies_say_so_instead_of_reporting_a_cluster() {
    let dir = Db::new();
    let villages = villages();
    let zones = dir.write("zones.csv", &zones_csv(&villages));
    let cases = dir.write("cases.csv", &cases_csv(&villages));
    let run = dir.run(&["scan", "--cases", &cases, "--zones", &zones, "--start", "2023-01-01", "--end", "2023-12-31"]);
    run.expect_code(2);
    assert_eq!(
        run.errors(),
        [format!(
            "{cases}: there are no cases in the study period 2023-01-01 to 2023-12-31 (1526 cases lie outside it)"
        )]
    );
    // Only one case in the period (the report of 31 August).
    let run = dir.run(&["scan", "--cases", &cases, "--zones", &zones, "--start", "2024-08-20", "--end", "2024-08-31"]);
    run.expect_code(2);
    assert_eq!(
        run.errors(),
        [format!(
            "{cases}: too few cases for a scan: 1 in the study period, and a cluster needs at least 2 (--min-cases)"
        )]
    );
    let run = dir.run(&scan_args(&cases, &zones, &["--min-cases", "2000"]));
    run.expect_code(2);
    assert!(run.stderr.contains("too few cases for a scan: 1524 in the study period"), "{}", run.stderr);
    // Enough cases, but no cylinder above its expectation with at least --min-cases: no cluster, said so.
    let run = dir.run(&scan_args(&cases, &zones, &["--min-cases", "1000"]));
    let json = run.json();
    assert!(json["most_likely_cluster"].is_null(), "{json}");
    assert_eq!(json["secondary_clusters"], serde_json::json!([]));
    assert_eq!(run.errors(), ["No cluster: no cylinder holds more cases than expected and at least 1000 cases."]);
}

/// A region list for regency 33.20 (two districts, the 100 villages) and regency 33.21, whose only village has no
/// centroid.
fn regions_csv(villages: &[(String, f64, f64)]) -> String {
    let mut text = "code,name,level,parent,lat,lng\n33,Jawa Tengah,1,,,\n33.20,Kabupaten Uji,2,33,,\n\
                    33.20.01,Satu,3,33.20,,\n33.20.02,Dua,3,33.20,,\n33.21,Kabupaten Lain,2,33,,\n\
                    33.21.01,Tiga,3,33.21,,\n33.21.01.2001,Tanpa Titik,4,33.21.01,,\n"
        .to_owned();
    for (code, lat, lng) in villages {
        let parent = &code[..8];
        text.push_str(&format!("{code},Desa {code},4,{parent},{lat:.6},{lng:.6}\n"));
    }
    text
}

#[test]
fn without_zones_the_villages_come_from_the_database() {
    let dir = Db::new();
    let villages = villages();
    let regions = dir.write("regions.csv", &regions_csv(&villages));
    dir.run(&["import", "regions", &regions]).expect_code(0);
    let zones = dir.write("zones.csv", &zones_csv(&villages));
    let cases = dir.write("cases.csv", &cases_csv(&villages));

    // The database holds the same villages and centroids as the zones file: the same clusters.
    let mut args = vec!["scan", "--cases", cases.as_str(), "--replications", "99"];
    args.extend(PERIOD);
    let from_database = dir.run(&args).json();
    let from_file = dir.run(&scan_args(&cases, &zones, &["--replications", "99"])).json();
    assert_eq!(from_database, from_file);
    assert_eq!(from_database["zones"], 100);

    // A case in a village the database does not have, and a regency whose village has no centroid.
    let more = format!("{}r9001,33.20.02.2099,,,2024-10-01\nr9002,33.21.01.2001,,,2024-10-01\n", cases_csv(&villages));
    let cases = dir.write("more.csv", &more);
    let mut args = vec!["scan", "--cases", cases.as_str()];
    args.extend(PERIOD);
    let run = dir.run(&args);
    run.expect_code(2);
    let url = format!("sqlite://{}", dir.path("x.db").display());
    assert_eq!(
        run.errors(),
        [
            format!(
                "{url}: the village 33.21.01.2001 has no coordinates in the database; give the zones with --zones FILE"
            ),
            format!("{cases}:1528: column village_code: the village 33.20.02.2099 is not in the database"),
            "The scan was not run; problems in the input: 2.".to_owned(),
        ]
    );
}

#[test]
fn a_missing_file_is_an_error() {
    let dir = Db::new();
    let missing = dir.path("nowhere.csv").display().to_string();
    let run =
        dir.run(&["scan", "--cases", &missing, "--zones", &missing, "--start", "2024-09-01", "--end", "2024-10-30"]);
    run.expect_code(1);
    assert!(run.stderr.contains(&format!("cannot open {missing}")), "{}", run.stderr);
}
