//! The pure core of Sinergi: the facts of the field as types and rules.
//!
//! Nothing here touches a file, a socket or a clock. Parsers take any `std::io::Read` (tests hand them byte
//! slices), and everything that needs randomness takes a seed, so that the same input always yields the same
//! output. Storage, HTTP and the command line build on this crate; it knows nothing of them.

pub mod access;
pub mod agency;
pub mod audit;
pub mod auth;
pub mod csv_out;
pub mod geo;
pub mod i18n;
pub mod import;
pub mod incident;
pub mod region;
pub mod rng;
pub mod scan;
pub mod synthetic;
pub mod text;
pub mod tps;
pub mod vulnerability;

pub use agency::{AgencyKind, Unit, UnitKind};
pub use geo::{Boundary, LatLng};
pub use region::{Level, Region, RegionCode};
pub use tps::{AccessMode, Tps, TpsDraft};
