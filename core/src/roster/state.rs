//! The incremental score: a roster grid with counters, where a move (a few
//! person-day changes) is scored by recomputing only what it touches.
//!
//! A move is applied with [`State::apply`], which returns the change in
//! score; [`State::undo`] takes the last move back. What a change touches:
//! the runs of work and rest around the changed days of each person (scanned
//! outward to their ends), that person's counters (per shift type, minutes,
//! weekends, weeks, fairness), and the coverage and party counts of the
//! activities on those days.

use super::compile::in_category;
use super::problem::{OFF, OvertimeP, Problem, hours_up};
use super::rules::{RuleId, Score};

/// One person-day change: person, day, new value.
pub(crate) type Change = (usize, usize, u16);

/// A roster with incremental scoring.
#[derive(Debug, Clone)]
pub(crate) struct State<'a> {
    pb: &'a Problem,
    /// The grid, `x[p * days + d]`.
    pub x: Vec<u16>,
    cover: Vec<i32>,
    party: Vec<i32>,
    per_shift: Vec<i32>,
    minutes: Vec<i32>,
    weekends: Vec<i32>,
    week_min: Vec<i32>,
    week_days: Vec<i32>,
    fair: Vec<[i32; 3]>,
    /// The current score.
    pub score: Score,
    undo_log: Vec<(usize, usize, u16)>,
    last_delta: Score,
    persons: Vec<(usize, usize, usize)>,
    slots: Vec<usize>,
    groups: Vec<usize>,
}

impl<'a> State<'a> {
    /// A state holding grid `x` (scored from scratch).
    pub fn new(pb: &'a Problem, x: Vec<u16>) -> State<'a> {
        let n_people = pb.people.len();
        let mut st = State {
            pb,
            x: vec![OFF; n_people * pb.days],
            cover: vec![0; pb.days * pb.acts.len()],
            party: vec![0; pb.groups.len()],
            per_shift: vec![0; n_people * pb.shifts.len()],
            minutes: vec![0; n_people],
            weekends: vec![0; n_people],
            week_min: vec![0; n_people * pb.weeks],
            week_days: vec![0; n_people * pb.weeks],
            fair: vec![[0; 3]; n_people],
            score: Score::ZERO,
            undo_log: Vec::new(),
            last_delta: Score::ZERO,
            persons: Vec::new(),
            slots: Vec::new(),
            groups: Vec::new(),
        };
        for p in 0..n_people {
            for d in 0..pb.days {
                let v = x.get(p * pb.days + d).copied().unwrap_or(OFF);
                if v != OFF {
                    st.set(p, d, v);
                }
            }
        }
        st.score = st.full_score();
        st
    }

    /// The problem.
    pub fn problem(&self) -> &'a Problem {
        self.pb
    }

    /// The value of a person-day.
    pub fn get(&self, p: usize, d: usize) -> u16 {
        self.x.get(p * self.pb.days + d).copied().unwrap_or(OFF)
    }

    /// Current coverage count of activity `a` on day `d`.
    pub fn covered(&self, d: usize, a: usize) -> i32 {
        self.cover
            .get(d * self.pb.acts.len() + a)
            .copied()
            .unwrap_or(0)
    }

    /// What one person moving from value `old` to `new` on day `d` does to
    /// the coverage penalty alone, everybody else as now (the coverage part
    /// of that single-cell change's score).
    pub fn cover_change(&self, d: usize, old: u16, new: u16) -> Score {
        let mut delta = Score::ZERO;
        if old == new {
            return delta;
        }
        let n_acts = self.pb.acts.len();
        for (v, by) in [(old, -1), (new, 1)] {
            if v != OFF {
                let slot = d * n_acts + usize::from(v) - 1;
                let (dm, n) = (self.pb.demand[slot], self.cover[slot]);
                delta += dm.cost(n + by) - dm.cost(n);
            }
        }
        delta
    }

    /// The score from scratch, using the counters (used at construction and in tests).
    pub fn full_score(&self) -> Score {
        let pb = self.pb;
        let mut s = Score::ZERO;
        for slot in 0..self.cover.len() {
            s += self.slot_cost(slot);
        }
        for g in 0..self.party.len() {
            s += self.group_cost(g);
        }
        for p in 0..pb.people.len() {
            if pb.days > 0 {
                s += self.seq_cost(p, 0, pb.days - 1);
            }
            s += self.counter_cost(p);
            for d in 0..pb.days {
                s += pb.cell_cost(p, d, self.get(p, d));
            }
        }
        s
    }

    fn slot_cost(&self, slot: usize) -> Score {
        self.pb.demand[slot].cost(self.cover[slot])
    }

    fn group_cost(&self, g: usize) -> Score {
        if self.party[g] == 0 {
            self.pb.rules.cost(RuleId::PartyMemberOnGate, 1)
        } else {
            Score::ZERO
        }
    }

    /// Cost of the runs and successions of person `p` around days `lo..=hi`.
    fn seq_cost(&self, p: usize, lo: usize, hi: usize) -> Score {
        let pb = self.pb;
        let days = pb.days;
        let person = &pb.people[p];
        let base = p * days;
        let row = &self.x[base..base + days];
        let mut s = Score::ZERO;
        // Successions on pairs (d, d + 1) touching lo..=hi.
        let first = lo.saturating_sub(1);
        let last = hi.min(days.saturating_sub(2));
        let mut d = first;
        while d <= last && d + 1 < days {
            let (a, b) = (row[d], row[d + 1]);
            if a != OFF
                && b != OFF
                && let (Some(sa), Some(sb)) = (pb.shift_of(a), pb.shift_of(b))
            {
                s += pb.succession_cost(sa, sb);
            }
            d += 1;
        }
        let check_max = person.max_consec < days as i32;
        let check_min = person.min_consec > 1;
        let check_off = person.min_off > 1;
        if !(check_max || check_min || check_off) {
            return s;
        }
        // Runs intersecting lo-1..=hi+1.
        let a = lo.saturating_sub(1);
        let b = (hi + 1).min(days - 1);
        let mut start = a;
        let working = row[a] != OFF;
        while start > 0 && (row[start - 1] != OFF) == working {
            start -= 1;
        }
        while start <= b {
            let working = row[start] != OFF;
            let mut end = start;
            while end + 1 < days && (row[end + 1] != OFF) == working {
                end += 1;
            }
            let len = (end - start + 1) as i32;
            let inside = start > 0 && end + 1 < days;
            if working {
                if len > person.max_consec {
                    s += pb.rules.cost(
                        RuleId::MaxConsecutiveDays,
                        i64::from(len - person.max_consec),
                    );
                }
                if inside && len < person.min_consec {
                    s += pb.rules.cost(
                        RuleId::MinConsecutiveDays,
                        i64::from(person.min_consec - len),
                    );
                }
            } else if inside && len < person.min_off {
                s += pb.rules.cost(
                    RuleId::MinConsecutiveDaysOff,
                    i64::from(person.min_off - len),
                );
            }
            start = end + 1;
        }
        s
    }

    /// Cost of the counters of person `p`.
    fn counter_cost(&self, p: usize) -> Score {
        let pb = self.pb;
        let person = &pb.people[p];
        let rules = &pb.rules;
        let mut s = Score::ZERO;
        let n_shifts = pb.shifts.len();
        let mut excess = 0i64;
        for (t, &max) in person.max_per_shift.iter().enumerate() {
            let c = self.per_shift[p * n_shifts + t];
            if c > max {
                excess += i64::from(c - max);
            }
        }
        if excess > 0 {
            s += rules.cost(RuleId::MaxShiftsOfType, excess);
        }
        let m = i64::from(self.minutes[p]);
        if m < i64::from(person.min_minutes) {
            s += rules.cost(
                RuleId::MinTotalMinutes,
                hours_up(i64::from(person.min_minutes) - m),
            );
        }
        if m > i64::from(person.max_minutes) {
            s += rules.cost(
                RuleId::MaxTotalMinutes,
                hours_up(m - i64::from(person.max_minutes)),
            );
        }
        if self.weekends[p] > person.max_weekends {
            s += rules.cost(
                RuleId::MaxWeekends,
                i64::from(self.weekends[p] - person.max_weekends),
            );
        }
        let mut ot_total = 0i64;
        if pb.weeks > 0 {
            for w in 0..pb.weeks {
                let i = p * pb.weeks + w;
                if person.weekly_rest && self.week_days[i] == 7 {
                    s += rules.cost(RuleId::WeeklyRestDay, 1);
                }
                if let OvertimeP::Weekly { regular } = person.overtime {
                    let ot = i64::from(self.week_min[i] - regular);
                    if ot > 0 {
                        ot_total += ot;
                        s += rules.cost(RuleId::Overtime, hours_up(ot));
                    }
                }
            }
        }
        if let OvertimeP::Averaged { regular } = person.overtime {
            let ot = m - i64::from(regular);
            if ot > 0 {
                ot_total += ot;
                s += rules.cost(RuleId::Overtime, hours_up(ot));
            }
        }
        if ot_total > i64::from(person.overtime_cap) {
            s += rules.cost(
                RuleId::OvertimeCap,
                hours_up(ot_total - i64::from(person.overtime_cap)),
            );
        }
        for (cat, rule) in [
            (0, RuleId::FairNights),
            (1, RuleId::FairWeekends),
            (2, RuleId::FairHolidays),
        ] {
            if pb.fair_eligible[cat].get(p).copied().unwrap_or(false) {
                let e = self.fair[p][cat] - pb.fair_target[cat];
                if e > 0 {
                    s += rules.cost(rule, i64::from(e) * i64::from(e));
                }
            }
        }
        s
    }

    fn weekend_worked(&self, p: usize, w: i32) -> bool {
        // A weekend is a Saturday and the Sunday after it (either may fall
        // outside the horizon at its ends).
        let days = self.pb.days;
        let base = p * days;
        let mut worked = false;
        for d in self.weekend_days(w) {
            worked |= self.x[base + d] != OFF;
        }
        worked
    }

    fn weekend_days(&self, w: i32) -> impl Iterator<Item = usize> + '_ {
        // Weekends are at most two consecutive days from their first.
        let wo = &self.pb.weekend_of;
        let first = self.pb.weekend_first.get(w as usize).copied().unwrap_or(0);
        (first..(first + 2).min(wo.len())).filter(move |&d| wo[d] == w)
    }

    /// Sets a person-day (no scoring), keeping every counter right.
    fn set(&mut self, p: usize, d: usize, v: u16) {
        let pb = self.pb;
        let days = pb.days;
        let i = p * days + d;
        let old = self.x[i];
        if old == v {
            return;
        }
        let n_acts = pb.acts.len();
        let wk = pb.weekend_of[d];
        let weekend_before = wk >= 0 && self.weekend_worked(p, wk);
        // Remove the old value.
        if old != OFF {
            let a = usize::from(old) - 1;
            let act = pb.acts[a];
            self.cover[d * n_acts + a] -= 1;
            let g = pb.group_of[d * n_acts + a];
            if g >= 0 && pb.people[p].party {
                self.party[g as usize] -= 1;
            }
            self.per_shift[p * pb.shifts.len() + act.shift] -= 1;
            let m = pb.shifts[act.shift].minutes;
            self.minutes[p] -= m;
            if pb.week_of[d] >= 0 {
                let wi = p * pb.weeks + pb.week_of[d] as usize;
                self.week_min[wi] -= m;
                self.week_days[wi] -= 1;
            }
            for cat in 0..3 {
                if in_category(pb, cat, d, a) {
                    self.fair[p][cat] -= 1;
                }
            }
        }
        self.x[i] = v;
        if v != OFF {
            let a = usize::from(v) - 1;
            let act = pb.acts[a];
            self.cover[d * n_acts + a] += 1;
            let g = pb.group_of[d * n_acts + a];
            if g >= 0 && pb.people[p].party {
                self.party[g as usize] += 1;
            }
            self.per_shift[p * pb.shifts.len() + act.shift] += 1;
            let m = pb.shifts[act.shift].minutes;
            self.minutes[p] += m;
            if pb.week_of[d] >= 0 {
                let wi = p * pb.weeks + pb.week_of[d] as usize;
                self.week_min[wi] += m;
                self.week_days[wi] += 1;
            }
            for cat in 0..3 {
                if in_category(pb, cat, d, a) {
                    self.fair[p][cat] += 1;
                }
            }
        }
        if wk >= 0 {
            let weekend_after = self.weekend_worked(p, wk);
            self.weekends[p] += i32::from(weekend_after) - i32::from(weekend_before);
        }
    }

    /// Cost of everything the pending change set touches.
    fn touched_cost(&self) -> Score {
        let mut s = Score::ZERO;
        for &(p, lo, hi) in &self.persons {
            s += self.seq_cost(p, lo, hi);
            s += self.counter_cost(p);
        }
        for &slot in &self.slots {
            s += self.slot_cost(slot);
        }
        for &g in &self.groups {
            s += self.group_cost(g);
        }
        s
    }

    /// Applies a move and returns the change in score. Moves applied since
    /// the last [`State::commit`] can be taken back together with
    /// [`State::undo`].
    pub fn apply(&mut self, changes: &[Change]) -> Score {
        let pb = self.pb;
        let n_acts = pb.acts.len();
        self.persons.clear();
        self.slots.clear();
        self.groups.clear();
        let mut cells = Score::ZERO;
        for &(p, d, v) in changes {
            let old = self.get(p, d);
            match self.persons.iter_mut().find(|e| e.0 == p) {
                Some(e) => {
                    e.1 = e.1.min(d);
                    e.2 = e.2.max(d);
                }
                None => self.persons.push((p, d, d)),
            }
            for val in [old, v] {
                if val != OFF {
                    let slot = d * n_acts + usize::from(val) - 1;
                    if !self.slots.contains(&slot) {
                        self.slots.push(slot);
                    }
                    let g = pb.group_of[slot];
                    if g >= 0 && pb.people[p].party && !self.groups.contains(&(g as usize)) {
                        self.groups.push(g as usize);
                    }
                }
            }
        }
        let before = self.touched_cost();
        for &(p, d, v) in changes {
            let old = self.get(p, d);
            cells -= pb.cell_cost(p, d, old);
            cells += pb.cell_cost(p, d, v);
            self.undo_log.push((p, d, old));
            self.set(p, d, v);
        }
        let after = self.touched_cost();
        let delta = after - before + cells;
        self.score += delta;
        self.last_delta += delta;
        delta
    }

    /// The change in score since the last commit.
    pub fn pending(&self) -> Score {
        self.last_delta
    }

    /// Party members currently on the activities of gate shift `g`.
    pub fn party_count(&self, g: usize) -> i32 {
        self.party.get(g).copied().unwrap_or(0)
    }

    /// Takes back every [`State::apply`] since the last commit.
    pub fn undo(&mut self) {
        while let Some((p, d, v)) = self.undo_log.pop() {
            self.set(p, d, v);
        }
        self.score -= self.last_delta;
        self.last_delta = Score::ZERO;
    }

    /// Forgets the undo information of the last move (it stays applied).
    pub fn commit(&mut self) {
        self.undo_log.clear();
        self.last_delta = Score::ZERO;
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::roster::evaluate::analyse;
    use crate::roster::nsp;

    fn instance(n: usize) -> Problem {
        nsp::tests::problem(n)
    }

    fn random_move(pb: &Problem, st: &State<'_>, r: &[u32]) -> Vec<Change> {
        let np = pb.people.len();
        let days = pb.days;
        let p = r[0] as usize % np;
        let d = r[1] as usize % days;
        match r[2] % 3 {
            0 => {
                let vals = pb.allowed_values(p, d);
                let v = vals[r[3] as usize % vals.len()];
                vec![(p, d, v)]
            }
            1 => {
                let q = r[3] as usize % np;
                let len = 1 + r[4] as usize % 4;
                (d..(d + len).min(days))
                    .flat_map(|e| [(p, e, st.get(q, e)), (q, e, st.get(p, e))])
                    .collect()
            }
            _ => {
                let len = 1 + r[4] as usize % 5;
                let v = if r[3].is_multiple_of(2) {
                    OFF
                } else {
                    (r[3] as usize % pb.values()) as u16
                };
                (d..(d + len).min(days)).map(|e| (p, e, v)).collect()
            }
        }
    }

    fn check(n: usize, seq: &[Vec<u32>], undo_every: usize) {
        let pb = instance(n);
        let mut st = State::new(&pb, vec![OFF; pb.people.len() * pb.days]);
        assert_eq!(st.score, analyse(&pb, &st.x, &[]).0);
        for (i, r) in seq.iter().enumerate() {
            let mv = random_move(&pb, &st, r);
            st.apply(&mv);
            if undo_every > 0 && i % undo_every == 0 {
                st.undo();
            } else {
                st.commit();
            }
            let full = analyse(&pb, &st.x, &[]).0;
            assert_eq!(st.score, full, "after move {i}: {mv:?}");
            assert_eq!(st.full_score(), full);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// The incremental score always equals a full recomputation by the
        /// independent evaluator, after any sequence of moves and undos.
        #[test]
        fn incremental_equals_full_on_instance1(seq in prop::collection::vec(prop::collection::vec(any::<u32>(), 5), 1..60)) {
            check(1, &seq, 3);
        }

        #[test]
        fn incremental_equals_full_on_instance7(seq in prop::collection::vec(prop::collection::vec(any::<u32>(), 5), 1..60)) {
            check(7, &seq, 4);
        }
    }
}
