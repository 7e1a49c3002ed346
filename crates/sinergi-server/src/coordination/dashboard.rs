//! Coordination's tiles on the command dashboard (see `crate::dashboard`): where the election stands (the stage
//! in force and the day counted from voting day), and the meetings — the next one, and the action items past their
//! deadline.

use sinergi_domain::coordination::meeting::MeetingStatus;
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_store::{MeetingFilter, Page, StoreError};

use crate::AppState;
use crate::coordination::{calendar, overdue};
use crate::dashboard::{Line, Tile, Tone};
use crate::trust::auth::CurrentUser;

pub async fn tiles(state: &AppState, current: &CurrentUser, lang: Lang) -> Result<Vec<Tile>, StoreError> {
    let viewer = &current.viewer;
    let region = calendar::home_region(viewer);
    let in_force = calendar::in_force(&*state.store, region.as_ref()).await?;
    let today = calendar::today();
    let now = in_force.calendar.current(today);
    let mut lines = Vec::new();
    match (now.stages.first(), now.next_stage) {
        (Some(stage), _) => lines.push(Line::new(stage.label.get(lang).to_owned(), None, Tone::Calm)),
        (None, Some(next)) => lines.push(Line::new(
            lang.format(Msg::DashNextStage, &[("stage", &next.label.get(lang)), ("date", &lang.long_date(next.start))]),
            None,
            Tone::Calm,
        )),
        (None, None) => {}
    }
    for phase in now.operations.iter().take(1) {
        lines.push(Line::new(phase.label.get(lang).to_owned(), None, Tone::Calm));
    }
    let days = now.days_to_voting;
    let stage = Tile {
        id: "stage",
        title: in_force.calendar.label.get(lang).to_owned(),
        figure: in_force.calendar.h_day(today),
        caption: now.countdown(lang),
        lines,
        href: None,
        tone: if (0..=7).contains(&days) { Tone::Watch } else { Tone::Calm },
    };
    if !overdue::follows_items(viewer) {
        return Ok(vec![stage]);
    }

    let late = overdue::count(&*state.store, viewer).await?;
    let mut lines = Vec::new();
    let started = crate::trust::auth::now_ms();
    // The soonest planned meeting, however many are planned.
    let filter = MeetingFilter {
        status: Some(MeetingStatus::Planned),
        from_ms: Some(started),
        soonest_first: true,
        ..Default::default()
    };
    let (planned, _) = state.store.meetings(viewer, &filter, Page::new(1, 1)).await?;
    match planned.first() {
        Some(next) => {
            let head = &next.meeting.head;
            let when = crate::coordination::pages::when(lang, head.starts_at_ms, head.ends_at_ms);
            lines.push(Line::new(
                lang.format(Msg::DashNextMeeting, &[("title", &head.title), ("when", &when)]),
                Some(format!("/meetings/{}", next.id)),
                Tone::Calm,
            ));
        }
        None => lines.push(Line::new(lang.t(Msg::DashNoMeeting), Some("/meetings".to_owned()), Tone::Calm)),
    }
    let meetings = Tile {
        id: "meetings",
        title: lang.t(Msg::DashMeetings).to_owned(),
        figure: lang.number(late),
        caption: lang.t(Msg::DashItemsOverdue).to_owned(),
        lines,
        href: Some(overdue::QUEUE_URL.to_owned()),
        tone: Tone::alarm_if(late),
    };
    Ok(vec![stage, meetings])
}
