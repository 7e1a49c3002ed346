//! Debian's Chromium, headless, driven over the DevTools protocol, for the tests that look at pages as a person
//! would.
//!
//! One browser at a time in this process: the browser tests share one test binary with the others, and two
//! Chromiums at once on a two-core machine would starve each other's pages of the time their waits allow.

use std::time::Duration;

use chromiumoxide::{Browser, BrowserConfig, Page};
use futures_util::StreamExt;
use tokio::sync::{Mutex, MutexGuard};

/// Taken by each browser for as long as it lives.
static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// Debian's Chromium; `CHROMIUM` may name another binary. Never a downloaded browser.
fn chromium() -> String {
    let path = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    assert!(
        std::path::Path::new(&path).exists(),
        "Chromium is needed for the browser tests: `apt-get install -y chromium` (the README's test command does it)"
    );
    path
}

/// A headless Chromium with a window of the given size and a fresh profile of its own; it holds this process's
/// browser turn until it is closed (or dropped, when a test fails).
pub struct Chromium {
    pub browser: Browser,
    events: tokio::task::JoinHandle<()>,
    _profile: tempfile::TempDir,
    _turn: MutexGuard<'static, ()>,
}

impl Chromium {
    /// Waits for the browser turn, then starts Chromium.
    pub async fn launch(width: u32, height: u32) -> Chromium {
        Chromium::start(width, height, None).await
    }

    /// A phone: the page is laid out `width` CSS pixels wide (headless Chromium keeps a window at least 500 px
    /// wide, so the width is emulated), with touch.
    pub async fn phone(width: u32, height: u32) -> Chromium {
        let viewport = chromiumoxide::handler::viewport::Viewport {
            width,
            height,
            device_scale_factor: Some(2.0),
            emulating_mobile: true,
            is_landscape: false,
            has_touch: true,
        };
        Chromium::start(width.max(500), height, Some(viewport)).await
    }

    async fn start(width: u32, height: u32, viewport: Option<chromiumoxide::handler::viewport::Viewport>) -> Chromium {
        let turn = ONE_AT_A_TIME.lock().await;
        let profile = tempfile::tempdir().unwrap();
        let config = BrowserConfig::builder()
            .chrome_executable(chromium())
            .no_sandbox()
            .new_headless_mode()
            .user_data_dir(profile.path())
            .window_size(width, height)
            .viewport(viewport)
            .args([
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ])
            .launch_timeout(Duration::from_secs(60))
            .request_timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        let (browser, mut handler) = Browser::launch(config).await.expect("Chromium starts");
        let events = tokio::spawn(async move { while handler.next().await.is_some() {} });
        Chromium { browser, events, _profile: profile, _turn: turn }
    }

    /// Closes the browser and waits for it to end.
    pub async fn close(mut self) {
        self.browser.close().await.unwrap();
        let _ = self.browser.wait().await;
        self.events.abort();
    }
}

/// Evaluates to a string; `None` while a navigation replaces the page under the evaluation.
pub async fn text(page: &Page, js: &str) -> Option<String> {
    page.evaluate(js).await.ok()?.into_value().ok()
}
