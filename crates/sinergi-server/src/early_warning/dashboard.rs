//! The early warning's tile on the command dashboard (see `crate::dashboard`): the alerts active in the territory.

use sinergi_domain::access::Action;
use sinergi_domain::early_warning::alerts::AlertStatus;
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_store::{AlertFilter, Page, StoreError};

use crate::AppState;
use crate::dashboard::{Tile, Tone};
use crate::trust::auth::CurrentUser;

pub async fn tiles(state: &AppState, current: &CurrentUser, lang: Lang) -> Result<Vec<Tile>, StoreError> {
    // The scan counts every report of the territory: for those who read them all.
    if !current.viewer.may(Action::ReadReports) {
        return Ok(Vec::new());
    }
    let filter = AlertFilter { within: None, status: Some(AlertStatus::Active) };
    let (_, active) = state.store.alerts(&current.viewer, &filter, Page::new(1, 1)).await?;
    Ok(vec![Tile {
        id: "early-warning",
        title: lang.t(Msg::DashAlerts).to_owned(),
        figure: lang.number(active),
        caption: lang.t(Msg::DashAlertsCaption).to_owned(),
        lines: Vec::new(),
        href: Some("/early-warning".to_owned()),
        tone: Tone::alarm_if(active),
    }])
}
