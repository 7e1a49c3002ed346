//! The rakor through its pages: convened from the form (a refused form shown again with each fault named and what
//! was typed kept), attendance recorded by the invited unit, a decision with its action items (a deadline before
//! the meeting refused on the page), the item moved from the queue; and the meeting's page on a 360 px phone in
//! Chromium, without sideways scrolling or script errors.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chromiumoxide::cdp::js_protocol::runtime::EventExceptionThrown;
use futures_util::StreamExt;
use reqwest::StatusCode;
use sinergi_store::testing::TestDb;

use super::setup;
use crate::helpers::browser::{Chromium, text};
use crate::helpers::{PASSWORD, TestApp, csrf, day, get_html, post_form, wib};

/// Convenes the meeting from the form as `ops`; its id.
async fn convene(app: &TestApp, client: &reqwest::Client, token: &str, date: &str) -> i64 {
    let fields = [
        ("csrf", token),
        ("region", "15.07"),
        ("title", "Rakor Lintas Sektoral Pilkada"),
        ("convening_unit", "polres-15.07"),
        ("date", date),
        ("start", "09:00"),
        ("end", "12:00"),
        ("place", "Aula Polres"),
        ("unit.kodim-15.07", "on"),
        ("unit.pln-up3-15.07", "on"),
    ];
    let (status, location, _) = post_form(client, format!("{}/meetings/new", app.base), &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    location.trim_start_matches("/meetings/").parse().unwrap()
}

async fn a_rakor_through_its_forms(db: &TestDb) {
    let app = setup(db).await;
    let base = &app.base;
    let ops = app.signed_in("ops").await;
    let token = csrf(&ops, base).await;
    // Dated from today, as a forum works: the meeting in five days, the next a week later, one held a fortnight ago.
    let (meeting_day, next_day, past_day) = (day(5), day(12), day(-15));

    // The form offers the regency and its units, the regency's own ticked.
    let (status, form) = get_html(&ops, format!("{base}/meetings/new")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains(r#"name="unit.kodim-15.07" checked"#), "the regency's units are ticked");
    assert!(form.contains(r#"name="unit.polda-15""#) && !form.contains(r#"name="unit.polda-15" checked"#));
    assert!(!form.contains("polres-14.71"), "a unit out of reach is not offered");

    // Refused: the end before the start; the page says so and keeps what was typed.
    let bad = [
        ("csrf", token.as_str()),
        ("region", "15.07"),
        ("title", "Rakor A"),
        ("convening_unit", "polres-15.07"),
        ("date", meeting_day.as_str()),
        ("start", "12:00"),
        ("end", "09:00"),
        ("place", "Aula"),
    ];
    let (status, _, page) = post_form(&ops, format!("{base}/meetings/new"), &bad).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"data-field="ends_at""#) && page.contains("tidak sesudah mulai"), "{page}");
    assert!(page.contains(r#"value="Rakor A""#));

    let id = convene(&app, &ops, &token, &meeting_day).await;
    let (status, page) = get_html(&ops, format!("{base}/meetings/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let written = format!("{}, 09.00–12.00 WIB", sinergi_domain::i18n::Lang::Id.long_date(wib(5)));
    assert!(page.contains(&written), "the date as people write it: {written}");
    assert!(page.contains("Kodim 15.07") && page.contains("Diundang"));

    // The Kodim records its own attendance; the page shows it.
    let tni = app.signed_in("tni").await;
    let tni_token = csrf(&tni, base).await;
    let attendance = [
        ("csrf", tni_token.as_str()),
        ("unit", "kodim-15.07"),
        ("status", "present"),
        ("name", "Letkol Inf. Hartono"),
        ("position", "Dandim"),
    ];
    let (status, location, _) = post_form(&tni, format!("{base}/meetings/{id}/attendance"), &attendance).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, format!("/meetings/{id}#attendance").as_str()));
    let (_, page) = get_html(&ops, format!("{base}/meetings/{id}")).await;
    assert!(page.contains("Letkol Inf. Hartono, Dandim"));

    // A decision whose item is due before the meeting: refused on the page, the field named.
    let decision = |deadline: &str| {
        vec![
            ("csrf", token.clone()),
            ("text", "Patroli gabungan di TPS sangat rawan".to_owned()),
            ("owner_1", "kodim-15.07".to_owned()),
            ("task_1", "Patroli 12 TPS".to_owned()),
            ("deadline_1", deadline.to_owned()),
        ]
    };
    let as_refs = |v: &Vec<(&'static str, String)>| v.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let bad = as_refs(&decision(&day(-4)));
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, page) = post_form(&ops, format!("{base}/meetings/{id}/decision"), &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains(r#"data-field="items[1].deadline""#) && page.contains("sebelum hari rapat"), "{page}");
    let good = as_refs(&decision(&day(7)));
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, _) = post_form(&ops, format!("{base}/meetings/{id}/decision"), &good).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // The Kodim sees its item in the queue and moves it, with evidence.
    let (_, queue) = get_html(&tni, format!("{base}/action-items?mine=1")).await;
    assert!(queue.contains("Patroli 12 TPS") && queue.contains("Belum dikerjakan"), "{queue}");
    let item = app
        .store
        .items(&crate::helpers::all(), &sinergi_store::ItemFilter::default(), sinergi_store::Page::new(1, 10))
        .await
        .unwrap()
        .0[0]
        .id;
    let done = [
        ("csrf", tni_token.as_str()),
        ("status", "done"),
        ("note", "Patroli 11/12 selesai"),
        ("back", "/action-items"),
    ];
    let (status, location, _) = post_form(&tni, format!("{base}/action-items/{item}"), &done).await;
    assert_eq!((status, location), (StatusCode::SEE_OTHER, format!("/action-items#item-{item}")));
    let (_, queue) = get_html(&tni, format!("{base}/action-items?state=done")).await;
    assert!(queue.contains("Patroli 11/12 selesai"));

    // The next meeting of the forum shows the follow-up of this one.
    let next = convene(&app, &ops, &token, &next_day).await;
    let (_, page) = get_html(&ops, format!("{base}/meetings/{next}")).await;
    assert!(page.contains(r#"id="follow-up""#) && page.contains("1 rencana tindak lanjut: 1 selesai"), "{page}");

    // An item past its deadline: a banner on every page of its owner, leading to the overdue items.
    let (_, banner) = get_html(&tni, format!("{base}/meetings")).await;
    assert!(!banner.contains("overdue-banner"));
    let past = convene(&app, &ops, &token, &past_day).await;
    let late = as_refs(&decision(&day(-10)));
    let late: Vec<(&str, &str)> = late.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, _) = post_form(&ops, format!("{base}/meetings/{past}/decision"), &late).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = get_html(&tni, format!("{base}/meetings")).await;
    let banner = "1 rencana tindak lanjut unit Anda (atau rapat yang unit Anda selenggarakan) lewat batas waktu";
    assert!(page.contains(banner), "the owner sees it: {page}");
    let (_, page) = get_html(&ops, format!("{base}/meetings")).await;
    assert!(page.contains(banner), "the convener sees it: {page}");
    let (_, queue) = get_html(&tni, format!("{base}/action-items?mine=1&state=overdue")).await;
    assert!(queue.contains("terlambat") && queue.contains("Lewat batas waktu"), "{queue}");
}

sinergi_store::backend_tests!(a_rakor_through_its_forms);

#[tokio::test]
async fn the_meeting_page_fits_a_phone() {
    let db = TestDb::sqlite().await;
    let app = setup(&db).await;
    let ops = app.signed_in("ops").await;
    let token = csrf(&ops, &app.base).await;
    let id = convene(&app, &ops, &token, &day(5)).await;

    let chromium = Chromium::phone(360, 780).await;
    let page = chromium.browser.new_page("about:blank").await.unwrap();
    let exceptions = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut thrown = page.event_listener::<EventExceptionThrown>().await.unwrap();
    let collect = {
        let exceptions = exceptions.clone();
        tokio::spawn(async move {
            while let Some(e) = thrown.next().await {
                exceptions.lock().unwrap().push(format!("{:?}", e.exception_details));
            }
        })
    };
    page.enable_runtime().await.unwrap();
    page.goto(format!("{}/login?next=/meetings/{id}", app.base)).await.unwrap();
    let _ = page
        .evaluate(format!(
            "document.getElementById('username').value = 'ops'; \
             document.getElementById('password').value = '{PASSWORD}'; \
             document.getElementById('login-submit').click();"
        ))
        .await;
    let mut path = String::new();
    for _ in 0..100 {
        path = text(&page, "location.pathname").await.unwrap_or_default();
        if path == format!("/meetings/{id}") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(path, format!("/meetings/{id}"));
    for target in
        [format!("/meetings/{id}"), "/meetings".to_owned(), "/meetings/new".to_owned(), "/action-items".to_owned()]
    {
        page.goto(format!("{}{target}", app.base)).await.unwrap();
        let phone =
            chromiumoxide::cdp::browser_protocol::emulation::SetDeviceMetricsOverrideParams::new(360, 780, 2.0, true);
        page.execute(phone).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let width: i64 = page.evaluate("document.documentElement.scrollWidth").await.unwrap().into_value().unwrap();
        let wide = text(
            &page,
            "Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > 361) \
             .slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + \
             Math.round(e.getBoundingClientRect().left) + '-' + Math.round(e.getBoundingClientRect().right) + ' ' + \
             getComputedStyle(e).flexWrap).join(', ')",
        )
        .await
        .unwrap_or_default();
        let inner = text(&page, "String(window.innerWidth)").await.unwrap_or_default();
        assert!(width <= 360, "{target} is {width} px wide on a 360 px phone (window {inner}): {wide}");
        // Last: a full-page screenshot changes the emulated screen to the page's size.
        if let Ok(dir) = std::env::var("SINERGI_SCREENSHOTS") {
            let name = target.trim_start_matches('/').replace('/', "-");
            let params = chromiumoxide::page::ScreenshotParams::builder().full_page(true).build();
            page.save_screenshot(params, format!("{dir}/{name}.png")).await.unwrap();
        }
    }
    collect.abort();
    assert!(exceptions.lock().unwrap().is_empty(), "script errors: {:?}", exceptions.lock().unwrap());
    chromium.close().await;
}
