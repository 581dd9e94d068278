//! What each row the ledger writes per event costs, measured on raw RocksDB: the same synced
//! batches of 1,000 events as the raw baseline, with the ledger's index rows added one kind at
//! a time, each kind in a column family of its own with the keys shaped as the ledger shapes
//! them (`docs/ledger-format.md`). It tells a change of index layout what it can gain before
//! the on-disk format is touched: for example one stream-index entry per run of consecutive
//! versions instead of one per event, or the type index left to a rebuildable projection.

use std::time::Instant;

use anyhow::bail;

use crate::ledger_phases::{BATCH, payload, report};

const BATCHES: usize = 40;
const TYPES: [&str; 3] = ["ContactRecorded", "AdmissionStarted", "PlanChanged"];

/// Which index rows go beside each record.
#[derive(Debug, Clone, Copy)]
struct Rows {
    ids: bool,
    /// One entry per event, or (when `runs`) one per batch, the run of versions it holds.
    streams: bool,
    runs: bool,
    types: bool,
}

/// A RocksDB option tried on the ledger's four rows, against the same rows with defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Tuning {
    Defaults,
    /// LZ4 on the index column families, as the ledger has it.
    Lz4Indexes,
    Pipelined,
    WriteBuffer16,
    WriteBuffer256,
}

/// The tunings the table tries, by phase name, with what each is.
pub const TUNINGS: [(&str, &str); 4] = [
    (
        "tuned-lz4",
        "LZ4 on the index column families (the ledger's setting)",
    ),
    ("tuned-pipelined", "enable_pipelined_write"),
    ("tuned-wb16", "write buffers of 16 MiB (default 64)"),
    ("tuned-wb256", "write buffers of 256 MiB"),
];

fn tuning(name: &str) -> Option<Tuning> {
    Some(match name {
        "tuned-lz4" => Tuning::Lz4Indexes,
        "tuned-pipelined" => Tuning::Pipelined,
        "tuned-wb16" => Tuning::WriteBuffer16,
        "tuned-wb256" => Tuning::WriteBuffer256,
        _ => return None,
    })
}

fn rows(name: &str) -> Option<Rows> {
    let (ids, streams, runs, types) = match name {
        "rows-log" => (false, false, false, false),
        "rows-ids" => (true, false, false, false),
        "rows-ids-streams" => (true, true, false, false),
        "rows-all" => (true, true, false, true),
        "rows-ids-runs-types" => (true, true, true, true),
        "rows-ids-runs" => (true, true, true, false),
        _ => return None,
    };
    Some(Rows {
        ids,
        streams,
        runs,
        types,
    })
}

fn name_key(name: &str, n: u64) -> Vec<u8> {
    let mut key = Vec::with_capacity(1 + name.len() + 8);
    key.push(name.len() as u8);
    key.extend_from_slice(name.as_bytes());
    key.extend_from_slice(&n.to_be_bytes());
    key
}

fn run(dir: &str, shape: Rows, tuning: Tuning) -> anyhow::Result<()> {
    let mut opts = rocksdb::Options::default();
    opts.create_if_missing(true);
    opts.create_missing_column_families(true);
    let mut cf_opts = rocksdb::Options::default();
    match tuning {
        Tuning::Defaults | Tuning::Lz4Indexes => {}
        Tuning::Pipelined => opts.set_enable_pipelined_write(true),
        Tuning::WriteBuffer16 => cf_opts.set_write_buffer_size(16 << 20),
        Tuning::WriteBuffer256 => cf_opts.set_write_buffer_size(256 << 20),
    }
    let families = ["log", "streams", "ids", "types"].map(|name| {
        let mut o = cf_opts.clone();
        if tuning == Tuning::Lz4Indexes && name != "log" {
            o.set_compression_type(rocksdb::DBCompressionType::Lz4);
        }
        rocksdb::ColumnFamilyDescriptor::new(name, o)
    });
    let db = rocksdb::DB::open_cf_descriptors(&opts, dir, families)?;
    let cf = |name| db.cf_handle(name).expect("opened above");
    let values: Vec<Vec<u8>> = (0..(BATCH * BATCHES) as u64).map(payload).collect();
    let ids: Vec<[u8; 32]> = (0..(BATCH * BATCHES) as u64)
        .map(|n| *blake3::hash(&n.to_le_bytes()).as_bytes())
        .collect();
    let mut sync = rocksdb::WriteOptions::default();
    sync.set_sync(true);
    let start = Instant::now();
    for b in 0..BATCHES {
        let stream = format!("patient-{}", b % 10);
        let first_version = (b / 10 * BATCH) as u64;
        let mut batch = rocksdb::WriteBatch::default();
        for i in 0..BATCH {
            let n = (b * BATCH + i) as u64;
            let position = n.to_be_bytes();
            batch.put_cf(cf("log"), position, &values[n as usize]);
            if shape.ids {
                batch.put_cf(cf("ids"), ids[n as usize], position);
            }
            if shape.streams && !shape.runs {
                batch.put_cf(
                    cf("streams"),
                    name_key(&stream, first_version + i as u64),
                    position,
                );
            }
            if shape.types {
                batch.put_cf(cf("types"), name_key(TYPES[(n % 3) as usize], n), []);
            }
        }
        if shape.runs {
            let mut value = ((b * BATCH) as u64).to_be_bytes().to_vec();
            value.extend_from_slice(&(BATCH as u64).to_be_bytes());
            batch.put_cf(cf("streams"), name_key(&stream, first_version), value);
        }
        db.write_opt(batch, &sync)?;
    }
    let took = start.elapsed();
    let mut stored = 0usize;
    for item in db.iterator_cf(cf("log"), rocksdb::IteratorMode::Start) {
        item?;
        stored += 1;
    }
    if stored != BATCH * BATCHES {
        bail!("{stored} records stored, not {}", BATCH * BATCHES);
    }
    report(BATCH * BATCHES, took, "");
    Ok(())
}

/// The row phases by name; `None` when `name` is not one of them.
pub fn phase(name: &str, dir: &str) -> Option<anyhow::Result<()>> {
    if let Some(t) = tuning(name) {
        let all = rows("rows-all").expect("a row phase");
        return Some(run(dir, all, t));
    }
    rows(name).map(|shape| run(dir, shape, Tuning::Defaults))
}

/// The phases in the order the table lists them, with what each writes per event.
pub const PHASES: [(&str, &str); 6] = [
    ("rows-log", "the record alone, in its column family"),
    ("rows-ids", "+ event-id index"),
    ("rows-ids-streams", "+ stream index, one entry per event"),
    (
        "rows-all",
        "+ type index: the ledger's four rows (no chain, no tree)",
    ),
    (
        "rows-ids-runs-types",
        "four kinds, but one stream entry per run of versions (per batch)",
    ),
    (
        "rows-ids-runs",
        "record + event id + one stream entry per run, no type index",
    ),
];
