//! Deployment's section of the situation report (see `crate::coordination::sitrep::EXTENSIONS`): the readiness of
//! the plan in force for each regency of the report's area — people assigned of those needed, TPS not fully
//! covered, TPS the patrols do not reach, the reserves' worst response time, the BKO to ask for.

use sinergi_domain::access::{Action, Viewer};
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_pdf::{Section, Table};
use sinergi_store::{Store, StoreError};

use crate::coordination::sitrep::Facts;

pub async fn sections(store: &dyn Store, viewer: &Viewer, facts: &Facts) -> Result<Vec<Section>, StoreError> {
    if !viewer.may(Action::ReadPlans) {
        return Ok(Vec::new());
    }
    let lang: Lang = facts.lang;
    let region = &facts.region;
    // The plan in force of each regency in (or above) the area: approved; else the newest draft, said as such.
    let chosen: Vec<sinergi_store::PlanHead> = super::service::plans_in_force(store, viewer, None)
        .await?
        .into_iter()
        .filter(|plan| region.contains(&plan.regency) || plan.regency.contains(region))
        .collect();
    let title = lang.t(Msg::DashDeploymentTitle).to_owned();
    if chosen.is_empty() {
        return Ok(vec![Section { title, paragraphs: vec![lang.t(Msg::DashDeploymentNone).to_owned()], table: None }]);
    }
    let n = |v: u32| lang.number(u64::from(v));
    let rows = chosen
        .iter()
        .map(|p| {
            let s = &p.summary;
            vec![
                format!("{} v{} ({})", p.name, p.version, p.status.label(lang)),
                format!("{} / {}", n(s.assigned.total()), n(s.need.total())),
                n(s.uncovered_tps),
                n(s.unpatrolled_tps),
                s.worst_response_minutes.map_or("–".to_owned(), |m| format!("{} min", lang.decimal(m, 0))),
                n(s.bko.total()),
            ]
        })
        .collect();
    Ok(vec![Section {
        title,
        paragraphs: vec![lang.t(Msg::SitrepDeploymentText).to_owned()],
        table: Some(Table {
            columns: vec![
                lang.t(Msg::DeployCmpPlan).to_owned(),
                lang.t(Msg::SitrepDeploymentPeople).to_owned(),
                lang.t(Msg::DeployCmpUncovered).to_owned(),
                lang.t(Msg::PlanUnpatrolled).to_owned(),
                lang.t(Msg::DeployCmpWorst).to_owned(),
                lang.t(Msg::DeployCmpBko).to_owned(),
            ],
            rows,
            numeric: vec![false, true, true, true, true, true],
        }),
    }])
}
