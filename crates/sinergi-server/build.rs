//! Bundles the browser code in `web/` (our own JavaScript and CSS, plus Leaflet from the npm registry) with
//! esbuild, and embeds the result in the binary, so the server needs no internet and no files beside it.
//!
//! `npm ci` runs here only when `web/node_modules` is missing or lacks a package of the lock file; `.ci/run` and
//! the README's commands run it first.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let web = manifest.join("../../web").canonicalize().expect("the web/ directory beside crates/");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let assets = out.join("assets");

    for path in ["src", "package.json", "package-lock.json"] {
        println!("cargo:rerun-if-changed={}", web.join(path).display());
    }

    let esbuild = web.join("node_modules/.bin/esbuild");
    // Installed when missing, and again when a package of the lock file is not installed (one added by a pull).
    if !esbuild.exists() || !all_installed(&web) {
        run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&web), "npm ci (in web/)");
    }
    let _ = std::fs::remove_dir_all(&assets);
    run(
        Command::new(&esbuild)
            .arg("src/main.js")
            // The field form's script, and its service worker (served at the fixed URL /sw.js).
            .arg("src/field.js")
            .arg("src/sw.js")
            .arg("--bundle")
            .arg("--minify")
            .arg("--target=es2019")
            .arg(format!("--outdir={}", assets.display()))
            .arg("--loader:.png=file")
            .arg("--asset-names=[name]-[hash]")
            .arg("--log-level=warning")
            .current_dir(&web),
        "esbuild (bundling web/src/main.js)",
    );

    let mut files: Vec<PathBuf> = std::fs::read_dir(&assets)
        .expect("esbuild output directory")
        .map(|e| e.expect("directory entry").path())
        .collect();
    files.sort();
    let mut code = String::from("/// Files bundled from web/ at build time: (name, content type, bytes).\n");
    code.push_str("pub static ASSETS: &[(&str, &str, &[u8])] = &[\n");
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in &files {
        let name = file.file_name().and_then(|n| n.to_str()).expect("UTF-8 asset name");
        for byte in std::fs::read(file).expect("asset bytes") {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        let _ = writeln!(code, "    ({name:?}, {:?}, include_bytes!({:?})),", content_type(file), file.display());
    }
    code.push_str("];\n");
    let _ = writeln!(
        code,
        "/// Changes whenever an asset changes; pages link assets with `?v=` this, so caches stay correct."
    );
    let _ = writeln!(code, "pub const ASSET_VERSION: &str = \"{:012x}\";", hash & 0xffff_ffff_ffff);
    std::fs::write(out.join("assets.rs"), code).expect("write assets.rs");
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        Some("map") => "application/json",
        _ => "application/octet-stream",
    }
}

fn run(command: &mut Command, what: &str) {
    match command.status() {
        Ok(status) if status.success() => {}
        Ok(status) => panic!("{what} failed with {status}; see its output above"),
        Err(e) => panic!("{what} could not start ({e}); install Node.js and npm (see README.md)"),
    }
}

/// True when every package `package-lock.json` lists (its `"node_modules/NAME"` entries) has its folder under
/// `node_modules`.
fn all_installed(web: &Path) -> bool {
    let Ok(lock) = std::fs::read_to_string(web.join("package-lock.json")) else { return false };
    lock.split("\"node_modules/").skip(1).filter_map(|rest| rest.split('"').next()).all(|name| {
        // Optional packages for other platforms (esbuild's binaries) are never installed here.
        name.contains("@esbuild/") || web.join("node_modules").join(name).is_dir()
    })
}
