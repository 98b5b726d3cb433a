//! Linear sum assignment: the shortest-augmenting-path (Hungarian) method
//! with dual potentials, for dense rectangular cost matrices.
//!
//! The solver assigns each row of an `n × m` matrix (`n ≤ m`) to a distinct
//! column at least total cost. `+∞` marks a forbidden pair. Optionally each
//! row has an *outside option* (a cost for staying unassigned), which the
//! dispatch plan uses for orders nobody can take: the outside is a sink of
//! unlimited capacity, so rows may also outnumber columns.
//!
//! Invariants (the reason the result is optimal): dual potentials `u` (rows)
//! and `v` (columns) with `u[i] + v[j] ≤ c[i][j]` for every pair, equality on
//! every assigned pair, `u[i] ≤ p[i]` (the outside cost) with equality for
//! rows outside, `v[j] ≤ 0` with equality on unassigned columns (not needed
//! when the matrix is square). Rows are added one at a time by a Dijkstra
//! search over reduced costs from the new row to the nearest free column (or
//! the outside); potentials are then shifted so that the path becomes tight,
//! and the path is flipped.
//!
//! Speed: each search step relaxes one row against every column in order
//! (scanned columns are masked by their values rather than skipped), so the
//! pass has no branches and vectorises; every column that reaches the least
//! distance is taken at once (integer costs tie often), and the search stops
//! as soon as one of them is free. Predecessors are not stored during the
//! passes but found afterwards for the few columns on the path.

use crate::{Error, ErrorKind, Issue, IssueCode, Result};

const NONE: usize = usize::MAX;
/// Marks a row that takes its outside option.
pub(crate) const OUTSIDE: usize = usize::MAX - 1;

/// Lanes of the column passes: four independent chains, which the compiler
/// turns into vector instructions.
const LANES: usize = 4;

/// Lowers each column's distance `d[j]` to `base + row[j] - vm[j]` where that
/// is less, and returns the least distance afterwards. Scanned columns have
/// `vm = -∞` and `d = +∞`, so they neither change nor count. (Which row set a
/// distance is worked out afterwards, for the few columns on the path: see
/// [`Solver::pred`].)
fn relax(row: &[f64], vm: &[f64], d: &mut [f64], base: f64) -> f64 {
    let mut lo = [f64::INFINITY; LANES];
    let mut rows = row.chunks_exact(LANES);
    let mut vms = vm.chunks_exact(LANES);
    let mut ds = d.chunks_exact_mut(LANES);
    for ((r, v), d) in (&mut rows).zip(&mut vms).zip(&mut ds) {
        for l in 0..LANES {
            let x = base + r[l] - v[l];
            d[l] = if x < d[l] { x } else { d[l] };
            lo[l] = if d[l] < lo[l] { d[l] } else { lo[l] };
        }
    }
    let tail = rows.remainder().iter().zip(vms.remainder());
    for ((&r, &v), d) in tail.zip(ds.into_remainder()) {
        let x = base + r - v;
        *d = if x < *d { x } else { *d };
        lo[0] = if *d < lo[0] { *d } else { lo[0] };
    }
    lo.iter()
        .fold(f64::INFINITY, |a, &b| if b < a { b } else { a })
}

/// The least `row[j] - v[j]` (`+∞` for an empty row).
fn reduced_min(row: &[f64], v: &[f64]) -> f64 {
    let mut lo = [f64::INFINITY; LANES];
    let mut rows = row.chunks_exact(LANES);
    let mut vs = v.chunks_exact(LANES);
    for (r, v) in (&mut rows).zip(&mut vs) {
        for l in 0..LANES {
            let x = r[l] - v[l];
            lo[l] = if x < lo[l] { x } else { lo[l] };
        }
    }
    for (&r, &v) in rows.remainder().iter().zip(vs.remainder()) {
        let x = r - v;
        lo[0] = if x < lo[0] { x } else { lo[0] };
    }
    lo.iter()
        .fold(f64::INFINITY, |a, &b| if b < a { b } else { a })
}

/// The index of the first entry that is NaN or equal to `bad`.
fn first_invalid(cost: &[f64], bad: f64) -> Option<usize> {
    const CHUNK: usize = 64;
    // `|` rather than `||`: no branch per entry, so the check vectorises.
    let invalid = |c: f64| c.is_nan() | (c == bad);
    cost.chunks(CHUNK).enumerate().find_map(|(k, chunk)| {
        if chunk.iter().fold(false, |hit, &c| hit | invalid(c)) {
            chunk
                .iter()
                .position(|&c| invalid(c))
                .map(|p| k * CHUNK + p)
        } else {
            None
        }
    })
}

/// Whether some entry of `d` is at most `at`.
fn any_at_most(d: &[f64], at: f64) -> bool {
    d.iter().fold(false, |hit, &x| hit | (x <= at))
}

/// Working memory of the solver. Columns are kept as parallel vectors and
/// every search pass runs over all of them in order (scanned ones are masked
/// by their values), so that the passes vectorise.
struct Solver<'c, 'w> {
    cost: &'c [f64],
    n: usize,
    m: usize,
    outside: Option<&'c [f64]>,
    u: &'w mut [f64],
    /// Column dual potentials.
    v: &'w mut [f64],
    /// In the current search: `v`, or `-∞` once the column is scanned.
    vm: &'w mut [f64],
    /// In the current search: the tentative distance of unscanned columns,
    /// `+∞` once scanned.
    d: &'w mut [f64],
    /// In the current search: the final distance of scanned columns.
    dist: &'w mut [f64],
    /// The augmenting path, as (column, row) pairs from its end.
    path: &'w mut Vec<(usize, usize)>,
    /// The row assigned to each column, or `NONE`.
    owner: &'w mut [usize],
    col4row: &'w mut [usize],
    /// Scanned rows, with the `base` of their relaxation.
    scanned_rows: &'w mut Vec<(usize, f64)>,
    /// Scanned columns (their final distances are in `dist`).
    scanned_cols: &'w mut Vec<usize>,
    /// Scanned columns whose rows are still to be scanned.
    todo: &'w mut Vec<usize>,
}

impl<'c> Solver<'c, '_> {
    fn row(&self, i: usize) -> &'c [f64] {
        self.cost.get(i * self.m..(i + 1) * self.m).unwrap_or(&[])
    }

    fn outside_cost(&self, i: usize) -> f64 {
        self.outside
            .and_then(|p| p.get(i).copied())
            .unwrap_or(f64::INFINITY)
    }

    /// Dual-feasible starting potentials and a greedy partial assignment of
    /// tight pairs (column then row reduction for square matrices, row
    /// reduction otherwise).
    fn initialise(&mut self) -> bool {
        let (n, m) = (self.n, self.m);
        if n == m && self.outside.is_none() {
            self.v.fill(f64::INFINITY);
            for i in 0..n {
                let row = self.row(i);
                for (v, &c) in self.v.iter_mut().zip(row) {
                    if c < *v {
                        *v = c;
                    }
                }
            }
            if self.v.iter().any(|v| v.is_infinite()) {
                return false;
            }
        }
        for i in 0..n {
            let row = self.row(i);
            // The least reduced cost, then the first column that has it (two
            // passes without branches, the same subtraction in both).
            let least = reduced_min(row, self.v);
            let mut best = self.outside_cost(i);
            let mut arg = OUTSIDE;
            if least < best {
                best = least;
                arg = row
                    .iter()
                    .zip(self.v.iter())
                    .position(|(&c, &v)| c - v == least)
                    .unwrap_or(OUTSIDE);
            }
            if best.is_infinite() {
                return false;
            }
            self.u[i] = best;
            if arg == OUTSIDE {
                self.col4row[i] = OUTSIDE;
            } else if let Some(owner) = self.owner.get_mut(arg)
                && *owner == NONE
            {
                *owner = i;
                self.col4row[i] = arg;
            }
        }
        true
    }

    /// Moves every unscanned column at distance `≤ at` to the scanned ones
    /// (and the to-do list); returns a free one among them, if any.
    fn take(&mut self, at: f64) -> Option<usize> {
        const BLOCK: usize = 16;
        let mut free = None;
        for (b, block) in self.d.chunks_mut(BLOCK).enumerate() {
            if !any_at_most(block, at) {
                continue;
            }
            for (k, d) in block.iter_mut().enumerate() {
                if *d <= at {
                    let j = b * BLOCK + k;
                    self.scanned_cols.push(j);
                    if let Some(dist) = self.dist.get_mut(j) {
                        *dist = *d;
                    }
                    *d = f64::INFINITY;
                    if let Some(vm) = self.vm.get_mut(j) {
                        *vm = f64::NEG_INFINITY;
                    }
                    if self.owner.get(j) == Some(&NONE) {
                        free.get_or_insert(j);
                    } else {
                        self.todo.push(j);
                    }
                }
            }
        }
        free
    }

    /// The row column `j` was reached from in the current search: the first
    /// scanned row whose relaxation gives its distance `dist` (a row lowers a
    /// distance only when strictly less, so the first one to give it is the
    /// one that set it; the same sum in the same order gives the same bits).
    fn pred(&self, j: usize, dist: f64) -> usize {
        let v = self.v.get(j).copied().unwrap_or(f64::NAN);
        self.scanned_rows
            .iter()
            .find(|&&(i, base)| {
                self.cost
                    .get(i * self.m + j)
                    .is_some_and(|&c| base + c - v == dist)
            })
            .map_or(NONE, |&(i, _)| i)
    }

    /// Adds row `cur` by a shortest augmenting path (Dijkstra over reduced
    /// costs, all columns at the least distance taken at once); false if none
    /// exists.
    fn augment(&mut self, cur: usize) -> bool {
        self.d.fill(f64::INFINITY);
        self.vm.copy_from_slice(self.v);
        self.scanned_rows.clear();
        self.scanned_cols.clear();
        self.todo.clear();

        let mut min_val = 0.0_f64;
        let mut i = cur;
        let mut outside_dist = f64::INFINITY;
        let mut outside_row = NONE;
        let sink = loop {
            let ui = self.u[i];
            self.scanned_rows.push((i, min_val - ui));
            if self.outside.is_some() {
                let r = min_val + self.outside_cost(i) - ui;
                if r < outside_dist {
                    outside_dist = r;
                    outside_row = i;
                }
            }
            let row = self.row(i);
            let lowest = relax(row, self.vm, self.d, min_val - ui);
            // Columns this row brought to the current distance join it.
            if lowest <= min_val
                && let Some(j) = self.take(min_val)
            {
                break j;
            }
            if outside_dist <= min_val {
                break OUTSIDE;
            }
            if let Some(j) = self.todo.pop() {
                i = self.owner[j];
                continue;
            }
            // Nothing left at this distance: on to the next least one.
            if outside_dist <= lowest && outside_dist.is_finite() {
                min_val = outside_dist;
                break OUTSIDE;
            }
            if !lowest.is_finite() {
                return false;
            }
            min_val = lowest;
            if let Some(j) = self.take(min_val) {
                break j;
            }
            match self.todo.pop() {
                Some(j) => i = self.owner[j],
                None => return false,
            }
        };

        // The path back from its end to `cur`, found while the potentials
        // are still those of the search.
        self.path.clear();
        let mut j = match sink {
            OUTSIDE if outside_row == cur => NONE,
            OUTSIDE => self.col4row.get(outside_row).copied().unwrap_or(NONE),
            j => j,
        };
        while j != NONE {
            let r = self.pred(j, self.dist.get(j).copied().unwrap_or(f64::NAN));
            if r == NONE {
                return false;
            }
            self.path.push((j, r));
            j = if r == cur { NONE } else { self.col4row[r] };
        }

        // Shift the potentials so that the path is tight.
        self.u[cur] += min_val;
        for &c in self.scanned_cols.iter() {
            let dc = self.dist[c];
            let r = self.owner[c];
            if r != NONE && r != cur {
                self.u[r] += min_val - dc;
            }
            self.v[c] -= min_val - dc;
        }

        // Flip the path.
        if sink == OUTSIDE {
            self.col4row[outside_row] = OUTSIDE;
        }
        for &(j, r) in self.path.iter() {
            self.owner[j] = r;
            self.col4row[r] = j;
        }
        true
    }
}

/// Solves the assignment of an `n × m` row-major matrix; `n ≤ m` unless
/// every row has an outside option. Returns the column of each row
/// ([`OUTSIDE`] for rows that take their outside option), or `None` if no
/// assignment avoids the infinite entries. Entries must not be NaN or -∞.
pub(crate) fn solve(
    cost: &[f64],
    n: usize,
    m: usize,
    outside: Option<&[f64]>,
) -> Option<Vec<usize>> {
    if n == 0 {
        return Some(Vec::new());
    }
    if outside.is_none() && n > m {
        return None;
    }
    let solve_in = |scratch: &mut Scratch| {
        let col4row = scratch.solve(cost, n, m, outside);
        // Memory of a large problem is not kept.
        if scratch.reals.capacity() > Scratch::KEEP {
            *scratch = Scratch::default();
        }
        col4row
    };
    SCRATCH
        .try_with(|s| match s.try_borrow_mut() {
            Ok(mut s) => solve_in(&mut s),
            Err(_) => solve_in(&mut Scratch::default()),
        })
        .unwrap_or_else(|_| solve_in(&mut Scratch::default()))
}

/// The solver's working memory, kept between solves on a thread so that
/// small problems (solved often, where allocating costs as much as solving)
/// do not allocate.
#[derive(Default)]
struct Scratch {
    reals: Vec<f64>,
    ints: Vec<usize>,
    path: Vec<(usize, usize)>,
    scanned_rows: Vec<(usize, f64)>,
    scanned_cols: Vec<usize>,
    todo: Vec<usize>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

impl Scratch {
    /// Working memory up to this many reals (with as many integers) is kept
    /// for the next solve.
    const KEEP: usize = 1 << 16;

    /// [`solve`] in this working memory.
    fn solve(
        &mut self,
        cost: &[f64],
        n: usize,
        m: usize,
        outside: Option<&[f64]>,
    ) -> Option<Vec<usize>> {
        self.reals.clear();
        self.reals.resize(n + 4 * m, f64::INFINITY);
        let (u, rest) = self.reals.split_at_mut(n);
        let (v, rest) = rest.split_at_mut(m);
        let (vm, rest) = rest.split_at_mut(m);
        let (d, dist) = rest.split_at_mut(m);
        u.fill(0.0);
        v.fill(0.0);
        self.ints.clear();
        self.ints.resize(n + m, NONE);
        let (col4row, owner) = self.ints.split_at_mut(n);
        let mut s = Solver {
            cost,
            n,
            m,
            outside,
            u,
            v,
            vm,
            d,
            dist,
            path: &mut self.path,
            owner,
            col4row,
            scanned_rows: &mut self.scanned_rows,
            scanned_cols: &mut self.scanned_cols,
            todo: &mut self.todo,
        };
        if !s.initialise() {
            return None;
        }
        for cur in 0..n {
            if s.col4row[cur] == NONE && !s.augment(cur) {
                return None;
            }
        }
        Some(s.col4row.to_vec())
    }
}

/// Solves the linear sum assignment problem with the contract of
/// `scipy.optimize.linear_sum_assignment`.
///
/// `cost` is a dense `rows × cols` matrix in row-major order. Every row is
/// assigned to a distinct column if `rows ≤ cols`, otherwise every column to
/// a distinct row, so that the total cost is least (greatest if
/// `maximize`). `+∞` (`-∞` when maximising) marks a forbidden pair. Returns
/// `(row_ind, col_ind)`: `row_ind` is increasing, and
/// `cost[row_ind[k] * cols + col_ind[k]]` are the chosen entries.
///
/// # Errors
/// - `invalid_input` if `cost.len() != rows * cols`, or an entry is NaN or
///   infinite in the wrong direction (-∞ when minimising, +∞ when
///   maximising); the issue names the entry as `cost[i][j]`;
/// - `infeasible` if every complete assignment uses a forbidden entry.
///
/// # Example
/// ```
/// use steward::dispatch::linear_sum_assignment;
/// let cost = [4.0, 1.0, 3.0,
///             2.0, 0.0, 5.0,
///             3.0, 2.0, 2.0];
/// let (rows, cols) = linear_sum_assignment(&cost, 3, 3, false)?;
/// assert_eq!((rows, cols), (vec![0, 1, 2], vec![1, 0, 2]));   // 1 + 2 + 2 = 5
///
/// let (rows, cols) = linear_sum_assignment(&[1.0, 2.0, 3.0, 4.0, 5.0, 9.0], 3, 2, true)?;
/// assert_eq!((rows, cols), (vec![1, 2], vec![0, 1]));          // 3 + 9 = 12
///
/// // +inf forbids a pair.
/// let (rows, cols) = linear_sum_assignment(&[f64::INFINITY, 1.0], 2, 1, false)?;
/// assert_eq!((rows, cols), (vec![1], vec![0]));
/// let err = linear_sum_assignment(&[f64::INFINITY; 4], 2, 2, false).unwrap_err();
/// assert_eq!(err.kind(), steward::ErrorKind::Infeasible);
/// # Ok::<(), steward::Error>(())
/// ```
pub fn linear_sum_assignment(
    cost: &[f64],
    rows: usize,
    cols: usize,
    maximize: bool,
) -> Result<(Vec<usize>, Vec<usize>)> {
    let Some(expected) = rows.checked_mul(cols) else {
        return Err(Error::invalid(
            "cost matrix",
            vec![Issue::new(
                "cost",
                format!("{rows}x{cols}"),
                IssueCode::OutOfRange,
                format!("a {rows} × {cols} matrix is too large"),
            )],
        ));
    };
    if cost.len() != expected {
        return Err(Error::invalid(
            "cost matrix",
            vec![Issue::new(
                "cost",
                format!("{} values", cost.len()),
                IssueCode::InvalidLength,
                format!(
                    "expected rows × cols = {rows} × {cols} = {expected} values, found {}",
                    cost.len()
                ),
            )],
        ));
    }
    let bad = if maximize {
        f64::INFINITY
    } else {
        f64::NEG_INFINITY
    };
    if let Some(k) = first_invalid(cost, bad) {
        let (i, j) = (k / cols.max(1), k % cols.max(1));
        let found = cost.get(k).copied().unwrap_or(f64::NAN);
        let allowed = if maximize { "-inf" } else { "+inf" };
        return Err(Error::invalid(
            "cost matrix",
            vec![Issue::new(
                format!("cost[{i}][{j}]"),
                found.to_string(),
                IssueCode::InvalidValue,
                format!(
                    "matrix contains invalid numeric entries: found {found}; entries must be numbers or {allowed} (a forbidden pair)"
                ),
            )],
        ));
    }
    if rows == 0 || cols == 0 {
        return Ok((Vec::new(), Vec::new()));
    }
    let transpose = rows > cols;
    let (n, m) = if transpose {
        (cols, rows)
    } else {
        (rows, cols)
    };
    let work: std::borrow::Cow<'_, [f64]> = if !transpose && !maximize {
        std::borrow::Cow::Borrowed(cost)
    } else {
        let sign = if maximize { -1.0 } else { 1.0 };
        let mut w = vec![0.0; n * m];
        if transpose {
            // In square tiles, so that reads and writes both stay in cache.
            const TILE: usize = 32;
            for i0 in (0..rows).step_by(TILE) {
                for j0 in (0..cols).step_by(TILE) {
                    for i in i0..(i0 + TILE).min(rows) {
                        let Some(tile) = cost.get(i * cols + j0..i * cols + (j0 + TILE).min(cols))
                        else {
                            continue;
                        };
                        for (j, &c) in (j0..).zip(tile) {
                            if let Some(slot) = w.get_mut(j * m + i) {
                                *slot = sign * c;
                            }
                        }
                    }
                }
            }
        } else {
            for (slot, &c) in w.iter_mut().zip(cost) {
                *slot = sign * c;
            }
        }
        std::borrow::Cow::Owned(w)
    };
    let Some(col4row) = solve(&work, n, m, None) else {
        return Err(Error::new(
            ErrorKind::Infeasible,
            "cost matrix is infeasible: every complete assignment uses a forbidden (infinite) entry",
        ));
    };
    if !transpose {
        return Ok(((0..n).collect(), col4row));
    }
    // Each column of the input has a row; list them in row order.
    let mut col_of_row = vec![NONE; rows];
    for (c, &r) in col4row.iter().enumerate() {
        if let Some(slot) = col_of_row.get_mut(r) {
            *slot = c;
        }
    }
    Ok(col_of_row
        .iter()
        .enumerate()
        .filter(|&(_, &c)| c != NONE)
        .map(|(r, &c)| (r, c))
        .unzip())
}

#[cfg(test)]
pub(crate) mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The least total over every assignment (rows ≤ cols), by brute force,
    /// with optional outside options; `None` if infeasible.
    pub(crate) fn brute_force(
        cost: &[f64],
        n: usize,
        m: usize,
        outside: Option<&[f64]>,
    ) -> Option<f64> {
        fn go(
            i: usize,
            cost: &[f64],
            n: usize,
            m: usize,
            outside: Option<&[f64]>,
            used: &mut Vec<bool>,
        ) -> Option<f64> {
            if i == n {
                return Some(0.0);
            }
            let mut best: Option<f64> = None;
            let mut consider = |v: Option<f64>| {
                if let Some(v) = v
                    && v.is_finite()
                {
                    best = Some(best.map_or(v, |b| b.min(v)));
                }
            };
            if let Some(p) = outside {
                consider(go(i + 1, cost, n, m, outside, used).map(|r| r + p[i]));
            }
            for j in 0..m {
                if used[j] || !cost[i * m + j].is_finite() {
                    continue;
                }
                used[j] = true;
                let rest = go(i + 1, cost, n, m, outside, used);
                used[j] = false;
                consider(rest.map(|r| r + cost[i * m + j]));
            }
            best
        }
        go(0, cost, n, m, outside, &mut vec![false; m])
    }

    fn total(cost: &[f64], cols: usize, rows: &[usize], cs: &[usize]) -> f64 {
        rows.iter().zip(cs).map(|(&i, &j)| cost[i * cols + j]).sum()
    }

    #[test]
    fn scipy_examples() {
        // The example of scipy's documentation.
        let cost = [4.0, 1.0, 3.0, 2.0, 0.0, 5.0, 3.0, 2.0, 2.0];
        let (r, c) = linear_sum_assignment(&cost, 3, 3, false).unwrap();
        assert_eq!(total(&cost, 3, &r, &c), 5.0);
        // Rectangular both ways, and maximising.
        let wide = [1.0, 9.0, 2.0, 8.0, 3.0, 7.0];
        let (r, c) = linear_sum_assignment(&wide, 2, 3, false).unwrap();
        assert_eq!((r, c), (vec![0, 1], vec![0, 1])); // 1 + 3
        let (r, c) = linear_sum_assignment(&wide, 2, 3, true).unwrap();
        assert_eq!((r, c), (vec![0, 1], vec![1, 0])); // 9 + 8
        let tall = [1.0, 9.0, 2.0, 8.0, 3.0, 7.0];
        let (r, c) = linear_sum_assignment(&tall, 3, 2, false).unwrap();
        assert_eq!(r, vec![0, 2]);
        assert_eq!(total(&tall, 2, &r, &c), 1.0 + 7.0);
        // Empty.
        assert_eq!(
            linear_sum_assignment(&[], 0, 4, false).unwrap(),
            (vec![], vec![])
        );
    }

    #[test]
    fn tall_matrices_solve_as_their_transpose_across_tiles() {
        // 70 × 41: several transposition tiles, ragged at both edges.
        let (n, m) = (70usize, 41usize);
        let mut state = 12_345u64;
        let tall: Vec<f64> = (0..n * m)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                ((state >> 33) % 500) as f64
            })
            .collect();
        let wide: Vec<f64> = (0..m * n).map(|k| tall[(k % n) * m + k / n]).collect();
        for maximize in [false, true] {
            let (r, c) = linear_sum_assignment(&tall, n, m, maximize).unwrap();
            let (wr, wc) = linear_sum_assignment(&wide, m, n, maximize).unwrap();
            assert_eq!(r.len(), m);
            assert!(r.windows(2).all(|w| w[0] < w[1]));
            assert_eq!(total(&tall, m, &r, &c), total(&wide, n, &wr, &wc));
        }
    }

    #[test]
    fn bad_matrices_are_refused() {
        let err = linear_sum_assignment(&[1.0, f64::NAN, 3.0, 4.0], 2, 2, false).unwrap_err();
        assert_eq!(err.issues()[0].path, "cost[0][1]");
        let err =
            linear_sum_assignment(&[1.0, 2.0, f64::NEG_INFINITY, 4.0], 2, 2, false).unwrap_err();
        assert_eq!(err.issues()[0].path, "cost[1][0]");
        assert!(linear_sum_assignment(&[1.0, 2.0, f64::NEG_INFINITY, 4.0], 2, 2, true).is_ok());
        let err = linear_sum_assignment(&[1.0, f64::INFINITY], 1, 2, true).unwrap_err();
        assert_eq!(err.issues()[0].path, "cost[0][1]");
        let err = linear_sum_assignment(&[1.0, 2.0, 3.0], 2, 2, false).unwrap_err();
        assert_eq!(
            err.issues()[0].message,
            "expected rows × cols = 2 × 2 = 4 values, found 3"
        );
        let inf = f64::INFINITY;
        let err = linear_sum_assignment(&[1.0, inf, 2.0, inf], 2, 2, false).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Infeasible);
        // The first bad entry is named, in whichever block of the check it is.
        for k in [0, 63, 64, 65, 199, 299] {
            let mut cost = vec![1.0; 300];
            cost[k] = f64::NAN;
            if k + 40 < 300 {
                cost[k + 40] = f64::NEG_INFINITY;
            }
            let err = linear_sum_assignment(&cost, 3, 100, false).unwrap_err();
            assert_eq!(
                err.issues()[0].path,
                format!("cost[{}][{}]", k / 100, k % 100)
            );
        }
    }

    #[test]
    fn working_memory_is_kept_for_small_problems_only() {
        let kept = || SCRATCH.with(|s| s.borrow().reals.capacity());
        let (_, cols) = linear_sum_assignment(&[3.0, 1.0, 2.0, 5.0], 2, 2, false).unwrap();
        assert_eq!(cols, [1, 0]);
        assert!(kept() >= 2 + 4 * 2);
        // A wide row needs more than is kept: solved, then let go.
        let m = Scratch::KEEP;
        let mut wide = vec![2.0; m];
        wide[m - 1] = 1.0;
        let (_, cols) = linear_sum_assignment(&wide, 1, m, false).unwrap();
        assert_eq!(cols, [m - 1]);
        assert_eq!(kept(), 0);
        // And the next small one is still right.
        let (_, cols) = linear_sum_assignment(&[3.0, 1.0, 2.0, 5.0], 2, 2, false).unwrap();
        assert_eq!(cols, [1, 0]);
    }

    fn matrix() -> impl Strategy<Value = (usize, usize, Vec<f64>)> {
        (1usize..=6, 1usize..=6).prop_flat_map(|(n, m)| {
            let entry = prop_oneof![
                8 => (-20i32..40).prop_map(f64::from),
                1 => Just(f64::INFINITY),
                1 => -1000.0f64..1000.0,
            ];
            (Just(n), Just(m), proptest::collection::vec(entry, n * m))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(600))]

        #[test]
        fn optimal_against_brute_force((n, m, cost) in matrix(), maximize in any::<bool>()) {
            let sign = if maximize { -1.0 } else { 1.0 };
            // Forbidden entries are -inf when maximising.
            let input: Vec<f64> = cost.iter().map(|&c| if c.is_infinite() { sign * c } else { c }).collect();
            // The brute force minimises the (negated when maximising),
            // possibly transposed, problem.
            let (bn, bm, bcost): (usize, usize, Vec<f64>) = if n <= m {
                (n, m, cost.iter().map(|&c| if c.is_infinite() { c } else { sign * c }).collect())
            } else {
                let mut t = vec![0.0; n * m];
                for i in 0..n { for j in 0..m {
                    let c = cost[i * m + j];
                    t[j * n + i] = if c.is_infinite() { c } else { sign * c };
                } }
                (m, n, t)
            };
            let best = brute_force(&bcost, bn, bm, None);
            match linear_sum_assignment(&input, n, m, maximize) {
                Ok((r, c)) => {
                    prop_assert_eq!(r.len(), n.min(m));
                    prop_assert!(r.windows(2).all(|w| w[0] < w[1]));
                    let mut seen = c.clone(); seen.sort_unstable(); seen.dedup();
                    prop_assert_eq!(seen.len(), c.len());
                    let got = sign * total(&input, m, &r, &c);
                    let want = best.expect("solver found an assignment the brute force did not");
                    prop_assert!((got - want).abs() <= 1e-9 * want.abs().max(1.0), "got {} want {}", got, want);
                }
                Err(e) => {
                    prop_assert_eq!(e.kind(), ErrorKind::Infeasible);
                    prop_assert!(best.is_none());
                }
            }
        }

        #[test]
        fn outside_options_are_optimal((n, m, cost) in matrix(), p in proptest::collection::vec(0i32..60, 6)) {
            let outside: Vec<f64> = p.iter().take(n).map(|&x| f64::from(x)).collect();
            let got = solve(&cost, n, m, Some(&outside)).expect("the outside makes every instance feasible");
            let mut used = vec![false; m];
            let mut sum = 0.0;
            for (i, &j) in got.iter().enumerate() {
                if j == OUTSIDE { sum += outside[i]; continue; }
                prop_assert!(!used[j]);
                used[j] = true;
                prop_assert!(cost[i * m + j].is_finite());
                sum += cost[i * m + j];
            }
            let want = brute_force(&cost, n, m, Some(&outside)).unwrap();
            prop_assert!((sum - want).abs() <= 1e-9 * want.abs().max(1.0), "got {} want {}", sum, want);
        }
    }
}
