//! The incident desk's tiles on the command dashboard (see `crate::dashboard`): the reports waiting, by severity;
//! those past or near their time limit, with the time left; and what is routed to the user's own agency.

use sinergi_domain::access::Action;
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::incident::Severity;
use sinergi_domain::incident::attention::{Attention, SOON_KEPT, SOON_MS};
use sinergi_store::{ReportRecord, StoreError};

use crate::AppState;
use crate::dashboard::{Line, Tile, Tone};
use crate::trust::auth::CurrentUser;

pub async fn tiles(state: &AppState, current: &CurrentUser, lang: Lang) -> Result<Vec<Tile>, StoreError> {
    let viewer = &current.viewer;
    if !(viewer.may(Action::ReadReports) || viewer.may(Action::ReadSharedReports)) {
        return Ok(Vec::new());
    }
    let now = crate::trust::auth::now_ms();
    let taxonomy = state.desk.taxonomy();
    // Summed up in the database: a season of reports is not read into memory for one page.
    let limits: Vec<_> = Severity::ALL.iter().map(|s| taxonomy.limit(*s)).collect();
    let found = state.store.open_report_summary(viewer, &limits, now, SOON_MS, SOON_KEPT as u32).await?;
    let mut summary = Attention::default();
    for g in &found.groups {
        if let Some(severity) = Severity::from_number(i64::from(g.severity)) {
            summary.by_severity[usize::from(severity.number() - 1)] += g.count;
        }
        if g.status.awaits_verification() {
            summary.unverified += g.count;
        }
        summary.overdue += g.overdue;
        summary.soon_total += g.soon;
    }
    summary.soon = found.soon.iter().map(|(r, due)| (r.id.0, due - now)).collect();
    let open: Vec<&ReportRecord> = found.soon.iter().map(|(r, _)| r).collect();

    // The reports waiting, gravest first.
    let mut lines = Vec::new();
    for severity in Severity::ALL.iter().rev() {
        let n = summary.by_severity[usize::from(severity.number() - 1)];
        if n > 0 {
            let tone = if *severity >= Severity::High { Tone::Alarm } else { Tone::Calm };
            let href = format!("/incidents?open=true&severity={}", severity.number());
            lines.push(Line::new(
                format!("{}: {}", capitalized(severity.label(lang)), lang.number(n)),
                Some(href),
                tone,
            ));
        }
    }
    let waiting = Tile {
        id: "incident-open",
        title: lang.t(Msg::DashReportsWaiting).to_owned(),
        figure: lang.number(summary.open()),
        caption: lang.format(Msg::DashUnverified, &[("count", &lang.number(summary.unverified))]),
        lines,
        href: Some("/incidents?open=true".to_owned()),
        tone: if summary.by_severity[3] > 0 { Tone::Alarm } else { Tone::Calm },
    };

    // The time limits: past, and the nearest to pass with the time left.
    let mut lines = Vec::new();
    if summary.soon_total > 0 {
        lines.push(Line::new(
            lang.format(Msg::DashDueSoon, &[("count", &lang.number(summary.soon_total))]),
            None,
            Tone::Watch,
        ));
    }
    for (id, left_ms) in &summary.soon {
        if let Some(r) = open.iter().find(|r| r.id.0 == *id) {
            let category =
                taxonomy.category(&r.category).map_or_else(|| r.category.clone(), |c| c.label.get(lang).to_owned());
            let minutes = (left_ms + 59_999) / 60_000;
            lines.push(Line::new(
                lang.format(
                    Msg::DashMinutesLeft,
                    &[("report", &r.kind.reference(r.id)), ("category", &category), ("minutes", &minutes)],
                ),
                Some(format!("/incidents/{id}")),
                Tone::Watch,
            ));
        }
    }
    let limits = Tile {
        id: "incident-limits",
        title: lang.t(Msg::DashLimits).to_owned(),
        figure: lang.number(summary.overdue),
        caption: lang.t(Msg::DashOverdueCaption).to_owned(),
        lines,
        href: Some("/incidents/escalations".to_owned()),
        tone: if summary.overdue > 0 {
            Tone::Alarm
        } else if summary.soon_total > 0 {
            Tone::Watch
        } else {
            Tone::Calm
        },
    };

    // What is routed to the user's own agency.
    let agency = viewer.agency;
    let routed: u64 = found.groups.iter().map(|g| g.mine).sum();
    let own = Tile {
        id: "incident-mine",
        title: lang.format(Msg::DashForAgency, &[("agency", &agency.name(lang))]),
        figure: lang.number(routed),
        caption: lang.t(Msg::DashForAgencyCaption).to_owned(),
        lines: Vec::new(),
        href: Some("/incidents/queue".to_owned()),
        tone: if routed > 0 { Tone::Watch } else { Tone::Calm },
    };
    Ok(vec![waiting, limits, own])
}

/// "kritis" → "Kritis": a label at the start of a line.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}
