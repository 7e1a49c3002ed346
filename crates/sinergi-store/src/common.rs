//! What every capability's storage shares: a viewer's territory and clearance as values to bind, code ranges, stored codes.

use sinergi_domain::RegionCode;
use sinergi_domain::access::Viewer;
use sinergi_domain::trust::auth::Scope;

use crate::{Result, StoreError};

/// The classifications a viewer may read, padded with empty strings (which match none) to bind as three values.
pub(crate) fn readable_levels(viewer: &Viewer) -> [&'static str; 3] {
    use sinergi_domain::trust::auth::Classification::*;
    let mut out = [""; 3];
    for (slot, level) in out.iter_mut().zip([Biasa, Terbatas, Rahasia].into_iter().filter(|l| viewer.may_read(*l))) {
        *slot = level.as_str();
    }
    out
}

/// A stored code that no longer parses means the database was edited by hand; say so rather than panic.
/// A stored word (a status, a kind) that no longer parses means the database was edited by hand: say so.
pub(crate) fn stored<T>(text: &str, parse: impl Fn(&str) -> Option<T>, what: &str) -> Result<T> {
    parse(text).ok_or_else(|| StoreError::Internal(format!("stored {what} is invalid: {text:?}")))
}

pub(crate) fn stored_code(text: &str) -> Result<RegionCode> {
    RegionCode::parse(text).map_err(|e| StoreError::Internal(format!("stored region code is invalid: {e}")))
}

/// The half-open code range `[code., code/)` that holds every region strictly inside `code`.
pub(crate) fn inside_range(code: &RegionCode) -> (String, String) {
    (format!("{code}."), format!("{code}/"))
}

/// A viewer's territory as values to bind: a code column `c` is covered when
/// `c = exact OR (c >= from AND c < to)`, and seen when it is also one of `ancestors` (padded with empty
/// strings, which match no code). National viewers get the range of all codes, which start with a digit.
pub(crate) struct Territory {
    pub(crate) exact: String,
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) ancestors: [String; 3],
}

pub(crate) fn territory(viewer: &Viewer) -> Territory {
    match &viewer.scope {
        Scope::National => {
            Territory { exact: String::new(), from: "0".to_owned(), to: ":".to_owned(), ancestors: Default::default() }
        }
        Scope::Region(code) => {
            let (from, to) = inside_range(code);
            let mut ancestors: [String; 3] = Default::default();
            for (slot, a) in ancestors.iter_mut().zip(code.ancestors()) {
                *slot = a.to_string();
            }
            Territory { exact: code.to_string(), from, to, ancestors }
        }
    }
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
pub(crate) fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}
