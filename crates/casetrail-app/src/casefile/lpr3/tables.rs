//! LPR3 tables as Parquet, which a data warehouse exports as readily as CSV: a Parquet file
//! (told by its `PAR1` magic, not its name) is read with the `parquet` crate and given to the
//! LPR3 reader as the CSV it would have been — the columns by the schema's names, each value
//! as text (a DATE as `YYYY-MM-DD`, numbers as digits, nulls empty) — so every check and every
//! message is the CSV's. Row N of the table is reported as line N + 1, as in a CSV with its
//! header. The text is held in memory, as the parsed rows are anyway; nothing is written to
//! disk in the clear.

use std::path::Path;

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

use crate::core::error::{AppError, CaseFileError, io_error};

/// Whether the file is Parquet.
pub(crate) fn is_parquet(path: &Path) -> Result<bool, AppError> {
    use std::io::Read as _;
    let mut magic = [0u8; 4];
    let mut file = std::fs::File::open(path).map_err(io_error(path))?;
    let read = file.read(&mut magic).map_err(io_error(path))?;
    Ok(read == 4 && &magic == b"PAR1")
}

fn refused(path: &Path, detail: impl std::fmt::Display) -> AppError {
    CaseFileError::Parquet {
        path: path.to_owned(),
        detail: detail.to_string(),
    }
    .into()
}

/// A value as the CSV would have held it.
fn text(field: &Field) -> String {
    match field {
        Field::Null => String::new(),
        Field::Str(s) => s.clone(),
        Field::Bytes(b) => String::from_utf8_lossy(b.data()).into_owned(),
        other => other.to_string().trim_matches('"').to_owned(),
    }
}

/// The Parquet table at `path` as CSV bytes separated by `delimiter`, header first.
pub(crate) fn parquet_as_csv(path: &Path, delimiter: u8) -> Result<Vec<u8>, AppError> {
    let file = std::fs::File::open(path).map_err(io_error(path))?;
    let reader = SerializedFileReader::new(file).map_err(|e| refused(path, e))?;
    let columns: Vec<String> = reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .root_schema()
        .get_fields()
        .iter()
        .map(|f| f.name().to_owned())
        .collect();
    let mut out = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(Vec::new());
    out.write_record(&columns).map_err(|e| refused(path, e))?;
    let rows = reader.get_row_iter(None).map_err(|e| refused(path, e))?;
    for (n, row) in rows.enumerate() {
        let row = row.map_err(|e| refused(path, format!("row {}: {e}", n + 1)))?;
        let mut record = vec![String::new(); columns.len()];
        for (name, field) in row.get_column_iter() {
            if let Some(i) = columns.iter().position(|c| c == name) {
                record[i] = text(field);
            }
        }
        out.write_record(&record).map_err(|e| refused(path, e))?;
    }
    out.into_inner().map_err(|e| refused(path, e.error()))
}
