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

struct Checker {
    issues: Vec<Issue>,
}

impl Checker {
    fn push(&mut self, path: String, value: String, code: IssueCode, message: String) {
        self.issues.push(Issue::new(path, value, code, message));
    }

    /// A name or title: not blank, at most `max` characters. Personal names pass
    /// `personal = true` so their value is never copied into the issue.
    fn text(&mut self, path: impl Fn() -> String, s: &str, max: usize, personal: bool) {
        let n = s.chars().count();
        let shown = if personal { String::new() } else { render_str(s) };
        if s.trim().is_empty() {
            self.push(path(), shown, IssueCode::InvalidText, "expected a non-blank text".into());
        } else if n > max {
            self.push(
                path(),
                shown,
                IssueCode::InvalidText,
                format!("expected at most {max} characters, found {n}"),
            );
        }
    }

    fn range<T: PartialOrd + Display + Copy>(&mut self, path: impl Fn() -> String, v: T, lo: T, hi: T, what: &str) {
        if v < lo || v > hi {
            self.push(
                path(),
                v.to_string(),
                IssueCode::OutOfRange,
                format!("expected {what} from {lo} to {hi}, found {v}"),
            );
        }
    }

    fn reference<K: Ord + AsRef<str>>(&mut self, path: impl Fn() -> String, set: &BTreeSet<&K>, id: &K, kind: &str) {
        if !set.contains(id) {
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
    ) -> BTreeSet<&'a K> {
        let mut seen: BTreeMap<&K, usize> = BTreeMap::new();
        for (i, id) in ids.enumerate() {
            if let Some(first) = seen.get(id) {
                self.push(
                    format!("{collection}[{i}].id"),
                    render_str(id.as_ref()),
                    IssueCode::DuplicateId,
                    format!("id {:?} is already used by {collection}[{first}]", id.as_ref()),
                );
            } else {
                seen.insert(id, i);
            }
        }
        seen.into_keys().collect()
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
        let mut c = Checker { issues: Vec::new() };
        self.check(&mut c);
        if c.issues.is_empty() {
            Ok(())
        } else {
            Err(Error::invalid("estate", c.issues))
        }
    }

    fn check(&self, c: &mut Checker) {
        c.text(|| "name".into(), &self.name, MAX_NAME_CHARS, false);
        c.text(|| "company.name".into(), &self.company.name, MAX_NAME_CHARS, false);
        c.text(|| "company.branch".into(), &self.company.branch, MAX_NAME_CHARS, false);

        let buildings = c.unique("buildings", self.buildings.iter().map(|b| &b.id));
        let households = c.unique("households", self.households.iter().map(|h| &h.id));
        let residents = c.unique("residents", self.residents.iter().map(|r| &r.id));
        let staff = c.unique("staff", self.staff.iter().map(|s| &s.id));
        let _volunteers = c.unique("volunteers", self.volunteers.iter().map(|v| &v.id));
        let stakeholders = c.unique("stakeholders", self.stakeholders.iter().map(|s| &s.id));
        c.unique("meeting_items", self.meeting_items.iter().map(|m| &m.id));
        let shift_types = c.unique("shift_types", self.shift_types.iter().map(|s| &s.id));
        let posts = c.unique("posts", self.posts.iter().map(|p| &p.id));
        c.unique("operating_periods", self.operating_periods.iter().map(|p| &p.id));
        let orders = c.unique("work_orders", self.work_orders.iter().map(|w| &w.id));
        let dimensions = c.unique("dimensions", self.dimensions.iter().map(|d| &d.id));
        c.unique("ratings", self.ratings.iter().map(|r| &r.id));
        c.unique("survey_responses", self.survey_responses.iter().map(|s| &s.id));

        if let Some(pb) = &self.company.party_branch {
            c.text(|| "company.party_branch.name".into(), &pb.name, MAX_NAME_CHARS, false);
            c.reference(|| "company.party_branch.secretary".into(), &staff, &pb.secretary, "staff member");
            if let Some(s) = self.staff_member(&pb.secretary)
                && !s.party_member
            {
                c.push(
                    "company.party_branch.secretary".into(),
                    render_str(pb.secretary.as_str()),
                    IssueCode::InvalidValue,
                    format!("the party branch secretary {:?} must be a party member", pb.secretary.as_str()),
                );
            }
        }

        for (i, b) in self.buildings.iter().enumerate() {
            c.text(|| format!("buildings[{i}].name"), &b.name, MAX_NAME_CHARS, false);
            c.range(|| format!("buildings[{i}].floors"), b.floors, 1, 200, "a floor count");
            if let Some(y) = b.built_year {
                c.range(|| format!("buildings[{i}].built_year"), y, 1800, 2200, "a year");
            }
        }

        for (i, h) in self.households.iter().enumerate() {
            c.reference(|| format!("households[{i}].building"), &buildings, &h.building, "building");
            c.text(|| format!("households[{i}].unit"), &h.unit, 32, false);
            if let Some(b) = self.building(&h.building) {
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
            c.reference(|| format!("residents[{i}].household"), &households, &r.household, "household");
            c.text(|| format!("residents[{i}].name"), r.name.expose(), MAX_NAME_CHARS, true);
            if let Some(y) = r.birth_year {
                c.range(|| format!("residents[{i}].birth_year"), y, 1880, 2200, "a year");
            }
            if let Some(y) = r.moved_in_year {
                c.range(|| format!("residents[{i}].moved_in_year"), y, 1900, 2200, "a year");
            }
        }

        for (i, s) in self.staff.iter().enumerate() {
            c.text(|| format!("staff[{i}].name"), s.name.expose(), MAX_NAME_CHARS, true);
            c.range(|| format!("staff[{i}].max_open_orders"), s.max_open_orders, 1, 50, "a capacity");
            if let Some(b) = &s.base_building {
                c.reference(|| format!("staff[{i}].base_building"), &buildings, b, "building");
            }
        }

        for (i, v) in self.volunteers.iter().enumerate() {
            c.text(|| format!("volunteers[{i}].name"), v.name.expose(), MAX_NAME_CHARS, true);
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
                        format!("the window ends ({}) before it starts ({})", a.until, a.from),
                    );
                }
            }
            for p in &v.posts {
                c.reference(|| format!("volunteers[{i}].posts"), &posts, p, "post");
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
            c.text(|| format!("stakeholders[{i}].name"), &s.name, MAX_NAME_CHARS, false);
            if let Some(h) = &s.household {
                c.reference(|| format!("stakeholders[{i}].household"), &households, h, "household");
            }
        }

        for (i, m) in self.meeting_items.iter().enumerate() {
            c.text(|| format!("meeting_items[{i}].title"), &m.title, MAX_NAME_CHARS, false);
            c.reference(|| format!("meeting_items[{i}].raised_by"), &stakeholders, &m.raised_by, "stakeholder");
            c.reference(|| format!("meeting_items[{i}].owner"), &stakeholders, &m.owner, "stakeholder");
            if let Some(b) = &m.building {
                c.reference(|| format!("meeting_items[{i}].building"), &buildings, b, "building");
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
            if m.status == ItemStatus::Resolved && m.resolution.as_deref().is_none_or(|r| r.trim().is_empty()) {
                c.push(
                    format!("meeting_items[{i}].resolution"),
                    String::new(),
                    IssueCode::MissingField,
                    "a resolved item must say how it was resolved".into(),
                );
            }
        }

        for (i, s) in self.shift_types.iter().enumerate() {
            c.text(|| format!("shift_types[{i}].name"), &s.name, MAX_NAME_CHARS, false);
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
            c.text(|| format!("posts[{i}].name"), &p.name, MAX_NAME_CHARS, false);
            if let Some(b) = &p.building {
                c.reference(|| format!("posts[{i}].building"), &buildings, b, "building");
            }
            for (j, cov) in p.coverage.iter().enumerate() {
                c.reference(|| format!("posts[{i}].coverage[{j}].shift"), &shift_types, &cov.shift, "shift type");
                c.range(|| format!("posts[{i}].coverage[{j}].headcount"), cov.headcount, 1, 100, "a headcount");
            }
        }

        let mut periods: Vec<(usize, &OperatingPeriod)> = self.operating_periods.iter().enumerate().collect();
        for (i, p) in &periods {
            if p.until < p.from {
                c.push(
                    format!("operating_periods[{i}].until"),
                    render_str(&p.until.to_string()),
                    IssueCode::OutOfOrder,
                    format!("the period ends ({}) before it starts ({})", p.until, p.from),
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
                    format!("period {:?} overlaps period {:?} (until {})", b.id.as_str(), a.id.as_str(), a.until),
                );
            }
        }

        for (i, w) in self.work_orders.iter().enumerate() {
            self.check_order(c, i, w, &households, &buildings, &residents, &staff, &stakeholders, &orders);
        }

        for (i, d) in self.dimensions.iter().enumerate() {
            c.text(|| format!("dimensions[{i}].name"), &d.name, MAX_NAME_CHARS, false);
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
            c.reference(|| format!("ratings[{i}].work_order"), &orders, &r.work_order, "work order");
            c.range(|| format!("ratings[{i}].score"), r.score, 1, 5, "a score");
            for (k, v) in &r.dimensions {
                c.reference(|| format!("ratings[{i}].dimensions.{k}"), &dimensions, k, "dimension");
                c.range(|| format!("ratings[{i}].dimensions.{k}"), *v, 1, 5, "a score");
            }
            if let Some(p) = &r.rated_by {
                c.reference(|| format!("ratings[{i}].rated_by"), &residents, p, "resident");
            }
            if let Some(text) = &r.comment {
                c.text(|| format!("ratings[{i}].comment"), text.expose(), MAX_TEXT_CHARS, true);
            }
            if let Some(w) = self.work_order(&r.work_order)
                && r.at < w.reported_at
            {
                c.push(
                    format!("ratings[{i}].at"),
                    render_str(&r.at.to_rfc3339()),
                    IssueCode::OutOfOrder,
                    format!("rated at {}, before the order was reported at {}", r.at.to_rfc3339(), w.reported_at.to_rfc3339()),
                );
            }
        }

        for (i, s) in self.survey_responses.iter().enumerate() {
            c.reference(|| format!("survey_responses[{i}].building"), &buildings, &s.building, "building");
            if let Some(h) = &s.household {
                c.reference(|| format!("survey_responses[{i}].household"), &households, h, "household");
                if let Some(hh) = self.household(h)
                    && hh.building != s.building
                {
                    c.push(
                        format!("survey_responses[{i}].household"),
                        render_str(h.as_str()),
                        IssueCode::InvalidValue,
                        format!(
                            "household {:?} is in building {:?}, not {:?}",
                            h.as_str(),
                            hh.building.as_str(),
                            s.building.as_str()
                        ),
                    );
                }
            }
            if let Some(p) = &s.respondent {
                c.reference(|| format!("survey_responses[{i}].respondent"), &residents, p, "resident");
            }
            for (k, v) in &s.scores {
                c.reference(|| format!("survey_responses[{i}].scores.{k}"), &dimensions, k, "dimension");
                c.range(|| format!("survey_responses[{i}].scores.{k}"), *v, 1, 5, "a score");
            }
            if let Some(o) = s.overall {
                c.range(|| format!("survey_responses[{i}].overall"), o, 1, 5, "a score");
            }
            if let Some(r) = s.recommend {
                c.range(|| format!("survey_responses[{i}].recommend"), r, 0, 10, "a likelihood");
            }
            if let Some(text) = &s.comment {
                c.text(|| format!("survey_responses[{i}].comment"), text.expose(), MAX_TEXT_CHARS, true);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn check_order(
        &self,
        c: &mut Checker,
        i: usize,
        w: &WorkOrder,
        households: &BTreeSet<&HouseholdId>,
        buildings: &BTreeSet<&BuildingId>,
        residents: &BTreeSet<&ResidentId>,
        staff: &BTreeSet<&StaffId>,
        stakeholders: &BTreeSet<&StakeholderId>,
        orders: &BTreeSet<&WorkOrderId>,
    ) {
        c.text(|| format!("work_orders[{i}].description"), &w.description, MAX_TEXT_CHARS, false);
        match &w.location {
            Location::Household { household } => {
                c.reference(|| format!("work_orders[{i}].location.household"), households, household, "household");
                if w.households_affected == 0 {
                    c.push(
                        format!("work_orders[{i}].households_affected"),
                        "0".into(),
                        IssueCode::OutOfRange,
                        "an order in a household affects at least that household (1)".into(),
                    );
                }
            }
            Location::Building { building, .. } => {
                c.reference(|| format!("work_orders[{i}].location.building"), buildings, building, "building");
            }
            Location::CommonArea { name } => {
                c.text(|| format!("work_orders[{i}].location.name"), name, MAX_NAME_CHARS, false);
            }
        }
        let max_affected = u32::try_from(self.households.len().max(1)).unwrap_or(u32::MAX);
        if w.households_affected > max_affected {
            c.push(
                format!("work_orders[{i}].households_affected"),
                w.households_affected.to_string(),
                IssueCode::OutOfRange,
                format!(
                    "expected at most the estate's {max_affected} households, found {}",
                    w.households_affected
                ),
            );
        }
        match &w.reported_by {
            Reporter::Resident { resident } => {
                c.reference(|| format!("work_orders[{i}].reported_by.resident"), residents, resident, "resident")
            }
            Reporter::Staff { staff: s } => {
                c.reference(|| format!("work_orders[{i}].reported_by.staff"), staff, s, "staff member")
            }
            Reporter::Stakeholder { stakeholder } => c.reference(
                || format!("work_orders[{i}].reported_by.stakeholder"),
                stakeholders,
                stakeholder,
                "stakeholder",
            ),
            Reporter::Anonymous | Reporter::System => {}
        }
        if let Some(f) = &w.follow_up_of {
            c.reference(|| format!("work_orders[{i}].follow_up_of"), orders, f, "work order");
            if f == &w.id {
                c.push(
                    format!("work_orders[{i}].follow_up_of"),
                    render_str(f.as_str()),
                    IssueCode::InvalidValue,
                    "an order cannot follow up itself".into(),
                );
            }
        }
        let mut status = WorkOrderStatus::Reported;
        let mut last = w.reported_at;
        for (j, e) in w.events.iter().enumerate() {
            if e.at() < last {
                c.push(
                    format!("work_orders[{i}].events[{j}].at"),
                    render_str(&e.at().to_rfc3339()),
                    IssueCode::OutOfOrder,
                    format!("event time {} is before the previous event at {}", e.at().to_rfc3339(), last.to_rfc3339()),
                );
            }
            last = last.max(e.at());
            if let WorkOrderEvent::Assigned { staff: s, .. } = e {
                c.reference(|| format!("work_orders[{i}].events[{j}].staff"), staff, s, "staff member");
            }
            if let WorkOrderEvent::Triaged { by: Some(s), .. } = e {
                c.reference(|| format!("work_orders[{i}].events[{j}].by"), staff, s, "staff member");
            }
            match status.next(e) {
                Some(next) => status = next,
                None => c.push(
                    format!("work_orders[{i}].events[{j}].type"),
                    render_str(e.name()),
                    IssueCode::InvalidTransition,
                    format!("cannot apply '{}' while the order is {}", e.name(), status.as_str()),
                ),
            }
        }
    }
}
