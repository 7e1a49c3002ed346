//! `sinergi token …` and `sinergi clearance …`: API tokens for machine clients, and the rules of who may read
//! which classification. Both are for the administrator at the server's command line; every change is audited in
//! the same transaction.

use anyhow::{Context, bail};
use sinergi_domain::access::{ClearancePolicy, ClearanceRule};
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::trust::auth::{Classification, Role, Scope};
use sinergi_domain::{AgencyKind, RegionCode};
use sinergi_server::trust::tokens::{self, TokenRequest};
use sinergi_store::{Store, TokenOwners};

use crate::trust::audit::{cli_actor, cli_event, now_ms};

pub struct CreateArgs {
    pub username: String,
    pub name: String,
    pub region: Option<String>,
    pub read_only: bool,
    pub days: u32,
}

fn no_user(username: &str, lang: Lang) -> anyhow::Error {
    anyhow::anyhow!("{}", lang.format(Msg::CliNoUser, &[("username", &username)]))
}

pub async fn create(store: &dyn Store, args: CreateArgs, lang: Lang) -> anyhow::Result<()> {
    let user = store.user_by_name(&args.username).await?.ok_or_else(|| no_user(&args.username, lang))?;
    if user.disabled {
        bail!("{}", lang.format(Msg::CliTokenDisabledAccount, &[("username", &user.username)]));
    }
    let region = args
        .region
        .as_deref()
        .map(|r| RegionCode::parse(r).map_err(|e| anyhow::anyhow!("--region: {}", e.message(lang))))
        .transpose()?;
    let request = TokenRequest { name: args.name, region, read_only: args.read_only, days: args.days };
    let (token, record) = tokens::issue(store, &user, &request, now_ms(), &cli_actor(), "cli").await?;
    let mut limits = match &record.scope {
        Some(region) => lang.format(Msg::CliTokenRegion, &[("region", region)]),
        None => lang.t(Msg::CliTokenAccountScope).to_owned(),
    };
    if record.read_only {
        limits = format!("{limits}, {}", lang.t(Msg::CliTokenReadOnly));
    }
    let args: [(&str, &dyn std::fmt::Display); 4] =
        [("id", &record.id), ("username", &user.username), ("limits", &limits), ("days", &request.days)];
    eprintln!("{}", lang.format(Msg::CliTokenCreated, &args));
    println!("{token}");
    Ok(())
}

pub async fn list(store: &dyn Store, username: Option<&str>, lang: Lang) -> anyhow::Result<()> {
    let owners = match username {
        Some(name) => TokenOwners::Account(store.user_by_name(name).await?.ok_or_else(|| no_user(name, lang))?.id),
        None => TokenOwners::Within(Scope::National),
    };
    let now = now_ms();
    println!("{:<12} {:<20} {:<14} {:<10} {:<8} NAME", "ID", "USERNAME", "REGION", "ACCESS", "STATUS");
    for t in store.list_tokens(&owners).await? {
        let status = if t.revoked_at_ms.is_some() {
            "revoked"
        } else if t.is_live(now) {
            "active"
        } else {
            "expired"
        };
        println!(
            "{:<12} {:<20} {:<14} {:<10} {:<8} {}",
            t.id,
            t.username,
            t.scope.as_ref().map_or_else(|| "-".to_owned(), |r| r.to_string()),
            if t.read_only { "read" } else { "read+write" },
            status,
            t.name
        );
    }
    Ok(())
}

pub async fn revoke(store: &dyn Store, id: &str, lang: Lang) -> anyhow::Result<()> {
    let everyone = TokenOwners::Within(Scope::National);
    if !store.revoke_token(id, &everyone, &cli_event("token.revoke", &format!("token:{id}"), String::new())).await? {
        bail!("{}", lang.format(Msg::CliNoToken, &[("id", &id)]));
    }
    println!("{}", lang.format(Msg::CliTokenRevoked, &[("id", &id)]));
    Ok(())
}

fn parse_rule_args(role: &str, agency: Option<&str>, lang: Lang) -> anyhow::Result<(Role, Option<AgencyKind>)> {
    let role = Role::parse(role).with_context(|| lang.format(Msg::CliUnknownRole, &[("role", &role)]))?;
    let agency = agency
        .map(|a| {
            AgencyKind::parse(a).with_context(|| {
                let known: Vec<&str> = AgencyKind::ALL.iter().map(|k| k.as_str()).collect();
                lang.format(Msg::CliUnknownAgency, &[("agency", &a), ("known", &known.join(", "))])
            })
        })
        .transpose()?;
    Ok((role, agency))
}

fn rule_target(role: Role, agency: Option<AgencyKind>) -> String {
    format!("{role}/{}", agency.map_or("*", |a| a.as_str()))
}

/// Prints the clearance of every role, and of each role and agency that a rule sets apart.
pub async fn clearance_list(store: &dyn Store, lang: Lang) -> anyhow::Result<()> {
    let policy = store.clearance_policy().await?;
    println!("{:<15} {:<11} {:<9} SOURCE", "ROLE", "AGENCY", "READS UP TO");
    for role in Role::ALL {
        let (level, source) = match policy.rules.iter().find(|r| r.role == role && r.agency.is_none()) {
            Some(rule) => (rule.level, "rule"),
            None => (ClearancePolicy::default_level(role), "default"),
        };
        println!("{:<15} {:<11} {:<9} {source}", role.as_str(), "*", level.as_str());
        for rule in policy.rules.iter().filter(|r| r.role == role && r.agency.is_some()) {
            let agency = rule.agency.map_or("", |a| a.as_str());
            println!("{:<15} {:<11} {:<9} rule", role.as_str(), agency, rule.level.as_str());
        }
    }
    println!("\n{}", lang.t(Msg::CliClearanceDefaults));
    Ok(())
}

pub async fn clearance_set(
    store: &dyn Store,
    role: &str,
    agency: Option<&str>,
    level: &str,
    lang: Lang,
) -> anyhow::Result<()> {
    let (role, agency) = parse_rule_args(role, agency, lang)?;
    let level = Classification::parse(level)
        .with_context(|| lang.format(Msg::CliUnknownClassification, &[("level", &level)]))?;
    let target = rule_target(role, agency);
    let rule = ClearanceRule { role, agency, level };
    store.set_clearance_rule(&rule, &cli_event("clearance.set", &target, level.as_str().to_owned())).await?;
    let seconds = sinergi_server::POLICY_TTL.as_secs();
    let args: [(&str, &dyn std::fmt::Display); 3] =
        [("target", &target), ("level", &level.as_str()), ("seconds", &seconds)];
    println!("{}", lang.format(Msg::CliClearanceSet, &args));
    Ok(())
}

pub async fn clearance_remove(store: &dyn Store, role: &str, agency: Option<&str>, lang: Lang) -> anyhow::Result<()> {
    let (role, agency) = parse_rule_args(role, agency, lang)?;
    let target = rule_target(role, agency);
    if !store.remove_clearance_rule(role, agency, &cli_event("clearance.remove", &target, String::new())).await? {
        bail!("{}", lang.format(Msg::CliNoClearanceRule, &[("target", &target)]));
    }
    println!("{}", lang.format(Msg::CliClearanceRemoved, &[("target", &target)]));
    Ok(())
}
