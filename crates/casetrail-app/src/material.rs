//! Case material from files: the text of a PDF, extracted with `pdf-extract`, becomes material
//! like any typed note (sealed under the patient's key, redacted in every timeline).

use crate::error::AppError;

/// The largest PDF accepted as material.
pub const MAX_PDF_BYTES: usize = 16 * 1024 * 1024;

/// The text of a PDF. A file that is not a PDF, has no text layer (a scan), or makes the
/// parser fail is refused with the reason, never half read.
pub fn pdf_text(bytes: &[u8]) -> Result<String, AppError> {
    if bytes.len() > MAX_PDF_BYTES {
        return Err(AppError::Pdf {
            reason: format!(
                "{} bytes is more than the {MAX_PDF_BYTES} a PDF may have",
                bytes.len()
            ),
        });
    }
    if !bytes.starts_with(b"%PDF-") {
        return Err(AppError::Pdf {
            reason: "the file does not start with %PDF-: it is not a PDF".into(),
        });
    }
    // The parser panics on some malformed files; a bad upload must not take a worker down.
    let extracted = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(bytes))
        .map_err(|_| AppError::Pdf {
            reason: "the PDF is damaged or uses a structure the reader does not know".into(),
        })?
        .map_err(|e| AppError::Pdf {
            reason: e.to_string(),
        })?;
    let text = extracted.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return Err(AppError::Pdf {
            reason: "the PDF has no text layer (a scanned page?): type the text instead".into(),
        });
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &[u8] = include_bytes!("../../../fixtures/web/doegnrapport-sag-6.pdf");

    #[test]
    fn the_text_of_a_pdf_is_extracted_whole() {
        let text = pdf_text(FIXTURE).unwrap();
        assert!(
            text.starts_with("Døgnrapport, Politiet Silkeborg."),
            "{text}"
        );
        assert!(text.contains("Mikkel Thorsen (020295-1234)"), "{text}");
        assert!(text.ends_with("Patruljen har brugt 40 minutter."), "{text}");
    }

    #[test]
    fn what_is_not_a_readable_pdf_is_refused_with_the_reason() {
        let not_pdf = pdf_text(b"Hello").unwrap_err().to_string();
        assert!(not_pdf.contains("not a PDF"), "{not_pdf}");
        let truncated = pdf_text(&FIXTURE[..FIXTURE.len() / 3]).unwrap_err();
        assert!(matches!(truncated, AppError::Pdf { .. }), "{truncated}");
        let garbage = [b"%PDF-1.4\n".as_slice(), &[0xff; 64]].concat();
        assert!(matches!(pdf_text(&garbage), Err(AppError::Pdf { .. })));
    }
}
