//! Parquet files for DuckDB, Spark or R: the answers (one row per answer, the long CSV's
//! columns) and the stage-1 admission episodes of a year (one row per episode, the patient
//! as a keyed pseudonym, no dates: only what stage 1 counts).

use std::sync::Arc;

use casetrail_anon::PseudonymKey;
use casetrail_domain::readmission::{Readmission, classify};
use casetrail_domain::stays::Stay;
use casetrail_domain::{DayWindow, DiagnosisGroup, PatientId};
use parquet::basic::Compression;
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DataType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::{SerializedColumnWriter, SerializedFileWriter};
use parquet::schema::parser::parse_message_type;

use crate::core::error::{AppError, ExportError};

use crate::exports::findings::Findings;

/// One column's values; `None` is a null.
#[derive(Debug)]
enum Values {
    Text(Vec<Option<String>>),
    Int(Vec<Option<i64>>),
    Flag(Vec<Option<bool>>),
}

#[derive(Debug)]
struct Column {
    name: &'static str,
    nullable: bool,
    values: Values,
}

fn text(name: &'static str, values: Vec<String>) -> Column {
    Column {
        name,
        nullable: false,
        values: Values::Text(values.into_iter().map(Some).collect()),
    }
}

fn parquet_error(e: parquet::errors::ParquetError) -> AppError {
    AppError::from(ExportError::Parquet(e.to_string()))
}

/// Writes `columns` (all of one length) as a Parquet file of one row group, Snappy-compressed.
fn write(message: &str, columns: &[Column]) -> Result<Vec<u8>, AppError> {
    let fields: Vec<String> = columns
        .iter()
        .map(|c| {
            let repetition = if c.nullable { "OPTIONAL" } else { "REQUIRED" };
            let physical = match c.values {
                Values::Text(_) => "BYTE_ARRAY",
                Values::Int(_) => "INT64",
                Values::Flag(_) => "BOOLEAN",
            };
            let logical = match c.values {
                Values::Text(_) => " (UTF8)",
                _ => "",
            };
            format!("{repetition} {physical} {}{logical};", c.name)
        })
        .collect();
    let schema = format!("message {message} {{ {} }}", fields.join(" "));
    let schema = Arc::new(parse_message_type(&schema).map_err(parquet_error)?);
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("casetrail {}", env!("CARGO_PKG_VERSION")))
            .build(),
    );
    let mut writer = SerializedFileWriter::new(Vec::new(), schema, props).map_err(parquet_error)?;
    let mut group = writer.next_row_group().map_err(parquet_error)?;
    for column in columns {
        let mut out = group
            .next_column()
            .map_err(parquet_error)?
            .expect("one writer per schema column");
        let nullable = column.nullable;
        match &column.values {
            Values::Text(v) => write_values::<ByteArrayType, _>(&mut out, v, nullable, |s| {
                ByteArray::from(s.as_bytes())
            }),
            Values::Int(v) => write_values::<Int64Type, _>(&mut out, v, nullable, |n| *n),
            Values::Flag(v) => write_values::<BoolType, _>(&mut out, v, nullable, |b| *b),
        }?;
        out.close().map_err(parquet_error)?;
    }
    group.close().map_err(parquet_error)?;
    writer.into_inner().map_err(parquet_error)
}

/// Writes one column: the present values, and for a nullable column a definition level per
/// row (1 present, 0 null).
fn write_values<T: DataType, V>(
    out: &mut SerializedColumnWriter<'_>,
    values: &[Option<V>],
    nullable: bool,
    convert: impl Fn(&V) -> T::T,
) -> Result<(), AppError> {
    let present: Vec<T::T> = values.iter().flatten().map(convert).collect();
    let levels: Vec<i16> = values.iter().map(|v| i16::from(v.is_some())).collect();
    out.typed::<T>()
        .write_batch(&present, nullable.then_some(&levels[..]), None)
        .map(|_| ())
        .map_err(parquet_error)
}

/// The answers, one row per answer (the columns of `answers.csv`, docs/exports.md).
pub fn answers_parquet(findings: &Findings) -> Result<Vec<u8>, AppError> {
    let rows = &findings.answers;
    let col = |name, f: fn(&crate::exports::findings::AnswerRow) -> &String| {
        text(name, rows.iter().map(|r| f(r).clone()).collect())
    };
    let step = Column {
        name: "step",
        nullable: true,
        values: Values::Int(rows.iter().map(|r| r.value.parse().ok()).collect()),
    };
    let preliminary = Column {
        name: "preliminary",
        nullable: false,
        values: Values::Flag(rows.iter().map(|_| Some(findings.preliminary)).collect()),
    };
    write(
        "answers",
        &[
            col("audit", |r| &r.audit),
            preliminary,
            col("panel", |r| &r.panel),
            col("case", |r| &r.case),
            col("question", |r| &r.question),
            col("member", |r| &r.member),
            col("member_sector", |r| &r.member_sector),
            col("value", |r| &r.value),
            step,
            col("value_label", |r| &r.value_label),
            col("justification", |r| &r.justification),
        ],
    )
}

fn group_code(g: DiagnosisGroup) -> &'static str {
    match g {
        DiagnosisGroup::Schizophrenia => "F20",
        DiagnosisGroup::PersonalityDisorder => "F60",
        DiagnosisGroup::Other => "other",
    }
}

/// The admission episodes stage 1 counts for `year` (user-controlled beds left out, as
/// there), one row each: the patient's pseudonym and the episode's number in the year, the
/// diagnosis group, acute or not, court-ordered, length in days (null while open), evening
/// or night start (null when the time is unknown), readmission, and the days since the
/// discharge a readmission follows.
pub fn stage1_parquet(
    year: i32,
    stays: &std::collections::BTreeMap<PatientId, Vec<Stay>>,
    key: &PseudonymKey,
) -> Result<Vec<u8>, AppError> {
    let mut patient = Vec::new();
    let mut episode = Vec::new();
    let mut group = Vec::new();
    let mut acute = Vec::new();
    let mut court = Vec::new();
    let mut length = Vec::new();
    let mut evening = Vec::new();
    let mut readmission = Vec::new();
    let mut gap_days = Vec::new();
    for (id, list) in stays {
        let pseudonym = format!("P-{}", key.pseudonym("export-patient", id.as_str()));
        let mut n = 0;
        for (stay, class) in list.iter().zip(classify(list)) {
            if stay.user_controlled_bed || stay.start.year() != year {
                continue;
            }
            n += 1;
            patient.push(pseudonym.clone());
            episode.push(Some(n));
            group.push(
                group_code(
                    stay.main_diagnosis()
                        .map_or(DiagnosisGroup::Other, |d| d.group()),
                )
                .to_string(),
            );
            acute.push(Some(stay.is_acute()));
            court.push(Some(stay.court_ordered));
            length.push(stay.length_days());
            evening.push(stay.start.in_window(DayWindow::EVENING_NIGHT));
            match class {
                Readmission::Yes { gap } => {
                    readmission.push(Some(true));
                    gap_days.push(Some(gap.0 / 86_400));
                }
                Readmission::No(_) => {
                    readmission.push(Some(false));
                    gap_days.push(None);
                }
            }
        }
    }
    let rows = patient.len();
    write(
        "stage1_episodes",
        &[
            Column {
                name: "year",
                nullable: false,
                values: Values::Int(vec![Some(i64::from(year)); rows]),
            },
            text("patient", patient),
            Column {
                name: "episode",
                nullable: false,
                values: Values::Int(episode),
            },
            text("diagnosis_group", group),
            Column {
                name: "acute",
                nullable: false,
                values: Values::Flag(acute),
            },
            Column {
                name: "court_ordered",
                nullable: false,
                values: Values::Flag(court),
            },
            Column {
                name: "length_days",
                nullable: true,
                values: Values::Int(length),
            },
            Column {
                name: "evening_night",
                nullable: true,
                values: Values::Flag(evening),
            },
            Column {
                name: "readmission",
                nullable: false,
                values: Values::Flag(readmission),
            },
            Column {
                name: "days_since_discharge",
                nullable: true,
                values: Values::Int(gap_days),
            },
        ],
    )
}
