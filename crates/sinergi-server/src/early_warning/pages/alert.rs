//! An alert's page: its explanation, villages, units and history across runs.

use super::*;

// ---------------------------------------------------------------------------------------------------------------
// An alert's page.

/// A village of an alert.
pub struct VillageRow {
    pub code: String,
    pub name: String,
    pub district: String,
    pub coordinates: String,
}

/// A run in an alert's history.
pub struct HistoryRow {
    pub run_id: Option<i64>,
    /// The run's page, for those who read the run (their territory holds the whole regency).
    pub run_href: Option<String>,
    pub when: String,
    /// `first`, `again` or `gone`.
    pub event: &'static str,
    pub event_label: &'static str,
    pub window: String,
    pub observed: String,
    pub expected: String,
    pub relative_risk: String,
    pub p_value: String,
    pub gumbel: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "early_warning/alert.html")]
pub struct AlertPage {
    pub chrome: Chrome,
    pub title: String,
    pub id: i64,
    pub state: String,
    pub explanation: String,
    pub facts: Vec<Fact>,
    pub map_href: Option<String>,
    pub routes: Vec<RouteLine>,
    pub villages: Vec<VillageRow>,
    pub history: Vec<HistoryRow>,
    /// The history could not be rebuilt: only the stored sightings are shown.
    pub partial: bool,
}

fn history_event(lang: Lang, event: &'static str) -> (&'static str, &'static str) {
    let msg = match event {
        "first" => Msg::EwHistoryFirst,
        "gone" => Msg::EwHistoryGone,
        _ => Msg::EwHistoryAgain,
    };
    (event, lang.t(msg))
}

/// The history of an alert, rebuilt from the runs of its regency; `None` when it cannot be.
async fn alert_history(
    state: &AppState,
    lang: Lang,
    dto: &AlertDto,
    run_href: &(dyn Fn(i64) -> Option<String> + Sync),
) -> Result<Option<Vec<HistoryRow>>, StoreError> {
    let Ok(regency) = RegionCode::parse(&dto.regency) else { return Ok(None) };
    let gone = dto.status == "gone";
    let Some(runs) = replay(&*state.store, &regency, dto.first_run_id, dto.last_run_id, gone).await? else {
        return Ok(None);
    };
    let mut rows = Vec::new();
    let mut last_seen = None;
    let mut ended = false;
    for r in &runs {
        let seen = r.effect.clusters.iter().enumerate().find_map(|(i, c)| match c {
            Some((id, new)) if *id == dto.id => Some((i, *new)),
            _ => None,
        });
        if let Some((i, new)) = seen {
            let c = &r.clusters[i];
            let (event, event_label) = history_event(lang, if new { "first" } else { "again" });
            last_seen = Some(r.run.id);
            rows.push(HistoryRow {
                run_id: Some(r.run.id),
                run_href: run_href(r.run.id),
                when: when(lang, r.run.finished_at_ms),
                event,
                event_label,
                window: window(lang, &c.start_day, &c.end_day),
                observed: lang.number(c.observed),
                expected: c.expected.map_or_else(|| "–".to_owned(), |e| lang.decimal(e, 2)),
                relative_risk: ratio_text(lang, c.relative_risk),
                p_value: c.p_value.map_or_else(|| "–".to_owned(), |p| p_text(lang, p)),
                gumbel: c.gumbel_p_value.map_or_else(|| "–".to_owned(), |p| p_text(lang, p)),
            });
        }
        if r.effect.gone.contains(&dto.id) {
            ended = true;
            let (event, event_label) = history_event(lang, "gone");
            rows.push(HistoryRow {
                run_id: Some(r.run.id),
                run_href: run_href(r.run.id),
                when: when(lang, r.run.finished_at_ms),
                event,
                event_label,
                window: String::new(),
                observed: String::new(),
                expected: String::new(),
                relative_risk: String::new(),
                p_value: String::new(),
                gumbel: String::new(),
            });
        }
    }
    // The rebuilt history must end where the stored alert is: last seen by its last run, gone when it is gone.
    let first_ok = rows.first().is_some_and(|r| r.event == "first" && r.run_id == Some(dto.first_run_id));
    if !first_ok || last_seen != Some(dto.last_run_id) || ended != gone {
        return Ok(None);
    }
    Ok(Some(rows))
}

/// The stored sightings of an alert, when its history cannot be rebuilt: first seen, last seen (with its current
/// numbers), gone.
fn stored_sightings(lang: Lang, dto: &AlertDto, run_href: &(dyn Fn(i64) -> Option<String> + Sync)) -> Vec<HistoryRow> {
    let empty = |run_id: Option<i64>, at: i64, event: &'static str| {
        let (event, event_label) = history_event(lang, event);
        HistoryRow {
            run_id,
            run_href: run_id.and_then(run_href),
            when: when(lang, at),
            event,
            event_label,
            window: String::new(),
            observed: String::new(),
            expected: String::new(),
            relative_risk: String::new(),
            p_value: String::new(),
            gumbel: String::new(),
        }
    };
    let mut rows = Vec::new();
    if dto.first_run_id != dto.last_run_id {
        rows.push(empty(Some(dto.first_run_id), dto.first_seen_ms, "first"));
    }
    let latest = if dto.first_run_id == dto.last_run_id { "first" } else { "again" };
    rows.push(HistoryRow {
        window: window(lang, &dto.start_day, &dto.end_day),
        observed: lang.number(dto.observed),
        expected: lang.decimal(dto.expected, 2),
        relative_risk: ratio_text(lang, Some(dto.relative_risk)),
        p_value: p_text(lang, dto.p_value),
        gumbel: dto.gumbel_p_value.map_or_else(|| "–".to_owned(), |p| p_text(lang, p)),
        ..empty(Some(dto.last_run_id), dto.last_seen_ms, latest)
    });
    if let Some(at) = dto.gone_at_ms {
        rows.push(empty(None, at, "gone"));
    }
    rows
}

/// An alert's page: its explanation and numbers, its units, its villages, and its history across runs.
pub async fn alert(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<AlertPage, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "early-warning", Some(&current)).await;
    if !current.viewer.may(Action::ReadReports) {
        return Err(PageError::Forbidden(chrome));
    }
    let not_found = |chrome: &Chrome, text: &str| {
        let shown: String = text.chars().take(40).collect();
        PageError::NotFound(chrome.clone(), lang.format(Msg::ErrAlertNotFound, &[("id", &shown)]))
    };
    let Ok(number) = id.parse::<i64>() else { return Err(not_found(&chrome, &id)) };
    let dto = match crate::early_warning::alert(&*state.store, &current.viewer, number).await {
        Ok(record) => match views::alert_dto(&state, record, lang, &mut std::collections::BTreeMap::new()).await {
            Ok(dto) => dto,
            Err(e) => return Err(page_error(chrome, e)),
        },
        Err(e) => return Err(page_error(chrome, e.into())),
    };
    let viewer = &current.viewer;
    // Runs are read by those whose territory holds the whole regency; others see the history without the links.
    let covers_regency = RegionCode::parse(&dto.regency).is_ok_and(|r| viewer.covers(&r));
    let run_href = |run: i64| covers_regency.then(|| format!("/early-warning/runs/{run}"));
    let rebuilt = alert_history(&state, lang, &dto, &run_href).await.map_err(internal(&chrome))?;
    let partial = rebuilt.is_none();
    let history = rebuilt.unwrap_or_else(|| stored_sightings(lang, &dto, &run_href));
    let regency_name = match RegionCode::parse(&dto.regency) {
        Ok(code) => state.store.region(viewer, &code).await.map_err(internal(&chrome))?.map(|r| r.name),
        Err(_) => None,
    };
    let center = dto
        .villages
        .iter()
        .find(|v| v.code == dto.center_code)
        .map_or_else(|| dto.center_code.clone(), |v| format!("{} ({})", v.name, v.code));
    let mut facts = vec![
        Fact { label: lang.t(Msg::EwFilterState), value: state_label(lang, &dto.status).to_owned() },
        Fact {
            label: lang.t(Msg::EwFilterRegency),
            value: regency_name.map_or_else(|| dto.regency.clone(), |n| format!("{n} ({})", dto.regency)),
        },
        Fact {
            label: lang.t(Msg::EwDistricts),
            value: dto.districts.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(", "),
        },
        Fact { label: lang.t(Msg::EwCenter), value: center },
        Fact { label: lang.t(Msg::EwRadius), value: format!("{} km", lang.decimal(dto.radius_km, 2)) },
        Fact { label: lang.t(Msg::EwWindow), value: window(lang, &dto.start_day, &dto.end_day) },
        Fact { label: lang.t(Msg::EwObserved), value: lang.number(dto.observed) },
        Fact { label: lang.t(Msg::EwExpected), value: lang.decimal(dto.expected, 2) },
        Fact { label: lang.t(Msg::EwRelativeRisk), value: ratio_text(lang, Some(dto.relative_risk)) },
        Fact { label: lang.t(Msg::EwPValue), value: p_text(lang, dto.p_value) },
        Fact {
            label: lang.t(Msg::EwGumbel),
            value: dto.gumbel_p_value.map_or_else(|| "–".to_owned(), |p| p_text(lang, p)),
        },
        Fact { label: lang.t(Msg::EwFirstSeen), value: when(lang, dto.first_seen_ms) },
        Fact { label: lang.t(Msg::EwLastSeen), value: when(lang, dto.last_seen_ms) },
    ];
    if let Some(at) = dto.gone_at_ms {
        facts.push(Fact { label: lang.t(Msg::EwGoneAt), value: when(lang, at) });
    }
    let district_names: HashMap<&str, &str> =
        dto.districts.iter().map(|d| (d.code.as_str(), d.name.as_str())).collect();
    let villages = dto
        .villages
        .iter()
        .map(|v| {
            let district = RegionCode::parse(&v.code)
                .ok()
                .and_then(|c| c.at_level(Level::District))
                .and_then(|d| district_names.get(d.as_str()).map(|n| (*n).to_owned()))
                .unwrap_or_default();
            VillageRow {
                code: v.code.clone(),
                name: v.name.clone(),
                district,
                coordinates: v.centroid.as_ref().map(|c| format!("{:.5}, {:.5}", c.lat, c.lng)).unwrap_or_default(),
            }
        })
        .collect();
    Ok(AlertPage {
        title: lang.format(Msg::EwAlertTitle, &[("id", &dto.id)]),
        id: dto.id,
        state: dto.status.clone(),
        explanation: dto.explanation.clone(),
        facts,
        map_href: (dto.status == "active").then(|| map_code(viewer, &dto).map(|c| format!("/map/{c}"))).flatten(),
        routes: route_lines(lang, &dto),
        villages,
        history,
        partial,
        chrome,
    })
}
