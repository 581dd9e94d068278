//! A receipt inside an HTML report. The report is rendered with [`MARKER`] where the receipt
//! goes; the receipt is made for those bytes; then the marker is replaced by a
//! `<script type="application/json">` element holding it (a data block: browsers never run
//! it). To check, the element is put back to the marker and the bytes hashed again.

use crate::{Receipt, ReceiptError};

/// Where the receipt goes, and what it is replaced by when the content is hashed.
pub const MARKER: &str = "<!--casetrail-receipt-->";
const OPEN: &str = r#"<script type="application/json" id="casetrail-receipt">"#;
const CLOSE: &str = "</script>";

/// Puts `receipt` where the marker is. The marker must be there exactly once.
pub fn embed_in_html(html: &str, receipt: &Receipt) -> Result<String, ReceiptError> {
    if html.matches(MARKER).count() != 1 {
        return Err(ReceiptError::Malformed {
            field: "report",
            problem: format!("needs the marker {MARKER} exactly once"),
        });
    }
    // `<` only occurs inside JSON strings, where \u003c means the same: no `</script>` can
    // end the block early.
    let json = receipt.to_json().replace('<', "\\u003c");
    Ok(html.replacen(MARKER, &format!("{OPEN}{json}{CLOSE}"), 1))
}

/// The receipt in an HTML file, and the bytes it was made for (the file with the receipt
/// put back to the marker). None when the file holds no receipt.
pub fn extract_from_html(html: &str) -> Result<Option<(Receipt, String)>, ReceiptError> {
    let Some(start) = html.find(OPEN) else {
        return Ok(None);
    };
    if html[start + OPEN.len()..].contains(OPEN) {
        return Err(ReceiptError::Malformed {
            field: "report",
            problem: "holds more than one receipt".into(),
        });
    }
    let body_start = start + OPEN.len();
    let end = html[body_start..]
        .find(CLOSE)
        .map(|e| body_start + e)
        .ok_or_else(|| ReceiptError::Malformed {
            field: "report",
            problem: "its receipt element is not closed".into(),
        })?;
    let receipt = Receipt::from_json(&html[body_start..end])?;
    let content = format!("{}{MARKER}{}", &html[..start], &html[end + CLOSE.len()..]);
    Ok(Some((receipt, content)))
}
