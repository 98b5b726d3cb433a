//! The Curtois–Qu nurse-rostering benchmark format ("Employee Shift Scheduling
//! Benchmark Data Sets", Instances 1–24): a parser with typed errors and line
//! numbers, the mapping into a roster request (so the same engine solves
//! them), and an independent evaluator of the published objective.
//!
//! The format: sections `SECTION_HORIZON`, `SECTION_SHIFTS`, `SECTION_STAFF`,
//! `SECTION_DAYS_OFF`, `SECTION_SHIFT_ON_REQUESTS`,
//! `SECTION_SHIFT_OFF_REQUESTS` and `SECTION_COVER`, comma-separated rows,
//! `#` comments, blank lines between sections, CRLF or LF line ends.
//!
//! ```
//! use steward::roster::nsp;
//! let text = "SECTION_HORIZON\n7\n\nSECTION_SHIFTS\nD,480,\n\nSECTION_STAFF\n\
//!             A,D=7,2400,0,5,1,1,2\n\nSECTION_COVER\n0,D,1,100,1\n";
//! let inst = nsp::parse(text)?;
//! assert_eq!((inst.horizon, inst.staff.len()), (7, 1));
//! let err = nsp::parse("SECTION_HORIZON\nseven\n").unwrap_err();
//! assert_eq!(err.line, 2);
//! # Ok::<(), nsp::NspError>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::NaiveDate;

use super::request::{
    Contract, DatedDemand, Horizon, Leave, LeaveKind, RequestKind, RosterConfig, RosterRequest,
    SOLVE_REQUEST, ShiftRequest, Succession,
};
use super::rules::{Level, RuleId, RuleOverride};
use crate::{
    Company, Estate, EstateId, HoursSystem, Issue, IssueCode, Personal, Post, PostId, PostKind,
    ShiftType, ShiftTypeId, StaffId, StaffMember, StaffRole, TimeOfDay,
};

/// The date day 0 of an instance maps to (a Monday, as every instance starts on one).
pub const START: NaiveDate = match NaiveDate::from_ymd_opt(2024, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// The id of the single post all NSP cover goes to.
pub const POST: &str = "ward";

/// A shift type of an instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NspShift {
    /// Id, e.g. `D`.
    pub id: String,
    /// Length in minutes.
    pub minutes: u32,
    /// Shift types that may not follow this one the next day.
    pub cannot_follow: Vec<String>,
}

/// An employee and their limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NspStaff {
    /// Id, e.g. `A`.
    pub id: String,
    /// Maximum shifts per type, in file order (0 = may not work the type).
    pub max_shifts: Vec<(String, u32)>,
    /// Maximum total minutes.
    pub max_total_minutes: u32,
    /// Minimum total minutes.
    pub min_total_minutes: u32,
    /// Maximum consecutive shifts.
    pub max_consecutive: u32,
    /// Minimum consecutive shifts.
    pub min_consecutive: u32,
    /// Minimum consecutive days off.
    pub min_consecutive_off: u32,
    /// Maximum weekends worked.
    pub max_weekends: u32,
}

/// A shift-on or shift-off request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NspRequest {
    /// Employee id.
    pub employee: String,
    /// Day index.
    pub day: usize,
    /// Shift type id.
    pub shift: String,
    /// Penalty weight.
    pub weight: u32,
}

/// A cover requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NspCover {
    /// Day index.
    pub day: usize,
    /// Shift type id.
    pub shift: String,
    /// People required (`-0` reads as 0).
    pub requirement: u32,
    /// Penalty per missing person.
    pub under_weight: u32,
    /// Penalty per extra person.
    pub over_weight: u32,
}

/// A parsed instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NspInstance {
    /// Horizon length in days (day 0 is a Monday).
    pub horizon: usize,
    /// Shift types.
    pub shifts: Vec<NspShift>,
    /// Employees.
    pub staff: Vec<NspStaff>,
    /// Days off per employee.
    pub days_off: Vec<(String, Vec<usize>)>,
    /// Shift-on requests.
    pub on_requests: Vec<NspRequest>,
    /// Shift-off requests.
    pub off_requests: Vec<NspRequest>,
    /// Cover requirements.
    pub cover: Vec<NspCover>,
}

/// What is wrong on a line of an instance file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NspErrorKind {
    /// A data line before any section header.
    #[error("data outside any section")]
    OutsideSection,
    /// A `SECTION_…` header the format does not have.
    #[error("unknown section {0:?}")]
    UnknownSection(String),
    /// A section appears twice.
    #[error("section {0} appears twice")]
    DuplicateSection(String),
    /// A required section is missing.
    #[error("section {0} is missing")]
    MissingSection(&'static str),
    /// A row has the wrong number of fields.
    #[error("expected {expected} comma-separated fields, found {found}")]
    FieldCount {
        /// What the section expects (e.g. "8").
        expected: String,
        /// How many there were.
        found: usize,
    },
    /// A field is not what it should be.
    #[error("{field}: expected {expected}, found {found:?}")]
    BadField {
        /// Field name.
        field: &'static str,
        /// What was expected.
        expected: &'static str,
        /// What was there.
        found: String,
    },
    /// A shift type that was not defined.
    #[error("unknown shift type {0:?}")]
    UnknownShift(String),
    /// An employee that was not defined.
    #[error("unknown employee {0:?}")]
    UnknownEmployee(String),
    /// A day index outside the horizon.
    #[error("day {day} is outside the horizon of {horizon} days")]
    DayOutOfRange {
        /// The day.
        day: usize,
        /// The horizon.
        horizon: usize,
    },
    /// An id defined twice.
    #[error("{what} {id:?} is defined twice")]
    Duplicate {
        /// Shift type or employee.
        what: &'static str,
        /// The id.
        id: String,
    },
    /// A character that is not printable ASCII.
    #[error("non-ASCII character {0:?}")]
    NotAscii(char),
}

/// An error in an instance file, with its 1-based line number (0 when the
/// problem is the file as a whole, such as a missing section).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct NspError {
    /// 1-based line number (0 = whole file).
    pub line: usize,
    /// What is wrong.
    pub kind: NspErrorKind,
}

impl fmt::Display for NspErrorKindWithLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.line == 0 {
            write!(f, "{}", self.0.kind)
        } else {
            write!(f, "line {}: {}", self.0.line, self.0.kind)
        }
    }
}

struct NspErrorKindWithLine<'a>(&'a NspError);

impl fmt::Display for NspError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        NspErrorKindWithLine(self).fmt(f)
    }
}

impl From<NspError> for crate::Error {
    fn from(e: NspError) -> crate::Error {
        let path = if e.line == 0 {
            String::new()
        } else {
            format!("line {}", e.line)
        };
        let code = match &e.kind {
            NspErrorKind::UnknownShift(_) | NspErrorKind::UnknownEmployee(_) => {
                IssueCode::DanglingReference
            }
            NspErrorKind::DayOutOfRange { .. } => IssueCode::OutOfRange,
            NspErrorKind::Duplicate { .. } | NspErrorKind::DuplicateSection(_) => {
                IssueCode::DuplicateId
            }
            NspErrorKind::MissingSection(_) => IssueCode::MissingField,
            NspErrorKind::FieldCount { .. } => IssueCode::InvalidLength,
            _ => IssueCode::InvalidValue,
        };
        let value = match &e.kind {
            NspErrorKind::BadField { found, .. } => crate::wire::render_str(found),
            NspErrorKind::UnknownShift(s) | NspErrorKind::UnknownEmployee(s) => {
                crate::wire::render_str(s)
            }
            NspErrorKind::UnknownSection(s) => crate::wire::render_str(s),
            NspErrorKind::DayOutOfRange { day, .. } => day.to_string(),
            _ => String::new(),
        };
        crate::Error::invalid(
            "NSP instance",
            vec![Issue::new(path, value, code, e.kind.to_string())],
        )
        .with_source(e)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Section {
    Horizon,
    Shifts,
    Staff,
    DaysOff,
    OnRequests,
    OffRequests,
    Cover,
}

impl Section {
    fn parse(name: &str) -> Option<Section> {
        Some(match name {
            "SECTION_HORIZON" => Section::Horizon,
            "SECTION_SHIFTS" => Section::Shifts,
            "SECTION_STAFF" => Section::Staff,
            "SECTION_DAYS_OFF" => Section::DaysOff,
            "SECTION_SHIFT_ON_REQUESTS" => Section::OnRequests,
            "SECTION_SHIFT_OFF_REQUESTS" => Section::OffRequests,
            "SECTION_COVER" => Section::Cover,
            _ => return None,
        })
    }
}

fn bad(line: usize, field: &'static str, expected: &'static str, found: &str) -> NspError {
    NspError {
        line,
        kind: NspErrorKind::BadField {
            field,
            expected,
            found: found.to_owned(),
        },
    }
}

fn uint(line: usize, field: &'static str, s: &str) -> Result<u32, NspError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(line, field, "a non-negative integer", s));
    }
    s.parse()
        .map_err(|_| bad(line, field, "a non-negative integer", s))
}

/// A signed integer that must not be negative (`-0` is 0, as in Instance15).
fn signed_count(line: usize, field: &'static str, s: &str) -> Result<u32, NspError> {
    let v: i64 = s.parse().map_err(|_| bad(line, field, "an integer", s))?;
    u32::try_from(v).map_err(|_| bad(line, field, "a requirement of 0 or more", s))
}

fn fields<'t>(
    line: usize,
    text: &'t str,
    expected: &'static str,
    n: usize,
) -> Result<Vec<&'t str>, NspError> {
    let f: Vec<&str> = text.split(',').collect();
    if f.len() != n {
        return Err(NspError {
            line,
            kind: NspErrorKind::FieldCount {
                expected: expected.to_owned(),
                found: f.len(),
            },
        });
    }
    Ok(f)
}

/// Parses an instance file.
///
/// # Errors
/// An [`NspError`] with the line number: unknown or repeated sections, rows
/// with the wrong number of fields, non-numeric values, references to shift
/// types or employees that do not exist, days outside the horizon, missing
/// sections (line 0).
pub fn parse(text: &str) -> Result<NspInstance, NspError> {
    let mut horizon: Option<usize> = None;
    let mut shifts: Vec<NspShift> = Vec::new();
    let mut follow_lines: Vec<usize> = Vec::new();
    let mut staff: Vec<NspStaff> = Vec::new();
    let mut days_off = Vec::new();
    let mut on_requests = Vec::new();
    let mut off_requests = Vec::new();
    let mut cover = Vec::new();
    let mut seen: BTreeSet<Section> = BTreeSet::new();
    let mut section: Option<Section> = None;
    // Rows that refer to shifts/employees, checked once everything is read.
    let mut staff_lines = Vec::new();
    let mut ref_lines: Vec<(usize, Section, usize)> = Vec::new();

    for (i, raw) in text.split('\n').enumerate() {
        let line_no = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw).trim();
        if let Some(c) = line
            .chars()
            .find(|c| !c.is_ascii() || (c.is_ascii_control() && *c != '\t'))
        {
            return Err(NspError {
                line: line_no,
                kind: NspErrorKind::NotAscii(c),
            });
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with("SECTION_") {
            let s = Section::parse(line).ok_or_else(|| NspError {
                line: line_no,
                kind: NspErrorKind::UnknownSection(line.to_owned()),
            })?;
            if !seen.insert(s) {
                return Err(NspError {
                    line: line_no,
                    kind: NspErrorKind::DuplicateSection(line.to_owned()),
                });
            }
            section = Some(s);
            continue;
        }
        let Some(s) = section else {
            return Err(NspError {
                line: line_no,
                kind: NspErrorKind::OutsideSection,
            });
        };
        match s {
            Section::Horizon => {
                if horizon.is_some() {
                    return Err(bad(line_no, "horizon", "a single number of days", line));
                }
                let h = uint(line_no, "horizon", line)? as usize;
                if !(1..=usize::from(super::compile::MAX_DAYS)).contains(&h) {
                    return Err(bad(line_no, "horizon", "1 to 400 days", line));
                }
                horizon = Some(h);
            }
            Section::Shifts => {
                let f = fields(line_no, line, "3 (ID, length, cannot-follow list)", 3)?;
                let id = f[0].to_owned();
                if id.is_empty() {
                    return Err(bad(line_no, "shift id", "a non-empty id", f[0]));
                }
                if shifts.iter().any(|s| s.id == id) {
                    return Err(NspError {
                        line: line_no,
                        kind: NspErrorKind::Duplicate {
                            what: "shift type",
                            id,
                        },
                    });
                }
                let minutes = uint(line_no, "length", f[1])?;
                if !(1..=1440).contains(&minutes) {
                    return Err(bad(line_no, "length", "1 to 1440 minutes", f[1]));
                }
                let cannot_follow = if f[2].is_empty() {
                    Vec::new()
                } else {
                    f[2].split('|').map(str::to_owned).collect()
                };
                shifts.push(NspShift {
                    id,
                    minutes,
                    cannot_follow,
                });
                follow_lines.push(line_no);
            }
            Section::Staff => {
                let f = fields(
                    line_no,
                    line,
                    "8 (ID, MaxShifts, MaxTotalMinutes, MinTotalMinutes, MaxConsecutiveShifts, MinConsecutiveShifts, MinConsecutiveDaysOff, MaxWeekends)",
                    8,
                )?;
                let id = f[0].to_owned();
                if id.is_empty() {
                    return Err(bad(line_no, "employee id", "a non-empty id", f[0]));
                }
                if staff.iter().any(|s| s.id == id) {
                    return Err(NspError {
                        line: line_no,
                        kind: NspErrorKind::Duplicate {
                            what: "employee",
                            id,
                        },
                    });
                }
                let mut max_shifts = Vec::new();
                if !f[1].is_empty() {
                    for part in f[1].split('|') {
                        let (sid, n) = part
                            .split_once('=')
                            .ok_or_else(|| bad(line_no, "MaxShifts", "ShiftID=n pairs", part))?;
                        max_shifts.push((sid.to_owned(), uint(line_no, "MaxShifts", n)?));
                    }
                }
                staff.push(NspStaff {
                    id,
                    max_shifts,
                    max_total_minutes: uint(line_no, "MaxTotalMinutes", f[2])?,
                    min_total_minutes: uint(line_no, "MinTotalMinutes", f[3])?,
                    max_consecutive: uint(line_no, "MaxConsecutiveShifts", f[4])?,
                    min_consecutive: uint(line_no, "MinConsecutiveShifts", f[5])?,
                    min_consecutive_off: uint(line_no, "MinConsecutiveDaysOff", f[6])?,
                    max_weekends: uint(line_no, "MaxWeekends", f[7])?,
                });
                staff_lines.push(line_no);
            }
            Section::DaysOff => {
                let f: Vec<&str> = line.split(',').collect();
                let mut d = Vec::new();
                for x in f.iter().skip(1) {
                    d.push(uint(line_no, "day", x)? as usize);
                }
                ref_lines.push((line_no, s, days_off.len()));
                days_off.push((f[0].to_owned(), d));
            }
            Section::OnRequests | Section::OffRequests => {
                let f = fields(line_no, line, "4 (EmployeeID, Day, ShiftID, Weight)", 4)?;
                let r = NspRequest {
                    employee: f[0].to_owned(),
                    day: uint(line_no, "day", f[1])? as usize,
                    shift: f[2].to_owned(),
                    weight: uint(line_no, "weight", f[3])?,
                };
                let list = if s == Section::OnRequests {
                    &mut on_requests
                } else {
                    &mut off_requests
                };
                ref_lines.push((line_no, s, list.len()));
                list.push(r);
            }
            Section::Cover => {
                let f = fields(
                    line_no,
                    line,
                    "5 (Day, ShiftID, Requirement, Weight for under, Weight for over)",
                    5,
                )?;
                ref_lines.push((line_no, s, cover.len()));
                cover.push(NspCover {
                    day: uint(line_no, "day", f[0])? as usize,
                    shift: f[1].to_owned(),
                    requirement: signed_count(line_no, "requirement", f[2])?,
                    under_weight: uint(line_no, "weight for under", f[3])?,
                    over_weight: uint(line_no, "weight for over", f[4])?,
                });
            }
        }
    }

    for (name, s) in [
        ("SECTION_HORIZON", Section::Horizon),
        ("SECTION_SHIFTS", Section::Shifts),
        ("SECTION_STAFF", Section::Staff),
        ("SECTION_COVER", Section::Cover),
    ] {
        if !seen.contains(&s) {
            return Err(NspError {
                line: 0,
                kind: NspErrorKind::MissingSection(name),
            });
        }
    }
    let horizon = horizon.ok_or(NspError {
        line: 0,
        kind: NspErrorKind::MissingSection("SECTION_HORIZON"),
    })?;

    let shift_ids: BTreeSet<&str> = shifts.iter().map(|s| s.id.as_str()).collect();
    let staff_ids: BTreeSet<&str> = staff.iter().map(|s| s.id.as_str()).collect();
    let shift_ok = |line: usize, id: &str| {
        if shift_ids.contains(id) {
            Ok(())
        } else {
            Err(NspError {
                line,
                kind: NspErrorKind::UnknownShift(id.to_owned()),
            })
        }
    };
    let staff_ok = |line: usize, id: &str| {
        if staff_ids.contains(id) {
            Ok(())
        } else {
            Err(NspError {
                line,
                kind: NspErrorKind::UnknownEmployee(id.to_owned()),
            })
        }
    };
    let day_ok = |line: usize, day: usize| {
        if day < horizon {
            Ok(())
        } else {
            Err(NspError {
                line,
                kind: NspErrorKind::DayOutOfRange { day, horizon },
            })
        }
    };
    for (s, &line) in shifts.iter().zip(&follow_lines) {
        for t in &s.cannot_follow {
            shift_ok(line, t)?;
        }
    }
    for (e, &line) in staff.iter().zip(&staff_lines) {
        for (sid, _) in &e.max_shifts {
            shift_ok(line, sid)?;
        }
    }
    for &(line, s, i) in &ref_lines {
        match s {
            Section::DaysOff => {
                let (e, ds) = &days_off[i];
                staff_ok(line, e)?;
                for &d in ds {
                    day_ok(line, d)?;
                }
            }
            Section::OnRequests | Section::OffRequests => {
                let r: &NspRequest = if s == Section::OnRequests {
                    &on_requests[i]
                } else {
                    &off_requests[i]
                };
                staff_ok(line, &r.employee)?;
                day_ok(line, r.day)?;
                shift_ok(line, &r.shift)?;
            }
            _ => {
                let c: &NspCover = &cover[i];
                day_ok(line, c.day)?;
                shift_ok(line, &c.shift)?;
            }
        }
    }
    Ok(NspInstance {
        horizon,
        shifts,
        staff,
        days_off,
        on_requests,
        off_requests,
        cover,
    })
}

fn id<T: TryFrom<String, Error = String>>(s: &str) -> crate::Result<T> {
    T::try_from(s.to_owned()).map_err(|m| {
        crate::Error::invalid(
            "NSP instance",
            vec![Issue::new(
                "",
                crate::wire::render_str(s),
                IssueCode::InvalidValue,
                m,
            )],
        )
    })
}

impl NspInstance {
    /// The instance as a roster request: an estate with one post (`ward`),
    /// the instance's shift types (starting at midnight, as long as the
    /// instance says) and its employees as staff; one contract per employee;
    /// days off as leave; requests; the cover as dated demand. Labour-law,
    /// fairness and rest-by-clock rules are switched off and the instance's
    /// "cannot follow" lists become forbidden successions, so the request
    /// scores exactly the published objective.
    ///
    /// # Errors
    /// `invalid_input` if an id of the instance is not a valid Steward id.
    pub fn to_request(&self, name: &str) -> crate::Result<RosterRequest> {
        let slug: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let mut estate = Estate::new(
            id::<EstateId>(&format!("nsp-{slug}"))?,
            format!("Curtois-Qu {name}"),
            Company {
                name: "Curtois-Qu nurse rostering benchmark".into(),
                branch: "schedulingbenchmarks.org".into(),
                party_branch: None,
            },
        );
        for s in &self.shifts {
            let end = s.minutes % 1440;
            estate.shift_types.push(ShiftType {
                id: id::<ShiftTypeId>(&s.id)?,
                name: s.id.clone(),
                start: TimeOfDay::MIDNIGHT,
                end: TimeOfDay::from_hm((end / 60) as u16, (end % 60) as u16)
                    .unwrap_or(TimeOfDay::MIDNIGHT),
                break_minutes: 0,
            });
        }
        estate.posts.push(Post {
            id: id::<PostId>(POST)?,
            name: "Ward (benchmark cover)".into(),
            kind: PostKind::ServiceDesk,
            building: None,
            required_skill: None,
            volunteers_allowed: false,
            coverage: Vec::new(),
        });
        let mut contracts = Vec::new();
        for e in &self.staff {
            let sid = id::<StaffId>(&e.id)?;
            estate.staff.push(StaffMember {
                id: sid.clone(),
                name: Personal::new(e.id.clone()),
                phone: None,
                role: StaffRole::Supervisor,
                skills: BTreeSet::new(),
                party_member: false,
                hours_system: HoursSystem::Standard,
                base_building: None,
                max_open_orders: 3,
                employed_since: None,
            });
            let mut max_shifts = BTreeMap::new();
            for (s, n) in &e.max_shifts {
                max_shifts.insert(id::<ShiftTypeId>(s)?, u16::try_from(*n).unwrap_or(u16::MAX));
            }
            let small = |n: u32| u16::try_from(n).unwrap_or(u16::MAX);
            contracts.push(Contract {
                id: format!("nsp-{}", e.id),
                staff: vec![sid],
                hours_system: None,
                max_shifts,
                min_minutes: Some(e.min_total_minutes),
                max_minutes: Some(e.max_total_minutes),
                max_consecutive_days: Some(small(e.max_consecutive)),
                min_consecutive_days: Some(small(e.min_consecutive)),
                min_consecutive_days_off: Some(small(e.min_consecutive_off)),
                max_weekends: Some(small(e.max_weekends)),
            });
        }
        let date = |d: usize| START + chrono::Days::new(d as u64);
        let mut leave = Vec::new();
        for (e, ds) in &self.days_off {
            for &d in ds {
                leave.push(Leave {
                    person: e.clone(),
                    from: date(d),
                    until: date(d),
                    kind: LeaveKind::DayOff,
                });
            }
        }
        let mut requests = Vec::new();
        for (list, kind) in [
            (&self.on_requests, RequestKind::On),
            (&self.off_requests, RequestKind::Off),
        ] {
            for r in list.iter().filter(|r| r.weight > 0) {
                requests.push(ShiftRequest {
                    person: r.employee.clone(),
                    date: date(r.day),
                    kind,
                    shift: Some(id::<ShiftTypeId>(&r.shift)?),
                    post: None,
                    weight: r.weight,
                });
            }
        }
        let post = id::<PostId>(POST)?;
        let mut demand = Vec::new();
        for c in &self.cover {
            demand.push(DatedDemand {
                date: date(c.day),
                post: post.clone(),
                shift: id::<ShiftTypeId>(&c.shift)?,
                headcount: u16::try_from(c.requirement).unwrap_or(u16::MAX),
                under_weight: Some(c.under_weight),
                over_weight: Some(c.over_weight),
            });
        }
        let mut config = RosterConfig::default();
        for rule in [
            RuleId::MinRest,
            RuleId::WeeklyRestDay,
            RuleId::DailyHoursCap,
            RuleId::Overtime,
            RuleId::OvertimeCap,
            RuleId::FairNights,
            RuleId::FairWeekends,
            RuleId::FairHolidays,
            RuleId::PartyMemberOnGate,
        ] {
            config.rules.insert(
                rule.as_str().to_owned(),
                RuleOverride {
                    level: Some(Level::Off),
                    weight: None,
                },
            );
        }
        for (rule, w) in [(RuleId::CoverageUnder, 100), (RuleId::CoverageOver, 1)] {
            config.rules.insert(
                rule.as_str().to_owned(),
                RuleOverride {
                    level: None,
                    weight: Some(w),
                },
            );
        }
        for s in &self.shifts {
            for t in &s.cannot_follow {
                config.forbidden_successions.push(Succession {
                    from: id::<ShiftTypeId>(&s.id)?,
                    to: id::<ShiftTypeId>(t)?,
                });
            }
        }
        Ok(RosterRequest {
            schema: SOLVE_REQUEST.to_owned(),
            estate,
            horizon: Horizon {
                from: START,
                days: u16::try_from(self.horizon).unwrap_or(u16::MAX),
            },
            config,
            contracts,
            leave,
            requests,
            holidays: Vec::new(),
            demand,
            pinned: Vec::new(),
            assignments: Vec::new(),
            disruptions: Vec::new(),
            limits: Default::default(),
            seed: 0,
        })
    }

    /// The instance compiled for the solver.
    pub(crate) fn problem(&self, name: &str) -> crate::Result<super::problem::Problem> {
        super::compile::compile(&self.to_request(name)?, &Default::default())
    }

    /// Scores a roster exactly as the benchmark defines it, from the
    /// instance alone (independent of the roster engine).
    ///
    /// `roster` maps each employee id to one entry per day: a shift id, or
    /// `""` for a day off.
    ///
    /// # Errors
    /// `invalid_input` if an employee is missing or unknown, a row has the
    /// wrong length, or a shift id is unknown.
    pub fn evaluate(&self, roster: &BTreeMap<String, Vec<String>>) -> crate::Result<NspScore> {
        let h = self.horizon;
        let mut issues = Vec::new();
        let shift_ix: BTreeMap<&str, usize> = self
            .shifts
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect();
        for e in roster.keys() {
            if !self.staff.iter().any(|s| &s.id == e) {
                issues.push(Issue::new(
                    format!("roster.{e}"),
                    crate::wire::render_str(e),
                    IssueCode::DanglingReference,
                    format!("employee {e:?} is not in the instance"),
                ));
            }
        }
        // x[i][d] = Some(shift index) or None.
        let mut x: Vec<Vec<Option<usize>>> = Vec::new();
        for e in &self.staff {
            let Some(row) = roster.get(&e.id) else {
                issues.push(Issue::new(
                    format!("roster.{}", e.id),
                    String::new(),
                    IssueCode::MissingField,
                    format!("employee {:?} has no row", e.id),
                ));
                continue;
            };
            if row.len() != h {
                issues.push(Issue::new(
                    format!("roster.{}", e.id),
                    row.len().to_string(),
                    IssueCode::InvalidLength,
                    format!("expected {h} days, found {}", row.len()),
                ));
                continue;
            }
            let mut r = Vec::with_capacity(h);
            for (d, cell) in row.iter().enumerate() {
                if cell.is_empty() {
                    r.push(None);
                } else if let Some(&t) = shift_ix.get(cell.as_str()) {
                    r.push(Some(t));
                } else {
                    issues.push(Issue::new(
                        format!("roster.{}[{d}]", e.id),
                        crate::wire::render_str(cell),
                        IssueCode::DanglingReference,
                        format!("shift type {cell:?} is not in the instance"),
                    ));
                    r.push(None);
                }
            }
            x.push(r);
        }
        if !issues.is_empty() {
            return Err(crate::Error::invalid("NSP roster", issues));
        }

        let mut hard = Vec::new();
        let works = |i: usize, d: usize| x[i][d].is_some();
        for (i, e) in self.staff.iter().enumerate() {
            // 2. Shift rotation.
            for d in 0..h.saturating_sub(1) {
                if let (Some(s), Some(t)) = (x[i][d], x[i][d + 1])
                    && self.shifts[s].cannot_follow.contains(&self.shifts[t].id)
                {
                    hard.push(format!(
                        "{}: {} on day {d} then {} on day {}",
                        e.id,
                        self.shifts[s].id,
                        self.shifts[t].id,
                        d + 1
                    ));
                }
            }
            // 3. Maximum shifts of each type.
            for (sid, max) in &e.max_shifts {
                let n = (0..h)
                    .filter(|&d| x[i][d].is_some_and(|t| &self.shifts[t].id == sid))
                    .count();
                if n as u64 > u64::from(*max) {
                    hard.push(format!("{}: {n} shifts of {sid}, max {max}", e.id));
                }
            }
            // 4. Total minutes.
            let minutes: u64 = (0..h)
                .filter_map(|d| x[i][d])
                .map(|t| u64::from(self.shifts[t].minutes))
                .sum();
            if minutes > u64::from(e.max_total_minutes) || minutes < u64::from(e.min_total_minutes)
            {
                hard.push(format!(
                    "{}: {minutes} minutes outside {}..{}",
                    e.id, e.min_total_minutes, e.max_total_minutes
                ));
            }
            // 5. Maximum consecutive shifts: every window of c_max + 1 days has a day off.
            let cmax = e.max_consecutive as usize;
            for d in 0..h {
                if d + cmax < h && (d..=d + cmax).all(|j| works(i, j)) {
                    hard.push(format!(
                        "{}: more than {cmax} shifts in a row from day {d}",
                        e.id
                    ));
                }
            }
            // 6. Minimum consecutive shifts (IP form; runs touching the ends exempt).
            // Runs longer than the horizon cannot exist: bound the loop by
            // it, not by the limit (which may be huge; fuzzing found 8 s
            // spent on an empty loop for a limit of 888,888,881).
            let cmin = (e.min_consecutive as usize).min(h);
            for k in 1..cmin {
                for d in 0..h.saturating_sub(k + 1) {
                    let inner = (d + 1..=d + k).filter(|&j| works(i, j)).count();
                    if !works(i, d) && inner == k && !works(i, d + k + 1) {
                        hard.push(format!(
                            "{}: only {k} shift(s) in a row from day {}",
                            e.id,
                            d + 1
                        ));
                    }
                }
            }
            // 7. Minimum consecutive days off.
            let omin = (e.min_consecutive_off as usize).min(h);
            for k in 1..omin {
                for d in 0..h.saturating_sub(k + 1) {
                    let inner = (d + 1..=d + k).filter(|&j| !works(i, j)).count();
                    if works(i, d) && inner == k && works(i, d + k + 1) {
                        hard.push(format!(
                            "{}: only {k} day(s) off in a row from day {}",
                            e.id,
                            d + 1
                        ));
                    }
                }
            }
            // 8. Weekends.
            let weekends = (0..h / 7)
                .filter(|k| works(i, 7 * k + 5) || works(i, 7 * k + 6))
                .count();
            if weekends as u64 > u64::from(e.max_weekends) {
                hard.push(format!(
                    "{}: {weekends} weekends, max {}",
                    e.id, e.max_weekends
                ));
            }
        }
        // 9. Days off.
        for (emp, ds) in &self.days_off {
            if let Some(i) = self.staff.iter().position(|s| &s.id == emp) {
                for &d in ds {
                    if works(i, d) {
                        hard.push(format!("{emp}: works on day off {d}"));
                    }
                }
            }
        }

        let index = |emp: &str| self.staff.iter().position(|s| s.id == emp);
        let mut requests = 0u64;
        for r in &self.on_requests {
            if let Some(i) = index(&r.employee)
                && x[i][r.day].map(|t| self.shifts[t].id.as_str()) != Some(r.shift.as_str())
            {
                requests += u64::from(r.weight);
            }
        }
        for r in &self.off_requests {
            if let Some(i) = index(&r.employee)
                && x[i][r.day].map(|t| self.shifts[t].id.as_str()) == Some(r.shift.as_str())
            {
                requests += u64::from(r.weight);
            }
        }
        let mut cover = 0u64;
        for c in &self.cover {
            let n = (0..x.len())
                .filter(|&i| x[i][c.day].is_some_and(|t| self.shifts[t].id == c.shift))
                .count() as u64;
            let req = u64::from(c.requirement);
            if n < req {
                cover += (req - n) * u64::from(c.under_weight);
            } else {
                cover += (n - req) * u64::from(c.over_weight);
            }
        }
        Ok(NspScore {
            objective: requests + cover,
            requests,
            cover,
            hard_violations: hard.len(),
            hard,
        })
    }
}

/// A solved instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NspSolution {
    /// One row per employee, in the instance's order: a shift id per day, `""` for off.
    pub roster: Vec<(String, Vec<String>)>,
    /// The engine's score of it (soft = the objective when feasible).
    pub score: super::Score,
    /// Moves tried.
    pub moves: u64,
    /// Why the search stopped.
    pub stopped_by: String,
}

impl NspSolution {
    /// The roster as a map from employee id to row.
    pub fn rows(&self) -> BTreeMap<String, Vec<String>> {
        self.roster.iter().cloned().collect()
    }
}

/// Solves an instance with the roster engine (the instance mapped by
/// [`NspInstance::to_request`]) for `seconds` of wall-clock time, with
/// `threads` searches side by side (they share their best roster at 60% of
/// the time, and the best roster wins; see [`super::Limits::threads`]).
///
/// # Errors
/// As [`NspInstance::to_request`].
pub fn solve(
    inst: &NspInstance,
    name: &str,
    seconds: f64,
    seed: u64,
    threads: usize,
    hooks: super::Hooks<'_>,
) -> crate::Result<NspSolution> {
    let started = std::time::Instant::now();
    let pb = inst.problem(name)?;
    let init = vec![super::problem::OFF; pb.people.len() * pb.days];
    let out = super::search::run(
        &pb,
        init,
        super::search::Budget {
            moves: None,
            seconds: Some(seconds),
            seed,
            started,
            threads,
        },
        hooks,
        true,
    );
    // Rows in the instance's order of employees.
    let index: BTreeMap<&str, usize> = pb
        .people
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let roster = inst
        .staff
        .iter()
        .map(|e| {
            let p = index.get(e.id.as_str()).copied().unwrap_or(0);
            let row = (0..pb.days)
                .map(|d| {
                    pb.shift_of(out.x[p * pb.days + d])
                        .map_or_else(String::new, |s| pb.shifts[s].id.clone())
                })
                .collect();
            (e.id.clone(), row)
        })
        .collect();
    Ok(NspSolution {
        roster,
        score: out.score,
        moves: out.moves,
        stopped_by: out.stopped_by.to_owned(),
    })
}

/// A roster's score under the benchmark's definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NspScore {
    /// The published objective (total penalty).
    pub objective: u64,
    /// The part from shift-on and shift-off requests.
    pub requests: u64,
    /// The part from cover.
    pub cover: u64,
    /// Number of hard constraint violations (0 = feasible).
    pub hard_violations: usize,
    /// What each hard violation is.
    pub hard: Vec<String>,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small instance in the format (LF endings).
    pub(crate) const SMALL: &str = "# comment\nSECTION_HORIZON\n14\n\nSECTION_SHIFTS\nD,480,\nN,480,D\n\nSECTION_STAFF\nA,D=14|N=3,4800,960,5,2,2,1\nB,D=14|N=0,4800,0,5,1,1,2\nC,D=14|N=14,4800,0,5,1,1,2\n\nSECTION_DAYS_OFF\nA,0\n\nSECTION_SHIFT_ON_REQUESTS\nB,3,D,2\n\nSECTION_SHIFT_OFF_REQUESTS\nC,4,N,3\n\nSECTION_COVER\n0,D,1,100,1\n1,D,2,100,1\n2,N,1,100,1\n5,D,-0,100,1\n";

    /// Benchmark instance `n` from `../shared` as a roster problem (the
    /// small instance above when the shared data is absent).
    pub(crate) fn problem(n: usize) -> crate::roster::problem::Problem {
        let text = std::fs::read_to_string(format!(
            "{}/../../shared/benchmarks/nsp/Instance{n}.txt",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap_or_else(|_| SMALL.to_owned());
        let inst = parse(&text).unwrap();
        inst.problem(&format!("Instance{n}")).unwrap()
    }

    #[test]
    fn parses_crlf_comments_and_minus_zero() {
        let crlf = SMALL.replace('\n', "\r\n");
        let a = parse(SMALL).unwrap();
        let b = parse(&crlf).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.horizon, 14);
        assert_eq!(a.shifts[1].cannot_follow, vec!["D".to_owned()]);
        assert_eq!(
            a.staff[0].max_shifts,
            vec![("D".into(), 14), ("N".into(), 3)]
        );
        assert_eq!(a.cover[3].requirement, 0);
        assert_eq!(a.days_off, vec![("A".to_owned(), vec![0])]);
    }

    /// Fuzzing regression: a huge minimum run length (here u32::MAX) made
    /// `evaluate` loop over every length up to it.
    #[test]
    fn huge_minimum_runs_are_bounded_by_the_horizon() {
        let text = SMALL.replace(
            "B,D=14|N=0,4800,0,5,1,1,2",
            "B,D=14|N=0,4800,0,5,4294967295,4294967295,2",
        );
        let inst = parse(&text).unwrap();
        let mut roster: BTreeMap<String, Vec<String>> = inst
            .staff
            .iter()
            .map(|s| (s.id.clone(), vec![String::new(); inst.horizon]))
            .collect();
        if let Some(b) = roster.get_mut("B") {
            b[3] = "D".into(); // one shift: a run shorter than the minimum
        }
        let score = inst.evaluate(&roster).unwrap();
        assert!(
            score
                .hard
                .iter()
                .any(|v| v.starts_with("B: only 1 shift(s) in a row")),
            "{:?}",
            score.hard
        );
    }

    #[test]
    fn errors_name_the_line() {
        let cases: &[(&str, usize, &str)] = &[
            (
                "SECTION_HORIZON\nx\n",
                2,
                "horizon: expected a non-negative integer, found \"x\"",
            ),
            ("7\n", 1, "data outside any section"),
            (
                "SECTION_HORIZON\n7\nSECTION_WARD\n",
                3,
                "unknown section \"SECTION_WARD\"",
            ),
            (
                "SECTION_HORIZON\n7\nSECTION_SHIFTS\nD,480\n",
                4,
                "expected 3 (ID, length, cannot-follow list) comma-separated fields, found 2",
            ),
            (
                "SECTION_HORIZON\n7\nSECTION_SHIFTS\nD,480,N\nSECTION_STAFF\nSECTION_COVER\n",
                4,
                "unknown shift type \"N\"",
            ),
            (
                "SECTION_HORIZON\n7\nSECTION_SHIFTS\nD,480,\nSECTION_STAFF\nSECTION_COVER\n7,D,1,100,1\n",
                7,
                "day 7 is outside the horizon of 7 days",
            ),
            (
                "SECTION_HORIZON\n7\nSECTION_SHIFTS\nD,480,\nSECTION_STAFF\nSECTION_COVER\n0,D,-1,100,1\n",
                7,
                "requirement: expected a requirement of 0 or more, found \"-1\"",
            ),
            (
                "SECTION_HORIZON\n7\n",
                0,
                "section SECTION_SHIFTS is missing",
            ),
        ];
        for (text, line, message) in cases {
            let e = parse(text).unwrap_err();
            assert_eq!(
                (e.line, e.kind.to_string().as_str()),
                (*line, *message),
                "{text:?}"
            );
        }
        let e: crate::Error = parse("SECTION_HORIZON\nx\n").unwrap_err().into();
        assert_eq!(e.issues()[0].path, "line 2");
        assert_eq!(e.issues()[0].value, "\"x\"");
        assert_eq!(
            e.message(),
            "invalid NSP instance: line 2: horizon: expected a non-negative integer, found \"x\""
        );
    }

    /// A roster of Instance1 built by hand (day 0 is a Monday; `#` works
    /// the only shift type, D). Every row respects the hard rules: 7 to 9
    /// shifts (3360 to 4320 minutes), runs of 2 to 5 shifts, rests of at
    /// least 2 days inside the horizon, at most one weekend (days 5-6 and
    /// 12-13) and the days off (A 0, B 5, C 8, D 2, E 9, F 5, G 1, H 7).
    const INSTANCE1_BY_HAND: [(&str, &str); 8] = [
        //       days 0123456789abcd
        ("A", ".####..#####.."), // 9 shifts, no weekend
        ("B", "#####..####..."), // 9, none
        ("C", "#####.....####"), // 9, weekend 2
        ("D", "##..#####....."), // 7, weekend 1
        ("E", "####...##..###"), // 9, weekend 2
        ("F", "####...#####.."), // 9, none
        ("G", "..#####..###.."), // 8, weekend 1
        ("H", "####.....#####"), // 9, weekend 2
    ];

    fn rows(by_hand: &[(&str, &str)]) -> BTreeMap<String, Vec<String>> {
        by_hand
            .iter()
            .map(|(e, r)| {
                let row = r
                    .chars()
                    .map(|c| if c == '#' { "D".into() } else { String::new() })
                    .collect();
                ((*e).to_owned(), row)
            })
            .collect()
    }

    fn instance1() -> NspInstance {
        let path = format!(
            "{}/../../shared/benchmarks/nsp/Instance1.txt",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path)
            .expect("the shared benchmark data is next to the repository");
        parse(&text).unwrap()
    }

    /// The objective of the hand-built roster, computed by hand:
    ///
    /// Cover (people working / required, per day 0..13):
    ///   6/5 7/7 7/6 7/4 5/5 2/5 2/5 5/6 5/7 5/4 6/2 6/5 3/6 3/4
    ///   over:  day 0 +1, 2 +1, 3 +3, 9 +1, 10 +4, 11 +1   = 11 x 1   =   11
    ///   under: day 5 3, 6 3, 7 1, 8 2, 12 3, 13 1        = 13 x 100 = 1300
    /// Shift-on requests not granted: D on day 9 (weight 2)            =    2
    ///   (A 2-3, B 0-4, C 0-4, D 8, F 0-1, H 9-13 are all worked)
    /// Shift-off requests not granted: C 12 (1), C 13 (1), F 8 (3),
    ///   H 2 (3), H 3 (3)                                               =   11
    /// Objective = 11 + 1300 + 2 + 11 = 1324.
    #[test]
    fn a_hand_built_instance1_roster_scores_1324_in_both_evaluators() {
        let inst = instance1();
        let score = inst.evaluate(&rows(&INSTANCE1_BY_HAND)).unwrap();
        assert_eq!(score.hard, Vec::<String>::new());
        assert_eq!(
            (score.objective, score.requests, score.cover),
            (1324, 13, 1311)
        );

        // The roster engine's evaluator, on the mapped request, agrees.
        let mut req = inst.to_request("Instance1").unwrap();
        req.schema = super::super::EVALUATE_REQUEST.into();
        for (e, r) in INSTANCE1_BY_HAND {
            for (d, c) in r.chars().enumerate() {
                if c == '#' {
                    req.assignments.push(super::super::Assignment {
                        date: START + chrono::Days::new(d as u64),
                        person: e.into(),
                        post: PostId::try_from(POST.to_owned()).unwrap(),
                        shift: ShiftTypeId::try_from("D".to_owned()).unwrap(),
                    });
                }
            }
        }
        let resp = super::super::evaluate(&req).unwrap();
        assert_eq!(
            resp.score,
            super::super::Score {
                hard: 0,
                soft: 1324
            }
        );

        // One shift on a day off, and a run of one: both evaluators see it.
        let mut broken = INSTANCE1_BY_HAND;
        broken[0] = ("A", "#####..#####..");
        let score = inst.evaluate(&rows(&broken)).unwrap();
        assert_eq!(score.hard_violations, 2, "{:?}", score.hard); // day off 0, 10 shifts
        broken[0] = ("A", ".####..#.###..");
        let score = inst.evaluate(&rows(&broken)).unwrap();
        assert_eq!(
            score.hard,
            vec![
                "A: only 1 shift(s) in a row from day 7".to_owned(),
                "A: only 1 day(s) off in a row from day 8".to_owned()
            ]
        );
    }

    #[test]
    fn maps_into_a_valid_roster_request() {
        let inst = parse(SMALL).unwrap();
        let req = inst.to_request("Small").unwrap();
        assert_eq!(req.estate.staff.len(), 3);
        assert_eq!(
            req.contracts[1]
                .max_shifts
                .values()
                .copied()
                .collect::<Vec<_>>(),
            vec![14, 0]
        );
        assert_eq!(req.demand.len(), 4);
        let pb = inst.problem("Small").unwrap();
        assert_eq!(pb.acts.len(), 2);
        assert_eq!(pb.shifts[1].minutes, 480);
        // N may not be followed by D.
        assert_eq!(pb.succession_units(1, 0), (0, 1));
    }
}
