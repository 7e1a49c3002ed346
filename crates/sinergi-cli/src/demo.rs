//! `sinergi demo`: a database a new user can explore at once. It holds the whole national region list, the
//! boundaries of the four regencies where the project's source reports were written, synthetic TPS inside their
//! villages (labelled as such), and the agencies and units of those regencies.
//!
//! Every step is an upsert keyed by natural keys (region code, village + TPS number, unit code) and the
//! synthetic data is deterministic, so running the demo again changes nothing and duplicates nothing.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, bail};
use sinergi_domain::access::Viewer;
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::registry::agency::Contact;
use sinergi_domain::registry::import::{BoundaryRecord, parse_boundaries, parse_regions};
use sinergi_domain::registry::synthetic::{AccessProfile, VillageInput, expected_tps, generate_tps};
use sinergi_domain::rng::SplitMix64;
use sinergi_domain::trust::auth::{Role, Scope};
use sinergi_domain::{AgencyKind, Level, RegionCode, Unit, UnitKind};
use sinergi_store::{NewAssessment, NewUser, Store};

/// The regencies with boundaries in `shared/data/boundaries`, where the seed reports were written.
pub const REGENCIES: [&str; 4] = ["15.07", "14.04", "33.20", "73.18"];

/// Seed of the synthetic data. Changing it moves every demo TPS: don't, without a reason.
pub const SEED: u64 = 20241127;

/// The password of every demo account. Printed by `sinergi demo` and in the README: a demo database must never
/// hold real data or face a real network.
pub const DEMO_PASSWORD: &str = "sinergi-demo-2024";

/// The demo's accounts: one per agency kind, in Jepara (33.20), plus a national administrator; Polri, TNI, KPU and
/// Bawaslu each have an operator (records TPS and assessments, files and handles reports) beside a commander (reads
/// everything, decides), as their offices do.
pub const DEMO_ACCOUNTS: [(&str, &str, Role, bool); 15] = [
    ("demo.admin", "polres-33.20", Role::Administrator, true),
    ("demo.polri", "polres-33.20", Role::Operator, false),
    ("demo.polri.pimpinan", "polres-33.20", Role::Commander, false),
    ("demo.tni", "kodim-33.20", Role::Commander, false),
    ("demo.tni.operator", "kodim-33.20", Role::Operator, false),
    ("demo.kpu", "kpu-kabupaten-33.20", Role::Operator, false),
    ("demo.kpu.pimpinan", "kpu-kabupaten-33.20", Role::Commander, false),
    ("demo.bawaslu", "bawaslu-kabupaten-33.20", Role::Commander, false),
    ("demo.bawaslu.operator", "bawaslu-kabupaten-33.20", Role::Operator, false),
    ("demo.pemda", "kesbangpol-33.20", Role::Observer, false),
    ("demo.kejaksaan", "kejari-33.20", Role::Observer, false),
    ("demo.pengadilan", "pengadilan-negeri-33.20", Role::Observer, false),
    ("demo.pln", "pln-up3-33.20", Role::External, false),
    ("demo.telkom", "telkom-witel-33.20", Role::External, false),
    ("demo.linmas", "satpol-pp-33.20", Role::FieldReporter, false),
];

/// The `meta` key that marks a database as the demo's.
pub const DEMO_MARK: &str = "demo";

/// True when `sinergi demo` made this database.
pub async fn is_demo(store: &dyn Store) -> anyhow::Result<bool> {
    Ok(store.meta(DEMO_MARK).await?.as_deref() == Some("1"))
}

/// Builds the demo. `province`: also fill every regency of that province with synthetic TPS, units, assessments
/// and three weeks of reports at the demo's density (a province-wide look, and the province benchmark of the
/// situation report; Jawa Tengah, 33, has 35 regencies and about 70,000 TPS).
pub async fn seed(store: &dyn Store, data: &Path, lang: Lang, province: Option<&RegionCode>) -> anyhow::Result<()> {
    let wilayah = data.join("wilayah.csv");
    if !wilayah.exists() {
        bail!("{}", lang.format(Msg::DemoDataMissing, &[("dir", &data.display())]));
    }
    // The demo brings accounts with a published password: it fills only a new database or its own, never one
    // that already has accounts or TPS (a real deployment reached through SINERGI_DATABASE_URL, say).
    if !is_demo(store).await? {
        let tps: u64 = store.tps_stats_by_child(&Viewer::system("cli"), None).await?.values().map(|s| s.tps).sum();
        if !store.list_users().await?.is_empty() || tps > 0 {
            bail!("{}", lang.t(Msg::DemoRefused));
        }
        store.set_meta(DEMO_MARK, "1").await?;
    }
    let started = Instant::now();

    // 1. The national region list. The file is the authority; rows it gets wrong are reported and left out.
    let known = store.region_codes().await?;
    let file = std::fs::File::open(&wilayah).with_context(|| format!("cannot open {}", wilayah.display()))?;
    let parsed = parse_regions(std::io::BufReader::new(file), |c| known.contains(c));
    for issue in &parsed.issues {
        eprintln!("{}", issue.render(&wilayah.display().to_string(), lang));
    }
    let regions: Vec<_> = parsed.records.into_iter().map(|(_, r)| r).collect();
    store.upsert_regions(&regions).await?;
    println!("{}", lang.format(Msg::DemoRegions, &[("count", &lang.number(regions.len() as u64))]));
    let names: HashMap<RegionCode, String> = regions.iter().map(|r| (r.code.clone(), r.name.clone())).collect();

    // 2. Boundaries of the four regencies.
    let known = store.region_codes().await?;
    let mut boundaries: HashMap<RegionCode, BoundaryRecord> = HashMap::new();
    for regency in REGENCIES {
        let path = data.join("boundaries").join(format!("{regency}.geojson"));
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let parsed = parse_boundaries(&text, |c| known.contains(c));
        for issue in &parsed.issues {
            eprintln!("{}", issue.render(&path.display().to_string(), lang));
        }
        let records: Vec<_> = parsed.records.iter().map(|(_, b)| (b.code.clone(), b.boundary.clone())).collect();
        store.set_boundaries(&records).await?;
        boundaries.extend(parsed.records.into_iter().map(|(_, b)| (b.code.clone(), b)));
    }
    println!("{}", lang.format(Msg::DemoBoundaries, &[("count", &lang.number(boundaries.len() as u64))]));

    // 3. Synthetic TPS, as many as a regional election would have for the regency's population.
    let mut regencies: Vec<RegionCode> = REGENCIES.iter().map(|c| RegionCode::parse(c)).collect::<Result<_, _>>()?;
    if let Some(province) = province {
        if province.level() != Level::Province || !names.contains_key(province) {
            bail!("--province {province}: not a province of the region list");
        }
        for r in &regions {
            if r.code.level() == Level::Regency && province.contains(&r.code) && !regencies.contains(&r.code) {
                regencies.push(r.code.clone());
            }
        }
    }
    let population = read_population(&data.join("population.csv"))?;
    let mut total_tps = 0;
    let mut units = Vec::new();
    let mut tps_of_village: std::collections::BTreeMap<RegionCode, u32> = std::collections::BTreeMap::new();
    for regency in &regencies {
        let villages: Vec<VillageInput> = regions
            .iter()
            .filter(|r| r.code.level() == Level::Village && regency.contains(&r.code))
            .map(|r| VillageInput {
                code: r.code.clone(),
                name: r.name.clone(),
                centroid: r.centroid,
                boundary: boundaries.get(&r.code).map(|b| b.boundary.clone()),
            })
            .collect();
        let people = population.get(regency.as_str()).copied().unwrap_or(250_000);
        let tps = generate_tps(&villages, expected_tps(people), AccessProfile::for_regency(regency), SEED);
        store.upsert_tps(&tps).await?;
        total_tps += tps.len();
        let name = names.get(regency).cloned().unwrap_or_default();
        println!("{}", lang.format(Msg::DemoTps, &[("count", &lang.number(tps.len() as u64)), ("regency", &name)]));

        // 4. The agencies' units in the regency, its districts and its villages.
        let mut tps_per_village: HashMap<&RegionCode, u32> = HashMap::new();
        for t in &tps {
            *tps_per_village.entry(&t.village).or_default() += 1;
            *tps_of_village.entry(t.village.clone()).or_default() += 1;
        }
        units.extend(units_of(regency, &regions, &names, &tps_per_village));
    }
    units.sort_by(|a, b| a.code.cmp(&b.code));
    units.dedup_by(|a, b| a.code == b.code);
    for unit in &units {
        unit.validate().with_context(|| format!("demo unit {}", unit.code))?;
    }
    // The synthetic roster, and each unit's strength as the roster holds it.
    let people = sinergi_domain::deployment::personnel::synthetic_roster(&units, &tps_of_village, SEED);
    let mut strength: HashMap<&str, u32> = HashMap::new();
    for p in &people {
        *strength.entry(p.unit.as_str()).or_default() += 1;
    }
    for unit in &mut units {
        if let Some(n) = strength.get(unit.code.as_str()) {
            unit.personnel = *n;
        }
    }
    store.upsert_units(&units).await?;
    seed_roster(store, &regencies, &people, lang).await?;
    let detail = format!(
        "{} regions, {} boundaries, {total_tps} synthetic TPS, {} units",
        regions.len(),
        boundaries.len(),
        units.len()
    );
    crate::trust::audit::record(store, "demo.seed", &data.display().to_string(), detail).await?;
    println!("{}", lang.format(Msg::DemoUnits, &[("count", &lang.number(units.len() as u64))]));
    println!(
        "{}",
        lang.format(
            Msg::DemoReady,
            &[("tps", &lang.number(total_tps as u64)), ("seconds", &format!("{:.1}", started.elapsed().as_secs_f64()))]
        )
    );
    seed_accounts(store).await?;
    seed_assessments(store, lang, &regencies).await?;
    crate::coordination::seed_demo_forum(store, lang).await?;
    // Reports in Jepara; with a province, in each of its regencies too.
    let mut filed = 0;
    for regency in regencies.iter().filter(|r| r.as_str() == "33.20" || province.is_some_and(|p| p.contains(r))) {
        filed += crate::incident::synthetic::seed_demo_reports(store, regency, crate::trust::audit::now_ms()).await?;
    }
    if filed > 0 {
        println!("{}", lang.format(Msg::DemoReports, &[("count", &lang.number(filed as u64))]));
    }
    println!("{}", lang.format(Msg::DemoAccounts, &[("password", &DEMO_PASSWORD)]));
    for (username, unit, role, _) in DEMO_ACCOUNTS {
        println!("  {username:<22} {:<15} {unit:<25} {}", role.as_str(), lang.t(may_do(role)));
    }
    Ok(())
}

/// Synthetic people for the demo's units (labelled synthetic: `(sintetis)` in every name, ids `SIN-…`), at
/// realistic strengths, once: a database that has people in these regencies keeps them.
async fn seed_roster(
    store: &dyn Store,
    regencies: &[RegionCode],
    people: &[sinergi_domain::deployment::personnel::Person],
    lang: Lang,
) -> anyhow::Result<()> {
    for regency in regencies {
        if !store.roster_counts(regency).await?.is_empty() {
            return Ok(());
        }
    }
    let codes: Vec<String> =
        people.iter().map(|p| p.unit.clone()).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    let detail = format!("{} synthetic people for {} demo units", people.len(), codes.len());
    let event = crate::trust::audit::cli_event("roster.import", "demo", detail);
    store.replace_roster(&codes, people, &event.actor, event.at_ms, &event).await?;
    println!("{}", lang.format(Msg::DemoRoster, &[("count", &lang.number(people.len() as u64))]));
    Ok(())
}

/// What an account of the role may do, for the printed list of demo accounts (`sinergi_domain::access` decides).
fn may_do(role: Role) -> Msg {
    match role {
        Role::Administrator => Msg::DemoMayAdminister,
        Role::Commander => Msg::DemoMayCommand,
        Role::Operator => Msg::DemoMayOperate,
        Role::FieldReporter => Msg::DemoMayReport,
        Role::Observer => Msg::DemoMayObserve,
        Role::External => Msg::DemoMaySeeShared,
    }
}

/// Loads the shipped indicator sets and, for every demo TPS that has none yet, one synthetic assessment by the
/// village's Panwaslu (Bawaslu set) and one by its Bhabinkamtibmas (Polri set), so that the vulnerability views
/// have something to show. A second run adds nothing.
async fn seed_assessments(store: &dyn Store, lang: Lang, regencies: &[RegionCode]) -> anyhow::Result<()> {
    use sinergi_domain::vulnerability::IndicatorSet;
    crate::vulnerability::load_shipped(store).await?;
    let everything = Viewer::system("cli");
    let mut written = 0u64;
    for (set_id, agency, assessor) in [
        ("bawaslu-pilkada-2024", AgencyKind::Bawaslu, "Panwaslu Kelurahan/Desa (demo)"),
        ("polri-kelas-tps", AgencyKind::Polri, "Bhabinkamtibmas (demo)"),
    ] {
        let set: IndicatorSet = crate::vulnerability::loaded(store, set_id, lang).await?;
        for regency in regencies {
            if !store.tps_classes(&everything, set_id, regency).await?.is_empty() {
                continue;
            }
            let items: Vec<NewAssessment> = store
                .all_tps(&everything, regency)
                .await?
                .into_iter()
                .map(|t| NewAssessment {
                    tps_id: t.id,
                    agency,
                    assessor: assessor.to_owned(),
                    account_id: None,
                    assessed_at_ms: DEMO_ASSESSED_AT_MS,
                    recorded_at_ms: DEMO_ASSESSED_AT_MS,
                    answers: sinergi_domain::registry::synthetic::synthetic_answers(
                        &set,
                        &t.tps.village,
                        &t.tps.number.to_string(),
                        SEED,
                    ),
                    evidence: "Data sintetis untuk demo, bukan hasil pemetaan sungguhan.".to_owned(),
                    photo: None,
                })
                .collect();
            let detail = format!("{} synthetic assessments in {regency}", items.len());
            let event = crate::trust::audit::cli_event("demo.assessments", set_id, detail);
            written += store.add_assessments(&set, &items, &event).await?;
        }
    }
    // The area indicators of every village with TPS and of every district, by Bawaslu's supervisors.
    let set: IndicatorSet = crate::vulnerability::loaded(store, "bawaslu-pilkada-2024", lang).await?;
    for regency in regencies {
        if !store.area_assessments(&everything, &set.id, regency).await?.is_empty() {
            continue;
        }
        let mut regions = std::collections::BTreeSet::new();
        for t in store.all_tps(&everything, regency).await? {
            regions.extend(t.tps.village.at_level(sinergi_domain::Level::District));
            regions.insert(t.tps.village);
        }
        let items: Vec<sinergi_store::NewAreaAssessment> = regions
            .into_iter()
            .map(|region| sinergi_store::NewAreaAssessment {
                answers: sinergi_domain::registry::synthetic::synthetic_area_answers(&set, &region, SEED),
                assessor: if region.level() == sinergi_domain::Level::District {
                    "Panwaslu Kecamatan (demo)"
                } else {
                    "Panwaslu Kelurahan/Desa (demo)"
                }
                .to_owned(),
                region,
                agency: AgencyKind::Bawaslu,
                account_id: None,
                assessed_at_ms: DEMO_ASSESSED_AT_MS,
                recorded_at_ms: DEMO_ASSESSED_AT_MS,
                evidence: "Data sintetis untuk demo, bukan hasil pemetaan sungguhan.".to_owned(),
            })
            .collect();
        let detail = format!("{} synthetic area assessments in {regency}", items.len());
        let event = crate::trust::audit::cli_event("demo.area_assessments", &set.id, detail);
        written += store.add_area_assessments(&set, &items, &event).await?;
    }
    println!("{}", lang.format(Msg::DemoAssessments, &[("count", &lang.number(written))]));
    Ok(())
}

/// 12 November 2024, 09:00 WIB: the week Bawaslu collected the Pilkada 2024 mapping.
const DEMO_ASSESSED_AT_MS: i64 = 1_731_376_800_000;

/// Creates the demo accounts that do not exist yet (a second run leaves them, and any password change, alone).
async fn seed_accounts(store: &dyn Store) -> anyhow::Result<()> {
    for (username, unit_code, role, national) in DEMO_ACCOUNTS {
        if store.user_by_name(username).await?.is_some() {
            continue;
        }
        let unit = store
            .unit(&Viewer::system("cli"), unit_code)
            .await?
            .with_context(|| format!("demo unit {unit_code} is missing"))?;
        let user = NewUser {
            username: username.to_owned(),
            display_name: format!("Demo {}", unit.name),
            unit_code: unit.code.clone(),
            role,
            scope: if national { Scope::National } else { Scope::Region(unit.territory.clone()) },
            password_hash: sinergi_server::trust::secrets::hash_password(DEMO_PASSWORD)?,
            created_at_ms: crate::trust::audit::now_ms(),
        };
        let event = crate::trust::audit::cli_event("user.create", username, format!("demo account, role={role}"));
        store.create_user(&user, &event).await?;
    }
    Ok(())
}

fn read_population(path: &Path) -> anyhow::Result<HashMap<String, u64>> {
    let mut reader = csv::Reader::from_path(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut out = HashMap::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.with_context(|| format!("{}: line {}", path.display(), i + 2))?;
        if let (Some(code), Some(total)) = (row.get(0), row.get(4).and_then(|t| t.parse().ok())) {
            out.insert(code.to_owned(), total);
        }
    }
    Ok(out)
}

/// The units of a regency's coordination forum, down to its villages. Personnel counts are plausible but
/// invented (deterministic per unit); contacts use the reserved `.invalid` domain so nobody mistakes them.
fn units_of(
    regency: &RegionCode,
    regions: &[sinergi_domain::Region],
    names: &HashMap<RegionCode, String>,
    tps_per_village: &HashMap<&RegionCode, u32>,
) -> Vec<Unit> {
    let name_of = |code: &RegionCode| names.get(code).cloned().unwrap_or_else(|| code.to_string());
    let short =
        |code: &RegionCode| name_of(code).trim_start_matches("Kabupaten ").trim_start_matches("Kota ").to_owned();
    let make = |kind: UnitKind, territory: &RegionCode, name: String, parent: Option<String>, personnel: (u32, u32)| {
        let code = Unit::conventional_code(kind, territory);
        let mut rng = SplitMix64::from_text(SEED, &code);
        let (lo, hi) = personnel;
        Unit {
            contact: Contact { phone: None, email: Some(format!("{code}@demo.sinergi.invalid")), address: None },
            personnel: lo + rng.below(u64::from(hi - lo + 1)) as u32,
            code,
            kind,
            name,
            territory: territory.clone(),
            parent,
        }
    };
    let code_of = |kind: UnitKind, territory: &RegionCode| Some(Unit::conventional_code(kind, territory));
    let mut out = Vec::new();
    let Some(province) = regency.parent() else { return out };
    let p = name_of(&province);
    out.push(make(UnitKind::Polda, &province, format!("Polda {p}"), None, (3000, 6000)));
    out.push(make(UnitKind::KpuProvinsi, &province, format!("KPU Provinsi {p}"), None, (60, 90)));
    out.push(make(UnitKind::BawasluProvinsi, &province, format!("Bawaslu Provinsi {p}"), None, (50, 80)));
    let r = short(regency);
    let polda = code_of(UnitKind::Polda, &province);
    out.push(make(UnitKind::Polres, regency, format!("Polres {r}"), polda, (350, 800)));
    out.push(make(UnitKind::Kodim, regency, format!("Kodim {r}"), None, (150, 300)));
    let kpu = code_of(UnitKind::KpuProvinsi, &province);
    out.push(make(UnitKind::KpuKabupaten, regency, format!("KPU Kabupaten {r}"), kpu, (30, 50)));
    let bawaslu = code_of(UnitKind::BawasluProvinsi, &province);
    out.push(make(UnitKind::BawasluKabupaten, regency, format!("Bawaslu Kabupaten {r}"), bawaslu, (25, 40)));
    out.push(make(UnitKind::Kesbangpol, regency, format!("Kesbangpol Kabupaten {r}"), None, (20, 35)));
    out.push(make(UnitKind::SatpolPp, regency, format!("Satpol PP Kabupaten {r}"), None, (60, 150)));
    out.push(make(UnitKind::Kejari, regency, format!("Kejaksaan Negeri {r}"), None, (30, 60)));
    out.push(make(UnitKind::PengadilanNegeri, regency, format!("Pengadilan Negeri {r}"), None, (25, 50)));
    out.push(make(UnitKind::PlnUp3, regency, format!("PLN UP3 {r}"), None, (80, 160)));
    out.push(make(UnitKind::TelkomWitel, regency, format!("Telkom Witel {r}"), None, (40, 90)));
    for district in regions.iter().filter(|d| d.code.level() == Level::District && regency.contains(&d.code)) {
        let d = &district.name;
        let c = &district.code;
        out.push(make(UnitKind::Polsek, c, format!("Polsek {d}"), code_of(UnitKind::Polres, regency), (15, 45)));
        out.push(make(UnitKind::Koramil, c, format!("Koramil {d}"), code_of(UnitKind::Kodim, regency), (10, 25)));
        out.push(make(UnitKind::Ppk, c, format!("PPK {d}"), code_of(UnitKind::KpuKabupaten, regency), (5, 5)));
        let parent = code_of(UnitKind::BawasluKabupaten, regency);
        out.push(make(UnitKind::Panwascam, c, format!("Panwascam {d}"), parent, (3, 3)));
        out.push(make(UnitKind::Kecamatan, c, format!("Kantor Camat {d}"), None, (15, 40)));
    }
    for village in regions.iter().filter(|v| v.code.level() == Level::Village && regency.contains(&v.code)) {
        let v = &village.name;
        let c = &village.code;
        let district = c.parent();
        out.push(make(
            UnitKind::Pps,
            c,
            format!("PPS {v}"),
            district.as_ref().and_then(|d| code_of(UnitKind::Ppk, d)),
            (3, 3),
        ));
        let parent = district.as_ref().and_then(|d| code_of(UnitKind::Panwascam, d));
        out.push(make(UnitKind::Pkd, c, format!("PKD {v}"), parent, (1, 1)));
        // Two Linmas guard each TPS on voting day.
        let linmas = 2 * tps_per_village.get(c).copied().unwrap_or(1);
        out.push(make(
            UnitKind::Linmas,
            c,
            format!("Linmas {v}"),
            code_of(UnitKind::SatpolPp, regency),
            (linmas, linmas),
        ));
    }
    out
}
