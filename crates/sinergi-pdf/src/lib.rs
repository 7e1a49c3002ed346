//! Sinergi's printed documents, rendered with [typst](https://typst.app) as a library: the meeting's invitation
//! (*undangan*), attendance list (*daftar hadir*) and minutes (*notulen rapat*), and the situation report (*laporan
//! situasi*), with the SVG map and chart the report embeds (the same SVGs serve the HTML pages), and a unit's roster for a
//! deployment plan (*surat perintah*).
//!
//! Pure: input structs in, PDF bytes or SVG text out; nothing is read from disk or the network. Every text in the
//! inputs is already in the reader's language and formatted by the caller; the documents' fixed headings come from
//! the translation layer ([`sinergi_domain::i18n`]).
//!
//! How a document is made: a template of ours (`templates/*.typ`, compiled into the crate) is the main source of a
//! small typst [`World`]; the document's data is serialised to JSON and given as the virtual file `/data.json`,
//! which the template reads with `json(...)` — user text is never spliced into typst markup. Images (the map and
//! chart) are virtual files too. The fonts (typst's embedded ones: Libertinus Serif, New Computer Modern, DejaVu
//! Sans Mono) and the standard library are loaded once per process; see `docs/pdf.md`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::fonts::FontStore;
use typst_layout::PagedDocument;

pub mod chart;
pub mod coordination;
pub mod deployment;
pub mod map;
mod svg;

pub use chart::{DailyChart, chart_svg};
pub use coordination::meeting::{
    ActionLine, AgendaLine, AttendanceList, AttendanceRow, Briefing, DecisionBlock, Invitation, Minutes,
    attendance_pdf, invitation_pdf, minutes_pdf,
};
pub use coordination::sitrep::{Section, Sitrep, Table, sitrep_pdf};
pub use coordination::{Letterhead, Signatory};
pub use deployment::{Roster, RosterLine, RosterTexts, roster_pdf};
pub use map::{MapArea, MapData, MapLegend, MapPoint, PointKind, map_svg};

/// Why a document could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The document's data could not be serialised to JSON.
    #[error("the document's data could not be encoded: {0}")]
    Data(#[from] serde_json::Error),
    /// A virtual file name is not a valid path (a caller's mistake).
    #[error("invalid virtual file name `{0}`")]
    FileName(String),
    /// typst reported errors while compiling the template (the messages, without any path).
    #[error("the document could not be laid out: {0}")]
    Template(String),
    /// typst could not write the PDF.
    #[error("the PDF could not be written: {0}")]
    Export(String),
}

/// What every render shares, built once per process: the standard library and the fonts.
struct Shared {
    library: LazyHash<Library>,
    fonts: FontStore,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let mut fonts = FontStore::new();
    fonts.extend(typst_kit::fonts::embedded());
    Shared { library: LazyHash::new(Library::builder().build()), fonts }
});

/// Our shared typst definitions (letterhead, page set-up, signature block, tables), importable by every template
/// as `/common.typ`.
const COMMON: &str = include_str!("../templates/common.typ");

/// One compilation: the template as main source, `/common.typ`, and the virtual files.
struct DocWorld {
    shared: &'static Shared,
    main: Source,
    common: Source,
    files: HashMap<FileId, Bytes>,
}

fn file_id(path: &str) -> Result<FileId, PdfError> {
    let vpath = VirtualPath::new(path).map_err(|_| PdfError::FileName(path.to_owned()))?;
    Ok(FileId::new(RootedPath::new(VirtualRoot::Project, vpath)))
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(PathBuf::from(id.vpath().get_with_slash()))
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.shared.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else if id == self.common.id() {
            Ok(self.common.clone())
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(bytes) = self.files.get(&id) {
            return Ok(bytes.clone());
        }
        match self.source(id) {
            Ok(source) => Ok(Bytes::from_string(source.text().to_owned())),
            Err(_) => Err(not_found(id)),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.font(index)
    }

    /// No clock: a document shows the dates its data gives, and the same data gives the same PDF.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// Renders a typst `template` to PDF. `data_json` is served as `/data.json`, each of `files` as its (absolute,
/// e.g. `/map.svg`) path; `/common.typ` holds our shared definitions. Fonts and the standard library are loaded
/// on the first call only.
pub fn render(template: &str, data_json: &str, files: &[(&str, Vec<u8>)]) -> Result<Vec<u8>, PdfError> {
    let shared: &'static Shared = &SHARED;
    let main = Source::new(file_id("/main.typ")?, template.to_owned());
    let common = Source::new(file_id("/common.typ")?, COMMON.to_owned());
    let mut map = HashMap::with_capacity(files.len() + 1);
    map.insert(file_id("/data.json")?, Bytes::new(data_json.as_bytes().to_vec()));
    for (path, bytes) in files {
        map.insert(file_id(path)?, Bytes::new(bytes.clone()));
    }
    let world = DocWorld { shared, main, common, files: map };
    let compiled = typst::compile::<PagedDocument>(&world).output;
    let result = match compiled {
        Ok(document) => typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
            .map_err(|errors| PdfError::Export(messages(&errors))),
        Err(errors) => Err(PdfError::Template(messages(&errors))),
    };
    // Keep typst's memoisation cache from growing without bound in a long-running server: drop what the last
    // few compilations did not use.
    typst::comemo::evict(10);
    result
}

/// The diagnostics' messages and hints, without file paths or spans.
fn messages(diagnostics: &[SourceDiagnostic]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for d in diagnostics.iter().filter(|d| d.severity == Severity::Error) {
        let mut part = d.message.to_string();
        for hint in &d.hints {
            part.push_str(" (");
            part.push_str(&hint.v);
            part.push(')');
        }
        parts.push(part);
    }
    if parts.is_empty() {
        parts.push("unknown error".to_owned());
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_template_with_json_data_and_reports_errors_without_paths() {
        let pdf = render(
            "#let d = json(\"/data.json\")\n#d.text",
            r##"{"text": "Halo #set page(width: 1pt) *bukan* markup"}"##,
            &[],
        )
        .unwrap();
        assert!(pdf.starts_with(b"%PDF-"));

        let err = render("#let d = json(\"/missing.json\")", "{}", &[]).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, PdfError::Template(_)), "{text}");
        assert!(!text.contains("/work") && !text.contains("src/"), "{text}");

        let err = render("#panic(\"x\")", "{}", &[]).unwrap_err();
        assert!(err.to_string().contains("panicked"), "{err}");
    }
}
