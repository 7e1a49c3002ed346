//! The roster (*daftar personel*): who can be deployed, read from CSV, and the demo's synthetic roster.
//!
//! Columns (header names in any case; Indonesian names accepted): `id` (or `nrp`, `nip`), `name` (`nama`), `rank`
//! (`pangkat`, `jabatan`, `position`), `unit` (`satuan`, `unit_code`), `force` (`polri`, `tni`, `linmas`), and
//! optionally `phone` (`telepon`, `hp`) and `availability` (`ketersediaan`): days `YYYY-MM-DD` separated by `;`,
//! empty for always. Every fault is reported with its line and column, all of them, not only the first.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;

use super::Force;
use crate::coordination::calendar::Date;
use crate::import::{Parsed, Place, Problem, RowIssue, Table};
use crate::region::RegionCode;
use crate::registry::agency::{Unit, UnitKind};
use crate::rng::SplitMix64;

/// When a person can be deployed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    Always,
    Days(BTreeSet<Date>),
}

impl Availability {
    /// As stored and written in the roster file: empty for always, else the days joined by `;`.
    pub fn to_text(&self) -> String {
        match self {
            Availability::Always => String::new(),
            Availability::Days(days) => days.iter().map(ToString::to_string).collect::<Vec<_>>().join(";"),
        }
    }

    /// The stored form back; `None` when a day is not a date.
    pub fn from_text(text: &str) -> Option<Availability> {
        parse_days(text).ok()
    }

    pub fn on(&self, day: Date) -> bool {
        match self {
            Availability::Always => true,
            Availability::Days(days) => days.contains(&day),
        }
    }
}

/// A person on the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// NRP (police, TNI) or NIP/NIK (Linmas): unique on the roster.
    pub id: String,
    pub name: String,
    /// Rank or position: `Bripka`, `Serda`, `Anggota Linmas`.
    pub rank: String,
    /// The code of the unit the person belongs to.
    pub unit: String,
    pub force: Force,
    /// Normalised to `+62…`.
    pub phone: Option<String>,
    pub availability: Availability,
    /// True for the demo's generated people, whose names say so too.
    pub synthetic: bool,
}

/// A phone number as typed (`0812-3456-7890`, `+62 812 3456 7890`, `62812…`), normalised to `+62…`; `None` when it
/// is not an Indonesian number of 8 to 13 national digits. A mobile number without its leading 0 (`81234567890`:
/// what a spreadsheet keeps of `081234567890` typed into a number cell) is read as the mobile number it was.
pub fn normalise_phone(text: &str) -> Option<String> {
    let t: String = text.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')')).collect();
    let national = t
        .strip_prefix("+62")
        .or_else(|| t.strip_prefix("62"))
        .or_else(|| t.strip_prefix('0'))
        .or_else(|| (t.starts_with('8') && (9..=12).contains(&t.len())).then_some(t.as_str()))?;
    let ok = (8..=13).contains(&national.len())
        && national.bytes().all(|b| b.is_ascii_digit())
        && !national.starts_with('0');
    ok.then(|| format!("+62{national}"))
}

/// Days as written in the availability column; the first bad one as the error.
fn parse_days(text: &str) -> Result<Availability, String> {
    let mut days = BTreeSet::new();
    for part in text.split([';', ',']).map(str::trim).filter(|p| !p.is_empty()) {
        match Date::parse(part) {
            Some(d) => {
                days.insert(d);
            }
            None => return Err(part.chars().take(40).collect()),
        }
    }
    Ok(if days.is_empty() { Availability::Always } else { Availability::Days(days) })
}

const ALIASES: &[(&str, &[&str])] = &[
    ("id", &["nrp", "nip", "nik"]),
    ("name", &["nama"]),
    ("rank", &["pangkat", "jabatan", "position"]),
    ("unit", &["satuan", "unit_code"]),
    ("force", &["kekuatan", "matra"]),
    ("phone", &["telepon", "hp", "no_hp"]),
    ("availability", &["ketersediaan", "tersedia"]),
];

/// Every column name a roster file may use, canonical and Indonesian (lower case): how a roster's header row is
/// found in a workbook under a title.
pub fn roster_column_names() -> Vec<&'static str> {
    ALIASES.iter().flat_map(|(canonical, aliases)| std::iter::once(*canonical).chain(aliases.iter().copied())).collect()
}

/// Reads a roster. `unit_kind` answers the kind of a unit by its code (`None`: no such unit). Duplicate ids,
/// unknown units, people of one force in another force's unit, bad phones and bad dates are all reported.
pub fn parse_roster(input: impl Read, unit_kind: impl Fn(&str) -> Option<UnitKind>) -> Parsed<Person> {
    let mut parsed = Parsed { records: Vec::new(), issues: Vec::new() };
    let Some(mut table) = Table::open(input, &[], &mut parsed.issues) else { return parsed };
    for (canonical, aliases) in ALIASES {
        if !table.columns.contains_key(*canonical)
            && let Some(i) = aliases.iter().find_map(|a| table.columns.get(*a).copied())
        {
            table.columns.insert((*canonical).to_owned(), i);
        }
    }
    let missing: Vec<&str> =
        ["id", "name", "rank", "unit", "force"].into_iter().filter(|c| !table.columns.contains_key(*c)).collect();
    if !missing.is_empty() {
        for c in missing {
            parsed.issues.push(RowIssue::new(Place::File, None, Problem::MissingColumn(c.to_owned())));
        }
        return parsed;
    }
    let mut first: HashMap<String, u64> = HashMap::new();
    let mut issues = Vec::new();
    table.each(&mut issues, |line, mut row| {
        let id = row.required("id").map(str::to_owned);
        if let Some(id) = &id {
            match first.get(id) {
                Some(&line1) => row.fail("id", Problem::DuplicateCode { code: id.clone(), first: line1 }),
                None => {
                    first.insert(id.clone(), line);
                }
            }
        }
        let name = row.required("name").map(str::to_owned);
        let rank = row.required("rank").map(str::to_owned);
        let force_text = row.text("force");
        let force = Force::parse(force_text);
        if force.is_none() {
            if force_text.is_empty() {
                row.fail("force", Problem::Empty);
            } else {
                row.fail("force", Problem::one_of(force_text, &["polri", "tni", "linmas"]));
            }
        }
        let unit = row.required("unit").map(str::to_owned);
        if let Some(code) = &unit {
            match unit_kind(code) {
                None => row.fail("unit", Problem::NoSuchUnit(code.clone())),
                Some(kind) => {
                    if let Some(force) = force
                        && Force::of_unit(kind) != Some(force)
                    {
                        row.fail(
                            "unit",
                            Problem::ForceMismatch { unit: code.clone(), force: force.as_str().to_owned() },
                        );
                    }
                }
            }
        }
        let phone_text = row.text("phone");
        let phone = if phone_text.is_empty() {
            Some(None)
        } else {
            match normalise_phone(phone_text) {
                Some(p) => Some(Some(p)),
                None => {
                    row.fail("phone", Problem::BadPhone(phone_text.chars().take(40).collect()));
                    None
                }
            }
        };
        let availability = match parse_days(row.text("availability")) {
            Ok(a) => Some(a),
            Err(bad) => {
                row.fail("availability", Problem::BadDate(bad));
                None
            }
        };
        let person = match (id, name, rank, unit, force, phone, availability) {
            (Some(id), Some(name), Some(rank), Some(unit), Some(force), Some(phone), Some(availability)) => {
                Some(Person { id, name, rank, unit, force, phone, availability, synthetic: false })
            }
            _ => None,
        };
        row.finish(person, &mut parsed);
    });
    parsed.issues.extend(issues);
    parsed.issues.sort_by_key(|i| i.place);
    parsed
}

/// How many people a demo unit of this kind has: Polres 400–900, Polsek 20–60, Kodim 100–250, Koramil 15–30; a
/// village's Linmas 2 per TPS (the pattern's usual share). Other kinds deploy no one.
fn demo_strength(kind: UnitKind, tps: u32, rng: &mut SplitMix64) -> u32 {
    let between = |rng: &mut SplitMix64, lo: u32, hi: u32| lo + rng.below(u64::from(hi - lo + 1)) as u32;
    match kind {
        UnitKind::Polres => between(rng, 400, 900),
        UnitKind::Polsek => between(rng, 20, 60),
        UnitKind::Kodim => between(rng, 100, 250),
        UnitKind::Koramil => between(rng, 15, 30),
        UnitKind::Linmas => tps.saturating_mul(2),
        _ => 0,
    }
}

const GIVEN: &[&str] = &[
    "Agus", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Imam", "Joko", "Rudi", "Slamet", "Wahyu", "Yudi", "Siti",
    "Dewi", "Rina", "Sri", "Ayu", "Putri", "Nur", "Wulan",
];
const FAMILY: &[&str] = &[
    "Santoso",
    "Saputra",
    "Wibowo",
    "Prasetyo",
    "Hidayat",
    "Setiawan",
    "Nugroho",
    "Kurniawan",
    "Lestari",
    "Rahmawati",
    "Siregar",
    "Nasution",
    "Harahap",
    "Simanjuntak",
    "Pratama",
    "Susanto",
];
const POLRI_RANKS: &[&str] = &["Bripda", "Briptu", "Brigpol", "Bripka", "Aipda", "Aiptu", "Ipda", "Iptu"];
const TNI_RANKS: &[&str] = &["Prada", "Pratu", "Praka", "Kopda", "Koptu", "Serda", "Sertu", "Serka"];

/// The demo's roster: people for every Polres, Polsek, Kodim, Koramil and village Linmas among `units`, at
/// realistic strengths, deterministic for a seed. Every name ends in `(sintetis)` and every person is flagged
/// synthetic; ids are `SIN-<force>-<n>`, which no real NRP or NIP has; no phone numbers. `tps_per_village` gives
/// each village's TPS count (Linmas: 2 per TPS).
pub fn synthetic_roster(units: &[Unit], tps_per_village: &BTreeMap<RegionCode, u32>, seed: u64) -> Vec<Person> {
    let mut sorted: Vec<&Unit> = units.iter().collect();
    sorted.sort_by(|a, b| a.code.cmp(&b.code));
    let mut out = Vec::new();
    let mut counters: BTreeMap<Force, u32> = BTreeMap::new();
    for unit in sorted {
        let Some(force) = Force::of_unit(unit.kind) else { continue };
        let mut rng = SplitMix64::from_text(seed, &unit.code);
        let tps = tps_per_village.get(&unit.territory).copied().unwrap_or(0);
        let strength = demo_strength(unit.kind, tps, &mut rng);
        for k in 0..strength {
            let n = counters.entry(force).or_default();
            *n += 1;
            let given = GIVEN[rng.below(GIVEN.len() as u64) as usize];
            let family = FAMILY[rng.below(FAMILY.len() as u64) as usize];
            let rank = match force {
                Force::Polri => POLRI_RANKS[rng.below(POLRI_RANKS.len() as u64) as usize],
                Force::Tni => TNI_RANKS[rng.below(TNI_RANKS.len() as u64) as usize],
                Force::Linmas if k == 0 => "Kepala Satuan Linmas",
                Force::Linmas => "Anggota Linmas",
            };
            out.push(Person {
                id: format!("SIN-{}-{:06}", force.as_str().to_uppercase(), n),
                name: format!("{given} {family} (sintetis)"),
                rank: rank.to_owned(),
                unit: unit.code.clone(),
                force,
                phone: None,
                availability: Availability::Always,
                synthetic: true,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::registry::agency::Contact;

    fn kind_of(code: &str) -> Option<UnitKind> {
        match code {
            "polsek-15.07.01" => Some(UnitKind::Polsek),
            "polres-15.07" => Some(UnitKind::Polres),
            "koramil-15.07.01" => Some(UnitKind::Koramil),
            "linmas-15.07.01.2001" => Some(UnitKind::Linmas),
            _ => None,
        }
    }

    #[test]
    fn a_clean_roster_reads_with_aliases_and_availability() {
        let csv = "NRP,Nama,Pangkat,Satuan,force,HP,ketersediaan\n\
                   87010123,Budi Santoso,Bripka,polsek-15.07.01,polri,0812-3456-7890,\n\
                   3501234,Siti Aminah,Anggota Linmas,linmas-15.07.01.2001,Linmas,,2026-11-27;2026-11-28\n";
        let parsed = parse_roster(csv.as_bytes(), kind_of);
        assert!(parsed.is_clean(), "{:?}", parsed.issues);
        let people: Vec<&Person> = parsed.records.iter().map(|(_, p)| p).collect();
        assert_eq!(people[0].phone.as_deref(), Some("+6281234567890"));
        assert_eq!(people[0].availability, Availability::Always);
        assert_eq!(people[1].force, Force::Linmas);
        let day = Date::parse("2026-11-27").unwrap();
        assert!(people[1].availability.on(day));
        assert!(!people[1].availability.on(Date::parse("2026-11-29").unwrap()));
        assert_eq!(parsed.records[1].0, Place::Line(3));
    }

    #[test]
    fn every_fault_is_named_by_line_and_column() {
        let csv = "id,name,rank,unit,force,phone,availability\n\
                   ,Budi,Bripka,polsek-15.07.01,polri,,\n\
                   A1,Budi,Bripka,polsek-99,polri,12345,\n\
                   A1,Siti,Serda,polsek-15.07.01,tni,,2026-13-01\n\
                   A2,,Bripka,polres-15.07,polisi,+62 812 3456 7890,2026-11-27;kemarin\n\
                   A3,Eko,Bripka,polres-15.07,marinir,,\n";
        let parsed = parse_roster(csv.as_bytes(), kind_of);
        assert!(parsed.records.is_empty());
        let got: Vec<String> = parsed.issues.iter().map(|i| i.render("roster.csv", Lang::En)).collect();
        let expected = [
            "roster.csv:2: column id: must not be empty",
            "roster.csv:3: column unit: unit polsek-99 is not known",
            "roster.csv:3: column phone: `12345` is not a phone number (for example 0812-3456-7890 or +62 812 3456 7890)",
            "roster.csv:4: column id: code A1 appears more than once (first on line 3)",
            "roster.csv:4: column unit: unit polsek-15.07.01 is not a tni unit",
            "roster.csv:4: column availability: `2026-13-01` is not a date YYYY-MM-DD or YYYY-MM-DD HH:MM",
            "roster.csv:5: column name: must not be empty",
            "roster.csv:5: column availability: `kemarin` is not a date YYYY-MM-DD or YYYY-MM-DD HH:MM",
            "roster.csv:6: column force: `marinir` is not known; choose one of: polri, tni, linmas",
        ];
        assert_eq!(got.len(), expected.len(), "{got:#?}");
        for (g, e) in got.iter().zip(expected) {
            assert_eq!(g, e);
        }
        assert_eq!(parsed.bad_rows(), 5);
    }

    #[test]
    fn missing_columns_are_reported_once() {
        let parsed = parse_roster("id,name\nA1,Budi\n".as_bytes(), kind_of);
        let missing: Vec<String> = parsed.issues.iter().map(|i| i.problem.message(Lang::En)).collect();
        assert_eq!(missing.len(), 3, "{missing:?}");
        assert!(missing[0].contains("rank"));
    }

    #[test]
    fn phones_are_normalised() {
        assert_eq!(normalise_phone("+62 812-3456-7890").as_deref(), Some("+6281234567890"));
        assert_eq!(normalise_phone("6281234567890").as_deref(), Some("+6281234567890"));
        assert_eq!(normalise_phone("(0274) 123456").as_deref(), Some("+62274123456"));
        // A mobile number whose leading 0 a spreadsheet dropped; too short to be one.
        assert_eq!(normalise_phone("81234567890").as_deref(), Some("+6281234567890"));
        assert_eq!(normalise_phone("8123"), None);
        assert_eq!(normalise_phone("12345"), None);
        assert_eq!(normalise_phone("0812abc4567"), None);
        assert_eq!(normalise_phone("+1 555 123 4567"), None);
    }

    #[test]
    fn the_synthetic_roster_is_labelled_deterministic_and_realistic() {
        let unit = |code: &str, kind, territory: &str| Unit {
            code: code.into(),
            kind,
            name: code.into(),
            territory: RegionCode::parse(territory).unwrap(),
            parent: None,
            contact: Contact::default(),
            personnel: 0,
        };
        let units = vec![
            unit("polres-15.07", UnitKind::Polres, "15.07"),
            unit("polsek-15.07.01", UnitKind::Polsek, "15.07.01"),
            unit("koramil-15.07.01", UnitKind::Koramil, "15.07.01"),
            unit("linmas-15.07.01.2001", UnitKind::Linmas, "15.07.01.2001"),
            unit("kpu-15.07", UnitKind::KpuKabupaten, "15.07"),
        ];
        let tps: BTreeMap<RegionCode, u32> = [(RegionCode::parse("15.07.01.2001").unwrap(), 7)].into();
        let roster = synthetic_roster(&units, &tps, 42);
        assert_eq!(roster, synthetic_roster(&units, &tps, 42));
        let count = |code: &str| roster.iter().filter(|p| p.unit == code).count();
        assert!((400..=900).contains(&count("polres-15.07")));
        assert!((20..=60).contains(&count("polsek-15.07.01")));
        assert!((15..=30).contains(&count("koramil-15.07.01")));
        assert_eq!(count("linmas-15.07.01.2001"), 14);
        assert_eq!(count("kpu-15.07"), 0);
        assert!(roster.iter().all(|p| p.synthetic && p.name.ends_with("(sintetis)") && p.id.starts_with("SIN-")));
        let ids: BTreeSet<&str> = roster.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids.len(), roster.len());
        // Written out and read back, the roster is clean.
        let mut csv = String::from("id,name,rank,unit,force,phone,availability\n");
        for p in &roster {
            csv.push_str(&format!("{},{},{},{},{},,\n", p.id, p.name, p.rank, p.unit, p.force));
        }
        let kind = |code: &str| units.iter().find(|u| u.code == code).map(|u| u.kind);
        let parsed = parse_roster(csv.as_bytes(), kind);
        assert!(parsed.is_clean());
        assert_eq!(parsed.records.len(), roster.len());
    }
}
