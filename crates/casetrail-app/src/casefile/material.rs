//! Case material from files: the text of a PDF, extracted with `pdf-extract`, becomes material
//! like any typed note (sealed under the patient's key, redacted in every timeline).
//!
//! Material comes from other sectors, so every file is hostile: a valid 3 MB PDF can inflate
//! to gigabytes, and an allocation failure aborts a process whatever `catch_unwind` does. So
//! the server reads a PDF in a child process ([`PdfReader::Sandboxed`]: `casetrail pdf-text`)
//! with an address-space limit, a CPU limit, a wall-clock deadline and a cap on the text it
//! may return; a hostile file fails that one upload with a clear message.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::core::error::{AppError, CaseFileError};

/// The largest PDF accepted as material.
pub const MAX_PDF_BYTES: usize = 16 * 1024 * 1024;
/// The memory the reading process may map, CPU seconds it may use, how long it may take, and
/// how much text it may give back.
pub const PDF_MEMORY_BYTES: u64 = 768 * 1024 * 1024;
pub const PDF_CPU_SECONDS: u64 = 20;
pub const PDF_DEADLINE: Duration = Duration::from_secs(30);
pub const MAX_PDF_TEXT_BYTES: usize = 8 * 1024 * 1024;

/// How this process reads PDFs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PdfReader {
    /// In this process: for tests and one-off commands, never for a server.
    InProcess,
    /// In a child process of this program (`PROGRAM pdf-text`), under limits.
    Sandboxed(PathBuf),
}

static READER: OnceLock<PdfReader> = OnceLock::new();

/// Chooses how this process reads PDFs; the first choice holds. A server chooses
/// [`PdfReader::Sandboxed`] with its own executable before it serves.
pub fn read_pdfs_with(reader: PdfReader) {
    let _ = READER.set(reader);
}

fn pdf_error(reason: impl Into<String>) -> AppError {
    AppError::from(CaseFileError::Pdf {
        reason: reason.into(),
    })
}

/// The text of a PDF, read the way this process was set up to ([`read_pdfs_with`]).
pub fn pdf_text(bytes: &[u8]) -> Result<String, AppError> {
    match READER.get() {
        Some(PdfReader::Sandboxed(program)) => pdf_text_sandboxed(program, bytes),
        _ => pdf_text_here(bytes),
    }
}

/// Sets this process's limits for reading one PDF: called by `casetrail pdf-text` first.
pub fn limit_this_process_for_pdf() -> Result<(), AppError> {
    use rustix::process::{Resource, Rlimit, setrlimit};
    let limit = |resource, n: u64| {
        setrlimit(
            resource,
            Rlimit {
                current: Some(n),
                maximum: Some(n),
            },
        )
        .map_err(|e| pdf_error(format!("setting the reader's limits: {e}")))
    };
    limit(Resource::As, PDF_MEMORY_BYTES)?;
    limit(Resource::Cpu, PDF_CPU_SECONDS)?;
    limit(Resource::Core, 0)
}

/// Reads a PDF in a child process under limits; see the module's documentation.
pub fn pdf_text_sandboxed(program: &std::path::Path, bytes: &[u8]) -> Result<String, AppError> {
    check_pdf(bytes)?;
    let mut child = Command::new(program)
        .arg("pdf-text")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_clear()
        .spawn()
        .map_err(|e| {
            pdf_error(format!(
                "starting the PDF reader {}: {e}",
                program.display()
            ))
        })?;
    let (Some(mut stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        return Err(pdf_error("the PDF reader has no pipes"));
    };
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || {
        // A reader that dies early closes its end; that is reported by its exit below.
        let _ = stdin.write_all(&input);
    });
    let capped = |pipe: Box<dyn Read + Send>, cap: usize| {
        std::thread::spawn(move || {
            let mut out = Vec::new();
            let _ = pipe.take(cap as u64 + 1).read_to_end(&mut out);
            out
        })
    };
    let text = capped(Box::new(stdout), MAX_PDF_TEXT_BYTES);
    let message = capped(Box::new(stderr), 4096);
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() > PDF_DEADLINE => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(pdf_error(format!("waiting for the PDF reader: {e}"))),
        }
    };
    let _ = writer.join();
    let text = text.join().unwrap_or_default();
    let message = String::from_utf8_lossy(&message.join().unwrap_or_default()).into_owned();
    let Some(status) = status else {
        return Err(pdf_error(format!(
            "reading the PDF took more than {} seconds, so it was stopped: the file may be built to exhaust the reader",
            PDF_DEADLINE.as_secs()
        )));
    };
    if text.len() > MAX_PDF_TEXT_BYTES {
        return Err(pdf_error(format!(
            "the PDF holds more than {} MiB of text: split it, or type what matters",
            MAX_PDF_TEXT_BYTES >> 20
        )));
    }
    if !status.success() {
        // Exit code 2 is the reader's own refusal, with its reason; anything else (an abort
        // on allocation, a signal for CPU time) is a limit it ran into.
        let reason = message.trim();
        return Err(pdf_error(
            if status.code() == Some(2) && !reason.is_empty() {
                reason.to_owned()
            } else {
                format!(
                    "reading the PDF needed more than {} MiB of memory or {} CPU seconds, so it was stopped: the file may be damaged or built to exhaust the reader",
                    PDF_MEMORY_BYTES >> 20,
                    PDF_CPU_SECONDS
                )
            },
        ));
    }
    String::from_utf8(text).map_err(|_| pdf_error("the PDF reader gave text that is not UTF-8"))
}

fn check_pdf(bytes: &[u8]) -> Result<(), AppError> {
    if bytes.len() > MAX_PDF_BYTES {
        return Err(CaseFileError::Pdf {
            reason: format!(
                "{} bytes is more than the {MAX_PDF_BYTES} a PDF may have",
                bytes.len()
            ),
        }
        .into());
    }
    if !bytes.starts_with(b"%PDF-") {
        return Err(CaseFileError::Pdf {
            reason: "the file does not start with %PDF-: it is not a PDF".into(),
        }
        .into());
    }
    Ok(())
}

/// The text of a PDF read in this process. A file that is not a PDF, has no text layer (a
/// scan), or makes the parser fail is refused with the reason, never half read; a file
/// built to exhaust memory is not caught here (see [`pdf_text_sandboxed`]).
pub fn pdf_text_here(bytes: &[u8]) -> Result<String, AppError> {
    check_pdf(bytes)?;
    // The parser panics on some malformed files; a bad upload must not take a worker down.
    let extracted = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(bytes))
        .map_err(|_| CaseFileError::Pdf {
            reason: "the PDF is damaged or uses a structure the reader does not know".into(),
        })?
        .map_err(|e| CaseFileError::Pdf {
            reason: e.to_string(),
        })?;
    let text = extracted.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return Err(CaseFileError::Pdf {
            reason: "the PDF has no text layer (a scanned page?): type the text instead".into(),
        }
        .into());
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &[u8] = include_bytes!("../../../../fixtures/web/doegnrapport-sag-6.pdf");

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
        assert!(
            matches!(truncated, AppError::CaseFile(CaseFileError::Pdf { .. })),
            "{truncated}"
        );
        let garbage = [b"%PDF-1.4\n".as_slice(), &[0xff; 64]].concat();
        assert!(matches!(
            pdf_text(&garbage),
            Err(AppError::CaseFile(CaseFileError::Pdf { .. }))
        ));
    }
}
