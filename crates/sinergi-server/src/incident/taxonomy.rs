//! The report taxonomy in force, across instances (docs/incidents.md, "The taxonomy").
//!
//! The taxonomy is data: administrators load new versions into the database (`PUT /api/v1/report-categories`, the
//! rules page, `sinergi taxonomy load`), and the newest stored version is the one in force. Each instance keeps
//! the taxonomy it has in force in its [`Desk`](crate::incident::desk::Desk). At start it takes the newest stored version;
//! when none is stored it keeps the shipped file and writes nothing, so that instances starting together cannot
//! race to store it. Then it reads the newest version's id every [`WATCH_EVERY`] — one read of the primary key's
//! maximum — and puts a newer version in force, so a change made on one instance reaches every other within
//! seconds. A stored version that no longer parses (an upgrade changed the format) is logged and passed over; the
//! taxonomy in force stays.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use sinergi_domain::i18n::Lang;
use sinergi_domain::incident::Taxonomy;
use sinergi_store::{Store, StoreError, TaxonomyVersion};

use crate::AppState;

/// How often each instance looks for a newer stored version.
pub const WATCH_EVERY: Duration = Duration::from_secs(2);

/// What this instance knows of the stored versions.
#[derive(Default)]
pub struct Versions {
    known: Mutex<Known>,
}

#[derive(Default)]
struct Known {
    /// The stored version in force here; `None` while the shipped file is.
    in_force: Option<TaxonomyVersion>,
    /// The newest id looked at, put in force or not: a version that does not parse is looked at once, not on
    /// every tick.
    seen: i64,
}

impl Versions {
    fn lock(&self) -> MutexGuard<'_, Known> {
        // A poisoned lock still holds consistent values: each is replaced whole under it.
        self.known.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The taxonomy in force and the stored version it came from (`None`: the shipped file), read together.
pub fn current(state: &AppState) -> (Arc<Taxonomy>, Option<TaxonomyVersion>) {
    let known = state.taxonomy_versions.lock();
    (state.desk.taxonomy(), known.in_force.clone())
}

/// Puts a stored version in force on this instance, unless the same or a newer one already is (a slow reader
/// never puts an older version back). Returns whether it did.
pub fn put_in_force(state: &AppState, version: TaxonomyVersion, taxonomy: Taxonomy) -> bool {
    let mut known = state.taxonomy_versions.lock();
    known.seen = known.seen.max(version.id);
    if known.in_force.as_ref().is_some_and(|v| v.id >= version.id) {
        return false;
    }
    // Under the lock, so that `current` never pairs a taxonomy with another version's id.
    state.desk.set_taxonomy(Arc::new(taxonomy));
    tracing::info!(id = version.id, taxonomy = %version.taxonomy_id, label = %version.label, "taxonomy version in force");
    known.in_force = Some(version);
    true
}

/// Puts the newest stored version in force when this instance has not looked at it yet. Returns whether the
/// taxonomy in force changed.
pub async fn refresh(state: &AppState) -> Result<bool, StoreError> {
    let Some(latest) = state.store.latest_taxonomy_version_id().await? else { return Ok(false) };
    if latest <= state.taxonomy_versions.lock().seen {
        return Ok(false);
    }
    let Some(stored) = state.store.taxonomy_version(latest).await? else { return Ok(false) };
    match Taxonomy::from_toml(&stored.definition) {
        Ok(taxonomy) => Ok(put_in_force(state, stored.version, taxonomy)),
        Err(faults) => {
            let mut known = state.taxonomy_versions.lock();
            known.seen = known.seen.max(latest);
            let first = faults.first().map(|f| f.message(Lang::En)).unwrap_or_default();
            tracing::warn!(
                id = latest,
                faults = faults.len(),
                first = %first,
                "the newest stored taxonomy version does not parse; the taxonomy in force stays"
            );
            Ok(false)
        }
    }
}

/// Looks for a newer stored version every [`WATCH_EVERY`], for as long as the server runs.
pub async fn watch_forever(state: AppState) {
    let mut ticks = tokio::time::interval(WATCH_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if let Err(e) = refresh(&state).await {
            tracing::warn!(error = %e, "could not look for a new taxonomy version; trying again shortly");
        }
    }
}

/// The categories that `new` drops although stored reports use them, in the order of `before`. `before` are the
/// taxonomies a dropped category could come from: the one in force and the newest stored, which another instance
/// may have put in force already.
pub async fn dropped_in_use(
    store: &dyn Store,
    before: &[&Taxonomy],
    new: &Taxonomy,
) -> Result<Vec<String>, StoreError> {
    let kept: BTreeSet<&str> = new.categories.iter().map(|c| c.id.as_str()).collect();
    let mut dropped: Vec<String> = Vec::new();
    for c in before.iter().flat_map(|t| &t.categories) {
        if !kept.contains(c.id.as_str()) && !dropped.contains(&c.id) {
            dropped.push(c.id.clone());
        }
    }
    if dropped.is_empty() {
        return Ok(Vec::new());
    }
    store.categories_in_use(&dropped).await
}

/// The taxonomy of the newest stored version, when there is one and it parses.
pub async fn newest_stored(store: &dyn Store) -> Result<Option<Taxonomy>, StoreError> {
    Ok(store.latest_taxonomy_version().await?.and_then(|s| Taxonomy::from_toml(&s.definition).ok()))
}

/// Why a new version of the taxonomy was not loaded.
#[derive(Debug)]
pub enum LoadError {
    /// Only administrators load the taxonomy.
    Forbidden,
    /// The text or the reason is empty, too long or holds a control character.
    Invalid(Vec<(String, sinergi_domain::import::Problem)>),
    /// The text is no valid taxonomy: every fault with its place.
    Taxonomy(Vec<sinergi_domain::incident::TaxonomyError>),
    /// It drops categories that reports use (listed).
    CategoriesInUse(Vec<String>),
    Store(StoreError),
}

impl From<StoreError> for LoadError {
    fn from(e: StoreError) -> LoadError {
        LoadError::Store(e)
    }
}

impl From<LoadError> for crate::error::ApiError {
    fn from(e: LoadError) -> crate::error::ApiError {
        use crate::error::{ApiError, Code};
        match e {
            LoadError::Forbidden => crate::trust::auth::forbidden(),
            LoadError::Invalid(problems) => ApiError::validation(problems),
            LoadError::Taxonomy(errors) => ApiError::taxonomy(errors),
            LoadError::CategoriesInUse(used) => {
                ApiError::new(Code::CategoryInUse, sinergi_domain::i18n::Msg::ErrCategoryInUse)
                    .arg("categories", used.join(", "))
            }
            LoadError::Store(e) => e.into(),
        }
    }
}

/// The longest taxonomy text accepted, in characters (the shipped one has about 7,000).
pub const MAX_TOML: usize = 200_000;

/// The longest reason, in characters.
pub const MAX_REASON: usize = 500;

/// Who loads a version, and how its audit entry names them: the same for the API, the rules page and the command
/// line.
pub struct Loader {
    /// Who the version says loaded it.
    pub loaded_by: String,
    /// Who the audit entry names (the command line's user when `sinergi taxonomy load --by` names someone else).
    pub actor: String,
    pub origin: String,
    pub at_ms: i64,
}

/// Checks a new version of the taxonomy and stores it, for every entry point: the text checked whole (every fault
/// named), the reason one clean line, refused when it drops a category that reports use in any of the taxonomies
/// `before` it (the one in force, the newest stored), stored with its reason and its audit entry in one
/// transaction. Returns the stored version, its text as stored, and the taxonomy.
pub async fn store_version(
    store: &dyn Store,
    before: &[&Taxonomy],
    toml: &str,
    reason: &str,
    loader: Loader,
) -> Result<(TaxonomyVersion, String, Taxonomy), LoadError> {
    use sinergi_domain::text::{self, Lines};
    let mut problems = Vec::new();
    // The text is checked as typed (its own layout kept); the reason is one line.
    if let Err(problem) = text::check(toml, MAX_TOML, Lines::Many) {
        problems.push(("toml".to_owned(), problem));
    }
    let reason = text::check(reason, MAX_REASON, Lines::One).unwrap_or_else(|problem| {
        problems.push(("reason".to_owned(), problem));
        String::new()
    });
    if !problems.is_empty() {
        return Err(LoadError::Invalid(problems));
    }
    let taxonomy = Taxonomy::from_toml(toml).map_err(LoadError::Taxonomy)?;
    let used = dropped_in_use(store, before, &taxonomy).await?;
    if !used.is_empty() {
        return Err(LoadError::CategoriesInUse(used));
    }
    let version = sinergi_store::NewTaxonomyVersion {
        taxonomy_id: taxonomy.id.clone(),
        label: taxonomy.version.clone(),
        definition: toml.replace("\r\n", "\n"),
        loaded_by: loader.loaded_by.clone(),
        loaded_at_ms: loader.at_ms,
        reason: reason.clone(),
    };
    let by = if loader.loaded_by == loader.actor { String::new() } else { format!(" (by {})", loader.loaded_by) };
    let event = sinergi_domain::trust::audit::AuditEvent {
        at_ms: loader.at_ms,
        actor: loader.actor,
        action: "taxonomy.load".to_owned(),
        target: "-".to_owned(),
        detail: format!("{} version {}{by}: {reason}", taxonomy.id, taxonomy.version),
        origin: loader.origin,
    };
    let id = store.add_taxonomy_version(&version, &event).await?;
    let stored = TaxonomyVersion {
        id,
        taxonomy_id: version.taxonomy_id,
        label: version.label,
        loaded_by: version.loaded_by,
        loaded_at_ms: loader.at_ms,
        reason,
    };
    Ok((stored, version.definition, taxonomy))
}

/// Loads a new version of the taxonomy for an administrator, from the API or the rules page ([`store_version`]),
/// and puts it in force on this instance at once (others take it up within seconds). Returns the stored version
/// and its text as stored.
pub async fn load_version(
    state: &AppState,
    current: &crate::trust::auth::CurrentUser,
    origin: &str,
    toml: &str,
    reason: &str,
) -> Result<(TaxonomyVersion, String), LoadError> {
    if !current.viewer.may(sinergi_domain::access::Action::ManageTaxonomy) {
        return Err(LoadError::Forbidden);
    }
    let (in_force, _) = self::current(state);
    let newest = newest_stored(&*state.store).await?;
    let before: Vec<&Taxonomy> = std::iter::once(&*in_force).chain(newest.as_ref()).collect();
    let actor = current.actor();
    let loader =
        Loader { loaded_by: actor.clone(), actor, origin: origin.to_owned(), at_ms: crate::trust::auth::now_ms() };
    let (stored, definition, taxonomy) = store_version(&*state.store, &before, toml, reason, loader).await?;
    put_in_force(state, stored.clone(), taxonomy);
    Ok((stored, definition))
}
