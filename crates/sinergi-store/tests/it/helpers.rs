//! Helpers shared by the storage tests.

use sinergi_domain::access::Viewer;
use sinergi_domain::trust::audit::AuditEvent;
use sinergi_domain::trust::auth::{Classification, Role, Scope};
use sinergi_domain::{AgencyKind, LatLng, Region, RegionCode};
use sinergi_store::testing::TestDb;

pub fn code(text: &str) -> RegionCode {
    RegionCode::parse(text).unwrap()
}

/// Reads as the command line does: everything.
pub fn all() -> Viewer {
    Viewer::system("test")
}

/// Account 7 ("u") with this role, agency, scope (`None`: the nation) and clearance.
pub fn viewer(role: Role, agency: AgencyKind, scope: Option<&str>, clearance: Classification) -> Viewer {
    Viewer {
        account_id: 7,
        username: "u".into(),
        role,
        agency,
        scope: scope.map_or(Scope::National, |s| Scope::Region(code(s))),
        read_only: false,
        clearance,
    }
}

/// An audit event for writes made by the tests.
pub fn event(action: &str) -> AuditEvent {
    AuditEvent {
        at_ms: 1_700_000_000_000,
        actor: "test".into(),
        action: action.into(),
        target: "-".into(),
        detail: String::new(),
        origin: "test".into(),
    }
}

/// These regions, each named by its code and centred on the same point.
pub async fn seed_regions(db: &TestDb, codes: &[&str]) {
    let region = |c: &&str| Region { code: code(c), name: (*c).to_owned(), centroid: Some(LatLng::new(-1.0, 103.0)) };
    db.store.upsert_regions(&codes.iter().map(region).collect::<Vec<_>>()).await.unwrap();
}
