//! Overdue action items through the live feed: the owner of an item past its deadline, and the convening unit,
//! are told the count on the feed the desk pages follow (`action_items` events), at once and again when it
//! changes — here when the owner closes the item.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use sinergi_server::ServerConfig;
use sinergi_store::testing::TestDb;

use super::setup;
use crate::helpers::{TestApp, day, send};

/// The `action_items` events of one feed, in order.
struct ItemEvents {
    response: reqwest::Response,
    buffer: String,
}

impl ItemEvents {
    async fn open(client: &reqwest::Client, base: &str) -> ItemEvents {
        let response = client.get(format!("{base}/api/v1/reports/feed")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        ItemEvents { response, buffer: String::new() }
    }

    /// The data of the next `action_items` event, or `None` when none comes within `wait`.
    async fn next(&mut self, wait: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                if block.lines().any(|l| l.trim() == "event: action_items" || l.trim() == "event:action_items") {
                    let data: String = block.lines().filter_map(|l| l.strip_prefix("data:")).map(str::trim).collect();
                    assert!(!block.lines().any(|l| l.starts_with("id:")), "a count, not a change to replay: {block}");
                    return Some(serde_json::from_str(&data).unwrap());
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk()).await.ok()?.unwrap()?;
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }
}

const ARRIVES: Duration = Duration::from_secs(5);

async fn overdue_items_reach_the_live_feed(db: &TestDb) {
    let app = setup(db).await;
    // Counted every 100 ms instead of every minute.
    let config = ServerConfig { overdue_check: Duration::from_millis(100), ..ServerConfig::default() };
    let app = TestApp::spawn(app.store.clone(), config).await;
    let base = &app.base;
    let ops = app.signed_in("ops").await;
    let tni = app.signed_in("tni").await;

    // Nothing overdue yet: the first event says so.
    let mut owner = ItemEvents::open(&tni, base).await;
    let first = owner.next(ARRIVES).await.expect("the count is told at once");
    assert_eq!((first["overdue"].as_u64(), first["message"].as_str()), (Some(0), Some("")));

    // A rakor held a fortnight ago gave the Kodim an item due ten days ago.
    let body = json!({"title": "Rakor", "region": "15.07", "convening_unit": "polres-15.07", "place": "Aula",
        "starts_at": format!("{} 09:00", day(-15)), "ends_at": format!("{} 12:00", day(-15)),
        "invitees": ["kodim-15.07"]});
    let (status, meeting) = send(ops.post(format!("{base}/api/v1/meetings")).json(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "{meeting}");
    let id = meeting["id"].as_i64().unwrap();
    let decision = json!({"text": "Patroli gabungan", "items": [
        {"owner_unit": "kodim-15.07", "task": "Patroli 12 TPS", "deadline": day(-10)}]});
    let (status, answer) = send(ops.post(format!("{base}/api/v1/meetings/{id}/decisions")).json(&decision)).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");

    // The owner's open feed learns it without a reload; the convener's feed too, from the start.
    let told = owner.next(ARRIVES).await.expect("the owner is told");
    assert_eq!(told["overdue"], 1, "{told}");
    assert_eq!(told["url"], "/action-items?mine=1&state=overdue");
    assert!(told["message"].as_str().unwrap().starts_with("1 rencana tindak lanjut"), "{told}");
    let mut convener = ItemEvents::open(&ops, base).await;
    assert_eq!(convener.next(ARRIVES).await.unwrap()["overdue"], 1);
    assert!(owner.next(Duration::from_millis(500)).await.is_none(), "told once, not at every count");

    // Closed by its owner: both are told it is gone.
    let (_, mine) = send(tni.get(format!("{base}/api/v1/action-items?mine=true&state=overdue"))).await;
    let item = mine["items"][0]["id"].as_i64().unwrap();
    let done = json!({"status": "done", "note": "Patroli selesai"});
    let (status, answer) = send(tni.post(format!("{base}/api/v1/action-items/{item}/status")).json(&done)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(owner.next(ARRIVES).await.unwrap()["overdue"], 0);
    assert_eq!(convener.next(ARRIVES).await.unwrap()["overdue"], 0);
}

sinergi_store::backend_tests!(overdue_items_reach_the_live_feed);
