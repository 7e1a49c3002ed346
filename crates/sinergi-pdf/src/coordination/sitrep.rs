//! The situation report (*laporan situasi*): key figures, the map and the daily chart, then the caller's sections
//! in order (area, vulnerability, incidents, alerts, action items, meetings, and later deployment and voting day:
//! the sections are the extension point).

use serde::Serialize;
use sinergi_domain::i18n::Lang;

use super::{Letterhead, Signatory, payload};
use crate::chart::chart_svg_sized;
use crate::map::map_svg_sized;
use crate::{DailyChart, MapData, PdfError, render};

const SITREP: &str = include_str!("../../templates/sitrep.typ");

/// A table of a section.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Which columns are right-aligned (numbers); missing entries count as `false`.
    pub numeric: Vec<bool>,
}

/// A section of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub title: String,
    pub paragraphs: Vec<String>,
    pub table: Option<Table>,
}

/// The situation report.
#[derive(Debug, Clone, Serialize)]
pub struct Sitrep {
    pub lang: Lang,
    pub letterhead: Letterhead,
    pub classification: Option<String>,
    pub number: String,
    /// "LAPORAN SITUASI HARIAN".
    pub title: String,
    pub area: String,
    pub period: String,
    pub place_and_date: String,
    pub stage: Option<String>,
    /// (label, value): TPS, voters, incidents, alerts…
    pub key_figures: Vec<(String, String)>,
    pub sections: Vec<Section>,
    pub map: Option<MapData>,
    pub chart: Option<DailyChart>,
    pub signatory: Option<Signatory>,
}

/// What the template reads: the report without the map's and chart's data (they come as SVG files).
#[derive(Serialize)]
struct View<'a> {
    letterhead: &'a Letterhead,
    classification: &'a Option<String>,
    number: &'a str,
    title: &'a str,
    area: &'a str,
    period: &'a str,
    place_and_date: &'a str,
    stage: &'a Option<String>,
    key_figures: &'a [(String, String)],
    sections: &'a [Section],
    /// The map's and the chart's height over width (0 when absent), so the template can size them to the page.
    map_ratio: f64,
    chart_ratio: f64,
    signatory: &'a Option<Signatory>,
}

/// The situation report as PDF.
pub fn sitrep_pdf(doc: &Sitrep) -> Result<Vec<u8>, PdfError> {
    let view = View {
        letterhead: &doc.letterhead,
        classification: &doc.classification,
        number: &doc.number,
        title: &doc.title,
        area: &doc.area,
        period: &doc.period,
        place_and_date: &doc.place_and_date,
        stage: &doc.stage,
        key_figures: &doc.key_figures,
        sections: &doc.sections,
        map_ratio: 0.0,
        chart_ratio: 0.0,
        signatory: &doc.signatory,
    };
    let mut view = view;
    let mut files = Vec::new();
    if let Some(map) = &doc.map {
        let (svg, ratio) = map_svg_sized(map);
        view.map_ratio = ratio;
        files.push(("/map.svg", svg.into_bytes()));
    }
    if let Some(chart) = &doc.chart {
        let (svg, ratio) = chart_svg_sized(chart);
        view.chart_ratio = ratio;
        files.push(("/chart.svg", svg.into_bytes()));
    }
    render(SITREP, &payload(doc.lang, &view)?, &files)
}
