//! The situation report (*laporan situasi*) of an area the user covers, for a day or a week: the area, the
//! election stage, vulnerability (TPS classes and the area index by district), incidents in the period (by category,
//! status and district, the notable ones in detail), early-warning alerts, open and overdue action items, meetings
//! held — with a map (district boundaries shaded by the index, incidents and alerts on it, drawn here from the stored
//! boundaries, no tiles) and a chart (incidents per day by category). As PDF (crate `sinergi-pdf`) and as the parts
//! an HTML page shows.
//!
//! Everything is read as the user: a report the user may not read is not counted. The report carries the highest
//! classification of what it holds (a *terbatas* report in it makes the whole report *terbatas*).
//!
//! **Extension point.** The sections after the built-in ones come from [`EXTENSIONS`]: a capability that has
//! something to say in a situation report (deployment readiness, voting-day progress) adds one function there, which
//! gets the report's [`Facts`] and the store and returns its sections.

use std::collections::BTreeMap;

use sinergi_domain::access::{Action, Viewer};
use sinergi_domain::coordination::calendar::Date;
use sinergi_domain::coordination::follow_up::ItemState;
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::trust::auth::Classification;
use sinergi_domain::{Level, RegionCode};
use sinergi_pdf::chart::DailyChart;
use sinergi_pdf::coordination::sitrep::{Section, Sitrep, Table};
use sinergi_pdf::coordination::{Letterhead, Signatory};
use sinergi_pdf::map::{MapArea, MapData, MapLegend, MapPoint, PointKind};
use sinergi_store::{AlertFilter, ItemFilter, MeetingFilter, Page, ReportFilter, Store, StoreError};

use crate::coordination::calendar;

const DAY_MS: i64 = 86_400_000;
const WIB_MS: i64 = 7 * 3_600_000;
/// The most reports one situation report counts (a regency's busiest week is far below).
const MAX_REPORTS: u32 = 1000;

/// The period a report covers, ending with its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Day,
    Week,
}

impl Period {
    pub fn parse(text: &str) -> Option<Period> {
        match text {
            "24h" | "1d" | "day" => Some(Period::Day),
            "7d" | "week" => Some(Period::Week),
            _ => None,
        }
    }

    pub fn days(self) -> i64 {
        match self {
            Period::Day => 1,
            Period::Week => 7,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Period::Day => "24h",
            Period::Week => "7d",
        }
    }
}

/// Why a report could not be made.
#[derive(Debug)]
pub enum SitrepError {
    /// The account does not read reports.
    Forbidden,
    /// The region is not one the user covers (or does not exist).
    OutOfScope(String),
    Store(StoreError),
    Render(String),
}

impl From<StoreError> for SitrepError {
    fn from(e: StoreError) -> SitrepError {
        SitrepError::Store(e)
    }
}

impl From<SitrepError> for crate::error::ApiError {
    fn from(e: SitrepError) -> crate::error::ApiError {
        match e {
            SitrepError::Forbidden => crate::trust::auth::forbidden(),
            SitrepError::OutOfScope(code) => crate::error::ApiError::not_found(
                crate::error::Code::RegionNotFound,
                Msg::ErrRegionNotFound,
                ("code", code),
            ),
            SitrepError::Store(e) => e.into(),
            SitrepError::Render(detail) => {
                tracing::error!(%detail, "a situation report failed to render");
                crate::error::ApiError::internal()
            }
        }
    }
}

/// What the sections are made from: the area, the period, what the user may read of it.
pub struct Facts {
    pub region: RegionCode,
    pub region_name: String,
    pub day: Date,
    pub period: Period,
    /// The period, as milliseconds: [from, to).
    pub from_ms: i64,
    pub to_ms: i64,
    pub lang: Lang,
}

/// A capability's sections of the situation report (see [`EXTENSIONS`]).
pub type Extension = for<'a> fn(
    &'a dyn Store,
    &'a Viewer,
    &'a Facts,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<Vec<Section>, StoreError>> + Send + 'a>,
>;

/// The capabilities that add sections after the built-in ones, in order: deployment readiness
/// (`deployment::sitrep`); voting-day progress goes here when that capability exists.
pub const EXTENSIONS: &[Extension] = &[|s, v, f| Box::pin(crate::deployment::sitrep::sections(s, v, f))];

/// The report, ready to render or show.
pub struct Report {
    pub sitrep: Sitrep,
}

fn t(lang: Lang, m: Msg) -> String {
    lang.t(m).to_owned()
}

/// The (lon, lat) rings of a stored GeoJSON Polygon or MultiPolygon.
fn rings(geometry: &str) -> Vec<Vec<(f64, f64)>> {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(geometry) else { return Vec::new() };
    let ring = |r: &serde_json::Value| -> Vec<(f64, f64)> {
        r.as_array()
            .map(|pts| pts.iter().filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?))).collect())
            .unwrap_or_default()
    };
    let coords = &value["coordinates"];
    match value["type"].as_str() {
        Some("Polygon") => coords.as_array().map(|rs| rs.iter().map(ring).collect()).unwrap_or_default(),
        Some("MultiPolygon") => coords
            .as_array()
            .map(|ps| ps.iter().filter_map(|p| p.as_array()).flatten().map(ring).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The WIB day of a moment, as `dd/mm`.
fn day_label(day: Date) -> String {
    format!("{:02}/{:02}", day.day(), day.month())
}

/// Builds the situation report of `region` for the period ending with `day`, as `viewer` may see it, under the
/// letterhead of `issuer` (the user's unit).
pub async fn build(
    store: &dyn Store,
    viewer: &Viewer,
    region: &RegionCode,
    day: Date,
    period: Period,
    lang: Lang,
    issuer: Option<&sinergi_domain::Unit>,
) -> Result<Report, SitrepError> {
    if !viewer.may(Action::ReadReports) {
        return Err(SitrepError::Forbidden);
    }
    let info = match store.region(viewer, region).await? {
        Some(info) if viewer.covers(region) && info.level != Level::Village => info,
        _ => return Err(SitrepError::OutOfScope(region.to_string())),
    };
    let to_ms = (day.days_since_epoch() + 1) * DAY_MS - WIB_MS;
    let from_ms = to_ms - period.days() * DAY_MS;
    let facts = Facts { region: region.clone(), region_name: info.name.clone(), day, period, from_ms, to_ms, lang };
    let mut classification = Classification::Biasa;
    let mut sections = Vec::new();
    let mut key_figures = Vec::new();

    // The area.
    let stats = store.tps_stats(viewer, region).await?;
    let children = store.children(viewer, Some(region)).await?;
    key_figures.push((t(lang, Msg::SitrepTps), lang.number(stats.tps)));
    key_figures.push((t(lang, Msg::SitrepVoters), lang.number(stats.voters)));

    // The stage.
    let in_force = calendar::in_force(store, Some(region)).await?;
    let stage = Some(calendar::banner(&in_force.calendar, day, lang));

    // Vulnerability: the classes of the TPS and the index of each district (the first indicator set loaded).
    let mut index_of: BTreeMap<RegionCode, f64> = BTreeMap::new();
    if let Some(stored) = store.indicator_sets().await?.into_iter().next()
        && let Ok(set) = sinergi_domain::vulnerability::IndicatorSet::from_toml(&stored.definition)
    {
        let figures = crate::vulnerability::views::area_figures_of(store, viewer, &set, info.clone()).await?;
        let mut rows = Vec::new();
        for child in &figures.children {
            if let Ok(code) = RegionCode::parse(&child.region.code) {
                index_of.insert(code, child.index / 100.0);
            }
            let mut row = vec![child.region.name.clone(), lang.number(child.tps), lang.decimal(child.index, 1)];
            for class in &set.classes {
                row.push(lang.number(child.by_class.get(&class.id).copied().unwrap_or(0)));
            }
            rows.push(row);
        }
        let mut columns = vec![t(lang, Msg::SitrepDistrict), t(lang, Msg::SitrepTps), t(lang, Msg::SitrepIndex)];
        columns.extend(set.classes.iter().map(|c| c.label.get(lang).to_owned()));
        let numeric = (0..columns.len()).map(|i| i > 0).collect();
        let overall = &figures.area;
        let by_class: Vec<String> = set
            .classes
            .iter()
            .map(|c| {
                format!("{} {}", c.label.get(lang), lang.number(overall.by_class.get(&c.id).copied().unwrap_or(0)))
            })
            .collect();
        sections.push(Section {
            title: t(lang, Msg::SitrepVulnerability),
            paragraphs: vec![lang.format(
                Msg::SitrepVulnerabilityText,
                &[
                    ("assessed", &lang.number(overall.assessed_tps)),
                    ("tps", &lang.number(overall.tps)),
                    ("classes", &by_class.join(", ")),
                    ("index", &lang.decimal(overall.index, 1)),
                ],
            )],
            table: (!rows.is_empty()).then_some(Table { columns, rows, numeric }),
        });
    }

    // Incidents in the period.
    let filter =
        ReportFilter { within: Some(region.clone()), from_ms: Some(from_ms), to_ms: Some(to_ms), ..Default::default() };
    let (reports, total) = store.reports(viewer, &filter, Page::new(1, MAX_REPORTS)).await?;
    key_figures.push((t(lang, Msg::SitrepIncidents), lang.number(total)));
    // The taxonomy in force (the newest stored version, else the shipped one): its labels for the categories.
    let taxonomy = crate::incident::taxonomy::newest_stored(store)
        .await?
        .unwrap_or_else(sinergi_domain::incident::Taxonomy::shipped);
    let category_label =
        |id: &str| taxonomy.category(id).map_or_else(|| id.to_owned(), |c| c.label.get(lang).to_owned());
    let district_name = |village: &RegionCode| {
        children.iter().find(|c| c.code.contains(village)).map_or_else(|| village.to_string(), |c| c.name.clone())
    };
    let mut by_category: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_status: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_district: BTreeMap<String, u64> = BTreeMap::new();
    for r in &reports {
        classification = classification.max(r.classification);
        *by_category.entry(category_label(&r.category)).or_default() += 1;
        *by_status.entry(r.status.label(lang).to_owned()).or_default() += 1;
        *by_district.entry(district_name(&r.village_code)).or_default() += 1;
    }
    let count_table = |first: Msg, counts: &BTreeMap<String, u64>| {
        let mut rows: Vec<(&String, &u64)> = counts.iter().collect();
        rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        Table {
            columns: vec![t(lang, first), t(lang, Msg::SitrepCount)],
            rows: rows.into_iter().map(|(k, v)| vec![k.clone(), lang.number(*v)]).collect(),
            numeric: vec![false, true],
        }
    };
    let period_text = lang.format(Msg::SitrepIncidentsText, &[("count", &lang.number(total))]);
    sections.push(Section {
        title: t(lang, Msg::SitrepIncidentsByCategory),
        paragraphs: vec![period_text],
        table: Some(count_table(Msg::SitrepCategory, &by_category)),
    });
    sections.push(Section {
        title: t(lang, Msg::SitrepIncidentsByStatus),
        paragraphs: Vec::new(),
        table: Some(count_table(Msg::ColStatus, &by_status)),
    });
    sections.push(Section {
        title: t(lang, Msg::SitrepIncidentsByDistrict),
        paragraphs: Vec::new(),
        table: Some(count_table(Msg::SitrepDistrict, &by_district)),
    });
    let mut notable: Vec<&sinergi_store::ReportRecord> = reports.iter().filter(|r| r.severity >= 3).collect();
    notable.sort_by_key(|r| (std::cmp::Reverse(r.severity), std::cmp::Reverse(r.occurred_at_ms)));
    let notable_rows: Vec<Vec<String>> = notable
        .iter()
        .take(15)
        .map(|r| {
            vec![
                crate::pages::when(lang, r.occurred_at_ms),
                district_name(&r.village_code),
                category_label(&r.category),
                r.description.chars().take(160).collect(),
            ]
        })
        .collect();
    sections.push(Section {
        title: t(lang, Msg::SitrepNotable),
        paragraphs: if notable_rows.is_empty() { vec![t(lang, Msg::PdfNoItems)] } else { Vec::new() },
        table: (!notable_rows.is_empty()).then(|| Table {
            columns: vec![
                t(lang, Msg::SitrepWhen),
                t(lang, Msg::SitrepDistrict),
                t(lang, Msg::SitrepCategory),
                t(lang, Msg::SitrepWhat),
            ],
            rows: notable_rows,
            numeric: vec![false; 4],
        }),
    });

    // Early-warning alerts active in the area.
    let alerts_filter = AlertFilter {
        within: Some(region.clone()),
        status: Some(sinergi_domain::early_warning::alerts::AlertStatus::Active),
    };
    let (alerts, alert_total) = store.alerts(viewer, &alerts_filter, Page::new(1, 50)).await?;
    key_figures.push((t(lang, Msg::SitrepAlerts), lang.number(alert_total)));
    sections.push(Section {
        title: t(lang, Msg::SitrepAlertsTitle),
        paragraphs: if alerts.is_empty() { vec![t(lang, Msg::PdfNoItems)] } else { Vec::new() },
        table: (!alerts.is_empty()).then(|| Table {
            columns: vec![
                t(lang, Msg::SitrepVillages),
                t(lang, Msg::SitrepWindow),
                t(lang, Msg::SitrepObserved),
                t(lang, Msg::SitrepRelativeRisk),
            ],
            rows: alerts
                .iter()
                .map(|a| {
                    vec![
                        a.villages.iter().take(4).map(|v| v.name.clone()).collect::<Vec<_>>().join(", "),
                        format!(
                            "{} – {}",
                            crate::pages::day_text(lang, &a.start_day),
                            crate::pages::day_text(lang, &a.end_day)
                        ),
                        lang.number(a.observed),
                        lang.decimal(a.relative_risk, 1),
                    ]
                })
                .collect(),
            numeric: vec![false, false, true, true],
        }),
    });

    // Action items and meetings.
    let item_filter =
        |state| ItemFilter { within: Some(region.clone()), state: Some(state), today: Some(day), ..Default::default() };
    let (overdue, overdue_total) = store.items(viewer, &item_filter(ItemState::Overdue), Page::new(1, 50)).await?;
    let (_, open_total) = store.items(viewer, &item_filter(ItemState::Open), Page::new(1, 1)).await?;
    let (_, progress_total) = store.items(viewer, &item_filter(ItemState::InProgress), Page::new(1, 1)).await?;
    key_figures.push((t(lang, Msg::SitrepOverdue), lang.number(overdue_total)));
    sections.push(Section {
        title: t(lang, Msg::SitrepItems),
        paragraphs: vec![lang.format(
            Msg::SitrepItemsText,
            &[("open", &lang.number(open_total + progress_total)), ("overdue", &lang.number(overdue_total))],
        )],
        table: (!overdue.is_empty()).then(|| Table {
            columns: vec![t(lang, Msg::ItemOwner), t(lang, Msg::ItemTask), t(lang, Msg::ItemDeadline)],
            rows: overdue
                .iter()
                .map(|i| {
                    let deadline =
                        format!("{} ({})", lang.day_month_year(i.deadline), in_force.calendar.h_day(i.deadline));
                    vec![i.owner.name.clone(), i.task.clone(), deadline]
                })
                .collect(),
            numeric: vec![false; 3],
        }),
    });
    let meeting_filter = MeetingFilter {
        within: Some(region.clone()),
        from_ms: Some(from_ms),
        before_ms: Some(to_ms),
        ..Default::default()
    };
    let (meetings, _) = store.meetings(viewer, &meeting_filter, Page::new(1, 50)).await?;
    sections.push(Section {
        title: t(lang, Msg::SitrepMeetings),
        paragraphs: if meetings.is_empty() { vec![t(lang, Msg::PdfNoItems)] } else { Vec::new() },
        table: (!meetings.is_empty()).then(|| Table {
            columns: vec![
                t(lang, Msg::SitrepWhen),
                t(lang, Msg::MeetTitle),
                t(lang, Msg::MeetConvener),
                t(lang, Msg::ColStatus),
            ],
            rows: meetings
                .iter()
                .map(|m| {
                    classification = classification.max(m.meeting.head.classification);
                    vec![
                        crate::pages::when(lang, m.meeting.head.starts_at_ms),
                        m.meeting.head.title.clone(),
                        m.convener.name.clone(),
                        m.meeting.status.label(lang).to_owned(),
                    ]
                })
                .collect(),
            numeric: vec![false; 4],
        }),
    });

    // What other capabilities add.
    for extension in EXTENSIONS {
        sections.extend(extension(store, viewer, &facts).await?);
    }

    // The map: districts (or, for a district, its villages) shaded by the index; incidents and alerts on it.
    let level = match info.level {
        Level::Province => Level::Regency,
        Level::Regency => Level::District,
        _ => Level::Village,
    };
    let boundaries = store.boundaries(viewer, region, level).await?;
    let mut areas: Vec<MapArea> = boundaries
        .iter()
        .map(|b| MapArea {
            name: b.name.clone(),
            rings: rings(&b.geometry),
            centroid: children.iter().find(|c| c.code == b.code).and_then(|c| c.centroid).map(|c| (c.lng, c.lat)),
            shade: index_of.get(&b.code).copied(),
            label: true,
        })
        .collect();
    // Where no boundary is stored (a province's regencies), the area is drawn from its centroid.
    for child in &children {
        if !boundaries.iter().any(|b| b.code == child.code) {
            areas.push(MapArea {
                // A province's map names its regencies as maps do: "Jepara", and "Kota Semarang" for the city.
                name: child.name.strip_prefix("Kabupaten ").unwrap_or(&child.name).to_owned(),
                rings: Vec::new(),
                centroid: child.centroid.map(|c| (c.lng, c.lat)),
                shade: index_of.get(&child.code).copied(),
                label: true,
            });
        }
    }
    let mut points: Vec<MapPoint> = reports
        .iter()
        .filter_map(|r| {
            r.location.map(|l| MapPoint { lon: l.lng, lat: l.lat, kind: PointKind::Incident { severity: r.severity } })
        })
        .collect();
    for a in &alerts {
        if let Some(c) = a.villages.first().and_then(|v| v.centroid) {
            points.push(MapPoint { lon: c.lng, lat: c.lat, kind: PointKind::Alert { radius_km: a.radius_km } });
        }
    }
    let map = MapData { title: info.name.clone(), areas, points, legend: MapLegend::new(lang) };

    // The chart: incidents per day by category.
    let days: Vec<Date> = (0..period.days()).filter_map(|i| day.plus_days(i + 1 - period.days())).collect();
    let mut series: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for r in &reports {
        if let Some(d) = sinergi_domain::coordination::meeting::wib_day(r.occurred_at_ms)
            && let Some(i) = days.iter().position(|x| *x == d)
        {
            series.entry(category_label(&r.category)).or_insert_with(|| vec![0; days.len()])[i] += 1;
        }
    }
    let mut series: Vec<(String, Vec<u32>)> = series.into_iter().collect();
    series.sort_by_key(|(_, v)| std::cmp::Reverse(v.iter().sum::<u32>()));
    let chart = DailyChart {
        lang,
        title: t(lang, Msg::SitrepChart),
        days: days.iter().map(|d| day_label(*d)).collect(),
        series,
    };

    let title = t(lang, if period == Period::Day { Msg::SitrepTitleDaily } else { Msg::SitrepTitleWeekly });
    let period_label = match period {
        Period::Day => lang.long_date(day),
        Period::Week => {
            format!("{} – {}", lang.day_month_year(days.first().copied().unwrap_or(day)), lang.day_month_year(day))
        }
    };
    let sitrep = Sitrep {
        lang,
        // The issuing unit's letterhead (the user's own unit); without one, the area's name.
        letterhead: match issuer {
            Some(unit) => Letterhead {
                parent: vec![crate::coordination::documents::official_name(unit.kind.agency()).to_owned()],
                unit: unit.name.to_uppercase(),
                address: unit.contact.address.clone(),
            },
            None => Letterhead { parent: Vec::new(), unit: info.name.to_uppercase(), address: None },
        },
        classification: (classification != Classification::Biasa).then(|| classification.as_str().to_uppercase()),
        number: format!("LAPSIT/{}/{}/{}", region.as_str().replace('.', ""), day.basic(), period.as_str()),
        title,
        area: info.name.clone(),
        period: period_label,
        place_and_date: format!(
            "{}, {}",
            info.name.trim_start_matches("Kabupaten ").trim_start_matches("Kota "),
            lang.day_month_year(day)
        ),
        stage,
        key_figures,
        sections,
        map: Some(map),
        chart: Some(chart),
        signatory: Some(Signatory {
            position: t(lang, Msg::SitrepSignatory),
            name: "(................................)".into(),
            rank: None,
        }),
    };
    Ok(Report { sitrep })
}

/// The unit a report is issued by: the user's own.
pub async fn issuer(store: &dyn Store, unit_code: &str) -> Result<Option<sinergi_domain::Unit>, StoreError> {
    store.unit(&Viewer::system("sitrep"), unit_code).await
}

/// The report as PDF bytes (rendered on the blocking pool).
pub async fn pdf(report: Report) -> Result<Vec<u8>, SitrepError> {
    tokio::task::spawn_blocking(move || sinergi_pdf::coordination::sitrep::sitrep_pdf(&report.sitrep))
        .await
        .map_err(|e| SitrepError::Render(e.to_string()))?
        .map_err(|e| SitrepError::Render(e.to_string()))
}
