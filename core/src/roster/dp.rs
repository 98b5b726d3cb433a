//! Best response of one person: the row (or a window of it) that minimises
//! the score with everybody else fixed, by dynamic programming over the days.
//!
//! The state of a day is (value, length of the current run of work or rest,
//! whether that run started on the horizon's first day, weekends worked in
//! the window, minutes worked in the window). Transitions charge the cell
//! costs, the person's marginal effect on coverage and on the party rule,
//! successions, run limits and weekly rest days; the end of the window charges
//! the joins with the fixed days after it and the totals (minutes, weekends,
//! averaged overtime). The most binding limit on shifts of one type is
//! tracked too; other types the best row uses beyond their limits are priced
//! and the DP runs again (a few rounds of Lagrangian relaxation). Limits the
//! state does not track (fairness, per-week overtime) are left to the exact
//! incremental score that judges the move, so the DP is a move generator,
//! never the judge.
//!
//! A relaxed variant (`relaxed_row`) drops the weekend and shift-type
//! dimensions and keeps minutes in a narrow band, so a whole year fits: the
//! search uses it to repair hard violations that need work moved between
//! months.
//!
//! One day of the window may be forced to a value (the ejection chains of
//! the search use it to make someone take an under-covered activity and
//! rearrange the rest of their window around it).

use super::problem::{NO_LIMIT, OFF, OvertimeP, Problem, hours_up};
use super::rules::{RuleId, Score};
use super::search::Rng;
use super::state::State;
use std::time::Instant;

/// Reusable buffers.
#[derive(Debug, Default)]
pub(crate) struct Dp {
    cost: Vec<i64>,
    next: Vec<i64>,
    active: Vec<Node>,
    next_active: Vec<Node>,
    back: Vec<u32>,
    mc: Vec<i64>,
    /// Transitions tried so far (states reached × values allowed, per day):
    /// what the search's share of DP work is measured in.
    pub work: u64,
    /// A DP still running at this instant gives up (returns `None`): a
    /// whole row of a long horizon can take half a second, more than is
    /// left before a time limit. `None` (no time limit): never.
    pub deadline: Option<Instant>,
}

const INF: i64 = i64::MAX / 4;

/// Extra DP rounds that price shift types used beyond their limits.
const PRICE_ROUNDS: u32 = 4;
/// Rounds of the relaxed whole-row DP.
const RELAXED_ROUNDS: u32 = 8;
/// Half-width of the relaxed DP's band of total minutes, in longest shifts.
const BAND_SHIFTS: i64 = 12;

/// A reached state: its index and its decoded parts.
#[derive(Debug, Clone, Copy)]
struct Node {
    j: u32,
    v: u16,
    k: u8,
    f: bool,
    w: u8,
    c: u8,
    m: u16,
}

fn sc(s: Score, lambda: i64) -> i64 {
    s.hard.saturating_mul(lambda).saturating_add(s.soft)
}

fn gcd(a: i32, b: i32) -> i32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

impl Dp {
    /// Brings the shift types of a relaxed row within what is left of their
    /// limits (`room`), one change of type at a time, each the cheapest by
    /// the marginal costs and successions that moves a day from an
    /// over-used type to one with room (`edges`: the values just before
    /// and after the window). Returns the excess left.
    #[allow(clippy::too_many_arguments)]
    fn fix_types(
        &self,
        pb: &Problem,
        p: usize,
        a: usize,
        edges: (u16, u16),
        out: &mut [u16],
        room: &[(usize, i32)],
        succ: &[i64],
    ) -> i64 {
        let nv = pb.values();
        let mut left = vec![i64::MAX; pb.shifts.len()];
        for &(t, l) in room {
            left[t] = i64::from(l.max(0));
        }
        let mut used = vec![0i64; pb.shifts.len()];
        for &v in out.iter() {
            if let Some(t) = pb.shift_of(v) {
                used[t] += 1;
            }
        }
        let pair = |x: u16, y: u16| {
            if x == OFF || y == OFF {
                0
            } else {
                succ[usize::from(x) * nv + usize::from(y)]
            }
        };
        loop {
            let mut best: Option<(i64, usize, u16)> = None;
            for (i, &cur) in out.iter().enumerate() {
                let Some(t) = pb.shift_of(cur) else { continue };
                if used[t] <= left[t] {
                    continue;
                }
                let prev = if i > 0 { out[i - 1] } else { edges.0 };
                let next = out.get(i + 1).copied().unwrap_or(edges.1);
                let here = self.mc[i * nv + usize::from(cur)] + pair(prev, cur) + pair(cur, next);
                for &v in pb.allowed_values(p, a + i) {
                    let c = self.mc[i * nv + usize::from(v)];
                    let Some(u) = pb.shift_of(v) else { continue };
                    if u == t || used[u] >= left[u] || c >= INF {
                        continue;
                    }
                    let d = c + pair(prev, v) + pair(v, next) - here;
                    if best.is_none_or(|(b, _, _)| d < b) {
                        best = Some((d, i, v));
                    }
                }
            }
            let Some((_, i, v)) = best else { break };
            if let Some(t) = pb.shift_of(out[i]) {
                used[t] -= 1;
            }
            if let Some(u) = pb.shift_of(v) {
                used[u] += 1;
            }
            out[i] = v;
        }
        used.iter().zip(&left).map(|(&u, &l)| (u - l).max(0)).sum()
    }

    /// Adds `step` to the marginal cost of shift type `t` on every day of
    /// the window (`len` days) where it can be worked.
    fn price_type(&mut self, pb: &Problem, len: usize, t: usize, step: i64) {
        let nv = pb.values();
        for v in 1..nv {
            if pb.shift_of(v as u16) != Some(t) {
                continue;
            }
            for i in 0..len {
                let c = &mut self.mc[i * nv + v];
                if *c < INF {
                    *c += step;
                }
            }
        }
    }

    /// Whether the [`Dp::deadline`] has passed.
    pub fn past_deadline(&self) -> bool {
        self.deadline.is_some_and(|t| Instant::now() >= t)
    }

    /// The best values for person `p` on days `a..=b`, or `None` if the
    /// window is too large to search (or the deadline passes). With
    /// `force = Some((d, v))`, day `d` (inside the window, `v` allowed
    /// there) must take value `v`.
    #[allow(clippy::too_many_arguments)]
    pub fn best_row(
        &mut self,
        st: &State<'_>,
        p: usize,
        a: usize,
        b: usize,
        lambda: i64,
        noise: Option<(&mut Rng, i64)>,
        force: Option<(usize, u16)>,
    ) -> Option<Vec<u16>> {
        self.solve(st, p, a, b, lambda, noise, force, false)
    }

    /// The best values for person `p` on days `a..=b` (up to the whole
    /// row) from a smaller DP: runs, successions and rest days are exact,
    /// and total minutes are exact within a band around a steady pace;
    /// weekends worked are priced (the price adjusted over a few rounds
    /// until the limit holds), and shift types over their limit are changed
    /// to types with room where that costs least. The exact score judges
    /// the row. Fast enough for a year, so work can move between months,
    /// which the search's windows cannot do. A window should not cut a
    /// weekend in two (its weekend would count on both sides).
    pub fn relaxed_row(
        &mut self,
        st: &State<'_>,
        p: usize,
        a: usize,
        b: usize,
        lambda: i64,
    ) -> Option<Vec<u16>> {
        self.solve(st, p, a, b, lambda, None, None, true)
    }

    #[allow(clippy::too_many_lines, clippy::too_many_arguments)]
    fn solve(
        &mut self,
        st: &State<'_>,
        p: usize,
        a: usize,
        b: usize,
        lambda: i64,
        noise: Option<(&mut Rng, i64)>,
        force: Option<(usize, u16)>,
        relaxed: bool,
    ) -> Option<Vec<u16>> {
        let pb: &Problem = st.problem();
        let days = pb.days;
        if a > b || b >= days {
            return None;
        }
        let person = &pb.people[p];
        let rules = &pb.rules;
        let nv = pb.values();
        let n_acts = pb.acts.len();
        let len = b - a + 1;
        let row = |d: usize| st.get(p, d);

        // Marginal cost of each value on each day, p's own value removed.
        self.mc.clear();
        self.mc.resize(len * nv, INF);
        let mut noise = noise;
        for d in a..=b {
            let cur = row(d);
            for &v in pb.allowed_values(p, d) {
                if force.is_some_and(|(fd, fv)| fd == d && fv != v) {
                    continue;
                }
                let mut c = pb.cell_cost(p, d, v);
                if v != OFF {
                    let act = usize::from(v) - 1;
                    let slot = d * n_acts + act;
                    let dm = pb.demand[slot];
                    let n0 = st.covered(d, act) - i32::from(cur == v);
                    c += if n0 < dm.req {
                        Score {
                            hard: -dm.under.hard,
                            soft: -dm.under.soft,
                        }
                    } else {
                        dm.over
                    };
                    let g = pb.group_of[slot];
                    if g >= 0 && person.party {
                        let mine =
                            cur != OFF && pb.group_of[d * n_acts + usize::from(cur) - 1] == g;
                        if st.party_count(g as usize) - i32::from(mine) == 0 {
                            c -= rules.cost(RuleId::PartyMemberOnGate, 1);
                        }
                    }
                }
                let mut s = sc(c, lambda);
                if let Some((rng, amp)) = noise.as_mut()
                    && *amp > 0
                {
                    s += rng.below(*amp as usize + 1) as i64;
                }
                self.mc[(d - a) * nv + usize::from(v)] = s;
            }
        }

        // Limits in force.
        let on = |r: RuleId| rules.get(r).on();
        let cmax = if on(RuleId::MaxConsecutiveDays) {
            person.max_consec
        } else {
            NO_LIMIT
        };
        let cmin = if on(RuleId::MinConsecutiveDays) {
            person.min_consec.max(0)
        } else {
            0
        };
        let omin = if on(RuleId::MinConsecutiveDaysOff) {
            person.min_off.max(0)
        } else {
            0
        };
        let weekly_rest = person.weekly_rest && on(RuleId::WeeklyRestDay) && pb.weeks > 0;
        let mut kw = cmin.max(1);
        if cmax < NO_LIMIT {
            kw = kw.max(cmax + 1);
        }
        if weekly_rest {
            kw = kw.max(7);
        }
        let kw = kw.min(40) as usize;
        let ko = omin.clamp(1, 40) as usize;
        let nk = kw.max(ko) + 1;
        let max_cost = |u: i64| sc(rules.cost(RuleId::MaxConsecutiveDays, u), lambda);
        let min_cost = |u: i64| sc(rules.cost(RuleId::MinConsecutiveDays, u), lambda);
        let off_cost = |u: i64| sc(rules.cost(RuleId::MinConsecutiveDaysOff, u), lambda);
        let rest_cost = sc(rules.cost(RuleId::WeeklyRestDay, 1), lambda);

        // Outside the window.
        let mut out_minutes = 0i64;
        let mut out_weekends = 0i64;
        let mut counted = vec![false; pb.weekends];
        for d in (0..a).chain(b + 1..days) {
            let v = row(d);
            out_minutes += i64::from(pb.minutes_of(v));
            if v != OFF
                && let Ok(w) = usize::try_from(pb.weekend_of[d])
                && !counted[w]
            {
                counted[w] = true;
                out_weekends += 1;
            }
        }
        let window_weekends = {
            let mut n = 0;
            let mut last = -1;
            for d in a..=b {
                if pb.weekend_of[d] >= 0 && pb.weekend_of[d] != last {
                    last = pb.weekend_of[d];
                    n += 1;
                }
            }
            n as i64
        };
        let max_weekends = if on(RuleId::MaxWeekends) {
            i64::from(person.max_weekends)
        } else {
            i64::from(NO_LIMIT)
        };
        let nw = if !relaxed && out_weekends + window_weekends > max_weekends {
            ((max_weekends - out_weekends).max(0) + 2) as usize
        } else {
            1
        };

        // Minutes in units of the gcd of shift lengths.
        let mut unit = 0;
        let mut longest = 0;
        for s in &pb.shifts {
            if s.minutes > 0 {
                unit = gcd(unit, s.minutes);
                longest = longest.max(s.minutes);
            }
        }
        let minutes_matter = unit > 0
            && ((on(RuleId::MinTotalMinutes) && i64::from(person.min_minutes) > out_minutes)
                || (on(RuleId::MaxTotalMinutes)
                    && i64::from(person.max_minutes)
                        < out_minutes + (len as i64) * i64::from(longest))
                || matches!(person.overtime, OvertimeP::Averaged { .. }) && on(RuleId::Overtime)
                || (pb.weeks == 1
                    && matches!(person.overtime, OvertimeP::Weekly { .. })
                    && on(RuleId::Overtime)));
        // Minutes beyond the maximum (or the regular hours) only add
        // penalty: the state stops counting one unit past the first cap and
        // charges what lies beyond on the way.
        let mut hi_units = len * (longest / unit.max(1)) as usize;
        if minutes_matter {
            let mut cap = i64::MAX;
            if on(RuleId::MaxTotalMinutes) && person.max_minutes < NO_LIMIT {
                cap = cap.min(i64::from(person.max_minutes));
            }
            if let OvertimeP::Averaged { regular } = person.overtime
                && on(RuleId::Overtime)
            {
                cap = cap.min(i64::from(regular));
            }
            if cap < i64::MAX {
                let room = (cap - out_minutes).max(0) / i64::from(unit);
                hi_units = hi_units.min(room as usize + 1);
            }
        }
        // The relaxed DP counts minutes in a band of `BAND_SHIFTS` longest
        // shifts around a steady pace to the middle of the allowed total:
        // `band[i]` is the count (in units) that state 0 stands for after
        // `i` days of the window.
        let mut band: Vec<usize> = Vec::new();
        if relaxed && minutes_matter {
            let per = (longest / unit.max(1)).max(1) as i64;
            let half = BAND_SHIFTS * per;
            let lo_total = if on(RuleId::MinTotalMinutes) {
                i64::from(person.min_minutes)
            } else {
                0
            };
            let hi_total = if on(RuleId::MaxTotalMinutes) && person.max_minutes < NO_LIMIT {
                i64::from(person.max_minutes)
            } else {
                lo_total.max(out_minutes)
            };
            let target = ((lo_total + hi_total) / 2 - out_minutes).max(0) / i64::from(unit);
            let open: Vec<bool> = (a..=b)
                .map(|d| pb.allowed_values(p, d).iter().any(|&v| v != OFF))
                .collect();
            let n_open = open.iter().filter(|&&o| o).count().max(1) as i64;
            let mut seen = 0i64;
            band.push(0);
            for &o in &open {
                seen += i64::from(o);
                band.push((target * seen / n_open - half).max(0) as usize);
            }
            // State `m` after day `i` stands for `band[i + 1] + m` units;
            // before the window the count is 0, i.e. state 0 of `band[0]`.
            hi_units = (2 * half) as usize;
        }
        let nm = if minutes_matter {
            (hi_units + 1).min(2000)
        } else {
            1
        };
        let beyond_cost = |units: i64| -> i64 {
            // Penalty per unit beyond the cap, as the max-minutes rule would count it.
            let minutes = units * i64::from(unit);
            let mut c = 0;
            if on(RuleId::MaxTotalMinutes) && person.max_minutes < NO_LIMIT {
                c += sc(
                    rules.cost(RuleId::MaxTotalMinutes, hours_up(minutes)),
                    lambda,
                );
            }
            if matches!(person.overtime, OvertimeP::Averaged { .. }) {
                c += sc(rules.cost(RuleId::Overtime, hours_up(minutes)), lambda);
            }
            c
        };
        let units_of = |v: u16| -> usize {
            if nm == 1 {
                0
            } else {
                (pb.minutes_of(v) / unit) as usize
            }
        };

        // The most binding shift-type limit (if any) is tracked exactly: the
        // count of that type in the window, up to what is left of the limit.
        // The others are priced: a type the best row uses beyond what is
        // left of its limit costs more on every day of the window, and the
        // DP runs again (a few rounds of Lagrangian relaxation).
        let mut bind: Option<(usize, i32)> = None;
        let mut room: Vec<(usize, i32)> = Vec::new();
        if on(RuleId::MaxShiftsOfType) {
            for (t, &max) in person.max_per_shift.iter().enumerate() {
                if max == NO_LIMIT || max == 0 {
                    continue;
                }
                let outside = (0..a)
                    .chain(b + 1..days)
                    .filter(|&d| pb.shift_of(row(d)) == Some(t))
                    .count() as i32;
                room.push((t, max - outside));
                let open_days = (a..=b)
                    .filter(|&d| {
                        pb.allowed_values(p, d)
                            .iter()
                            .any(|&v| pb.shift_of(v) == Some(t))
                    })
                    .count() as i32;
                let left = max - outside;
                if !relaxed && left < open_days && left < 250 && bind.is_none_or(|(_, l)| left < l)
                {
                    bind = Some((t, left));
                }
            }
        }
        let rem = bind.map_or(0, |(_, l)| l.max(0) as usize);
        let nt = if bind.is_some() { rem + 2 } else { 1 };
        let type_cost = sc(rules.cost(RuleId::MaxShiftsOfType, 1), lambda);
        let bound: Vec<bool> = (0..nv)
            .map(|v| bind.is_some_and(|(t, _)| pb.shift_of(v as u16) == Some(t)))
            .collect();
        let states = nv * nk * 2 * nw * nt * nm;
        if states.saturating_mul(len) > 40_000_000 {
            return None;
        }
        let idx = |v: usize, k: usize, f: usize, w: usize, c: usize, m: usize| {
            ((((v * nk + k) * 2 + f) * nw + w) * nt + c) * nm + m
        };
        self.cost.clear();
        self.cost.resize(states, INF);
        self.next.clear();
        self.next.resize(states, INF);
        // Back pointers are written whenever a state is reached in this call,
        // and only reached states are read: no need to clear them.
        if self.back.len() < states * len {
            self.back.resize(states * len, u32::MAX);
        }
        // Constant parts of the transitions.
        let max1 = max_cost(1);
        let min_tab: Vec<i64> = (0..nk)
            .map(|k| {
                if (k as i32) < cmin {
                    min_cost(i64::from(cmin - k as i32))
                } else {
                    0
                }
            })
            .collect();
        let off_tab: Vec<i64> = (0..nk)
            .map(|k| {
                if (k as i32) < omin {
                    off_cost(i64::from(omin - k as i32))
                } else {
                    0
                }
            })
            .collect();
        let units: Vec<usize> = (0..nv).map(|v| units_of(v as u16)).collect();
        let mut succ = vec![0i64; nv * nv];
        for a in 1..nv {
            for b in 1..nv {
                if let (Some(s), Some(t)) = (pb.shift_of(a as u16), pb.shift_of(b as u16)) {
                    succ[a * nv + b] = sc(pb.succession_cost(s, t), lambda);
                }
            }
        }
        // The relaxed DP's weekend price starts at a quarter of the heaviest
        // soft weight (so the cover still decides among rows that keep the
        // limit) and doubles while the limit is broken.
        let first_weekend_price = (pb.heaviest_soft() / 4).max(1);
        let mut fallback: Option<(i64, Vec<u16>)> = None;
        let mut weekend_price = 0i64;
        // The lowest weekend price known to be high enough.
        let mut weekend_hi = INF;
        let rounds = if relaxed {
            RELAXED_ROUNDS
        } else {
            PRICE_ROUNDS
        };
        for round in 0..=rounds {
            if round > 0 {
                // The last round left costs behind (only the active
                // lists know where): clear them.
                for n in self.active.iter().chain(&self.next_active) {
                    self.cost[n.j as usize] = INF;
                    self.next[n.j as usize] = INF;
                }
            }
            self.active.clear();
            self.next_active.clear();

            // The run that ends just before the window.
            let (prev_v, prev_k, prev_f) = if a == 0 {
                (None, 0usize, true)
            } else {
                let pv = row(a - 1);
                let work = pv != OFF;
                let mut s = a - 1;
                while s > 0 && (row(s - 1) != OFF) == work {
                    s -= 1;
                }
                let k = (a - s).min(if work { kw } else { ko });
                (Some(pv), k, s == 0)
            };

            for (i, d) in (a..=b).enumerate() {
                if self.past_deadline() {
                    return None;
                }
                let wk = pb.weekend_of[d];
                let same_weekend_as_prev = d > 0 && wk >= 0 && pb.weekend_of[d - 1] == wk;
                let week_end = weekly_rest
                    && pb.week_of[d] >= 0
                    && (d + 1 >= days || pb.week_of[d + 1] != pb.week_of[d]);
                let mc = &self.mc[i * nv..(i + 1) * nv];
                let back = &mut self.back[i * states..(i + 1) * states];
                for n in &self.next_active {
                    self.next[n.j as usize] = INF;
                }
                self.next_active.clear();
                let vals = pb.allowed_values(p, d);
                self.work += (self.active.len().max(1) * vals.len()) as u64;
                let banded = !band.is_empty();
                let shift = if banded { band[i + 1] - band[i] } else { 0 };
                let mut step = |from: u32,
                                base: i64,
                                pv: Option<u16>,
                                k: usize,
                                f: bool,
                                w: usize,
                                tc: usize,
                                m: usize,
                                next: &mut [i64],
                                active: &mut Vec<Node>| {
                    for &v16 in vals {
                        let v = usize::from(v16);
                        let c0 = mc[v];
                        if c0 >= INF {
                            continue;
                        }
                        let work = v16 != OFF;
                        let mut add = c0;
                        let (k2, f2);
                        match pv {
                            None => {
                                k2 = 1;
                                f2 = true;
                                if work && 1 > cmax {
                                    add += max1;
                                }
                            }
                            Some(pv) => {
                                let pw = pv != OFF;
                                if pw && work {
                                    add += succ[usize::from(pv) * nv + v];
                                    k2 = (k + 1).min(kw);
                                    f2 = f;
                                    if (k + 1) as i32 > cmax {
                                        add += max1;
                                    }
                                } else if pw && !work {
                                    if !f && (k as i32) < cmin {
                                        add += min_tab[k];
                                    }
                                    k2 = 1;
                                    f2 = false;
                                } else if !pw && !work {
                                    k2 = (k + 1).min(ko);
                                    f2 = f;
                                } else {
                                    if !f && (k as i32) < omin {
                                        add += off_tab[k];
                                    }
                                    k2 = 1;
                                    f2 = false;
                                    if 1 > cmax {
                                        add += max1;
                                    }
                                }
                            }
                        }
                        let mut w2 = w;
                        if work
                            && wk >= 0
                            && !(same_weekend_as_prev && pv.is_some_and(|x| x != OFF))
                        {
                            w2 = (w + 1).min(nw - 1);
                            add += weekend_price;
                        }
                        let mut m2 = m + units[v];
                        if banded {
                            // Outside the band: not searched.
                            if m2 < shift || m2 - shift > nm - 1 {
                                continue;
                            }
                            m2 -= shift;
                        } else if m2 > nm - 1 {
                            add += beyond_cost((m2 - (nm - 1)) as i64);
                            m2 = nm - 1;
                        }
                        if week_end && work && k2 >= 7 {
                            add += rest_cost;
                        }
                        let mut c2 = tc;
                        if bound[v] {
                            if tc >= rem {
                                add += type_cost;
                            }
                            c2 = (tc + 1).min(nt - 1);
                        }
                        let j = idx(v, k2, usize::from(f2), w2, c2, m2);
                        let c = base + add;
                        if c < next[j] {
                            if next[j] >= INF {
                                active.push(Node {
                                    j: j as u32,
                                    v: v16,
                                    k: k2 as u8,
                                    f: f2,
                                    w: w2 as u8,
                                    c: c2 as u8,
                                    m: m2 as u16,
                                });
                            }
                            next[j] = c;
                            back[j] = from;
                        }
                    }
                };
                if i == 0 {
                    step(
                        u32::MAX,
                        0,
                        prev_v,
                        prev_k,
                        prev_f,
                        0,
                        0,
                        0,
                        &mut self.next,
                        &mut self.next_active,
                    );
                } else {
                    for n in &self.active {
                        let c = self.cost[n.j as usize];
                        step(
                            n.j,
                            c,
                            Some(n.v),
                            usize::from(n.k),
                            n.f,
                            usize::from(n.w),
                            usize::from(n.c),
                            usize::from(n.m),
                            &mut self.next,
                            &mut self.next_active,
                        );
                    }
                }
                std::mem::swap(&mut self.cost, &mut self.next);
                std::mem::swap(&mut self.active, &mut self.next_active);
            }

            // The fixed run after the window.
            let suffix = if b + 1 < days {
                let nvv = row(b + 1);
                let work = nvv != OFF;
                let mut e = b + 1;
                while e + 1 < days && (row(e + 1) != OFF) == work {
                    e += 1;
                }
                Some((nvv, work, (e - b) as i32, e + 1 == days))
            } else {
                None
            };
            let total_cost = |m: usize, w: usize| -> i64 {
                let mut c = 0i64;
                if nw > 1 {
                    let n = out_weekends + w as i64;
                    if n > max_weekends {
                        c += sc(rules.cost(RuleId::MaxWeekends, n - max_weekends), lambda);
                    }
                }
                if nm > 1 {
                    let total = out_minutes
                        + ((m + band.last().copied().unwrap_or(0)) as i64) * i64::from(unit);
                    if total < i64::from(person.min_minutes) {
                        c += sc(
                            rules.cost(
                                RuleId::MinTotalMinutes,
                                hours_up(i64::from(person.min_minutes) - total),
                            ),
                            lambda,
                        );
                    }
                    if total > i64::from(person.max_minutes) {
                        c += sc(
                            rules.cost(
                                RuleId::MaxTotalMinutes,
                                hours_up(total - i64::from(person.max_minutes)),
                            ),
                            lambda,
                        );
                    }
                    let ot = match person.overtime {
                        OvertimeP::Averaged { regular } => total - i64::from(regular),
                        OvertimeP::Weekly { regular } if pb.weeks == 1 => {
                            let wm: i64 = (0..days)
                                .filter(|&d| pb.week_of[d] == 0 && (d < a || d > b))
                                .map(|d| i64::from(pb.minutes_of(row(d))))
                                .sum::<i64>()
                                + if (a..=b).any(|d| pb.week_of[d] == 0) {
                                    (m as i64) * i64::from(unit)
                                } else {
                                    0
                                };
                            wm - i64::from(regular)
                        }
                        _ => 0,
                    };
                    if ot > 0 {
                        c += sc(rules.cost(RuleId::Overtime, hours_up(ot)), lambda);
                        if ot > i64::from(person.overtime_cap) {
                            c += sc(
                                rules.cost(
                                    RuleId::OvertimeCap,
                                    hours_up(ot - i64::from(person.overtime_cap)),
                                ),
                                lambda,
                            );
                        }
                    }
                }
                c
            };
            let mut best = (INF, usize::MAX);
            for n in &self.active {
                let j = n.j as usize;
                let (v, k, f, w, m) = (
                    usize::from(n.v),
                    usize::from(n.k),
                    usize::from(n.f),
                    usize::from(n.w),
                    usize::from(n.m),
                );
                let c = self.cost[j];
                let work = v as u16 != OFF;
                let f = f == 1;
                let mut t = total_cost(m, w);
                match suffix {
                    None => {}
                    Some((nvv, swork, r, reaches_end)) => {
                        if work
                            && swork
                            && let (Some(s), Some(u)) = (pb.shift_of(v as u16), pb.shift_of(nvv))
                        {
                            t += sc(pb.succession_cost(s, u), lambda);
                        }
                        let k = k as i32;
                        if work == swork {
                            // The window's last run continues into the suffix.
                            let (lim_min, cost_min): (i32, &dyn Fn(i64) -> i64) = if work {
                                (cmin, &min_cost)
                            } else {
                                (omin, &off_cost)
                            };
                            if work && cmax < NO_LIMIT {
                                let before = (r - cmax).max(0);
                                let merged = ((k + r - cmax).max(0) - (k - cmax).max(0)).max(0);
                                t += max_cost(i64::from(merged - before));
                            }
                            let alone = if !reaches_end && r < lim_min {
                                cost_min(i64::from(lim_min - r))
                            } else {
                                0
                            };
                            let joined = if !f && !reaches_end && k + r < lim_min {
                                cost_min(i64::from(lim_min - k - r))
                            } else {
                                0
                            };
                            t += joined - alone;
                        } else {
                            let (lim_min, cost_min): (i32, &dyn Fn(i64) -> i64) = if work {
                                (cmin, &min_cost)
                            } else {
                                (omin, &off_cost)
                            };
                            if !f && k < lim_min {
                                t += cost_min(i64::from(lim_min - k));
                            }
                        }
                    }
                }
                if c + t < best.0 || (c + t == best.0 && j < best.1) {
                    best = (c + t, j);
                }
            }
            if best.0 >= INF {
                return fallback.map(|(_, row)| row);
            }
            // Backtrack.
            let mut out = vec![OFF; len];
            let mut j = best.1;
            for i in (0..len).rev() {
                let v = j / (nk * 2 * nw * nt * nm);
                out[i] = v as u16;
                let from = self.back[i * states + j];
                if from == u32::MAX {
                    break;
                }
                j = from as usize;
            }
            let mut excess = 0i64;
            if relaxed {
                let edges = (
                    prev_v.unwrap_or(OFF),
                    if b + 1 < days { row(b + 1) } else { OFF },
                );
                excess += self.fix_types(pb, p, a, edges, &mut out, &room, &succ);
            } else {
                // Types over their limit cost more on every day of the
                // window: doubling steps from a quarter of the rule's cost.
                let step = (type_cost / 4).max(1).saturating_mul(1 << round.min(30));
                for &(t, left) in &room {
                    if bind.is_some_and(|(bt, _)| bt == t) {
                        continue;
                    }
                    let used = out.iter().filter(|&&v| pb.shift_of(v) == Some(t)).count() as i64;
                    let g = used - i64::from(left.max(0));
                    if g > 0 {
                        excess += g;
                        self.price_type(pb, len, t, step);
                    }
                }
            }
            if relaxed && max_weekends < i64::from(NO_LIMIT) {
                let mut worked = 0i64;
                let mut last = -1;
                for (i, &v) in out.iter().enumerate() {
                    let wk = pb.weekend_of[a + i];
                    if v != OFF && wk >= 0 && wk != last {
                        last = wk;
                        worked += 1;
                    }
                }
                // Doubling until enough, then bisection.
                let g = out_weekends + worked - max_weekends;
                if g > 0 {
                    excess += g;
                    weekend_price = if weekend_hi < INF {
                        (weekend_price + weekend_hi + 1) / 2
                    } else {
                        weekend_price.saturating_mul(2).max(first_weekend_price)
                    };
                } else {
                    weekend_hi = weekend_price;
                }
            }
            if excess == 0 {
                return Some(out);
            }
            if fallback.as_ref().is_none_or(|(e, _)| excess < *e) {
                fallback = Some((excess, out));
            }
        }
        fallback.map(|(_, row)| row)
    }
}
