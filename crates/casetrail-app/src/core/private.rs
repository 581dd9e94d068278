//! Everything under the data directory is the owner's alone. Personal data in the log is
//! sealed, but the folder also holds the key vault, the stays projection and, for a moment,
//! uploaded extracts: a local user who can read them learns who is in the data.
//!
//! So a read-write open sets the process's file-creation mask to 077 (every file and folder
//! it or RocksDB creates afterwards is owner-only: 0600 and 0700), tightens what an older
//! version left readable, and removes the plain-text uploads that older versions kept.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::core::error::{AppError, io_error};

use crate::core::layout::scratch_dir;

/// Owner-only modes for the data directory's folders and files.
pub const DIR_MODE: u32 = 0o700;
pub const FILE_MODE: u32 = 0o600;

/// Folders older versions wrote uploaded or demo input into, in plain text.
const PLAIN_INPUT_FOLDERS: [&str; 2] = ["uploads", "demo-input"];

/// Makes the data directory private: see the module's documentation.
pub(crate) fn make_private(data_dir: &Path) -> Result<(), AppError> {
    // The mask is per process; every process that writes a data directory sets the same one.
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    std::fs::create_dir_all(data_dir).map_err(io_error(data_dir))?;
    for folder in PLAIN_INPUT_FOLDERS {
        let path = data_dir.join(folder);
        if path.exists() {
            std::fs::remove_dir_all(&path).map_err(io_error(&path))?;
        }
    }
    let scratch = scratch_dir(data_dir);
    if scratch.exists() {
        // Left by a crash in the middle of an import: nothing in it is needed.
        std::fs::remove_dir_all(&scratch).map_err(io_error(&scratch))?;
    }
    tighten(data_dir)
}

/// Owner-only modes on the folder and everything below it.
fn tighten(path: &Path) -> Result<(), AppError> {
    let meta = std::fs::symlink_metadata(path).map_err(io_error(path))?;
    if meta.file_type().is_symlink() {
        return Ok(());
    }
    let wanted = if meta.is_dir() { DIR_MODE } else { FILE_MODE };
    if meta.permissions().mode() & 0o777 != wanted {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(wanted))
            .map_err(io_error(path))?;
    }
    if meta.is_dir() {
        for entry in std::fs::read_dir(path).map_err(io_error(path))? {
            tighten(&entry.map_err(io_error(path))?.path())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn older_folders_are_tightened_and_plain_uploads_removed() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(data.join("uploads")).unwrap();
        std::fs::write(data.join("uploads/x.csv"), "cpr\n0101011234\n").unwrap();
        std::fs::create_dir_all(data.join("keys")).unwrap();
        std::fs::write(data.join("keys/000001.sst"), "k").unwrap();
        std::fs::set_permissions(
            data.join("keys/000001.sst"),
            PermissionsExt::from_mode(0o644),
        )
        .unwrap();
        make_private(&data).unwrap();
        assert!(!data.join("uploads").exists());
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data.join("keys/000001.sst")), FILE_MODE);
        assert_eq!(mode(&data.join("keys")), DIR_MODE);
        assert_eq!(mode(&data), DIR_MODE);
        std::fs::write(data.join("new"), "x").unwrap();
        assert_eq!(
            mode(&data.join("new")),
            FILE_MODE,
            "the mask covers new files"
        );
    }
}
