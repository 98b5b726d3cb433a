//! The full evaluator: scores a whole roster from scratch, rule by rule, and
//! explains every violation (who, when, which rule, how much).
//!
//! It shares nothing with the incremental score of the search but the
//! compiled problem, so the two can check each other (see the property tests
//! in `state.rs`). Cell rules are recomputed here from their sources (leave,
//! flags, requests, the published roster), not read from the summed table the
//! search uses.

use super::compile::in_category;
use super::problem::{OFF, OvertimeP, Problem, hours_up};
use super::request::LeaveKind;
use super::rules::{RuleId, Score};

/// One violation found, in solver indices.
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    /// The rule.
    pub rule: RuleId,
    /// Its score.
    pub cost: Score,
    /// Person index, if one.
    pub person: Option<usize>,
    /// Days concerned.
    pub days: Vec<usize>,
    /// Activity concerned, if one.
    pub act: Option<usize>,
    /// The sentence.
    pub message: String,
}

/// A person-day that had a second assignment (dropped from the grid).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Extra {
    /// Person.
    pub person: usize,
    /// Day.
    pub day: usize,
    /// The dropped activity.
    pub act: usize,
    /// The activity kept.
    pub kept: usize,
}

struct Out<'a> {
    pb: &'a Problem,
    findings: Vec<Finding>,
    total: Score,
}

impl Out<'_> {
    fn add(
        &mut self,
        rule: RuleId,
        units: i64,
        person: Option<usize>,
        days: Vec<usize>,
        act: Option<usize>,
        message: impl FnOnce() -> String,
    ) {
        let cost = self.pb.rules.cost(rule, units);
        self.add_cost(rule, cost, person, days, act, message);
    }

    fn add_cost(
        &mut self,
        rule: RuleId,
        cost: Score,
        person: Option<usize>,
        days: Vec<usize>,
        act: Option<usize>,
        message: impl FnOnce() -> String,
    ) {
        if cost == Score::ZERO {
            return;
        }
        self.total += cost;
        self.findings.push(Finding {
            rule,
            cost,
            person,
            days,
            act,
            message: message(),
        });
    }
}

/// A date with its weekday, e.g. `2022-12-15 (Thu)`.
pub(crate) fn day_label(pb: &Problem, d: usize) -> String {
    pb.horizon.date(d).format("%Y-%m-%d (%a)").to_string()
}

fn act_label(pb: &Problem, a: usize) -> String {
    pb.acts.get(a).map_or_else(String::new, |act| {
        format!(
            "{}/{}",
            pb.posts.get(act.post).map_or("?", |p| p.id.as_str()),
            pb.shifts.get(act.shift).map_or("?", |s| s.id.as_str())
        )
    })
}

fn value_label(pb: &Problem, v: u16) -> String {
    if v == OFF {
        "off".to_owned()
    } else {
        act_label(pb, usize::from(v) - 1)
    }
}

fn hours(minutes: i64) -> String {
    if minutes % 60 == 0 {
        format!("{} h", minutes / 60)
    } else {
        format!("{} h {} min", minutes / 60, minutes % 60)
    }
}

/// Scores a grid and explains it.
///
/// `x[p * days + d]` is the value of each person-day; `extras` are second
/// assignments on a person-day (counted by `one_shift_per_day` only).
pub(crate) fn analyse(pb: &Problem, x: &[u16], extras: &[Extra]) -> (Score, Vec<Finding>) {
    let mut out = Out {
        pb,
        findings: Vec::new(),
        total: Score::ZERO,
    };
    let days = pb.days;
    let n_acts = pb.acts.len();
    let get = |p: usize, d: usize| x.get(p * days + d).copied().unwrap_or(OFF);

    for e in extras {
        out.add(
            RuleId::OneShiftPerDay,
            1,
            Some(e.person),
            vec![e.day],
            Some(e.act),
            || {
                format!(
                    "{} has a second shift ({}) on {}; only {} counts.",
                    pb.people[e.person].id,
                    act_label(pb, e.act),
                    day_label(pb, e.day),
                    act_label(pb, e.kept)
                )
            },
        );
    }

    // Coverage.
    let mut count = vec![0i32; days * n_acts];
    for p in 0..pb.people.len() {
        for d in 0..days {
            let v = get(p, d);
            if v != OFF
                && let Some(c) = count.get_mut(d * n_acts + usize::from(v) - 1)
            {
                *c += 1;
            }
        }
    }
    for d in 0..days {
        for a in 0..n_acts {
            let dm = pb.demand[d * n_acts + a];
            let n = count[d * n_acts + a];
            if n < dm.req {
                let missing = i64::from(dm.req - n);
                out.add_cost(
                    RuleId::CoverageUnder,
                    Score {
                        hard: dm.under.hard * missing,
                        soft: dm.under.soft * missing,
                    },
                    None,
                    vec![d],
                    Some(a),
                    || {
                        format!(
                            "{} on {} has {n} of {} people; {missing} missing.",
                            act_label(pb, a),
                            day_label(pb, d),
                            dm.req
                        )
                    },
                );
            } else if n > dm.req {
                let extra = i64::from(n - dm.req);
                out.add_cost(
                    RuleId::CoverageOver,
                    Score {
                        hard: dm.over.hard * extra,
                        soft: dm.over.soft * extra,
                    },
                    None,
                    vec![d],
                    Some(a),
                    || {
                        format!(
                            "{} on {} has {n} people for a demand of {}; {extra} extra.",
                            act_label(pb, a),
                            day_label(pb, d),
                            dm.req
                        )
                    },
                );
            }
        }
    }

    // Party member on each gate shift.
    for g in &pb.groups {
        let mut party = 0;
        let mut on_gate = 0;
        for (p, person) in pb.people.iter().enumerate() {
            let v = get(p, g.day);
            if v != OFF && pb.group_of[g.day * n_acts + usize::from(v) - 1] >= 0 {
                let a = usize::from(v) - 1;
                if pb.acts[a].shift == g.shift {
                    on_gate += 1;
                    if person.party {
                        party += 1;
                    }
                }
            }
        }
        if party == 0 {
            out.add(
                RuleId::PartyMemberOnGate,
                1,
                None,
                vec![g.day],
                None,
                || {
                    format!(
                        "No party member is on the gates for the {} shift on {} (closed management; {on_gate} on the gates).",
                        pb.shifts[g.shift].id,
                        day_label(pb, g.day)
                    )
                },
            );
        }
    }

    for (p, person) in pb.people.iter().enumerate() {
        let id = &person.id;
        let row: Vec<u16> = (0..days).map(|d| get(p, d)).collect();

        // Cell rules, from their sources.
        let mut volunteer_shifts = Vec::new();
        for (d, &v) in row.iter().enumerate() {
            let act = pb.act(v);
            let pd = p * days + d;
            if let Some(a) = act.map(|_| usize::from(v) - 1) {
                let f = pb.flags[pd * n_acts + a];
                if f.leave {
                    let kind = match pb.leave[pd] {
                        Some(LeaveKind::Sick) => "on sick leave",
                        Some(LeaveKind::DayOff) => "on an agreed day off",
                        Some(LeaveKind::Annual) => "on annual leave",
                        _ => "on leave",
                    };
                    out.add(RuleId::Leave, 1, Some(p), vec![d], Some(a), || {
                        format!(
                            "{id} is {kind} on {} but works {}.",
                            day_label(pb, d),
                            act_label(pb, a)
                        )
                    });
                }
                if f.skill {
                    out.add(RuleId::SkillRequired, 1, Some(p), vec![d], Some(a), || {
                        format!(
                            "{id} lacks the skill that {} requires, on {}.",
                            act_label(pb, a),
                            day_label(pb, d)
                        )
                    });
                }
                if f.role {
                    out.add(RuleId::PostRole, 1, Some(p), vec![d], Some(a), || {
                        format!(
                            "{id}'s role is not among those allowed on {} (config.post_roles), on {}.",
                            act_label(pb, a),
                            day_label(pb, d)
                        )
                    });
                }
                if f.offer {
                    out.add(RuleId::VolunteerOffer, 1, Some(p), vec![d], Some(a), || {
                        format!(
                            "{id} did not offer {} on {}.",
                            act_label(pb, a),
                            day_label(pb, d)
                        )
                    });
                }
                if f.daily_cap {
                    out.add(RuleId::DailyHoursCap, 1, Some(p), vec![d], Some(a), || {
                        format!(
                            "{id} works {} ({}) on {}, beyond the daily cap of the {}.",
                            act_label(pb, a),
                            hours(i64::from(pb.minutes_of(v))),
                            day_label(pb, d),
                            person.contract
                        )
                    });
                }
                if person.volunteer {
                    volunteer_shifts.push(d);
                }
            }
            for r in &pb.requests[pd] {
                let units = r.units(act);
                if units == 0 {
                    continue;
                }
                let what = match (r.shift, r.post) {
                    (None, None) => "a shift".to_owned(),
                    (Some(s), None) => pb.shifts[s].id.clone(),
                    (None, Some(po)) => pb.posts[po].id.clone(),
                    (Some(s), Some(po)) => format!("{}/{}", pb.posts[po].id, pb.shifts[s].id),
                };
                if r.on {
                    out.add(
                        RuleId::ShiftOnRequest,
                        units,
                        Some(p),
                        vec![d],
                        None,
                        || {
                            format!(
                                "{id} asked to work {what} on {} (weight {}) but is {}.",
                                day_label(pb, d),
                                r.weight,
                                if v == OFF {
                                    "off".to_owned()
                                } else {
                                    format!("on {}", value_label(pb, v))
                                }
                            )
                        },
                    );
                } else {
                    out.add(
                        RuleId::ShiftOffRequest,
                        units,
                        Some(p),
                        vec![d],
                        None,
                        || {
                            format!(
                                "{id} asked not to work {what} on {} (weight {}) but works {}.",
                                day_label(pb, d),
                                r.weight,
                                value_label(pb, v)
                            )
                        },
                    );
                }
            }
            if let Some(published) = &pb.published {
                let before = published[pd];
                if before != v {
                    out.add(RuleId::RosterChange, 1, Some(p), vec![d], None, || {
                        format!(
                            "{id} on {}: {} in the published roster, now {}.",
                            day_label(pb, d),
                            value_label(pb, before),
                            value_label(pb, v)
                        )
                    });
                }
            }
        }
        if !volunteer_shifts.is_empty() {
            let n = volunteer_shifts.len() as i64;
            out.add(
                RuleId::VolunteerShift,
                n,
                Some(p),
                volunteer_shifts,
                None,
                || format!("Volunteer {id} gives {n} shift(s)."),
            );
        }

        // Successions.
        for d in 1..days {
            if let (Some(s), Some(t)) = (pb.shift_of(row[d - 1]), pb.shift_of(row[d])) {
                let (rest, list) = pb.succession_units(s, t);
                if rest > 0 {
                    out.add(RuleId::MinRest, rest, Some(p), vec![d - 1, d], None, || {
                        format!(
                            "{id} works {} on {} and {} on {}: too little rest in between.",
                            pb.shifts[s].id,
                            day_label(pb, d - 1),
                            pb.shifts[t].id,
                            day_label(pb, d)
                        )
                    });
                }
                if list > 0 {
                    out.add(
                        RuleId::ForbiddenSuccession,
                        list,
                        Some(p),
                        vec![d - 1, d],
                        None,
                        || {
                            format!(
                                "{id} works {} on {} then {} on {}: {} may not follow {}.",
                                pb.shifts[s].id,
                                day_label(pb, d - 1),
                                pb.shifts[t].id,
                                day_label(pb, d),
                                pb.shifts[t].id,
                                pb.shifts[s].id
                            )
                        },
                    );
                }
            }
        }

        // Runs of work and of days off.
        let mut start = 0;
        while start < days {
            let working = row[start] != OFF;
            let mut end = start;
            while end + 1 < days && (row[end + 1] != OFF) == working {
                end += 1;
            }
            let len = (end - start + 1) as i32;
            let inside = start > 0 && end + 1 < days;
            let span = || (start..=end).collect::<Vec<_>>();
            if working {
                if len > person.max_consec {
                    let units = i64::from(len - person.max_consec);
                    out.add(RuleId::MaxConsecutiveDays, units, Some(p), span(), None, || {
                        format!(
                            "{id} works {len} days in a row from {} to {}; the maximum is {} ({}).",
                            day_label(pb, start),
                            day_label(pb, end),
                            person.max_consec,
                            person.contract
                        )
                    });
                }
                if inside && len < person.min_consec {
                    let units = i64::from(person.min_consec - len);
                    out.add(RuleId::MinConsecutiveDays, units, Some(p), span(), None, || {
                        format!(
                            "{id} works only {len} day(s) in a row from {}; the minimum is {} ({}).",
                            day_label(pb, start),
                            person.min_consec,
                            person.contract
                        )
                    });
                }
            } else if inside && len < person.min_off {
                let units = i64::from(person.min_off - len);
                out.add(RuleId::MinConsecutiveDaysOff, units, Some(p), span(), None, || {
                    format!(
                        "{id} has only {len} day(s) off in a row from {}; the minimum is {} ({}).",
                        day_label(pb, start),
                        person.min_off,
                        person.contract
                    )
                });
            }
            start = end + 1;
        }

        // Counts over the horizon.
        for (s, shift) in pb.shifts.iter().enumerate() {
            let worked: Vec<usize> = (0..days)
                .filter(|&d| pb.shift_of(row[d]) == Some(s))
                .collect();
            let n = worked.len() as i32;
            let max = person.max_per_shift[s];
            if n > max {
                out.add(
                    RuleId::MaxShiftsOfType,
                    i64::from(n - max),
                    Some(p),
                    worked,
                    None,
                    || {
                        format!(
                            "{id} works {n} {} shift(s); the maximum is {max} ({}).",
                            shift.id, person.contract
                        )
                    },
                );
            }
        }
        let total: i64 = row.iter().map(|&v| i64::from(pb.minutes_of(v))).sum();
        if total < i64::from(person.min_minutes) {
            let short = i64::from(person.min_minutes) - total;
            out.add(
                RuleId::MinTotalMinutes,
                hours_up(short),
                Some(p),
                vec![],
                None,
                || {
                    format!(
                        "{id} works {total} minutes; the minimum is {} ({}), {} short.",
                        person.min_minutes,
                        person.contract,
                        hours(short)
                    )
                },
            );
        }
        if total > i64::from(person.max_minutes) {
            let over = total - i64::from(person.max_minutes);
            out.add(
                RuleId::MaxTotalMinutes,
                hours_up(over),
                Some(p),
                vec![],
                None,
                || {
                    format!(
                        "{id} works {total} minutes; the maximum is {} ({}), {} over.",
                        person.max_minutes,
                        person.contract,
                        hours(over)
                    )
                },
            );
        }
        let mut worked_weekends = vec![false; pb.weekends];
        for (&v, &weekend) in row.iter().zip(&pb.weekend_of).take(days) {
            if v != OFF
                && let Ok(w) = usize::try_from(weekend)
            {
                worked_weekends[w] = true;
            }
        }
        let n_weekends = worked_weekends.iter().filter(|&&w| w).count() as i32;
        if n_weekends > person.max_weekends {
            out.add(
                RuleId::MaxWeekends,
                i64::from(n_weekends - person.max_weekends),
                Some(p),
                vec![],
                None,
                || {
                    format!(
                        "{id} works {n_weekends} weekends; the maximum is {} ({}).",
                        person.max_weekends, person.contract
                    )
                },
            );
        }

        // Calendar weeks: rest day and weekly overtime.
        let mut overtime_total = 0i64;
        for w in 0..pb.weeks {
            let week_days: Vec<usize> = (0..days).filter(|&d| pb.week_of[d] == w as i32).collect();
            let first = week_days.first().copied().unwrap_or(0);
            let worked = week_days.iter().filter(|&&d| row[d] != OFF).count();
            if person.weekly_rest && worked == week_days.len() && !week_days.is_empty() {
                out.add(
                    RuleId::WeeklyRestDay,
                    1,
                    Some(p),
                    week_days.clone(),
                    None,
                    || {
                        format!(
                            "{id} works all 7 days of the week from {} without a rest day.",
                            day_label(pb, first)
                        )
                    },
                );
            }
            if let OvertimeP::Weekly { regular } = person.overtime {
                let minutes: i64 = week_days
                    .iter()
                    .map(|&d| i64::from(pb.minutes_of(row[d])))
                    .sum();
                let ot = minutes - i64::from(regular);
                if ot > 0 {
                    overtime_total += ot;
                    out.add(
                        RuleId::Overtime,
                        hours_up(ot),
                        Some(p),
                        week_days,
                        None,
                        || {
                            format!(
                                "{id} works {} in the week from {}, {} beyond the regular {}.",
                                hours(minutes),
                                day_label(pb, first),
                                hours(ot),
                                hours(i64::from(regular))
                            )
                        },
                    );
                }
            }
        }
        if let OvertimeP::Averaged { regular } = person.overtime {
            let ot = total - i64::from(regular);
            if ot > 0 {
                overtime_total += ot;
                out.add(RuleId::Overtime, hours_up(ot), Some(p), vec![], None, || {
                    format!(
                        "{id} works {} over the horizon, {} beyond the regular {} (averaged, {}).",
                        hours(total),
                        hours(ot),
                        hours(i64::from(regular)),
                        person.contract
                    )
                });
            }
        }
        if overtime_total > i64::from(person.overtime_cap) {
            let over = overtime_total - i64::from(person.overtime_cap);
            out.add(
                RuleId::OvertimeCap,
                hours_up(over),
                Some(p),
                vec![],
                None,
                || {
                    format!(
                        "{id} has {} of overtime, beyond the legal cap of {} for this horizon.",
                        hours(overtime_total),
                        hours(i64::from(person.overtime_cap))
                    )
                },
            );
        }

        // Fairness.
        for (cat, rule, what) in [
            (0, RuleId::FairNights, "night shift(s)"),
            (1, RuleId::FairWeekends, "weekend day(s)"),
            (2, RuleId::FairHolidays, "holiday(s)"),
        ] {
            if !pb.fair_eligible[cat][p] {
                continue;
            }
            let worked: Vec<usize> = (0..days)
                .filter(|&d| row[d] != OFF && in_category(pb, cat, d, usize::from(row[d]) - 1))
                .collect();
            let n = worked.len() as i32;
            let target = pb.fair_target[cat];
            if n > target {
                let excess = i64::from(n - target);
                out.add(rule, excess * excess, Some(p), worked, None, || {
                    format!("{id} works {n} {what}, {excess} above the fair share of {target}.")
                });
            }
        }
    }
    (out.total, out.findings)
}
