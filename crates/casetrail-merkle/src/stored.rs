//! Proofs from stored perfect subtrees, as an append-only store keeps them: every node whose
//! subtree is complete is written once, when its last leaf arrives, and never changes. The
//! RFC's recursion only ever needs perfect subtrees (its left halves) and the ragged right
//! edge, which is folded from perfect subtrees, so a proof costs O(log² n) lookups.

use crate::{Hash, ProofError, empty_root, node_hash};

/// Where the roots of perfect subtrees come from: `level` is the height (0 for a leaf) and
/// `index` counts subtrees of that height from the left, so the subtree covers leaves
/// `index << level .. (index + 1) << level`.
pub trait Subtrees {
    /// What reading a subtree can fail with (a proof error among them).
    type Error: From<ProofError>;
    /// The root of the perfect subtree of height `level` at `index`.
    fn perfect(&self, level: u32, index: u64) -> Result<Hash, Self::Error>;
}

/// The largest power of two below `n` (n ≥ 2).
fn split(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (u64::BITS - 1 - (n - 1).leading_zeros())
}

/// The root of leaves `start .. start + n`, where the range is one the RFC recursion visits
/// (its start is a multiple of its largest power-of-two part).
fn range_root<S: Subtrees>(s: &S, start: u64, n: u64) -> Result<Hash, S::Error> {
    if n.is_power_of_two() {
        let level = n.trailing_zeros();
        return s.perfect(level, start >> level);
    }
    let k = split(n);
    Ok(node_hash(
        &range_root(s, start, k)?,
        &range_root(s, start + k, n - k)?,
    ))
}

/// MTH of the first `size` leaves.
pub fn root_of<S: Subtrees>(s: &S, size: u64) -> Result<Hash, S::Error> {
    if size == 0 {
        return Ok(empty_root());
    }
    range_root(s, 0, size)
}

/// PATH(index, D[size]), lowest sibling first: the same hashes as [`crate::inclusion_proof`].
pub fn inclusion_proof_of<S: Subtrees>(
    s: &S,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>, S::Error> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size }.into());
    }
    let mut out = Vec::new();
    path(s, index, 0, size, &mut out)?;
    Ok(out)
}

fn path<S: Subtrees>(
    s: &S,
    m: u64,
    start: u64,
    n: u64,
    out: &mut Vec<Hash>,
) -> Result<(), S::Error> {
    if n <= 1 {
        return Ok(());
    }
    let k = split(n);
    if m < k {
        path(s, m, start, k, out)?;
        out.push(range_root(s, start + k, n - k)?);
    } else {
        path(s, m - k, start + k, n - k, out)?;
        out.push(range_root(s, start, k)?);
    }
    Ok(())
}

/// PROOF(old, D[new]): the same hashes as [`crate::consistency_proof`].
pub fn consistency_proof_of<S: Subtrees>(
    s: &S,
    old_size: u64,
    new_size: u64,
) -> Result<Vec<Hash>, S::Error> {
    if old_size > new_size {
        return Err(ProofError::SizesReversed {
            old: old_size,
            new: new_size,
        }
        .into());
    }
    let mut out = Vec::new();
    if old_size > 0 && old_size < new_size {
        subproof(s, old_size, 0, new_size, true, &mut out)?;
    }
    Ok(out)
}

fn subproof<S: Subtrees>(
    s: &S,
    m: u64,
    start: u64,
    n: u64,
    whole: bool,
    out: &mut Vec<Hash>,
) -> Result<(), S::Error> {
    if m == n {
        if !whole {
            out.push(range_root(s, start, n)?);
        }
        return Ok(());
    }
    let k = split(n);
    if m <= k {
        subproof(s, m, start, k, whole, out)?;
        out.push(range_root(s, start + k, n - k)?);
    } else {
        subproof(s, m - k, start + k, n - k, false, out)?;
        out.push(range_root(s, start, k)?);
    }
    Ok(())
}

/// The perfect subtrees whose roots make up the frontier of a tree of `size` leaves, largest
/// (leftmost) first, as `(level, index)`: one per set bit of the size.
pub fn peak_positions(size: u64) -> Vec<(u32, u64)> {
    let mut out = Vec::with_capacity(size.count_ones() as usize);
    let mut start = 0u64;
    for level in (0..u64::BITS).rev() {
        if size & (1 << level) != 0 {
            out.push((level, start >> level));
            start += 1 << level;
        }
    }
    out
}

/// Every perfect subtree in memory, level by level: what a store holds, for tests and for
/// building proofs over a list of leaves without recomputing subtrees.
#[derive(Debug, Clone, Default)]
pub struct MemoryTree {
    levels: Vec<Vec<Hash>>,
    frontier: crate::Frontier,
}

impl MemoryTree {
    /// The empty tree.
    pub fn new() -> Self {
        MemoryTree::default()
    }

    /// How many leaves it has.
    pub fn size(&self) -> u64 {
        self.frontier.size()
    }

    /// Its root.
    pub fn root(&self) -> Hash {
        self.frontier.root()
    }

    /// Appends a leaf hash, keeping every perfect subtree it completes.
    pub fn push(&mut self, leaf: Hash) {
        let levels = &mut self.levels;
        self.frontier.push_completing(leaf, |level, index, hash| {
            let level = level as usize;
            if levels.len() <= level {
                levels.resize_with(level + 1, Vec::new);
            }
            debug_assert_eq!(
                levels[level].len() as u64,
                index,
                "subtrees complete in order"
            );
            levels[level].push(hash);
        });
    }
}

impl Subtrees for MemoryTree {
    type Error = ProofError;

    fn perfect(&self, level: u32, index: u64) -> Result<Hash, ProofError> {
        self.levels
            .get(level as usize)
            .and_then(|l| l.get(index as usize))
            .copied()
            .ok_or(ProofError::IndexOutOfRange {
                index: index << level,
                size: self.size(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{consistency_proof, inclusion_proof, leaf_hash, root};

    fn grow(n: u64) -> (Vec<Hash>, Vec<MemoryTree>) {
        let mut leaves = Vec::new();
        let mut trees = vec![MemoryTree::new()];
        for i in 0..n {
            let leaf = leaf_hash(&i.to_be_bytes());
            leaves.push(leaf);
            let mut t = trees.last().unwrap().clone();
            t.push(leaf);
            trees.push(t);
        }
        (leaves, trees)
    }

    #[test]
    fn stored_proofs_equal_the_rfc_proofs_at_every_size() {
        let (leaves, trees) = grow(300);
        for n in 1..=300u64 {
            let tree = &trees[n as usize];
            let slice = &leaves[..n as usize];
            assert_eq!(root_of(tree, n).unwrap(), root(slice), "root of {n}");
            assert_eq!(tree.root(), root(slice));
            for m in 0..n {
                assert_eq!(
                    inclusion_proof_of(tree, m, n).unwrap(),
                    inclusion_proof(slice, m as usize).unwrap(),
                    "inclusion of {m} in {n}"
                );
            }
        }
        // The newest tree answers for every older size too: its subtrees never change.
        let newest = trees.last().unwrap();
        for n in 1..=200u64 {
            for m in 0..=n {
                assert_eq!(
                    consistency_proof_of(newest, m, n).unwrap(),
                    consistency_proof(&leaves[..n as usize], m as usize).unwrap(),
                    "consistency {m} → {n}"
                );
            }
        }
    }

    #[test]
    fn peaks_cover_the_size_from_the_left() {
        assert_eq!(peak_positions(0), vec![]);
        assert_eq!(peak_positions(1), vec![(0, 0)]);
        assert_eq!(peak_positions(6), vec![(2, 0), (1, 2)]);
        assert_eq!(peak_positions(7), vec![(2, 0), (1, 2), (0, 6)]);
    }

    #[test]
    fn proofs_beyond_the_tree_are_refused() {
        let (_, trees) = grow(10);
        let t = &trees[10];
        assert_eq!(
            inclusion_proof_of(t, 10, 10),
            Err(ProofError::IndexOutOfRange {
                index: 10,
                size: 10
            })
        );
        assert!(
            inclusion_proof_of(t, 3, 11).is_err(),
            "size beyond the store"
        );
        assert_eq!(
            consistency_proof_of(t, 8, 5),
            Err(ProofError::SizesReversed { old: 8, new: 5 })
        );
    }
}
