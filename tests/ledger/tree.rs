//! The Merkle tree the ledger keeps beside its records: the same tree, root and proofs as the
//! reference over the records' chain hashes, at every size; restored on reopen; built for a
//! ledger from before it; and checked by verify.

use casetrail_ledger::keys::{self, CF_TREE};
use casetrail_ledger::{BreakKind, ExpectedVersion, Ledger, Position, record_leaf};
use casetrail_merkle::{
    Hash, MemoryTree, consistency_proof_of, inclusion_proof_of, verify_consistency,
    verify_inclusion,
};
use casetrail_testkit::{append_to, delete_raw, events, put_raw, temp_ledger};

/// Appends `n` events in groups of 1 to 7, so that groups end at every kind of tree edge.
fn grow(ledger: &Ledger, n: u64) {
    // Event ids differ from every earlier call's: a resend would append nothing.
    let start = ledger.tree_head().size;
    let mut done = 0;
    let mut round = 0;
    while done < n {
        let take = (1 + round % 7).min(n - done);
        ledger
            .append_blocking(append_to(
                &format!("s-{}", round % 3),
                ExpectedVersion::Any,
                events(&format!("e-{start}-{round}"), take as usize),
            ))
            .unwrap();
        done += take;
        round += 1;
    }
}

fn reference(ledger: &Ledger) -> MemoryTree {
    let mut tree = MemoryTree::new();
    for r in ledger.read_all(Position(0)) {
        tree.push(record_leaf(&r.unwrap().hash));
    }
    tree
}

#[test]
fn the_stored_tree_gives_the_reference_roots_and_proofs_at_every_size() {
    let (_dir, ledger) = temp_ledger();
    grow(&ledger, 150);
    let full = reference(&ledger);
    let head = ledger.tree_head();
    assert_eq!((head.size, head.root), (150, full.root()));
    assert_eq!(head.head, ledger.head().map(|h| h.hash));
    for size in 1..=150u64 {
        let root = ledger.tree_root(size).unwrap();
        assert_eq!(
            root,
            casetrail_merkle::root_of(&full, size).unwrap(),
            "size {size}"
        );
        for index in (0..size).step_by(7).chain([size - 1]) {
            let proof = ledger.inclusion_proof(Position(index), size).unwrap();
            assert_eq!(proof, inclusion_proof_of(&full, index, size).unwrap());
            let leaf = ledger.tree_leaf(Position(index)).unwrap();
            assert_eq!(verify_inclusion(&leaf, index, size, &proof, &root), Ok(()));
        }
        let old = size / 3;
        let proof = ledger.consistency_proof(old, size).unwrap();
        assert_eq!(proof, consistency_proof_of(&full, old, size).unwrap());
        let old_root = ledger.tree_root(old).unwrap();
        assert_eq!(
            verify_consistency(old, size, &old_root, &root, &proof),
            Ok(())
        );
    }
    let e = ledger.inclusion_proof(Position(3), 151).unwrap_err();
    assert!(e.to_string().contains("151"), "{e}");
}

#[test]
fn the_tree_survives_a_reopen_and_grows_on() {
    let (dir, ledger) = temp_ledger();
    grow(&ledger, 37);
    let before = ledger.tree_head();
    drop(ledger);
    let ledger = Ledger::open(dir.path(), casetrail_testkit::test_clock()).unwrap();
    assert_eq!(ledger.tree_head(), before);
    grow(&ledger, 30);
    assert_eq!(ledger.tree_head().root, reference(&ledger).root());
    drop(ledger);
    let read_only = Ledger::open_read_only(dir.path()).unwrap();
    assert_eq!(read_only.tree_head().size, 67);
    assert!(read_only.verify().unwrap().is_intact());
}

#[test]
fn a_ledger_written_without_its_tree_gets_it_back_when_opened_with_it() {
    let (dir, ledger) = temp_ledger();
    grow(&ledger, 20);
    drop(ledger);
    let without = Ledger::open_with(
        dir.path(),
        casetrail_testkit::test_clock(),
        casetrail_ledger::LedgerOptions { merkle_tree: false },
    )
    .unwrap();
    // Its tree size stays 0, which `grow` would take for a fresh ledger: other ids here.
    for i in 0..5 {
        without
            .append_blocking(append_to(
                "without",
                ExpectedVersion::Any,
                events(&format!("without-{i}"), 5),
            ))
            .unwrap();
    }
    drop(without);
    let e = Ledger::open_read_only(dir.path()).unwrap_err();
    assert!(
        matches!(e, casetrail_ledger::LedgerError::TreeMissing { .. }),
        "{e}"
    );
    let ledger = Ledger::open(dir.path(), casetrail_testkit::test_clock()).unwrap();
    let head = ledger.tree_head();
    assert_eq!(head.size, 45);
    let records: Vec<_> = ledger.read_all(Position(0)).map(Result::unwrap).collect();
    let leaves: Vec<_> = records
        .iter()
        .map(|r| casetrail_ledger::record_leaf(&r.hash))
        .collect();
    assert_eq!(head.root, casetrail_merkle::root(&leaves));
    assert!(ledger.verify().unwrap().is_intact());
    drop(ledger);
    assert!(verify_closed(dir.path()).is_intact());
}

/// What verify reports for the closed ledger in `dir`.
fn verify_closed(dir: &std::path::Path) -> casetrail_ledger::VerifyReport {
    Ledger::open_read_only(dir).unwrap().verify().unwrap()
}

fn assert_tree_break_at(dir: &std::path::Path, position: u64) -> casetrail_ledger::Break {
    let b = verify_closed(dir).broken.expect("the damage is noticed");
    assert_eq!(
        (b.position, b.kind),
        (Position(position), BreakKind::TreeNode),
        "{b}"
    );
    b
}

#[test]
fn verify_names_a_changed_or_missing_or_extra_tree_node() {
    let (dir, ledger) = temp_ledger();
    grow(&ledger, 40);
    drop(ledger);
    // Level 4, index 1 covers records 16-31: the break is named at 31, which completes it.
    let key = keys::tree_key(4, 1);
    put_raw(dir.path(), CF_TREE, key, [7u8; 32]);
    assert_tree_break_at(dir.path(), 31);

    delete_raw(dir.path(), CF_TREE, key);
    let b = assert_tree_break_at(dir.path(), 31);
    assert!(b.found.contains("no stored subtree"), "{b}");

    // Restore it from a fresh computation, then add a node no record implies.
    let good: Hash = {
        let l = Ledger::open_read_only(dir.path()).unwrap();
        casetrail_merkle::root_of(&reference_range(&l, 16, 32), 16).unwrap()
    };
    put_raw(dir.path(), CF_TREE, key, good.0);
    assert!(verify_closed(dir.path()).is_intact());
    // Level 5, index 2 would cover records 64-95, which do not exist.
    put_raw(dir.path(), CF_TREE, keys::tree_key(5, 2), [1u8; 32]);
    assert_tree_break_at(dir.path(), 64);
}

fn reference_range(ledger: &Ledger, from: u64, to: u64) -> MemoryTree {
    let mut tree = MemoryTree::new();
    for p in from..to {
        tree.push(record_leaf(&ledger.get(Position(p)).unwrap().unwrap().hash));
    }
    tree
}
