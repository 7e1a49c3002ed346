//! Deployment's tile on the command dashboard (see `crate::dashboard`): how ready the plan in force is (the user's own
//! regency's; of several regencies, the least ready) — the people
//! assigned of those needed, the TPS not fully covered, the BKO to ask for — for those who read plans.

use sinergi_domain::access::Action;
use sinergi_domain::deployment::planner::PlanStatus;
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_store::StoreError;

use crate::AppState;
use crate::dashboard::{Line, Tile, Tone};
use crate::trust::auth::CurrentUser;

pub async fn tiles(state: &AppState, current: &CurrentUser, lang: Lang) -> Result<Vec<Tile>, StoreError> {
    let viewer = &current.viewer;
    if !viewer.may(Action::ReadPlans) {
        return Ok(Vec::new());
    }
    let plans = super::service::plans_in_force(&*state.store, viewer, None).await?;
    let n = |v: u32| lang.number(u64::from(v));
    // The plan in force (approved, else the newest draft, said as such) of the user's own regency; for a
    // territory of several regencies, the one furthest from ready.
    let home = crate::coordination::calendar::home_region(viewer);
    let ready = |p: &&sinergi_store::PlanHead| match u64::from(p.summary.need.total()) {
        0 => 1_000,
        need => u64::from(p.summary.assigned.total()) * 1_000 / need,
    };
    let own = home.as_ref().and_then(|h| plans.iter().find(|p| p.regency.contains(h)));
    let Some(plan) = own.or_else(|| plans.iter().min_by_key(ready)) else {
        return Ok(vec![Tile {
            id: "deployment",
            title: lang.t(Msg::DashDeploymentTitle).to_owned(),
            figure: "–".to_owned(),
            caption: lang.t(Msg::DashDeploymentNone).to_owned(),
            lines: Vec::new(),
            href: Some("/plans".to_owned()),
            tone: Tone::Watch,
        }]);
    };
    let s = &plan.summary;
    let need = s.need.total();
    let percent = if need == 0 { 100 } else { (u64::from(s.assigned.total()) * 100 / u64::from(need)) as u32 };
    let mut lines = vec![Line::new(
        lang.format(
            Msg::DashDeploymentPlan,
            &[("name", &plan.name), ("version", &plan.version), ("status", &plan.status.label(lang))],
        ),
        Some(format!("/plans/{}", plan.id)),
        if plan.status == PlanStatus::Approved { Tone::Calm } else { Tone::Watch },
    )];
    if s.uncovered_tps > 0 {
        lines.push(Line::new(
            lang.format(Msg::DashDeploymentUncovered, &[("count", &n(s.uncovered_tps))]),
            Some(format!("/plans/{}", plan.id)),
            Tone::Alarm,
        ));
    }
    if s.bko.total() > 0 {
        lines.push(Line::new(
            lang.format(Msg::DashDeploymentBko, &[("count", &n(s.bko.total()))]),
            Some(format!("/plans/{}", plan.id)),
            Tone::Watch,
        ));
    }
    if s.unpatrolled_tps > 0 {
        lines.push(Line::new(
            lang.format(Msg::DashDeploymentUnpatrolled, &[("count", &n(s.unpatrolled_tps))]),
            Some(format!("/plans/{}", plan.id)),
            Tone::Watch,
        ));
    }
    Ok(vec![Tile {
        id: "deployment",
        title: lang.t(Msg::DashDeploymentTitle).to_owned(),
        figure: format!("{percent}%"),
        caption: lang.format(Msg::DashDeploymentCaption, &[("assigned", &n(s.assigned.total())), ("need", &n(need))]),
        lines,
        href: Some(format!("/plans/{}", plan.id)),
        tone: if s.partial { Tone::Watch } else { Tone::Calm },
    }])
}
