//! `casetrail pdf-text` (hidden): the child the server runs for every uploaded PDF.

use std::io::{Read, Write};
use std::process::ExitCode;

use clap::Args;

use crate::env::Env;

/// Read a PDF from standard input and print its text, under memory, CPU and output
/// limits: the server runs this as a child for every uploaded PDF, so a hostile file
/// ends this process, not the server.
#[derive(Debug, Args)]
pub struct PdfTextArgs {}

/// Limits first, then at most `MAX_PDF_BYTES` from standard input.
pub fn run(_: &Env, _: PdfTextArgs) -> anyhow::Result<ExitCode> {
    casetrail_app::limit_this_process_for_pdf()?;
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(casetrail_app::MAX_PDF_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    match casetrail_app::pdf_text_here(&bytes) {
        Ok(text) => {
            std::io::stdout().write_all(text.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{e}");
            Ok(ExitCode::from(2))
        }
    }
}
