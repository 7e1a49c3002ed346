//! The early warning pages, through the real application on SQLite and on PostgreSQL: a scan run from the page's
//! form goes on to its run page (parameters, clusters, the alert raised); the list shows the alert with its
//! plain-language explanation, numbers, units and map link, by state and regency; the alert's page shows its
//! history across runs (first seen, seen again, gone) and its villages; bad input in the run form is named by
//! field; users of other territories see nothing of the alert; observers get no form and a 403 for a post; and a
//! post without the form's CSRF token is refused.

use reqwest::StatusCode;
use serde_json::Value;
use sinergi_domain::incident::Status;
use sinergi_store::testing::TestDb;

use super::fixture::*;
use crate::helpers::{csrf, get_html, post_form};

/// A page, with `&` as written in its attributes (Askama writes it `&#38;`).
async fn get(client: &reqwest::Client, url: String) -> (StatusCode, String) {
    let (status, html) = get_html(client, url).await;
    (status, html.replace("&#38;", "&"))
}

async fn api(client: &reqwest::Client, url: String) -> Value {
    client.get(url).send().await.unwrap().json().await.unwrap()
}

/// Runs the regency's scan from the page's form, as `client`; the run's id, from where the page sends it.
async fn run_from_form(client: &reqwest::Client, base: &str, regency: &str) -> i64 {
    let token = csrf(client, base).await;
    let (status, location, html) =
        post_form(client, format!("{base}/early-warning/run"), &[("csrf", &token), ("regency", regency)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    location.strip_prefix("/early-warning/runs/").and_then(|id| id.parse().ok()).expect(&location)
}

/// The rows of an alert's history table: (event, run).
fn history(html: &str) -> Vec<(String, String)> {
    html.split("<tr data-event=\"")
        .skip(1)
        .map(|row| {
            let event = row.split('"').next().unwrap_or_default().to_owned();
            let run = row.split("data-run=\"").nth(1).and_then(|r| r.split('"').next()).unwrap_or_default().to_owned();
            (event, run)
        })
        .collect()
}

/// The ids of the alerts listed on the early warning page, in order.
fn listed(html: &str) -> Vec<i64> {
    html.split("<section class=\"card\" id=\"alert-")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect()
}

async fn runs_in_store(db: &TestDb) -> u64 {
    let system = sinergi_domain::access::Viewer::system("test");
    db.store.scan_runs(&system, None, sinergi_store::Page::new(1, 10)).await.unwrap().1
}

async fn the_form_runs_the_scan_and_the_pages_show_the_alert_and_its_history(db: &TestDb) {
    let (app, villages) = setup(db).await;
    let base = &app.base;
    let now = sinergi_server::trust::auth::now_ms();
    let cluster = file_reports(&*db.store, &villages, now).await;
    let ops = app.signed_in("ops").await;

    // The page before any run: the navigation leads here, the form offers the regency with the defaults.
    let (status, html) = get(&ops, format!("{base}/early-warning")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("id=\"nav-early-warning\"") && html.contains("aria-current=\"page\""));
    assert!(html.contains("id=\"no-alerts\"") && html.contains("id=\"no-runs\""), "{html}");
    assert!(html.contains("id=\"run-form\"") && html.contains("action=\"/early-warning/run\""));
    assert!(html.contains("<option value=\"15.07\">Tanjung Jabung Timur (15.07)</option>"), "{html}");
    assert!(!html.contains("<option value=\"15.06\">"), "the other regency is not offered: {html}");
    assert!(html.contains("bawaan: 90") && html.contains("bawaan: 999"), "the server's defaults are shown");

    // The first run: on to its page, which shows its parameters, the clusters and the alert it raised.
    let first = run_from_form(&ops, base, "15.07").await;
    let (status, html) = get(&ops, format!("{base}/early-warning/runs/{first}")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(&format!("Pemindaian {first} · Tanjung Jabung Timur (15.07)")), "{html}");
    assert!(html.contains("data-status=\"done\"") && html.contains("atas permintaan") && html.contains("ops"));
    assert!(html.contains("paling mungkin") && html.contains("0,001"), "the most likely cluster and its p-value");
    assert!(html.contains("yang lolos verifikasi"), "which reports counted");
    // Days and times as Bahasa Indonesia writes them, not as the API does.
    let today = sinergi_domain::i18n::Lang::Id.day_month_year(crate::helpers::wib(0));
    assert!(html.contains(&format!("sampai {today}")) && html.contains(&format!("{today} ")), "{html}");
    assert!(!html.contains(&crate::helpers::day(0)), "no machine dates: {html}");
    // The statistics' settings are there on demand, after the plain ones.
    let at = |text: &str| html.find(text).unwrap_or_else(|| panic!("{text} is on the page: {html}"));
    let technical = at("<details id=\"params-technical\"><summary>Rincian teknis (statistik)</summary>");
    assert!(at("Radius lingkaran paling besar") < technical && technical < at("Angka awal pengacakan"));
    let alerts = api(&ops, format!("{base}/api/v1/alerts?status=all")).await;
    assert_eq!(alerts["total"].as_u64(), Some(1), "{alerts}");
    let alert = alerts["items"][0].clone();
    let id = alert["id"].as_i64().unwrap();
    assert!(
        html.contains(&format!("href=\"/early-warning/alerts/{id}\" class=\"alert-link\">peringatan baru {id}")),
        "{html}"
    );
    let explanation = alert["explanation"].as_str().unwrap().to_owned();
    assert!(explanation.starts_with("3 desa di Kecamatan Muara Sabak Timur: "), "{explanation}");

    // The list: the alert, explained, with its numbers, units and the map that draws it.
    let (status, html) = get(&ops, format!("{base}/early-warning")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed(&html), [id]);
    assert!(html.contains(&explanation), "{html}");
    assert!(html.contains("data-state=\"active\"") && html.contains("masih aktif"));
    assert!(html.contains("Desa Satu") && html.contains("Desa Dua") && html.contains("Desa Tiga"));
    assert!(html.contains(&format!("<td class=\"observed\">{}</td>", alert["observed"])));
    assert!(html.contains("<td class=\"p-value\">0,001</td>"));
    assert!(html.contains("data-unit=\"polres-15.07\"") && html.contains("data-unit=\"polsek-15.07.01\""));
    assert!(html.contains("href=\"/map/15.07\" class=\"map-link\""), "{html}");
    assert!(html.contains(&format!("data-run=\"{first}\" data-status=\"done\"")), "the run is listed: {html}");
    // In English when asked.
    let english = api(&ops, format!("{base}/api/v1/alerts/{id}?lang=en")).await;
    let (_, html) = get(&ops, format!("{base}/early-warning?lang=en")).await;
    assert!(html.contains(english["explanation"].as_str().unwrap()) && html.contains("still active"), "{html}");

    // A second run finds it again; then its reports turn out to be hoaxes, and a third run ends it.
    let second = run_from_form(&ops, base, "15.07").await;
    let (_, html) = get(&ops, format!("{base}/early-warning/runs/{second}")).await;
    assert!(html.contains(&format!("memperbarui peringatan {id}")), "{html}");
    for &report in &cluster {
        step(&*db.store, report, Status::Verified, Status::Rejected, "reject").await;
    }
    let third = run_from_form(&ops, base, "15.07").await;
    let (_, html) = get(&ops, format!("{base}/early-warning/runs/{third}")).await;
    assert!(html.contains("id=\"gone\"") && html.contains(&format!("data-alert=\"{id}\"")), "{html}");

    // By state: gone now, so not among the active ones; listed under gone and all, and by its regency.
    let (_, html) = get(&ops, format!("{base}/early-warning")).await;
    assert!(listed(&html).is_empty() && html.contains("id=\"no-alerts\""));
    for query in ["state=gone", "state=all", "state=all&regency=15.07"] {
        let (status, html) = get(&ops, format!("{base}/early-warning?{query}")).await;
        assert_eq!((status, listed(&html)), (StatusCode::OK, vec![id]), "{query}");
        assert!(html.contains("sudah hilang") && html.contains("class=\"gone-at\""), "{query}");
        assert!(!html.contains("class=\"map-link\""), "a gone alert is not drawn on the map");
    }
    let (status, html) = get(&ops, format!("{base}/early-warning?state=all&regency=15.06")).await;
    assert_eq!((status, listed(&html)), (StatusCode::OK, vec![]));
    // A bad filter is named.
    let (status, html) = get(&ops, format!("{base}/early-warning?state=semua")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("id=\"filter-error\"") && html.contains("Keadaan: "), "{html}");
    let (status, html) = get(&ops, format!("{base}/early-warning?regency=15.07.01")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("Kabupaten/kota: 15.07.01 bukan kode kabupaten/kota"), "{html}");

    // The alert's page: its history across the three runs, with the numbers of each sighting, and its villages.
    let (status, html) = get(&ops, format!("{base}/early-warning/alerts/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(&format!("Peringatan dini {id}")) && html.contains(&explanation));
    let want: Vec<(String, String)> = [("first", first), ("again", second), ("gone", third)]
        .iter()
        .map(|(e, r)| ((*e).into(), r.to_string()))
        .collect();
    assert_eq!(history(&html), want, "{html}");
    assert!(!html.contains("id=\"history-partial\""), "rebuilt in full");
    assert!(html.contains("pertama terlihat") && html.contains("masih aktif: terlihat lagi"));
    assert!(html.contains("hilang: tidak ditemukan lagi"));
    assert!(html.contains(&format!("<a href=\"/early-warning/runs/{first}\">{first}</a>")), "runs are linked");
    for village in CLUSTER {
        assert!(html.contains(&format!("data-village=\"{village}\"")), "{village}");
    }
    assert!(html.contains("Muara Sabak Timur") && html.contains("data-unit=\"panwascam-15.07.01\""));
    let (status, _) = get(&ops, format!("{base}/early-warning/alerts/999999")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(&ops, format!("{base}/early-warning/alerts/abc")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(&ops, format!("{base}/early-warning/runs/999999")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn bad_input_is_named_by_field(db: &TestDb) {
    let (app, _) = setup(db).await;
    let base = &app.base;
    let ops = app.signed_in("ops").await;
    let token = csrf(&ops, base).await;
    let run = format!("{base}/early-warning/run");
    for (fields, named, message) in [
        (vec![("regency", "15.07"), ("days", "0")], "days", "Periode (hari terakhir): 0 di luar rentang 1–366"),
        (vec![("regency", "15.07"), ("days", "400")], "days", "Periode (hari terakhir): 400 di luar rentang 1–366"),
        (
            vec![("regency", "15.07"), ("replications", "abc")],
            "replications",
            "Jumlah pengulangan uji acak (Monte Carlo): “abc” bukan bilangan",
        ),
        (
            vec![("regency", "15.07"), ("replications", "-5")],
            "replications",
            "Jumlah pengulangan uji acak (Monte Carlo): tidak boleh negatif (-5)",
        ),
        (
            vec![("regency", "15.07"), ("replications", "100001")],
            "replications",
            "Jumlah pengulangan uji acak (Monte Carlo): 100001 di luar rentang 1–100.000",
        ),
        (vec![("regency", "15.99")], "regency", "Kabupaten/kota: Wilayah dengan kode 15.99 tidak ada."),
        (vec![("regency", "15.06")], "regency", "Kabupaten/kota: Wilayah dengan kode 15.06 tidak ada."),
        (vec![("regency", "15.07.01")], "regency", "Kabupaten/kota: 15.07.01 bukan kode kabupaten/kota"),
        (vec![("regency", "")], "regency", "Kabupaten/kota: "),
    ] {
        let mut form = vec![("csrf", token.as_str())];
        form.extend(fields.iter().copied());
        let (status, location, html) = post_form(&ops, run.clone(), &form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}: {location} {html}");
        assert!(html.contains(&format!("id=\"run-error-{named}\"")), "{fields:?}: {html}");
        assert!(html.contains(message), "{fields:?} should say {message}: {html}");
        assert!(html.contains("Pemindaian tidak dijalankan."), "{html}");
        assert!(html.contains("id=\"run-form\""), "the form again");
        assert!(html.contains("href=\"/lang/en?next=/early-warning\""), "the language switch returns to the page");
    }
    // Several at once, each named, with what was typed kept.
    let (status, _, html) = post_form(
        &ops,
        run.clone(),
        &[("csrf", &token), ("regency", "15.07"), ("days", "0"), ("replications", "x<b>")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"run-error-days\"") && html.contains("id=\"run-error-replications\""), "{html}");
    assert!(html.contains("value=\"x&#60;b&#62;\""), "typed text kept, escaped: {html}");
    assert!(html.contains("<option value=\"15.07\" selected>"));
    // In English when asked.
    let (_, _, html) =
        post_form(&ops, format!("{run}?lang=en"), &[("csrf", &token), ("regency", "15.07"), ("days", "0")]).await;
    assert!(html.contains("Period (last days): 0 is outside 1–366"), "{html}");
    assert_eq!(runs_in_store(db).await, 0, "nothing was run");

    // Too few reports is a run, shown with its reason.
    let id = run_from_form(&ops, base, "15.07").await;
    let (status, html) = get(&ops, format!("{base}/early-warning/runs/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-status=\"too_few\"") && html.contains("laporan terlalu sedikit"), "{html}");
    assert!(html.contains("id=\"run-message\""), "{html}");
}

async fn access_follows_territory_and_role(db: &TestDb) {
    let (app, villages) = setup(db).await;
    let base = &app.base;
    let now = sinergi_server::trust::auth::now_ms();
    file_reports(&*db.store, &villages, now).await;
    let ops = app.signed_in("ops").await;
    let run = run_from_form(&ops, base, "15.07").await;
    let id = api(&ops, format!("{base}/api/v1/alerts")).await["items"][0]["id"].as_i64().unwrap();
    let alert_page = format!("{base}/early-warning/alerts/{id}");
    let run_page = format!("{base}/early-warning/runs/{run}");

    // The other regency's operator: nothing of the alert or the run; their own regency to run.
    let luar = app.signed_in("luar").await;
    let (status, html) = get(&luar, format!("{base}/early-warning?state=all")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(listed(&html).is_empty() && !html.contains("Muara Sabak Timur") && !html.contains("Desa Satu"), "{html}");
    assert!(!html.contains(&format!("data-run=\"{run}\"")), "{html}");
    assert!(html.contains("<option value=\"15.06\">") && !html.contains("<option value=\"15.07\">"), "{html}");
    assert_eq!(get(&luar, alert_page.clone()).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&luar, run_page.clone()).await.0, StatusCode::NOT_FOUND);
    let token = csrf(&luar, base).await;
    let (status, _, html) =
        post_form(&luar, format!("{base}/early-warning/run"), &[("csrf", &token), ("regency", "15.07")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Kabupaten/kota: Wilayah dengan kode 15.07 tidak ada."), "{html}");

    // The other district of the regency: the circle does not touch it; no whole regency to run.
    let barat = app.signed_in("ops.barat").await;
    let (_, html) = get(&barat, format!("{base}/early-warning?state=all")).await;
    assert!(listed(&html).is_empty(), "{html}");
    assert!(html.contains("id=\"run-no-regency\"") && !html.contains("id=\"run-form\""), "{html}");
    assert_eq!(get(&barat, alert_page.clone()).await.0, StatusCode::NOT_FOUND);

    // The district the circle lies in: the alert, its map, its history (without links to the regency's runs).
    let timur = app.signed_in("ops.timur").await;
    let (_, html) = get(&timur, format!("{base}/early-warning")).await;
    assert_eq!(listed(&html), [id]);
    assert!(html.contains("href=\"/map/15.07.01\" class=\"map-link\""), "{html}");
    let (status, html) = get(&timur, alert_page.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(history(&html), [("first".to_owned(), run.to_string())], "{html}");
    assert!(!html.contains("/early-warning/runs/"), "the run is the regency's: {html}");
    assert_eq!(get(&timur, run_page.clone()).await.0, StatusCode::NOT_FOUND);

    // The observer reads everything but gets no form, and a post is refused with a page.
    let observer = app.signed_in("pengamat").await;
    let (status, html) = get(&observer, format!("{base}/early-warning")).await;
    assert_eq!((status, listed(&html)), (StatusCode::OK, vec![id]));
    assert!(!html.contains("id=\"run-form\"") && !html.contains("action=\"/early-warning/run\""), "{html}");
    assert_eq!(get(&observer, run_page.clone()).await.0, StatusCode::OK);
    assert_eq!(get(&observer, alert_page.clone()).await.0, StatusCode::OK);
    let token = csrf(&observer, base).await;
    let (status, _, html) =
        post_form(&observer, format!("{base}/early-warning/run"), &[("csrf", &token), ("regency", "15.07")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("Peran Anda tidak mengizinkan tindakan ini.") && !html.contains("id=\"run-form\""), "{html}");

    // Without the form's CSRF token (or with a wrong one), nothing runs, whoever asks.
    let before = runs_in_store(db).await;
    let wrong = "0".repeat(64);
    for fields in [vec![("regency", "15.07")], vec![("csrf", wrong.as_str()), ("regency", "15.07")]] {
        let response = ops.post(format!("{base}/early-warning/run")).form(&fields).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "csrf_failed");
    }
    assert_eq!(runs_in_store(db).await, before, "nothing was run");
}

sinergi_store::backend_tests!(
    the_form_runs_the_scan_and_the_pages_show_the_alert_and_its_history,
    bad_input_is_named_by_field,
    access_follows_territory_and_role,
);
