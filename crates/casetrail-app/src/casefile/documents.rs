//! Case material from documents: the text of a PDF (through `material.rs`), a Word document
//! (`documents/docx.rs`), an e-mail with its attachments (`documents/mail.rs`), an RTF file, or
//! plain text in any common encoding, told apart by their bytes rather than by their names.
//! The text is then sealed and redacted like any typed note.
//!
//! Plain text: a byte-order mark decides (UTF-8, UTF-16 LE/BE); without one, valid UTF-8 is
//! UTF-8, and anything else is read as Windows-1252, what Danish Windows programs write (it
//! holds ISO 8859-1, so æ, ø and å come out right either way). Bytes with NUL or other control
//! characters are no text and are refused.

mod docx;
pub(crate) mod folder;
mod mail;

use crate::core::error::{AppError, CaseFileError};

/// What a document was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// A PDF.
    Pdf,
    /// Rich Text Format.
    Rtf,
    /// A Word document (DOCX).
    Docx,
    /// An e-mail (RFC 5322, `.eml`), with its attachments.
    Mail,
    /// Plain text.
    Text,
}

/// RTF groups nest; a file nested deeper than this is refused rather than followed.
const MAX_RTF_DEPTH: usize = 256;

fn unreadable(reason: impl Into<String>) -> AppError {
    CaseFileError::Document {
        reason: reason.into(),
    }
    .into()
}

/// The text of a document, and what it was read as.
pub fn document_text(bytes: &[u8]) -> Result<(DocumentKind, String), AppError> {
    document_text_at(bytes, 0)
}

/// [`document_text`] of a document `depth` e-mails deep: an e-mail inside an e-mail inside an
/// e-mail is not opened.
fn document_text_at(bytes: &[u8], depth: usize) -> Result<(DocumentKind, String), AppError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Ok((DocumentKind::Docx, docx::docx_text(bytes)?));
    }
    if mail::looks_like_mail(bytes) {
        if depth >= 2 {
            return Ok((DocumentKind::Mail, String::new()));
        }
        return Ok((DocumentKind::Mail, mail::mail_text(bytes, depth)?));
    }
    if bytes.starts_with(b"%PDF-") {
        return Ok((
            DocumentKind::Pdf,
            crate::casefile::material::pdf_text(bytes)?,
        ));
    }
    let text = plain_text(bytes)?;
    if text.trim_start().starts_with("{\\rtf") {
        return Ok((DocumentKind::Rtf, rtf_text(&text)?));
    }
    Ok((DocumentKind::Text, text))
}

/// Bytes as text, by their byte-order mark, as UTF-8, or as Windows-1252.
fn plain_text(bytes: &[u8]) -> Result<String, AppError> {
    let (text, _, _) = match encoding_rs::Encoding::for_bom(bytes) {
        Some((encoding, _)) => encoding.decode(bytes),
        None if std::str::from_utf8(bytes).is_ok() => encoding_rs::UTF_8.decode(bytes),
        None => encoding_rs::WINDOWS_1252.decode(bytes),
    };
    let control = text
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'));
    if let Some(c) = control {
        return Err(unreadable(format!(
            "the file holds the control character U+{:04X}: it is not a text, an RTF or a PDF file",
            c as u32
        )));
    }
    Ok(text.into_owned())
}

/// Destinations whose text is not the document's text.
fn skipped(word: &str) -> bool {
    matches!(
        word,
        "fonttbl"
            | "colortbl"
            | "stylesheet"
            | "info"
            | "pict"
            | "object"
            | "header"
            | "footer"
            | "headerl"
            | "headerr"
            | "footerl"
            | "footerr"
            | "themedata"
            | "colorschememapping"
            | "datastore"
            | "latentstyles"
            | "listtable"
            | "listoverridetable"
            | "rsidtbl"
            | "generator"
            | "xmlnstbl"
            | "fldinst"
    )
}

/// The text of an RTF document: paragraphs and line breaks kept, formatting dropped, `\'hh`
/// read as Windows-1252 and `\uN` as Unicode.
fn rtf_text(rtf: &str) -> Result<String, AppError> {
    let mut out = String::with_capacity(rtf.len() / 2);
    // Per open group: whether its text is skipped, and how many fallback characters follow a
    // `\uN` (`\ucN`).
    let mut groups: Vec<(bool, usize)> = vec![(false, 1)];
    let mut chars = rtf.chars().peekable();
    let mut fallback = 0usize;
    while let Some(c) = chars.next() {
        let (skip, uc) = *groups.last().unwrap_or(&(false, 1));
        match c {
            '{' => {
                if groups.len() == MAX_RTF_DEPTH {
                    return Err(unreadable(format!(
                        "the RTF file nests groups deeper than {MAX_RTF_DEPTH}"
                    )));
                }
                groups.push((skip, uc));
                fallback = 0;
            }
            '}' => {
                groups.pop();
                if groups.is_empty() {
                    break;
                }
                fallback = 0;
            }
            '\\' => {
                let Some(&next) = chars.peek() else { break };
                if next.is_ascii_alphabetic() {
                    let mut word = String::new();
                    while let Some(&l) = chars.peek().filter(|l| l.is_ascii_alphabetic()) {
                        word.push(l);
                        chars.next();
                        if word.len() > 32 {
                            break;
                        }
                    }
                    let mut number = String::new();
                    if chars.peek() == Some(&'-') {
                        number.push('-');
                        chars.next();
                    }
                    while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                        number.push(d);
                        chars.next();
                        if number.len() > 11 {
                            break;
                        }
                    }
                    if chars.peek() == Some(&' ') {
                        chars.next();
                    }
                    let n: Option<i64> = number.parse().ok();
                    let top = groups.last_mut().expect("a group is open");
                    match word.as_str() {
                        w if skipped(w) => top.0 = true,
                        "uc" => top.1 = n.unwrap_or(1).clamp(0, 8) as usize,
                        "u" if !skip => {
                            let code = n.unwrap_or(0);
                            let code = if code < 0 { code + 65_536 } else { code };
                            out.extend(char::from_u32(code as u32));
                            fallback = uc;
                        }
                        "par" | "line" | "sect" | "page" if !skip => out.push('\n'),
                        "tab" | "cell" if !skip => out.push('\t'),
                        "row" if !skip => out.push('\n'),
                        _ => {}
                    }
                } else {
                    chars.next();
                    match next {
                        '*' => groups.last_mut().expect("a group is open").0 = true,
                        '\'' => {
                            let hex: String = chars.by_ref().take(2).collect();
                            if let Ok(b) = u8::from_str_radix(&hex, 16)
                                && !skip
                            {
                                if fallback > 0 {
                                    fallback -= 1;
                                } else {
                                    let byte = [b];
                                    let (t, _, _) = encoding_rs::WINDOWS_1252.decode(&byte);
                                    out.push_str(&t);
                                }
                            }
                        }
                        '~' if !skip => out.push('\u{a0}'),
                        '\\' | '{' | '}' if !skip => out.push(next),
                        '\n' | '\r' if !skip => out.push('\n'),
                        _ => {}
                    }
                }
            }
            '\r' | '\n' => {}
            c if !skip => {
                if fallback > 0 {
                    fallback -= 1;
                } else {
                    out.push(c);
                }
            }
            _ => {}
        }
    }
    let text: String = out
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned();
    if text.is_empty() {
        return Err(unreadable("the RTF file holds no text"));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_in_any_common_encoding_reads_the_same() {
        let danish = "Borgeren blev set på bostedet. Æbler og øl.";
        let utf8 = danish.as_bytes().to_vec();
        let mut utf8_bom = vec![0xEF, 0xBB, 0xBF];
        utf8_bom.extend_from_slice(danish.as_bytes());
        let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(danish);
        let mut utf16le = vec![0xFF, 0xFE];
        for unit in danish.encode_utf16() {
            utf16le.extend_from_slice(&unit.to_le_bytes());
        }
        let mut utf16be = vec![0xFE, 0xFF];
        for unit in danish.encode_utf16() {
            utf16be.extend_from_slice(&unit.to_be_bytes());
        }
        for bytes in [utf8, utf8_bom, cp1252.into_owned(), utf16le, utf16be] {
            let (kind, text) = document_text(&bytes).unwrap();
            assert_eq!(kind, DocumentKind::Text);
            assert_eq!(text, danish, "{bytes:?}");
        }
    }

    #[test]
    fn a_word_document_gives_its_paragraphs_without_field_codes_or_deleted_text() {
        let docx = include_bytes!("../../../../fixtures/documents/notat-hjemmepleje.docx");
        let (kind, text) = document_text(docx).unwrap();
        assert_eq!(kind, DocumentKind::Docx);
        assert_eq!(
            text,
            "Notat fra hjemmeplejen\nBorger set af Søren Kjær kl. 14.30.\nMedicin:\tgivet\nNæste besøg i morgen."
        );
    }

    #[test]
    fn an_email_gives_its_header_body_and_attachments() {
        let eml = include_bytes!("../../../../fixtures/documents/henvendelse-vagtlaege.eml");
        let (kind, text) = document_text(eml).unwrap();
        assert_eq!(kind, DocumentKind::Mail);
        assert!(
            text.starts_with("Emne: Henvendelse vedrørende borger\n"),
            "{text}"
        );
        assert!(
            text.contains("Fra: Lene Vagtlæge <vagtlaege@example.invalid>"),
            "{text}"
        );
        assert!(text.contains("Dato: 2019-03-05T23:10:00+01:00"), "{text}");
        // the body's ISO 8859-1 quoted-printable, decoded
        assert!(text.contains("Hjemmeplejens notat er vedhæftet."), "{text}");
        assert!(
            text.contains("--- Bilag: notat.docx ---\nNotat fra hjemmeplejen"),
            "{text}"
        );
        assert!(
            text.contains("[Bilag: billede.png: ikke tekst, ikke læst]"),
            "{text}"
        );
        // an e-mail inside an e-mail inside an e-mail is not opened
        let inner = String::from_utf8_lossy(eml).into_owned();
        let wrap = |inside: &str, n: u8| {
            format!(
                "From: a@example.invalid\r\nSubject: lag {n}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b{n}\"\r\n\r\n--b{n}\r\nContent-Type: text/plain\r\n\r\nlag {n}\r\n--b{n}\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment; filename=\"indre{n}.eml\"\r\n\r\n{inside}\r\n--b{n}--\r\n"
            )
        };
        let (_, nested) = document_text(wrap(&wrap(&inner, 2), 1).as_bytes()).unwrap();
        assert!(
            nested.contains("lag 1") && nested.contains("lag 2"),
            "{nested}"
        );
        assert!(
            nested.contains("en e-mail i en e-mail, ikke læst"),
            "{nested}"
        );
        assert!(!nested.contains("Notat fra hjemmeplejen"), "{nested}");
    }

    #[test]
    fn a_zip_that_is_no_word_document_or_a_bomb_is_refused() {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("word/document.xml", options).unwrap();
        // 40 MB of zeros compresses to some 40 kB
        let zeros = vec![b'0'; 1 << 20];
        for _ in 0..40 {
            std::io::Write::write_all(&mut zip, &zeros).unwrap();
        }
        let bomb = zip.finish().unwrap().into_inner();
        assert!(bomb.len() < 200_000, "{}", bomb.len());
        let refused = document_text(&bomb).unwrap_err().to_string();
        assert!(refused.contains("more than 32 MB"), "{refused}");

        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        zip.start_file("other.txt", options).unwrap();
        std::io::Write::write_all(&mut zip, b"x").unwrap();
        let other = zip.finish().unwrap().into_inner();
        let refused = document_text(&other).unwrap_err().to_string();
        assert!(refused.contains("not a Word document"), "{refused}");
        assert!(document_text(b"PK\x03\x04 broken").is_err());
    }

    #[test]
    fn rtf_gives_its_text_without_the_formatting() {
        let rtf = r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Calibri;}}{\colortbl;\red0\green0\blue0;}
{\*\generator Riched20;}{\info{\author Nogen}}\pard\f0\fs22 D\'f8gnrapport fra \b politiet\b0 .\par
Borgeren var urolig \u8211? men rolig igen kl. 23.\line Se n\'e6ste side.\par}";
        let (kind, text) = document_text(rtf.as_bytes()).unwrap();
        assert_eq!(kind, DocumentKind::Rtf);
        assert_eq!(
            text,
            "Døgnrapport fra politiet.\nBorgeren var urolig – men rolig igen kl. 23.\nSe næste side."
        );
        for hidden in ["Calibri", "Nogen", "Riched20", "red0"] {
            assert!(!text.contains(hidden), "{hidden}: {text}");
        }
    }

    #[test]
    fn binary_deep_and_empty_files_are_refused_with_a_reason() {
        let binary = document_text(b"\x89PNG\r\n\x1a\n\x00\x00binary")
            .unwrap_err()
            .to_string();
        assert!(binary.contains("U+001A"), "{binary}");
        // a ZIP is read as a Word document, and refused as one when it is none
        let zip = document_text(b"PK\x03\x04\x00\x00binary")
            .unwrap_err()
            .to_string();
        assert!(zip.contains("not a readable ZIP (DOCX) file"), "{zip}");
        let deep = format!("{{\\rtf1 {}x", "{".repeat(MAX_RTF_DEPTH + 1));
        let deep = document_text(deep.as_bytes()).unwrap_err().to_string();
        assert!(deep.contains("deeper"), "{deep}");
        let empty = document_text(br"{\rtf1{\fonttbl{\f0 Arial;}}}")
            .unwrap_err()
            .to_string();
        assert!(empty.contains("no text"), "{empty}");
    }
}
