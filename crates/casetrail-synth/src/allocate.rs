//! How many patients get how many admission episodes, and how many of those are acute.

/// One row of the published table: patients with this many episodes in 2017, and their acute
/// admissions (DEFACTUM 2019, Region Midtjylland, adult psychiatry).
/// One row of the published stage-1 table (DEFACTUM 2019, table 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublishedRow {
    /// 1 … 10, and 11 for "11 or more".
    pub episodes: usize,
    /// Patients with that many admission episodes.
    pub patients: u64,
    /// Their acute admissions.
    pub acute_admissions: u64,
}

/// The stage-1 table for Region Midtjylland 2017 as published, which the generator reproduces.
pub const PUBLISHED_2017: [PublishedRow; 11] = [
    PublishedRow {
        episodes: 1,
        patients: 3_082,
        acute_admissions: 2_844,
    },
    PublishedRow {
        episodes: 2,
        patients: 771,
        acute_admissions: 1_446,
    },
    PublishedRow {
        episodes: 3,
        patients: 330,
        acute_admissions: 931,
    },
    PublishedRow {
        episodes: 4,
        patients: 167,
        acute_admissions: 638,
    },
    PublishedRow {
        episodes: 5,
        patients: 101,
        acute_admissions: 473,
    },
    PublishedRow {
        episodes: 6,
        patients: 57,
        acute_admissions: 315,
    },
    PublishedRow {
        episodes: 7,
        patients: 35,
        acute_admissions: 232,
    },
    PublishedRow {
        episodes: 8,
        patients: 24,
        acute_admissions: 182,
    },
    PublishedRow {
        episodes: 9,
        patients: 20,
        acute_admissions: 171,
    },
    PublishedRow {
        episodes: 10,
        patients: 16,
        acute_admissions: 154,
    },
    PublishedRow {
        episodes: 11,
        patients: 70,
        acute_admissions: 1_176,
    },
];

/// Splits `total` in proportion to `weights`, rounding by largest remainder so the parts sum
/// to `total` exactly (integer arithmetic only).
fn proportional(total: u64, weights: &[u64]) -> Vec<u64> {
    let sum: u64 = weights.iter().sum();
    let mut parts: Vec<u64> = weights.iter().map(|w| w * total / sum).collect();
    let mut remainders: Vec<(u64, usize)> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| (w * total % sum, i))
        .collect();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let short = total - parts.iter().sum::<u64>();
    for &(_, i) in remainders.iter().take(short as usize) {
        parts[i] += 1;
    }
    parts
}

/// The published table scaled to `patients`: patients per row exactly in proportion, acute
/// admissions per row in proportion to the published figure (at most one per episode).
pub fn allocate(patients: usize) -> Vec<PublishedRow> {
    let counts = proportional(patients as u64, &PUBLISHED_2017.map(|r| r.patients));
    let published_total: u64 = PUBLISHED_2017.iter().map(|r| r.patients).sum();
    PUBLISHED_2017
        .iter()
        .zip(counts)
        .map(|(row, n)| PublishedRow {
            episodes: row.episodes,
            patients: n,
            acute_admissions: (row.acute_admissions * patients as u64 * 2 + published_total)
                / (2 * published_total),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_population_is_reproduced_exactly() {
        assert_eq!(allocate(4_673), PUBLISHED_2017.to_vec());
        assert_eq!(
            PUBLISHED_2017.iter().map(|r| r.patients).sum::<u64>(),
            4_673
        );
        assert_eq!(
            PUBLISHED_2017
                .iter()
                .map(|r| r.acute_admissions)
                .sum::<u64>(),
            8_562
        );
    }

    #[test]
    fn other_populations_keep_the_shape_and_the_total() {
        for n in [1, 10, 100, 1_000, 100_000] {
            let rows = allocate(n);
            assert_eq!(
                rows.iter().map(|r| r.patients).sum::<u64>(),
                n as u64,
                "n = {n}"
            );
        }
        let tenfold = allocate(46_730);
        assert_eq!(tenfold[0].patients, 30_820);
        assert_eq!(tenfold[10].acute_admissions, 11_760);
    }
}
