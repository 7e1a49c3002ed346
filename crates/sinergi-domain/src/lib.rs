//! The pure core of Sinergi: the facts of the field as types and rules.
//!
//! Nothing here touches a file, a socket or a clock. Parsers take any `std::io::Read` (tests hand them byte
//! slices), and everything that needs randomness takes a seed, so that the same input always yields the same
//! output. Storage, HTTP and the command line build on this crate; it knows nothing of them.

/// Generates a small enum of stored words, with `as_str` and `parse`.
macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }

            pub fn parse(text: &str) -> Option<$name> {
                match text {
                    $($word => Some($name::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

// One module per capability, under the name it has in every crate.
pub mod coordination;
pub mod deployment;
pub mod early_warning;
pub mod incident;
pub mod registry;
pub mod trust;
pub mod vulnerability;

// What the capabilities share: region codes, geometry, who may do what, the vocabulary of file problems, text
// checks, CSV output, the translation layer, seeded randomness.
pub mod access;
pub mod csv_out;
pub mod geo;
pub mod i18n;
pub mod import;
pub mod region;
pub mod rng;
pub mod spreadsheet;
pub mod text;

pub use geo::{Boundary, LatLng};
pub use region::{Level, Region, RegionCode};
pub use registry::agency::{AgencyKind, Unit, UnitKind};
pub use registry::tps::{AccessMode, Tps, TpsDraft};
