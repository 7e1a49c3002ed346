//! `sinergi`: the one binary. Imports and exports the registry, seeds the demo, and serves the web UI and API.
//!
//! The database is chosen by URL on every subcommand (`--database` or `SINERGI_DATABASE_URL`): `sqlite://PATH`
//! (the default, created on first use) or `postgres://…`.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_server::ServerConfig;

use sinergi_cli::incident::taxonomy;
use sinergi_cli::registry::{export, import};
use sinergi_cli::trust::{audit, token, user};
use sinergi_cli::{coordination, demo, deployment, early_warning, vulnerability};

/// Every request allocates and frees dozens of small buffers on two busy threads; mimalloc's per-thread pages
/// serve those more cheaply than glibc's arenas.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "sinergi", version, about = "Sinergi: cross-sector coordination of election security")]
struct Cli {
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB [default: sqlite://sinergi.db; for `demo`,
    /// sqlite://sinergi-demo.db]
    #[arg(long, global = true, env = "SINERGI_DATABASE_URL")]
    database: Option<String>,
    /// Language of messages: id (Bahasa Indonesia) or en
    #[arg(long, global = true, env = "SINERGI_LANG", default_value = "id", value_parser = parse_lang)]
    lang: Lang,
    #[command(subcommand)]
    command: Command,
}

fn parse_lang(text: &str) -> Result<Lang, String> {
    Lang::parse(text).ok_or_else(|| format!("unknown language `{text}`: use id or en"))
}

#[derive(Subcommand)]
enum Command {
    /// Import regions, boundaries or TPS. Nothing is written if any row is bad, unless --skip-invalid.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Export data
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Create (or refresh) the demo database and serve it on http://127.0.0.1:8080
    Demo {
        /// Directory with wilayah.csv, population.csv and boundaries/ [default: $SINERGI_DATA_DIR or ../shared/data]
        #[arg(long, env = "SINERGI_DATA_DIR")]
        data: Option<PathBuf>,
        /// Only create the database; do not serve it
        #[arg(long)]
        no_serve: bool,
        /// Also fill every regency of this province (a code such as 33) with synthetic TPS, units, assessments and
        /// reports at the demo's density: a province-wide picture, and the province benchmark of the situation
        /// report (Jawa Tengah has 35 regencies, about 70,000 TPS; a few minutes)
        #[arg(long, value_name = "CODE")]
        province: Option<String>,
        #[command(flatten)]
        serve: ServeArgs,
    },
    /// Serve the web UI and API
    Serve {
        #[command(flatten)]
        serve: ServeArgs,
    },
    /// Manage accounts (the first administrator: `sinergi user add NAME --admin --unit CODE`)
    User {
        #[command(subcommand)]
        what: UserWhat,
    },
    /// Check or export the tamper-evident audit log
    Audit {
        #[command(subcommand)]
        what: AuditWhat,
    },
    /// API tokens for machine clients (SMS gateways, scripts): create, list, revoke
    Token {
        #[command(subcommand)]
        what: TokenWhat,
    },
    /// Indicator sets of the vulnerability mapping: load a TOML file, list the loaded sets
    IndicatorSet {
        #[command(subcommand)]
        what: SetWhat,
    },
    /// Classify every stored assessment of a set again, under its rules as loaded now
    Reclassify {
        /// The set's id, e.g. bawaslu-pilkada-2024
        #[arg(long = "set")]
        set: String,
    },
    /// Who may read which classification (biasa, terbatas, rahasia), per role and agency
    Clearance {
        #[command(subcommand)]
        what: ClearanceWhat,
    },
    /// Early warning scan: clusters of reports in space and time, with p-values, as JSON (docs/scan.md)
    Scan(early_warning::ScanArgs),
    /// The report taxonomy (categories, routing rules, time limits): check a TOML file, or load it as the new
    /// version in force (docs/incidents.md)
    Taxonomy {
        #[command(subcommand)]
        what: TaxonomyWhat,
    },
    /// Coordination meetings (rakor): list, convene, their PDF documents, action items (docs/coordination.md)
    Meeting {
        #[command(subcommand)]
        what: coordination::MeetingWhat,
    },
    /// The election calendar per region: show, export as iCalendar, check, load (docs/coordination.md)
    Calendar {
        #[command(subcommand)]
        what: coordination::CalendarWhat,
    },
    /// Reports: the situation report of an area (docs/coordination.md)
    Report {
        #[command(subcommand)]
        what: coordination::ReportWhat,
    },
    /// Deployment planning (issue 20): plans, rosters, patterns, and the routing engine on a benchmark file
    Plan {
        #[command(subcommand)]
        what: deployment::PlanWhat,
    },
}

#[derive(Subcommand)]
enum TaxonomyWhat {
    /// Check a taxonomy file: every fault with its place (exit status 2), nothing stored
    Check { file: PathBuf },
    /// Check a taxonomy file and store it as the newest version; running servers put it in force within seconds.
    /// Refused when it drops a category that stored reports use
    Load {
        file: PathBuf,
        /// Why the rules change (kept with the version and in the audit log)
        #[arg(long)]
        reason: String,
        /// Who loaded it, as the version history shows [default: the user running the command]
        #[arg(long)]
        by: Option<String>,
    },
}

#[derive(Subcommand)]
enum SetWhat {
    /// Check a set file and load it (a new version replaces the old; stored assessments keep their answers)
    Load { file: PathBuf },
    /// List the loaded sets
    List,
}

#[derive(Subcommand)]
enum TokenWhat {
    /// Create a token for an account; it is printed once on standard output
    Create {
        username: String,
        /// What the token is for, e.g. "SMS gateway"
        #[arg(long)]
        name: String,
        /// Limit the token to a region inside the account's scope
        #[arg(long)]
        region: Option<String>,
        /// Limit the token to reading
        #[arg(long)]
        read_only: bool,
        /// Days until it expires (1 to 3650)
        #[arg(long, default_value_t = sinergi_server::trust::tokens::DEFAULT_DAYS)]
        days: u32,
    },
    /// List tokens (never their secrets)
    List {
        /// Only this account's
        #[arg(long)]
        user: Option<String>,
    },
    /// Revoke a token by its id; it stops working at once
    Revoke { id: String },
}

#[derive(Subcommand)]
enum ClearanceWhat {
    /// Show what each role (and agency, where a rule says so) may read
    List,
    /// Set what a role (of one agency, with --agency) may read: biasa, terbatas or rahasia
    Set {
        role: String,
        level: String,
        #[arg(long)]
        agency: Option<String>,
    },
    /// Remove a rule, so the default applies again
    Remove {
        role: String,
        #[arg(long)]
        agency: Option<String>,
    },
}

#[derive(Subcommand)]
enum UserWhat {
    /// Create an account. The password is asked on the terminal, or read from standard input with
    /// --password-stdin (at least 12 characters)
    Add {
        username: String,
        /// The unit the user belongs to, by its code (e.g. polres-33.20); its territory is the user's scope
        #[arg(long)]
        unit: String,
        /// administrator, commander, operator, field_reporter, observer or external
        #[arg(long)]
        role: Option<String>,
        /// Shorthand for --role administrator
        #[arg(long)]
        admin: bool,
        /// Full name as shown in the UI
        #[arg(long)]
        name: Option<String>,
        /// Scope the user to the whole nation instead of the unit's territory
        #[arg(long)]
        national: bool,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts
    List,
    /// Disable an account and end its sessions
    Disable { username: String },
    /// Enable a disabled account
    Enable { username: String },
    /// Lift the sign-in lock that failed attempts put on a username
    Unlock { username: String },
    /// Give an account its phone number, so that its SMS reports are filed as it (docs/sms.md)
    Phone {
        username: String,
        /// e.g. 0812-3456-7890 or +6281234567890
        #[arg(required_unless_present = "remove")]
        phone: Option<String>,
        /// Remove the account's numbers instead
        #[arg(long, conflicts_with = "phone")]
        remove: bool,
    },
    /// Replace a password and end the account's sessions
    ResetPassword {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum AuditWhat {
    /// Check the hash chain; names the first broken entry (exit status 3)
    Verify,
    /// Write every entry as JSON lines (or CSV); entries beyond the head too, with exit status 3
    Export {
        /// Output file [default: standard output]
        #[arg(long)]
        out: Option<PathBuf>,
        /// `jsonl` (default) or `csv` (cells safe to open in a spreadsheet)
        #[arg(long, default_value = "jsonl", value_parser = ["jsonl", "csv"])]
        format: String,
    },
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on
    #[arg(long, env = "SINERGI_BIND", default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Port to listen on
    #[arg(long, env = "SINERGI_PORT", default_value_t = 8080)]
    port: u16,
    /// Base-map tile URL template (e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png); off by default so the
    /// map works offline
    #[arg(long, env = "SINERGI_TILE_URL")]
    tile_url: Option<String>,
    /// Attribution text the tile server requires
    #[arg(long, env = "SINERGI_TILE_ATTRIBUTION")]
    tile_attribution: Option<String>,
    /// A session ends after this many minutes without a request
    #[arg(long, env = "SINERGI_SESSION_IDLE_MINUTES", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=1440))]
    session_idle_minutes: u64,
    /// A session ends this many hours after login
    #[arg(long, env = "SINERGI_SESSION_HOURS", default_value_t = 12, value_parser = clap::value_parser!(u64).range(1..=168))]
    session_hours: u64,
    /// Mark the session cookie Secure (set this when a TLS proxy does not send X-Forwarded-Proto)
    #[arg(long, env = "SINERGI_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Address of the reverse proxy in front of the server: its requests count as coming from the last
    /// address in their X-Forwarded-For (audit log, sign-in throttle)
    #[arg(long, env = "SINERGI_TRUSTED_PROXY")]
    trusted_proxy: Option<IpAddr>,
    /// Run the early warning scan of every regency with reports this often, in minutes (0: only on demand);
    /// several instances on one database run each scheduled scan once
    #[arg(long, env = "SINERGI_SCAN_EVERY_MINUTES", default_value_t = 60, value_parser = clap::value_parser!(u64).range(0..=10080))]
    scan_every_minutes: u64,
    /// The largest file a meeting takes (a briefing's slides, an action item's evidence), in MiB (at most 64)
    #[arg(long, env = "SINERGI_ATTACHMENT_MAX_MIB", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=64))]
    attachment_max_mib: u64,
}

#[derive(Subcommand)]
enum ImportWhat {
    /// The Kemendagri region list (CSV: code,name,level,parent,lat,lng), e.g. ../shared/data/wilayah.csv
    Regions {
        file: PathBuf,
        /// Write the good rows and list the bad ones instead of writing nothing
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Region boundaries (GeoJSON FeatureCollection with a `code` property per feature)
    Boundaries {
        file: PathBuf,
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Agency units (CSV: code,kind,name,territory,parent,phone,email,address,personnel; see docs/formats.md)
    Units {
        file: PathBuf,
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Polling stations (CSV: village_code,number,address,lat,lng,voters,access; see docs/formats.md)
    Tps {
        file: PathBuf,
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Assessments of TPS for one indicator set (CSV: village_code,tps_number,agency,assessor,assessed_at,
    /// evidence and one column per indicator; see docs/vulnerability.md)
    Assessments {
        file: PathBuf,
        /// The indicator set answered, e.g. bawaslu-pilkada-2024
        #[arg(long = "set")]
        set: String,
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Assessments of villages and districts against a set's area indicators (CSV: region_code,agency,assessor,
    /// assessed_at,evidence and one column per area indicator; see docs/vulnerability.md)
    AreaAssessments {
        file: PathBuf,
        /// The indicator set answered, e.g. bawaslu-pilkada-2024
        #[arg(long = "set")]
        set: String,
        #[arg(long)]
        skip_invalid: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Csv,
    Geojson,
}

#[derive(Subcommand)]
enum ExportWhat {
    /// TPS inside a region, as CSV (re-importable) or GeoJSON
    Tps {
        /// Region code (province, regency, district or village)
        #[arg(long)]
        region: String,
        /// Output format [default: from the --out extension, else csv]
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Output file [default: standard output]
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=error,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("sinergi: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let lang = cli.lang;
    let database = |default: &str| cli.database.clone().unwrap_or_else(|| default.to_owned());
    match cli.command {
        Command::Import { what } => {
            let store = sinergi_store::connect(&database("sqlite://sinergi.db")).await?;
            let outcome = match what {
                ImportWhat::Regions { file, skip_invalid } => {
                    import::regions(&*store, &file, skip_invalid, lang).await?
                }
                ImportWhat::Boundaries { file, skip_invalid } => {
                    import::boundaries(&*store, &file, skip_invalid, lang).await?
                }
                ImportWhat::Tps { file, skip_invalid } => import::tps(&*store, &file, skip_invalid, lang).await?,
                ImportWhat::Units { file, skip_invalid } => import::units(&*store, &file, skip_invalid, lang).await?,
                ImportWhat::Assessments { file, set, skip_invalid } => {
                    vulnerability::import_assessments(&*store, &file, &set, skip_invalid, lang).await?
                }
                ImportWhat::AreaAssessments { file, set, skip_invalid } => {
                    vulnerability::import_area_assessments(&*store, &file, &set, skip_invalid, lang).await?
                }
            };
            Ok(outcome)
        }
        Command::Export { what: ExportWhat::Tps { region, format, out } } => {
            let store = sinergi_store::connect(&database("sqlite://sinergi.db")).await?;
            let format = format.unwrap_or(match out.as_ref().and_then(|p| p.extension()).and_then(|e| e.to_str()) {
                Some("geojson" | "json") => Format::Geojson,
                _ => Format::Csv,
            });
            export::tps(&*store, &region, matches!(format, Format::Geojson), out.as_deref(), lang).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo { data, no_serve, province, serve } => {
            let url = database("sqlite://sinergi-demo.db");
            let data = data.unwrap_or_else(|| PathBuf::from("../shared/data"));
            let province = match province {
                Some(code) => Some(
                    sinergi_domain::RegionCode::parse(&code).map_err(|e| anyhow::anyhow!("--province {code}: {e}"))?,
                ),
                None => None,
            };
            let store = sinergi_store::connect(&url).await?;
            demo::seed(&*store, &data, lang, province.as_ref()).await?;
            if no_serve {
                return Ok(ExitCode::SUCCESS);
            }
            serve_until_stopped(store, serve, lang).await
        }
        Command::Serve { serve } => {
            let store = sinergi_store::connect(&database("sqlite://sinergi.db")).await?;
            serve_until_stopped(store, serve, lang).await
        }
        Command::User { what } => {
            let store = sinergi_store::connect(&database("sqlite://sinergi.db")).await?;
            match what {
                UserWhat::Add { username, unit, role, admin, name, national, password_stdin } => {
                    let args = user::AddArgs { username, unit, role, admin, name, national, password_stdin };
                    user::add(&*store, args, lang).await?
                }
                UserWhat::List => user::list(&*store).await?,
                UserWhat::Disable { username } => user::set_disabled(&*store, &username, true, lang).await?,
                UserWhat::Enable { username } => user::set_disabled(&*store, &username, false, lang).await?,
                UserWhat::Unlock { username } => user::unlock(&*store, &username, lang).await?,
                UserWhat::Phone { username, phone, remove: _ } => {
                    user::set_phone(&*store, &username, phone.as_deref(), lang).await?
                }
                UserWhat::ResetPassword { username, password_stdin } => {
                    user::reset_password(&*store, &username, password_stdin, lang).await?
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Token { what } => {
            let store = sinergi_store::connect(&database("sqlite://sinergi.db")).await?;
            match what {
                TokenWhat::Create { username, name, region, read_only, days } => {
                    token::create(&*store, token::CreateArgs { username, name, region, read_only, days }, lang).await?
                }
                TokenWhat::List { user } => token::list(&*store, user.as_deref(), lang).await?,
                TokenWhat::Revoke { id } => token::revoke(&*store, &id, lang).await?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::IndicatorSet { what } => {
            let store = sinergi_store::connect(&database("sqlite://sinergi.db")).await?;
            match what {
                SetWhat::Load { file } => vulnerability::load(&*store, &file, lang).await,
                SetWhat::List => {
                    vulnerability::list(&*store, lang).await?;
                    Ok(ExitCode::SUCCESS)
                }
            }
        }
        Command::Reclassify { set } => {
            let store = sinergi_store::connect(&database("sqlite://sinergi.db")).await?;
            vulnerability::reclassify(&*store, &set, lang).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Clearance { what } => {
            let store = sinergi_store::connect(&database("sqlite://sinergi.db")).await?;
            match what {
                ClearanceWhat::List => token::clearance_list(&*store, lang).await?,
                ClearanceWhat::Set { role, level, agency } => {
                    token::clearance_set(&*store, &role, agency.as_deref(), &level, lang).await?
                }
                ClearanceWhat::Remove { role, agency } => {
                    token::clearance_remove(&*store, &role, agency.as_deref(), lang).await?
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Scan(args) => early_warning::run(args, &database("sqlite://sinergi.db"), lang).await,
        Command::Taxonomy { what: TaxonomyWhat::Check { file } } => taxonomy::check(&file, lang),
        Command::Taxonomy { what: TaxonomyWhat::Load { file, reason, by } } => {
            let store = sinergi_store::connect(&database("sqlite://sinergi.db")).await?;
            taxonomy::load(&*store, &file, &reason, by.as_deref(), lang).await
        }
        Command::Plan { what } => match deployment::run_offline(&what) {
            Some(done) => done,
            None => {
                let store = sinergi_store::connect(&database("sqlite://sinergi.db")).await?;
                deployment::run(&*store, what, lang).await
            }
        },
        Command::Meeting { what } => {
            let store = sinergi_store::connect(&database("sqlite://sinergi.db")).await?;
            coordination::meeting(&*store, what, lang).await
        }
        Command::Report { what } => {
            let store = sinergi_store::connect(&database("sqlite://sinergi.db")).await?;
            coordination::report(&*store, what, lang).await
        }
        Command::Calendar { what } => coordination::calendar(&database("sqlite://sinergi.db"), what, lang).await,
        Command::Audit { what } => {
            let store = sinergi_store::connect(&database("sqlite://sinergi.db")).await?;
            match what {
                AuditWhat::Verify => audit::verify(&*store).await,
                AuditWhat::Export { out, format } => audit::export(&*store, out.as_deref(), format == "csv").await,
            }
        }
    }
}

async fn serve_until_stopped(
    store: std::sync::Arc<dyn sinergi_store::Store>,
    args: ServeArgs,
    lang: Lang,
) -> anyhow::Result<ExitCode> {
    // The demo's accounts have a published password: its database stays on this machine.
    if !args.bind.is_loopback() && demo::is_demo(&*store).await? {
        anyhow::bail!("{}", lang.t(Msg::DemoLoopbackOnly));
    }
    let config = ServerConfig {
        tile_url: args.tile_url,
        tile_attribution: args.tile_attribution,
        session_idle: std::time::Duration::from_secs(args.session_idle_minutes * 60),
        session_absolute: std::time::Duration::from_secs(args.session_hours * 3600),
        secure_cookies: args.secure_cookies,
        trusted_proxy: args.trusted_proxy,
        early_warning: sinergi_server::early_warning::EarlyWarningConfig {
            every: std::time::Duration::from_secs(args.scan_every_minutes * 60),
            ..Default::default()
        },
        attachment_max_bytes: args.attachment_max_mib * 1024 * 1024,
        ..ServerConfig::default()
    };
    let addr = SocketAddr::new(args.bind, args.port);
    sinergi_server::serve(store, config, addr, |local| {
        let host = if local.ip().is_unspecified() { "127.0.0.1".to_owned() } else { local.ip().to_string() };
        let url = format!("http://{host}:{}", local.port());
        println!("{}", lang.format(Msg::CliServing, &[("url", &url)]));
    })
    .await
    .map_err(|e| anyhow::anyhow!("cannot serve on {addr}: {e}"))?;
    Ok(ExitCode::SUCCESS)
}
