//! An agency's queue and the escalation panel.

use super::*;

/// A count of an agency's queue.
pub struct QueueCount {
    pub status: &'static str,
    pub label: &'static str,
    pub count: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "incident/queue.html")]
pub struct QueuePage {
    pub chrome: Chrome,
    pub title: String,
    pub agency: String,
    pub agencies: Vec<Opt>,
    pub error: Option<String>,
    pub counts: Vec<QueueCount>,
    pub rows: Vec<ReportRow>,
    pub note: Option<String>,
    pub list_href: String,
}

/// An agency's queue: what it is responsible for (or was shared with it) in the user's territory, counted by
/// status, and its reports still open (waiting for verification or action, or in handling), newest event first.
pub async fn queue(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "incidents", Some(&current)).await;
    if !current.viewer.reads_reports() {
        return Err(PageError::Forbidden(chrome));
    }
    let viewer = &current.viewer;
    let asked = params.iter().rev().find(|(k, _)| k == "agency").map(|(_, v)| v.trim()).filter(|v| !v.is_empty());
    let (agency, error) = match asked {
        None => (viewer.agency, None),
        Some(text) => match AgencyKind::parse(text) {
            Some(agency) => (agency, None),
            None => {
                let shown: String = text.chars().take(40).collect();
                let detail = format!("{}: {shown}", lang.t(Msg::ColAgency));
                (viewer.agency, Some(lang.format(Msg::IncidentsFilterError, &[("detail", &detail)])))
            }
        },
    };
    let err = internal(&chrome);
    let result: Result<_, StoreError> = async {
        let counts = state.store.queue_counts(viewer, agency).await?;
        let waiting = ReportFilter { routed_to: Some(agency), open: true, ..Default::default() };
        let handling = ReportFilter {
            routed_to: Some(agency),
            status: Some(Status::InHandling.as_str().into()),
            ..Default::default()
        };
        let (mut open, waiting_total) = state.store.reports(viewer, &waiting, Page::new(1, QUEUE_LISTED)).await?;
        let (in_handling, handling_total) = state.store.reports(viewer, &handling, Page::new(1, QUEUE_LISTED)).await?;
        open.extend(in_handling);
        open.sort_by_key(|r| (Reverse(r.occurred_at_ms), Reverse(r.id)));
        open.truncate(QUEUE_LISTED as usize);
        let dtos: Vec<ReportDto> = open.into_iter().map(|r| ReportDto::new(r, &state, lang)).collect();
        let rows = rows(&state, viewer, &dtos, lang).await?;
        Ok((counts, rows, waiting_total + handling_total))
    }
    .await;
    let (counts, rows, total) = result.map_err(err)?;
    let note = (total > rows.len() as u64).then(|| {
        lang.format(Msg::ShowingReports, &[("shown", &lang.number(rows.len() as u64)), ("total", &lang.number(total))])
    });
    let status = if error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let page = QueuePage {
        title: lang.format(Msg::QueueTitle, &[("agency", &agency.name(lang))]),
        agency: agency.as_str().to_owned(),
        agencies: agency_options(lang, agency.as_str()),
        error,
        counts: Status::ALL
            .iter()
            .map(|s| QueueCount {
                status: s.as_str(),
                label: s.label(lang),
                count: lang.number(counts.get(s.as_str()).copied().unwrap_or(0)),
            })
            .collect(),
        rows,
        note,
        list_href: format!("/incidents?routed_to={}", percent_encode(agency.as_str())),
        chrome,
    };
    Ok((status, page).into_response())
}

/// An overdue report on the escalation panel.
pub struct EscalationRow {
    pub report: ReportRow,
    /// Which limit was missed and how far up the report went.
    pub limit: String,
    pub due: String,
    pub late: String,
    pub steps: u8,
    pub escalated_to: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "incident/escalations.html")]
pub struct EscalationsPage {
    pub chrome: Chrome,
    pub title: String,
    pub rows: Vec<EscalationRow>,
}

/// The escalation panel: what `GET /api/v1/reports/escalations` answers (the same service), as a table.
pub async fn escalations(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    uri: Uri,
    Extension(current): Extension<CurrentUser>,
) -> Result<EscalationsPage, PageError> {
    let chrome = Chrome::new(&state, lang, &uri, "incidents", Some(&current)).await;
    let panel = match service::overdue_reports(&state, &current.viewer).await {
        Ok(overdue) => views::escalation_panel(&state, overdue, lang),
        Err(e) => return Err(page_error(chrome, e.to_api(lang))),
    };
    let dtos: Vec<&ReportDto> = panel.iter().map(|e| &e.report).collect();
    let codes: HashSet<RegionCode> = dtos.iter().filter_map(|d| RegionCode::parse(&d.village_code).ok()).collect();
    let names = villages(&state, &current.viewer, &codes).await.map_err(internal(&chrome))?;
    let now = auth::now_ms();
    let rows = panel
        .iter()
        .filter_map(|e| {
            let o = e.report.overdue.as_ref()?;
            let name =
                RegionCode::parse(&e.report.village_code).ok().and_then(|c| names.get(&c)).map(|(n, _)| n.as_str());
            let minutes = (now - o.due_at_ms).max(0) / 60_000;
            Some(EscalationRow {
                report: row(&e.report, name, lang),
                limit: overdue_text(lang, o),
                due: when(lang, o.due_at_ms),
                late: lang.format(Msg::LateTime, &[("hours", &(minutes / 60)), ("minutes", &(minutes % 60))]),
                steps: o.steps,
                escalated_to: e.escalated_to.iter().map(|u| u.unit_name.as_str()).collect::<Vec<_>>().join(", "),
            })
        })
        .collect();
    Ok(EscalationsPage { title: lang.t(Msg::EscalationsTitle).to_owned(), rows, chrome })
}
