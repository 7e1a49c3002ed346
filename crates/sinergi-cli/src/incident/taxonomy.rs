//! `sinergi taxonomy check|load`: the report taxonomy — categories, routes, time limits — from the command line
//! (docs/incidents.md, "The taxonomy"). `check` reads a file and names every fault with its place, touching no
//! database; `load` stores it as a new version, which running servers put in force within seconds.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::incident::{Taxonomy, TaxonomyError};
use sinergi_server::incident::taxonomy::{self, LoadError};
use sinergi_store::Store;

use crate::trust::audit::{cli_actor, now_ms};

/// Exit status when a file was refused (a broken taxonomy, a category still in use, no reason).
pub const REJECTED: u8 = 2;

/// Reads and checks a taxonomy file; every fault is printed as `FILE: place: reason`.
fn read(file: &Path, lang: Lang) -> anyhow::Result<Result<(Taxonomy, String), Vec<TaxonomyError>>> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    Ok(match Taxonomy::from_toml(&text) {
        Ok(taxonomy) => Ok((taxonomy, text)),
        Err(errors) => {
            for e in &errors {
                eprintln!("{}: {}", file.display(), e.message(lang));
            }
            eprintln!(
                "{}",
                lang.format(Msg::CliTaxonomyRejected, &[("file", &file.display()), ("count", &errors.len())])
            );
            Err(errors)
        }
    })
}

/// Checks a taxonomy file without storing it.
pub fn check(file: &Path, lang: Lang) -> anyhow::Result<ExitCode> {
    let Ok((taxonomy, _)) = read(file, lang)? else { return Ok(ExitCode::from(REJECTED)) };
    println!(
        "{}",
        lang.format(
            Msg::CliTaxonomySound,
            &[
                ("file", &file.display()),
                ("id", &taxonomy.id),
                ("version", &taxonomy.version),
                ("categories", &taxonomy.categories.len()),
                ("routes", &taxonomy.routes.len()),
            ]
        )
    );
    Ok(ExitCode::SUCCESS)
}

/// Checks a taxonomy file and stores it as the newest version, refusing one that drops a category stored reports
/// still use. `by` names who loaded it (default: the user running the command); the audit log records the user
/// running the command either way.
pub async fn load(
    store: &dyn Store,
    file: &Path,
    reason: &str,
    by: Option<&str>,
    lang: Lang,
) -> anyhow::Result<ExitCode> {
    let reason = reason.trim();
    if reason.is_empty() {
        eprintln!("{}", lang.t(Msg::CliTaxonomyNoReason));
        return Ok(ExitCode::from(REJECTED));
    }
    let Ok((_, text)) = read(file, lang)? else { return Ok(ExitCode::from(REJECTED)) };
    // The taxonomy in force: the newest stored version, or the shipped one while none is stored.
    let in_force = taxonomy::newest_stored(store).await?.unwrap_or_else(Taxonomy::shipped);
    let actor = cli_actor();
    let loaded_by = by.map(str::trim).filter(|b| !b.is_empty()).map_or_else(|| actor.clone(), str::to_owned);
    let loader = taxonomy::Loader { loaded_by, actor, origin: "cli".to_owned(), at_ms: now_ms() };
    // The same checks and the same write as the API's and the rules page's.
    let (stored, _, taxonomy) = match taxonomy::store_version(store, &[&in_force], &text, reason, loader).await {
        Ok(stored) => stored,
        Err(LoadError::Invalid(problems)) => {
            for (field, problem) in problems {
                eprintln!("{}: {field}: {}", file.display(), problem.message(lang));
            }
            return Ok(ExitCode::from(REJECTED));
        }
        Err(LoadError::Taxonomy(errors)) => {
            for e in &errors {
                eprintln!("{}: {}", file.display(), e.message(lang));
            }
            return Ok(ExitCode::from(REJECTED));
        }
        Err(LoadError::CategoriesInUse(used)) => {
            eprintln!("{}", lang.format(Msg::CliTaxonomyInUse, &[("categories", &used.join(", "))]));
            return Ok(ExitCode::from(REJECTED));
        }
        // Only the API and the pages ask for a permission; the command line runs as the machine's user.
        Err(LoadError::Forbidden) => anyhow::bail!("taxonomy load refused"),
        Err(LoadError::Store(e)) => return Err(e.into()),
    };
    let id = stored.id;
    println!(
        "{}",
        lang.format(Msg::CliTaxonomyLoaded, &[("id", &taxonomy.id), ("version", &taxonomy.version), ("stored", &id)])
    );
    Ok(ExitCode::SUCCESS)
}
