//! Anonymity: no published number may describe fewer than `k` respondents,
//! directly or by subtraction.
//!
//! Cells are groups of observations (responses, or the answers to one
//! dimension, or work orders). Every grouping partitions the observations
//! that carry its keys, so two groupings give nested or overlapping cells.
//! The rule, applied until nothing changes:
//!
//! 1. **Primary suppression**: a cell with `0 < n < k` is suppressed.
//! 2. **Complementary suppression**: for every published cell `A` and every
//!    other grouping `G`, let `U` be the published cells of `G` that lie
//!    entirely inside `A` (checked on the data, not on the keys: a plumber
//!    who only worked in Building 3 is inside Building 3). If
//!    `0 < |A| − Σ|U| < k`, subtracting them from `A` would describe fewer
//!    than `k` respondents, so the smallest cell of `U` is suppressed too.
//! 3. **Across groupings**: the same with `U` the largest disjoint published
//!    cells inside `A` taken from all groupings (largest first; exact when
//!    groupings nest, as building and building × month do).
//!
//! This covers "parent minus its published children" and the difference of
//! any two nested groups (`A` minus one cell inside it). It does not solve the
//! general problem of combining several non-nested groupings (cell
//! suppression in full generality is NP-hard); that limitation is stated in
//! the engine's documentation.

use std::collections::HashMap;

/// Publication status of one cell in one family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// Published.
    Published,
    /// Fewer than `k` observations.
    Primary,
    /// Hidden to protect a smaller suppressed cell.
    Complementary,
    /// Not a candidate (no observations here, or hidden by its group).
    Hidden,
}

/// Key of a cell pair in the overlap table (`a < b`).
pub(crate) fn pair(a: usize, b: usize) -> u64 {
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    ((lo as u64) << 32) | (hi as u64 & 0xffff_ffff)
}

/// One family of cells: counts, groupings, candidates and pairwise overlaps.
pub(crate) struct Family<'a> {
    /// Observations of this family in each cell.
    pub(crate) n: &'a [u64],
    /// The grouping each cell belongs to.
    pub(crate) grouping: &'a [usize],
    /// Whether the cell may be published at all.
    pub(crate) candidate: &'a [bool],
    /// Observations shared by two cells, keyed by [`pair`].
    pub(crate) overlap: &'a HashMap<u64, u64>,
}

/// Applies primary and complementary suppression with threshold `k`.
pub(crate) fn suppress(f: &Family<'_>, k: u64) -> Vec<Status> {
    let cells = f.n.len();
    let mut status: Vec<Status> = (0..cells)
        .map(|c| {
            let n = f.n.get(c).copied().unwrap_or(0);
            if !f.candidate.get(c).copied().unwrap_or(false) || n == 0 {
                Status::Hidden
            } else if n < k {
                Status::Primary
            } else {
                Status::Published
            }
        })
        .collect();
    // Neighbours: cells sharing observations, with the shared count.
    let mut neighbours: Vec<Vec<(usize, u64)>> = vec![Vec::new(); cells];
    let mut pairs: Vec<(&u64, &u64)> = f.overlap.iter().collect();
    pairs.sort_unstable();
    for (key, &shared) in pairs {
        let a = (key >> 32) as usize;
        let b = (key & 0xffff_ffff) as usize;
        if let Some(list) = neighbours.get_mut(a) {
            list.push((b, shared));
        }
        if let Some(list) = neighbours.get_mut(b) {
            list.push((a, shared));
        }
    }
    loop {
        let mut changed = false;
        for a in 0..cells {
            if status.get(a) != Some(&Status::Published) {
                continue;
            }
            let na = f.n.get(a).copied().unwrap_or(0);
            let ga = f.grouping.get(a).copied();
            // Per other grouping: Σ|B| over published B ⊆ A, and the smallest such B.
            let mut inside: HashMap<usize, (u64, (u64, usize))> = HashMap::new();
            for &(b, shared) in neighbours.get(a).map(Vec::as_slice).unwrap_or(&[]) {
                let gb = f.grouping.get(b).copied();
                let nb = f.n.get(b).copied().unwrap_or(0);
                if gb == ga || status.get(b) != Some(&Status::Published) || shared != nb {
                    continue;
                }
                let Some(gb) = gb else { continue };
                let e = inside.entry(gb).or_insert((0, (u64::MAX, usize::MAX)));
                e.0 += nb;
                if (nb, b) < e.1 {
                    e.1 = (nb, b);
                }
            }
            let mut groupings: Vec<_> = inside.into_iter().collect();
            groupings.sort_unstable();
            for (_, (covered, (_, smallest))) in groupings {
                let rest = na.saturating_sub(covered);
                if rest > 0
                    && rest < k
                    && let Some(s) = status.get_mut(smallest)
                {
                    *s = Status::Complementary;
                    changed = true;
                }
            }
            if changed {
                continue;
            }
            // Across groupings: the largest disjoint published cells inside A
            // (exact for nested groupings, greedy otherwise).
            let mut candidates: Vec<(u64, usize)> = neighbours
                .get(a)
                .map(Vec::as_slice)
                .unwrap_or(&[])
                .iter()
                .filter(|&&(b, shared)| {
                    let nb = f.n.get(b).copied().unwrap_or(0);
                    f.grouping.get(b).copied() != ga
                        && status.get(b) == Some(&Status::Published)
                        && shared == nb
                        && nb < na
                })
                .map(|&(b, _)| (f.n.get(b).copied().unwrap_or(0), b))
                .collect();
            candidates.sort_unstable_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
            let mut picked: Vec<(u64, usize)> = Vec::new();
            for (nb, b) in candidates {
                if picked
                    .iter()
                    .all(|&(_, p)| f.overlap.get(&pair(b, p)).copied().unwrap_or(0) == 0)
                {
                    picked.push((nb, b));
                }
            }
            let covered: u64 = picked.iter().map(|(n, _)| n).sum();
            let rest = na.saturating_sub(covered);
            if rest > 0
                && rest < k
                && let Some(&(_, smallest)) = picked.iter().min()
                && let Some(s) = status.get_mut(smallest)
            {
                *s = Status::Complementary;
                changed = true;
            }
        }
        if !changed {
            return status;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a family from explicit observation memberships: `cells[i]` is
    /// (grouping, observation ids).
    fn family(cells: &[(usize, Vec<u32>)]) -> (Vec<u64>, Vec<usize>, HashMap<u64, u64>) {
        let n = cells.iter().map(|(_, o)| o.len() as u64).collect();
        let g = cells.iter().map(|(g, _)| *g).collect();
        let mut overlap = HashMap::new();
        for (i, (_, a)) in cells.iter().enumerate() {
            for (j, (_, b)) in cells.iter().enumerate().skip(i + 1) {
                let shared = a.iter().filter(|x| b.contains(x)).count() as u64;
                if shared > 0 {
                    overlap.insert(pair(i, j), shared);
                }
            }
        }
        (n, g, overlap)
    }

    fn run(cells: &[(usize, Vec<u32>)], k: u64) -> Vec<Status> {
        let (n, g, overlap) = family(cells);
        let candidate = vec![true; n.len()];
        suppress(
            &Family {
                n: &n,
                grouping: &g,
                candidate: &candidate,
                overlap: &overlap,
            },
            k,
        )
    }

    use Status::*;

    #[test]
    fn a_small_child_takes_its_smallest_sibling_with_it() {
        // Root of 23; children of 10, 7, 3 and 3 (the two of 3 are suppressed:
        // together 6 ≥ 5, so nothing more is needed).
        let ids = |a: u32, b: u32| (a..b).collect::<Vec<_>>();
        let s = run(
            &[
                (0, ids(0, 23)),
                (1, ids(0, 10)),
                (1, ids(10, 17)),
                (1, ids(17, 20)),
                (1, ids(20, 23)),
            ],
            5,
        );
        assert_eq!(s, [Published, Published, Published, Primary, Primary]);
        // One child of 3 alone: root − published children = 3 < 5, so the
        // smallest published child (7) goes too.
        let s = run(
            &[
                (0, ids(0, 20)),
                (1, ids(0, 10)),
                (1, ids(10, 17)),
                (1, ids(17, 20)),
            ],
            5,
        );
        assert_eq!(s, [Published, Published, Complementary, Primary]);
    }

    #[test]
    fn observations_without_the_key_count_in_the_remainder() {
        // Root 12; staff groups cover 10 of them (2 surveys have no staff):
        // root − staff groups = 2 < 5 reveals the two surveys.
        let ids = |a: u32, b: u32| (a..b).collect::<Vec<_>>();
        let s = run(&[(0, ids(0, 12)), (1, ids(0, 5)), (1, ids(5, 10))], 5);
        assert_eq!(s, [Published, Complementary, Published]);
    }

    #[test]
    fn nested_cells_across_groupings_are_checked_on_the_data() {
        // Building B (grouping 1) has 8; a staff member (grouping 2) has 6, all
        // inside B: B − staff = 2 reveals two respondents, so the staff cell
        // (the smaller) is suppressed. Root 30 so that nothing else triggers.
        let ids = |a: u32, b: u32| (a..b).collect::<Vec<_>>();
        let s = run(
            &[
                (0, ids(0, 30)),
                (1, ids(0, 8)),
                (1, ids(8, 30)),
                (2, ids(0, 6)),
                (2, ids(6, 30)),
            ],
            5,
        );
        assert_eq!(s[3], Complementary);
        assert_eq!(s[1], Published);
        // The same holds the other way round: staff cell 4 (obs 6–29) minus
        // building cell 2 (obs 8–29) would reveal obs 6 and 7.
        assert_eq!(s[2], Complementary);
        assert_eq!(s[4], Published);
        assert_eq!(s[0], Published);
    }

    #[test]
    fn everything_below_k_is_suppressed() {
        let s = run(&[(0, vec![1, 2, 3]), (1, vec![1, 2]), (1, vec![3])], 5);
        assert_eq!(s, [Primary, Primary, Primary]);
    }

    #[test]
    fn suppression_cascades_until_stable() {
        // Root 40 with buildings 20 + 16 + 4: the 4 is suppressed, so the 16
        // goes as well. Building 16 has two months, 12 + 4: its 4 is
        // suppressed; its 12 can stay, because the building is hidden and
        // root − 20 − 12 leaves 8.
        let ids = |a: u32, b: u32| (a..b).collect::<Vec<_>>();
        let s = run(
            &[
                (0, ids(0, 40)),
                (1, ids(0, 20)),
                (1, ids(20, 36)),
                (1, ids(36, 40)),
                (2, ids(20, 32)),
                (2, ids(32, 36)),
            ],
            5,
        );
        assert_eq!(
            s,
            [
                Published,
                Published,
                Complementary,
                Primary,
                Published,
                Primary
            ]
        );
    }

    #[test]
    fn disjoint_cells_of_different_groupings_are_combined() {
        // Root 38: buildings 20, 17 and 1 (grouping 1); months of the 17 only:
        // 16 and 1 (grouping 2). Primary: the 1s. Grouping 1 alone: root −
        // 20 − 17 = 1, so the 17 goes. Then root − 20 (building) − 16
        // (month, disjoint from it) = 2 < 5: the 16 goes too.
        let ids = |a: u32, b: u32| (a..b).collect::<Vec<_>>();
        let s = run(
            &[
                (0, ids(0, 38)),
                (1, ids(0, 20)),
                (1, ids(20, 37)),
                (1, ids(37, 38)),
                (2, ids(20, 36)),
                (2, ids(36, 37)),
            ],
            5,
        );
        assert_eq!(
            s,
            [
                Published,
                Published,
                Complementary,
                Primary,
                Complementary,
                Primary
            ]
        );
    }
}
