//! The documents of the coordination capability: the meeting's invitation, attendance list and minutes
//! ([`meeting`]), and the situation report ([`sitrep`]).

pub mod meeting;
pub mod sitrep;

use serde::Serialize;
use sinergi_domain::i18n::{Lang, Msg};

/// The letterhead (*kop surat*): the parent units above (e.g. "KEPOLISIAN NEGARA REPUBLIK INDONESIA", "DAERAH JAWA
/// TENGAH"), the issuing unit (printed in capitals) and its address.
#[derive(Debug, Clone, Serialize)]
pub struct Letterhead {
    pub parent: Vec<String>,
    pub unit: String,
    pub address: Option<String>,
}

/// Who signs: the position ("KEPALA KEPOLISIAN RESOR JEPARA"), the name, and the rank/NRP line.
#[derive(Debug, Clone, Serialize)]
pub struct Signatory {
    pub position: String,
    pub name: String,
    pub rank: Option<String>,
}

/// The documents' fixed texts in `lang`, by the names the templates use (`l.page_of`, `l.subject`, …).
pub(crate) fn labels(lang: Lang) -> serde_json::Map<String, serde_json::Value> {
    const LABELS: &[(&str, Msg)] = &[
        ("page_of", Msg::PdfPageOf),
        ("number", Msg::PdfNumber),
        ("nature", Msg::PdfNature),
        ("attachments", Msg::PdfAttachments),
        ("subject", Msg::PdfSubject),
        ("addressee", Msg::PdfAddressee),
        ("addressee_at", Msg::PdfAddresseeAt),
        ("addressee_place", Msg::PdfAddresseePlace),
        ("day_date", Msg::PdfDayDate),
        ("time", Msg::PdfTime),
        ("venue", Msg::PdfVenue),
        ("event", Msg::PdfEvent),
        ("agenda", Msg::PdfAgenda),
        ("col_no", Msg::PdfColNo),
        ("col_item", Msg::PdfColItem),
        ("col_presenter", Msg::PdfColPresenter),
        ("copies_to", Msg::PdfCopiesTo),
        ("attendance_title", Msg::PdfAttendanceTitle),
        ("col_name", Msg::PdfColName),
        ("col_position", Msg::PdfColPosition),
        ("col_unit_agency", Msg::PdfColUnitAgency),
        ("col_signature", Msg::PdfColSignature),
        ("col_note", Msg::PdfColNote),
        ("minutes_title", Msg::PdfMinutesTitle),
        ("meeting", Msg::PdfMeeting),
        ("theme", Msg::PdfTheme),
        ("chair", Msg::PdfChair),
        ("secretary", Msg::PdfSecretary),
        ("attendance", Msg::PdfAttendance),
        ("sec_attendees", Msg::PdfSecAttendees),
        ("sec_agenda", Msg::PdfSecAgenda),
        ("sec_briefings", Msg::PdfSecBriefings),
        ("sec_discussion", Msg::PdfSecDiscussion),
        ("sec_decisions", Msg::PdfSecDecisions),
        ("sec_follow_up", Msg::PdfSecFollowUp),
        ("decision", Msg::PdfDecision),
        ("col_owner", Msg::PdfColOwner),
        ("col_task", Msg::PdfColTask),
        ("col_deadline", Msg::PdfColDeadline),
        ("col_status", Msg::PdfColStatus),
        ("no_items", Msg::PdfNoItems),
        ("area", Msg::PdfArea),
        ("period", Msg::PdfPeriod),
        ("key_figures", Msg::PdfKeyFigures),
    ];
    LABELS.iter().map(|(name, msg)| ((*name).to_owned(), lang.t(*msg).into())).collect()
}

/// The JSON a template reads from `/data.json`: the document (`doc`), the fixed texts (`l`) and the language.
pub(crate) fn payload<T: Serialize>(lang: Lang, doc: &T) -> Result<String, serde_json::Error> {
    #[derive(Serialize)]
    struct Payload<'a, T> {
        lang: Lang,
        doc: &'a T,
        l: serde_json::Map<String, serde_json::Value>,
    }
    serde_json::to_string(&Payload { lang, doc, l: labels(lang) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_has_a_text_in_both_languages() {
        for lang in [Lang::Id, Lang::En] {
            let l = labels(lang);
            assert!(l.values().all(|v| v.as_str().is_some_and(|s| !s.is_empty())));
        }
        assert_eq!(labels(Lang::Id)["page_of"], "Halaman {n} dari {total}");
        assert_eq!(labels(Lang::En)["page_of"], "Page {n} of {total}");
    }
}
