//! The incident desk's rules: the taxonomy of categories (data, not code), the kinds, severities and channels of
//! a report, and the workflow a report goes through — reported, verified or rejected, assigned, in handling,
//! resolved, closed, reopened — with who may move it and what each move must say.
//!
//! A taxonomy is a TOML file (`taxonomies/pilkada.toml` ships with the crate): categories with their labels, the
//! words a field reporter may type for them, their default severity; the routes (which unit kinds must act on a
//! category and which are informed); and the time limits per severity for verification and first action. It is
//! checked whole when loaded, every fault with its place, like an indicator set. docs/incidents.md describes it.

pub mod attention;
pub mod draft;
pub mod duplicates;
pub mod escalation;
pub mod place;
pub mod routing;
pub mod sms;
pub mod workflow;

use std::collections::HashSet;

use serde::Deserialize;

use crate::i18n::{Lang, Msg};
use crate::registry::agency::UnitKind;

pub use workflow::{RejectReason, Status, Transition, TransitionError};

/// A text in Bahasa Indonesia and English.
pub use crate::vulnerability::Text;

/// How grave a report is, from 1 (*rendah*) to 4 (*kritis*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Severity::Low, Severity::Medium, Severity::High, Severity::Critical];

    pub fn from_number(n: i64) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| *s as i64 == n)
    }

    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Reads `1`–`4`, the English names, or the Indonesian *rendah/sedang/tinggi/kritis* (any case).
    pub fn parse(text: &str) -> Option<Severity> {
        match text.trim().to_lowercase().as_str() {
            "1" | "low" | "rendah" | "ringan" => Some(Severity::Low),
            "2" | "medium" | "sedang" => Some(Severity::Medium),
            "3" | "high" | "tinggi" | "berat" => Some(Severity::High),
            "4" | "critical" | "kritis" | "darurat" => Some(Severity::Critical),
            _ => None,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        lang.t(match self {
            Severity::Low => Msg::SeverityLow,
            Severity::Medium => Msg::SeverityMedium,
            Severity::High => Msg::SeverityHigh,
            Severity::Critical => Msg::SeverityCritical,
        })
    }
}

/// A report's number as stored: typed, so that it is never taken for a TPS's, an account's or a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct ReportId(pub i64);

impl std::fmt::Display for ReportId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// An incident report (*laporan kejadian*: something happened) or an intelligence report (*laporan informasi*:
/// something may happen). Intelligence reports are *terbatas* by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    Incident,
    Intelligence,
}

impl ReportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::Incident => "incident",
            ReportKind::Intelligence => "intelligence",
        }
    }

    /// The report's reference as officers quote it: `LK-000123` for an incident report (*laporan kejadian*),
    /// `LI-000123` for an intelligence report (*laporan informasi*).
    pub fn reference(self, id: ReportId) -> String {
        let id = id.0;
        let prefix = match self {
            ReportKind::Incident => "LK",
            ReportKind::Intelligence => "LI",
        };
        format!("{prefix}-{id:06}")
    }

    pub fn parse(text: &str) -> Option<ReportKind> {
        match text.trim().to_lowercase().as_str() {
            "incident" | "kejadian" | "laporan_kejadian" | "lk" => Some(ReportKind::Incident),
            "intelligence" | "informasi" | "laporan_informasi" | "li" => Some(ReportKind::Intelligence),
            _ => None,
        }
    }
}

/// How a report reached Sinergi.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The desk's web form.
    Web,
    /// A client of the API.
    Api,
    /// A structured SMS through a gateway.
    Sms,
    /// A chat bot or other gateway through the webhook.
    Chat,
    /// The offline field form on a phone.
    Field,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Api => "api",
            Channel::Sms => "sms",
            Channel::Chat => "chat",
            Channel::Field => "field",
        }
    }

    pub fn parse(text: &str) -> Option<Channel> {
        [Channel::Web, Channel::Api, Channel::Sms, Channel::Chat, Channel::Field]
            .into_iter()
            .find(|c| c.as_str() == text.trim().to_lowercase())
    }

    /// How the report came in, in words: "Formulir lapangan", "SMS", ….
    pub fn label(self, lang: Lang) -> &'static str {
        lang.t(match self {
            Channel::Web => Msg::ChannelWeb,
            Channel::Api => Msg::ChannelApi,
            Channel::Sms => Msg::ChannelSms,
            Channel::Chat => Msg::ChannelChat,
            Channel::Field => Msg::ChannelField,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    pub id: String,
    pub label: Text,
    /// Words a field reporter may type for it (lowercase), besides its id.
    pub aliases: Vec<String>,
    pub severity: Severity,
}

/// Which unit kinds act on a category, and which are informed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub category: String,
    pub responsible: Vec<UnitKind>,
    pub informed: Vec<UnitKind>,
}

/// Minutes allowed for a severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub severity: Severity,
    pub verify_minutes: u32,
    pub act_minutes: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Taxonomy {
    pub id: String,
    pub version: String,
    pub categories: Vec<Category>,
    pub routes: Vec<Route>,
    pub limits: Vec<Limit>,
}

/// Where in a taxonomy file a fault is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaxonomyPlace {
    File { line: usize, column: usize },
    Category(usize),
    Route(usize),
    Limit(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaxonomyProblem {
    Syntax(String),
    BadId(String),
    DuplicateId(String),
    /// An alias used by two categories (or equal to another's id): an SMS could not tell them apart.
    AmbiguousAlias(String),
    NoCategories,
    BadSeverity(i64),
    UnknownCategory(String),
    UnknownUnitKind(String),
    /// A route that names no responsible unit kind.
    NoResponsible,
    /// A severity with two limits, or none.
    BadLimits,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxonomyError {
    pub place: TaxonomyPlace,
    pub problem: TaxonomyProblem,
}

impl TaxonomyError {
    /// "PLACE: reason", in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        let place = match &self.place {
            TaxonomyPlace::File { line, column } => {
                lang.format(Msg::SetPlaceFile, &[("line", line), ("column", column)])
            }
            TaxonomyPlace::Category(n) => lang.format(Msg::TaxPlaceCategory, &[("n", &(n + 1))]),
            TaxonomyPlace::Route(n) => lang.format(Msg::TaxPlaceRoute, &[("n", &(n + 1))]),
            TaxonomyPlace::Limit(n) => lang.format(Msg::TaxPlaceLimit, &[("n", &(n + 1))]),
        };
        let reason = match &self.problem {
            TaxonomyProblem::Syntax(text) => text.clone(),
            TaxonomyProblem::BadId(id) => lang.format(Msg::SetBadId, &[("id", id)]),
            TaxonomyProblem::DuplicateId(id) => lang.format(Msg::SetDuplicateId, &[("id", id)]),
            TaxonomyProblem::AmbiguousAlias(a) => lang.format(Msg::TaxAmbiguousAlias, &[("alias", a)]),
            TaxonomyProblem::NoCategories => lang.t(Msg::TaxNoCategories).to_owned(),
            TaxonomyProblem::BadSeverity(n) => lang.format(Msg::TaxBadSeverity, &[("value", n)]),
            TaxonomyProblem::UnknownCategory(c) => lang.format(Msg::TaxUnknownCategory, &[("category", c)]),
            TaxonomyProblem::UnknownUnitKind(k) => lang.format(Msg::TaxUnknownUnitKind, &[("kind", k)]),
            TaxonomyProblem::NoResponsible => lang.t(Msg::TaxNoResponsible).to_owned(),
            TaxonomyProblem::BadLimits => lang.t(Msg::TaxBadLimits).to_owned(),
        };
        format!("{place}: {reason}")
    }

    /// Where the fault is, for machines: `line:3:1` (line and column) for a fault in the text itself, else the
    /// entry counted from 1 and its field — `category[2].severity`, `route[1].responsible`, `limit[3].severity` —
    /// or the top-level key (`id`, `category`, `limit`). A unit kind unknown to a route names the route only: it
    /// may be among `responsible` or `informed`.
    pub fn path(&self) -> String {
        use TaxonomyProblem as P;
        match (&self.place, &self.problem) {
            (TaxonomyPlace::File { .. }, P::BadId(_)) => "id".to_owned(),
            (TaxonomyPlace::File { .. }, P::NoCategories) => "category".to_owned(),
            (TaxonomyPlace::File { .. }, P::BadLimits) => "limit".to_owned(),
            (TaxonomyPlace::File { line, column }, _) => format!("line:{line}:{column}"),
            (TaxonomyPlace::Category(n), problem) => {
                let field = match problem {
                    P::BadId(_) | P::DuplicateId(_) => ".id",
                    P::AmbiguousAlias(_) => ".aliases",
                    P::BadSeverity(_) => ".severity",
                    _ => "",
                };
                format!("category[{}]{field}", n + 1)
            }
            (TaxonomyPlace::Route(n), problem) => {
                let field = match problem {
                    P::UnknownCategory(_) => ".category",
                    P::NoResponsible => ".responsible",
                    _ => "",
                };
                format!("route[{}]{field}", n + 1)
            }
            (TaxonomyPlace::Limit(n), P::BadSeverity(_)) => format!("limit[{}].severity", n + 1),
            (TaxonomyPlace::Limit(n), _) => format!("limit[{}]", n + 1),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileTaxonomy {
    id: String,
    version: String,
    #[serde(default, rename = "category")]
    categories: Vec<FileCategory>,
    #[serde(default, rename = "route")]
    routes: Vec<FileRoute>,
    #[serde(default, rename = "limit")]
    limits: Vec<FileLimit>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCategory {
    id: String,
    label: String,
    label_en: String,
    #[serde(default)]
    aliases: Vec<String>,
    severity: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRoute {
    category: String,
    responsible: Vec<String>,
    #[serde(default)]
    informed: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLimit {
    severity: i64,
    verify_minutes: u32,
    act_minutes: u32,
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 40
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The taxonomy Sinergi ships for regional and general elections.
pub const SHIPPED_TAXONOMY: &str = include_str!("../../taxonomies/pilkada.toml");

impl Taxonomy {
    /// Reads and checks a taxonomy. Every fault is reported, each with its place.
    pub fn from_toml(text: &str) -> Result<Taxonomy, Vec<TaxonomyError>> {
        let file: FileTaxonomy = toml::from_str(text).map_err(|e| {
            let before = &text[..e.span().map_or(0, |s| s.start).min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            vec![TaxonomyError {
                place: TaxonomyPlace::File { line, column },
                problem: TaxonomyProblem::Syntax(e.message().to_owned()),
            }]
        })?;
        let mut errors = Vec::new();
        let mut fail = |place, problem| errors.push(TaxonomyError { place, problem });
        if !valid_id(&file.id) {
            fail(TaxonomyPlace::File { line: 1, column: 1 }, TaxonomyProblem::BadId(file.id.clone()));
        }
        if file.categories.is_empty() {
            fail(TaxonomyPlace::File { line: 1, column: 1 }, TaxonomyProblem::NoCategories);
        }
        let mut ids = HashSet::new();
        let mut words: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut categories = Vec::new();
        for (i, c) in file.categories.iter().enumerate() {
            let place = TaxonomyPlace::Category(i);
            if !valid_id(&c.id) {
                fail(place.clone(), TaxonomyProblem::BadId(c.id.clone()));
            } else if !ids.insert(c.id.clone()) {
                fail(place.clone(), TaxonomyProblem::DuplicateId(c.id.clone()));
            }
            let aliases: Vec<String> = c.aliases.iter().map(|a| a.trim().to_lowercase()).collect();
            for word in std::iter::once(c.id.clone()).chain(aliases.iter().cloned()) {
                if let Some(other) = words.insert(word.clone(), i)
                    && other != i
                {
                    fail(place.clone(), TaxonomyProblem::AmbiguousAlias(word));
                }
            }
            let severity = Severity::from_number(c.severity).unwrap_or_else(|| {
                fail(place.clone(), TaxonomyProblem::BadSeverity(c.severity));
                Severity::Low
            });
            categories.push(Category {
                id: c.id.clone(),
                label: Text { id: c.label.clone(), en: c.label_en.clone() },
                aliases,
                severity,
            });
        }
        let mut routes = Vec::new();
        for (i, r) in file.routes.iter().enumerate() {
            let place = TaxonomyPlace::Route(i);
            if !ids.contains(&r.category) {
                fail(place.clone(), TaxonomyProblem::UnknownCategory(r.category.clone()));
            }
            if r.responsible.is_empty() {
                fail(place.clone(), TaxonomyProblem::NoResponsible);
            }
            let mut kinds = |names: &[String]| -> Vec<UnitKind> {
                names
                    .iter()
                    .filter_map(|n| {
                        let kind = UnitKind::parse(n);
                        if kind.is_none() {
                            fail(place.clone(), TaxonomyProblem::UnknownUnitKind(n.clone()));
                        }
                        kind
                    })
                    .collect()
            };
            let responsible = kinds(&r.responsible);
            let informed = kinds(&r.informed);
            routes.push(Route { category: r.category.clone(), responsible, informed });
        }
        let mut limits = Vec::new();
        for (i, l) in file.limits.iter().enumerate() {
            match Severity::from_number(l.severity) {
                Some(severity) => {
                    limits.push(Limit { severity, verify_minutes: l.verify_minutes, act_minutes: l.act_minutes })
                }
                None => fail(TaxonomyPlace::Limit(i), TaxonomyProblem::BadSeverity(l.severity)),
            }
        }
        for severity in Severity::ALL {
            if limits.iter().filter(|l| l.severity == severity).count() != 1 {
                fail(TaxonomyPlace::File { line: 1, column: 1 }, TaxonomyProblem::BadLimits);
                break;
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        limits.sort_by_key(|l| l.severity);
        Ok(Taxonomy { id: file.id, version: file.version, categories, routes, limits })
    }

    /// The shipped taxonomy.
    pub fn shipped() -> Taxonomy {
        // Checked by a unit test; a broken shipped file is a build mistake, not input.
        Taxonomy::from_toml(SHIPPED_TAXONOMY).unwrap_or_else(|_| Taxonomy {
            id: "empty".into(),
            version: String::new(),
            categories: Vec::new(),
            routes: Vec::new(),
            limits: Vec::new(),
        })
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// The category a reporter meant by a word: its id or one of its aliases, in any case, with spaces or
    /// hyphens for underscores.
    pub fn category_by_word(&self, word: &str) -> Option<&Category> {
        let w = word.trim().to_lowercase().replace([' ', '-'], "_");
        self.categories.iter().find(|c| c.id == w || c.aliases.contains(&w))
    }

    pub fn route(&self, category: &str) -> Option<&Route> {
        self.routes.iter().find(|r| r.category == category)
    }

    pub fn limit(&self, severity: Severity) -> Limit {
        self.limits.iter().copied().find(|l| l.severity == severity).unwrap_or(Limit {
            severity,
            verify_minutes: 60,
            act_minutes: 120,
        })
    }
}

/// A phone number in the international form the gateways send (`+6281234567890`), from what people type:
/// `0812-3456-7890`, `62 812 3456 7890`, `+62 812…`. `None` unless it has 8 to 15 digits after the country code.
pub fn normalize_phone(text: &str) -> Option<String> {
    let kept: String = text.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')')).collect();
    let digits = if let Some(rest) = kept.strip_prefix('+') {
        rest.to_owned()
    } else if let Some(rest) = kept.strip_prefix('0') {
        format!("62{rest}")
    } else {
        kept
    };
    (digits.bytes().all(|b| b.is_ascii_digit()) && (10..=17).contains(&digits.len()) && !digits.starts_with('0'))
        .then(|| format!("+{digits}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_read_as_people_type_them() {
        for typed in ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "(0812) 3456.7890"] {
            assert_eq!(normalize_phone(typed).as_deref(), Some("+6281234567890"), "{typed}");
        }
        for bad in ["", "0812", "+62 812 abc", "++6281234567890", "081234567890123456789"] {
            assert_eq!(normalize_phone(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_shipped_taxonomy_loads_and_routes_every_category() {
        let t = Taxonomy::from_toml(SHIPPED_TAXONOMY).unwrap();
        assert_eq!(t.categories.len(), 16);
        for c in &t.categories {
            assert!(t.route(&c.id).is_some_and(|r| !r.responsible.is_empty()), "{} has no route", c.id);
        }
        assert_eq!(t.category_by_word("Serangan Fajar").map(|c| c.id.as_str()), Some("politik_uang"));
        assert_eq!(t.category_by_word("PADAM").map(|c| c.id.as_str()), Some("listrik_padam"));
        assert_eq!(t.route("listrik_padam").unwrap().responsible, [UnitKind::PlnUlp, UnitKind::PlnUp3]);
        assert_eq!(t.limit(Severity::Critical).verify_minutes, 15);
        assert!(t.category_by_word("pemilu").is_none());
    }

    #[test]
    fn a_broken_taxonomy_is_refused_with_every_fault_placed() {
        let text = r#"
id = "t"
version = "1"

[[category]]
id = "a"
label = "A"
label_en = "A"
aliases = ["x"]
severity = 5

[[category]]
id = "b"
label = "B"
label_en = "B"
aliases = ["X"]
severity = 1

[[route]]
category = "c"
responsible = ["polsk"]

[[limit]]
severity = 1
verify_minutes = 10
act_minutes = 20
"#;
        let errors = Taxonomy::from_toml(text).unwrap_err();
        let messages: Vec<String> = errors.iter().map(|e| e.message(Lang::En)).collect();
        assert_eq!(
            messages,
            [
                "category 1: the severity must be 1 to 4 (given 5)",
                "category 2: the word `x` is used by two categories",
                "route 1: there is no category `c`",
                "route 1: unknown unit kind `polsk`",
                "line 1, column 1: every severity 1 to 4 needs exactly one [[limit]]",
            ]
        );
        let paths: Vec<String> = errors.iter().map(TaxonomyError::path).collect();
        assert_eq!(paths, ["category[1].severity", "category[2].aliases", "route[1].category", "route[1]", "limit"]);
        let typo = Taxonomy::from_toml("id = \"t\"\nversion = \"1\"\nkategori = 1\n").unwrap_err();
        assert!(typo[0].message(Lang::En).starts_with("line 3, column 1: unknown field `kategori`"), "{typo:?}");
        assert_eq!(typo[0].path(), "line:3:1");
    }

    #[test]
    fn severities_and_kinds_read_both_languages() {
        assert_eq!(Severity::parse("Kritis"), Some(Severity::Critical));
        assert_eq!(Severity::parse("2"), Some(Severity::Medium));
        assert_eq!(Severity::parse("5"), None);
        assert_eq!(ReportKind::parse("laporan_informasi"), Some(ReportKind::Intelligence));
        assert_eq!(Channel::parse("SMS"), Some(Channel::Sms));
    }
}
