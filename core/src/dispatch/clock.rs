//! SLA clocks: round-the-clock or business hours, paused while an order is on
//! hold, and the timeline of an order's history that drives them.
//!
//! Times are Unix seconds (`i64`) inside this module; the calendar converts
//! to the estate's local time with its fixed UTC offset.

use chrono::{DateTime, FixedOffset};

use super::policy::{BusinessWindow, ClockKind};
use crate::{StaffId, Weekday, WorkOrder, WorkOrderEvent, WorkOrderStatus};

const DAY: i64 = 86_400;

/// Seconds in a week.
const WEEK: i64 = 7 * DAY;
/// Seconds from Monday 1969-12-29 00:00 to 1970-01-01 00:00 (a Thursday),
/// which align local times on weeks starting on Monday.
const TO_MONDAY: i64 = 3 * DAY;

/// Business hours as the week's windows, plus the estate's offset.
///
/// Clock time is counted as a running total: `W(t)` is the business
/// seconds from a fixed Monday to instant `t`, so the business seconds
/// between two instants are `W(b) - W(a)`, and the instant `secs` business
/// seconds after `a` is the first `t` with `W(t) = W(a) + secs`. Each takes
/// one division and a walk over one week's windows.
#[derive(Debug, Clone)]
pub(crate) struct Calendar {
    offset: i64,
    /// `(start, end, before)`: a window in seconds from Monday 00:00 local
    /// time, sorted and disjoint, and the business seconds of the week
    /// before its start.
    week: Vec<(i64, i64, i64)>,
    week_total: i64,
}

fn weekday_index(w: Weekday) -> usize {
    match w {
        Weekday::Monday => 0,
        Weekday::Tuesday => 1,
        Weekday::Wednesday => 2,
        Weekday::Thursday => 3,
        Weekday::Friday => 4,
        Weekday::Saturday => 5,
        Weekday::Sunday => 6,
    }
}

impl Calendar {
    /// From the policy's windows and the estate's offset (seconds east of UTC).
    pub(crate) fn new(windows: &[BusinessWindow], offset_seconds: i32) -> Calendar {
        let mut days: [Vec<(i64, i64)>; 7] = Default::default();
        for w in windows {
            let (s, e) = (
                i64::from(w.start.minutes()) * 60,
                i64::from(w.end.minutes()) * 60,
            );
            if e <= s {
                continue;
            }
            for (i, day) in days.iter_mut().enumerate() {
                let applies =
                    w.weekdays.is_empty() || w.weekdays.iter().any(|d| weekday_index(*d) == i);
                if applies {
                    day.push((s, e));
                }
            }
        }
        let mut week: Vec<(i64, i64, i64)> = Vec::new();
        let mut before = 0;
        for (i, day) in (0i64..).zip(days.iter_mut()) {
            day.sort_unstable();
            // Merge overlapping windows of the day.
            let mut merged: Vec<(i64, i64)> = Vec::with_capacity(day.len());
            for &(s, e) in day.iter() {
                match merged.last_mut() {
                    Some(last) if s <= last.1 => last.1 = last.1.max(e),
                    _ => merged.push((s, e)),
                }
            }
            for (s, e) in merged {
                week.push((i * DAY + s, i * DAY + e, before));
                before += e - s;
            }
        }
        Calendar {
            offset: i64::from(offset_seconds),
            week,
            week_total: before,
        }
    }

    /// `W(t)`: business seconds from Monday 1969-12-29 00:00 local time to
    /// instant `t` (negative before it).
    fn running(&self, t: i64) -> i64 {
        let local = t + self.offset + TO_MONDAY;
        let (w, x) = (local.div_euclid(WEEK), local.rem_euclid(WEEK));
        let mut within = self.week_total;
        for &(s, e, before) in &self.week {
            if x < e {
                within = before + (x - s).max(0);
                break;
            }
        }
        w * self.week_total + within
    }

    /// Clock seconds between two instants (0 if `to <= from`).
    pub(crate) fn work(&self, kind: ClockKind, from: i64, to: i64) -> i64 {
        if to <= from {
            return 0;
        }
        if kind == ClockKind::RoundClock {
            return to - from;
        }
        self.running(to) - self.running(from)
    }

    /// The instant when `secs` clock seconds have run from `from`; `None`
    /// if the clock never runs that far (no business hours at all).
    pub(crate) fn advance(&self, kind: ClockKind, from: i64, secs: i64) -> Option<i64> {
        if secs <= 0 {
            return Some(from);
        }
        if kind == ClockKind::RoundClock {
            return from.checked_add(secs);
        }
        if self.week_total <= 0 {
            return None;
        }
        // The first instant with W(t) = target: in week `w`, `rest` (1 to
        // the week's total) business seconds in, so that a target at the end
        // of a window is that end rather than the next window's start.
        let target = self.running(from).checked_add(secs)?;
        let w = (target - 1).div_euclid(self.week_total);
        let rest = target - w * self.week_total;
        let &(s, _, before) = self
            .week
            .iter()
            .find(|&&(s, e, before)| rest <= before + (e - s))?;
        let local = w.checked_mul(WEEK)?.checked_add(s + rest - before)?;
        local.checked_sub(self.offset + TO_MONDAY)
    }
}

/// What an order's history says about its SLA clocks.
#[derive(Debug, Clone)]
pub(crate) struct Timeline<'a> {
    /// Status after replaying the history.
    pub status: WorkOrderStatus,
    /// Reported, in seconds.
    pub reported: i64,
    /// Start of the current cycle: the report, or the last reopening.
    pub cycle_start: i64,
    /// First arrival on site in the current cycle.
    pub responded: Option<i64>,
    /// First arrival on site ever.
    pub first_started: Option<i64>,
    /// First resolution ever.
    pub first_resolved: Option<i64>,
    /// Last resolution.
    pub last_resolved: Option<i64>,
    /// When it was closed (last time).
    pub closed: Option<i64>,
    /// When it was cancelled.
    pub cancelled: Option<i64>,
    /// Intervals on hold: start, and end if it ended.
    pub holds: Vec<(i64, Option<i64>)>,
    /// How many times it was reopened.
    pub reopens: u32,
    /// Who is assigned now.
    pub assignee: Option<&'a StaffId>,
}

impl<'a> Timeline<'a> {
    /// Replays an order's history (events not allowed in their status are
    /// skipped, as [`WorkOrder::status`] does).
    pub(crate) fn of(order: &'a WorkOrder) -> Timeline<'a> {
        let reported = order.reported_at.timestamp();
        let mut t = Timeline {
            status: WorkOrderStatus::Reported,
            reported,
            cycle_start: reported,
            responded: None,
            first_started: None,
            first_resolved: None,
            last_resolved: None,
            closed: None,
            cancelled: None,
            holds: Vec::new(),
            reopens: 0,
            assignee: None,
        };
        for e in &order.events {
            let Some(next) = t.status.next(e) else {
                continue;
            };
            let at = e.at().timestamp();
            if next == WorkOrderStatus::OnHold && t.status != WorkOrderStatus::OnHold {
                t.holds.push((at, None));
            } else if t.status == WorkOrderStatus::OnHold
                && next != WorkOrderStatus::OnHold
                && let Some(last) = t.holds.last_mut()
            {
                last.1 = Some(at);
            }
            match e {
                WorkOrderEvent::Assigned { staff, .. } => t.assignee = Some(staff),
                WorkOrderEvent::Started { .. } => {
                    t.responded.get_or_insert(at);
                    t.first_started.get_or_insert(at);
                }
                WorkOrderEvent::Resolved { .. } => {
                    t.first_resolved.get_or_insert(at);
                    t.last_resolved = Some(at);
                }
                WorkOrderEvent::Closed { .. } => t.closed = Some(at),
                WorkOrderEvent::Reopened { .. } => {
                    t.reopens += 1;
                    t.cycle_start = at;
                    t.responded = None;
                    t.assignee = None;
                }
                WorkOrderEvent::Cancelled { .. } => t.cancelled = Some(at),
                _ => {}
            }
            t.status = next;
        }
        t
    }

    /// Whether the order is on hold now.
    pub(crate) fn paused(&self) -> bool {
        self.status == WorkOrderStatus::OnHold
    }

    /// Seconds on hold between `from` and `to` (wall clock).
    pub(crate) fn held_between(&self, from: i64, to: i64) -> i64 {
        self.holds
            .iter()
            .map(|&(s, e)| (e.unwrap_or(to).min(to) - s.max(from)).max(0))
            .sum()
    }

    /// Clock seconds run between `from` and `to`, not counting holds.
    pub(crate) fn consumed(&self, cal: &Calendar, kind: ClockKind, from: i64, to: i64) -> i64 {
        let mut total = cal.work(kind, from, to);
        for &(s, e) in &self.holds {
            let (a, b) = (s.max(from), e.unwrap_or(to).min(to));
            if b > a {
                total -= cal.work(kind, a, b);
            }
        }
        total.max(0)
    }

    /// The instant when `secs` clock seconds have run from `from`, holds not
    /// counting. `None` while the clock is paused before reaching it (or if
    /// the clock never runs).
    pub(crate) fn deadline(
        &self,
        cal: &Calendar,
        kind: ClockKind,
        from: i64,
        secs: i64,
    ) -> Option<i64> {
        let mut seg_start = from;
        let mut acc = 0i64;
        for &(s, e) in &self.holds {
            if e.is_some_and(|e| e <= seg_start) {
                continue;
            }
            if s > seg_start {
                let seg = cal.work(kind, seg_start, s);
                if acc + seg >= secs {
                    return cal.advance(kind, seg_start, secs - acc);
                }
                acc += seg;
            }
            seg_start = seg_start.max(e?);
        }
        cal.advance(kind, seg_start, secs - acc)
    }
}

/// Unix seconds as a timestamp in the estate's offset (`None` out of range).
pub(crate) fn at_offset(secs: i64, offset: FixedOffset) -> Option<DateTime<FixedOffset>> {
    DateTime::from_timestamp(secs, 0).map(|t| t.with_timezone(&offset))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TimeOfDay;
    use proptest::prelude::*;

    fn ts(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s).unwrap().timestamp()
    }

    fn office() -> Calendar {
        // Monday to Friday 08:00-12:00 and 13:00-17:00, China Standard Time.
        let w = |a: (u16, u16), b: (u16, u16)| BusinessWindow {
            weekdays: [
                Weekday::Monday,
                Weekday::Tuesday,
                Weekday::Wednesday,
                Weekday::Thursday,
                Weekday::Friday,
            ]
            .into_iter()
            .collect(),
            start: TimeOfDay::from_hm(a.0, a.1).unwrap(),
            end: TimeOfDay::from_hm(b.0, b.1).unwrap(),
        };
        Calendar::new(&[w((8, 0), (12, 0)), w((13, 0), (17, 0))], 8 * 3600)
    }

    /// The calendar walked day by day (the first implementation), as the
    /// oracle for the running totals.
    struct DayByDay {
        offset: i64,
        days: [Vec<(i64, i64)>; 7],
    }

    impl DayByDay {
        fn new(windows: &[BusinessWindow], offset_seconds: i32) -> DayByDay {
            let mut days: [Vec<(i64, i64)>; 7] = Default::default();
            for w in windows {
                let (s, e) = (
                    i64::from(w.start.minutes()) * 60,
                    i64::from(w.end.minutes()) * 60,
                );
                for (i, day) in days.iter_mut().enumerate() {
                    if e > s
                        && (w.weekdays.is_empty()
                            || w.weekdays.iter().any(|d| weekday_index(*d) == i))
                    {
                        day.push((s, e));
                    }
                }
            }
            for day in &mut days {
                day.sort_unstable();
                let mut merged: Vec<(i64, i64)> = Vec::new();
                for &(s, e) in day.iter() {
                    match merged.last_mut() {
                        Some(last) if s <= last.1 => last.1 = last.1.max(e),
                        _ => merged.push((s, e)),
                    }
                }
                *day = merged;
            }
            DayByDay {
                offset: i64::from(offset_seconds),
                days,
            }
        }

        fn windows(&self, day: i64) -> &[(i64, i64)] {
            &self.days[(day + 3).rem_euclid(7) as usize]
        }

        fn work(&self, from: i64, to: i64) -> i64 {
            let mut total = 0;
            let (lf, lt) = (from + self.offset, to + self.offset);
            for day in lf.div_euclid(DAY)..=lt.div_euclid(DAY) {
                for &(s, e) in self.windows(day) {
                    let (a, b) = ((day * DAY + s).max(lf), (day * DAY + e).min(lt));
                    total += (b - a).max(0);
                }
            }
            total
        }

        fn advance(&self, from: i64, secs: i64) -> Option<i64> {
            let local = from + self.offset;
            let mut left = secs;
            for day in local.div_euclid(DAY)..local.div_euclid(DAY) + 400 {
                for &(s, e) in self.windows(day) {
                    let start = (day * DAY + s).max(local);
                    let end = day * DAY + e;
                    if end <= start {
                        continue;
                    }
                    if left <= end - start {
                        return Some(start + left - self.offset);
                    }
                    left -= end - start;
                }
            }
            None
        }
    }

    fn window_strategy() -> impl Strategy<Value = BusinessWindow> {
        (
            prop::collection::btree_set(0usize..7, 0..4),
            0u16..24 * 60,
            0u16..24 * 60,
        )
            .prop_map(|(days, a, b)| {
                let all = [
                    Weekday::Monday,
                    Weekday::Tuesday,
                    Weekday::Wednesday,
                    Weekday::Thursday,
                    Weekday::Friday,
                    Weekday::Saturday,
                    Weekday::Sunday,
                ];
                BusinessWindow {
                    weekdays: days.into_iter().map(|d| all[d]).collect(),
                    start: TimeOfDay::from_hm(a / 60, a % 60).unwrap(),
                    end: TimeOfDay::from_hm(b / 60, b % 60).unwrap(),
                }
            })
    }

    proptest! {
        /// Running totals give what walking the days gives: business
        /// seconds between any two instants, and the instant a number of
        /// business seconds on (which the walk finds within 400 days),
        /// for any windows (overlapping, empty, some weekdays or all) and
        /// offsets, before and after 1970.
        #[test]
        fn running_totals_equal_the_day_by_day_walk(
            windows in prop::collection::vec(window_strategy(), 0..4),
            offset in -12i32 * 3600..=14 * 3600,
            from in -2_000_000_000i64..2_000_000_000,
            span in 0i64..30 * 86_400,
            secs in 1i64..40 * 86_400,
        ) {
            let fast = Calendar::new(&windows, offset);
            let walk = DayByDay::new(&windows, offset);
            let b = ClockKind::BusinessHours;
            prop_assert_eq!(fast.work(b, from, from + span), walk.work(from, from + span));
            let want = walk.advance(from, secs);
            if want.is_some() || fast.week_total == 0 {
                prop_assert_eq!(fast.advance(b, from, secs), want);
            }
        }
    }

    #[test]
    fn business_minutes_skip_nights_lunch_and_weekends() {
        let c = office();
        let b = ClockKind::BusinessHours;
        // Wednesday 2022-12-14 10:00 to 15:00: 2 h + 2 h (lunch excluded).
        let (a, z) = (
            ts("2022-12-14T10:00:00+08:00"),
            ts("2022-12-14T15:00:00+08:00"),
        );
        assert_eq!(c.work(b, a, z), 4 * 3600);
        assert_eq!(c.work(ClockKind::RoundClock, a, z), 5 * 3600);
        // Friday 16:00 to Monday 09:00: 1 h + 1 h.
        let (a, z) = (
            ts("2022-12-16T16:00:00+08:00"),
            ts("2022-12-19T09:00:00+08:00"),
        );
        assert_eq!(c.work(b, a, z), 2 * 3600);
        // Three weeks and a day: 15 working days of 8 h plus Monday's 8 h.
        let (a, z) = (
            ts("2022-12-12T00:00:00+08:00"),
            ts("2023-01-03T00:00:00+08:00"),
        );
        assert_eq!(c.work(b, a, z), 16 * 8 * 3600);
    }

    #[test]
    fn advance_is_the_inverse_of_work() {
        let c = office();
        let b = ClockKind::BusinessHours;
        let from = ts("2022-12-16T16:30:00+08:00"); // Friday
        // Four business hours later: Friday 17:00 (0.5 h), Monday 08:00-11:30.
        assert_eq!(
            c.advance(b, from, 4 * 3600),
            Some(ts("2022-12-19T11:30:00+08:00"))
        );
        // Exactly at the end of a window.
        assert_eq!(
            c.advance(b, from, 1800),
            Some(ts("2022-12-16T17:00:00+08:00"))
        );
        for secs in [
            1,
            59,
            3600,
            4 * 3600,
            8 * 3600,
            40 * 3600,
            41 * 3600,
            1_000_000,
        ] {
            let end = c.advance(b, from, secs).unwrap();
            assert_eq!(c.work(b, from, end), secs, "{secs}");
        }
        let none = Calendar::new(&[], 0);
        assert_eq!(none.advance(b, from, 60), None);
        assert_eq!(none.work(b, from, from + 3600), 0);
    }

    #[test]
    fn holds_pause_the_clock() {
        let order: WorkOrder = serde_json::from_str(
            r#"{"id": "W", "category": "doors_windows", "location": {"kind": "building", "building": "B"},
            "reported_at": "2022-12-14T08:00:00+08:00", "reported_by": {"kind": "anonymous"},
            "channel": "phone", "description": "d", "events": [
              {"type": "assigned", "at": "2022-12-14T08:10:00+08:00", "staff": "S"},
              {"type": "started", "at": "2022-12-14T09:00:00+08:00"},
              {"type": "on_hold", "at": "2022-12-14T10:00:00+08:00", "reason": "parts_on_order"},
              {"type": "resumed", "at": "2022-12-14T14:00:00+08:00"}]}"#,
        )
        .unwrap();
        let t = Timeline::of(&order);
        let c = Calendar::new(&[], 8 * 3600);
        let r = ClockKind::RoundClock;
        assert_eq!(t.holds.len(), 1);
        assert!(!t.paused());
        let start = ts("2022-12-14T08:00:00+08:00");
        // 8:00-16:00 with four hours on hold: four hours of clock.
        assert_eq!(
            t.consumed(&c, r, start, ts("2022-12-14T16:00:00+08:00")),
            4 * 3600
        );
        // A 3 h target: 08:00-10:00, then 14:00-15:00.
        assert_eq!(
            t.deadline(&c, r, start, 3 * 3600),
            Some(ts("2022-12-14T15:00:00+08:00"))
        );
        // A 1 h target is reached before the hold.
        assert_eq!(
            t.deadline(&c, r, start, 3600),
            Some(ts("2022-12-14T09:00:00+08:00"))
        );
        assert_eq!(t.responded, Some(ts("2022-12-14T09:00:00+08:00")));
    }
}
