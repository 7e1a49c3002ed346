//! Plans being made: a plan of a regency takes seconds (Jepara, about 16), so the API and the pages start it as a
//! job and show its progress (`GET /api/v1/plan-jobs/{id}`, the page `/plans/jobs/{id}`), then the plan.
//!
//! Jobs live in the memory of the instance that runs them, for an hour after they end; each is seen only by the
//! account that started it. One account makes one plan at a time, and an instance at most [`MOST_RUNNING`] at once
//! (planning fills a core): more are refused with `plan_running` (409) or `busy` (503), never queued out of sight.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sinergi_domain::deployment::planner::{PlanSummary, Stage};
use sinergi_domain::i18n::Lang;

/// Plans made at once on one instance.
pub const MOST_RUNNING: usize = 2;
/// How long a finished job's status is kept.
pub const KEPT: Duration = Duration::from_secs(3600);

/// Where a job stands.
#[derive(Debug, Clone)]
pub enum JobState {
    Running(Stage),
    Done {
        plan: i64,
        version: i64,
        summary: Box<PlanSummary>,
    },
    /// Refused or failed: the messages in Bahasa Indonesia and in English.
    Failed {
        id: Vec<String>,
        en: Vec<String>,
    },
}

/// A job as its owner sees it.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: u64,
    pub account: i64,
    pub regency: String,
    pub name: String,
    pub state: JobState,
    pub started: Instant,
    pub ended: Option<Instant>,
}

impl Job {
    pub fn running(&self) -> bool {
        matches!(self.state, JobState::Running(_))
    }

    /// The fraction done, 0 to 1.
    pub fn fraction(&self) -> f64 {
        match &self.state {
            JobState::Running(stage) => stage.fraction(),
            _ => 1.0,
        }
    }

    /// What it is doing or why it failed, in the user's language.
    pub fn message(&self, lang: Lang) -> Vec<String> {
        match &self.state {
            JobState::Running(stage) => vec![stage.message(lang)],
            JobState::Done { .. } => vec![Stage::Done.message(lang)],
            JobState::Failed { id, en } => match lang {
                Lang::Id => id.clone(),
                Lang::En => en.clone(),
            },
        }
    }
}

/// Why a job was not started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotStarted {
    /// This account's plan is still being made (its job id).
    OwnRunning(u64),
    /// The instance makes as many plans as it may.
    Busy,
}

/// The jobs of this instance.
#[derive(Default)]
pub struct Jobs {
    jobs: Mutex<HashMap<u64, Job>>,
    next: AtomicU64,
}

impl Jobs {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Job>> {
        self.jobs.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a job for `account`, unless it has one running or the instance is full.
    pub fn start(&self, account: i64, regency: &str, name: &str) -> Result<u64, NotStarted> {
        let mut jobs = self.lock();
        jobs.retain(|_, j| j.ended.is_none_or(|at| at.elapsed() < KEPT));
        if let Some(own) = jobs.values().find(|j| j.account == account && j.running()) {
            return Err(NotStarted::OwnRunning(own.id));
        }
        if jobs.values().filter(|j| j.running()).count() >= MOST_RUNNING {
            return Err(NotStarted::Busy);
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let job = Job {
            id,
            account,
            regency: regency.to_owned(),
            name: name.to_owned(),
            state: JobState::Running(Stage::Requirement),
            started: Instant::now(),
            ended: None,
        };
        jobs.insert(id, job);
        Ok(id)
    }

    pub fn update(&self, id: u64, state: JobState) {
        if let Some(job) = self.lock().get_mut(&id) {
            if !matches!(state, JobState::Running(_)) {
                job.ended = Some(Instant::now());
            }
            job.state = state;
        }
    }

    /// The job, if `account` started it.
    pub fn get(&self, id: u64, account: i64) -> Option<Job> {
        self.lock().get(&id).filter(|j| j.account == account).cloned()
    }

    /// A progress callback for the planner that writes into this job.
    pub fn progress(self: &Arc<Self>, id: u64) -> Arc<dyn Fn(Stage) + Send + Sync> {
        let jobs = Arc::clone(self);
        Arc::new(move |stage| jobs.update(id, JobState::Running(stage)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_plan_at_a_time_per_account_and_two_per_instance() {
        let jobs = Arc::new(Jobs::default());
        let a = jobs.start(1, "33.20", "A").unwrap();
        assert_eq!(jobs.start(1, "33.20", "B"), Err(NotStarted::OwnRunning(a)));
        let b = jobs.start(2, "33.20", "B").unwrap();
        assert_eq!(jobs.start(3, "33.20", "C"), Err(NotStarted::Busy));
        // Progress is seen by the owner only.
        (jobs.progress(a))(Stage::Reserves);
        assert_eq!(jobs.get(a, 1).unwrap().fraction(), Stage::Reserves.fraction());
        assert!(jobs.get(a, 2).is_none());
        jobs.update(a, JobState::Failed { id: vec!["x".into()], en: vec!["y".into()] });
        assert_eq!(jobs.get(a, 1).unwrap().message(Lang::En), ["y"]);
        assert!(jobs.start(3, "33.20", "C").is_ok(), "a finished job frees its place");
        jobs.update(b, JobState::Done { plan: 7, version: 1, summary: Box::default() });
        assert!(!jobs.get(b, 2).unwrap().running());
    }
}
