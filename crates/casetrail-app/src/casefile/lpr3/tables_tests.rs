//! The example LPR3 extract written as Parquet (dates as Parquet DATEs, the rest as UTF-8
//! text, empty values as nulls), forløbselementer too, imports as its CSV does, and a bad Parquet file is refused.

use std::sync::Arc;

use parquet::data_type::{ByteArray, ByteArrayType, Int32Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use super::*;
use crate::core::workbench::Access;

const MAPPING: &str = include_str!("../../../../../fixtures/import/lpr3/mapping.toml");
const CONTACTS: &str = include_str!("../../../../../fixtures/import/lpr3/kontakter.csv");
const DIAGNOSES: &str = include_str!("../../../../../fixtures/import/lpr3/diagnoser.csv");
const EPISODES: &str = include_str!("../../../../../fixtures/import/lpr3/forloebselementer.csv");

fn is_date(column: &str) -> bool {
    column.starts_with("dato_")
}

/// A CSV table as a Parquet file of one row group.
fn parquet_of(csv_text: &str) -> Vec<u8> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let fields: Vec<String> = header
        .iter()
        .map(|c| {
            if is_date(c) {
                format!("OPTIONAL INT32 {c} (DATE);")
            } else {
                format!("OPTIONAL BYTE_ARRAY {c} (UTF8);")
            }
        })
        .collect();
    let schema =
        Arc::new(parse_message_type(&format!("message t {{ {} }}", fields.join(" "))).unwrap());
    let props = Arc::new(WriterProperties::builder().build());
    let mut writer = SerializedFileWriter::new(Vec::new(), schema, props).unwrap();
    let mut group = writer.next_row_group().unwrap();
    for (i, column) in header.iter().enumerate() {
        let values: Vec<&str> = rows.iter().map(|r| r.get(i).unwrap_or("")).collect();
        let levels: Vec<i16> = values.iter().map(|v| i16::from(!v.is_empty())).collect();
        let mut out = group.next_column().unwrap().unwrap();
        if is_date(column) {
            let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
            let days: Vec<i32> = values
                .iter()
                .filter(|v| !v.is_empty())
                .map(|v| {
                    let d = NaiveDate::parse_from_str(v, "%Y-%m-%d").unwrap();
                    i32::try_from((d - epoch).num_days()).unwrap()
                })
                .collect();
            out.typed::<Int32Type>()
                .write_batch(&days, Some(&levels), None)
                .unwrap();
        } else {
            let text: Vec<ByteArray> = values
                .iter()
                .filter(|v| !v.is_empty())
                .map(|v| ByteArray::from(v.as_bytes()))
                .collect();
            out.typed::<ByteArrayType>()
                .write_batch(&text, Some(&levels), None)
                .unwrap();
        }
        out.close().unwrap();
    }
    group.close().unwrap();
    writer.into_inner().unwrap()
}

use casetrail_domain::NaiveDate;

#[test]
fn an_extract_as_parquet_imports_as_its_csv_does() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let mapping = write("mapping.toml", MAPPING.as_bytes());
    let csv_files = Lpr3Files {
        mapping: mapping.clone(),
        contacts: write("kontakter.csv", CONTACTS.as_bytes()),
        diagnoses: write("diagnoser.csv", DIAGNOSES.as_bytes()),
        episodes: Some(write("forloebselementer.csv", EPISODES.as_bytes())),
    };
    // named .csv or not, the bytes decide
    let parquet_files = Lpr3Files {
        mapping,
        contacts: write("kontakter.parquet", &parquet_of(CONTACTS)),
        diagnoses: write("diagnoser.csv.parquet", &parquet_of(DIAGNOSES)),
        episodes: Some(write("forloebselementer.parquet", &parquet_of(EPISODES))),
    };
    let import = |files: &Lpr3Files, data: &str| {
        let wb = Workbench::open_system(&dir.path().join(data), Access::ReadWrite).unwrap();
        let summary = wb
            .import_lpr3(files, ImportOptions::default(), "test", &mut crate::Quiet)
            .unwrap();
        (summary.rows, summary.patients, wb.stage1(2019).unwrap())
    };
    let from_csv = import(&csv_files, "csv");
    let from_parquet = import(&parquet_files, "parquet");
    assert_eq!(from_parquet, from_csv);
    assert_eq!(from_csv.0, 6);

    let broken = write(
        "broken.parquet",
        b"PAR1 and then nothing a Parquet file has",
    );
    let files = Lpr3Files {
        contacts: broken,
        ..parquet_files
    };
    let wb = Workbench::open_system(&dir.path().join("broken"), Access::ReadWrite).unwrap();
    let refused = wb
        .import_lpr3(&files, ImportOptions::default(), "test", &mut crate::Quiet)
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("broken.parquet: not a readable Parquet table"),
        "{refused}"
    );
}
