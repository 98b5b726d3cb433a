//! Rules every estate must satisfy; all issues are collected before failing.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;

use crate::wire::render_str;
use crate::{Error, Issue, IssueCode, Result};

use super::*;

/// Longest name or title, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest free text (descriptions, comments), in characters.
pub const MAX_TEXT_CHARS: usize = 4000;

pub(crate) struct Checker {
    pub(crate) issues: Vec<Issue>,
}

/// What records exist, for checking references. Built from a whole estate, or
/// by the store from just the records one new order or rating refers to.
#[derive(Debug, Default)]
pub(crate) struct Index {
    pub(crate) buildings: BTreeSet<BuildingId>,
    pub(crate) households: BTreeMap<HouseholdId, BuildingId>,
    pub(crate) residents: BTreeSet<ResidentId>,
    pub(crate) staff: BTreeSet<StaffId>,
    pub(crate) stakeholders: BTreeSet<StakeholderId>,
    pub(crate) orders: BTreeMap<WorkOrderId, chrono::DateTime<chrono::FixedOffset>>,
    /// When each order was first resolved, if it was.
    pub(crate) resolved: BTreeMap<WorkOrderId, chrono::DateTime<chrono::FixedOffset>>,
    pub(crate) dimensions: BTreeSet<DimensionId>,
    pub(crate) household_count: usize,
}

impl Index {
    fn of(estate: &Estate) -> Index {
        Index {
            buildings: estate.buildings.iter().map(|b| b.id.clone()).collect(),
            households: estate
                .households
                .iter()
                .map(|h| (h.id.clone(), h.building.clone()))
                .collect(),
            residents: estate.residents.iter().map(|r| r.id.clone()).collect(),
            staff: estate.staff.iter().map(|s| s.id.clone()).collect(),
            stakeholders: estate.stakeholders.iter().map(|s| s.id.clone()).collect(),
            orders: estate
                .work_orders
                .iter()
                .map(|w| (w.id.clone(), w.reported_at))
                .collect(),
            resolved: estate
                .work_orders
                .iter()
                .filter_map(|w| w.first_resolved_at().map(|t| (w.id.clone(), t)))
                .collect(),
            dimensions: estate.dimensions.iter().map(|d| d.id.clone()).collect(),
            household_count: estate.households.len(),
        }
    }
}

/// Runs `check` on a fresh checker and turns its issues into an error about `what`.
pub(crate) fn checked(what: &str, check: impl FnOnce(&mut Checker)) -> Result<()> {
    let mut c = Checker { issues: Vec::new() };
    check(&mut c);
    if c.issues.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid(what, c.issues))
    }
}

fn join(prefix: &str, field: &str) -> String {
    if prefix.is_empty() {
        field.to_owned()
    } else {
        format!("{prefix}.{field}")
    }
}

impl Checker {
    fn push(&mut self, path: String, value: String, code: IssueCode, message: String) {
        self.issues.push(Issue::new(path, value, code, message));
    }

    /// A name or title: not blank, at most `max` characters. Personal names pass
    /// `personal = true` so their value is never copied into the issue.
    fn text(&mut self, path: impl Fn() -> String, s: &str, max: usize, personal: bool) {
        let n = s.chars().count();
        let shown = if personal {
            String::new()
        } else {
            render_str(s)
        };
        if s.trim().is_empty() {
            self.push(
                path(),
                shown,
                IssueCode::InvalidText,
                "expected a non-blank text".into(),
            );
        } else if n > max {
            self.push(
                path(),
                shown,
                IssueCode::InvalidText,
                format!("expected at most {max} characters, found {n}"),
            );
        }
    }

    fn range<T: PartialOrd + Display + Copy>(
        &mut self,
        path: impl Fn() -> String,
        v: T,
        lo: T,
        hi: T,
        what: &str,
    ) {
        if v < lo || v > hi {
            self.push(
                path(),
                v.to_string(),
                IssueCode::OutOfRange,
                format!("expected {what} from {lo} to {hi}, found {v}"),
            );
        }
    }

    fn reference<K: Ord + AsRef<str>>(
        &mut self,
        path: impl Fn() -> String,
        exists: bool,
        id: &K,
        kind: &str,
    ) {
        if !exists {
            self.push(
                path(),
                render_str(id.as_ref()),
                IssueCode::DanglingReference,
                format!("{kind} {:?} does not exist", id.as_ref()),
            );
        }
    }

    fn unique<'a, K: Ord + AsRef<str> + 'a>(
        &mut self,
        collection: &str,
        ids: impl Iterator<Item = &'a K>,
    ) {
        let mut seen: BTreeMap<&K, usize> = BTreeMap::new();
        for (i, id) in ids.enumerate() {
            if let Some(first) = seen.get(id) {
                self.push(
                    format!("{collection}[{i}].id"),
                    render_str(id.as_ref()),
                    IssueCode::DuplicateId,
                    format!(
                        "id {:?} is already used by {collection}[{first}]",
                        id.as_ref()
                    ),
                );
            } else {
                seen.insert(id, i);
            }
        }
    }
}

impl Estate {
    /// Checks every reference, range and lifecycle rule, collecting all issues.
    ///
    /// # Errors
    /// `invalid_input` listing every issue found, each with its field path.
    ///
    /// ```
    /// use steward::{Estate, IssueCode};
    /// let mut e = steward::demo::estate();
    /// e.households[0].building = steward::BuildingId::new("nowhere").unwrap();
    /// let err = e.validate().unwrap_err();
    /// assert_eq!(err.issues()[0].path, "households[0].building");
    /// assert_eq!(err.issues()[0].code, IssueCode::DanglingReference);
    /// ```
    pub fn validate(&self) -> Result<()> {
        checked("estate", |c| self.check(c, &Index::of(self)))
    }

    fn check(&self, c: &mut Checker, ix: &Index) {
        c.text(|| "name".into(), &self.name, MAX_NAME_CHARS, false);
        c.text(
            || "company.name".into(),
            &self.company.name,
            MAX_NAME_CHARS,
            false,
        );
        c.text(
            || "company.branch".into(),
            &self.company.branch,
            MAX_NAME_CHARS,
            false,
        );

        c.unique("buildings", self.buildings.iter().map(|b| &b.id));
        c.unique("households", self.households.iter().map(|h| &h.id));
        c.unique("residents", self.residents.iter().map(|r| &r.id));
        c.unique("staff", self.staff.iter().map(|s| &s.id));
        c.unique("volunteers", self.volunteers.iter().map(|v| &v.id));
        c.unique("stakeholders", self.stakeholders.iter().map(|s| &s.id));
        c.unique("meeting_items", self.meeting_items.iter().map(|m| &m.id));
        c.unique("shift_types", self.shift_types.iter().map(|s| &s.id));
        c.unique("posts", self.posts.iter().map(|p| &p.id));
        c.unique(
            "operating_periods",
            self.operating_periods.iter().map(|p| &p.id),
        );
        c.unique("work_orders", self.work_orders.iter().map(|w| &w.id));
        c.unique("dimensions", self.dimensions.iter().map(|d| &d.id));
        let shift_types: BTreeSet<&ShiftTypeId> = self.shift_types.iter().map(|s| &s.id).collect();
        let posts: BTreeSet<&PostId> = self.posts.iter().map(|p| &p.id).collect();
        c.unique("ratings", self.ratings.iter().map(|r| &r.id));
        c.unique(
            "survey_responses",
            self.survey_responses.iter().map(|s| &s.id),
        );

        if let Some(pb) = &self.company.party_branch {
            c.text(
                || "company.party_branch.name".into(),
                &pb.name,
                MAX_NAME_CHARS,
                false,
            );
            c.reference(
                || "company.party_branch.secretary".into(),
                ix.staff.contains(&pb.secretary),
                &pb.secretary,
                "staff member",
            );
            if let Some(s) = self.staff_member(&pb.secretary)
                && !s.party_member
            {
                c.push(
                    "company.party_branch.secretary".into(),
                    render_str(pb.secretary.as_str()),
                    IssueCode::InvalidValue,
                    format!(
                        "the party branch secretary {:?} must be a party member",
                        pb.secretary.as_str()
                    ),
                );
            }
        }

        for (i, b) in self.buildings.iter().enumerate() {
            c.text(
                || format!("buildings[{i}].name"),
                &b.name,
                MAX_NAME_CHARS,
                false,
            );
            c.range(
                || format!("buildings[{i}].floors"),
                b.floors,
                1,
                200,
                "a floor count",
            );
            if let Some(y) = b.built_year {
                c.range(
                    || format!("buildings[{i}].built_year"),
                    y,
                    1800,
                    2200,
                    "a year",
                );
            }
        }

        for (i, h) in self.households.iter().enumerate() {
            c.reference(
                || format!("households[{i}].building"),
                ix.buildings.contains(&h.building),
                &h.building,
                "building",
            );
            c.text(|| format!("households[{i}].unit"), &h.unit, 32, false);
            if let Some(b) = self.building(&h.building).filter(|b| b.floors >= 1) {
                let top = i16::try_from(b.floors).unwrap_or(i16::MAX);
                if h.floor == 0 || h.floor > top || h.floor < -5 {
                    c.push(
                        format!("households[{i}].floor"),
                        h.floor.to_string(),
                        IssueCode::OutOfRange,
                        format!(
                            "expected a floor from 1 to {top} (or -5 to -1 below ground) in building {:?}, found {}",
                            b.id.as_str(),
                            h.floor
                        ),
                    );
                }
            }
        }

        for (i, r) in self.residents.iter().enumerate() {
            c.reference(
                || format!("residents[{i}].household"),
                ix.households.contains_key(&r.household),
                &r.household,
                "household",
            );
            c.text(
                || format!("residents[{i}].name"),
                r.name.expose(),
                MAX_NAME_CHARS,
                true,
            );
            if let Some(y) = r.birth_year {
                c.range(
                    || format!("residents[{i}].birth_year"),
                    y,
                    1880,
                    2200,
                    "a year",
                );
            }
            if let Some(y) = r.moved_in_year {
                c.range(
                    || format!("residents[{i}].moved_in_year"),
                    y,
                    1900,
                    2200,
                    "a year",
                );
            }
        }

        for (i, s) in self.staff.iter().enumerate() {
            c.text(
                || format!("staff[{i}].name"),
                s.name.expose(),
                MAX_NAME_CHARS,
                true,
            );
            c.range(
                || format!("staff[{i}].max_open_orders"),
                s.max_open_orders,
                1,
                50,
                "a capacity",
            );
            if let Some(b) = &s.base_building {
                c.reference(
                    || format!("staff[{i}].base_building"),
                    ix.buildings.contains(b),
                    b,
                    "building",
                );
            }
        }

        for (i, v) in self.volunteers.iter().enumerate() {
            c.text(
                || format!("volunteers[{i}].name"),
                v.name.expose(),
                MAX_NAME_CHARS,
                true,
            );
            if v.kind == VolunteerKind::PartyMember && !v.party_member {
                c.push(
                    format!("volunteers[{i}].party_member"),
                    "false".into(),
                    IssueCode::InvalidValue,
                    "a party-member volunteer must have party_member = true".into(),
                );
            }
            for (j, a) in v.availability.iter().enumerate() {
                if a.until < a.from {
                    c.push(
                        format!("volunteers[{i}].availability[{j}].until"),
                        render_str(&a.until.to_string()),
                        IssueCode::OutOfOrder,
                        format!(
                            "the window ends ({}) before it starts ({})",
                            a.until, a.from
                        ),
                    );
                }
            }
            for p in &v.posts {
                c.reference(
                    || format!("volunteers[{i}].posts"),
                    posts.contains(p),
                    p,
                    "post",
                );
                if let Some(post) = self.posts.iter().find(|x| &x.id == p)
                    && !post.volunteers_allowed
                {
                    c.push(
                        format!("volunteers[{i}].posts"),
                        render_str(p.as_str()),
                        IssueCode::InvalidValue,
                        format!("post {:?} does not take volunteers", p.as_str()),
                    );
                }
            }
        }

        for (i, s) in self.stakeholders.iter().enumerate() {
            c.text(
                || format!("stakeholders[{i}].name"),
                &s.name,
                MAX_NAME_CHARS,
                false,
            );
            if let Some(h) = &s.household {
                c.reference(
                    || format!("stakeholders[{i}].household"),
                    ix.households.contains_key(h),
                    h,
                    "household",
                );
            }
        }

        for (i, m) in self.meeting_items.iter().enumerate() {
            c.text(
                || format!("meeting_items[{i}].title"),
                &m.title,
                MAX_NAME_CHARS,
                false,
            );
            c.reference(
                || format!("meeting_items[{i}].raised_by"),
                ix.stakeholders.contains(&m.raised_by),
                &m.raised_by,
                "stakeholder",
            );
            c.reference(
                || format!("meeting_items[{i}].owner"),
                ix.stakeholders.contains(&m.owner),
                &m.owner,
                "stakeholder",
            );
            if let Some(b) = &m.building {
                c.reference(
                    || format!("meeting_items[{i}].building"),
                    ix.buildings.contains(b),
                    b,
                    "building",
                );
            }
            if let Some(d) = m.discussed_on
                && d < m.raised_on
            {
                c.push(
                    format!("meeting_items[{i}].discussed_on"),
                    render_str(&d.to_string()),
                    IssueCode::OutOfOrder,
                    format!("discussed on {d}, before it was raised on {}", m.raised_on),
                );
            }
            if m.status == ItemStatus::Resolved
                && m.resolution.as_deref().is_none_or(|r| r.trim().is_empty())
            {
                c.push(
                    format!("meeting_items[{i}].resolution"),
                    String::new(),
                    IssueCode::MissingField,
                    "a resolved item must say how it was resolved".into(),
                );
            }
        }

        for (i, s) in self.shift_types.iter().enumerate() {
            c.text(
                || format!("shift_types[{i}].name"),
                &s.name,
                MAX_NAME_CHARS,
                false,
            );
            if u32::from(s.break_minutes) >= s.span_minutes() {
                c.push(
                    format!("shift_types[{i}].break_minutes"),
                    s.break_minutes.to_string(),
                    IssueCode::OutOfRange,
                    format!(
                        "the break ({} min) must be shorter than the shift ({} min)",
                        s.break_minutes,
                        s.span_minutes()
                    ),
                );
            }
        }

        for (i, p) in self.posts.iter().enumerate() {
            c.text(
                || format!("posts[{i}].name"),
                &p.name,
                MAX_NAME_CHARS,
                false,
            );
            if let Some(b) = &p.building {
                c.reference(
                    || format!("posts[{i}].building"),
                    ix.buildings.contains(b),
                    b,
                    "building",
                );
            }
            for (j, cov) in p.coverage.iter().enumerate() {
                c.reference(
                    || format!("posts[{i}].coverage[{j}].shift"),
                    shift_types.contains(&cov.shift),
                    &cov.shift,
                    "shift type",
                );
                c.range(
                    || format!("posts[{i}].coverage[{j}].headcount"),
                    cov.headcount,
                    1,
                    100,
                    "a headcount",
                );
            }
        }

        let mut periods: Vec<(usize, &OperatingPeriod)> =
            self.operating_periods.iter().enumerate().collect();
        for (i, p) in &periods {
            if p.until < p.from {
                c.push(
                    format!("operating_periods[{i}].until"),
                    render_str(&p.until.to_string()),
                    IssueCode::OutOfOrder,
                    format!(
                        "the period ends ({}) before it starts ({})",
                        p.until, p.from
                    ),
                );
            }
        }
        periods.sort_by_key(|(i, p)| (p.from, *i));
        for w in periods.windows(2) {
            if let [(_, a), (j, b)] = w
                && b.from <= a.until
            {
                c.push(
                    format!("operating_periods[{j}].from"),
                    render_str(&b.from.to_string()),
                    IssueCode::Overlap,
                    format!(
                        "period {:?} overlaps period {:?} (until {})",
                        b.id.as_str(),
                        a.id.as_str(),
                        a.until
                    ),
                );
            }
        }

        for (i, w) in self.work_orders.iter().enumerate() {
            check_work_order(c, &format!("work_orders[{i}]"), w, ix);
        }

        for (i, d) in self.dimensions.iter().enumerate() {
            c.text(
                || format!("dimensions[{i}].name"),
                &d.name,
                MAX_NAME_CHARS,
                false,
            );
            if !(d.weight.is_finite() && d.weight >= 0.0) {
                c.push(
                    format!("dimensions[{i}].weight"),
                    d.weight.to_string(),
                    IssueCode::OutOfRange,
                    format!("expected a finite weight of 0 or more, found {}", d.weight),
                );
            }
        }

        for (i, r) in self.ratings.iter().enumerate() {
            check_rating(c, &format!("ratings[{i}]"), r, ix);
        }
        for (i, r) in self.survey_responses.iter().enumerate() {
            check_survey_response(c, &format!("survey_responses[{i}]"), r, ix);
        }
    }
}

/// Checks one work order against the records that exist.
pub(crate) fn check_work_order(c: &mut Checker, p: &str, w: &WorkOrder, ix: &Index) {
    let at = |f: &str| join(p, f);
    c.text(|| at("description"), &w.description, MAX_TEXT_CHARS, false);
    match &w.location {
        Location::Household { household } => {
            c.reference(
                || at("location.household"),
                ix.households.contains_key(household),
                household,
                "household",
            );
            if w.households_affected == 0 {
                c.push(
                    at("households_affected"),
                    "0".into(),
                    IssueCode::OutOfRange,
                    "an order in a household affects at least that household (1)".into(),
                );
            }
        }
        Location::Building { building, .. } => {
            c.reference(
                || at("location.building"),
                ix.buildings.contains(building),
                building,
                "building",
            );
        }
        Location::CommonArea { name } => {
            c.text(|| at("location.name"), name, MAX_NAME_CHARS, false);
        }
    }
    let max_affected = u32::try_from(ix.household_count.max(1)).unwrap_or(u32::MAX);
    if w.households_affected > max_affected {
        c.push(
            at("households_affected"),
            w.households_affected.to_string(),
            IssueCode::OutOfRange,
            format!(
                "expected at most the estate's {max_affected} households, found {}",
                w.households_affected
            ),
        );
    }
    match &w.reported_by {
        Reporter::Resident { resident } => c.reference(
            || at("reported_by.resident"),
            ix.residents.contains(resident),
            resident,
            "resident",
        ),
        Reporter::Staff { staff } => c.reference(
            || at("reported_by.staff"),
            ix.staff.contains(staff),
            staff,
            "staff member",
        ),
        Reporter::Stakeholder { stakeholder } => c.reference(
            || at("reported_by.stakeholder"),
            ix.stakeholders.contains(stakeholder),
            stakeholder,
            "stakeholder",
        ),
        Reporter::Anonymous | Reporter::System => {}
    }
    if let Some(f) = &w.follow_up_of {
        c.reference(
            || at("follow_up_of"),
            ix.orders.contains_key(f),
            f,
            "work order",
        );
        if f == &w.id {
            c.push(
                at("follow_up_of"),
                render_str(f.as_str()),
                IssueCode::InvalidValue,
                "an order cannot follow up itself".into(),
            );
        }
    }
    let mut status = WorkOrderStatus::Reported;
    let mut last = w.reported_at;
    for (j, e) in w.events.iter().enumerate() {
        let ev = |f: &str| at(&format!("events[{j}].{f}"));
        if e.at() < last {
            c.push(
                ev("at"),
                render_str(&e.at().to_rfc3339()),
                IssueCode::OutOfOrder,
                format!(
                    "event time {} is before the previous event at {}",
                    e.at().to_rfc3339(),
                    last.to_rfc3339()
                ),
            );
        }
        last = last.max(e.at());
        if let WorkOrderEvent::Assigned { staff, .. } = e {
            c.reference(
                || ev("staff"),
                ix.staff.contains(staff),
                staff,
                "staff member",
            );
        }
        if let WorkOrderEvent::Triaged { by: Some(s), .. } = e {
            c.reference(|| ev("by"), ix.staff.contains(s), s, "staff member");
        }
        match status.next(e) {
            Some(next) => status = next,
            None => c.push(
                ev("type"),
                render_str(e.name()),
                IssueCode::InvalidTransition,
                format!(
                    "cannot apply '{}' while the order is {}",
                    e.name(),
                    status.as_str()
                ),
            ),
        }
    }
}

/// Checks one post-service rating against the records that exist.
pub(crate) fn check_rating(c: &mut Checker, p: &str, r: &Rating, ix: &Index) {
    let at = |f: &str| join(p, f);
    c.reference(
        || at("work_order"),
        ix.orders.contains_key(&r.work_order),
        &r.work_order,
        "work order",
    );
    c.range(|| at("score"), r.score, 1, 5, "a score");
    for (k, v) in &r.dimensions {
        c.reference(
            || at(&format!("dimensions.{k}")),
            ix.dimensions.contains(k),
            k,
            "dimension",
        );
        c.range(|| at(&format!("dimensions.{k}")), *v, 1, 5, "a score");
    }
    if let Some(who) = &r.rated_by {
        c.reference(
            || at("rated_by"),
            ix.residents.contains(who),
            who,
            "resident",
        );
    }
    if let Some(text) = &r.comment {
        c.text(|| at("comment"), text.expose(), MAX_TEXT_CHARS, true);
    }
    if ix.orders.contains_key(&r.work_order) {
        match ix.resolved.get(&r.work_order) {
            None => c.push(
                at("work_order"),
                render_str(r.work_order.as_str()),
                IssueCode::InvalidValue,
                format!(
                    "work order {:?} has not been resolved; only completed work can be rated",
                    r.work_order.as_str()
                ),
            ),
            Some(done) if r.at < *done => c.push(
                at("at"),
                render_str(&r.at.to_rfc3339()),
                IssueCode::OutOfOrder,
                format!(
                    "rated at {}, before the work was resolved at {}",
                    r.at.to_rfc3339(),
                    done.to_rfc3339()
                ),
            ),
            Some(_) => {}
        }
    }
    if let Some(reported) = ix.orders.get(&r.work_order)
        && r.at < *reported
    {
        c.push(
            at("at"),
            render_str(&r.at.to_rfc3339()),
            IssueCode::OutOfOrder,
            format!(
                "rated at {}, before the order was reported at {}",
                r.at.to_rfc3339(),
                reported.to_rfc3339()
            ),
        );
    }
}

/// Checks one survey response against the records that exist.
pub(crate) fn check_survey_response(c: &mut Checker, p: &str, s: &SurveyResponse, ix: &Index) {
    let at = |f: &str| join(p, f);
    c.reference(
        || at("building"),
        ix.buildings.contains(&s.building),
        &s.building,
        "building",
    );
    if let Some(h) = &s.household {
        match ix.households.get(h) {
            None => c.reference(|| at("household"), false, h, "household"),
            Some(b) if b != &s.building => c.push(
                at("household"),
                render_str(h.as_str()),
                IssueCode::InvalidValue,
                format!(
                    "household {:?} is in building {:?}, not {:?}",
                    h.as_str(),
                    b.as_str(),
                    s.building.as_str()
                ),
            ),
            Some(_) => {}
        }
    }
    if let Some(who) = &s.respondent {
        c.reference(
            || at("respondent"),
            ix.residents.contains(who),
            who,
            "resident",
        );
    }
    for (k, v) in &s.scores {
        c.reference(
            || at(&format!("scores.{k}")),
            ix.dimensions.contains(k),
            k,
            "dimension",
        );
        c.range(|| at(&format!("scores.{k}")), *v, 1, 5, "a score");
    }
    if let Some(o) = s.overall {
        c.range(|| at("overall"), o, 1, 5, "a score");
    }
    if let Some(r) = s.recommend {
        c.range(|| at("recommend"), r, 0, 10, "a likelihood");
    }
    if let Some(text) = &s.comment {
        c.text(|| at("comment"), text.expose(), MAX_TEXT_CHARS, true);
    }
}
