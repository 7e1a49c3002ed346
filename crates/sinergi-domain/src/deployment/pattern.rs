//! The security pattern (*pola pengamanan TPS*): how many police, TNI and Linmas guard how many TPS of a class.
//!
//! A pattern P-T-L reads "P police officers secure T TPS, helped by L Linmas for those T TPS"; `tni` adds N soldiers
//! per post where the area needs them (0 by default). A pattern file is TOML (format in `docs/deployment.md`,
//! shipped default in `deployment-patterns/pilkada-default.toml`): an id, a version, a name, and rules. A rule names
//! a class of the indicator set and, optionally, a cause variable — the reason kept with the class, so that a TPS
//! *rawan* for natural reasons can be guarded differently from one *rawan* for social conflict. The first rule that
//! matches a TPS gives its pattern; each class needs a rule without a cause, its fallback.
//!
//! Parsing checks everything against the indicator set the pattern is for and reports every fault with its place:
//! a TOML position (line and column) or a rule's number with the line of its field.

use std::collections::HashSet;

use serde::Deserialize;

use crate::i18n::{Lang, Msg};
use crate::vulnerability::IndicatorSet;

/// The shipped default pattern for a regional election, for Polri's TPS classes (`polri-kelas-tps`).
pub const DEFAULT_TOML: &str = include_str!("../../deployment-patterns/pilkada-default.toml");

/// The largest P, T, L or TNI figure a rule may hold: anything above is a typo, not a post.
pub const MAX_FIGURE: u32 = 1000;

/// One rule of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternRule {
    /// The class id this rule applies to.
    pub class: String,
    /// The cause variable it requires among the TPS's causes; `None` for a class's fallback.
    pub cause: Option<String>,
    /// P: police per post.
    pub police: u32,
    /// T: the most TPS one post secures (at least 1).
    pub tps: u32,
    /// L: Linmas for T TPS (a post of k TPS has ⌈k·L/T⌉).
    pub linmas: u32,
    /// TNI soldiers per post.
    pub tni: u32,
    pub note: String,
}

impl PatternRule {
    /// `P-T-L`, plus `+N TNI` when the rule adds soldiers.
    pub fn short(&self) -> String {
        let base = format!("{}-{}-{}", self.police, self.tps, self.linmas);
        if self.tni > 0 { format!("{base} +{} TNI", self.tni) } else { base }
    }

    /// The people a post of `k` TPS under this rule needs: P police and N TNI per post, ⌈k·L/T⌉ Linmas (L/T per
    /// TPS, rounded up over the post). `k` is expected within 1..=T; a larger `k` counts as ⌈k/T⌉ posts' police.
    pub fn post_need(&self, k: u32) -> super::Need {
        let posts = k.div_ceil(self.tps.max(1)).max(1);
        super::Need {
            polri: self.police.saturating_mul(posts),
            tni: self.tni.saturating_mul(posts),
            linmas: ceil_ratio(k, self.linmas, self.tps),
        }
    }

    /// The estimate for `n` TPS of this rule before they are grouped: ⌈n/T⌉ posts' police and TNI, ⌈n·L/T⌉ Linmas.
    /// Grouping can only add posts (walking distance, missing coordinates), so this is a lower bound of the
    /// grouped need.
    pub fn estimate(&self, n: u32) -> super::Need {
        if n == 0 {
            return super::Need::default();
        }
        let posts = n.div_ceil(self.tps.max(1));
        super::Need {
            polri: self.police.saturating_mul(posts),
            tni: self.tni.saturating_mul(posts),
            linmas: ceil_ratio(n, self.linmas, self.tps),
        }
    }
}

/// ⌈k·l/t⌉ without overflow.
fn ceil_ratio(k: u32, l: u32, t: u32) -> u32 {
    let v = (u64::from(k) * u64::from(l)).div_ceil(u64::from(t.max(1)));
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// A security pattern, checked against its indicator set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    pub id: String,
    pub version: String,
    pub name: String,
    /// The id of the indicator set whose classes the rules name.
    pub indicator_set: String,
    pub rules: Vec<PatternRule>,
}

/// Where in a pattern file a fault lies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternPlace {
    /// A position in the TOML (1-based line and column), or the file as a whole (line 1, column 1).
    File { line: usize, column: usize },
    /// A rule, numbered from 1 in the order written, with the position of the field at fault.
    Rule { number: usize, line: usize, column: usize },
}

impl std::fmt::Display for PatternPlace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PatternPlace::File { line, column } => write!(f, "line {line}, column {column}"),
            PatternPlace::Rule { number, line, column } => write!(f, "rule {number} (line {line}, column {column})"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternProblem {
    #[error("{0}")]
    Syntax(String),
    #[error("id `{0}` must be 1 to 64 characters of a-z, 0-9, '_', '-', starting with a letter")]
    BadId(String),
    #[error("{0} must not be empty")]
    Empty(&'static str),
    #[error("the pattern is for indicator set `{found}`, not `{expected}`")]
    WrongSet { expected: String, found: String },
    #[error("the pattern has no rules")]
    NoRules,
    #[error("class `{class}` is not a class of the indicator set (its classes: {known})")]
    UnknownClass { class: String, known: String },
    #[error("cause `{cause}` is not a variable of the indicator set (its variables: {known})")]
    UnknownCause { cause: String, known: String },
    #[error("`tps` must be at least 1: a post secures at least one TPS")]
    ZeroTps,
    #[error("`police` must be at least 1: every post has police")]
    ZeroPolice,
    #[error("`{field}` is {value}; at most {max}")]
    TooLarge { field: &'static str, value: u32, max: u32 },
    #[error("rule can never match: rule {earlier} already takes every TPS it would")]
    Unreachable { earlier: usize },
    #[error("class `{0}` has no rule without a cause, so some of its TPS would have no pattern")]
    NoFallback(String),
}

/// A fault of a pattern file and its place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {problem}")]
pub struct PatternError {
    pub place: PatternPlace,
    pub problem: PatternProblem,
}

impl PatternError {
    /// "PLACE: reason", in the user's language (the English text is the `Display`).
    pub fn message(&self, lang: Lang) -> String {
        let place = match &self.place {
            PatternPlace::File { line, column } => {
                lang.format(Msg::DeployPlaceFile, &[("line", line), ("column", column)])
            }
            PatternPlace::Rule { number, line, column } => {
                lang.format(Msg::DeployPlaceRule, &[("n", number), ("line", line), ("column", column)])
            }
        };
        let reason = match &self.problem {
            PatternProblem::Syntax(text) => text.clone(),
            PatternProblem::BadId(id) => lang.format(Msg::DeployPatternBadId, &[("id", id)]),
            PatternProblem::Empty(field) => lang.format(Msg::DeployPatternEmpty, &[("field", field)]),
            PatternProblem::WrongSet { expected, found } => {
                lang.format(Msg::DeployPatternWrongSet, &[("expected", expected), ("found", found)])
            }
            PatternProblem::NoRules => lang.t(Msg::DeployPatternNoRules).to_owned(),
            PatternProblem::UnknownClass { class, known } => {
                lang.format(Msg::DeployPatternUnknownClass, &[("class", class), ("known", known)])
            }
            PatternProblem::UnknownCause { cause, known } => {
                lang.format(Msg::DeployPatternUnknownCause, &[("cause", cause), ("known", known)])
            }
            PatternProblem::ZeroTps => lang.t(Msg::DeployPatternZeroTps).to_owned(),
            PatternProblem::ZeroPolice => lang.t(Msg::DeployPatternZeroPolice).to_owned(),
            PatternProblem::TooLarge { field, value, max } => {
                lang.format(Msg::DeployPatternTooLarge, &[("field", field), ("value", value), ("max", max)])
            }
            PatternProblem::Unreachable { earlier } => {
                lang.format(Msg::DeployPatternUnreachable, &[("earlier", earlier)])
            }
            PatternProblem::NoFallback(class) => lang.format(Msg::DeployPatternNoFallback, &[("class", class)]),
        };
        format!("{place}: {reason}")
    }
}

// The file as written. Unknown fields are refused, so a misspelt key is an error and not a silent default.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FilePattern {
    id: toml::Spanned<String>,
    version: toml::Spanned<String>,
    name: toml::Spanned<String>,
    indicator_set: Option<toml::Spanned<String>>,
    #[serde(default, rename = "rule")]
    rules: Vec<toml::Spanned<FileRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRule {
    class: toml::Spanned<String>,
    cause: Option<toml::Spanned<String>>,
    police: toml::Spanned<u32>,
    tps: toml::Spanned<u32>,
    linmas: toml::Spanned<u32>,
    tni: Option<toml::Spanned<u32>>,
    #[serde(default)]
    note: String,
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

impl Pattern {
    /// Reads and checks a pattern for the classes and variables of `set`. Every fault is reported with its place.
    pub fn from_toml(text: &str, set: &IndicatorSet) -> Result<Pattern, Vec<PatternError>> {
        let file: FilePattern = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| line_column(text, s.start));
            vec![PatternError {
                place: PatternPlace::File { line, column },
                problem: PatternProblem::Syntax(e.message().trim().to_owned()),
            }]
        })?;
        let mut errors = Vec::new();
        let at = |span: std::ops::Range<usize>| {
            let (line, column) = line_column(text, span.start);
            PatternPlace::File { line, column }
        };
        if !valid_id(file.id.get_ref()) {
            errors.push(PatternError {
                place: at(file.id.span()),
                problem: PatternProblem::BadId(file.id.get_ref().clone()),
            });
        }
        for (field, value) in [("version", &file.version), ("name", &file.name)] {
            if value.get_ref().trim().is_empty() {
                errors.push(PatternError { place: at(value.span()), problem: PatternProblem::Empty(field) });
            }
        }
        let indicator_set = match &file.indicator_set {
            Some(s) if s.get_ref() != &set.id => {
                errors.push(PatternError {
                    place: at(s.span()),
                    problem: PatternProblem::WrongSet { expected: set.id.clone(), found: s.get_ref().clone() },
                });
                s.get_ref().clone()
            }
            _ => set.id.clone(),
        };
        if file.rules.is_empty() {
            errors.push(PatternError {
                place: PatternPlace::File { line: 1, column: 1 },
                problem: PatternProblem::NoRules,
            });
        }
        let known_classes = set.classes.iter().map(|c| c.id.as_str()).collect::<Vec<_>>().join(", ");
        let known_variables = set.variables.iter().map(|v| v.id.as_str()).collect::<Vec<_>>().join(", ");
        let mut rules: Vec<PatternRule> = Vec::new();
        // (class, cause) of each rule written so far, with its number, to find rules that can never match.
        let mut seen: Vec<(String, Option<String>, usize)> = Vec::new();
        let mut fallback: HashSet<String> = HashSet::new();
        for (i, spanned) in file.rules.iter().enumerate() {
            let number = i + 1;
            let rule = spanned.get_ref();
            let place = |span: std::ops::Range<usize>| {
                let (line, column) = line_column(text, span.start);
                PatternPlace::Rule { number, line, column }
            };
            let mut fail =
                |span: std::ops::Range<usize>, problem| errors.push(PatternError { place: place(span), problem });
            let class = rule.class.get_ref();
            if set.class(class).is_none() {
                fail(
                    rule.class.span(),
                    PatternProblem::UnknownClass { class: class.clone(), known: known_classes.clone() },
                );
            }
            let cause = rule.cause.as_ref().map(|c| c.get_ref().clone());
            if let Some(c) = &rule.cause
                && !set.variables.iter().any(|v| &v.id == c.get_ref())
            {
                fail(
                    c.span(),
                    PatternProblem::UnknownCause { cause: c.get_ref().clone(), known: known_variables.clone() },
                );
            }
            if *rule.tps.get_ref() == 0 {
                fail(rule.tps.span(), PatternProblem::ZeroTps);
            }
            if *rule.police.get_ref() == 0 {
                fail(rule.police.span(), PatternProblem::ZeroPolice);
            }
            let tni = rule.tni.as_ref().map_or(0, |t| *t.get_ref());
            for (field, value) in [
                ("police", Some(&rule.police)),
                ("tps", Some(&rule.tps)),
                ("linmas", Some(&rule.linmas)),
                ("tni", rule.tni.as_ref()),
            ] {
                let Some(value) = value else { continue };
                if *value.get_ref() > MAX_FIGURE {
                    fail(value.span(), PatternProblem::TooLarge { field, value: *value.get_ref(), max: MAX_FIGURE });
                }
            }
            // A rule is shadowed by an earlier fallback of its class, or by an earlier rule with the same cause.
            if let Some((_, _, earlier)) =
                seen.iter().find(|(c, k, _)| c == class && (k.is_none() || (k.is_some() && *k == cause)))
            {
                fail(spanned.span(), PatternProblem::Unreachable { earlier: *earlier });
            }
            seen.push((class.clone(), cause.clone(), number));
            if cause.is_none() {
                fallback.insert(class.clone());
            }
            rules.push(PatternRule {
                class: class.clone(),
                cause,
                police: *rule.police.get_ref(),
                tps: *rule.tps.get_ref(),
                linmas: *rule.linmas.get_ref(),
                tni,
                note: rule.note.trim().to_owned(),
            });
        }
        if !file.rules.is_empty() {
            for class in &set.classes {
                if !fallback.contains(&class.id) {
                    errors.push(PatternError {
                        place: PatternPlace::File { line: 1, column: 1 },
                        problem: PatternProblem::NoFallback(class.id.clone()),
                    });
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Pattern {
            id: file.id.into_inner(),
            version: file.version.into_inner().trim().to_owned(),
            name: file.name.into_inner().trim().to_owned(),
            indicator_set,
            rules,
        })
    }

    /// The shipped default, for Polri's TPS classes.
    pub fn shipped(set: &IndicatorSet) -> Result<Pattern, Vec<PatternError>> {
        Pattern::from_toml(DEFAULT_TOML, set)
    }

    /// The index of the rule for a TPS of `class` with these causes: the first whose class matches and whose cause,
    /// if it names one, is among the causes (a variable id, or a `variable.indicator` name in that variable).
    pub fn rule_for(&self, class: &str, causes: &[String]) -> Option<usize> {
        let in_variable = |variable: &str| {
            causes.iter().any(|c| c == variable || c.split_once('.').is_some_and(|(v, _)| v == variable))
        };
        self.rules.iter().position(|r| r.class == class && r.cause.as_deref().is_none_or(in_variable))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vulnerability::SHIPPED;

    fn polri() -> IndicatorSet {
        IndicatorSet::from_toml(SHIPPED[1].1).unwrap()
    }

    const HEAD: &str = "id = \"p\"\nversion = \"1\"\nname = \"Pola\"\n";

    fn fallbacks() -> String {
        ["kurang_rawan", "rawan", "sangat_rawan", "khusus"]
            .iter()
            .map(|c| format!("[[rule]]\nclass = \"{c}\"\npolice = 2\ntps = 2\nlinmas = 4\n"))
            .collect()
    }

    fn problems(text: &str) -> Vec<PatternError> {
        Pattern::from_toml(text, &polri()).unwrap_err()
    }

    #[test]
    fn the_shipped_default_follows_the_notes() {
        let p = Pattern::shipped(&polri()).unwrap();
        assert_eq!((p.id.as_str(), p.indicator_set.as_str()), ("pilkada-default", "polri-kelas-tps"));
        let of = |class: &str, causes: &[&str]| {
            let causes: Vec<String> = causes.iter().map(|c| (*c).to_owned()).collect();
            p.rules[p.rule_for(class, &causes).unwrap()].short()
        };
        assert_eq!(of("kurang_rawan", &[]), "2-8-16");
        assert_eq!(of("rawan", &["sosial.potensi_konflik"]), "2-2-4");
        assert_eq!(of("rawan", &["geografis.sulit_dijangkau"]), "2-8-16", "Sleman: natural reasons as kurang rawan");
        assert_eq!(of("rawan", &["geografis", "sosial"]), "2-2-4", "both reasons: the stricter pattern");
        assert_eq!(of("rawan", &[]), "2-2-4");
        assert_eq!(of("sangat_rawan", &["berat.isu_sara"]), "4-2-8");
        assert_eq!(of("khusus", &[]), "2-1-2");
        assert!(p.rules.iter().all(|r| r.tni == 0));
        assert_eq!(p.rule_for("tidak_ada", &[]), None);
    }

    #[test]
    fn shares_round_up_per_post() {
        let rule = |police, tps, linmas, tni| PatternRule {
            class: "x".into(),
            cause: None,
            police,
            tps,
            linmas,
            tni,
            note: String::new(),
        };
        let r = rule(2, 8, 16, 1);
        assert_eq!(r.post_need(3), crate::deployment::Need { polri: 2, tni: 1, linmas: 6 });
        assert_eq!(r.post_need(8), crate::deployment::Need { polri: 2, tni: 1, linmas: 16 });
        // 3 Linmas for 2 TPS: a post of one TPS still needs 2 (⌈1.5⌉).
        assert_eq!(rule(2, 2, 3, 0).post_need(1).linmas, 2);
        // The estimate before grouping: 17 TPS under 2-8-16 → 3 posts, 6 police, 34 Linmas.
        assert_eq!(r.estimate(17), crate::deployment::Need { polri: 6, tni: 3, linmas: 34 });
        assert_eq!(r.estimate(0), crate::deployment::Need::default());
    }

    #[test]
    fn tni_per_post_where_the_area_needs() {
        let text = format!(
            "{HEAD}[[rule]]\nclass = \"sangat_rawan\"\ncause = \"berat\"\npolice = 4\ntps = 2\nlinmas = 8\ntni = 2\n{}",
            fallbacks()
        );
        let p = Pattern::from_toml(&text, &polri()).unwrap();
        assert_eq!(p.rules[0].short(), "4-2-8 +2 TNI");
        assert_eq!(p.rules[0].post_need(2).tni, 2);
    }

    #[test]
    fn syntax_errors_are_placed_by_line_and_column() {
        let e = problems("id = \"p\"\nversion = \"1\"\nname = \n");
        assert!(matches!(e[0].place, PatternPlace::File { line: 3, .. }), "{e:?}");
        let e = problems(&format!("{HEAD}colour = \"red\"\n"));
        assert!(matches!(e[0].problem, PatternProblem::Syntax(_)));
        assert!(matches!(e[0].place, PatternPlace::File { line: 4, column: 1 }), "{e:?}");
        // A negative figure is a type error of its own field.
        let e = problems(&format!("{HEAD}[[rule]]\nclass = \"rawan\"\npolice = -2\ntps = 2\nlinmas = 4\n"));
        assert!(matches!(e[0].place, PatternPlace::File { line: 6, .. }), "{e:?}");
    }

    #[test]
    fn every_rule_fault_is_reported_with_its_rule() {
        let text = format!(
            "{HEAD}[[rule]]\nclass = \"aman\"\npolice = 2\ntps = 0\nlinmas = 4\n\
             [[rule]]\nclass = \"rawan\"\ncause = \"cuaca\"\npolice = 0\ntps = 2\nlinmas = 4000\n{}",
            fallbacks()
        );
        let e = problems(&text);
        let got: Vec<(usize, usize, &PatternProblem)> = e
            .iter()
            .map(|e| match e.place {
                PatternPlace::Rule { number, line, .. } => (number, line, &e.problem),
                PatternPlace::File { .. } => (0, 0, &e.problem),
            })
            .collect();
        assert!(matches!(got[0], (1, 5, PatternProblem::UnknownClass { .. })), "{got:?}");
        assert!(matches!(got[1], (1, 7, PatternProblem::ZeroTps)), "{got:?}");
        assert!(matches!(got[2], (2, 11, PatternProblem::UnknownCause { .. })), "{got:?}");
        assert!(matches!(got[3], (2, 12, PatternProblem::ZeroPolice)), "{got:?}");
        assert!(matches!(got[4], (2, 14, PatternProblem::TooLarge { field: "linmas", .. })), "{got:?}");
        assert_eq!(got.len(), 5);
        // Every message reads the same in English as its Display, and has its Indonesian text.
        for error in &e {
            assert_eq!(error.message(Lang::En), error.to_string());
        }
        assert_eq!(
            e[1].message(Lang::Id),
            "aturan 1 (baris 7, kolom 7): `tps` minimal 1: satu pos mengamankan sedikitnya satu TPS"
        );
        assert_eq!(
            e[0].to_string(),
            "rule 1 (line 5, column 9): class `aman` is not a class of the indicator set (its classes: \
             kurang_rawan, rawan, sangat_rawan, khusus)"
        );
    }

    #[test]
    fn a_class_without_fallback_and_shadowed_rules_are_refused() {
        let text = format!("{HEAD}[[rule]]\nclass = \"rawan\"\ncause = \"sosial\"\npolice = 2\ntps = 2\nlinmas = 4\n");
        let e = problems(&text);
        let missing: Vec<&PatternProblem> = e.iter().map(|e| &e.problem).collect();
        assert!(missing.contains(&&PatternProblem::NoFallback("kurang_rawan".into())));
        assert!(missing.contains(&&PatternProblem::NoFallback("rawan".into())));
        // A caused rule after its class's fallback never matches.
        let text = format!(
            "{HEAD}{}[[rule]]\nclass = \"rawan\"\ncause = \"sosial\"\npolice = 2\ntps = 2\nlinmas = 4\n",
            fallbacks()
        );
        let e = problems(&text);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].problem, PatternProblem::Unreachable { earlier: 2 });
        assert!(matches!(e[0].place, PatternPlace::Rule { number: 5, .. }));
    }

    #[test]
    fn head_faults_are_placed() {
        let e = problems(&format!(
            "id = \"Pola Baru\"\nversion = \" \"\nname = \"x\"\nindicator_set = \"bawaslu\"\n{}",
            fallbacks()
        ));
        let kinds: Vec<&PatternProblem> = e.iter().map(|e| &e.problem).collect();
        assert!(matches!(kinds[0], PatternProblem::BadId(_)));
        assert!(matches!(
            e[1],
            PatternError { place: PatternPlace::File { line: 2, .. }, problem: PatternProblem::Empty("version") }
        ));
        assert!(matches!(kinds[2], PatternProblem::WrongSet { .. }));
        assert!(problems(HEAD).iter().any(|e| e.problem == PatternProblem::NoRules));
        for error in e.iter().chain(&problems(HEAD)).chain(&problems("id = 1")) {
            assert_eq!(error.message(Lang::En), error.to_string());
        }
    }
}
