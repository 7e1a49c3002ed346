//! The document of deployment planning: a unit's roster for a plan in the form of a *surat perintah* (who, where,
//! when, contact), to print and hand over. Every text comes in the reader's language from the caller.

use serde::Serialize;
use sinergi_domain::i18n::Lang;

use crate::coordination::{Letterhead, Signatory};
use crate::{PdfError, render};

const ROSTER: &str = include_str!("../templates/roster.typ");

/// One person's order: who, the post and its TPS, the day and hours, the phone.
#[derive(Debug, Clone, Serialize)]
pub struct RosterLine {
    pub name: String,
    /// Rank and NRP/NIP: "Bripka / 87010001".
    pub rank_id: String,
    pub post: String,
    pub place: String,
    pub phone: String,
}

/// The fixed texts of the roster, in the reader's language.
#[derive(Debug, Clone, Serialize)]
pub struct RosterTexts {
    pub title: String,
    pub considering: String,
    pub ordering: String,
    pub to_label: String,
    pub task_label: String,
    pub col_no: String,
    pub col_name: String,
    pub col_rank_id: String,
    pub col_post: String,
    pub col_place: String,
    pub col_phone: String,
    pub page_of: String,
    pub closing: String,
}

/// A unit's roster for a plan (*surat perintah*).
#[derive(Debug, Clone, Serialize)]
pub struct Roster {
    pub lang: Lang,
    pub letterhead: Letterhead,
    pub classification: Option<String>,
    /// "Sprin/…/XI/2026": left for the unit's secretariat to number by hand when empty.
    pub number: String,
    /// "Rencana pengamanan Pilkada 2026 v2 (disahkan)".
    pub basis: String,
    /// "Pengamanan TPS pada hari pemungutan suara, Jumat, 27 November 2026, pukul 07.00–18.00 WIB."
    pub task: String,
    pub lines: Vec<RosterLine>,
    /// "Jepara, 6 Desember 2026".
    pub place_and_date: String,
    pub signatory: Signatory,
    pub t: RosterTexts,
}

/// The roster as PDF.
pub fn roster_pdf(doc: &Roster) -> Result<Vec<u8>, PdfError> {
    #[derive(Serialize)]
    struct Payload<'a> {
        lang: Lang,
        doc: &'a Roster,
        l: serde_json::Value,
    }
    let l = serde_json::json!({"page_of": doc.t.page_of});
    let data = serde_json::to_string(&Payload { lang: doc.lang, doc, l })?;
    render(ROSTER, &data, &[])
}
