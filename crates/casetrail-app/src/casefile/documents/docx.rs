//! The text of a Word document (DOCX: a ZIP holding `word/document.xml`), read with `zip` and
//! `roxmltree`: paragraphs become lines, tabs and breaks are kept, everything else (styles,
//! fields' codes, pictures) is left out. A DOCX is a ZIP and a ZIP can be a bomb: the entry is
//! read only up to a bound, whatever its header claims.

use std::io::Read as _;

use super::unreadable;
use crate::core::error::AppError;

/// The most of `word/document.xml` read (a 300-page report is a few megabytes of it).
const MAX_DOCUMENT_XML: u64 = 32 * 1024 * 1024;
/// Entries in the archive: a Word document has a few dozen.
const MAX_ENTRIES: usize = 10_000;

/// The main part's text.
pub(super) fn docx_text(bytes: &[u8]) -> Result<String, AppError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| unreadable(format!("not a readable ZIP (DOCX) file: {e}")))?;
    if archive.len() > MAX_ENTRIES {
        return Err(unreadable(format!(
            "the ZIP holds {} entries; a Word document has far fewer",
            archive.len()
        )));
    }
    let entry = archive
        .by_name("word/document.xml")
        .map_err(|_| unreadable("a ZIP file without word/document.xml: not a Word document"))?;
    let mut xml = Vec::new();
    entry
        .take(MAX_DOCUMENT_XML + 1)
        .read_to_end(&mut xml)
        .map_err(|e| unreadable(format!("the Word document cannot be unpacked: {e}")))?;
    if xml.len() as u64 > MAX_DOCUMENT_XML {
        return Err(unreadable(format!(
            "the Word document's text part unpacks to more than {} MB",
            MAX_DOCUMENT_XML >> 20
        )));
    }
    let xml = String::from_utf8(xml)
        .map_err(|_| unreadable("the Word document's text part is not UTF-8"))?;
    let document = roxmltree::Document::parse(&xml)
        .map_err(|e| unreadable(format!("the Word document's text part is not XML: {e}")))?;
    let mut text = String::new();
    walk(document.root(), &mut text);
    Ok(text.trim_end().to_owned())
}

/// Appends the text under `node` in document order. WordprocessingML names: `t` text, `tab`,
/// `br`/`cr` breaks, `p` paragraphs; `instrText` (a field's code) and `delText` (deleted
/// text under revision marks) are not the document's text.
fn walk(node: roxmltree::Node<'_, '_>, out: &mut String) {
    for child in node.children() {
        match child.tag_name().name() {
            "t" => out.push_str(child.text().unwrap_or("")),
            "tab" => out.push('\t'),
            "br" | "cr" => out.push('\n'),
            "instrText" | "delText" => {}
            "p" => {
                walk(child, out);
                out.push('\n');
            }
            _ => walk(child, out),
        }
    }
}
