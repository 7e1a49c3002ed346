//! A meeting's documents as PDF, in the usual Indonesian layout (crate `sinergi-pdf`, typst): the invitation
//! (*undangan*), the attendance list (*daftar hadir*, with an empty signature column for the paper copy) and the
//! minutes (*notulen rapat*, with decisions, action items and the follow-up of the forum's previous meeting).
//!
//! Everything the documents print is resolved here, in the reader's language: names, not codes; dates as people
//! write them. Rendering is CPU work (a few tens of milliseconds) and runs on the blocking pool.

use sinergi_domain::AgencyKind;
use sinergi_domain::coordination::calendar::{Calendar, Date};
use sinergi_domain::coordination::meeting::{Attendance, wib_day};
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::trust::auth::Classification;
use sinergi_pdf::coordination::meeting::{
    ActionLine, AgendaLine, AttendanceList, AttendanceRow, Briefing, DecisionBlock, Invitation, Minutes,
};
use sinergi_pdf::coordination::{Letterhead, Signatory};
use sinergi_store::{ItemFilter, ItemRecord, Page, Store, StoreError};

use crate::coordination::calendar;
use crate::coordination::service::{self, MeetingView};
use crate::coordination::views::clock;

/// Which document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    Invitation,
    Attendance,
    Minutes,
}

impl Document {
    /// `undangan`, `daftar-hadir`, `notulen`: the names in the address and the file.
    pub fn parse(text: &str) -> Option<Document> {
        match text {
            "undangan" | "invitation" => Some(Document::Invitation),
            "daftar-hadir" | "attendance" => Some(Document::Attendance),
            "notulen" | "minutes" => Some(Document::Minutes),
            _ => None,
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Document::Invitation => "undangan",
            Document::Attendance => "daftar-hadir",
            Document::Minutes => "notulen",
        }
    }

    /// The letter code in the number: `UND`, `DH`, `NOT`.
    fn code(self) -> &'static str {
        match self {
            Document::Invitation => "UND",
            Document::Attendance => "DH",
            Document::Minutes => "NOT",
        }
    }
}

/// The official name of an agency, as its letterheads print it (a proper name, the same in both languages).
pub(crate) fn official_name(agency: AgencyKind) -> &'static str {
    match agency {
        AgencyKind::Polri => "KEPOLISIAN NEGARA REPUBLIK INDONESIA",
        AgencyKind::Tni => "TENTARA NASIONAL INDONESIA",
        AgencyKind::Kpu => "KOMISI PEMILIHAN UMUM",
        AgencyKind::Bawaslu => "BADAN PENGAWAS PEMILIHAN UMUM",
        AgencyKind::Pemda => "PEMERINTAH DAERAH",
        AgencyKind::Kejaksaan => "KEJAKSAAN REPUBLIK INDONESIA",
        AgencyKind::Pengadilan => "MAHKAMAH AGUNG REPUBLIK INDONESIA",
        AgencyKind::Pln => "PT PLN (PERSERO)",
        AgencyKind::Telkom => "PT TELKOM INDONESIA (PERSERO) TBK",
        AgencyKind::Linmas => "SATUAN POLISI PAMONG PRAJA DAN PERLINDUNGAN MASYARAKAT",
    }
}

const ROMAN: [&str; 12] = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"];

/// `B/UND-12/XII/2026`: the letter's kind, the meeting, the month in Roman numerals and the year, as Indonesian
/// official letters are numbered.
fn number(kind: Document, id: i64, day: Option<Date>) -> String {
    let (month, year) = day.map_or(("-", 0), |d| (ROMAN.get(d.month() as usize - 1).copied().unwrap_or("-"), d.year()));
    format!("B/{}-{id}/{month}/{year}", kind.code())
}

/// Everything a document needs beyond the meeting: its items, the previous meeting's, the calendar's stage.
struct Context {
    items: Vec<ItemRecord>,
    previous: Vec<ItemRecord>,
    stage: Option<String>,
    region_name: String,
    /// The region's calendar, to count deadlines from voting day.
    calendar: sinergi_domain::coordination::calendar::Calendar,
}

async fn context(store: &dyn Store, view: &MeetingView, lang: Lang) -> Result<Context, StoreError> {
    let r = &view.record;
    let system = sinergi_domain::access::Viewer::system("documents");
    let day = wib_day(r.meeting.head.starts_at_ms);
    let filter = ItemFilter { meeting_id: Some(r.id), today: day, ..Default::default() };
    let (items, _) = store.items(&system, &filter, Page::new(1, 1000)).await?;
    let previous = match service::previous_meeting(store, &system, r).await {
        Ok(Some(prev)) => {
            let filter = ItemFilter { meeting_id: Some(prev.id), ..Default::default() };
            store.items(&system, &filter, Page::new(1, 1000)).await?.0
        }
        Ok(None) => Vec::new(),
        Err(service::CoordinationError::Store(e)) => return Err(e),
        Err(_) => Vec::new(),
    };
    let in_force = calendar::in_force(store, Some(&r.meeting.head.region)).await?;
    let stage = day.map(|d| calendar::banner(&in_force.calendar, d, lang));
    let region_name = store
        .region(&system, &r.meeting.head.region)
        .await?
        .map_or_else(|| r.meeting.head.region.to_string(), |x| x.name);
    Ok(Context { items, previous, stage, region_name, calendar: in_force.calendar })
}

fn letterhead(view: &MeetingView) -> Letterhead {
    Letterhead {
        parent: vec![official_name(view.record.convener.agency).to_owned()],
        unit: view.record.convener.name.to_uppercase(),
        address: None,
    }
}

fn classification(view: &MeetingView) -> Option<String> {
    match view.record.meeting.head.classification {
        Classification::Biasa => None,
        other => Some(other.as_str().to_uppercase()),
    }
}

fn action_line(lang: Lang, item: &ItemRecord, today: Date, calendar: &Calendar) -> ActionLine {
    ActionLine {
        owner: item.owner.name.clone(),
        task: item.task.clone(),
        // As officers write it: "12 Desember 2026 (H-3)".
        deadline: format!("{} ({})", lang.day_month_year(item.deadline), calendar.h_day(item.deadline)),
        status: item.state(today).label(lang).to_owned(),
    }
}

fn attendance_rows(view: &MeetingView, lang: Lang) -> Vec<AttendanceRow> {
    let r = &view.record;
    let mut rows: Vec<AttendanceRow> = r
        .meeting
        .invitees
        .iter()
        .filter_map(|i| {
            let unit = r.unit(&i.unit)?;
            let note = match i.attendance {
                Attendance::Invited => String::new(),
                other => other.label(lang).to_owned(),
            };
            Some(AttendanceRow {
                unit: unit.name.clone(),
                agency: unit.agency.name(lang).to_owned(),
                name: i.name.clone().unwrap_or_default(),
                position: i.position.clone().unwrap_or_default(),
                note,
            })
        })
        .collect();
    rows.extend(r.meeting.walk_ins.iter().map(|w| AttendanceRow {
        unit: w.organisation.clone(),
        agency: String::new(),
        name: w.name.clone(),
        position: w.position.clone().unwrap_or_default(),
        note: lang.t(Msg::MeetWalkIn).to_owned(),
    }));
    rows
}

fn agenda(view: &MeetingView) -> Vec<AgendaLine> {
    let r = &view.record;
    r.meeting
        .agenda
        .iter()
        .map(|a| AgendaLine {
            time: a.time.clone().unwrap_or_default().replace(':', "."),
            title: a.title.clone(),
            presenter: a.presenter.as_deref().and_then(|p| r.unit(p)).map(|u| u.name.clone()).unwrap_or_default(),
        })
        .collect()
}

fn signatory(lang: Lang, view: &MeetingView, name: Option<&String>, position: Msg) -> Signatory {
    Signatory {
        position: format!("{} {}", lang.t(position), view.record.convener.name),
        name: name.cloned().unwrap_or_else(|| "(................................)".to_owned()),
        rank: None,
    }
}

/// The document as PDF bytes.
pub async fn render(
    store: &dyn Store,
    view: &MeetingView,
    kind: Document,
    lang: Lang,
) -> Result<Vec<u8>, DocumentError> {
    let ctx = context(store, view, lang).await?;
    let r = &view.record;
    let m = &r.meeting;
    let day = wib_day(m.head.starts_at_ms);
    let day_date = day.map(|d| lang.long_date(d)).unwrap_or_default();
    let time = format!("{}–{} WIB", clock(m.head.starts_at_ms), clock(m.head.ends_at_ms));
    let venue = match (&m.head.place, &m.head.online_link) {
        (Some(place), Some(link)) => format!("{place} / {link}"),
        (Some(place), None) => place.clone(),
        (None, Some(link)) => link.clone(),
        (None, None) => String::new(),
    };
    // Letters are dated the day they are made: the meeting's creation for the invitation, its day for the rest.
    let letter_day = match kind {
        Document::Invitation => wib_day(r.created_at_ms),
        _ => day,
    };
    let place_and_date = format!(
        "{}, {}",
        ctx.region_name.trim_start_matches("Kabupaten ").trim_start_matches("Kota "),
        letter_day.map(|d| lang.day_month_year(d)).unwrap_or_default()
    );
    let today = calendar::today();
    let job: Box<dyn FnOnce() -> Result<Vec<u8>, sinergi_pdf::PdfError> + Send> = match kind {
        Document::Invitation => {
            let doc = Invitation {
                lang,
                letterhead: letterhead(view),
                classification: classification(view),
                number: number(kind, r.id, letter_day),
                place_and_date,
                nature: Some(lang.t(Msg::DocNatureUrgent).to_owned()),
                attachments: None,
                subject: lang.t(Msg::DocInvitationSubject).to_owned(),
                invitees: m
                    .invitees
                    .iter()
                    .filter(|i| i.unit != m.head.convening_unit)
                    .filter_map(|i| r.unit(&i.unit))
                    .map(|u| u.name.clone())
                    .collect(),
                opening: lang.format(
                    Msg::DocInvitationOpening,
                    &[
                        ("theme", &m.head.theme.clone().unwrap_or_else(|| m.head.title.clone())),
                        ("region", &ctx.region_name),
                    ],
                ),
                day_date,
                time,
                venue,
                event: m.head.title.clone(),
                agenda: agenda(view),
                closing: Some(lang.t(Msg::DocInvitationClosing).to_owned()),
                signatory: signatory(lang, view, m.chair.as_ref(), Msg::DocChairOf),
                copies_to: Vec::new(),
            };
            Box::new(move || sinergi_pdf::coordination::meeting::invitation_pdf(&doc))
        }
        Document::Attendance => {
            let doc = AttendanceList {
                lang,
                letterhead: letterhead(view),
                classification: classification(view),
                title: m.head.title.clone(),
                day_date,
                time,
                venue,
                rows: attendance_rows(view, lang),
                blank_rows: 5,
            };
            Box::new(move || sinergi_pdf::coordination::meeting::attendance_pdf(&doc))
        }
        Document::Minutes => {
            let t = crate::coordination::views::turnout(r);
            let doc = Minutes {
                lang,
                letterhead: letterhead(view),
                classification: classification(view),
                number: number(kind, r.id, day),
                title: m.head.title.clone(),
                theme: m.head.theme.clone(),
                day_date,
                time,
                venue,
                chair: m.chair.clone().unwrap_or_default(),
                secretary: m.secretary.clone().unwrap_or_default(),
                stage: ctx.stage.clone(),
                attendance_summary: crate::coordination::views::turnout_text(lang, &t),
                attendees: attendance_rows(view, lang),
                agenda: agenda(view),
                briefings: m
                    .briefings
                    .iter()
                    .map(|b| Briefing {
                        unit: r.unit(&b.unit).map_or_else(|| b.unit.clone(), |u| u.name.clone()),
                        presenter: m.invitee(&b.unit).and_then(|i| i.name.clone()).unwrap_or_default(),
                        summary: b.text.clone(),
                        attachments: Vec::new(),
                    })
                    .collect(),
                discussion: m
                    .minutes
                    .as_deref()
                    .unwrap_or("")
                    .split("\n\n")
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned)
                    .collect(),
                decisions: m
                    .decisions
                    .iter()
                    .map(|d| DecisionBlock {
                        number: d.number.to_string(),
                        text: d.text.clone(),
                        actions: ctx
                            .items
                            .iter()
                            .filter(|i| i.decision_number == d.number)
                            .map(|i| action_line(lang, i, today, &ctx.calendar))
                            .collect(),
                    })
                    .collect(),
                follow_up: ctx.previous.iter().map(|i| action_line(lang, i, today, &ctx.calendar)).collect(),
                signatories: vec![
                    signatory(lang, view, m.chair.as_ref(), Msg::MeetChair),
                    Signatory {
                        position: lang.t(Msg::MeetSecretary).to_owned(),
                        name: m.secretary.clone().unwrap_or_else(|| "(................................)".to_owned()),
                        rank: None,
                    },
                ],
                place_and_date,
            };
            Box::new(move || sinergi_pdf::coordination::meeting::minutes_pdf(&doc))
        }
    };
    let bytes = tokio::task::spawn_blocking(job).await.map_err(|e| DocumentError::Render(e.to_string()))?;
    bytes.map_err(|e| DocumentError::Render(e.to_string()))
}

/// Why a document could not be made.
#[derive(Debug)]
pub enum DocumentError {
    Store(StoreError),
    /// The typesetting failed: a fault of ours, logged, never the reader's.
    Render(String),
}

impl From<StoreError> for DocumentError {
    fn from(e: StoreError) -> DocumentError {
        DocumentError::Store(e)
    }
}

impl From<DocumentError> for crate::error::ApiError {
    fn from(e: DocumentError) -> crate::error::ApiError {
        match e {
            DocumentError::Store(e) => e.into(),
            DocumentError::Render(detail) => {
                tracing::error!(%detail, "a meeting document failed to render");
                crate::error::ApiError::internal()
            }
        }
    }
}

/// The file name a document is downloaded as: `notulen-rapat-12.pdf`.
pub fn file_name(kind: Document, id: i64) -> String {
    format!("{}-rapat-{id}.pdf", kind.slug())
}
