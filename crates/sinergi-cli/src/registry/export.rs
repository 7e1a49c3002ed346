//! `sinergi export tps`: CSV in the import format (so an export can be edited and imported again; cells are made
//! safe for spreadsheets by `sinergi_domain::csv_out`, which the import reads back) or GeoJSON.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use sinergi_domain::RegionCode;
use sinergi_domain::access::Viewer;
use sinergi_domain::i18n::{Lang, Msg};
use sinergi_store::{Store, TpsRecord};

pub async fn tps(store: &dyn Store, region: &str, geojson: bool, out: Option<&Path>, lang: Lang) -> anyhow::Result<()> {
    let code = RegionCode::parse(region).map_err(|e| anyhow::anyhow!("--region: {}", e.message(lang)))?;
    // The command line reads the whole database (whoever runs it can read the file anyway).
    let viewer = Viewer::system("cli");
    if store.region(&viewer, &code).await?.is_none() {
        anyhow::bail!("--region: {}", lang.format(Msg::ErrRegionNotFound, &[("code", &code)]));
    }
    let records = store.all_tps(&viewer, &code).await?;
    let bytes = if geojson { to_geojson(&records)? } else { to_csv(&records)? };
    match out {
        Some(path) => std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?,
        None => std::io::stdout().lock().write_all(&bytes)?,
    }
    eprintln!("{} TPS", records.len());
    Ok(())
}

/// The columns of `docs/formats.md`; `village_name` is for people and ignored on import.
pub fn to_csv(records: &[TpsRecord]) -> anyhow::Result<Vec<u8>> {
    let mut w = sinergi_domain::csv_out::CsvOut::new();
    w.row(["village_code", "village_name", "number", "address", "lat", "lng", "voters", "access", "synthetic"])?;
    for r in records {
        let t = &r.tps;
        w.row([
            t.village.to_string(),
            r.village_name.clone(),
            t.number.to_string(),
            t.address.clone(),
            t.location.map(|l| l.lat.to_string()).unwrap_or_default(),
            t.location.map(|l| l.lng.to_string()).unwrap_or_default(),
            t.voters.to_string(),
            t.access.as_str().to_owned(),
            t.synthetic.to_string(),
        ])?;
    }
    Ok(w.finish()?)
}

pub fn to_geojson(records: &[TpsRecord]) -> anyhow::Result<Vec<u8>> {
    let features: Vec<serde_json::Value> = records
        .iter()
        .map(|r| {
            let t = &r.tps;
            serde_json::json!({
                "type": "Feature",
                "geometry": t.location.map(|l| serde_json::json!({"type": "Point", "coordinates": [l.lng, l.lat]})),
                "properties": {
                    "id": r.id,
                    "village_code": t.village.as_str(),
                    "village_name": r.village_name,
                    "number": t.number,
                    "label": t.label(),
                    "address": t.address,
                    "voters": t.voters,
                    "access": t.access.as_str(),
                    "synthetic": t.synthetic,
                }
            })
        })
        .collect();
    Ok(serde_json::to_vec(&serde_json::json!({"type": "FeatureCollection", "features": features}))?)
}
