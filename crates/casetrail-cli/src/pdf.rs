//! Printing an HTML file to PDF with headless chromium (installed by `scripts/setup`).

use std::path::Path;

use anyhow::Context;

/// Prints `page` to `pdf` without chromium's own header and footer (the page's `@page`
/// rule sets the paper).
pub fn print(page: &Path, pdf: &Path) -> anyhow::Result<()> {
    let page =
        std::fs::canonicalize(page).with_context(|| format!("finding {}", page.display()))?;
    let status = std::process::Command::new("chromium")
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            &format!("--print-to-pdf={}", pdf.display()),
            &format!("file://{}", page.display()),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .context("running chromium to print the PDF (scripts/setup installs it)")?;
    if !status.success() {
        anyhow::bail!("chromium could not print {} ({status})", pdf.display());
    }
    Ok(())
}
