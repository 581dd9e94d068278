//! The text of an e-mail (`.eml`, RFC 5322 with MIME), read with `mail-parser`: its subject,
//! sender, date and body, then each attachment's text, read as any document is (a PDF, a Word
//! document, an RTF, a text). An attachment that is no text (a picture) is named and left out;
//! an e-mail attached to an e-mail is read one level deep only.

use mail_parser::MimeHeaders as _;

use super::{DocumentKind, document_text_at};
use crate::core::error::AppError;

/// Whether the bytes look like an e-mail: a header block that names a sender and a subject or
/// a MIME version, before the first empty line.
pub(super) fn looks_like_mail(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(16 * 1024)]).to_ascii_lowercase();
    let fields: Vec<&str> = head
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .take_while(|l| !l.is_empty())
        .collect();
    let has = |field: &str| fields.iter().any(|l| l.starts_with(field));
    has("from:") && (has("subject:") || has("mime-version:") || has("date:"))
}

/// The e-mail's text, attachments' texts after it.
pub(super) fn mail_text(bytes: &[u8], depth: usize) -> Result<String, AppError> {
    let message = mail_parser::MessageParser::default()
        .parse(bytes)
        .ok_or_else(|| super::unreadable("not a readable e-mail"))?;
    let mut out = String::new();
    if let Some(subject) = message.subject() {
        out.push_str(&format!("Emne: {subject}\n"));
    }
    if let Some(from) = message.from().and_then(|f| f.first()) {
        let who = match (from.name(), from.address()) {
            (Some(n), Some(a)) => format!("{n} <{a}>"),
            (Some(n), None) => n.to_owned(),
            (None, Some(a)) => a.to_owned(),
            (None, None) => String::new(),
        };
        out.push_str(&format!("Fra: {who}\n"));
    }
    if let Some(date) = message.date() {
        out.push_str(&format!("Dato: {}\n", date.to_rfc3339()));
    }
    out.push('\n');
    for i in 0..message.text_body.len() {
        if let Some(body) = message.body_text(i) {
            out.push_str(body.trim_end());
            out.push('\n');
        }
    }
    for attachment in message.attachments() {
        let name = attachment.attachment_name().unwrap_or("uden navn");
        let contents = attachment.contents();
        match document_text_at(contents, depth + 1) {
            Ok((DocumentKind::Mail, _)) if depth > 0 => {
                out.push_str(&format!(
                    "\n[Bilag: {name}: en e-mail i en e-mail, ikke læst]\n"
                ));
            }
            Ok((_, text)) => {
                out.push_str(&format!("\n--- Bilag: {name} ---\n{}\n", text.trim_end()));
            }
            Err(_) => {
                out.push_str(&format!("\n[Bilag: {name}: ikke tekst, ikke læst]\n"));
            }
        }
    }
    Ok(out.trim_end().to_owned())
}
