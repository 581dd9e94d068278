//! Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"):
//! alpha = 1 − D_o / D_e from the coincidence matrix of pairable values, for nominal, ordinal,
//! interval and ratio data. A unit with fewer than two values has nothing to pair and is left
//! out. Alpha is undefined when every pairable value is the same (D_e = 0), and then this
//! module says so instead of giving a number.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// The level of measurement, which chooses the difference function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Categories without order (any two different values disagree equally).
    Nominal,
    /// Ordered steps (the DEFACTUM scale).
    Ordinal,
    /// Equal distances between values.
    Interval,
    /// Equal distances and a true zero.
    Ratio,
}

impl Level {
    /// Reads a level's name (`nominal`, `ordinal`, `interval`, `ratio`).
    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "nominal" => Some(Level::Nominal),
            "ordinal" => Some(Level::Ordinal),
            "interval" => Some(Level::Interval),
            "ratio" => Some(Level::Ratio),
            _ => None,
        }
    }
}

/// What one computation found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    /// None when undefined: no variation among the pairable values.
    pub alpha: Option<f64>,
    /// Observed disagreement D_o.
    pub observed: f64,
    /// Expected disagreement D_e.
    pub expected: f64,
    /// n: the number of pairable values (values in units with at least two).
    pub pairable: usize,
    /// Units with at least two values.
    pub pairable_units: usize,
}

/// The coincidence matrix over the distinct values, sorted.
struct Coincidences {
    values: Vec<f64>,
    o: Vec<Vec<f64>>,
    n_c: Vec<f64>,
    n: f64,
    pairable_units: usize,
}

fn coincidences<'a>(units: impl IntoIterator<Item = &'a [Option<f64>]> + Clone) -> Coincidences {
    let mut values: Vec<f64> = units
        .clone()
        .into_iter()
        .flatten()
        .flatten()
        .copied()
        .collect();
    values.sort_by(f64::total_cmp);
    values.dedup();
    let index = |v: f64| {
        values
            .binary_search_by(|x| x.total_cmp(&v))
            .expect("every value was collected")
    };
    let size = values.len();
    let mut o = vec![vec![0.0; size]; size];
    let mut pairable_units = 0;
    for unit in units {
        let present: Vec<usize> = unit.iter().flatten().map(|&v| index(v)).collect();
        let m = present.len();
        if m < 2 {
            continue;
        }
        pairable_units += 1;
        let weight = 1.0 / (m as f64 - 1.0);
        for (i, &c) in present.iter().enumerate() {
            for (j, &k) in present.iter().enumerate() {
                if i != j {
                    o[c][k] += weight;
                }
            }
        }
    }
    let n_c: Vec<f64> = o.iter().map(|row| row.iter().sum()).collect();
    let n = n_c.iter().sum();
    Coincidences {
        values,
        o,
        n_c,
        n,
        pairable_units,
    }
}

/// The squared difference δ² between the `c`-th and `k`-th distinct values.
fn delta2(level: Level, cx: &Coincidences, c: usize, k: usize) -> f64 {
    if c == k {
        return 0.0;
    }
    let (a, b) = (cx.values[c], cx.values[k]);
    match level {
        Level::Nominal => 1.0,
        Level::Ordinal => {
            let (lo, hi) = (c.min(k), c.max(k));
            let between: f64 = cx.n_c[lo..=hi].iter().sum();
            let d = between - (cx.n_c[c] + cx.n_c[k]) / 2.0;
            d * d
        }
        Level::Interval => (a - b) * (a - b),
        Level::Ratio => {
            let sum = a + b;
            if sum == 0.0 {
                0.0
            } else {
                ((a - b) / sum).powi(2)
            }
        }
    }
}

/// Alpha over units (rows) of values by raters (columns); None is a missing value.
pub fn agreement(units: &[Vec<Option<f64>>], level: Level) -> Agreement {
    let cx = coincidences(units.iter().map(Vec::as_slice));
    let size = cx.values.len();
    let (mut observed, mut expected) = (0.0, 0.0);
    for c in 0..size {
        for k in 0..size {
            let d = delta2(level, &cx, c, k);
            observed += cx.o[c][k] * d;
            expected += cx.n_c[c] * cx.n_c[k] * d;
        }
    }
    let n = cx.n;
    let (observed, expected) = if n > 1.0 {
        (observed / n, expected / (n * (n - 1.0)))
    } else {
        (0.0, 0.0)
    };
    Agreement {
        alpha: (expected > 0.0).then(|| 1.0 - observed / expected),
        observed,
        expected,
        pairable: n.round() as usize,
        pairable_units: cx.pairable_units,
    }
}

/// A percentile bootstrap interval: `samples` resamplings of the units with replacement from a
/// ChaCha8 generator seeded with `seed`, so the same call always gives the same interval.
/// Resamples where alpha is undefined are left out; None when all were.
pub fn bootstrap_interval(
    units: &[Vec<Option<f64>>],
    level: Level,
    samples: usize,
    seed: u64,
    confidence: f64,
) -> Option<(f64, f64)> {
    let pairable: Vec<&Vec<Option<f64>>> = units
        .iter()
        .filter(|u| u.iter().flatten().count() >= 2)
        .collect();
    if pairable.is_empty() {
        return None;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut alphas = Vec::with_capacity(samples);
    let mut sample = Vec::with_capacity(pairable.len());
    for _ in 0..samples {
        sample.clear();
        for _ in 0..pairable.len() {
            sample.push(pairable[rng.random_range(0..pairable.len())].clone());
        }
        if let Some(a) = agreement(&sample, level).alpha {
            alphas.push(a);
        }
    }
    if alphas.is_empty() {
        return None;
    }
    alphas.sort_by(f64::total_cmp);
    let tail = (1.0 - confidence) / 2.0;
    let at = |q: f64| alphas[((alphas.len() - 1) as f64 * q).round() as usize];
    Some((at(tail), at(1.0 - tail)))
}

/// How often each value was given, in value order.
pub fn distribution(units: &[Vec<Option<f64>>]) -> Vec<(f64, usize)> {
    let mut all: Vec<f64> = units.iter().flatten().flatten().copied().collect();
    all.sort_by(f64::total_cmp);
    let mut out: Vec<(f64, usize)> = Vec::new();
    for v in all {
        match out.last_mut() {
            Some((last, count)) if *last == v => *count += 1,
            _ => out.push((v, 1)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Krippendorff (2011), 4 raters × 12 units, transposed to units × raters.
    fn reference() -> Vec<Vec<Option<f64>>> {
        let raters = [
            "1 2 3 3 2 1 4 1 2 . . .",
            "1 2 3 3 2 2 4 1 2 5 . 3",
            ". 3 3 3 2 3 4 2 2 5 1 .",
            "1 2 3 3 2 4 4 1 2 5 1 .",
        ];
        let rows: Vec<Vec<Option<f64>>> = raters
            .iter()
            .map(|r| r.split(' ').map(|v| v.parse().ok()).collect())
            .collect();
        (0..12)
            .map(|u| rows.iter().map(|r| r[u]).collect())
            .collect()
    }

    fn round3(x: Option<f64>) -> Option<f64> {
        x.map(|a| (a * 1000.0).round() / 1000.0)
    }

    #[test]
    fn the_published_reference_values() {
        let units = reference();
        for (level, expected) in [
            (Level::Nominal, 0.743),
            (Level::Ordinal, 0.815),
            (Level::Interval, 0.849),
            (Level::Ratio, 0.797),
        ] {
            let a = agreement(&units, level);
            assert_eq!(round3(a.alpha), Some(expected), "{level:?}: {a:?}");
            assert_eq!(a.pairable, 40, "unit 12 has one value: not pairable");
            assert_eq!(a.pairable_units, 11);
        }
    }

    #[test]
    fn hand_computed_small_cases() {
        // Two raters, two units: (1,1) and (1,2). Nominal coincidences: o11 = 2, o12 = o21 = 1;
        // n1 = 3, n2 = 1, n = 4. D_o = 2/4; D_e = 2·3·1/(4·3) = 1/2 → alpha = 0.
        let units = vec![vec![Some(1.0), Some(1.0)], vec![Some(1.0), Some(2.0)]];
        let a = agreement(&units, Level::Nominal);
        assert_eq!(a.alpha, Some(0.0));
        assert_eq!((a.observed, a.expected), (0.5, 0.5));
        // Perfect agreement with variation: alpha = 1.
        let units = vec![vec![Some(1.0), Some(1.0)], vec![Some(3.0), Some(3.0)]];
        assert_eq!(agreement(&units, Level::Interval).alpha, Some(1.0));
        // Interval, (1,3) and (3,1): o13 = o31 = 2, n1 = n3 = 2, n = 4, δ² = 4.
        // D_o = 16/4 = 4; D_e = (2·2·4·2)/(4·3) = 8/3 → alpha = 1 − 4/(8/3) = −0.5.
        let units = vec![vec![Some(1.0), Some(3.0)], vec![Some(3.0), Some(1.0)]];
        assert_eq!(round3(agreement(&units, Level::Interval).alpha), Some(-0.5));
    }

    #[test]
    fn no_variation_all_missing_and_single_rater_units_are_undefined() {
        let same = vec![vec![Some(2.0), Some(2.0)], vec![Some(2.0), None, Some(2.0)]];
        let a = agreement(&same, Level::Ordinal);
        assert_eq!(a.alpha, None);
        assert_eq!(a.pairable, 4);
        let missing = vec![vec![None, None], vec![None, None]];
        assert_eq!(agreement(&missing, Level::Nominal).alpha, None);
        assert_eq!(agreement(&missing, Level::Nominal).pairable, 0);
        let single = vec![vec![Some(1.0), None], vec![None, Some(4.0)]];
        let a = agreement(&single, Level::Interval);
        assert_eq!((a.alpha, a.pairable, a.pairable_units), (None, 0, 0));
        assert_eq!(
            bootstrap_interval(&single, Level::Interval, 100, 1, 0.95),
            None
        );
    }

    #[test]
    fn single_rater_units_do_not_change_alpha() {
        let mut units = reference();
        let before = agreement(&units, Level::Ordinal);
        units.push(vec![Some(5.0), None, None, None]);
        assert_eq!(agreement(&units, Level::Ordinal), before);
    }

    #[test]
    fn the_bootstrap_is_seeded_and_brackets_alpha() {
        let units = reference();
        let a = bootstrap_interval(&units, Level::Interval, 2000, 7, 0.95).unwrap();
        assert_eq!(
            a,
            bootstrap_interval(&units, Level::Interval, 2000, 7, 0.95).unwrap()
        );
        assert_ne!(
            a,
            bootstrap_interval(&units, Level::Interval, 2000, 8, 0.95).unwrap()
        );
        assert!(a.0 < 0.849 && 0.849 < a.1, "{a:?}");
        assert!(a.1 <= 1.0);
    }

    #[test]
    fn distribution_counts_every_value() {
        let d = distribution(&reference());
        assert_eq!(
            d,
            [(1.0, 9), (2.0, 13), (3.0, 11), (4.0, 5), (5.0, 3)],
            "41 values in all"
        );
        assert_eq!(d.iter().map(|(_, n)| n).sum::<usize>(), 41);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Alpha straight from its pairwise definition, without a coincidence matrix: the mean
    /// squared difference within units against the mean over all pairs of pairable values.
    fn pairwise_interval(units: &[Vec<Option<f64>>]) -> Option<f64> {
        let pairable: Vec<Vec<f64>> = units
            .iter()
            .map(|u| u.iter().flatten().copied().collect::<Vec<f64>>())
            .filter(|u| u.len() >= 2)
            .collect();
        let all: Vec<f64> = pairable.iter().flatten().copied().collect();
        let n = all.len() as f64;
        let mut within = 0.0;
        for u in &pairable {
            let m = u.len() as f64;
            for (i, a) in u.iter().enumerate() {
                for (j, b) in u.iter().enumerate() {
                    if i != j {
                        within += (a - b).powi(2) / (m - 1.0);
                    }
                }
            }
        }
        let mut between = 0.0;
        for (i, a) in all.iter().enumerate() {
            for (j, b) in all.iter().enumerate() {
                if i != j {
                    between += (a - b).powi(2);
                }
            }
        }
        (between > 0.0).then(|| 1.0 - (n - 1.0) * within / between)
    }

    fn table() -> impl Strategy<Value = Vec<Vec<Option<f64>>>> {
        (2usize..6).prop_flat_map(|raters| {
            proptest::collection::vec(
                proptest::collection::vec(proptest::option::weighted(0.8, 1u8..6), raters),
                1..12,
            )
            .prop_map(|units| {
                units
                    .into_iter()
                    .map(|u| u.into_iter().map(|v| v.map(f64::from)).collect())
                    .collect()
            })
        })
    }

    proptest! {
        #[test]
        fn interval_alpha_matches_the_pairwise_definition(units in table()) {
            let a = agreement(&units, Level::Interval).alpha;
            let b = pairwise_interval(&units);
            match (a, b) {
                (Some(a), Some(b)) => prop_assert!((a - b).abs() < 1e-9, "{a} vs {b}"),
                (a, b) => prop_assert_eq!(a, b),
            }
        }

        #[test]
        fn alpha_ignores_the_order_of_raters_and_units_and_is_at_most_one(units in table()) {
            for level in [Level::Nominal, Level::Ordinal, Level::Interval, Level::Ratio] {
                let a = agreement(&units, level);
                let mut swapped: Vec<Vec<Option<f64>>> = units
                    .iter()
                    .rev()
                    .map(|u| u.iter().rev().copied().collect())
                    .collect();
                swapped.rotate_left(units.len() / 2);
                let b = agreement(&swapped, level);
                match (a.alpha, b.alpha) {
                    (Some(x), Some(y)) => {
                        prop_assert!((x - y).abs() < 1e-9);
                        prop_assert!(x <= 1.0 + 1e-12);
                    }
                    (x, y) => prop_assert_eq!(x, y),
                }
                prop_assert_eq!(a.pairable, b.pairable);
            }
        }
    }
}
