//! One check of free text for every entry point: the JSON API, the pages, the SMS intake and the imports read a
//! description, a name or a reason through [`check`], so that what one of them refuses none of them stores.

use crate::import::Problem;

/// Whether line breaks and tabs belong in a text: a description or a reason may run over several lines; a name, a
/// person or a title is one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// True for a character no text of Sinergi may hold: every control character (NUL, escape, the C1 block), except
/// the line break, carriage return and tab in a text of several lines.
pub fn forbidden(c: char, lines: Lines) -> bool {
    c.is_control() && !(lines == Lines::Many && matches!(c, '\n' | '\r' | '\t'))
}

/// The text trimmed, with Windows line breaks made `\n`, or the first thing wrong with it: empty, longer than `max`
/// characters, or holding a forbidden character.
pub fn check(text: &str, max: usize, lines: Lines) -> Result<String, Problem> {
    let text = text.trim();
    if text.is_empty() {
        Err(Problem::Empty)
    } else if text.chars().count() > max {
        Err(Problem::TooLong(max))
    } else if text.chars().any(|c| forbidden(c, lines)) {
        Err(Problem::ControlCharacter)
    } else {
        Ok(text.replace("\r\n", "\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_the_first_fault() {
        assert_eq!(check("  ", 10, Lines::One), Err(Problem::Empty));
        assert_eq!(check("abcdefghijk", 10, Lines::One), Err(Problem::TooLong(10)));
        assert_eq!(check("a\u{0}b", 10, Lines::Many), Err(Problem::ControlCharacter));
        assert_eq!(check("a\u{1b}[31m", 10, Lines::Many), Err(Problem::ControlCharacter));
        assert_eq!(check("a\u{85}b", 10, Lines::Many), Err(Problem::ControlCharacter));
        assert_eq!(check("a\nb", 10, Lines::One), Err(Problem::ControlCharacter));
        assert_eq!(check(" a\r\nb\tc ", 10, Lines::Many), Ok("a\nb\tc".to_owned()));
        assert_eq!(check("Bentrok di TPS 3 — 20 orang", 100, Lines::One), Ok("Bentrok di TPS 3 — 20 orang".to_owned()));
    }

    proptest! {
        /// What passes holds no forbidden character and is never longer than the limit.
        #[test]
        fn what_passes_is_clean(text in "\\PC{0,30}|.{0,30}", many in any::<bool>()) {
            let lines = if many { Lines::Many } else { Lines::One };
            if let Ok(clean) = check(&text, 20, lines) {
                prop_assert!(!clean.chars().any(|c| forbidden(c, lines)));
                prop_assert!(clean.chars().count() <= 20);
                prop_assert!(!clean.is_empty());
            }
        }
    }
}
