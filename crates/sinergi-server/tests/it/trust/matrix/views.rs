//! Phase 1 of the access matrix: what each subject *sees* in the lists and pages.

use super::*;

/// One list or page, and what each subject must find in it (subjects left out get no 200 here; their status is
/// in the matrix).
struct View {
    path: &'static str,
    what: &'static str,
    extract: fn(&str) -> Value,
    want: Vec<(Who, Value)>,
}

fn view(
    path: &'static str,
    what: &'static str,
    extract: fn(&str) -> Value,
    want: impl Fn(Who) -> Option<Value>,
) -> View {
    let want = EVERYONE.iter().filter(|w| **w != Anonymous).filter_map(|w| want(*w).map(|v| (*w, v))).collect();
    View { path, what, extract, want }
}

/// The `code`s of a JSON array, sorted.
fn codes(text: &str) -> Value {
    let body = parse(text);
    let set: BTreeSet<&str> = body.as_array().into_iter().flatten().filter_map(|r| r["code"].as_str()).collect();
    json!(set)
}

/// The `code`s of a page's `items`, sorted.
fn item_codes(text: &str) -> Value {
    let body = parse(text);
    let set: BTreeSet<&str> =
        body["items"].as_array().into_iter().flatten().filter_map(|r| r["code"].as_str()).collect();
    json!(set)
}

fn total(text: &str) -> Value {
    parse(text)["total"].clone()
}

/// The villages of a page of TPS, sorted and without repeats.
fn villages(text: &str) -> Value {
    let body = parse(text);
    let set: BTreeSet<&str> =
        body["items"].as_array().into_iter().flatten().filter_map(|r| r["village_code"].as_str()).collect();
    json!(set)
}

/// The TPS count of the province 15 in the list of provinces.
fn tps_of_jambi(text: &str) -> Value {
    let body = parse(text);
    body.as_array().into_iter().flatten().find(|r| r["code"] == "15").map_or(Value::Null, |r| r["tps"].clone())
}

/// How many TPS points a map collection has.
fn tps_points(text: &str) -> Value {
    let body = parse(text);
    json!(body["features"].as_array().into_iter().flatten().filter(|f| f["properties"]["kind"] == "tps").count())
}

fn units_counted(text: &str) -> Value {
    let body = parse(text);
    json!(body.as_array().into_iter().flatten().filter_map(|a| a["units"].as_u64()).sum::<u64>())
}

/// The owners of the listed tokens, sorted and without repeats.
fn owners(text: &str) -> Value {
    let body = parse(text);
    let set: BTreeSet<&str> = body.as_array().into_iter().flatten().filter_map(|t| t["username"].as_str()).collect();
    json!(set)
}

fn me(text: &str) -> Value {
    let body = parse(text);
    json!([body["username"], body["role"], body["scope"]])
}

/// The villages of a GeoJSON export of reports, sorted.
fn feature_villages(text: &str) -> Value {
    let body = parse(text);
    let set: BTreeSet<&str> = body["features"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["properties"]["village_code"].as_str())
        .collect();
    json!(set)
}

/// How many report rows a page lists.
fn report_rows(html: &str) -> Value {
    json!(html.matches("data-reference=\"").count())
}

fn mentions_riau(html: &str) -> Value {
    json!(html.contains("Riau"))
}

/// Whether a page names the two districts of 15.07: [Timur (15.07.01), Barat (15.07.02)].
fn mentions_districts(html: &str) -> Value {
    json!([html.contains("Muara Sabak Timur"), html.contains("Muara Sabak Barat")])
}

/// Whether a page lists TPS 001 of 15.07.01.2002 (address "Masjid") and TPS 001 of 15.07.01.2001 ("Balai Desa
/// Satu").
fn mentions_tps(html: &str) -> Value {
    json!([html.contains("Masjid"), html.contains("Balai Desa Satu")])
}

fn views() -> Vec<View> {
    let both = || json!(["15.07.01", "15.07.02"]);
    vec![
        view("/api/v1/regions", "province codes", codes, |w| {
            Some(if w == Admin { json!(["14", "15"]) } else { json!(["15"]) })
        }),
        view("/api/v1/regions", "TPS counted in Jambi", tps_of_jambi, |w| {
            Some(json!(match w {
                DistrictOperator => 4,
                FieldReporter => 3,
                External => 0,
                ScopedToken => 1,
                _ => 5,
            }))
        }),
        view("/api/v1/regions/15.07/children", "district codes", codes, |w| {
            Some(match w {
                DistrictOperator | FieldReporter | External => json!(["15.07.01"]),
                ScopedToken => json!(["15.07.02"]),
                _ => both(),
            })
        }),
        view("/api/v1/regions/search?q=Muara", "codes found", codes, |w| {
            Some(match w {
                DistrictOperator | FieldReporter | External => json!(["15.07.01"]),
                ScopedToken => json!(["15.07.02"]),
                _ => both(),
            })
        }),
        view("/api/v1/regions/search?q=Desa", "codes found", codes, |w| {
            Some(match w {
                FieldReporter => json!(["15.07.01.2001"]),
                ScopedToken => json!([]),
                _ => json!(["15.07.01.2001", "15.07.01.2002"]),
            })
        }),
        view("/api/v1/tps?region=15.07", "total", total, |w| match w {
            External => None,
            DistrictOperator => Some(json!(4)),
            FieldReporter => Some(json!(3)),
            ScopedToken => Some(json!(1)),
            _ => Some(json!(5)),
        }),
        view("/api/v1/tps?region=15.07", "villages", villages, |w| match w {
            External => None,
            DistrictOperator => Some(json!(["15.07.01.2001", "15.07.01.2002"])),
            FieldReporter => Some(json!(["15.07.01.2001"])),
            ScopedToken => Some(json!(["15.07.02.1001"])),
            _ => Some(json!(["15.07.01.2001", "15.07.01.2002", "15.07.02.1001"])),
        }),
        view("/api/v1/tps?region=15", "total", total, |w| match w {
            External => None,
            DistrictOperator => Some(json!(4)),
            FieldReporter => Some(json!(3)),
            ScopedToken => Some(json!(1)),
            _ => Some(json!(5)),
        }),
        view("/api/v1/tps?region=15.07.01", "total", total, |w| match w {
            External | ScopedToken => None,
            FieldReporter => Some(json!(3)),
            _ => Some(json!(4)),
        }),
        // TPS 001 of 15.07.02.1001 has no coordinates: four points in the regency at most.
        view("/api/v1/regions/15.07/map", "TPS points", tps_points, |w| {
            Some(json!(match w {
                FieldReporter => 3,
                External | ScopedToken => 0,
                _ => 4,
            }))
        }),
        view("/api/v1/units", "unit codes", item_codes, |w| {
            let chain = ["polda-15", "polres-15.07", "polsek-15.07.01", "ppk-15.07.01", "pps-15.07.01.2001"];
            match w {
                External => None,
                Admin => Some(json!([
                    "polda-14",
                    "polda-15",
                    "polres-15.07",
                    "polsek-15.07.01",
                    "polsek-15.07.02",
                    "ppk-15.07.01",
                    "pps-15.07.01.2001"
                ])),
                DistrictOperator | FieldReporter => Some(json!(chain)),
                ScopedToken => Some(json!(["polda-15", "polres-15.07", "polsek-15.07.02"])),
                _ => Some(json!([
                    "polda-15",
                    "polres-15.07",
                    "polsek-15.07.01",
                    "polsek-15.07.02",
                    "ppk-15.07.01",
                    "pps-15.07.01.2001"
                ])),
            }
        }),
        view("/api/v1/units?region=15.07.02", "unit codes", item_codes, |w| match w {
            External => None,
            DistrictOperator | FieldReporter => Some(json!([])),
            _ => Some(json!(["polsek-15.07.02"])),
        }),
        view("/api/v1/agencies", "units counted", units_counted, |w| {
            Some(json!(match w {
                Admin => 7,
                DistrictOperator | FieldReporter => 5,
                External => 0,
                ScopedToken => 3,
                _ => 6,
            }))
        }),
        view("/api/v1/tokens", "owners", owners, |w| match w {
            ReadOnlyToken => None,
            _ => Some(json!([username(w)])),
        }),
        view("/api/v1/tokens?all=true", "owners", owners, |w| {
            (w == Admin).then(|| json!(["admin", "komandan", "kpu.luar", "ops", "ops.sabak", "pelapor", "pengamat"]))
        }),
        // A token acts for its account: `me` is the account, with the account's scope.
        view("/api/v1/auth/me", "username, role, scope", me, |w| {
            Some(match w {
                Admin => json!(["admin", "administrator", null]),
                Commander => json!(["komandan", "commander", "15.07"]),
                DistrictOperator => json!(["ops.sabak", "operator", "15.07.01"]),
                FieldReporter => json!(["pelapor", "field_reporter", "15.07.01.2001"]),
                Observer => json!(["pengamat", "observer", "15.07"]),
                External => json!(["kpu.luar", "external", "15.07.01"]),
                _ => json!(["ops", "operator", "15.07"]),
            })
        }),
        view("/regions", "names Riau", mentions_riau, |w| Some(json!(w == Admin))),
        // The incident desk's export and list: the two reports (15.07.01.2001 and 15.07.02.1001) where the territory
        // holds them.
        view("/api/v1/reports/export?format=geojson", "report villages", feature_villages, |w| match w {
            // The external KPU account: only the report Polri shared with KPU.
            DistrictOperator | FieldReporter | External => Some(json!(["15.07.01.2001"])),
            ScopedToken => Some(json!(["15.07.02.1001"])),
            _ => Some(json!(["15.07.01.2001", "15.07.02.1001"])),
        }),
        // The field reporter's own intelligence report (terbatas, above their clearance) is theirs to read, and the
        // administrator's; the shared one is the external account's.
        view("/incidents", "report rows", report_rows, |w| match w {
            Admin | FieldReporter => Some(json!(if w == Admin { 3 } else { 2 })),
            DistrictOperator | ScopedToken | External => Some(json!(1)),
            _ => Some(json!(2)),
        }),
        view("/regions/15.07", "names [Timur, Barat]", mentions_districts, |w| {
            Some(match w {
                DistrictOperator | FieldReporter | External => json!([true, false]),
                ScopedToken => json!([false, true]),
                _ => json!([true, true]),
            })
        }),
        view("/regions/15.07.01", "lists [Masjid, Balai Desa Satu]", mentions_tps, |w| match w {
            ScopedToken => None,
            FieldReporter => Some(json!([false, true])),
            External => Some(json!([false, false])),
            _ => Some(json!([true, true])),
        }),
    ]
}

pub(super) async fn check_views(world: &World, mismatches: &mut Vec<String>) -> usize {
    let mut checked = 0;
    for v in views() {
        for (who, want) in &v.want {
            checked += 1;
            let response = world.clients[who].get(format!("{}{}", world.base, v.path)).send().await.unwrap();
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            if status != 200 {
                mismatches.push(format!("{who:?} sees GET {}: expected 200, got {status} {text:.120}", v.path));
                continue;
            }
            let got = (v.extract)(&text);
            if got != *want {
                mismatches.push(format!("{who:?} sees GET {} {}: expected {want}, got {got}", v.path, v.what));
            }
        }
    }
    checked
}
