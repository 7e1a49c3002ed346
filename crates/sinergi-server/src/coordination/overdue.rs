//! Overdue action items, told to their owners and to the convening units: a banner on every page (the chrome asks
//! [`banner`]) and, on the pages that follow the live feed, an `action_items` event whenever the count changes
//! (the feed asks [`Watch::check`] every [`crate::ServerConfig::overdue_check`]). An item turns overdue when its
//! deadline passes, not when anyone changes it, so the feed counts rather than waits for a change.

use axum::response::sse::Event;
use sinergi_domain::access::{Action, Viewer};
use sinergi_domain::coordination::follow_up::ItemState;
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_store::{ItemFilter, Page, Store, StoreError};

/// Where the banner leads: the overdue items of the user's units and of the meetings they convened.
pub const QUEUE_URL: &str = "/action-items?mine=1&state=overdue";

/// Whether the user follows action items at all (reads meetings or takes part in them).
pub fn follows_items(viewer: &Viewer) -> bool {
    viewer.may(Action::ReadMeetings) || viewer.may(Action::TakePart)
}

/// The action items past their deadline today (WIB) of the units the user acts for and of the meetings those units
/// convened.
pub async fn count(store: &dyn Store, viewer: &Viewer) -> Result<u64, StoreError> {
    let filter = ItemFilter {
        mine: true,
        or_convened: true,
        state: Some(ItemState::Overdue),
        today: Some(crate::coordination::calendar::today()),
        ..Default::default()
    };
    Ok(store.items(viewer, &filter, Page::new(1, 1)).await?.1)
}

/// The banner's sentence for `count` overdue items; `None` when there are none.
pub fn banner(lang: Lang, count: u64) -> Option<String> {
    (count > 0).then(|| lang.format(Msg::ItemsOverdueBanner, &[("count", &lang.number(count))]))
}

/// The count last told to one feed, to tell it again only when it changes.
pub struct Watch {
    told: Option<u64>,
}

impl Watch {
    /// A watch for `viewer`; `None` when the user follows no action items.
    pub fn of(viewer: &Viewer) -> Option<Watch> {
        follows_items(viewer).then_some(Watch { told: None })
    }

    /// The event to send when the count differs from the one last told (the first check always tells, so that a
    /// page rendered before an item turned overdue learns it). A failed count tells nothing; the next check tries
    /// again.
    pub async fn check(&mut self, store: &dyn Store, viewer: &Viewer, lang: Lang) -> Option<Event> {
        let now = match count(store, viewer).await {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(error = %e, "the live feed could not count overdue action items");
                return None;
            }
        };
        if self.told == Some(now) {
            return None;
        }
        self.told = Some(now);
        Some(event(lang, now))
    }
}

/// The `action_items` event: `{overdue, message, url}`; `message` is the banner's sentence (empty at zero).
pub fn event(lang: Lang, count: u64) -> Event {
    let data = serde_json::json!({
        "overdue": count,
        "message": banner(lang, count).unwrap_or_default(),
        "url": QUEUE_URL,
    });
    Event::default().event("action_items").data(data.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_banner_speaks_only_of_overdue_items() {
        assert_eq!(banner(Lang::En, 0), None);
        assert_eq!(
            banner(Lang::Id, 2).as_deref(),
            Some("2 rencana tindak lanjut unit Anda (atau rapat yang unit Anda selenggarakan) lewat batas waktu")
        );
    }
}
