//! Places as officers name them (docs/incidents.md, "Field form"): a village by its name, a TPS by its number in
//! the village. The field form keeps its user's territory on the device ([`field_places`], served at
//! `/field/places`) so that it can offer villages by name, TPS by number and the nearest TPS without signal; the
//! incident service resolves a village typed by name ([`village_by_name`]) for every entry point.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use sha2::{Digest, Sha256};
use sinergi_domain::access::Viewer;
use sinergi_domain::import::Problem;
use sinergi_domain::trust::auth::Scope;
use sinergi_domain::{Level, RegionCode};
use sinergi_store::StoreError;

use crate::AppState;

/// The most villages a territory may hold for the field form to keep it on the device: a regency has a few
/// hundred; a province thousands, which a phone should not download for a form.
pub const MOST_VILLAGES: usize = 2_000;

/// The villages and TPS of a territory, compact: what the field form keeps on the device.
#[derive(Debug, Serialize)]
pub struct FieldPlaces {
    /// A hash of the content: the form asks again with it and gets "not modified" when nothing changed.
    pub version: String,
    /// `[code, name, district name]`, in district then village name order.
    pub villages: Vec<(String, String, String)>,
    /// `[village index, TPS number, TPS id, lat, lng]` (no coordinates: 0, 0), by village then number.
    pub tps: Vec<(u32, u32, i64, f64, f64)>,
}

/// The villages under a region the viewer sees, with their district's name; `None` when there are more than
/// [`MOST_VILLAGES`].
async fn villages_under(
    state: &AppState,
    viewer: &Viewer,
    region: &RegionCode,
) -> Result<Option<Vec<(RegionCode, String, String)>>, StoreError> {
    let districts = match region.level() {
        Level::Village => {
            let Some(village) = state.store.region(viewer, region).await? else { return Ok(Some(Vec::new())) };
            let district = match &village.parent {
                Some(parent) => state.store.region(viewer, parent).await?.map(|d| d.name).unwrap_or_default(),
                None => String::new(),
            };
            return Ok(Some(vec![(village.code, village.name, district)]));
        }
        Level::District => state.store.region(viewer, region).await?.into_iter().collect::<Vec<_>>(),
        Level::Regency => state.store.children(viewer, Some(region)).await?,
        Level::Province => return Ok(None),
    };
    let mut out = Vec::new();
    for district in districts {
        for village in state.store.children(viewer, Some(&district.code)).await? {
            if village.level == Level::Village {
                out.push((village.code, village.name, district.name.clone()));
            }
        }
        if out.len() > MOST_VILLAGES {
            return Ok(None);
        }
    }
    out.sort_by(|a, b| (&a.2, &a.1, &a.0).cmp(&(&b.2, &b.1, &b.0)));
    Ok(Some(out))
}

/// The villages of the viewer's territory (code, name, district name), or `None` when it is wider than a
/// regency.
pub async fn villages_of_territory(
    state: &AppState,
    viewer: &Viewer,
) -> Result<Option<Vec<(RegionCode, String, String)>>, StoreError> {
    let Scope::Region(region) = &viewer.scope else { return Ok(None) };
    villages_under(state, viewer, region).await
}

/// The viewer's territory's villages and TPS, or `None` when the territory is wider than a regency (the form then
/// takes the village typed by name and finds it when the report is filed).
pub async fn field_places(state: &AppState, viewer: &Viewer) -> Result<Option<FieldPlaces>, StoreError> {
    let Scope::Region(region) = &viewer.scope else { return Ok(None) };
    let Some(villages) = villages_under(state, viewer, region).await? else { return Ok(None) };
    let index: HashMap<&RegionCode, u32> =
        villages.iter().enumerate().map(|(i, (code, _, _))| (code, u32::try_from(i).unwrap_or(u32::MAX))).collect();
    let mut tps: Vec<(u32, u32, i64, f64, f64)> = Vec::new();
    if viewer.may(sinergi_domain::access::Action::ReadTps) {
        for t in state.store.all_tps(viewer, region).await? {
            if let Some(&i) = index.get(&t.tps.village) {
                let (lat, lng) = t.tps.location.map_or((0.0, 0.0), |l| (round5(l.lat), round5(l.lng)));
                tps.push((i, t.tps.number, t.id, lat, lng));
            }
        }
    }
    tps.sort_by_key(|t| (t.0, t.1));
    let villages: Vec<(String, String, String)> =
        villages.into_iter().map(|(code, name, district)| (code.to_string(), name, district)).collect();
    let mut hash = Sha256::new();
    for (code, name, district) in &villages {
        hash.update(format!("{code}\t{name}\t{district}\n"));
    }
    for t in &tps {
        hash.update(format!("{}\t{}\t{}\t{}\t{}\n", t.0, t.1, t.2, t.3, t.4));
    }
    let version = hash.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect();
    Ok(Some(FieldPlaces { version, villages, tps }))
}

/// Five decimals: about a metre, enough to find the nearest TPS, and a third shorter than a double's digits.
fn round5(x: f64) -> f64 {
    (x * 100_000.0).round() / 100_000.0
}

/// A village named as officers write it, optionally with its district in brackets ("Kedungmalang (Kedung)",
/// as the form's list offers it): the one village of that name in the viewer's territory, or the fault.
pub async fn village_by_name(
    state: &AppState,
    viewer: &Viewer,
    typed: &str,
) -> Result<Result<RegionCode, Problem>, StoreError> {
    let (name, district) = split_district(typed);
    let wanted = fold(name);
    let found = state.store.search_regions(viewer, &wanted, 500).await?;
    let mut candidates: Vec<(RegionCode, Option<RegionCode>)> = found
        .into_iter()
        .filter(|r| r.level == Level::Village && viewer.covers(&r.code) && fold(&r.name) == wanted)
        .map(|r| (r.code, r.parent))
        .collect();
    // The districts' names, to tell villages of one name apart.
    let mut district_names: BTreeMap<RegionCode, String> = BTreeMap::new();
    for (_, parent) in &candidates {
        if let Some(parent) = parent
            && !district_names.contains_key(parent)
        {
            let name = state.store.region(viewer, parent).await?.map_or_else(|| parent.to_string(), |r| r.name);
            district_names.insert(parent.clone(), name);
        }
    }
    let district_of =
        |parent: &Option<RegionCode>| parent.as_ref().and_then(|p| district_names.get(p)).cloned().unwrap_or_default();
    if let Some(district) = district {
        let wanted_district = fold(district);
        candidates.retain(|(_, parent)| fold(&district_of(parent)) == wanted_district);
    }
    Ok(match candidates.len() {
        0 => Err(Problem::UnknownVillageName(typed.trim().chars().take(60).collect())),
        1 => Ok(candidates.remove(0).0),
        _ => {
            let mut districts: Vec<String> = candidates.iter().map(|(_, p)| district_of(p)).collect();
            districts.sort();
            districts.dedup();
            Err(Problem::AmbiguousVillageName { name: name.trim().to_owned(), districts: districts.join(", ") })
        }
    })
}

/// `"Kedungmalang (Kedung)"` → (`"Kedungmalang"`, `Some("Kedung")`).
fn split_district(typed: &str) -> (&str, Option<&str>) {
    let typed = typed.trim();
    if let Some(open) = typed.rfind('(')
        && typed.ends_with(')')
        && open > 0
    {
        let district = typed[open + 1..typed.len() - 1].trim();
        if !district.is_empty() {
            return (typed[..open].trim(), Some(district));
        }
    }
    (typed, None)
}

/// Names compared as people type them: case and runs of spaces do not matter.
fn fold(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_district_in_brackets_is_split_off() {
        assert_eq!(split_district("Kedungmalang (Kedung)"), ("Kedungmalang", Some("Kedung")));
        assert_eq!(split_district("  Kedungmalang  "), ("Kedungmalang", None));
        assert_eq!(split_district("Kedungmalang ()"), ("Kedungmalang ()", None));
        assert_eq!(split_district("(Kedung)"), ("(Kedung)", None));
    }

    #[test]
    fn names_compare_as_typed() {
        assert_eq!(fold("  KEDUNG   Malang "), "kedung malang");
    }
}
