//! The structured SMS of field reporters (docs/sms.md):
//!
//! ```text
//! LAPOR <kategori> [TPS <nomor>] [!<tingkat>] [DESA <kode desa>] <uraian>     an incident report
//! INFO  <kategori> ...                                                          an intelligence report
//! ```
//!
//! Village police officers and village election supervisors type these on basic phones, often in a hurry, so the
//! reading is forgiving: any case; spaces, tabs, line breaks, `#`, `:`, `,`, `;`, `/` or `.` between the words;
//! the keyword's and the TPS's common short forms; category ids or any alias of the taxonomy, multi-word ones
//! written with spaces. The header items after the keyword (category, TPS, severity, village) may come in any
//! order; the first word that is none of them starts the description. No word is dropped: one that is not a
//! header item starts the description once the category is known, and is refused by name where the category
//! should be.
//!
//! The gateway knows the sender, hence their account and home village; a message names a village only when the
//! report is about another one. Every refusal has a short reply that tells the officer what to fix.

use std::fmt;

use crate::i18n::{Lang, Msg};
use crate::region::{Level, RegionCode};

use super::{ReportKind, Severity, Taxonomy};

/// The longest message accepted, in characters: three SMS.
pub const MAX_CHARS: usize = 480;

/// The shortest description accepted, in characters.
pub const MIN_DESCRIPTION_CHARS: usize = 5;

/// The highest TPS number; TPS are numbered from 1 within their village.
pub const MAX_TPS: u32 = 999;

/// How many category words a reply lists when it has no closer suggestion. Four ids of the shipped taxonomy keep
/// every reply within one SMS.
const LISTED_WORDS: usize = 4;

/// How many close matches a reply suggests for a misspelt category.
const SUGGESTIONS: usize = 3;

/// How much of a faulty word a reply repeats. A reply must stay one SMS even when the word is a whole sentence.
const ECHO_CHARS: usize = 20;

/// A report read from an SMS. The caller adds what the gateway knows: the reporter, and their home village when
/// `village` is `None`; the category's default severity when `severity` is `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsReport {
    pub kind: ReportKind,
    /// The category's id in the taxonomy (not the word the reporter typed).
    pub category: String,
    pub tps_number: Option<u32>,
    pub severity: Option<Severity>,
    /// A village (level 4) named with `DESA`.
    pub village: Option<RegionCode>,
    /// The rest of the message, with every run of spaces, tabs and line breaks made one space.
    pub description: String,
}

/// Why an SMS is not a report. [`SmsError::reply`] is the text to send back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmsError {
    /// The first word is not LAPOR, INFO or one of their short forms (an empty message too).
    UnknownKeyword { words: Vec<String> },
    /// The keyword and nothing else, or only header items without a category.
    MissingCategory { words: Vec<String> },
    /// The word where the category should be is no category id or alias. `suggestions` are close matches, or a
    /// few category ids when nothing is close.
    UnknownCategory { word: String, suggestions: Vec<String> },
    /// `TPS` followed by something with digits that is not a number from 1 to 999.
    BadTps { given: String },
    /// `DESA` followed by something with digits that is not a village code.
    BadVillage { given: String },
    /// A well-formed village code outside the sender's territory (or the gateway's).
    VillageOutside { given: String },
    /// A well-formed village code inside the territory that names no village.
    UnknownVillage { given: String },
    /// A control character (a NUL, an escape) that no text of Sinergi may hold: a gateway's fault, never typed.
    ControlCharacter,
    /// No description, or one shorter than [`MIN_DESCRIPTION_CHARS`] or without a letter or digit.
    MissingDescription,
    /// More than [`MAX_CHARS`] characters.
    TooLong { length: usize },
}

impl SmsError {
    /// A stable name for logs and counters.
    pub fn code(&self) -> &'static str {
        match self {
            SmsError::UnknownKeyword { .. } => "unknown_keyword",
            SmsError::MissingCategory { .. } => "missing_category",
            SmsError::UnknownCategory { .. } => "unknown_category",
            SmsError::BadTps { .. } => "bad_tps",
            SmsError::BadVillage { .. } => "bad_village",
            SmsError::VillageOutside { .. } => "village_outside",
            SmsError::UnknownVillage { .. } => "unknown_village",
            SmsError::ControlCharacter => "control_character",
            SmsError::MissingDescription => "missing_description",
            SmsError::TooLong { .. } => "too_long",
        }
    }

    /// The reply to send to the reporter, in their language.
    pub fn reply(&self, lang: Lang) -> String {
        match self {
            SmsError::UnknownKeyword { words } => lang.format(Msg::SmsUnknownKeyword, &[("words", &words.join(", "))]),
            SmsError::MissingCategory { words } => {
                lang.format(Msg::SmsMissingCategory, &[("words", &words.join(", "))])
            }
            SmsError::UnknownCategory { word, suggestions } => {
                lang.format(Msg::SmsUnknownCategory, &[("word", &echo(word)), ("words", &suggestions.join(", "))])
            }
            SmsError::BadTps { given } => lang.format(Msg::SmsBadTps, &[("given", &echo(given)), ("max", &MAX_TPS)]),
            SmsError::BadVillage { given } => lang.format(Msg::SmsBadVillage, &[("given", &echo(given))]),
            SmsError::VillageOutside { given } => lang.format(Msg::SmsVillageOutside, &[("given", &echo(given))]),
            SmsError::UnknownVillage { given } => lang.format(Msg::SmsUnknownVillage, &[("given", &echo(given))]),
            SmsError::ControlCharacter => lang.t(Msg::SmsControlCharacter).to_owned(),
            SmsError::MissingDescription => lang.format(Msg::SmsMissingDescription, &[("min", &MIN_DESCRIPTION_CHARS)]),
            SmsError::TooLong { length } => lang.format(Msg::SmsTooLong, &[("length", length), ("limit", &MAX_CHARS)]),
        }
    }
}

impl fmt::Display for SmsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reply(Lang::En))
    }
}

impl std::error::Error for SmsError {}

/// The acknowledgement of an accepted report. The reference (e.g. `LP-2024-000123`) is the caller's.
pub fn sms_reply_ok(reference: &str, lang: Lang) -> String {
    lang.format(Msg::SmsReplyOk, &[("reference", &reference)])
}

/// At most [`ECHO_CHARS`] characters of a word, marked when cut.
fn echo(word: &str) -> String {
    if word.chars().count() <= ECHO_CHARS {
        word.to_owned()
    } else {
        let mut cut: String = word.chars().take(ECHO_CHARS - 3).collect();
        cut.push_str("...");
        cut
    }
}

/// A word of the message: where it starts in the original text (the description is cut from there, punctuation
/// and all) and its lowercase form for matching.
struct Token<'a> {
    start: usize,
    text: &'a str,
    lower: String,
}

impl Token<'_> {
    fn has_digit(&self) -> bool {
        self.text.bytes().any(|b| b.is_ascii_digit())
    }
}

/// Splits at separators. A `.` between two digits is kept, because it is part of a village code
/// (`33.20.01.2001`); anywhere else it ends a word, like `TPS 5.` or `no.`.
fn tokens(text: &str) -> Vec<Token<'_>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let digit_at = |i: usize| chars.get(i).is_some_and(|(_, c)| c.is_ascii_digit());
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, &(pos, c)) in chars.iter().enumerate() {
        let separator = c.is_whitespace()
            || matches!(c, '#' | ':' | ',' | ';' | '/')
            || (c == '.' && !(i > 0 && digit_at(i - 1) && digit_at(i + 1)));
        match (separator, start) {
            (true, Some(s)) => {
                out.push(Token { start: s, text: &text[s..pos], lower: text[s..pos].to_lowercase() });
                start = None;
            }
            (false, None) => start = Some(pos),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(Token { start: s, text: &text[s..], lower: text[s..].to_lowercase() });
    }
    out
}

/// The kind a keyword names, and how many words it takes (`LAPORAN KEJADIAN` is two).
fn keyword(toks: &[Token]) -> Option<(ReportKind, usize)> {
    let first = toks.first()?.lower.as_str();
    let second = toks.get(1).map(|t| t.lower.as_str());
    match first {
        "lapor" | "lpr" | "lap" | "lk" => Some((ReportKind::Incident, 1)),
        "info" | "inf" | "li" | "informasi" => Some((ReportKind::Intelligence, 1)),
        "laporan" => match second {
            Some("informasi" | "info") => Some((ReportKind::Intelligence, 2)),
            Some("kejadian") => Some((ReportKind::Incident, 2)),
            _ => Some((ReportKind::Incident, 1)),
        },
        _ => None,
    }
}

/// `TPS 5`, `TPS no. 5`, `tps5`, `TPS-05`, `TPS 005`: the number and how many words it took. `TPS` followed by
/// a word without digits is not a TPS item (it is left for the description); with digits that are no TPS number
/// it is an error, because the reporter plainly meant a TPS.
fn tps_item(toks: &[Token]) -> Result<Option<(u32, usize)>, SmsError> {
    let Some(first) = toks.first() else { return Ok(None) };
    let Some(rest) = first.lower.strip_prefix("tps") else { return Ok(None) };
    let rest = rest.trim_start_matches('-');
    if !rest.is_empty() {
        if !rest.bytes().any(|b| b.is_ascii_digit()) {
            return Ok(None);
        }
        return tps_number(rest).map(|n| Some((n, 1))).ok_or_else(|| SmsError::BadTps { given: first.text.into() });
    }
    let mut next = 1;
    if toks.get(1).is_some_and(|t| matches!(t.lower.as_str(), "no" | "nomor" | "nmr" | "nomer"))
        && toks.get(2).is_some_and(Token::has_digit)
    {
        next = 2;
    }
    match toks.get(next) {
        Some(t) if t.has_digit() => {
            tps_number(&t.lower).map(|n| Some((n, next + 1))).ok_or_else(|| SmsError::BadTps { given: t.text.into() })
        }
        _ => Ok(None),
    }
}

fn tps_number(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 6 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|n| (1..=MAX_TPS).contains(n))
}

/// `DESA 33.20.01.2001` (also `DS`, `KEL`, `KELURAHAN`; the code with or without its dots). As for the TPS, a
/// village name (no digits) is left for the description.
fn village_item(toks: &[Token]) -> Result<Option<(RegionCode, usize)>, SmsError> {
    let Some(first) = toks.first() else { return Ok(None) };
    if !matches!(first.lower.as_str(), "desa" | "ds" | "kel" | "kelurahan") {
        return Ok(None);
    }
    match toks.get(1) {
        Some(t) if t.has_digit() => {
            village_code(t.text).map(|c| Some((c, 2))).ok_or_else(|| SmsError::BadVillage { given: t.text.into() })
        }
        _ => Ok(None),
    }
}

fn village_code(text: &str) -> Option<RegionCode> {
    // Ten bare digits are the code typed without its dots, which is quicker on a phone keypad.
    let dotted = if text.len() == 10 && text.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}.{}.{}.{}", &text[..2], &text[2..4], &text[4..6], &text[6..])
    } else {
        text.to_owned()
    };
    RegionCode::parse(&dotted).ok().filter(|c| c.level() == Level::Village)
}

/// A severity item: `!kritis`, `tinggi!`, `!!sedang` and so on, or a bare `kritis` or `darurat`.
///
/// Bare *tinggi*, *sedang* and *rendah* are not read, because descriptions begin with them ("sedang berlangsung",
/// "tinggi air 1 meter"): taking them would lower a report's severity and cut its first word. Bare *kritis* and
/// *darurat* can only mean the gravest severity, so reading them loses nothing.
fn severity_item(tok: &Token) -> Option<Severity> {
    let word = tok.lower.trim_matches('!');
    if word.is_empty() || word.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let severity = Severity::parse(word)?;
    let marked = word.len() < tok.lower.len();
    (marked || matches!(word, "kritis" | "darurat")).then_some(severity)
}

/// The category named by the next words, trying the longest run first so that `serangan fajar` is one alias.
fn category_item<'t>(toks: &[Token], taxonomy: &'t Taxonomy) -> Option<(&'t str, usize)> {
    let longest = taxonomy
        .categories
        .iter()
        .flat_map(|c| std::iter::once(&c.id).chain(&c.aliases))
        .map(|w| w.split(['_', ' ', '-']).count())
        .max()
        .unwrap_or(1)
        .min(toks.len());
    (1..=longest).rev().find_map(|n| {
        let joined: Vec<&str> = toks[..n].iter().map(|t| t.lower.as_str()).collect();
        taxonomy.category_by_word(&joined.join("_")).map(|c| (c.id.as_str(), n))
    })
}

/// The first few category ids, for replies that show what may be typed.
fn listed_words(taxonomy: &Taxonomy) -> Vec<String> {
    taxonomy.categories.iter().take(LISTED_WORDS).map(|c| c.id.clone()).collect()
}

/// Category words close to a misspelt one (at most two edits, and at most a third of its letters), one per
/// category, closest first; a few category ids when nothing is close.
fn suggestions(word: &str, taxonomy: &Taxonomy) -> Vec<String> {
    let typed: Vec<char> = word.to_lowercase().replace(['-', ' '], "_").chars().take(40).collect();
    let mut close: Vec<(usize, usize, &str)> = taxonomy
        .categories
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            std::iter::once(&c.id)
                .chain(&c.aliases)
                .map(|w| (edit_distance(&typed, w), w.as_str()))
                .min_by_key(|(d, _)| *d)
                .map(|(d, w)| (d, i, w))
        })
        .filter(|(d, _, _)| *d <= 2 && d * 3 <= typed.len())
        .collect();
    close.sort();
    if close.is_empty() {
        return listed_words(taxonomy);
    }
    close.into_iter().take(SUGGESTIONS).map(|(_, _, w)| w.to_owned()).collect()
}

/// Levenshtein distance between a typed word and a category word.
fn edit_distance(a: &[char], b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitute.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

/// Reads a field reporter's SMS against a taxonomy.
///
/// The first word is the keyword. Then come the header items, in any order, each at most once: the category
/// (required), `TPS <nomor>`, a severity, `DESA <kode>`. The first word that is none of these, or that repeats
/// one already read, starts the description, which runs to the end of the message.
pub fn parse_sms(text: &str, taxonomy: &Taxonomy) -> Result<SmsReport, SmsError> {
    let text = text.trim();
    // Counted before anything else is done, so that the work below is bounded by the limit.
    let length = text.chars().count();
    if length > MAX_CHARS {
        return Err(SmsError::TooLong { length });
    }
    // The same check of text as every other entry point (a message may run over several lines).
    if text.chars().any(|c| crate::text::forbidden(c, crate::text::Lines::Many)) {
        return Err(SmsError::ControlCharacter);
    }
    let toks = tokens(text);
    let (kind, mut i) = keyword(&toks).ok_or_else(|| SmsError::UnknownKeyword { words: listed_words(taxonomy) })?;
    let mut category: Option<&str> = None;
    let mut tps_number = None;
    let mut severity = None;
    let mut village = None;
    while i < toks.len() {
        let rest = &toks[i..];
        if tps_number.is_none()
            && let Some((n, used)) = tps_item(rest)?
        {
            tps_number = Some(n);
            i += used;
            continue;
        }
        if village.is_none()
            && let Some((code, used)) = village_item(rest)?
        {
            village = Some(code);
            i += used;
            continue;
        }
        if severity.is_none()
            && let Some(s) = severity_item(&rest[0])
        {
            severity = Some(s);
            i += 1;
            continue;
        }
        if category.is_none() {
            let (id, used) = category_item(rest, taxonomy).ok_or_else(|| SmsError::UnknownCategory {
                word: rest[0].text.to_owned(),
                suggestions: suggestions(&rest[0].lower, taxonomy),
            })?;
            category = Some(id);
            i += used;
            continue;
        }
        break;
    }
    let category = category.ok_or_else(|| SmsError::MissingCategory { words: listed_words(taxonomy) })?;
    let description =
        toks.get(i).map_or(String::new(), |t| text[t.start..].split_whitespace().collect::<Vec<_>>().join(" "));
    if description.chars().count() < MIN_DESCRIPTION_CHARS || !description.chars().any(char::is_alphanumeric) {
        return Err(SmsError::MissingDescription);
    }
    Ok(SmsReport { kind, category: category.to_owned(), tps_number, severity, village, description })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(text: &str) -> Result<SmsReport, SmsError> {
        parse_sms(text, &Taxonomy::shipped())
    }

    fn village(code: &str) -> Option<RegionCode> {
        Some(RegionCode::parse(code).unwrap())
    }

    #[test]
    fn reads_the_full_format() {
        let r = parse("LAPOR bentrok TPS 5 !kritis DESA 33.20.01.2001 massa merusak kotak suara").unwrap();
        assert_eq!(
            r,
            SmsReport {
                kind: ReportKind::Incident,
                category: "bentrok".into(),
                tps_number: Some(5),
                severity: Some(Severity::Critical),
                village: village("33.20.01.2001"),
                description: "massa merusak kotak suara".into(),
            }
        );
        let r = parse("info serangan fajar warga dijanjikan amplop malam ini").unwrap();
        assert_eq!((r.kind, r.category.as_str()), (ReportKind::Intelligence, "politik_uang"));
        assert_eq!((r.tps_number, r.severity, r.village), (None, None, None));
        assert_eq!(r.description, "warga dijanjikan amplop malam ini");
    }

    #[test]
    fn forgives_case_separators_and_short_forms() {
        for text in [
            "lpr#ricuh#tps5#massa berkumpul",
            "  Lap : RICUH , TPS-05 . massa berkumpul  ",
            "LAPOR\tricuh\nTPS 005\n\nmassa   berkumpul",
            "LK ricuh TPS no. 5 massa berkumpul",
            "laporan kejadian; bentrokan; tps nomor 5; massa berkumpul",
            "LAPOR TPS 5 ricuh massa berkumpul",
        ] {
            let r = parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert_eq!(r.kind, ReportKind::Incident, "{text:?}");
            assert_eq!(r.category, "bentrok", "{text:?}");
            assert_eq!(r.tps_number, Some(5), "{text:?}");
            assert_eq!(r.description, "massa berkumpul", "{text:?}");
        }
        for text in [
            "INF hoax beredar pesan berantai",
            "LI hoax beredar pesan berantai",
            "laporan informasi hoax beredar pesan berantai",
        ] {
            assert_eq!(parse(text).unwrap().kind, ReportKind::Intelligence, "{text:?}");
        }
        assert_eq!(parse("LAPOR Listrik Padam sejak pukul 10").unwrap().category, "listrik_padam");
        assert_eq!(parse("LAPOR serangan-fajar amplop dibagikan").unwrap().category, "politik_uang");
        assert_eq!(parse("LAPOR kotak suara rusak terkena air").unwrap().description, "rusak terkena air");
    }

    #[test]
    fn the_description_keeps_its_punctuation_and_severity_words() {
        let r = parse("LAPOR demo sedang berlangsung di depan kantor KPU, +/- 200 orang.").unwrap();
        assert_eq!(r.severity, None);
        assert_eq!(r.description, "sedang berlangsung di depan kantor KPU, +/- 200 orang.");
        let r = parse("LAPOR banjir TPS 3 tinggi air 1 meter").unwrap();
        assert_eq!((r.severity, r.description.as_str()), (None, "tinggi air 1 meter"));
        // A repeated item starts the description rather than overwriting the first.
        let r = parse("LAPOR ricuh TPS 3 TPS 4 dipindah").unwrap();
        assert_eq!((r.tps_number, r.description.as_str()), (Some(3), "TPS 4 dipindah"));
        // TPS or DESA followed by a word is part of the description.
        let r = parse("LAPOR logistik TPS kekurangan surat suara").unwrap();
        assert_eq!((r.tps_number, r.description.as_str()), (None, "TPS kekurangan surat suara"));
        let r = parse("LAPOR ricuh desa Sukamaju warga bentrok").unwrap();
        assert_eq!((r.village, r.description.as_str()), (None, "desa Sukamaju warga bentrok"));
    }

    #[test]
    fn reads_severities_only_when_marked_or_unmistakable() {
        let severity = |text: &str| parse(text).unwrap().severity;
        assert_eq!(severity("LAPOR ricuh !tinggi massa berkumpul"), Some(Severity::High));
        assert_eq!(severity("LAPOR ricuh TPS 2 SEDANG! massa berkumpul"), Some(Severity::Medium));
        assert_eq!(severity("LAPOR ricuh !!rendah massa berkumpul"), Some(Severity::Low));
        assert_eq!(severity("LAPOR ricuh KRITIS massa berkumpul"), Some(Severity::Critical));
        assert_eq!(severity("LAPOR ricuh TPS 2 darurat massa berkumpul"), Some(Severity::Critical));
        assert_eq!(severity("LAPOR ricuh !kritis TPS 2 kritis massa"), Some(Severity::Critical));
        assert_eq!(severity("LAPOR ricuh rendah massa berkumpul"), None);
        assert_eq!(severity("LAPOR ricuh !3 massa berkumpul"), None);
    }

    #[test]
    fn reads_village_codes_with_or_without_dots() {
        assert_eq!(parse("LAPOR ricuh DESA 3320012001 massa").unwrap().village, village("33.20.01.2001"));
        assert_eq!(parse("LAPOR ricuh kel. 33.20.01.1005 massa").unwrap().village, village("33.20.01.1005"));
        assert_eq!(parse("LAPOR ricuh TPS 7.DESA 33.20.01.2001.massa").unwrap().tps_number, Some(7));
    }

    #[test]
    fn refuses_with_a_reply_the_officer_can_act_on() {
        let err = |text: &str| parse(text).unwrap_err();
        assert_eq!(err(""), SmsError::UnknownKeyword { words: listed_words(&Taxonomy::shipped()) });
        assert_eq!(err("halo pak").code(), "unknown_keyword");
        assert_eq!(err("LAPOR").code(), "missing_category");
        assert_eq!(err("LAPOR TPS 5 !kritis").code(), "missing_category");
        assert_eq!(
            err("LAPOR bentrk TPS 5 massa"),
            SmsError::UnknownCategory { word: "bentrk".into(), suggestions: vec!["bentrok".into()] }
        );
        assert_eq!(
            err("LAPOR pemilu ricuh"),
            SmsError::UnknownCategory {
                word: "pemilu".into(),
                suggestions: ["bentrok", "politik_uang", "hoaks_sara", "intimidasi"].map(String::from).to_vec()
            }
        );
        // What POST /reports refuses, the SMS intake refuses too; line breaks and tabs are a message's own.
        assert_eq!(err("LAPOR ricuh massa\u{0} berkumpul"), SmsError::ControlCharacter);
        assert_eq!(err("LAPOR ricuh massa \u{1b}[2J berkumpul").code(), "control_character");
        assert!(parse_sms("LAPOR ricuh\tTPS 3\r\nmassa berkumpul", &Taxonomy::shipped()).is_ok());
        assert_eq!(err("LAPOR ricuh TPS 0 massa"), SmsError::BadTps { given: "0".into() });
        assert_eq!(err("LAPOR ricuh TPS 1000 massa"), SmsError::BadTps { given: "1000".into() });
        assert_eq!(err("LAPOR ricuh tps5a massa"), SmsError::BadTps { given: "tps5a".into() });
        assert_eq!(err("LAPOR ricuh DESA 33.20.01 massa"), SmsError::BadVillage { given: "33.20.01".into() });
        assert_eq!(err("LAPOR ricuh DESA 33.2.01.2001 massa"), SmsError::BadVillage { given: "33.2.01.2001".into() });
        assert_eq!(err("LAPOR ricuh TPS 5"), SmsError::MissingDescription);
        assert_eq!(err("LAPOR ricuh ok"), SmsError::MissingDescription);
        assert_eq!(err("LAPOR ricuh !!!!!"), SmsError::MissingDescription);
        let long = format!("LAPOR ricuh {}", "a".repeat(MAX_CHARS));
        assert_eq!(err(&long), SmsError::TooLong { length: MAX_CHARS + 12 });
        let exactly = format!("LAPOR ricuh {}", "a".repeat(MAX_CHARS - 12));
        assert!(parse(&exactly).is_ok());

        assert_eq!(
            err("LAPOR bentrk massa").reply(Lang::Id),
            "Kategori \"bentrk\" tidak dikenal. Coba: bentrok. Kirim: LAPOR <kategori> [TPS <no>] <uraian>."
        );
        assert_eq!(
            err("LAPOR ricuh TPS 1000 massa").reply(Lang::En),
            "TPS number \"1000\" is not valid: write TPS and a number from 1 to 999, e.g. TPS 5. Please send again."
        );
        assert_eq!(
            err(&long).reply(Lang::Id),
            "Pesan terlalu panjang: 492 karakter, paling banyak 480 (3 SMS). Persingkat uraian lalu kirim ulang."
        );
        let word = "x".repeat(100);
        assert!(err(&format!("LAPOR {word} massa")).reply(Lang::Id).contains("\"xxxxxxxxxxxxxxxxx...\""));
        assert_eq!(sms_reply_ok("LP-2024-000123", Lang::Id), "Laporan diterima. Nomor: LP-2024-000123. Terima kasih.");
    }

    /// Septets a text takes in the GSM 7-bit alphabet, or `None` when it needs UCS-2 (which would cut an SMS to
    /// 70 characters).
    fn gsm_septets(text: &str) -> Option<usize> {
        const BASIC: &str = concat!(
            "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?",
            "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
        );
        const EXTENDED: &str = "^{}\\[~]|€\u{c}";
        text.chars()
            .map(|c| {
                if BASIC.contains(c) {
                    Some(1)
                } else if EXTENDED.contains(c) {
                    Some(2)
                } else {
                    None
                }
            })
            .sum()
    }

    #[test]
    fn every_reply_fits_one_gsm_sms() {
        let t = Taxonomy::shipped();
        let errors = [
            SmsError::UnknownKeyword { words: listed_words(&t) },
            SmsError::MissingCategory { words: listed_words(&t) },
            SmsError::UnknownCategory { word: "x".repeat(50), suggestions: listed_words(&t) },
            SmsError::BadTps { given: "9".repeat(50) },
            SmsError::BadVillage { given: "9".repeat(50) },
            SmsError::MissingDescription,
            SmsError::TooLong { length: 99_999 },
        ];
        for lang in [Lang::Id, Lang::En] {
            for e in &errors {
                let reply = e.reply(lang);
                let septets = gsm_septets(&reply).unwrap_or_else(|| panic!("not GSM 7-bit: {reply}"));
                assert!(septets <= 160, "{septets} septets: {reply}");
            }
            let ok = sms_reply_ok("LP-2024-000123", lang);
            assert!(gsm_septets(&ok).is_some_and(|n| n <= 160), "{ok}");
        }
    }

    /// The word with each letter upper- or lowercase as `upper` says, to mix cases like a hurried typist.
    fn mixed_case(word: &str, upper: &[bool]) -> String {
        word.chars().zip(upper.iter().cycle()).map(|(c, &u)| if u { c.to_ascii_uppercase() } else { c }).collect()
    }

    fn keyword_strategy() -> impl Strategy<Value = (ReportKind, &'static str)> {
        prop_oneof![
            Just((ReportKind::Incident, "lapor")),
            Just((ReportKind::Incident, "lpr")),
            Just((ReportKind::Incident, "lap")),
            Just((ReportKind::Intelligence, "info")),
            Just((ReportKind::Intelligence, "inf")),
            Just((ReportKind::Intelligence, "li")),
        ]
    }

    /// Every category word of the shipped taxonomy, with the category it names.
    fn category_words() -> Vec<(String, String)> {
        Taxonomy::shipped()
            .categories
            .iter()
            .flat_map(|c| std::iter::once(&c.id).chain(&c.aliases).map(|w| (c.id.clone(), w.clone())))
            .collect()
    }

    /// Separators between header items. A bare `.` is left out: between two digits it does not separate.
    const SEPARATORS: [&str; 8] = [" ", "  ", "\t", "\n", " # ", ":", ", ", ". "];

    /// Description words; the first is drawn from those that cannot be read as a header item.
    const FIRST_WORDS: [&str; 6] = ["massa", "sedang", "tinggi", "warga", "rendah", "Ada"];
    const WORDS: [&str; 10] =
        ["merusak", "kotak", "suara", "di", "balai", "200", "orang,", "Rp50.000", "TPS", "!kritis"];

    proptest! {
        #[test]
        fn never_panics(text in ".{0,600}") {
            let _ = parse(&text);
        }

        #[test]
        fn never_panics_near_the_format(
            words in proptest::collection::vec(
                prop_oneof![
                    Just("LAPOR".to_owned()), Just("tps".to_owned()), Just("DESA".to_owned()), Just("!".to_owned()),
                    Just(".".to_owned()), Just("33.20".to_owned()), Just("ricuh".to_owned()), "[0-9.]{0,12}",
                    "[a-zA-Z!#:.,-]{0,8}", ".{0,3}",
                ],
                0..12,
            ),
            seps in proptest::collection::vec("[ .#\n,]{0,2}", 12),
        ) {
            let text: String = words.iter().zip(&seps).map(|(w, s)| format!("{w}{s}")).collect();
            let _ = parse(&text);
        }

        #[test]
        fn well_formed_messages_read_back(
            (kind, key) in keyword_strategy(),
            word in proptest::sample::select(category_words()),
            word_spaced in any::<bool>(),
            tps in proptest::option::of((1u32..=999, 0usize..4)),
            severity in proptest::option::of(proptest::sample::select(vec!["kritis", "tinggi", "sedang", "rendah"])),
            village in proptest::option::of((11u32..=99, 1u32..=99, 1u32..=99, 1001u32..=2999)),
            order in Just([0usize, 1, 2]).prop_shuffle(),
            first in proptest::sample::select(FIRST_WORDS.to_vec()),
            rest in proptest::collection::vec(proptest::sample::select(WORDS.to_vec()), 1..8),
            seps in proptest::collection::vec(proptest::sample::select(SEPARATORS.to_vec()), 8),
            gaps in proptest::collection::vec(prop_oneof![Just(" "), Just("\n"), Just("  ")], 8),
            upper in proptest::collection::vec(any::<bool>(), 3..24),
        ) {
            let (id, category_word) = word;
            let mut parts = vec![mixed_case(key, &upper[1..])];
            let category_word = if word_spaced { category_word.replace('_', " ") } else { category_word };
            parts.push(mixed_case(&category_word, &upper));
            let mut items: [Option<String>; 3] = [None, None, None];
            if let Some((n, style)) = tps {
                items[0] = Some(match style {
                    0 => format!("TPS {n}"),
                    1 => format!("tps{n}"),
                    2 => format!("TPS-{n:02}"),
                    _ => format!("Tps {n:03}"),
                });
            }
            if let Some(s) = severity {
                items[1] = Some(format!("!{s}"));
            }
            if let Some((p, r, d, v)) = village {
                items[2] = Some(format!("DESA {p:02}.{r:02}.{d:02}.{v:04}"));
            }
            parts.extend(order.iter().filter_map(|&k| items[k].as_deref().map(|item| mixed_case(item, &upper[k..]))));
            let mut text = String::new();
            for (part, sep) in parts.iter().zip(seps.iter().cycle()) {
                text.push_str(part);
                text.push_str(sep);
            }
            let mut description = first.to_owned();
            for (w, gap) in rest.iter().zip(&gaps) {
                description.push_str(gap);
                description.push_str(w);
            }
            text.push_str(&description);

            let report = parse(&text).map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
            prop_assert_eq!(report.kind, kind);
            prop_assert_eq!(&report.category, &id);
            prop_assert_eq!(report.tps_number, tps.map(|(n, _)| n));
            prop_assert_eq!(report.severity, severity.and_then(Severity::parse));
            let code = village.map(|(p, r, d, v)| format!("{p:02}.{r:02}.{d:02}.{v:04}"));
            prop_assert_eq!(report.village.map(|c| c.to_string()), code);
            prop_assert_eq!(report.description, description.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }
}
