//! `sinergi scan`: the early warning scan (docs/scan.md) over a cases file, with the zones from a file or, without
//! `--zones`, the villages of the cases' regencies from the database. Writes the clusters as JSON.

use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use sinergi_domain::access::Viewer;
use sinergi_domain::early_warning::files::{self, CaseRow, InputIssue, InputProblem};
use sinergi_domain::early_warning::{Cluster, Day, Period, ScanError, ScanOutcome, ScanParams, Zone};
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::region::{Level, RegionCode};
use sinergi_store::Store;

/// Exit status for input the scan refuses: bad rows, parameters out of range, a study period without cases.
const REFUSED: u8 = 2;

#[derive(clap::Args, Debug)]
pub struct ScanArgs {
    /// Cases (CSV: id,village_code,lat,lng,day; day is the event's local date, YYYY-MM-DD)
    #[arg(long)]
    pub cases: PathBuf,
    /// Zones (CSV: village_code,lat,lng) [default: the villages of the cases' regencies, from the database]
    #[arg(long)]
    pub zones: Option<PathBuf>,
    /// First day of the study period (YYYY-MM-DD)
    #[arg(long)]
    pub start: String,
    /// Last day of the study period (YYYY-MM-DD); every window ends on it
    #[arg(long)]
    pub end: String,
    /// A circle grows while its radius is at most this many km
    #[arg(long, allow_negative_numbers = true, default_value_t = 10.0)]
    pub max_radius_km: f64,
    /// ... and while it holds at most this share of the period's cases (more than 0, at most 0.5)
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.5)]
    pub max_fraction: f64,
    /// Windows are the last 1 to this many days of the period
    #[arg(long, default_value_t = 7)]
    pub max_days: u32,
    /// A cylinder with fewer cases than this is never a cluster
    #[arg(long, default_value_t = 2)]
    pub min_cases: u64,
    /// Monte Carlo replications for the p-values
    #[arg(long, default_value_t = 999)]
    pub replications: u32,
    /// Seed of the replications' permutations: the same seed gives the same output
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output file [default: standard output]
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Runs the scan. `database` is only opened when the zones come from it.
pub async fn run(args: ScanArgs, database: &str, lang: Lang) -> anyhow::Result<ExitCode> {
    let params = ScanParams {
        max_radius_km: args.max_radius_km,
        max_fraction: args.max_fraction,
        max_days: args.max_days,
        min_cases: args.min_cases,
        replications: args.replications,
        seed: args.seed,
    };
    // The parameters first: a typo in an option should not wait for a large file to be read.
    let (Some(start), Some(end)) = (day("start", &args.start, lang), day("end", &args.end, lang)) else {
        return Ok(ExitCode::from(REFUSED));
    };
    let period = Period { start, end };
    let cases_name = args.cases.display().to_string();
    if let Err(e) = params.validate() {
        return Ok(refuse(&e, &cases_name, lang));
    }
    if start > end {
        return Ok(refuse(&ScanError::PeriodReversed { start, end }, &cases_name, lang));
    }

    let input = std::fs::File::open(&args.cases).with_context(|| format!("cannot open {cases_name}"))?;
    let (rows, case_issues) = files::read_cases(std::io::BufReader::new(input));
    let (zones, zone_issues, zones_name) = match &args.zones {
        Some(path) => {
            let input = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
            let (rows, issues) = files::read_zones(std::io::BufReader::new(input));
            (rows.into_iter().map(|r| r.zone).collect(), issues, path.display().to_string())
        }
        None => {
            let store = sinergi_store::connect(database).await?;
            let (zones, issues) = zones_of_regencies(&*store, &rows).await?;
            (zones, issues, sinergi_store::redact(database))
        }
    };
    // Every problem of both files at once, each file's in line order, so that one pass fixes them all.
    let (cases, unknown) = match files::match_cases(&rows, &zones, args.zones.is_none()) {
        Ok(cases) => (cases, Vec::new()),
        Err(unknown) => (Vec::new(), unknown),
    };
    // A village of the database without coordinates is reported once, as such, not again for each of its cases.
    let placeless: BTreeSet<String> = zone_issues
        .iter()
        .filter_map(|i| match &i.problem {
            InputProblem::NoCoordinatesInDatabase(code) => Some(code.clone()),
            _ => None,
        })
        .collect();
    let mut case_issues = case_issues;
    case_issues.extend(unknown.into_iter().filter(|issue| match &issue.problem {
        InputProblem::UnknownVillage { code, .. } => !placeless.contains(code),
        _ => true,
    }));
    case_issues.sort_by_key(|issue| issue.line);
    let mut problems = 0;
    for (issues, name) in [(&zone_issues, &zones_name), (&case_issues, &cases_name)] {
        for issue in issues {
            eprintln!("{}", issue.render(name, lang));
        }
        problems += issues.len();
    }
    if problems > 0 {
        eprintln!("{}", lang.format(Msg::ScanRejected, &[("count", &problems)]));
        return Ok(ExitCode::from(REFUSED));
    }

    let began = Instant::now();
    let bar = progress_bar(params.replications, lang);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (zones, outcome) = {
        let (bar, params) = (bar.clone(), params.clone());
        // The scan keeps every core busy for a while: off the async runtime's threads.
        tokio::task::spawn_blocking(move || {
            let outcome = sinergi_domain::early_warning::scan(&zones, &cases, period, &params, threads, &|| bar.inc(1));
            (zones, outcome)
        })
        .await?
    };
    bar.finish_and_clear();
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(e) => return Ok(refuse(&e, &cases_name, lang)),
    };

    let json = to_json(&outcome, &zones, &params, period);
    let mut bytes = serde_json::to_vec_pretty(&json)?;
    bytes.push(b'\n');
    match &args.out {
        Some(path) => std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?,
        None => std::io::stdout().lock().write_all(&bytes)?,
    }
    eprintln!("{}", summary(&outcome, &zones, began.elapsed().as_secs_f64(), params.min_cases, lang));
    Ok(ExitCode::SUCCESS)
}

/// The date of `--start` or `--end`, or `None` after saying what is wrong with it.
fn day(option: &str, text: &str, lang: Lang) -> Option<Day> {
    let day = Day::parse(text.trim());
    if day.is_none() {
        eprintln!("--{option}: {}", lang.format(Msg::ScanBadDay, &[("value", &text)]));
    }
    day
}

/// Prints why the scan cannot run: `--option: reason` for a parameter, `CASES: reason` for the study.
fn refuse(error: &ScanError, cases: &str, lang: Lang) -> ExitCode {
    match error {
        ScanError::Parameter { name, .. } => eprintln!("--{name}: {}", error.message(lang)),
        ScanError::TooFewCases { .. } => eprintln!("{cases}: {} (--min-cases)", error.message(lang)),
        _ => eprintln!("{cases}: {}", error.message(lang)),
    }
    ExitCode::from(REFUSED)
}

/// The villages of every regency that holds a case's village, from the database, in code order; a problem for
/// each village without coordinates.
async fn zones_of_regencies(store: &dyn Store, rows: &[CaseRow]) -> anyhow::Result<(Vec<Zone>, Vec<InputIssue>)> {
    // The command line reads the whole database (whoever runs it can read the file anyway).
    let viewer = Viewer::system("cli");
    let regencies: BTreeSet<RegionCode> = rows.iter().filter_map(|r| r.village.at_level(Level::Regency)).collect();
    let (mut zones, mut issues) = (Vec::new(), Vec::new());
    for regency in &regencies {
        for district in store.children(&viewer, Some(regency)).await? {
            for village in store.children(&viewer, Some(&district.code)).await? {
                if village.level != Level::Village {
                    continue;
                }
                match village.centroid {
                    Some(centroid) if centroid.is_finite() => zones.push(Zone { code: village.code, centroid }),
                    _ => issues.push(InputIssue {
                        line: None,
                        column: None,
                        problem: InputProblem::NoCoordinatesInDatabase(village.code.to_string()),
                    }),
                }
            }
        }
    }
    Ok((zones, issues))
}

/// A bar on standard error while the replications run, only when it is a terminal (never in a pipe or a log).
fn progress_bar(replications: u32, lang: Lang) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(u64::from(replications));
    if let Ok(style) = indicatif::ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len} ({eta})") {
        bar.set_style(style);
    }
    bar.set_message(lang.t(Msg::ScanProgress));
    bar
}

/// The JSON written, as structs so that the fields keep this order (a map would sort them).
#[derive(serde::Serialize)]
struct Output<'a> {
    parameters: Parameters,
    zones: usize,
    cases_used: u64,
    cases_left_out: u64,
    most_likely_cluster: Option<ClusterJson<'a>>,
    secondary_clusters: Vec<ClusterJson<'a>>,
}

#[derive(serde::Serialize)]
struct Parameters {
    start: String,
    end: String,
    max_radius_km: f64,
    max_fraction: f64,
    max_days: u32,
    min_cases: u64,
    replications: u32,
    seed: u64,
}

#[derive(serde::Serialize)]
struct ClusterJson<'a> {
    center_zone: &'a str,
    radius_km: f64,
    zone_codes: Vec<&'a str>,
    start_day: String,
    end_day: String,
    observed: u64,
    expected: f64,
    llr: f64,
    p_value: f64,
    gumbel_p_value: Option<f64>,
}

fn to_json<'a>(outcome: &ScanOutcome, zones: &'a [Zone], params: &ScanParams, period: Period) -> Output<'a> {
    let cluster = |c: &Cluster| ClusterJson {
        center_zone: zones[c.center].code.as_str(),
        radius_km: c.radius_km,
        zone_codes: c.zones.iter().map(|&z| zones[z].code.as_str()).collect(),
        start_day: c.start_day.to_string(),
        end_day: c.end_day.to_string(),
        observed: c.observed,
        expected: c.expected,
        llr: c.llr,
        p_value: c.p_value,
        gumbel_p_value: c.gumbel_p_value,
    };
    Output {
        parameters: Parameters {
            start: period.start.to_string(),
            end: period.end.to_string(),
            max_radius_km: params.max_radius_km,
            max_fraction: params.max_fraction,
            max_days: params.max_days,
            min_cases: params.min_cases,
            replications: params.replications,
            seed: params.seed,
        },
        zones: zones.len(),
        cases_used: outcome.cases_used,
        cases_left_out: outcome.cases_left_out,
        most_likely_cluster: outcome.most_likely().map(cluster),
        secondary_clusters: outcome.secondary().iter().map(cluster).collect(),
    }
}

fn summary(outcome: &ScanOutcome, zones: &[Zone], seconds: f64, min_cases: u64, lang: Lang) -> String {
    let Some(best) = outcome.most_likely() else {
        return lang.format(Msg::ScanNoCluster, &[("min", &min_cases)]);
    };
    lang.format(
        Msg::ScanFound,
        &[
            ("used", &lang.number(outcome.cases_used)),
            ("left", &lang.number(outcome.cases_left_out)),
            ("seconds", &lang.decimal(seconds, 1)),
            ("zones", &best.zones.len()),
            ("center", &zones[best.center].code),
            ("start", &best.start_day),
            ("end", &best.end_day),
            ("observed", &best.observed),
            ("expected", &lang.decimal(best.expected, 1)),
            ("p", &lang.decimal(best.p_value, places(best.p_value))),
            ("secondary", &outcome.secondary().len()),
        ],
    )
}

/// Decimal places that show a p-value's first two significant digits below 0.001 (1/2999 is 0.00033, not 0.000),
/// and three otherwise.
fn places(p: f64) -> usize {
    if p > 0.0 && p < 0.001 { (-p.log10()).ceil() as usize + 1 } else { 3 }
}
