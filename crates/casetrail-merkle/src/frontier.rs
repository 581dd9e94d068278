//! The root of a growing tree without its leaves: the roots of the perfect subtrees along its
//! right edge (at most one per bit of the size), as an appender keeps them.

use crate::{Hash, empty_root, node_hash};

/// The right edge of a growing tree: enough to give its root and to take the next leaf.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    /// Roots of the perfect subtrees, largest (leftmost) first.
    peaks: Vec<Hash>,
}

impl Frontier {
    /// The frontier of the empty tree.
    pub fn new() -> Self {
        Frontier::default()
    }

    /// How many leaves the tree has.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// A frontier restored from stored peaks (see [`crate::peak_positions`]): one per set bit
    /// of `size`, largest first. None when their number does not fit the size.
    pub fn from_peaks(size: u64, peaks: Vec<Hash>) -> Option<Self> {
        (peaks.len() as u32 == size.count_ones()).then_some(Frontier { size, peaks })
    }

    /// The roots of the perfect subtrees along the right edge, largest first.
    pub fn peaks(&self) -> &[Hash] {
        &self.peaks
    }

    /// Appends a leaf hash.
    pub fn push(&mut self, leaf: Hash) {
        self.push_completing(leaf, |_, _, _| {});
    }

    /// Appends a leaf hash and hands `completed` every perfect subtree the leaf completes, as
    /// `(level, index, root)`, the leaf itself (level 0) first: what a store must write to
    /// answer proofs later.
    pub fn push_completing(&mut self, leaf: Hash, mut completed: impl FnMut(u32, u64, Hash)) {
        let mut carry = leaf;
        let mut level = 0u32;
        completed(0, self.size, leaf);
        // Each trailing one bit of the old size is a perfect subtree the new leaf completes.
        let mut size = self.size;
        while size & 1 == 1 {
            let left = self.peaks.pop().expect("one peak per set bit");
            carry = node_hash(&left, &carry);
            size >>= 1;
            level += 1;
            completed(level, self.size >> level, carry);
        }
        self.peaks.push(carry);
        self.size += 1;
    }

    /// The root of the tree so far: the peaks folded from the right, as RFC 9162 splits.
    pub fn root(&self) -> Hash {
        match self.peaks.split_last() {
            None => empty_root(),
            Some((last, rest)) => rest
                .iter()
                .rev()
                .fold(*last, |acc, peak| node_hash(peak, &acc)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{leaf_hash, root};

    #[test]
    fn the_frontier_root_equals_the_full_root_at_every_size() {
        let mut f = Frontier::new();
        let mut all = Vec::new();
        assert_eq!(f.root(), root(&all));
        for i in 0u64..600 {
            let leaf = leaf_hash(&i.to_be_bytes());
            f.push(leaf);
            all.push(leaf);
            assert_eq!(f.root(), root(&all), "size {}", all.len());
            assert_eq!(f.size(), all.len() as u64);
            assert!(f.peaks.len() as u32 == f.size().count_ones());
        }
    }
}
