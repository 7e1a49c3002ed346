//! `sinergi token …` and `sinergi clearance …`: API tokens for machine clients, and the rules of who may read
//! which classification. Both are for the administrator at the server's command line; every change is audited in
//! the same transaction.

use anyhow::{Context, bail};
use sinergi_domain::access::{ClearancePolicy, ClearanceRule};
use sinergi_domain::auth::{Classification, Role};
use sinergi_domain::{AgencyKind, RegionCode};
use sinergi_server::tokens::{self, TokenRequest};
use sinergi_store::Store;

use crate::audit::{cli_actor, cli_event, now_ms};

pub struct CreateArgs {
    pub username: String,
    pub name: String,
    pub region: Option<String>,
    pub read_only: bool,
    pub days: u32,
}

pub async fn create(store: &dyn Store, args: CreateArgs) -> anyhow::Result<()> {
    let user =
        store.user_by_name(&args.username).await?.with_context(|| format!("there is no user `{}`", args.username))?;
    if user.disabled {
        bail!("the account `{}` is disabled: its tokens would not open anything", user.username);
    }
    let region = args
        .region
        .as_deref()
        .map(|r| RegionCode::parse(r).map_err(|e| anyhow::anyhow!("--region: {e}")))
        .transpose()?;
    let request = TokenRequest { name: args.name, region, read_only: args.read_only, days: args.days };
    let (token, record) = tokens::issue(store, &user, &request, now_ms(), &cli_actor(), "cli").await?;
    eprintln!(
        "token {} for {} ({}{}), expires in {} days. It is shown this once; keep it secret:",
        record.id,
        user.username,
        record.scope.as_ref().map_or_else(|| "the account's scope".to_owned(), |r| format!("region {r}")),
        if record.read_only { ", read-only" } else { "" },
        request.days
    );
    println!("{token}");
    Ok(())
}

pub async fn list(store: &dyn Store, username: Option<&str>) -> anyhow::Result<()> {
    let account = match username {
        Some(name) => Some(store.user_by_name(name).await?.with_context(|| format!("there is no user `{name}`"))?.id),
        None => None,
    };
    let now = now_ms();
    println!("{:<12} {:<20} {:<14} {:<9} {:<8} NAME", "ID", "USERNAME", "REGION", "ACCESS", "STATUS");
    for t in store.list_tokens(account).await? {
        let status = if t.revoked_at_ms.is_some() {
            "revoked"
        } else if t.is_live(now) {
            "active"
        } else {
            "expired"
        };
        println!(
            "{:<12} {:<20} {:<14} {:<9} {:<8} {}",
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

pub async fn revoke(store: &dyn Store, id: &str) -> anyhow::Result<()> {
    if !store.revoke_token(id, None, &cli_event("token.revoke", &format!("token:{id}"), String::new())).await? {
        bail!("there is no token `{id}`, or it was revoked already");
    }
    println!("token {id} revoked");
    Ok(())
}

fn parse_rule_args(role: &str, agency: Option<&str>) -> anyhow::Result<(Role, Option<AgencyKind>)> {
    let role = Role::parse(role).with_context(|| {
        format!("unknown role `{role}`: administrator, commander, operator, field_reporter, observer, external")
    })?;
    let agency = agency
        .map(|a| {
            AgencyKind::parse(a).with_context(|| {
                let known: Vec<&str> = AgencyKind::ALL.iter().map(|k| k.as_str()).collect();
                format!("unknown agency `{a}`: {}", known.join(", "))
            })
        })
        .transpose()?;
    Ok((role, agency))
}

/// Prints the clearance of every role, per agency where a rule makes it differ.
pub async fn clearance_list(store: &dyn Store) -> anyhow::Result<()> {
    let policy = store.clearance_policy().await?;
    println!("{:<15} {:<11} {:<9} SOURCE", "ROLE", "AGENCY", "READS UP TO");
    for role in Role::ALL {
        let general = policy.rules.iter().find(|r| r.role == role && r.agency.is_none());
        let (level, source) = match general {
            Some(rule) => (rule.level, "rule"),
            None => (ClearancePolicy::default_level(role), "default"),
        };
        println!("{:<15} {:<11} {:<9} {source}", role.as_str(), "(all)", level.as_str());
        for rule in policy.rules.iter().filter(|r| r.role == role && r.agency.is_some()) {
            let agency = rule.agency.map_or("", |a| a.as_str());
            println!("{:<15} {:<11} {:<9} rule", role.as_str(), agency, rule.level.as_str());
        }
    }
    println!(
        "\nDefaults: commander rahasia; administrator and operator terbatas; field_reporter, observer, external \
         biasa. A rule for a role and agency beats a rule for the role, which beats the default."
    );
    Ok(())
}

pub async fn clearance_set(store: &dyn Store, role: &str, agency: Option<&str>, level: &str) -> anyhow::Result<()> {
    let (role, agency) = parse_rule_args(role, agency)?;
    let level = Classification::parse(level)
        .with_context(|| format!("unknown classification `{level}`: biasa, terbatas or rahasia"))?;
    let rule = ClearanceRule { role, agency, level };
    let target = format!("{role}/{}", agency.map_or("*", |a| a.as_str()));
    store.set_clearance_rule(&rule, &cli_event("clearance.set", &target, level.as_str().to_owned())).await?;
    println!(
        "{target} now reads up to {} (running servers apply it within {} s)",
        level.as_str(),
        sinergi_server::POLICY_TTL.as_secs()
    );
    Ok(())
}

pub async fn clearance_remove(store: &dyn Store, role: &str, agency: Option<&str>) -> anyhow::Result<()> {
    let (role, agency) = parse_rule_args(role, agency)?;
    let target = format!("{role}/{}", agency.map_or("*", |a| a.as_str()));
    if !store.remove_clearance_rule(role, agency, &cli_event("clearance.remove", &target, String::new())).await? {
        bail!("there is no rule for {target}");
    }
    println!("{target}: rule removed");
    Ok(())
}
