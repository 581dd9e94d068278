//! The spill against its contract: order, files, sealing, damage.

use super::*;

fn spilled(items: &[(u64, String)], run_items: usize) -> (Spill<String>, tempfile::TempDir) {
    let scratch = tempfile::tempdir().unwrap();
    let mut spill = Spill::new(scratch.path(), [7; 32], run_items);
    for (group, item) in items {
        spill.push(*group, item.clone()).unwrap();
    }
    spill.written().unwrap();
    (spill, scratch)
}

/// What the merge must give: a stable sort by group.
fn expected(items: &[(u64, String)]) -> Vec<(u64, String)> {
    let mut sorted = items.to_vec();
    sorted.sort_by_key(|(group, _)| *group);
    sorted
}

fn items(n: u64) -> Vec<(u64, String)> {
    (0..n)
        .map(|i| ((i * 7919) % 13, format!("row {i}")))
        .collect()
}

#[test]
fn items_come_back_by_group_in_pushed_order_whatever_the_run_size() {
    let items = items(3_000);
    for run_items in [1, 2, 127, 128, 129, 1_000, 2_999, 3_000, 100_000] {
        let (spill, scratch) = spilled(&items, run_items);
        let back: Vec<(u64, String)> = spill
            .into_sorted()
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(back, expected(&items), "runs of {run_items}");
        drop(scratch);
    }
}

#[test]
fn many_runs_are_merged_in_levels_and_the_last_merge_opens_at_most_its_limit() {
    let items = items(10_000);
    let (mut spill, scratch) = spilled(&items, 7);
    assert!(spill.runs.len() > MAX_MERGED * MAX_MERGED / 4);
    spill.merge_down().unwrap();
    assert!(spill.runs.len() <= MAX_MERGED);
    let folder = spill.dir.as_ref().unwrap().path().to_owned();
    assert_eq!(
        std::fs::read_dir(&folder).unwrap().count(),
        spill.runs.len(),
        "the merged runs' files are gone"
    );
    let back: Vec<(u64, String)> = spill
        .into_sorted()
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(back, expected(&items));
    drop(scratch);
}

#[test]
fn a_spill_that_fits_in_one_run_writes_no_file_and_the_files_go_when_it_is_read() {
    let items = items(600);
    let (spill, scratch) = spilled(&items, 1_000);
    assert_eq!(std::fs::read_dir(scratch.path()).unwrap().count(), 0);
    assert_eq!(spill.pushed, 600);
    let (spill, scratch) = spilled(&items, 100);
    assert_eq!(std::fs::read_dir(scratch.path()).unwrap().count(), 1);
    let sorted = spill.into_sorted().unwrap();
    drop(sorted);
    assert_eq!(std::fs::read_dir(scratch.path()).unwrap().count(), 0);
}

#[test]
fn the_files_hold_no_item_in_the_clear() {
    let items: Vec<(u64, String)> = (0..500)
        .map(|i| (i % 3, format!("0101904321 Karen Holm {i}")))
        .collect();
    let (spill, scratch) = spilled(&items, 100);
    for run in &spill.runs {
        let bytes = std::fs::read(&run.path).unwrap();
        assert!(bytes.len() > 1_000);
        assert!(!bytes.windows(10).any(|w| w == b"0101904321"));
        assert!(!bytes.windows(5).any(|w| w == b"Karen"));
    }
    drop(scratch);
}

/// Damages the second run file with `damage` and reads the spill back.
fn read_damaged(damage: impl Fn(&mut Vec<u8>)) -> Vec<Result<(u64, String), SpillError>> {
    let (spill, scratch) = spilled(&items(2_000), 600);
    let path = spill.runs[1].path.clone();
    let mut bytes = std::fs::read(&path).unwrap();
    damage(&mut bytes);
    std::fs::write(&path, bytes).unwrap();
    let back: Vec<_> = spill
        .into_sorted()
        .map_or_else(|e| vec![Err(e)], Iterator::collect);
    drop(scratch);
    back
}

#[test]
fn a_damaged_or_cut_or_swapped_file_is_an_error_and_the_merge_stops_there() {
    let flipped = read_damaged(|b| {
        let last = b.len() - 1;
        b[last] ^= 1
    });
    let cut = read_damaged(|b| b.truncate(b.len() - 3));
    let huge = read_damaged(|b| b[..4].copy_from_slice(&u32::MAX.to_le_bytes()));
    let emptied = read_damaged(Vec::clear);
    for (what, back) in [
        ("flipped", flipped),
        ("cut", cut),
        ("huge", huge),
        ("emptied", emptied),
    ] {
        let errors = back.iter().filter(|r| r.is_err()).count();
        assert_eq!(errors, 1, "{what}: one error");
        assert!(back.last().unwrap().is_err(), "{what}: the error ends it");
        assert!(back.len() < 2_000, "{what}: not everything came back");
    }
    // A block copied from another place is refused by its nonce, not its bytes.
    let (spill, scratch) = spilled(&items(2_000), 600);
    let first = std::fs::read(&spill.runs[0].path).unwrap();
    std::fs::write(&spill.runs[1].path, first).unwrap();
    let back: Vec<_> = spill
        .into_sorted()
        .map_or_else(|e| vec![Err(e)], Iterator::collect);
    assert!(matches!(
        back.last(),
        Some(Err(SpillError::DoesNotOpen { .. }))
    ));
    drop(scratch);
}
