//! Files of a meeting: a unit's briefing slides, the evidence of an action item. Accepted only as what their first
//! bytes say they are — PDF, JPEG, PNG, WebP, and the Office formats DOCX, XLSX, PPTX (ZIP archives holding their
//! main part) — never by the name or the type the sender claims, and only up to a configured size.

use sha2::{Digest, Sha256};

use crate::import::Problem;
use crate::text::{self, Lines};

/// The default largest file, in bytes: 20 MiB (a briefing's slides with photos).
pub const DEFAULT_MAX_BYTES: u64 = 20 * 1024 * 1024;

/// The longest file name, in characters.
pub const MAX_NAME: usize = 200;

/// What a file is, by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Jpeg,
    Png,
    Webp,
    Docx,
    Xlsx,
    Pptx,
}

impl Kind {
    /// The media type it is served with.
    pub fn media_type(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
            Kind::Webp => "image/webp",
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Kind::Pptx => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Kind::Pdf => "pdf",
            Kind::Jpeg => "jpg",
            Kind::Png => "png",
            Kind::Webp => "webp",
            Kind::Docx => "docx",
            Kind::Xlsx => "xlsx",
            Kind::Pptx => "pptx",
        }
    }
}

/// Whether a ZIP archive holds an entry whose name starts with `prefix` (its local headers name their entries right
/// after a fixed 30-byte header: enough to tell the Office formats apart without unpacking anything).
fn zip_has(bytes: &[u8], prefix: &[u8]) -> bool {
    let mut i = 0;
    while i + 30 <= bytes.len() {
        if bytes[i..].starts_with(b"PK\x03\x04") {
            let name_len = usize::from(bytes[i + 26]) | (usize::from(bytes[i + 27]) << 8);
            let start = i + 30;
            if let Some(name) = bytes.get(start..start + name_len)
                && name.starts_with(prefix)
            {
                return true;
            }
            i = start;
        } else {
            i += 1;
        }
    }
    false
}

/// What the first bytes say a file is, or the fault: not one of the accepted kinds (named by what it looks like).
pub fn sniff(bytes: &[u8]) -> Result<Kind, Problem> {
    let kind = if bytes.starts_with(b"%PDF-") {
        Some(Kind::Pdf)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Kind::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Kind::Png)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(Kind::Webp)
    } else if bytes.starts_with(b"PK\x03\x04") {
        if zip_has(bytes, b"word/") {
            Some(Kind::Docx)
        } else if zip_has(bytes, b"xl/") {
            Some(Kind::Xlsx)
        } else if zip_has(bytes, b"ppt/") {
            Some(Kind::Pptx)
        } else {
            None
        }
    } else {
        None
    };
    kind.ok_or_else(|| {
        let looks = if bytes.is_empty() {
            "kosong / empty"
        } else if bytes.starts_with(b"PK\x03\x04") {
            "ZIP"
        } else if bytes.starts_with(b"MZ") {
            "EXE"
        } else if bytes.starts_with(b"GIF8") {
            "GIF"
        } else if bytes.starts_with(b"<") {
            "HTML/XML"
        } else {
            "?"
        };
        Problem::BadAttachment(looks.to_owned())
    })
}

/// A file as sent, checked: its name (one line, the path dropped), its kind, its size against `max`.
pub fn check(name: &str, bytes: &[u8], max: u64) -> Result<(String, Kind), Vec<(String, Problem)>> {
    let mut faults = Vec::new();
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let name = text::check(base, MAX_NAME, Lines::One).map_err(|p| faults.push(("name".to_owned(), p))).ok();
    let size = bytes.len() as u64;
    if size > max {
        faults.push(("file".to_owned(), Problem::AttachmentTooLarge { size, max }));
    }
    let kind = sniff(bytes).map_err(|p| faults.push(("file".to_owned(), p))).ok();
    match (name, kind) {
        (Some(name), Some(kind)) if faults.is_empty() => Ok((name, kind)),
        _ => Err(faults),
    }
}

/// The SHA-256 of a file, in hex: stored with it, and checked again when it is served.
pub fn digest(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ZIP with one empty entry named `name`.
    fn zip(name: &str) -> Vec<u8> {
        let mut out = b"PK\x03\x04".to_vec();
        out.extend([0u8; 22]);
        out.extend([name.len() as u8, 0, 0, 0]);
        out.extend(name.as_bytes());
        out
    }

    #[test]
    fn tells_kinds_by_their_first_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Ok(Kind::Pdf));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Ok(Kind::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Ok(Kind::Png));
        assert_eq!(sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 "), Ok(Kind::Webp));
        assert_eq!(
            sniff(&zip("[Content_Types].xml").into_iter().chain(zip("ppt/presentation.xml")).collect::<Vec<_>>()),
            Ok(Kind::Pptx)
        );
        assert_eq!(sniff(&zip("word/document.xml")), Ok(Kind::Docx));
        assert_eq!(sniff(&zip("xl/workbook.xml")), Ok(Kind::Xlsx));
        assert_eq!(sniff(&zip("evil.exe")), Err(Problem::BadAttachment("ZIP".into())));
        assert_eq!(sniff(b"MZ\x90\x00"), Err(Problem::BadAttachment("EXE".into())));
        assert_eq!(sniff(b"<html><script>"), Err(Problem::BadAttachment("HTML/XML".into())));
        assert_eq!(sniff(b""), Err(Problem::BadAttachment("kosong / empty".into())));
    }

    #[test]
    fn names_every_fault() {
        let faults = check("C:\\paparan\\a\nb.pdf", b"MZ", 1).unwrap_err();
        let fields: Vec<&str> = faults.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["name", "file", "file"]);
        assert!(matches!(faults[1].1, Problem::AttachmentTooLarge { size: 2, max: 1 }));
        assert_eq!(check("/tmp/Paparan KPU.pdf", b"%PDF-1.4", 100), Ok(("Paparan KPU.pdf".to_owned(), Kind::Pdf)));
        assert_eq!(digest(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
