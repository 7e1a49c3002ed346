//! `sinergi plan …`: the deployment planner (issue 20, docs/deployment.md). Every command goes through the
//! server's deployment service, as the API does, acting as the command line (an administrator of the whole nation:
//! whoever runs it can read the database file anyway), and every change and every read of a roster is audited as
//! `cli`.
//!
//! Its routing engine is the `sinergi-vrptw` crate; `sinergi plan solve-vrptw FILE.txt --seconds 30 --seed 1` runs
//! it on a file of the public benchmarks, so that anyone can check a figure of docs/benchmarks.md with their own
//! checker: it reads a Solomon or Gehring–Homberger instance and prints the solution in the CVRPLIB solution format
//! (one `Route #k: …` line per vehicle, customers numbered as in the file, then `Cost X`) on standard output, after
//! checking it is feasible (capacity, time windows, every customer once).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use std::io::IsTerminal;
use std::sync::Arc;

use anyhow::Context;
use sinergi_domain::RegionCode;
use sinergi_domain::access::Viewer;
use sinergi_domain::deployment::patrol::clock;
use sinergi_domain::deployment::planner::{PlanDocument, PlanOptionsDraft, Stage};
use sinergi_domain::i18n::Lang;
use sinergi_server::deployment::service::{self, Actor, DeploymentError, PlanRequest};
use sinergi_store::Store;
use sinergi_vrptw::{Params, Problem, check, solve, to_cvrplib};

/// Exit status for input refused: faults in what was given.
const REFUSED: u8 = 2;

#[derive(clap::Subcommand)]
pub enum PlanWhat {
    /// Make a plan for a regency and store it as a draft: requirement, posts, people, patrols, reserves
    Make {
        /// The regency, e.g. 33.20
        #[arg(long)]
        regency: String,
        /// The plan's name; making it again under the same name makes its next version
        #[arg(long)]
        name: String,
        /// Voting day, YYYY-MM-DD (default: the voting day of the calendar in force)
        #[arg(long)]
        day: Option<String>,
        /// Patrol teams of the whole regency, shared among its districts
        #[arg(long, default_value_t = 50)]
        teams: usize,
        /// Reserve teams
        #[arg(long, default_value_t = 5)]
        reserves: usize,
        /// The most two TPS of one post may lie apart, in metres
        #[arg(long, default_value_t = 1000.0)]
        walking_m: f64,
        /// Seconds for all patrol routing together
        #[arg(long, default_value_t = 15)]
        seconds: u64,
        /// A travel-time matrix (CSV or JSON, minutes) over TPS ids (`village/number`) and unit codes
        #[arg(long)]
        matrix: Option<PathBuf>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// The plans, newest first
    List {
        #[arg(long)]
        regency: Option<String>,
    },
    /// A plan's figures, shortfalls and what it could not do
    Show { id: i64 },
    /// Approve a draft (it supersedes the regency's plan approved before)
    Approve { id: i64 },
    /// Two plans side by side: personnel, uncovered TPS, patrol length, worst response time
    Compare { a: i64, b: i64 },
    /// A plan's posts (CSV: one row per TPS) or posts, routes and reserves (GeoJSON)
    Export {
        id: i64,
        /// csv or geojson
        #[arg(long)]
        format: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// The roster (personal data; every read is audited)
    Roster {
        #[command(subcommand)]
        what: RosterWhat,
    },
    /// The security pattern of a regency
    Pattern {
        #[command(subcommand)]
        what: PatternWhat,
    },
    /// Solve a VRPTW instance (Solomon / Gehring–Homberger text format): the solution in CVRPLIB format on
    /// standard output, its cost, vehicles and time on standard error
    SolveVrptw {
        /// The instance file
        file: PathBuf,
        /// Time limit in seconds
        #[arg(long, default_value_t = 30)]
        seconds: u64,
        /// Seed of the search (the same seed and an unreached limit give the same answer)
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(clap::Subcommand)]
pub enum RosterWhat {
    /// Replace the rosters of the units a CSV file or an XLSX workbook (its first sheet) names (columns:
    /// id, name, rank, unit, force, phone, availability); every bad row and column is named and nothing is stored
    /// (exit status 2)
    Import { file: PathBuf },
    /// Write the empty roster workbook officers fill in (XLSX: the columns as the importer reads them, the NRP and
    /// phone columns formatted as text)
    Template {
        #[arg(long)]
        out: PathBuf,
    },
    /// A unit's roster as CSV on standard output
    Show {
        #[arg(long)]
        unit: String,
    },
}

#[derive(clap::Subcommand)]
pub enum PatternWhat {
    /// Check a pattern file: every fault with its line and column (exit status 2)
    Check { file: PathBuf },
    /// Load a regency's own pattern
    Load {
        file: PathBuf,
        #[arg(long)]
        regency: String,
    },
    /// The pattern in force for a regency (its own, or the shipped default)
    Show {
        #[arg(long)]
        regency: String,
    },
}

/// Commands that need no database.
pub fn run_offline(what: &PlanWhat) -> Option<anyhow::Result<ExitCode>> {
    match what {
        PlanWhat::SolveVrptw { file, seconds, seed } => Some(solve_vrptw(file, *seconds, *seed)),
        _ => None,
    }
}

fn actor(viewer: &Viewer) -> Actor<'_> {
    Actor { viewer, name: crate::trust::audit::cli_actor(), origin: "cli" }
}

fn regency(text: &str) -> anyhow::Result<RegionCode> {
    RegionCode::parse(text.trim()).map_err(|e| anyhow::anyhow!("--regency {text}: {}", e.message(Lang::En)))
}

/// Prints what the service refused, one fault a line, and gives the exit status.
fn refused(e: DeploymentError, lang: Lang, file: &str) -> anyhow::Result<ExitCode> {
    if let DeploymentError::Store(e) = e {
        return Err(e.into());
    }
    for line in e.messages(lang, file) {
        eprintln!("{line}");
    }
    Ok(ExitCode::from(REFUSED))
}

/// The command-line flag of an option's field.
fn flag_of(field: &str) -> &str {
    match field {
        "patrol_teams" => "teams",
        "reserve_teams" => "reserves",
        "walking_m" => "walking-m",
        other => other,
    }
}

/// A bar on standard error while the planner runs, only on a terminal.
fn progress_bar() -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(1000);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{wide_bar} {percent:>3}% {elapsed} {msg}") {
        bar.set_style(style);
    }
    bar
}

pub async fn run(store: &dyn Store, what: PlanWhat, lang: Lang) -> anyhow::Result<ExitCode> {
    let viewer = Viewer::system("cli");
    let actor = actor(&viewer);
    match what {
        PlanWhat::SolveVrptw { file, seconds, seed } => solve_vrptw(&file, seconds, seed),
        PlanWhat::Make { regency: r, name, day, teams, reserves, walking_m, seconds, matrix, seed } => {
            let code = regency(&r)?;
            // The same checks as the API and the page's form; the calendar's voting day unless a day is given.
            let day = day.filter(|d| !d.trim().is_empty());
            let default_day = match &day {
                // Never used: a day is given.
                Some(_) => sinergi_domain::coordination::calendar::Date::new(2000, 1, 1).context("a date")?,
                None => match service::voting_day(store, &code).await {
                    Ok(day) => day,
                    Err(e) => return refused(e, lang, "-"),
                },
            };
            let draft = PlanOptionsDraft {
                day,
                patrol_teams: Some(teams.to_string()),
                reserve_teams: Some(reserves.to_string()),
                walking_m: Some(walking_m.to_string()),
                seconds: Some(seconds.to_string()),
            };
            let mut options = match draft.validate(default_day) {
                Ok(options) => options,
                Err(faults) => {
                    for (field, problem) in faults {
                        eprintln!("--{}: {}", flag_of(field), problem.message(lang));
                    }
                    return Ok(ExitCode::from(REFUSED));
                }
            };
            let matrix_text = match &matrix {
                Some(path) => {
                    Some(std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?)
                }
                None => None,
            };
            options.seed = seed;
            let bar = progress_bar();
            let shown = bar.clone();
            let progress: Arc<dyn Fn(Stage) + Send + Sync> = Arc::new(move |stage: Stage| {
                shown.set_position((stage.fraction() * 1000.0) as u64);
                shown.set_message(stage.message(lang));
            });
            let started = Instant::now();
            let request = PlanRequest { regency: &code, name: &name, options, matrix: matrix_text.as_deref() };
            let made = match service::make(store, &actor, request, progress).await {
                Ok(made) => made,
                Err(e) => {
                    bar.finish_and_clear();
                    let file = matrix.as_ref().map_or("-".to_owned(), |p| p.display().to_string());
                    return refused(e, lang, &file);
                }
            };
            bar.finish_and_clear();
            println!("{}", made.id);
            eprintln!("{name} v{} ({:.1} s)", made.version, started.elapsed().as_secs_f64());
            print_summary(&made.document, lang);
            Ok(ExitCode::SUCCESS)
        }
        PlanWhat::List { regency: r } => {
            let code = r.as_deref().map(regency).transpose()?;
            let list = match service::plans(store, &viewer, code.as_ref()).await {
                Ok(list) => list,
                Err(e) => return refused(e, lang, "-"),
            };
            for p in list {
                println!(
                    "{}\t{}\t{}\tv{}\t{}\t{}",
                    p.id,
                    p.regency,
                    p.name,
                    p.version,
                    p.status.label(lang),
                    if p.partial { "partial" } else { "whole" }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        PlanWhat::Show { id } => match service::plan(store, &viewer, id).await {
            Ok(record) => {
                let h = &record.head;
                println!("{} v{} ({}), {}", h.name, h.version, h.status.label(lang), h.regency);
                print_summary(&record.document, lang);
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => refused(e, lang, "-"),
        },
        PlanWhat::Approve { id } => match service::approve(store, &actor, id).await {
            Ok(head) => {
                println!("{} v{}: {}", head.name, head.version, head.status.label(lang));
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => refused(e, lang, "-"),
        },
        PlanWhat::Compare { a, b } => {
            let (a, b) = match (service::plan(store, &viewer, a).await, service::plan(store, &viewer, b).await) {
                (Ok(a), Ok(b)) => (a, b),
                (Err(e), _) | (_, Err(e)) => return refused(e, lang, "-"),
            };
            for row in service::compare(&a, &b, lang) {
                println!("{}\t{}\t{}", row.label, row.a, row.b);
            }
            Ok(ExitCode::SUCCESS)
        }
        PlanWhat::Export { id, format, out } => {
            let record = match service::plan(store, &viewer, id).await {
                Ok(r) => r,
                Err(e) => return refused(e, lang, "-"),
            };
            let text = match format.as_str() {
                "csv" => service::posts_csv(&record.document),
                "geojson" => service::geojson(&record.document).to_string(),
                other => anyhow::bail!("--format {other}: csv or geojson"),
            };
            std::fs::write(&out, text).with_context(|| format!("cannot write {}", out.display()))?;
            Ok(ExitCode::SUCCESS)
        }
        PlanWhat::Roster { what: RosterWhat::Import { file } } => {
            let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            match service::import_roster(store, &actor, &bytes).await {
                Ok(done) => {
                    for (unit, n) in &done.units {
                        println!("{unit}\t{n}");
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => refused(e, lang, &file.display().to_string()),
            }
        }
        PlanWhat::Roster { what: RosterWhat::Template { out } } => {
            std::fs::write(&out, service::roster_template())
                .with_context(|| format!("cannot write {}", out.display()))?;
            Ok(ExitCode::SUCCESS)
        }
        PlanWhat::Roster { what: RosterWhat::Show { unit } } => match service::roster(store, &actor, &unit).await {
            Ok((_, people)) => {
                print!("{}", service::roster_csv(&people));
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => refused(e, lang, "-"),
        },
        PlanWhat::Pattern { what: PatternWhat::Check { file } } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            match service::check_pattern(store, &text).await {
                Ok(p) => {
                    println!("{} {}: {} rules", p.id, p.version, p.rules.len());
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => refused(e, lang, &file.display().to_string()),
            }
        }
        PlanWhat::Pattern { what: PatternWhat::Load { file, regency: r } } => {
            let code = regency(&r)?;
            let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            match service::set_pattern(store, &actor, &code, &text).await {
                Ok(p) => {
                    println!("{} {}: {} rules, in force for {code}", p.id, p.version, p.rules.len());
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => refused(e, lang, &file.display().to_string()),
            }
        }
        PlanWhat::Pattern { what: PatternWhat::Show { regency: r } } => {
            let code = regency(&r)?;
            match service::pattern_of(store, &code).await {
                Ok((pattern, own)) => {
                    match own {
                        Some(own) => print!("{}", own.definition),
                        None => print!("{}", sinergi_domain::deployment::pattern::DEFAULT_TOML),
                    }
                    eprintln!("{} {}", pattern.id, pattern.version);
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => refused(e, lang, "-"),
            }
        }
    }
}

/// The figures of a plan on standard error, and what it could not do.
fn print_summary(doc: &PlanDocument, lang: Lang) {
    let s = &doc.summary;
    eprintln!(
        "{} TPS, {} posts; people needed {} (Polri {}, TNI {}, Linmas {}), assigned {}, short {}; {} TPS uncovered",
        s.tps,
        s.posts,
        s.need.total(),
        s.need.polri,
        s.need.tni,
        s.need.linmas,
        s.assigned.total(),
        s.short.total(),
        s.uncovered_tps
    );
    eprintln!(
        "patrols: {} teams, {:.0} min of travel, {} TPS not patrolled; reserves: {} teams, worst response {}",
        s.patrol_teams,
        s.patrol_minutes,
        s.unpatrolled_tps,
        s.reserve_teams,
        s.worst_response_minutes.map_or("-".to_owned(), |m| format!("{m:.0} min"))
    );
    if s.bko.total() > 0 {
        eprintln!("BKO: Polri {}, TNI {}, Linmas {}", s.bko.polri, s.bko.tni, s.bko.linmas);
    }
    if let Some(r) = &doc.reserves {
        eprintln!(
            "reserves: worst response {:.0} min, proven lower bound {:.0} min{}",
            r.worst_minutes,
            r.lower_minutes,
            if r.lower_minutes >= r.worst_minutes - 1e-9 { " (optimal)" } else { "" }
        );
        for (_, name, _) in &r.bases {
            eprintln!("reserve: {name}");
        }
    }
    let day = doc.day();
    for gap in doc.gaps.iter().take(20) {
        if let Some(day) = day {
            eprintln!("{}", gap.message(lang, day));
        }
    }
    if doc.gaps.len() > 20 {
        eprintln!("… {} more", doc.gaps.len() - 20);
    }
    for notice in doc.notices.iter().take(20) {
        eprintln!("{}", notice.message(lang));
    }
    if let Some(first) = doc.routes.first() {
        eprintln!("first patrol leaves {} and is back {}", clock(first.leave_depot), clock(first.back));
    }
    eprintln!("{}", if s.partial { "PARTIAL plan" } else { "whole plan" });
}

fn solve_vrptw(file: &Path, seconds: u64, seed: u64) -> anyhow::Result<ExitCode> {
    if seconds == 0 {
        anyhow::bail!("--seconds: give at least 1");
    }
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let problem = Problem::from_solomon(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let params = Params { time_limit: Duration::from_secs(seconds), seed, ..Params::default() };
    let started = Instant::now();
    let solution = solve(&problem, &params).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    // Never print a solution the independent checker refuses.
    let cost =
        check(&problem, &solution).map_err(|e| anyhow::anyhow!("{}: infeasible solution: {e}", file.display()))?;
    print!("{}", to_cvrplib(&solution));
    eprintln!(
        "{}: cost {cost:.2}, {} vehicles, {:.1} s, seed {seed}",
        problem.name(),
        solution.num_vehicles_used(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
