//! Window reassignment: everybody's values on a few consecutive days chosen
//! at once, exactly.
//!
//! Each person may keep their values on the window or take any other
//! combination of allowed values; a combination's price is what it does to
//! the person's own rules with the rest of their row fixed (coverage taken
//! out). Coverage is then added back exactly by a dynamic programme over the
//! people whose state is, for every activity on every day of the window,
//! whether it still lacks people (the count up to the requirement): below
//! the requirement one more person saves the under weight, at or above it
//! costs the over weight, so the count beyond the requirement never needs
//! remembering. With rules that look at one person at a time (the
//! benchmark's) the result is the best of all the window's combinations for
//! all people together, which no single-person or single-day move can find
//! when a hole needs two people to trade a pair of days.
//!
//! The state space is the product over the window's slots of `req + 1`; a
//! window whose product exceeds [`MAX_STATES`] (many activities, large
//! requirements) is not attempted.

use super::problem::{OFF, Problem};
use super::search::scalar;
use super::state::{Change, State};

/// The most DP states a window may have.
const MAX_STATES: usize = 1 << 16;
/// The most value combinations per person (choices are stored as `u8`).
const MAX_OPTIONS: usize = 255;
/// Longest window.
const MAX_DAYS: usize = 3;
/// "Unreachable" in the DP.
const INF: i64 = i64::MAX;

/// One person's combination of values on the window and its own price.
#[derive(Debug, Clone, Copy)]
struct Opt {
    vals: [u16; MAX_DAYS],
    price: i64,
}

/// The buffers of the window move, kept between calls.
#[derive(Debug, Default)]
pub(crate) struct Window {
    /// Every person's options, one person after another.
    options: Vec<Opt>,
    /// Offsets of each person's options in `options`.
    starts: Vec<usize>,
    /// The DP's best cost of each state after the people so far.
    cur: Vec<i64>,
    /// The same after one more person.
    next: Vec<i64>,
    /// Per state: bit `k` set if slot `k` still lacks people.
    lacking: Vec<u64>,
    /// Per person and state: the option chosen and the state before it.
    choice: Vec<u8>,
    pred: Vec<u32>,
}

impl Window {
    /// Chooses everybody's values on days `a..a + w` (`w` at most
    /// [`MAX_DAYS`]) and returns the changes from the current roster (empty
    /// if the best is the current one, `None` if the window is too large to
    /// try), with the work done: the DP transitions plus 50 per
    /// combination scored. `lambda` weighs hard units against soft ones.
    /// The state is left as it was (every trial is undone).
    pub(crate) fn reassign(
        &mut self,
        st: &mut State<'_>,
        a: usize,
        w: usize,
        lambda: i64,
    ) -> (Option<Vec<Change>>, u64) {
        let pb: &Problem = st.problem();
        let np = pb.people.len();
        let n_acts = pb.acts.len();
        if w == 0 || w > MAX_DAYS || a + w > pb.days || np == 0 || n_acts == 0 {
            return (None, 0);
        }
        let ns = w * n_acts;
        if ns > 64 {
            return (None, 0);
        }
        // Slot k is activity k % n_acts on day a + k / n_acts.
        let demand = |k: usize| &pb.demand[(a + k / n_acts) * n_acts + k % n_acts];
        let scal = |s| scalar(s, lambda);
        // Requirements (the most a state counts) and mixed-radix strides.
        let req: Vec<usize> = (0..ns).map(|k| demand(k).req.max(0) as usize).collect();
        let mut stride = [0usize; 64];
        let mut states = 1usize;
        for (s, &r) in stride.iter_mut().zip(&req) {
            *s = states;
            states = match states.checked_mul(r + 1) {
                Some(n) if n <= MAX_STATES => n,
                _ => return (None, 0),
            };
        }
        // One more person on slot k: saves its under weight while it lacks
        // people, else costs its over weight.
        let under: Vec<i64> = (0..ns).map(|k| scal(demand(k).under)).collect();
        let over: Vec<i64> = (0..ns).map(|k| scal(demand(k).over)).collect();

        // Each person's options and prices.
        let mut scored: u64 = 0;
        self.options.clear();
        self.starts.clear();
        let mut changes: Vec<Change> = Vec::with_capacity(w);
        for p in 0..np {
            self.starts.push(self.options.len());
            let mut cur = [OFF; MAX_DAYS];
            for (i, c) in cur.iter_mut().enumerate().take(w) {
                *c = st.get(p, a + i);
            }
            let lists: Vec<&[u16]> = (0..w).map(|i| pb.allowed_values(p, a + i)).collect();
            let count: usize = lists.iter().map(|l| l.len()).product();
            if count == 0 || count > MAX_OPTIONS {
                return (None, 50 * scored);
            }
            for mut idx in 0..count {
                let mut vals = [OFF; MAX_DAYS];
                for (i, l) in lists.iter().enumerate() {
                    vals[i] = l[idx % l.len()];
                    idx /= l.len();
                }
                changes.clear();
                for i in 0..w {
                    if vals[i] != cur[i] {
                        changes.push((p, a + i, vals[i]));
                    }
                }
                let price = if changes.is_empty() {
                    0
                } else {
                    let total = scal(st.apply(&changes));
                    st.undo();
                    scored += 1;
                    // Take the coverage part out: each day's change against
                    // the current counts (the days' slots are distinct).
                    let cover: i64 = (0..w)
                        .map(|i| scal(st.cover_change(a + i, cur[i], vals[i])))
                        .sum();
                    total - cover
                };
                self.options.push(Opt { vals, price });
            }
        }
        self.starts.push(self.options.len());

        // Which slots lack people in each state.
        self.lacking.clear();
        self.lacking.resize(states, 0);
        {
            let mut digit = vec![0usize; ns];
            for m in self.lacking.iter_mut() {
                for (k, (&c, &r)) in digit.iter().zip(&req).enumerate() {
                    if c < r {
                        *m |= 1 << k;
                    }
                }
                // The next state in mixed radix.
                for (c, &r) in digit.iter_mut().zip(&req) {
                    *c += 1;
                    if *c <= r {
                        break;
                    }
                    *c = 0;
                }
            }
        }

        // The DP over people.
        self.cur.clear();
        self.cur.resize(states, INF);
        self.cur[0] = 0;
        self.choice.clear();
        self.choice.resize(np * states, u8::MAX);
        self.pred.clear();
        self.pred.resize(np * states, 0);
        let mut transitions: u64 = 0;
        for p in 0..np {
            self.next.clear();
            self.next.resize(states, INF);
            let opts = &self.options[self.starts[p]..self.starts[p + 1]];
            for s in 0..states {
                let base = self.cur[s];
                if base == INF {
                    continue;
                }
                let m = self.lacking[s];
                for (oi, o) in opts.iter().enumerate() {
                    let mut t = s;
                    let mut c = base.saturating_add(o.price);
                    for i in 0..w {
                        let v = o.vals[i];
                        if v == OFF {
                            continue;
                        }
                        let k = i * n_acts + usize::from(v) - 1;
                        if m & (1 << k) != 0 {
                            t += stride[k];
                            c = c.saturating_sub(under[k]);
                        } else {
                            c = c.saturating_add(over[k]);
                        }
                    }
                    if c < self.next[t] {
                        self.next[t] = c;
                        self.choice[p * states + t] = oi as u8;
                        self.pred[p * states + t] = s as u32;
                    }
                }
                transitions += opts.len() as u64;
            }
            std::mem::swap(&mut self.cur, &mut self.next);
        }
        let work = transitions + 50 * scored;
        let Some((mut s, _)) = self
            .cur
            .iter()
            .enumerate()
            .filter(|e| *e.1 != INF)
            .min_by_key(|e| *e.1)
        else {
            return (None, work);
        };
        let mut out = Vec::new();
        for p in (0..np).rev() {
            let oi = usize::from(self.choice[p * states + s]);
            let o = self.options[self.starts[p] + oi];
            for i in 0..w {
                if o.vals[i] != st.get(p, a + i) {
                    out.push((p, a + i, o.vals[i]));
                }
            }
            s = self.pred[p * states + s] as usize;
        }
        (Some(out), work)
    }
}
