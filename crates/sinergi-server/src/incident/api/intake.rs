//! The webhook of SMS gateways and chat bots: a message from a field officer's phone, in the short format of
//! docs/sms.md, filed as a report of the officer whose account has that number. The answer carries the reply the
//! gateway sends back: the report's reference, or what to fix, in Bahasa Indonesia.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use sinergi_domain::access::Action;
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_domain::incident::sms::{self, SmsError};
use sinergi_domain::incident::{Channel, ReportKind, normalize_phone};
use sinergi_domain::trust::auth::{Classification, Scope};
use sinergi_domain::{Level, RegionCode};
use sinergi_store::{Filed, NewReport};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::{ApiJson, ApiQuery};
use crate::error::{ApiError, ErrorBody};
use crate::trust::auth::{self, Credential, CurrentUser};

/// A message relayed by a gateway.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageInput {
    /// The sender's phone number (`+6281234567890`, `0812…`).
    pub sender: String,
    /// The message as typed.
    pub text: String,
    /// The gateway's id of the message: a retry with the same id is the same report.
    #[schema(min_length = 1, max_length = 100)]
    pub message_id: String,
    /// `sms` (default) or `chat`.
    pub channel: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IntakeQuery {
    /// The language of the reply: `id` (default) or `en`.
    pub lang: Option<String>,
}

/// What the gateway sends back to the sender, and what happened.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct MessageReply {
    /// True when the message was filed (or had been filed before under the same message id).
    pub accepted: bool,
    /// The text to send back to the sender (one SMS).
    pub reply: String,
    /// The report's reference, e.g. `LK-000123`, when accepted.
    pub reference: Option<String>,
    pub report_id: Option<i64>,
    /// Why it was refused, as a stable code (e.g. `unknown_sender`, `unknown_category`), when refused.
    pub code: Option<String>,
}

fn refused(code: &str, reply: String) -> ApiJson<MessageReply> {
    ApiJson(MessageReply { accepted: false, reply, reference: None, report_id: None, code: Some(code.to_owned()) })
}

/// Files a message from a field officer's phone. Needs an API token of an account that may file reports (the
/// gateway's); the report is filed as the account with the sender's number, inside both accounts' territories.
/// A message the officer must correct is answered `200` with `accepted: false` and the reply that says what to fix.
#[utoipa::path(post, path = "/intake/messages", tag = "reports", operation_id = "intake_message",
    request_body = MessageInput, params(IntakeQuery),
    responses((status = 200, body = MessageReply), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn message(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiQuery(query): ApiQuery<IntakeQuery>,
    ApiJson(input): ApiJson<MessageInput>,
) -> Result<ApiJson<MessageReply>, ApiError> {
    // A gateway is a machine with a token; a browser session has no business here.
    if !matches!(current.credential, Credential::Token { .. }) {
        return Err(auth::forbidden());
    }
    current.require(Action::FileReports)?;
    let lang = if query.lang.as_deref() == Some("en") { Lang::En } else { Lang::Id };
    let message_id = input.message_id.trim();
    if message_id.is_empty()
        || message_id.len() > 100
        || !message_id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
    {
        return Err(ApiError::validation(vec![("message_id".into(), sinergi_domain::import::Problem::BadKey)]));
    }
    let channel = match input.channel.as_deref() {
        None | Some("sms") => Channel::Sms,
        Some("chat") => Channel::Chat,
        Some(other) => {
            let problem = sinergi_domain::import::Problem::one_of(other, &["sms", "chat"]);
            return Err(ApiError::validation(vec![("channel".into(), problem)]));
        }
    };

    // The sender: an enabled account with this number that may file reports.
    let sender = match normalize_phone(&input.sender) {
        Some(phone) => state.store.user_by_phone(&phone).await?,
        None => None,
    };
    let policy = state.policy().await?;
    let Some((sender, viewer)) = sender.filter(|u| !u.disabled).map(|u| {
        let v = u.viewer(&policy);
        (u, v)
    }) else {
        return Ok(refused("unknown_sender", lang.t(Msg::SmsUnknownSender).to_owned()));
    };
    if !viewer.may(Action::FileReports) {
        return Ok(refused("unknown_sender", lang.t(Msg::SmsUnknownSender).to_owned()));
    }

    let taxonomy = state.desk.taxonomy();
    let parsed = match sms::parse_sms(&input.text, &taxonomy) {
        Ok(p) => p,
        Err(e) => return Ok(refused(e.code(), e.reply(lang))),
    };
    // The village: the one named, else the officer's own when their territory is a village.
    let home = match &viewer.scope {
        Scope::Region(code) if code.level() == Level::Village => Some(code.clone()),
        _ => None,
    };
    let Some(village): Option<RegionCode> = parsed.village.clone().or(home) else {
        return Ok(refused("village_required", lang.t(Msg::SmsVillageRequired).to_owned()));
    };
    // Outside the sender's territory (or the gateway's) says so; inside, a code that names no village says that.
    if !(viewer.covers(&village) && current.viewer.covers(&village)) {
        let error = SmsError::VillageOutside { given: village.to_string() };
        return Ok(refused(error.code(), error.reply(lang)));
    }
    if state.store.region(&viewer, &village).await?.is_none() {
        let error = SmsError::UnknownVillage { given: village.to_string() };
        return Ok(refused(error.code(), error.reply(lang)));
    }
    let mut tps_id = None;
    let mut location = None;
    if let Some(number) = parsed.tps_number {
        let found = state.store.all_tps(&viewer, &village).await?.into_iter().find(|t| t.tps.number == number);
        match found {
            Some(t) => {
                tps_id = Some(t.id);
                location = t.tps.location;
            }
            None => return Ok(refused("unknown_tps", SmsError::BadTps { given: number.to_string() }.reply(lang))),
        }
    }
    let Some(category) = taxonomy.category(&parsed.category) else {
        return Err(ApiError::internal());
    };
    let now = auth::now_ms();
    let report = NewReport {
        kind: parsed.kind,
        category: category.id.clone(),
        severity: parsed.severity.unwrap_or(category.severity),
        occurred_at_ms: now,
        reported_at_ms: now,
        village,
        tps_id,
        location,
        description: parsed.description,
        source_agency: sender.agency,
        source_person: sender.display_name.clone(),
        reporter_account: Some(sender.id),
        channel,
        classification: if parsed.kind == ReportKind::Intelligence {
            Classification::Terbatas
        } else {
            Classification::Biasa
        },
        idempotency_key: Some(format!("msg:{message_id}")),
        routes: Vec::new(),
    };
    let (filed, _) = crate::incident::service::route_and_file(&state, report).await?;
    let id = match filed {
        Filed::New(id) | Filed::Replayed(id) => id,
    };
    let reference = parsed.kind.reference(id);
    Ok(ApiJson(MessageReply {
        accepted: true,
        reply: sms::sms_reply_ok(&reference, lang),
        reference: Some(reference),
        report_id: Some(id.0),
        code: None,
    }))
}
