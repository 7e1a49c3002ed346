//! The three documents of a coordination meeting: the invitation (*undangan*), the attendance list (*daftar
//! hadir*, with an empty signature column for the paper copy) and the minutes (*notulen rapat*) with decisions and
//! action items.

use serde::Serialize;
use sinergi_domain::i18n::Lang;

use super::{Letterhead, Signatory, payload};
use crate::{PdfError, render};

const INVITATION: &str = include_str!("../../templates/invitation.typ");
const ATTENDANCE: &str = include_str!("../../templates/attendance.typ");
const MINUTES: &str = include_str!("../../templates/minutes.typ");

/// One line of a meeting's agenda.
#[derive(Debug, Clone, Serialize)]
pub struct AgendaLine {
    pub time: String,
    pub title: String,
    pub presenter: String,
}

/// The invitation (*undangan*), an official letter.
#[derive(Debug, Clone, Serialize)]
pub struct Invitation {
    pub lang: Lang,
    pub letterhead: Letterhead,
    pub classification: Option<String>,
    pub number: String,
    /// "Jepara, 2 Desember 2026".
    pub place_and_date: String,
    /// *Sifat*: "Segera".
    pub nature: Option<String>,
    pub attachments: Option<String>,
    /// *Perihal*.
    pub subject: String,
    /// The invited units (*Kepada Yth.*).
    pub invitees: Vec<String>,
    /// The opening paragraph ("Dalam rangka …").
    pub opening: String,
    pub day_date: String,
    pub time: String,
    /// The place, or "Daring: <link>".
    pub venue: String,
    /// *Acara*: the meeting's title.
    pub event: String,
    pub agenda: Vec<AgendaLine>,
    pub closing: Option<String>,
    pub signatory: Signatory,
    /// *Tembusan*.
    pub copies_to: Vec<String>,
}

/// One participant of a meeting.
#[derive(Debug, Clone, Serialize)]
pub struct AttendanceRow {
    pub unit: String,
    pub agency: String,
    /// May be empty: the paper copy is filled in by hand.
    pub name: String,
    pub position: String,
    /// "Hadir", "Diwakili", "Tidak hadir", or empty.
    pub note: String,
}

/// The attendance list (*daftar hadir*).
#[derive(Debug, Clone, Serialize)]
pub struct AttendanceList {
    pub lang: Lang,
    pub letterhead: Letterhead,
    pub classification: Option<String>,
    pub title: String,
    pub day_date: String,
    pub time: String,
    pub venue: String,
    pub rows: Vec<AttendanceRow>,
    /// Empty numbered rows for walk-ins.
    pub blank_rows: usize,
}

/// An action item of a decision, or of the previous meeting.
#[derive(Debug, Clone, Serialize)]
pub struct ActionLine {
    pub owner: String,
    pub task: String,
    pub deadline: String,
    pub status: String,
}

/// A decision and the actions it gives.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionBlock {
    /// "1" or "KEP-01".
    pub number: String,
    pub text: String,
    pub actions: Vec<ActionLine>,
}

/// A unit's briefing (*paparan*).
#[derive(Debug, Clone, Serialize)]
pub struct Briefing {
    pub unit: String,
    pub presenter: String,
    pub summary: String,
    /// File names.
    pub attachments: Vec<String>,
}

/// The minutes (*notulen rapat*).
#[derive(Debug, Clone, Serialize)]
pub struct Minutes {
    pub lang: Lang,
    pub letterhead: Letterhead,
    pub classification: Option<String>,
    pub number: String,
    pub title: String,
    pub theme: Option<String>,
    pub day_date: String,
    pub time: String,
    pub venue: String,
    pub chair: String,
    pub secretary: String,
    /// The election stage in force, already written out: "Tahapan: Kampanye (H-12)".
    pub stage: Option<String>,
    /// "32 dari 40 unit hadir; 9 dari 10 instansi".
    pub attendance_summary: String,
    pub attendees: Vec<AttendanceRow>,
    pub agenda: Vec<AgendaLine>,
    pub briefings: Vec<Briefing>,
    /// Paragraphs.
    pub discussion: Vec<String>,
    pub decisions: Vec<DecisionBlock>,
    /// The previous meeting's items and their status; may be empty.
    pub follow_up: Vec<ActionLine>,
    /// The chair and the secretary.
    pub signatories: Vec<Signatory>,
    pub place_and_date: String,
}

/// The invitation as PDF.
pub fn invitation_pdf(doc: &Invitation) -> Result<Vec<u8>, PdfError> {
    render(INVITATION, &payload(doc.lang, doc)?, &[])
}

/// The attendance list as PDF.
pub fn attendance_pdf(doc: &AttendanceList) -> Result<Vec<u8>, PdfError> {
    render(ATTENDANCE, &payload(doc.lang, doc)?, &[])
}

/// The minutes as PDF.
pub fn minutes_pdf(doc: &Minutes) -> Result<Vec<u8>, PdfError> {
    render(MINUTES, &payload(doc.lang, doc)?, &[])
}
