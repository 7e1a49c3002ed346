//! The command dashboard: the home page of every account, for its territory — what needs attention now, as tiles.
//!
//! *One extension point.* Each capability adds its tiles in its own slice (`incident::dashboard`,
//! `early_warning::dashboard`, `vulnerability::dashboard`, `coordination::dashboard`, `deployment::dashboard`), each a
//! function from the user to its tiles; [`tiles`] lists them in the order the dashboard shows them. A later
//! capability (voting-day progress) adds its function there. A source that fails gives one "could not be loaded"
//! tile instead of failing the page.
//!
//! *Current.* The page follows the live feed: a changed report or a changed count of overdue action items makes it
//! fetch its tiles again (`GET /dashboard/tiles`, the same HTML the page holds). On a wall screen (`/?wall=1`) it
//! also refreshes every minute without anyone touching it, and says when its data is stale.

use sinergi_domain::i18n::{Lang, Msg};
use sinergi_store::StoreError;

use crate::AppState;
use crate::trust::auth::CurrentUser;

/// How a tile or a line asks to be read: as usual, worth a look, or needing action now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Calm,
    Watch,
    Alarm,
}

impl Tone {
    pub fn css(self) -> &'static str {
        match self {
            Tone::Calm => "calm",
            Tone::Watch => "watch",
            Tone::Alarm => "alarm",
        }
    }

    /// `Alarm` when `n` is not zero, else `Calm`.
    pub fn alarm_if(n: u64) -> Tone {
        if n > 0 { Tone::Alarm } else { Tone::Calm }
    }
}

/// One line under a tile's figure, linking to its list when there is one.
#[derive(Debug, Clone)]
pub struct Line {
    pub text: String,
    pub href: Option<String>,
    pub tone: Tone,
}

impl Line {
    pub fn new(text: impl Into<String>, href: Option<String>, tone: Tone) -> Line {
        Line { text: text.into(), href, tone }
    }
}

/// A tile: a title, a figure with its caption, lines, and the list it leads to.
#[derive(Debug, Clone)]
pub struct Tile {
    /// Stable, for tests and styles: `incident-open`, `stage`, ….
    pub id: &'static str,
    pub title: String,
    pub figure: String,
    pub caption: String,
    pub lines: Vec<Line>,
    pub href: Option<String>,
    pub tone: Tone,
}

/// The tiles of one capability for a user.
type Source = for<'a> fn(
    &'a AppState,
    &'a CurrentUser,
    Lang,
) -> std::pin::Pin<Box<dyn Future<Output = Result<Vec<Tile>, StoreError>> + Send + 'a>>;

/// The extension point: every capability's tiles, in the order shown — the calendar and the meetings first (where
/// the election stands), then what is happening (reports, early warnings), then the ground (vulnerable TPS), then
/// how ready the deployment plan is.
const SOURCES: [(&str, Source); 5] = [
    ("coordination", |s, u, l| Box::pin(crate::coordination::dashboard::tiles(s, u, l))),
    ("incident", |s, u, l| Box::pin(crate::incident::dashboard::tiles(s, u, l))),
    ("early_warning", |s, u, l| Box::pin(crate::early_warning::dashboard::tiles(s, u, l))),
    ("vulnerability", |s, u, l| Box::pin(crate::vulnerability::dashboard::tiles(s, u, l))),
    ("deployment", |s, u, l| Box::pin(crate::deployment::dashboard::tiles(s, u, l))),
];

/// The user's tiles, every capability's in turn.
pub async fn tiles(state: &AppState, current: &CurrentUser, lang: Lang) -> Vec<Tile> {
    let mut out = Vec::new();
    for (name, source) in SOURCES {
        match source(state, current, lang).await {
            Ok(tiles) => out.extend(tiles),
            Err(e) => {
                tracing::error!(error = %e, source = name, "a dashboard tile could not be loaded");
                out.push(Tile {
                    id: name,
                    title: lang.t(Msg::DashUnavailable).to_owned(),
                    figure: "–".to_owned(),
                    caption: String::new(),
                    lines: Vec::new(),
                    href: None,
                    tone: Tone::Watch,
                });
            }
        }
    }
    out
}
