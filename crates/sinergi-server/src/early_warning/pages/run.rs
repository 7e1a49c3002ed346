//! A run's page: its parameters, its clusters and what it did to the alerts.

use super::*;

// ---------------------------------------------------------------------------------------------------------------
// A run's page.

/// A cluster of a run.
pub struct ClusterRow {
    pub kind: &'static str,
    pub center: String,
    pub villages: String,
    pub radius: String,
    pub window: String,
    pub observed: String,
    pub expected: String,
    pub relative_risk: String,
    pub p_value: String,
    pub gumbel: String,
    pub significant: bool,
    pub significant_label: &'static str,
    /// The alert it raised or refreshed, in words, with its page.
    pub alert: Option<(String, String)>,
}

/// An alert a run ended, with its page.
pub struct GoneAlert {
    pub id: i64,
    pub href: String,
    pub label: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "early_warning/run.html")]
pub struct RunPage {
    pub chrome: Chrome,
    pub title: String,
    pub id: i64,
    pub status: String,
    pub facts: Vec<Fact>,
    pub params: Vec<Fact>,
    /// The statistics' own settings (repetitions, threshold, seed), shown on demand.
    pub technical: Vec<Fact>,
    pub message: String,
    pub clusters: Vec<ClusterRow>,
    /// The run looked (status `done`): its clusters are shown, or that it found none.
    pub scanned: bool,
    /// The alerts it ended.
    pub gone: Vec<GoneAlert>,
    /// The alerts of its clusters could not be rebuilt.
    pub no_links: bool,
}

/// A parameter of a run, as stored.
fn param(params: &serde_json::Value, name: &str) -> String {
    match params.get(name) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => "–".to_owned(),
        Some(other) => other.to_string(),
    }
}

/// A numeric parameter in the language's form: "1.000", "10,0", "0,05" in Bahasa Indonesia (the digits a run
/// recorded kept).
fn quantity(lang: Lang, params: &serde_json::Value, name: &str) -> String {
    let Some(serde_json::Value::Number(n)) = params.get(name) else { return param(params, name) };
    if let Some(whole) = n.as_u64() {
        return lang.number(whole);
    }
    let text = n.to_string();
    match (n.as_f64(), text.split_once('.')) {
        (Some(x), Some((_, places))) if places.bytes().all(|b| b.is_ascii_digit()) => lang.decimal(x, places.len()),
        _ if lang == Lang::Id => text.replace('.', ","),
        _ => text,
    }
}

/// A run's page: its parameters, status, clusters (the most likely first) with their p-values, and the alerts it
/// raised, refreshed and ended.
pub async fn run(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> Result<RunPage, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "early-warning", Some(&current)).await;
    let not_found = |chrome: &Chrome, text: &str| {
        let shown: String = text.chars().take(40).collect();
        PageError::NotFound(chrome.clone(), lang.format(Msg::ErrScanRunNotFound, &[("id", &shown)]))
    };
    if !current.viewer.may(Action::ReadReports) {
        return Err(PageError::Forbidden(chrome));
    }
    let Ok(number) = id.parse::<i64>() else { return Err(not_found(&chrome, &id)) };
    let dto = match crate::early_warning::run(&*state.store, &current.viewer, number).await {
        Ok(record) => views::run_dto(record, lang),
        Err(e) => return Err(page_error(chrome, e.into())),
    };
    let viewer = &current.viewer;
    let regency = RegionCode::parse(&dto.regency).ok();
    let regency_name = match &regency {
        Some(code) => state.store.region(viewer, code).await.map_err(internal(&chrome))?.map(|r| r.name),
        None => None,
    };
    let regency_text = regency_name.map_or_else(|| dto.regency.clone(), |n| format!("{n} ({})", dto.regency));
    let replayed = match &regency {
        Some(code) => replay(&*state.store, code, dto.id, dto.id, false).await.map_err(internal(&chrome))?,
        None => None,
    };
    let effect = replayed.and_then(|runs| runs.into_iter().find(|r| r.run.id == dto.id)).map(|r| r.effect);
    let clusters = clusters_of(&dto.status, dto.result.as_ref()).unwrap_or_default();
    // The centre villages by name, read as the user: the run's regency is wholly theirs.
    let mut names: HashMap<String, String> = HashMap::new();
    for c in &clusters {
        if names.contains_key(&c.center_zone) {
            continue;
        }
        if let Ok(code) = RegionCode::parse(&c.center_zone)
            && let Some(r) = state.store.region(viewer, &code).await.map_err(internal(&chrome))?
        {
            names.insert(c.center_zone.clone(), r.name);
        }
    }
    let rows = clusters
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let alert = effect.as_ref().and_then(|e| e.clusters.get(i).copied().flatten()).map(|(alert, new)| {
                let msg = if new { Msg::EwAlertNew } else { Msg::EwAlertRefreshed };
                (lang.format(msg, &[("id", &alert)]), format!("/early-warning/alerts/{alert}"))
            });
            ClusterRow {
                kind: lang.t(if i == 0 { Msg::EwMostLikely } else { Msg::EwSecondary }),
                center: names
                    .get(&c.center_zone)
                    .map_or_else(|| c.center_zone.clone(), |n| format!("{n} ({})", c.center_zone)),
                villages: lang.number(c.zone_codes.len() as u64),
                radius: c.radius_km.map_or_else(|| "–".to_owned(), |r| format!("{} km", lang.decimal(r, 2))),
                window: window(lang, &c.start_day, &c.end_day),
                observed: lang.number(c.observed),
                expected: c.expected.map_or_else(|| "–".to_owned(), |e| lang.decimal(e, 2)),
                relative_risk: ratio_text(lang, c.relative_risk),
                p_value: c.p_value.map_or_else(|| "–".to_owned(), |p| p_text(lang, p)),
                gumbel: c.gumbel_p_value.map_or_else(|| "–".to_owned(), |p| p_text(lang, p)),
                significant: c.significant,
                significant_label: lang.t(if c.significant { Msg::EwYes } else { Msg::EwNo }),
                alert,
            }
        })
        .collect();
    let counted = match dto.params.get("counted").and_then(serde_json::Value::as_str) {
        Some("verified") => lang.t(Msg::EwCountedVerified).to_owned(),
        Some("all_but_rejected") => lang.t(Msg::EwCountedAllButRejected).to_owned(),
        Some(other) => other.to_owned(),
        None => "–".to_owned(),
    };
    let p = &dto.params;
    // What an officer weighs the result by; the statistics' settings behind a toggle.
    let params = vec![
        Fact { label: lang.t(Msg::EwRunDays), value: quantity(lang, p, "days") },
        Fact { label: lang.t(Msg::EwRunMaxRadius), value: format!("{} km", quantity(lang, p, "max_radius_km")) },
        Fact { label: lang.t(Msg::EwRunMaxDays), value: quantity(lang, p, "max_days") },
        Fact { label: lang.t(Msg::EwRunMinCases), value: quantity(lang, p, "min_cases") },
        Fact { label: lang.t(Msg::EwRunCounted), value: counted },
    ];
    let technical = vec![
        Fact { label: lang.t(Msg::EwRunReplications), value: quantity(lang, p, "replications") },
        Fact { label: lang.t(Msg::EwRunMaxFraction), value: quantity(lang, p, "max_fraction") },
        Fact { label: lang.t(Msg::EwRunThreshold), value: quantity(lang, p, "threshold") },
        Fact { label: lang.t(Msg::EwRunSeed), value: param(p, "seed") },
    ];
    let facts = vec![
        Fact { label: lang.t(Msg::EwFilterRegency), value: regency_text.clone() },
        Fact { label: lang.t(Msg::ColStatus), value: run_status_label(lang, &dto.status) },
        Fact { label: lang.t(Msg::EwColTrigger), value: trigger_label(lang, &dto.trigger).to_owned() },
        Fact { label: lang.t(Msg::EwRunRequestedBy), value: dto.requested_by.clone() },
        Fact { label: lang.t(Msg::EwColPeriod), value: window(lang, &dto.period_start, &dto.period_end) },
        Fact { label: lang.t(Msg::EwRunStarted), value: when(lang, dto.started_at_ms) },
        Fact { label: lang.t(Msg::EwRunFinished), value: when(lang, dto.finished_at_ms) },
        Fact { label: lang.t(Msg::EwRunCasesUsed), value: lang.number(dto.cases_used) },
        Fact { label: lang.t(Msg::EwRunCasesLeftOut), value: lang.number(dto.cases_left_out) },
    ];
    let any_significant = clusters.iter().any(|c| c.significant);
    Ok(RunPage {
        title: lang.format(Msg::EwRunTitle, &[("id", &dto.id), ("regency", &regency_text)]),
        id: dto.id,
        status: dto.status.clone(),
        facts,
        params,
        technical,
        message: dto.message.clone(),
        clusters: rows,
        scanned: dto.status == "done",
        gone: effect
            .as_ref()
            .map(|e| {
                e.gone
                    .iter()
                    .map(|&a| GoneAlert {
                        id: a,
                        href: format!("/early-warning/alerts/{a}"),
                        label: lang.format(Msg::EwAlertTitle, &[("id", &a)]),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        no_links: effect.is_none() && any_significant,
        chrome,
    })
}
