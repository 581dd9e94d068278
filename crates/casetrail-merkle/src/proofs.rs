//! Roots and proofs over a list of leaf hashes (RFC 9162, 2.1.1-2.1.4), and their checks.

use crate::{Hash, ProofError, empty_root, node_hash};

/// The largest power of two below `n` (n ≥ 2).
fn split(n: usize) -> usize {
    debug_assert!(n >= 2);
    1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}

/// MTH: the root of the tree over `leaves` (leaf hashes, in order).
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// PATH(m, D[n]): the sibling hashes from leaf `index` up to the root, lowest first.
pub fn inclusion_proof(leaves: &[Hash], index: usize) -> Result<Vec<Hash>, ProofError> {
    if index >= leaves.len() {
        return Err(ProofError::IndexOutOfRange {
            index: index as u64,
            size: leaves.len() as u64,
        });
    }
    let mut proof = Vec::new();
    path(index, leaves, &mut proof);
    Ok(proof)
}

fn path(m: usize, leaves: &[Hash], out: &mut Vec<Hash>) {
    let n = leaves.len();
    if n <= 1 {
        return;
    }
    let k = split(n);
    if m < k {
        path(m, &leaves[..k], out);
        out.push(root(&leaves[k..]));
    } else {
        path(m - k, &leaves[k..], out);
        out.push(root(&leaves[..k]));
    }
}

/// PROOF(m, D[n]): hashes showing that the first `old_size` leaves form a prefix of `leaves`.
pub fn consistency_proof(leaves: &[Hash], old_size: usize) -> Result<Vec<Hash>, ProofError> {
    let n = leaves.len();
    if old_size > n {
        return Err(ProofError::SizesReversed {
            old: old_size as u64,
            new: n as u64,
        });
    }
    let mut proof = Vec::new();
    if old_size > 0 && old_size < n {
        subproof(old_size, leaves, true, &mut proof);
    }
    Ok(proof)
}

fn subproof(m: usize, leaves: &[Hash], whole: bool, out: &mut Vec<Hash>) {
    let n = leaves.len();
    if m == n {
        if !whole {
            out.push(root(leaves));
        }
        return;
    }
    let k = split(n);
    if m <= k {
        subproof(m, &leaves[..k], whole, out);
        out.push(root(&leaves[k..]));
    } else {
        subproof(m - k, &leaves[k..], false, out);
        out.push(root(&leaves[..k]));
    }
}

fn mismatch(expected: &Hash, found: &Hash) -> ProofError {
    ProofError::RootMismatch {
        expected: expected.to_hex(),
        found: found.to_hex(),
    }
}

/// Checks that `leaf` is at `index` in the tree of `size` leaves whose root is `root`
/// (RFC 9162, 2.1.3.2).
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if s == 0 {
            return Err(ProofError::WrongLength {
                expected: inclusion_length(index, size),
                found: proof.len(),
            });
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::WrongLength {
            expected: inclusion_length(index, size),
            found: proof.len(),
        });
    }
    if r != *root {
        return Err(mismatch(root, &r));
    }
    Ok(())
}

/// How many hashes an inclusion proof has, for the message of a wrong one.
fn inclusion_length(index: u64, size: u64) -> usize {
    let (mut f, mut s, mut n) = (index, size - 1, 0);
    while s != 0 {
        if f & 1 == 1 || f == s {
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        }
        f >>= 1;
        s >>= 1;
        n += 1;
    }
    n
}

/// Checks that the tree of `old_size` leaves with root `old_root` is a prefix of the tree of
/// `new_size` leaves with root `new_root` (RFC 9162, 2.1.4.2).
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if old_size > new_size {
        return Err(ProofError::SizesReversed {
            old: old_size,
            new: new_size,
        });
    }
    if old_size == 0 || old_size == new_size {
        // Nothing to prove beyond equal roots for equal sizes; the empty tree is a prefix of
        // every tree.
        if !proof.is_empty() {
            return Err(ProofError::WrongLength {
                expected: 0,
                found: proof.len(),
            });
        }
        if old_size == new_size && old_root != new_root {
            return Err(mismatch(new_root, old_root));
        }
        return Ok(());
    }
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if old_size.is_power_of_two() {
        path.push(*old_root);
    }
    path.extend_from_slice(proof);
    let Some((first, rest)) = path.split_first() else {
        return Err(ProofError::WrongLength {
            expected: 1,
            found: 0,
        });
    };
    let (mut f, mut s) = (old_size - 1, new_size - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (*first, *first);
    for c in rest {
        if s == 0 {
            return Err(ProofError::WrongLength {
                expected: path.len() - 1,
                found: proof.len(),
            });
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::WrongLength {
            expected: proof.len() + 1,
            found: proof.len(),
        });
    }
    if fr != *old_root {
        return Err(ProofError::OldRootMismatch {
            expected: old_root.to_hex(),
            found: fr.to_hex(),
        });
    }
    if sr != *new_root {
        return Err(mismatch(new_root, &sr));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leaf_hash;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n as u64).map(|i| leaf_hash(&i.to_be_bytes())).collect()
    }

    #[test]
    fn the_root_follows_the_rfc_recursion() {
        let l = leaves(7);
        // k = 4 for 7 leaves, then 2 for 3, as RFC 9162 2.1.1 splits them.
        let expected = node_hash(
            &node_hash(&node_hash(&l[0], &l[1]), &node_hash(&l[2], &l[3])),
            &node_hash(&node_hash(&l[4], &l[5]), &l[6]),
        );
        assert_eq!(root(&l), expected);
        assert_eq!(root(&[]), empty_root());
        assert_eq!(root(&l[..1]), l[0]);
        assert_ne!(leaf_hash(&[]), empty_root(), "a leaf is not the empty tree");
    }

    #[test]
    fn every_inclusion_proof_holds_up_to_a_few_hundred_leaves_and_fails_when_changed() {
        let all = leaves(300);
        for n in 1..=all.len() {
            let tree = &all[..n];
            let r = root(tree);
            for m in 0..n {
                let proof = inclusion_proof(tree, m).unwrap();
                assert_eq!(
                    verify_inclusion(&tree[m], m as u64, n as u64, &proof, &r),
                    Ok(()),
                    "leaf {m} of {n}"
                );
                if m + 1 < n {
                    assert!(
                        verify_inclusion(&tree[m + 1], m as u64, n as u64, &proof, &r).is_err()
                    );
                }
            }
        }
    }

    #[test]
    fn every_consistency_proof_holds_up_to_a_few_hundred_leaves() {
        let all = leaves(200);
        let roots: Vec<Hash> = (0..=all.len()).map(|n| root(&all[..n])).collect();
        for n in 1..=all.len() {
            for m in 0..=n {
                let proof = consistency_proof(&all[..n], m).unwrap();
                assert_eq!(
                    verify_consistency(m as u64, n as u64, &roots[m], &roots[n], &proof),
                    Ok(()),
                    "{m} → {n}"
                );
            }
        }
    }

    #[test]
    fn a_rewritten_history_is_not_consistent() {
        let mut all = leaves(100);
        let old = root(&all[..40]);
        all[17] = leaf_hash(b"rewritten");
        let proof = consistency_proof(&all, 40).unwrap();
        let e = verify_consistency(40, 100, &old, &root(&all), &proof).unwrap_err();
        assert!(matches!(e, ProofError::OldRootMismatch { .. }), "{e}");
        // Shrinking is never consistent.
        assert!(matches!(
            verify_consistency(100, 40, &root(&all), &old, &[]),
            Err(ProofError::SizesReversed { .. })
        ));
    }

    #[test]
    fn tampered_proofs_and_wrong_sizes_are_refused() {
        let l = leaves(37);
        let r = root(&l);
        let mut proof = inclusion_proof(&l, 5).unwrap();
        // The size is part of what a checkpoint signs: the root of another size is refused.
        let bigger = leaves(38);
        assert!(matches!(
            verify_inclusion(&l[5], 5, 38, &proof, &root(&bigger)),
            Err(ProofError::RootMismatch { .. })
        ));
        // A leaf at another index, with this leaf's path, is refused.
        assert!(verify_inclusion(&l[5], 4, 37, &proof, &r).is_err());
        assert_eq!(
            verify_inclusion(&l[5], 40, 37, &proof, &r),
            Err(ProofError::IndexOutOfRange {
                index: 40,
                size: 37
            })
        );
        proof[2].0[0] ^= 1;
        assert!(matches!(
            verify_inclusion(&l[5], 5, 37, &proof, &r),
            Err(ProofError::RootMismatch { .. })
        ));
        proof.pop();
        assert!(verify_inclusion(&l[5], 5, 37, &proof, &r).is_err());
    }

    mod props {
        use proptest::prelude::*;

        use super::*;

        proptest! {
            #[test]
            fn proofs_hold_at_random_larger_sizes(n in 300usize..3000, pick in 0.0f64..1.0, old in 0.0f64..1.0) {
                let tree = leaves(n);
                let r = root(&tree);
                let m = ((n as f64) * pick) as usize % n;
                let proof = inclusion_proof(&tree, m).unwrap();
                prop_assert_eq!(verify_inclusion(&tree[m], m as u64, n as u64, &proof, &r), Ok(()));
                let o = ((n as f64) * old) as usize;
                let proof = consistency_proof(&tree, o).unwrap();
                prop_assert_eq!(verify_consistency(o as u64, n as u64, &root(&tree[..o]), &r, &proof), Ok(()));
            }
        }
    }
}
