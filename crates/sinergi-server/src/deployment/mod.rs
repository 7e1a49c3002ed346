//! Deployment planning (issue 20, docs/deployment.md): the roster, the regency's security pattern, plans made,
//! compared, approved and exported. `service.rs` is what every entry point asks of it; `jobs.rs` the plans being
//! made; `views.rs` what the API and the pages show; `api.rs` the JSON handlers; `pages.rs` the pages.

pub mod api;
pub mod dashboard;
pub mod documents;
pub mod jobs;
pub mod pages;
pub mod service;
pub mod sitrep;
pub mod views;

use std::sync::Arc;

use sinergi_domain::RegionCode;
use sinergi_domain::deployment::planner::PlanOptions;
use sinergi_domain::i18n::{Lang, Msg};

use crate::AppState;
use crate::error::{ApiError, Code};
use crate::trust::auth::CurrentUser;
use jobs::{JobState, NotStarted};
use service::{Actor, DeploymentError, PlanRequest};

/// The largest roster upload (API body or page form): a Polda's people in one CSV, or its workbook in base64.
pub const ROSTER_BODY_LIMIT: usize = 8 * 1024 * 1024;

/// A plan asked for, owned (it outlives the request that asked).
pub struct PlanOrder {
    pub regency: RegionCode,
    pub name: String,
    pub options: PlanOptions,
    pub matrix: Option<String>,
}

/// Checks the order and starts making the plan as a job of this instance: the job's id. The job stores the plan
/// when done (`GET /api/v1/plan-jobs/{id}` says which).
pub async fn start_plan(
    state: &AppState,
    current: &CurrentUser,
    origin: &str,
    order: PlanOrder,
) -> Result<u64, ApiError> {
    let actor = Actor { viewer: &current.viewer, name: current.actor(), origin };
    let request = PlanRequest {
        regency: &order.regency,
        name: &order.name,
        options: order.options.clone(),
        matrix: order.matrix.as_deref(),
    };
    let name = service::check_request(&*state.store, &actor, &request).await?.to_owned();
    let id = state.plan_jobs.start(current.viewer.account_id, order.regency.as_str(), &name).map_err(|e| match e {
        NotStarted::OwnRunning(_) => ApiError::new(Code::PlanRunning, Msg::ErrPlanRunning),
        NotStarted::Busy => ApiError::new(Code::Busy, Msg::ErrPlansBusy),
    })?;
    let store = Arc::clone(&state.store);
    let jobs = Arc::clone(&state.plan_jobs);
    let viewer = current.viewer.clone();
    let actor_name = actor.name.clone();
    let origin = origin.to_owned();
    tokio::spawn(async move {
        let actor = Actor { viewer: &viewer, name: actor_name, origin: &origin };
        let request = PlanRequest {
            regency: &order.regency,
            name: &name,
            options: order.options,
            matrix: order.matrix.as_deref(),
        };
        let outcome = service::make(&*store, &actor, request, jobs.progress(id)).await;
        let state = match outcome {
            Ok(made) => {
                JobState::Done { plan: made.id, version: made.version, summary: Box::new(made.document.summary) }
            }
            Err(DeploymentError::Store(e)) => {
                tracing::error!(error = %e, job = id, "a plan could not be stored");
                let internal = |lang: Lang| vec![lang.t(Msg::ErrInternal).to_owned()];
                JobState::Failed { id: internal(Lang::Id), en: internal(Lang::En) }
            }
            Err(e) => JobState::Failed { id: e.messages(Lang::Id, "-"), en: e.messages(Lang::En, "-") },
        };
        jobs.update(id, state);
    });
    Ok(id)
}
