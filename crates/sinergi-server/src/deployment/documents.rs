//! The printed roster of a unit for a plan (*surat perintah*), built from the plan and the roster lines the service
//! gave, every text in the reader's language.

use sinergi_domain::Unit;
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_pdf::{Letterhead, Roster, RosterLine, RosterTexts, Signatory};
use sinergi_store::PlanRecord;

use super::service::RosterLine as Line;

pub fn roster(lang: Lang, unit: &Unit, record: &PlanRecord, lines: &[Line], regency_name: Option<&str>) -> Roster {
    let doc = &record.document;
    let day = doc.day().map_or_else(|| doc.day.clone(), |d| lang.long_date(d));
    let hours = lines.first().map_or_else(String::new, |l| l.hours.replace(':', "."));
    let today = crate::coordination::calendar::today();
    let place = regency_name.map(|n| n.trim_start_matches("Kabupaten ").trim_start_matches("Kota ").to_owned());
    Roster {
        lang,
        letterhead: Letterhead {
            parent: vec![crate::coordination::documents::official_name(unit.kind.agency()).to_owned()],
            unit: unit.name.to_uppercase(),
            address: None,
        },
        // Names, posts and phones of the people who guard the TPS.
        classification: Some("TERBATAS".to_owned()),
        number: String::new(),
        basis: lang.format(
            Msg::SprinBasis,
            &[
                ("name", &record.head.name),
                ("version", &record.head.version),
                ("status", &record.head.status.label(lang)),
            ],
        ),
        task: lang.format(Msg::SprinTask, &[("day", &day), ("hours", &hours)]),
        lines: lines
            .iter()
            .map(|l| RosterLine {
                name: l.name.clone(),
                rank_id: format!("{} / {}", l.rank, l.person),
                post: l.post.clone(),
                place: l.place.clone(),
                phone: l.phone.clone().unwrap_or_default(),
            })
            .collect(),
        place_and_date: match place {
            Some(p) => format!("{p}, {}", lang.day_month_year(today)),
            None => lang.day_month_year(today),
        },
        signatory: Signatory {
            position: lang.format(Msg::SprinSignatory, &[("unit", &unit.name.to_uppercase())]),
            name: "..............................".to_owned(),
            rank: None,
        },
        t: RosterTexts {
            title: lang.t(Msg::SprinTitle).to_owned(),
            considering: lang.t(Msg::SprinBasisLabel).to_owned(),
            ordering: lang.t(Msg::SprinOrdering).to_owned(),
            to_label: lang.t(Msg::SprinTo).to_owned(),
            task_label: lang.t(Msg::SprinTaskLabel).to_owned(),
            col_no: lang.t(Msg::PdfColNo).to_owned(),
            col_name: lang.t(Msg::PdfColName).to_owned(),
            col_rank_id: lang.t(Msg::SprinColRankId).to_owned(),
            col_post: lang.t(Msg::SprinColPost).to_owned(),
            col_place: lang.t(Msg::SprinColPlace).to_owned(),
            col_phone: lang.t(Msg::SprinColPhone).to_owned(),
            page_of: lang.t(Msg::PdfPageOf).to_owned(),
            closing: lang.t(Msg::SprinClosing).to_owned(),
        },
    }
}
