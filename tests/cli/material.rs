//! PDF material is read in a child process under limits: a hostile file fails alone.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use casetrail_app::{AppError, CaseFileError};

const FIXTURE: &[u8] = include_bytes!("../../fixtures/web/doegnrapport-sag-6.pdf");

fn program() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_casetrail"))
}

/// A valid one-page PDF whose content stream is `inflated` zero bytes, deflated: a few
/// hundred kilobytes on disk.
fn pdf_bomb(inflated: usize) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..inflated / zeros.len() {
        z.write_all(&zeros).unwrap();
    }
    let stream = z.finish().unwrap();
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    let mut object = |pdf: &mut Vec<u8>, body: &[u8]| {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", offsets.len()).as_bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    };
    object(&mut pdf, b"<< /Type /Catalog /Pages 2 0 R >>");
    object(&mut pdf, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    object(
        &mut pdf,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
    );
    let mut contents = format!(
        "<< /Length {} /Filter /FlateDecode >>\nstream\n",
        stream.len()
    )
    .into_bytes();
    contents.extend_from_slice(&stream);
    contents.extend_from_slice(b"\nendstream");
    object(&mut pdf, &contents);
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes(),
    );
    for o in &offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

#[test]
fn the_reader_child_prints_the_text_of_a_pdf() {
    let mut child = Command::new(program())
        .arg("pdf-text")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(FIXTURE).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("Døgnrapport, Politiet Silkeborg."),
        "{text}"
    );
    let same = casetrail_app::pdf_text_sandboxed(program(), FIXTURE).unwrap();
    assert_eq!(same, text);
}

#[test]
fn a_pdf_that_inflates_to_a_gigabyte_fails_alone_with_a_clear_message() {
    let bomb = pdf_bomb(1 << 30);
    assert!(
        bomb.len() < casetrail_app::MAX_PDF_BYTES,
        "{} bytes",
        bomb.len()
    );
    let started = Instant::now();
    let err = casetrail_app::pdf_text_sandboxed(program(), &bomb).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(60));
    let AppError::CaseFile(CaseFileError::Pdf { reason }) = &err else {
        panic!("{err}");
    };
    assert!(
        reason.contains("MiB of memory") || reason.contains("seconds"),
        "{reason}"
    );
    // The reader is a child: this process goes on, and reads the next file.
    assert!(casetrail_app::pdf_text_sandboxed(program(), FIXTURE).is_ok());
}

#[test]
fn files_that_are_not_readable_pdfs_are_refused_by_the_child_with_the_reason() {
    let err = casetrail_app::pdf_text_sandboxed(program(), b"%PDF-1.4\n\xff\xff\xff").unwrap_err();
    assert!(
        matches!(err, AppError::CaseFile(CaseFileError::Pdf { .. })),
        "{err}"
    );
    let err = casetrail_app::pdf_text_sandboxed(program(), b"Hello").unwrap_err();
    assert!(err.to_string().contains("not a PDF"), "{err}");
}
