//! `sinergi import …`: read a file, validate every row, and write all of it in one transaction — or nothing.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::import::Parsed;
use sinergi_store::Store;

/// Prints the problems and decides: the good records and how many rows were bad, to be written; or `None`, to
/// write nothing (the file has bad rows and `--skip-invalid` was not given). Every import goes through
/// here, so they all report alike.
pub(crate) fn accept<T>(parsed: Parsed<T>, file: &Path, skip_invalid: bool, lang: Lang) -> Option<(Vec<T>, usize)> {
    let bad = parsed.bad_rows();
    if bad > 0 {
        let name = file.display().to_string();
        if skip_invalid {
            eprintln!("{}", lang.format(Msg::CliImportSkipped, &[("count", &bad)]));
        }
        for issue in &parsed.issues {
            eprintln!("{}", issue.render(&name, lang));
        }
        if !skip_invalid {
            eprintln!("{}", lang.format(Msg::CliImportRejected, &[("count", &bad), ("file", &name)]));
            return None;
        }
    }
    Some((parsed.records.into_iter().map(|(_, record)| record).collect(), bad))
}

/// Records the import in the audit log and says how many rows were written.
async fn done(
    store: &dyn Store,
    what: &str,
    count: u64,
    skipped: usize,
    file: &Path,
    lang: Lang,
) -> anyhow::Result<ExitCode> {
    let detail = format!("{count} written, {skipped} bad rows skipped");
    crate::trust::audit::record(store, &format!("import.{what}"), &file.display().to_string(), detail).await?;
    println!("{}", lang.format(Msg::CliImportOk, &[("count", &count), ("file", &file.display())]));
    Ok(ExitCode::SUCCESS)
}

/// Exit status of an import that wrote nothing because of bad rows.
const REJECTED: u8 = 2;

pub async fn regions(store: &dyn Store, file: &Path, skip_invalid: bool, lang: Lang) -> anyhow::Result<ExitCode> {
    let input = std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let known = store.region_codes().await?;
    let parsed = sinergi_domain::registry::import::parse_regions(std::io::BufReader::new(input), |c| known.contains(c));
    let Some((regions, skipped)) = accept(parsed, file, skip_invalid, lang) else {
        return Ok(ExitCode::from(REJECTED));
    };
    store.upsert_regions(&regions).await?;
    done(store, "regions", regions.len() as u64, skipped, file, lang).await
}

pub async fn boundaries(store: &dyn Store, file: &Path, skip_invalid: bool, lang: Lang) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let known = store.region_codes().await?;
    let parsed = sinergi_domain::registry::import::parse_boundaries(&text, |c| known.contains(c));
    let Some((records, skipped)) = accept(parsed, file, skip_invalid, lang) else {
        return Ok(ExitCode::from(REJECTED));
    };
    let records: Vec<_> = records.into_iter().map(|b| (b.code, b.boundary)).collect();
    store.set_boundaries(&records).await?;
    done(store, "boundaries", records.len() as u64, skipped, file, lang).await
}

pub async fn units(store: &dyn Store, file: &Path, skip_invalid: bool, lang: Lang) -> anyhow::Result<ExitCode> {
    let input = std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let regions = store.region_codes().await?;
    let units = store.unit_codes().await?;
    let parsed = sinergi_domain::registry::import::parse_units(
        std::io::BufReader::new(input),
        |c| regions.contains(c),
        |u| units.contains(u),
    );
    let Some((records, skipped)) = accept(parsed, file, skip_invalid, lang) else {
        return Ok(ExitCode::from(REJECTED));
    };
    store.upsert_units(&records).await?;
    done(store, "units", records.len() as u64, skipped, file, lang).await
}

pub async fn tps(store: &dyn Store, file: &Path, skip_invalid: bool, lang: Lang) -> anyhow::Result<ExitCode> {
    let input = std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let known = store.region_codes().await?;
    let parsed = sinergi_domain::registry::import::parse_tps(std::io::BufReader::new(input), |c| {
        known.get(c).map(|c| c.level())
    });
    let Some((tps, skipped)) = accept(parsed, file, skip_invalid, lang) else {
        return Ok(ExitCode::from(REJECTED));
    };
    store.upsert_tps(&tps).await?;
    done(store, "tps", tps.len() as u64, skipped, file, lang).await
}
