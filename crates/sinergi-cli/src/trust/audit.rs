//! `sinergi audit verify|export`: check the audit log's hash chain, or write it out as JSON lines or CSV.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use sinergi_domain::trust::audit::{self, AuditEntry, AuditEvent};
use sinergi_store::Store;

pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// `cli:<user> (uid N)`: who ran the command, from the process's real user id (not `$USER`, which whoever runs
/// the command can set), named from the system's user database when it knows the id.
pub fn cli_actor() -> String {
    match real_uid() {
        Some(uid) => match user_name(uid) {
            Some(name) => format!("cli:{name} (uid {uid})"),
            None => format!("cli:uid {uid}"),
        },
        None => "cli:unknown".to_owned(),
    }
}

/// The real user id, from `/proc/self/status` (`Uid:` real, effective, saved, filesystem).
fn real_uid() -> Option<u32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().next())?
        .parse()
        .ok()
}

/// The name of a user id in `/etc/passwd` (`name:x:uid:…`).
fn user_name(uid: u32) -> Option<String> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let id: u32 = fields.nth(1)?.parse().ok()?;
        (id == uid).then(|| name.to_owned())
    })
}

/// An audit event for a change made by this command, stamped now.
pub fn cli_event(action: &str, target: &str, detail: String) -> AuditEvent {
    AuditEvent {
        at_ms: now_ms(),
        actor: cli_actor(),
        action: action.to_owned(),
        target: target.to_owned(),
        detail,
        origin: "cli".to_owned(),
    }
}

/// Appends what a command changed to the audit log (for changes that do not record their own entry in the
/// same transaction).
pub async fn record(store: &dyn Store, action: &str, target: &str, detail: String) -> anyhow::Result<()> {
    store.append_audit(&cli_event(action, target, detail)).await.context("cannot write the audit log")?;
    Ok(())
}

/// Entries read from the database at a time.
const PAGE: u32 = 5000;

/// Exit status when the chain is broken.
pub const BROKEN: u8 = 3;

/// Every entry up to `last` (entries appended while reading are left for the next run).
async fn entries_up_to(store: &dyn Store, last: i64) -> anyhow::Result<Vec<AuditEntry>> {
    let mut entries = Vec::new();
    loop {
        let after = entries.last().map_or(0, |e: &AuditEntry| e.seq);
        let page = store.audit_entries(after, PAGE).await?;
        let done = page.len() < PAGE as usize;
        entries.extend(page.into_iter().take_while(|e| e.seq <= last));
        if done || entries.last().is_some_and(|e| e.seq >= last) {
            entries.retain(|e| e.seq <= last);
            return Ok(entries);
        }
    }
}

/// Every entry after `head_seq`, and what of it lies beyond the head when the head is read again.
async fn after_head(store: &dyn Store, head_seq: i64) -> anyhow::Result<(Vec<AuditEntry>, Option<audit::Break>)> {
    let mut after = Vec::new();
    loop {
        let from = after.last().map_or(head_seq, |e: &AuditEntry| e.seq);
        let page = store.audit_entries(from, PAGE).await?;
        let done = page.len() < PAGE as usize;
        after.extend(page);
        if done {
            break;
        }
    }
    let (head_now, _) = store.audit_head().await?;
    let beyond = audit::beyond_head(&after, head_now);
    Ok((after, beyond))
}

pub async fn verify(store: &dyn Store) -> anyhow::Result<ExitCode> {
    // The head first: a running server keeps appending, and an entry appended after the head was read must not
    // look like a head that points past the end. An entry and the head are committed together, so every entry
    // up to the head read here is already visible.
    let (head_seq, head_hash) = store.audit_head().await?;
    let entries = entries_up_to(store, head_seq).await?;
    let checked = audit::verify(&entries, Some((head_seq, &head_hash)));
    // Then what lies after it: entries a running server appended meanwhile, or rows written around the
    // application, which the chain does not hold and which stop every later append.
    let (_, beyond) = after_head(store, head_seq).await?;
    match (checked, beyond) {
        (Ok(count), None) => {
            println!("audit log intact: {count} entries, head {head_seq} {head_hash}");
            Ok(ExitCode::SUCCESS)
        }
        (Err(broken), _) | (Ok(_), Some(broken)) => {
            eprintln!("audit log BROKEN: {broken}");
            Ok(ExitCode::from(BROKEN))
        }
    }
}

/// Writes every entry, as JSON lines or CSV; entries beyond the head are written too (they are evidence), with a
/// warning and exit status 3.
pub async fn export(store: &dyn Store, out: Option<&Path>, csv: bool) -> anyhow::Result<ExitCode> {
    let (head_seq, _) = store.audit_head().await?;
    let mut entries = entries_up_to(store, head_seq).await?;
    let (after, beyond) = after_head(store, head_seq).await?;
    entries.extend(after);
    let text = if csv { to_csv(&entries)? } else { to_json_lines(&entries)? };
    match out {
        Some(path) => std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?,
        None => std::io::stdout().lock().write_all(&text)?,
    }
    eprintln!("{} entries", entries.len());
    match beyond {
        None => Ok(ExitCode::SUCCESS),
        Some(broken) => {
            eprintln!("audit log BROKEN: {broken}; they are written too");
            Ok(ExitCode::from(BROKEN))
        }
    }
}

fn to_json_lines(entries: &[AuditEntry]) -> anyhow::Result<Vec<u8>> {
    let mut text = Vec::new();
    for entry in entries {
        serde_json::to_writer(&mut text, entry)?;
        text.push(b'\n');
    }
    Ok(text)
}

/// The columns of the JSON lines, in a spreadsheet-safe CSV (`sinergi_domain::csv_out`): an actor or a target
/// typed by someone signing in must not become a formula in an auditor's spreadsheet.
fn to_csv(entries: &[AuditEntry]) -> anyhow::Result<Vec<u8>> {
    let mut out = sinergi_domain::csv_out::CsvOut::new();
    out.row(["seq", "at_ms", "actor", "action", "target", "detail", "origin", "prev_hash", "hash"])?;
    for e in entries {
        let ev = &e.event;
        out.row([
            e.seq.to_string(),
            ev.at_ms.to_string(),
            ev.actor.clone(),
            ev.action.clone(),
            ev.target.clone(),
            ev.detail.clone(),
            ev.origin.clone(),
            e.prev_hash.clone(),
            e.hash.clone(),
        ])?;
    }
    Ok(out.finish()?)
}
