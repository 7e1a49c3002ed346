//! The situation report's page: the same report as the PDF (`coordination::sitrep`), with its map and chart drawn
//! inline, a form to choose the area, day and period, and the link to the PDF.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Query;
use serde::Deserialize;
use sinergi_domain::access::Action;
use sinergi_domain::i18n::Msg;
use sinergi_pdf::coordination::sitrep::Section;

use super::{Choice, region_choices};
use crate::coordination::api::sitrep::day_and_period;
use crate::coordination::sitrep::{self, Period};
use crate::pages::{Chrome, PageError, PageRequest, page_error};

#[derive(Template, WebTemplate)]
#[template(path = "coordination/sitrep.html")]
pub struct SitrepPage {
    pub chrome: Chrome,
    pub title: String,
    pub regions: Vec<Choice>,
    pub periods: Vec<Choice>,
    pub date: String,
    pub pdf_href: String,
    pub report: Option<ReportView>,
}

/// What the page shows of a report.
pub struct ReportView {
    pub title: String,
    pub area: String,
    pub period: String,
    pub stage: String,
    pub classification: String,
    pub key_figures: Vec<(String, String)>,
    pub sections: Vec<Section>,
    pub map_svg: String,
    pub chart_svg: String,
}

#[derive(Deserialize)]
pub struct SitrepQuery {
    region: Option<String>,
    date: Option<String>,
    period: Option<String>,
}

/// The report of the chosen area (by default the first the user may choose), day and period.
pub async fn page(request: PageRequest, Query(query): Query<SitrepQuery>) -> Result<SitrepPage, PageError> {
    let PageRequest { ref state, lang, ref uri, ref current, .. } = request;
    let chrome = Chrome::new(state, lang, uri, "sitrep", Some(current)).await;
    if !current.viewer.may(Action::ReadReports) {
        return Err(PageError::Forbidden(chrome));
    }
    let choices = region_choices(state, &current.viewer).await.map_err(crate::pages::internal(&chrome))?;
    let chosen = query.region.clone().or_else(|| choices.first().map(|(c, _)| c.to_string())).unwrap_or_default();
    let (day, period) =
        day_and_period(query.date.as_deref(), query.period.as_deref()).map_err(|e| page_error(chrome.clone(), e))?;
    let report = match sinergi_domain::RegionCode::parse(&chosen) {
        Ok(region) => {
            let issuer = sitrep::issuer(&*state.store, &current.user.unit_code)
                .await
                .map_err(crate::pages::internal(&chrome))?;
            let report = sitrep::build(&*state.store, &current.viewer, &region, day, period, lang, issuer.as_ref())
                .await
                .map_err(|e| page_error(chrome.clone(), e.into()))?;
            let s = report.sitrep;
            Some(ReportView {
                title: s.title,
                area: s.area,
                period: s.period,
                stage: s.stage.unwrap_or_default(),
                classification: s.classification.unwrap_or_default(),
                key_figures: s.key_figures,
                sections: s.sections,
                map_svg: s.map.as_ref().map(sinergi_pdf::map::map_svg).unwrap_or_default(),
                chart_svg: s.chart.as_ref().map(sinergi_pdf::chart::chart_svg).unwrap_or_default(),
            })
        }
        Err(_) => None,
    };
    let period_word = period.as_str();
    Ok(SitrepPage {
        title: lang.t(Msg::SitrepPageTitle).to_owned(),
        regions: choices.into_iter().map(|(c, n)| Choice::new(c.to_string(), n, &chosen)).collect(),
        periods: [Period::Day, Period::Week]
            .into_iter()
            .map(|p| {
                let label = lang.t(if p == Period::Day { Msg::SitrepPeriodDay } else { Msg::SitrepPeriodWeek });
                Choice::new(p.as_str(), label, period_word)
            })
            .collect(),
        date: day.to_string(),
        pdf_href: format!("/api/v1/sitreps?region={chosen}&date={day}&period={period_word}&lang={}", lang.code()),
        report,
        chrome,
    })
}
