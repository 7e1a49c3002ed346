//! `sinergi user …`: accounts, managed from the command line of the server's machine (the first administrator
//! can only be made here). Every change is written to the audit log in the same transaction.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use sinergi_domain::access::Viewer;
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::trust::auth::{Role, Scope, validate_password, validate_username};
use sinergi_server::trust::secrets::hash_password;
use sinergi_store::{NewUser, Store};

use crate::trust::audit::{cli_event, now_ms};

pub struct AddArgs {
    pub username: String,
    pub unit: String,
    pub role: Option<String>,
    pub admin: bool,
    pub name: Option<String>,
    pub national: bool,
    pub password_stdin: bool,
}

/// Reads a new password: one line from standard input with `--password-stdin`, else asked twice on the
/// terminal without echo.
fn read_password(username: &str, from_stdin: bool, lang: Lang) -> anyhow::Result<String> {
    let password = if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("cannot read the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(lang.format(Msg::CliPasswordPrompt, &[("username", &username)]))?;
        let second = rpassword::prompt_password(lang.t(Msg::CliPasswordRepeat))?;
        if first != second {
            bail!("{}", lang.t(Msg::CliPasswordsDiffer));
        }
        first
    } else {
        bail!("{}", lang.t(Msg::CliNoTerminal));
    };
    validate_password(username, &password).map_err(|e| anyhow::anyhow!("{}", e.message(lang)))?;
    Ok(password)
}

fn no_user(username: &str, lang: Lang) -> anyhow::Error {
    anyhow::anyhow!("{}", lang.format(Msg::CliNoUser, &[("username", &username)]))
}

pub async fn add(store: &dyn Store, args: AddArgs, lang: Lang) -> anyhow::Result<()> {
    validate_username(&args.username).map_err(|e| anyhow::anyhow!("{}", e.message(lang)))?;
    let role = match (args.admin, args.role.as_deref()) {
        (true, None | Some("administrator")) => Role::Administrator,
        (true, Some(other)) => bail!("{}", lang.format(Msg::CliRoleContradiction, &[("role", &other)])),
        (false, Some(text)) => {
            Role::parse(text).with_context(|| lang.format(Msg::CliUnknownRole, &[("role", &text)]))?
        }
        (false, None) => bail!("{}", lang.t(Msg::CliNeedRole)),
    };
    let unit = store
        .unit(&Viewer::system("cli"), &args.unit)
        .await?
        .with_context(|| lang.format(Msg::CliNoUnit, &[("unit", &args.unit)]))?;
    let scope = if args.national { Scope::National } else { Scope::Region(unit.territory.clone()) };
    let password = read_password(&args.username, args.password_stdin, lang)?;
    let user = NewUser {
        display_name: args.name.unwrap_or_else(|| args.username.clone()),
        username: args.username,
        unit_code: unit.code.clone(),
        role,
        scope,
        password_hash: hash_password(&password)?,
        created_at_ms: now_ms(),
    };
    let scope_text = user.scope.as_stored().unwrap_or("national").to_owned();
    let event = cli_event("user.create", &user.username, format!("role={role} unit={} scope={scope_text}", unit.code));
    let created = store.create_user(&user, &event).await.map_err(|e| match e {
        sinergi_store::StoreError::Conflict(_) => {
            anyhow::anyhow!("{}", lang.format(Msg::CliUsernameTaken, &[("username", &user.username)]))
        }
        other => other.into(),
    })?;
    println!(
        "{}",
        lang.format(
            Msg::CliUserCreated,
            &[("username", &created.username), ("role", &role), ("unit", &unit.name), ("scope", &scope_text)]
        )
    );
    Ok(())
}

pub async fn list(store: &dyn Store) -> anyhow::Result<()> {
    let users = store.list_users().await?;
    println!("{:<24} {:<15} {:<22} {:<14} {:<8} NAME", "USERNAME", "ROLE", "UNIT", "SCOPE", "STATUS");
    for u in users {
        println!(
            "{:<24} {:<15} {:<22} {:<14} {:<8} {}",
            u.username,
            u.role.as_str(),
            u.unit_code,
            u.scope.as_stored().unwrap_or("national"),
            if u.disabled { "disabled" } else { "active" },
            u.display_name
        );
    }
    Ok(())
}

pub async fn set_disabled(store: &dyn Store, username: &str, disabled: bool, lang: Lang) -> anyhow::Result<()> {
    let action = if disabled { "user.disable" } else { "user.enable" };
    if !store.set_user_disabled(username, disabled, &cli_event(action, username, String::new())).await? {
        return Err(no_user(username, lang));
    }
    let msg = if disabled { Msg::CliUserDisabled } else { Msg::CliUserEnabled };
    println!("{}", lang.format(msg, &[("username", &username)]));
    Ok(())
}

/// Gives an account a phone number (normalized to +62…), or removes its numbers (`None`).
pub async fn set_phone(store: &dyn Store, username: &str, phone: Option<&str>, lang: Lang) -> anyhow::Result<()> {
    let normalized = match phone {
        None => None,
        Some(typed) => Some(
            sinergi_domain::incident::normalize_phone(typed)
                .ok_or_else(|| anyhow::anyhow!(lang.format(Msg::CliBadPhone, &[("phone", &typed)])))?,
        ),
    };
    let event = cli_event("user.phone", username, normalized.clone().unwrap_or_else(|| "removed".into()));
    match store.set_phone(username, normalized.as_deref(), &event).await {
        Ok(true) => {}
        Ok(false) => return Err(no_user(username, lang)),
        Err(sinergi_store::StoreError::Conflict(_)) => {
            anyhow::bail!(lang.format(Msg::CliPhoneTaken, &[("phone", &normalized.unwrap_or_default())]))
        }
        Err(e) => return Err(e.into()),
    }
    let shown = normalized.unwrap_or_else(|| "-".into());
    println!("{}", lang.format(Msg::CliPhoneSet, &[("username", &username), ("phone", &shown)]));
    Ok(())
}

pub async fn reset_password(store: &dyn Store, username: &str, password_stdin: bool, lang: Lang) -> anyhow::Result<()> {
    if store.user_by_name(username).await?.is_none() {
        return Err(no_user(username, lang));
    }
    let password = read_password(username, password_stdin, lang)?;
    let event = cli_event("user.reset_password", username, String::new());
    store.set_password_hash(username, &hash_password(&password)?, &event).await?;
    println!("{}", lang.format(Msg::CliPasswordReplaced, &[("username", &username)]));
    Ok(())
}

/// Lifts a sign-in lock on a username (after too many failed attempts), so its owner can try again at once.
pub async fn unlock(store: &dyn Store, username: &str, lang: Lang) -> anyhow::Result<()> {
    store.clear_login_failures(&format!("user:{}", username.trim().to_lowercase())).await?;
    crate::trust::audit::record(store, "user.unlock", username, String::new()).await?;
    println!("{}", lang.format(Msg::CliUnlocked, &[("username", &username)]));
    Ok(())
}
