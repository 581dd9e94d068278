//! The slow, precise passes that run only when a digest differs: they name the first record
//! whose index entry or Merkle subtree is missing or wrong, or the first stored one no record
//! implies.

use rocksdb::DB;

use super::{Layout, hex};
use crate::breaks::{Break, BreakKind, brk};
use crate::error::LedgerError;
use crate::handles::{cf, scan_options};
use crate::ids::Position;
use crate::keys::{
    self, CF_EVENT_IDS, CF_STREAM_RUNS, CF_STREAMS, CF_TREE, CF_TYPES, TREE_STORED_FROM_LEVEL,
    TYPES_INDEXED_TO,
};
use crate::reads;
use crate::record::Record;
use crate::runs;
use crate::tree::record_leaf;
use casetrail_merkle::Frontier;

/// The slow, precise pass: each record's implied entries by point lookup, then (when
/// `dangling` is set) each stored entry against the record it points at.
pub(super) fn locate_index_break(
    db: &DB,
    from: Position,
    dangling: bool,
    layout: Layout,
) -> Result<Option<Break>, LedgerError> {
    let mut first = None;
    for record in reads::LogIter::new(db, from) {
        first = missing_entry(db, &record?, layout)?;
        if first.is_some() {
            break;
        }
    }
    if dangling
        && let Some(d) = first_dangling(db, layout)?
        && first
            .as_ref()
            .is_none_or(|f: &Break| d.position < f.position)
    {
        first = Some(d);
    }
    Ok(first)
}

/// The first index entry that `record` implies but the index does not hold as implied.
fn missing_entry(db: &DB, record: &Record, layout: Layout) -> Result<Option<Break>, LedgerError> {
    if !layout.per_event_streams {
        let run = runs::run_at_or_before(db, &record.stream, record.version)?;
        if run.as_ref().and_then(|r| r.position_of(record.version)) != Some(record.position) {
            return Ok(Some(brk(
                record.position,
                BreakKind::IndexMissing,
                format!(
                    "{CF_STREAM_RUNS} entry covering {} version {} → {}",
                    record.stream, record.version, record.position
                ),
                run.map_or("no run".to_string(), |r| {
                    format!(
                        "the run of versions {}..={} at {}",
                        r.first_version,
                        r.last_version(),
                        r.first_position
                    )
                }),
            )));
        }
    }
    let pos = keys::position_value(record.position);
    let mut implied = vec![(CF_EVENT_IDS, record.id.0.to_vec(), Some(&pos[..]))];
    if layout.per_event_streams {
        let key = keys::stream_key(record.stream.as_str(), record.version);
        implied.push((CF_STREAMS, key, Some(&pos[..])));
    }
    if record.position < layout.types_to {
        let key = keys::type_key(record.event_type.as_str(), record.position);
        implied.push((CF_TYPES, key, None));
    }
    for (index, key, want) in implied {
        let got = db
            .get_cf(cf(db, index), &key)
            .map_err(LedgerError::storage("reading an index entry"))?;
        let holds = match (&got, want) {
            (Some(g), Some(w)) => g.as_slice() == w,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if !holds {
            return Ok(Some(brk(
                record.position,
                BreakKind::IndexMissing,
                format!("{index} entry {} → {}", hex(&key), record.position),
                got.map_or("no entry".to_string(), |g| {
                    keys::decode_u64(&g)
                        .map_or(format!("value {}", hex(&g)), |p| format!("an entry → {p}"))
                }),
            )));
        }
    }
    Ok(None)
}

/// Where a stored entry points, and whether the record there implies it.
fn entry_implied(
    db: &DB,
    index: &str,
    key: &[u8],
    value: &[u8],
    layout: Layout,
) -> Result<(Option<Position>, bool), LedgerError> {
    if index == CF_STREAM_RUNS {
        let target = keys::decode_run(value).map(|(p, _)| p);
        return Ok((target, runs::run_problem(db, key, value)?.is_none()));
    }
    let target = if index == CF_TYPES {
        keys::split_name_key(key).map(|(_, p)| p)
    } else {
        keys::decode_u64(value)
    }
    .map(Position);
    let record = match target {
        Some(p) => reads::get(db, p).ok().flatten(),
        None => None,
    };
    let implied = record.as_ref().is_some_and(|r| match index {
        CF_STREAMS => key == keys::stream_key(r.stream.as_str(), r.version).as_slice(),
        CF_EVENT_IDS => key == r.id.0.as_slice(),
        _ => {
            r.position < layout.types_to
                && key == keys::type_key(r.event_type.as_str(), r.position).as_slice()
        }
    });
    Ok((target, implied))
}

fn first_dangling(db: &DB, layout: Layout) -> Result<Option<Break>, LedgerError> {
    let mut first: Option<Break> = None;
    for index in [layout.streams_cf(), CF_EVENT_IDS, CF_TYPES] {
        let mut it = db.raw_iterator_cf_opt(cf(db, index), scan_options());
        it.seek_to_first();
        while let (Some(k), Some(v)) = (it.key(), it.value()) {
            if index == CF_TYPES && k == TYPES_INDEXED_TO {
                it.next();
                continue;
            }
            let (target, implied) = entry_implied(db, index, k, v, layout)?;
            if !implied {
                let at = target.unwrap_or(Position(0));
                if first.as_ref().is_none_or(|f| at < f.position) {
                    first = Some(brk(
                        at,
                        BreakKind::IndexDangling,
                        format!("{index} entries only for records that imply them"),
                        format!("entry {} → {}", hex(k), hex(v)),
                    ));
                }
            }
            it.next();
        }
        it.status()
            .map_err(LedgerError::storage("scanning an index"))?;
    }
    Ok(first)
}

/// The slow pass for the Merkle tree: every subtree the records imply, compared with the
/// stored one, then every stored one that no record implies. The break is named at the
/// record that completes (or would complete) the subtree.
pub(super) fn locate_tree_break(db: &DB) -> Result<Option<Break>, LedgerError> {
    let tree = cf(db, CF_TREE);
    let mut frontier = Frontier::new();
    let mut implied = std::collections::HashSet::new();
    let mut first: Option<Break> = None;
    for record in reads::LogIter::new(db, Position(0)) {
        let record = record?;
        let mut failure = None;
        frontier.push_completing(record_leaf(&record.hash), |level, index, hash| {
            if level < TREE_STORED_FROM_LEVEL || failure.is_some() {
                return;
            }
            let key = keys::tree_key(level, index);
            implied.insert(key);
            failure = Some(match db.get_cf(tree, key) {
                Ok(Some(v)) if v == hash.0 => return,
                Ok(got) => Ok(brk(
                    record.position,
                    BreakKind::TreeNode,
                    format!("subtree {level}/{index} = {}", hash.to_hex()),
                    got.map_or("no stored subtree".into(), |g| hex(&g)),
                )),
                Err(e) => Err(LedgerError::storage("reading the Merkle tree")(e)),
            });
        });
        if let Some(f) = failure {
            first = Some(f?);
            break;
        }
    }
    if first.is_some() {
        return Ok(first);
    }
    let mut it = db.raw_iterator_cf_opt(tree, scan_options());
    it.seek_to_first();
    while let Some(k) = it.key() {
        let key: Option<[u8; 9]> = k.try_into().ok();
        if key.is_none_or(|key| !implied.contains(&key)) {
            let leaf = key.map_or(0, |key| {
                keys::decode_u64(&key[1..]).unwrap_or(0) << key[0].min(63)
            });
            return Ok(Some(brk(
                Position(leaf),
                BreakKind::TreeNode,
                "subtrees only over records in the log",
                format!("a stored subtree {}", hex(k)),
            )));
        }
        it.next();
    }
    it.status()
        .map_err(LedgerError::storage("scanning the Merkle tree"))?;
    Ok(None)
}
