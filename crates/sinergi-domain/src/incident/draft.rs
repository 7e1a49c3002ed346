//! A new report as typed — in the JSON API's body or the field form — read into a [`ReportDraft`]: every field
//! checked, every fault named with its field, nothing looked up. Where the report happened is checked as far as
//! it can be without the database (a village code's form and level, the territory, coordinates in Indonesia); the
//! incident service resolves the rest (the TPS, whether the village exists, the village of coordinates) and files.

use crate::access::Viewer;
use crate::geo::LatLng;
use crate::import::{Problem, parse_wib_time};
use crate::incident::{Channel, ReportKind, Severity, Taxonomy};
use crate::region::{Level, RegionCode};
use crate::text::{self, Lines};
use crate::trust::auth::Classification;

/// The longest description, in characters.
pub const MAX_DESCRIPTION: usize = 4000;

/// The longest name of the person reporting, in characters.
pub const MAX_SOURCE_PERSON: usize = 200;

/// How far in the future a time of occurrence may lie (clock skew between a phone and the server).
pub const CLOCK_SKEW_MS: i64 = 10 * 60_000;

/// The highest TPS number in a village that a report may name (KPU numbers TPS from 001 within a village).
pub const MAX_TPS_NUMBER: u32 = 999;

/// The longest village name a report may give (the longest in the registry is under 60 characters).
pub const MAX_VILLAGE_NAME: usize = 120;

/// The fields of a new report as typed, before any check.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportFields {
    pub kind: Option<String>,
    pub category: String,
    pub severity: Option<String>,
    pub occurred_at: Option<String>,
    pub tps_id: Option<i64>,
    pub village_code: Option<String>,
    /// The village by its name as officers know it, with its district in brackets where names repeat
    /// ("Kedungmalang (Kedung)"); instead of `village_code`.
    pub village_name: Option<String>,
    /// The TPS by its number in the village given (by code or name): how officers name a TPS ("TPS 003").
    pub tps_number: Option<i64>,
    pub location: Option<LatLng>,
    pub description: String,
    pub source_person: Option<String>,
    pub classification: Option<String>,
    pub channel: Option<String>,
    pub idempotency_key: Option<String>,
}

/// A new report with every field checked. Where a field was at fault, the draft holds a stand-in and
/// [`Checked::problems`] names the fault: the service still resolves the place, so that all faults are named at
/// once.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportDraft {
    pub kind: ReportKind,
    /// The category's id in the taxonomy (`None` when the category was not one).
    pub category: Option<String>,
    pub severity: Severity,
    pub occurred_at_ms: i64,
    pub description: String,
    /// `None`: the account's own name.
    pub source_person: Option<String>,
    pub classification: Classification,
    /// `None`: the entry point's own (the API answers `api` for tokens, `web` for a browser).
    pub channel: Option<Channel>,
    pub idempotency_key: Option<String>,
    pub place: PlaceDraft,
}

/// Where the report happened, as far as it is known without the database.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceDraft {
    pub tps_id: Option<i64>,
    /// A TPS number (1 to 999) in the village, to be found by the service.
    pub tps_number: Option<u32>,
    /// A village by its name (one line, trimmed), to be found in the territory by the service.
    pub village_name: Option<String>,
    /// A well-formed village code inside the viewer's territory.
    pub village: Option<RegionCode>,
    /// Coordinates inside Indonesia.
    pub location: Option<LatLng>,
    /// True when a village code was given (even a faulty one): the place is not to be taken from coordinates.
    pub village_given: bool,
    /// True when coordinates were given (even faulty ones).
    pub location_given: bool,
}

/// A draft and the faults found in it, each with its field.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub draft: ReportDraft,
    pub problems: Vec<(String, Problem)>,
}

/// True for an idempotency key: 1 to 100 letters, digits, `-`, `_`, `:` or `.`.
pub fn is_idempotency_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 100
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
}

impl ReportDraft {
    /// Checks every field for `viewer` at `now_ms` against the taxonomy in force. The order of the faults is the
    /// order of the fields on the form.
    pub fn check(fields: &ReportFields, taxonomy: &Taxonomy, viewer: &Viewer, now_ms: i64) -> Checked {
        let mut problems: Vec<(String, Problem)> = Vec::new();
        let mut fail = |field: &str, problem: Problem| problems.push((field.to_owned(), problem));
        let kind = match fields.kind.as_deref() {
            None => ReportKind::Incident,
            Some(text) => ReportKind::parse(text).unwrap_or_else(|| {
                fail("kind", Problem::one_of(text, &["incident", "intelligence"]));
                ReportKind::Incident
            }),
        };
        let category = taxonomy.category(fields.category.trim());
        if category.is_none() {
            let ids: Vec<&str> = taxonomy.categories.iter().map(|c| c.id.as_str()).collect();
            fail("category", Problem::one_of(&fields.category, &ids));
        }
        let severity = match fields.severity.as_deref() {
            None => category.map_or(Severity::Medium, |c| c.severity),
            Some(text) => Severity::parse(text).unwrap_or_else(|| {
                let allowed = ["1", "2", "3", "4", "rendah", "sedang", "tinggi", "kritis"];
                fail("severity", Problem::one_of(text, &allowed));
                Severity::Medium
            }),
        };
        let occurred_at_ms = match fields.occurred_at.as_deref() {
            None => now_ms,
            Some(text) => match parse_wib_time(text) {
                // A report of the future is a typing slip; a few minutes of clock skew are not.
                Some(at) if at <= now_ms + CLOCK_SKEW_MS => at,
                Some(_) => {
                    fail("occurred_at", Problem::FutureDate(text.chars().take(40).collect()));
                    now_ms
                }
                None => {
                    fail("occurred_at", Problem::BadDate(text.chars().take(40).collect()));
                    now_ms
                }
            },
        };
        let mut checked_text = |field: &str, value: &str, max: usize, lines: Lines| {
            text::check(value, max, lines).unwrap_or_else(|problem| {
                fail(field, problem);
                String::new()
            })
        };
        let description = checked_text("description", &fields.description, MAX_DESCRIPTION, Lines::Many);
        let source_person =
            fields.source_person.as_deref().map(|p| checked_text("source_person", p, MAX_SOURCE_PERSON, Lines::One));
        let classification = match fields.classification.as_deref() {
            None if kind == ReportKind::Intelligence => Classification::Terbatas,
            None => Classification::Biasa,
            Some(text) => Classification::parse(text).unwrap_or_else(|| {
                fail("classification", Problem::one_of(text, &["biasa", "terbatas", "rahasia"]));
                Classification::Biasa
            }),
        };
        if !viewer.may_read(classification) {
            // Filing what one could not read back would lose it from one's own view.
            let allowed: Vec<&str> = [Classification::Biasa, Classification::Terbatas, Classification::Rahasia]
                .into_iter()
                .filter(|c| viewer.may_read(*c))
                .map(Classification::as_str)
                .collect();
            fail("classification", Problem::one_of(classification.as_str(), &allowed));
        }
        let channel = match fields.channel.as_deref() {
            None => None,
            Some(text) => match Channel::parse(text) {
                Some(c @ (Channel::Web | Channel::Api | Channel::Field)) => Some(c),
                _ => {
                    fail("channel", Problem::one_of(text, &["web", "api", "field"]));
                    None
                }
            },
        };
        let idempotency_key = fields.idempotency_key.as_deref().map(str::trim).map(str::to_owned);
        if idempotency_key.as_deref().is_some_and(|key| !is_idempotency_key(key)) {
            fail("idempotency_key", Problem::BadKey);
        }
        let location = fields.location.and_then(|point| {
            if point.is_finite() && point.in_indonesia() {
                Some(point)
            } else {
                fail("location", Problem::OutsideIndonesia { lat: point.lat, lng: point.lng });
                None
            }
        });
        let village = fields.village_code.as_deref().and_then(|text| match RegionCode::parse(text) {
            Err(e) => {
                fail("village_code", Problem::BadCode(e));
                None
            }
            Ok(code) if code.level() != Level::Village => {
                fail("village_code", Problem::NotVillage(code.to_string()));
                None
            }
            Ok(code) if !viewer.covers(&code) => {
                fail("village_code", Problem::OutsideScope(code.to_string()));
                None
            }
            Ok(code) => Some(code),
        });
        let tps_number = fields.tps_number.and_then(|number| {
            if !(1..=i64::from(MAX_TPS_NUMBER)).contains(&number) {
                fail(
                    "tps_number",
                    Problem::OutOfRange { value: number.to_string(), min: "1".into(), max: MAX_TPS_NUMBER.to_string() },
                );
                None
            } else if fields.village_code.is_none()
                && fields.village_name.as_deref().is_none_or(|n| n.trim().is_empty())
            {
                fail("tps_number", Problem::TpsNumberWithoutVillage);
                None
            } else {
                u32::try_from(number).ok()
            }
        });
        let village_name = match (&fields.village_code, fields.village_name.as_deref().map(str::trim)) {
            (_, None | Some("")) => None,
            (Some(_), Some(_)) => {
                fail("village_name", Problem::TwoVillages);
                None
            }
            (None, Some(name)) => match text::check(name, MAX_VILLAGE_NAME, Lines::One) {
                Ok(name) => Some(name),
                Err(problem) => {
                    fail("village_name", problem);
                    None
                }
            },
        };
        // A name given (even one at fault) places the report; an empty one is as none.
        let village_given_by_name = fields.village_name.as_deref().is_some_and(|n| !n.trim().is_empty());
        let draft = ReportDraft {
            kind,
            category: category.map(|c| c.id.clone()),
            severity,
            occurred_at_ms,
            description,
            source_person,
            classification,
            channel,
            idempotency_key,
            place: PlaceDraft {
                tps_id: fields.tps_id,
                tps_number,
                village_name,
                village,
                location,
                village_given: fields.village_code.is_some() || village_given_by_name,
                location_given: fields.location.is_some(),
            },
        };
        Checked { draft, problems }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::agency::AgencyKind;
    use crate::trust::auth::{Role, Scope};

    const NOW: i64 = 1_732_680_000_000;

    fn viewer(role: Role) -> Viewer {
        Viewer {
            account_id: 7,
            username: "ops".into(),
            role,
            agency: AgencyKind::Polri,
            scope: Scope::Region(RegionCode::parse("15.07").unwrap()),
            read_only: false,
            clearance: crate::access::ClearancePolicy::default_level(role),
        }
    }

    fn fields() -> ReportFields {
        ReportFields {
            category: "bentrok".into(),
            village_code: Some("15.07.01.2001".into()),
            description: "  Massa saling dorong\r\ndi TPS 01 ".into(),
            ..ReportFields::default()
        }
    }

    fn faults(checked: &Checked) -> Vec<&str> {
        checked.problems.iter().map(|(f, _)| f.as_str()).collect()
    }

    #[test]
    fn a_tps_is_named_by_its_number_in_a_village() {
        let check = |f: &ReportFields| ReportDraft::check(f, &Taxonomy::shipped(), &viewer(Role::Operator), NOW);
        let third = ReportFields { tps_number: Some(3), ..fields() };
        let checked = check(&third);
        assert!(checked.problems.is_empty(), "{:?}", checked.problems);
        assert_eq!(checked.draft.place.tps_number, Some(3));
        // A number without its village names nothing; a number out of KPU's range is a slip.
        let alone = ReportFields { tps_number: Some(3), village_code: None, ..fields() };
        assert_eq!(check(&alone).problems, [("tps_number".to_owned(), Problem::TpsNumberWithoutVillage)]);
        for number in [0, -1, 1000] {
            let bad = ReportFields { tps_number: Some(number), ..fields() };
            let checked = check(&bad);
            assert_eq!(faults(&checked), ["tps_number"], "{number}");
            assert_eq!(checked.draft.place.tps_number, None);
        }
    }

    #[test]
    fn an_empty_village_name_is_as_none() {
        let check = |f: &ReportFields| ReportDraft::check(f, &Taxonomy::shipped(), &viewer(Role::Operator), NOW);
        let empty = ReportFields { village_code: None, village_name: Some("  ".into()), ..fields() };
        let checked = check(&empty);
        assert!(!checked.draft.place.village_given, "coordinates may still place it");
        let with_number = ReportFields { tps_number: Some(2), ..empty };
        assert_eq!(check(&with_number).problems, [("tps_number".to_owned(), Problem::TpsNumberWithoutVillage)]);
    }

    #[test]
    fn a_plain_report_takes_its_defaults() {
        let checked = ReportDraft::check(&fields(), &Taxonomy::shipped(), &viewer(Role::Operator), NOW);
        assert!(checked.problems.is_empty(), "{:?}", checked.problems);
        let d = checked.draft;
        assert_eq!((d.kind, d.category.as_deref(), d.occurred_at_ms), (ReportKind::Incident, Some("bentrok"), NOW));
        assert_eq!((d.classification, d.channel, d.source_person), (Classification::Biasa, None, None));
        assert_eq!(d.description, "Massa saling dorong\ndi TPS 01");
        assert_eq!(d.place.village.map(|v| v.to_string()).as_deref(), Some("15.07.01.2001"));
        let intelligence = ReportFields { kind: Some("intelligence".into()), ..fields() };
        let d = ReportDraft::check(&intelligence, &Taxonomy::shipped(), &viewer(Role::Operator), NOW).draft;
        assert_eq!(d.classification, Classification::Terbatas);
    }

    #[test]
    fn every_fault_is_named_in_the_order_of_the_form() {
        let bad = ReportFields {
            kind: Some("rumor".into()),
            category: "banjir_bandang".into(),
            severity: Some("9".into()),
            occurred_at: Some("kemarin".into()),
            tps_id: None,
            village_code: Some("15.07.01".into()),
            village_name: None,
            tps_number: None,
            location: Some(LatLng::new(40.7, -74.0)),
            description: "ada\u{0}apa".into(),
            source_person: Some("Bripka\nSabar".into()),
            classification: Some("sangat rahasia".into()),
            channel: Some("sms".into()),
            idempotency_key: Some("bad key!".into()),
        };
        let checked = ReportDraft::check(&bad, &Taxonomy::shipped(), &viewer(Role::Operator), NOW);
        assert_eq!(
            faults(&checked),
            [
                "kind",
                "category",
                "severity",
                "occurred_at",
                "description",
                "source_person",
                "classification",
                "channel",
                "idempotency_key",
                "location",
                "village_code"
            ]
        );
    }

    #[test]
    fn the_future_outside_the_territory_and_above_the_clearance() {
        let later = ReportFields { occurred_at: Some("2099-01-01 10:00".into()), ..fields() };
        let checked = ReportDraft::check(&later, &Taxonomy::shipped(), &viewer(Role::Operator), NOW);
        assert!(matches!(checked.problems[..], [(ref f, Problem::FutureDate(_))] if f == "occurred_at"));
        let elsewhere = ReportFields { village_code: Some("33.20.01.2001".into()), ..fields() };
        let checked = ReportDraft::check(&elsewhere, &Taxonomy::shipped(), &viewer(Role::Operator), NOW);
        assert_eq!(faults(&checked), ["village_code"]);
        assert!(checked.draft.place.village_given && checked.draft.place.village.is_none());
        let secret = ReportFields { classification: Some("rahasia".into()), ..fields() };
        let checked = ReportDraft::check(&secret, &Taxonomy::shipped(), &viewer(Role::Operator), NOW);
        assert_eq!(faults(&checked), ["classification"]);
        assert!(ReportDraft::check(&secret, &Taxonomy::shipped(), &viewer(Role::Commander), NOW).problems.is_empty());
    }
}
