//! `sinergi import …`: read a file, validate every row, and write all of it in one transaction — or nothing.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::import::{self, Parsed};
use sinergi_store::Store;

/// Prints the problems and decides: `Ok(true)` to write the good records, `Ok(false)` to write nothing.
fn report<T>(parsed: &Parsed<T>, file: &Path, skip_invalid: bool, lang: Lang) -> bool {
    if parsed.issues.is_empty() {
        return true;
    }
    let name = file.display().to_string();
    let count = &parsed.bad_rows();
    if skip_invalid {
        eprintln!("{}", lang.format(Msg::CliImportSkipped, &[("count", count)]));
    }
    for issue in &parsed.issues {
        eprintln!("{}", issue.render(&name, lang));
    }
    if !skip_invalid {
        eprintln!("{}", lang.format(Msg::CliImportRejected, &[("count", count), ("file", &name)]));
    }
    skip_invalid
}

fn done(count: u64, file: &Path, lang: Lang) -> ExitCode {
    println!("{}", lang.format(Msg::CliImportOk, &[("count", &count), ("file", &file.display())]));
    ExitCode::SUCCESS
}

/// Exit status of an import that wrote nothing because of bad rows.
const REJECTED: u8 = 2;

pub async fn regions(store: &dyn Store, file: &Path, skip_invalid: bool, lang: Lang) -> anyhow::Result<ExitCode> {
    let input = std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let known = store.region_codes().await?;
    let parsed = import::parse_regions(std::io::BufReader::new(input), |c| known.contains(c));
    if !report(&parsed, file, skip_invalid, lang) {
        return Ok(ExitCode::from(REJECTED));
    }
    let regions: Vec<_> = parsed.records.into_iter().map(|(_, r)| r).collect();
    store.upsert_regions(&regions).await?;
    Ok(done(regions.len() as u64, file, lang))
}

pub async fn boundaries(store: &dyn Store, file: &Path, skip_invalid: bool, lang: Lang) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let known = store.region_codes().await?;
    let parsed = import::parse_boundaries(&text, |c| known.contains(c));
    if !report(&parsed, file, skip_invalid, lang) {
        return Ok(ExitCode::from(REJECTED));
    }
    let records: Vec<_> = parsed.records.into_iter().map(|(_, b)| (b.code, b.boundary)).collect();
    store.set_boundaries(&records).await?;
    Ok(done(records.len() as u64, file, lang))
}

pub async fn tps(store: &dyn Store, file: &Path, skip_invalid: bool, lang: Lang) -> anyhow::Result<ExitCode> {
    let input = std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let known = store.region_codes().await?;
    let parsed = import::parse_tps(std::io::BufReader::new(input), |c| known.get(c).map(|c| c.level()));
    if !report(&parsed, file, skip_invalid, lang) {
        return Ok(ExitCode::from(REJECTED));
    }
    let tps: Vec<_> = parsed.records.into_iter().map(|(_, t)| t).collect();
    store.upsert_tps(&tps).await?;
    Ok(done(tps.len() as u64, file, lang))
}
