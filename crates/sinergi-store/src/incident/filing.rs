//! What filing a group of reports decides besides writing it, shared by the pool's way (`file_in_pool` in
//! `queries.rs`, PostgreSQL's) and SQLite's writer thread (`sqlite_writer.rs`): each report's stored idempotency
//! key, which reports of the group are new, and the answer for each.

use std::collections::HashMap;

use sinergi_domain::incident::ReportId;

use crate::{Filed, NewReport, Result, StoreError};

/// The key each report is stored under: the account's own (`{account}:{key}`), since another account's identical
/// key is another report.
pub(crate) fn keys(reports: &[NewReport]) -> Vec<Option<String>> {
    reports
        .iter()
        .map(|r| r.idempotency_key.as_deref().map(|k| format!("{}:{k}", r.reporter_account.unwrap_or(0))))
        .collect()
}

/// Where a report of a group stands.
pub(crate) enum Slot {
    /// Stored before under its key: this id, nothing written.
    Stored(i64),
    /// To be stored now.
    New,
    /// A repeat of an earlier report of the same group (an offline queue and its retry can arrive together):
    /// answered with that one's id, given by its index.
    SameAs(usize),
}

/// Where each report stands, given the ids already stored under the group's keys (`known`).
pub(crate) fn slots(keys: &[Option<String>], known: &HashMap<String, i64>) -> Vec<Slot> {
    let mut first_of: HashMap<&str, usize> = HashMap::new();
    keys.iter()
        .enumerate()
        .map(|(i, key)| match key.as_deref() {
            None => Slot::New,
            Some(k) => match (known.get(k), first_of.get(k)) {
                (Some(&id), _) => Slot::Stored(id),
                (None, Some(&first)) => Slot::SameAs(first),
                (None, None) => {
                    first_of.insert(k, i);
                    Slot::New
                }
            },
        })
        .collect()
}

/// The answer for each report, given the id each new one was stored under (`ids`, by the report's index).
pub(crate) fn answers(slots: Vec<Slot>, ids: &[Option<i64>]) -> Result<Vec<Filed>> {
    let id_of =
        |i: usize| ids.get(i).copied().flatten().ok_or_else(|| StoreError::Internal("a filed report has no id".into()));
    slots
        .into_iter()
        .enumerate()
        .map(|(i, slot)| match slot {
            Slot::Stored(id) => Ok(Filed::Replayed(ReportId(id))),
            Slot::New => id_of(i).map(|id| Filed::New(ReportId(id))),
            Slot::SameAs(first) => id_of(first).map(|id| Filed::Replayed(ReportId(id))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_stored_before_or_repeated_in_the_group_files_nothing_new() {
        let keys: Vec<Option<String>> =
            [Some("7:a"), None, Some("7:b"), Some("7:a"), Some("7:b"), None].map(|k| k.map(str::to_owned)).into();
        let known = HashMap::from([("7:a".to_owned(), 40)]);
        let slots = slots(&keys, &known);
        let shape: Vec<String> = slots
            .iter()
            .map(|s| match s {
                Slot::Stored(id) => format!("stored {id}"),
                Slot::New => "new".into(),
                Slot::SameAs(first) => format!("same as {first}"),
            })
            .collect();
        assert_eq!(shape, ["stored 40", "new", "new", "stored 40", "same as 2", "new"]);
        let ids = [None, Some(41), Some(42), None, None, Some(43)];
        assert_eq!(
            answers(slots, &ids).unwrap(),
            [
                Filed::Replayed(ReportId(40)),
                Filed::New(ReportId(41)),
                Filed::New(ReportId(42)),
                Filed::Replayed(ReportId(40)),
                Filed::Replayed(ReportId(42)),
                Filed::New(ReportId(43))
            ]
        );
    }

    #[test]
    fn a_new_report_without_an_id_is_an_error_not_a_guess() {
        let result = answers(vec![Slot::New], &[None]);
        assert!(matches!(result, Err(StoreError::Internal(_))), "{result:?}");
    }
}
