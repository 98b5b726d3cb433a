//! Plain-text reports of an estate, one section per engine.
//!
//! A [`Report`] is a list of [`Section`]s rendered one after the other under
//! a heading naming the estate and the time. Each engine adds its own section
//! (the dispatch queue, the roster, satisfaction scores) by implementing
//! [`Section`]; today there is one, the [`EstateInventory`].
//!
//! Reports are for people who run the estate and may be shared widely, so
//! sections show counts and roles, never personal data (names, phone numbers,
//! comments).
//!
//! ```
//! use steward::{demo, report::Report};
//!
//! let text = Report::standard().render(&demo::estate(), demo::now())?;
//! assert!(text.contains("Estate inventory"));
//! assert!(text.contains("Buildings: 9"));
//! # Ok::<(), steward::Error>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use crate::{Estate, ItemStatus, Result, Tenure, WorkOrderStatus};

/// One titled part of a report.
///
/// Sections are pure: they read the estate and the time they are given
/// (never the clock), so the same inputs give the same text.
pub trait Section: Send + Sync {
    /// The section's heading, e.g. "Estate inventory".
    fn title(&self) -> String;

    /// The section's body as plain text, one fact per line.
    ///
    /// # Errors
    /// Whatever the engine behind the section reports (an inventory cannot
    /// fail; a roster that cannot be built is `infeasible`).
    fn render(&self, estate: &Estate, now: DateTime<FixedOffset>) -> Result<String>;
}

/// A report: sections rendered in the order they were added.
#[derive(Default)]
pub struct Report {
    sections: Vec<Box<dyn Section>>,
}

impl Report {
    /// An empty report.
    pub fn new() -> Report {
        Report::default()
    }

    /// The report with every section Steward has today.
    pub fn standard() -> Report {
        Report::new().with(EstateInventory)
    }

    /// Adds a section at the end (builder style).
    pub fn with(mut self, section: impl Section + 'static) -> Report {
        self.push(section);
        self
    }

    /// Adds a section at the end.
    pub fn push(&mut self, section: impl Section + 'static) {
        self.sections.push(Box::new(section));
    }

    /// The titles of the sections, in order.
    pub fn titles(&self) -> Vec<String> {
        self.sections.iter().map(|s| s.title()).collect()
    }

    /// Renders the heading and every section.
    ///
    /// # Errors
    /// The first error a section returns.
    ///
    /// ```
    /// let report = steward::report::Report::new();
    /// let text = report.render(&steward::demo::estate(), steward::demo::now())?;
    /// assert!(text.starts_with("Steward report: Babylon"));
    /// assert!(text.contains("As of 2022-12-14T10:00:00+08:00"));
    /// # Ok::<(), steward::Error>(())
    /// ```
    pub fn render(&self, estate: &Estate, now: DateTime<FixedOffset>) -> Result<String> {
        let mut out = format!(
            "Steward report: {}\nAs of {}\n",
            estate.name,
            now.to_rfc3339()
        );
        for section in &self.sections {
            let title = section.title();
            let body = section.render(estate, now)?;
            out.push('\n');
            out.push_str(&title);
            out.push('\n');
            out.push_str(&"=".repeat(title.chars().count()));
            out.push('\n');
            out.push_str(&body);
            if !body.ends_with('\n') {
                out.push('\n');
            }
        }
        Ok(out)
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Report")
            .field("sections", &self.titles())
            .finish()
    }
}

/// What the estate holds: organisation, buildings, people, posts, work
/// orders, ratings, surveys and the joint meeting's open items.
///
/// Counts only; people appear by role, never by name.
///
/// ```
/// use steward::report::{EstateInventory, Section};
/// let estate = steward::demo::estate();
/// let text = EstateInventory.render(&estate, steward::demo::now())?;
/// assert!(text.contains("Operating mode: normal on 2022-12-14"));
/// # Ok::<(), steward::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct EstateInventory;

impl Section for EstateInventory {
    fn title(&self) -> String {
        "Estate inventory".to_owned()
    }

    fn render(&self, e: &Estate, now: DateTime<FixedOffset>) -> Result<String> {
        let mut lines = Vec::new();
        let inv = e.inventory();

        lines.push(format!("Estate: {} [{}]", e.name, e.id));
        lines.push(format!(
            "Managed by: {}, {}",
            e.company.name, e.company.branch
        ));
        if let Some(pb) = &e.company.party_branch {
            let founded = pb
                .founded
                .map(|d| format!(", formed {}", d.format("%Y-%m")))
                .unwrap_or_default();
            let secretary = e
                .staff_member(&pb.secretary)
                .map_or_else(|| "not on the staff list".to_owned(), |s| label(&s.role));
            lines.push(format!(
                "Party branch: {}{founded}; secretary: the {secretary}",
                pb.name
            ));
        }
        let today = now.with_timezone(&e.utc_offset.fixed()).date_naive();
        let periods: Vec<String> = e
            .operating_periods
            .iter()
            .map(|p| format!("{} {} to {}", label(&p.mode), p.from, p.until))
            .collect();
        lines.push(format!(
            "Operating mode: {} on {today}{}",
            label(&e.mode_on(today)),
            if periods.is_empty() {
                String::new()
            } else {
                format!(" (dated periods: {})", periods.join("; "))
            }
        ));

        let lifts = e.buildings.iter().filter(|b| b.has_elevator).count();
        let floors = e.buildings.iter().map(|b| b.floors);
        let floor_range = match (floors.clone().min(), floors.max()) {
            (Some(lo), Some(hi)) => format!("; {lo} to {hi} floors"),
            _ => String::new(),
        };
        lines.push(format!(
            "Buildings: {} ({lifts} with lifts{floor_range})",
            inv.buildings
        ));
        let tenure = |t: Tenure| e.households.iter().filter(|h| h.tenure == t).count();
        lines.push(format!(
            "Households: {} (owner {}, tenant {}, vacant {})",
            inv.households,
            tenure(Tenure::Owner),
            tenure(Tenure::Tenant),
            tenure(Tenure::Vacant)
        ));
        let cared = e
            .households
            .iter()
            .filter(|h| !h.care_needs.is_empty())
            .count();
        let needs = tally(e.households.iter().flat_map(|h| h.care_needs.iter()));
        lines.push(format!(
            "Households with care needs: {cared}{}",
            in_brackets(&needs)
        ));
        let roles = tally(e.residents.iter().map(|r| &r.role));
        let party_residents = e.residents.iter().filter(|r| r.party_member).count();
        lines.push(format!(
            "Residents: {} ({}; party members {party_residents})",
            inv.residents,
            roles.join(", ")
        ));

        lines.push(format!(
            "Staff: {} (party members {})",
            inv.staff, inv.party_member_staff
        ));
        let mut by_role: BTreeMap<_, (usize, usize)> = BTreeMap::new();
        for s in &e.staff {
            let entry = by_role.entry(s.role).or_default();
            entry.0 += 1;
            entry.1 += usize::from(s.party_member);
        }
        for (role, (n, party)) in &by_role {
            lines.push(format!("  {} {n} (party members {party})", label(role)));
        }
        let volunteers = tally(e.volunteers.iter().map(|v| &v.kind));
        lines.push(format!(
            "Volunteers: {}{}",
            inv.volunteers,
            in_brackets(&volunteers)
        ));
        let stakeholders = tally(e.stakeholders.iter().map(|s| &s.kind));
        lines.push(format!(
            "Stakeholders: {}{}",
            inv.stakeholders,
            in_brackets(&stakeholders)
        ));
        let posts = tally(e.posts.iter().map(|p| &p.kind));
        lines.push(format!("Posts: {}{}", inv.posts, in_brackets(&posts)));
        lines.push(format!("Shift types: {}", inv.shift_types));

        lines.push(format!(
            "Work orders: {} (open {})",
            inv.work_orders, inv.open_work_orders
        ));
        let mut statuses: BTreeMap<WorkOrderStatus, usize> = BTreeMap::new();
        for w in &e.work_orders {
            *statuses.entry(w.status()).or_default() += 1;
        }
        let statuses: Vec<String> = statuses
            .iter()
            .map(|(s, n)| format!("{} {n}", s.as_str().replace('_', " ")))
            .collect();
        lines.push(format!("  by status: {}", statuses.join(", ")));
        let categories = tally(e.work_orders.iter().map(|w| &w.category));
        lines.push(format!("  by category: {}", categories.join(", ")));

        let mean = if e.ratings.is_empty() {
            String::new()
        } else {
            let sum: f64 = e.ratings.iter().map(|r| f64::from(r.score)).sum();
            format!(", mean score {:.2} of 5", sum / e.ratings.len() as f64)
        };
        lines.push(format!("Ratings: {}{mean}", inv.ratings));
        let mut surveys: BTreeMap<&str, usize> = BTreeMap::new();
        for s in &e.survey_responses {
            *surveys.entry(s.survey.as_str()).or_default() += 1;
        }
        let surveys: Vec<String> = surveys.iter().map(|(s, n)| format!("{s} {n}")).collect();
        lines.push(format!(
            "Survey responses: {}{}",
            inv.survey_responses,
            in_brackets(&surveys)
        ));

        let open: Vec<_> = e
            .meeting_items
            .iter()
            .filter(|m| matches!(m.status, ItemStatus::Open | ItemStatus::InProgress))
            .collect();
        let topics = tally(open.iter().map(|m| &m.topic));
        lines.push(format!(
            "Joint meeting: {} items, {} open{}",
            inv.meeting_items,
            open.len(),
            in_brackets(&topics)
        ));

        let mut text = lines.join("\n");
        text.push('\n');
        Ok(text)
    }
}

/// The snake_case name of an enum value as words: `neighbour_dispute` →
/// "neighbour dispute".
fn label<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s.replace('_', " "),
        _ => "other".to_owned(),
    }
}

/// Counts values, in the enum's order, as "label n" strings.
fn tally<'a, T: Ord + Serialize + 'a>(values: impl Iterator<Item = &'a T>) -> Vec<String> {
    let mut counts: BTreeMap<&T, usize> = BTreeMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(v, n)| format!("{} {n}", label(v)))
        .collect()
}

/// " (a, b, c)", or nothing for an empty list.
fn in_brackets(parts: &[String]) -> String {
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CareNeed, MeetingTopic, StaffRole, VolunteerKind, demo};

    fn inventory() -> (Estate, String) {
        let e = demo::estate();
        let text = Report::standard().render(&e, demo::now()).unwrap();
        (e, text)
    }

    #[test]
    fn the_report_has_a_heading_and_the_inventory_section() {
        let (e, text) = inventory();
        assert!(text.starts_with(&format!("Steward report: {}\n", e.name)));
        assert!(text.contains(&format!("As of {}\n", demo::DEMO_NOW)));
        assert!(text.contains("\nEstate inventory\n================\n"));
        assert_eq!(Report::standard().titles(), ["Estate inventory"]);
        assert_eq!(
            format!("{:?}", Report::standard()),
            "Report { sections: [\"Estate inventory\"] }"
        );
    }

    #[test]
    fn the_inventory_counts_what_the_estate_holds() {
        let (e, text) = inventory();
        let has = |s: String| assert!(text.contains(&s), "missing {s:?} in\n{text}");
        let count_tenure = |t: Tenure| e.households.iter().filter(|h| h.tenure == t).count();
        has(format!("Buildings: {} (", e.buildings.len()));
        has(format!(
            "Households: {} (owner {}, tenant {}, vacant {})",
            e.households.len(),
            count_tenure(Tenure::Owner),
            count_tenure(Tenure::Tenant),
            count_tenure(Tenure::Vacant)
        ));
        let alone = e
            .households
            .iter()
            .filter(|h| h.care_needs.contains(&CareNeed::ElderlyAlone))
            .count();
        has(format!("elderly alone {alone}"));
        has(format!("Residents: {} (", e.residents.len()));
        let party = e.staff.iter().filter(|s| s.party_member).count();
        has(format!("Staff: {} (party members {party})", e.staff.len()));
        let security = e.staff.iter().filter(|s| s.role == StaffRole::Security);
        let security_party = security.clone().filter(|s| s.party_member).count();
        has(format!(
            "  security {} (party members {security_party})",
            security.count()
        ));
        let students = e
            .volunteers
            .iter()
            .filter(|v| v.kind == VolunteerKind::Student)
            .count();
        has(format!("Volunteers: {} (", e.volunteers.len()));
        has(format!("student {students}"));
        has(format!("Posts: {} (gate 2", e.posts.len()));
        has(format!("Shift types: {}", e.shift_types.len()));
        let open = e
            .work_orders
            .iter()
            .filter(|w| w.status().is_open())
            .count();
        has(format!(
            "Work orders: {} (open {open})",
            e.work_orders.len()
        ));
        let reopened = e
            .work_orders
            .iter()
            .filter(|w| w.status() == WorkOrderStatus::Reopened)
            .count();
        has(format!("reopened {reopened}"));
        let plumbing = e
            .work_orders
            .iter()
            .filter(|w| w.category == crate::Category::Plumbing)
            .count();
        has(format!("plumbing {plumbing}"));
        let mean =
            e.ratings.iter().map(|r| f64::from(r.score)).sum::<f64>() / e.ratings.len() as f64;
        has(format!(
            "Ratings: {}, mean score {mean:.2} of 5",
            e.ratings.len()
        ));
        has(format!(
            "Survey responses: {} ({} {})",
            e.survey_responses.len(),
            demo::ANNUAL_SURVEY,
            e.survey_responses.len()
        ));
        let open_items: Vec<_> = e
            .meeting_items
            .iter()
            .filter(|m| matches!(m.status, ItemStatus::Open | ItemStatus::InProgress))
            .collect();
        has(format!(
            "Joint meeting: {} items, {} open (",
            e.meeting_items.len(),
            open_items.len()
        ));
        let parking = open_items
            .iter()
            .filter(|m| m.topic == MeetingTopic::Parking)
            .count();
        has(format!("parking {parking}"));
        has("secretary: the manager".to_owned());
        has("Operating mode: normal on 2022-12-14 (dated periods: closed management 2022-04-10 to 2022-04-30)".to_owned());
    }

    #[test]
    fn the_report_shows_no_personal_data() {
        let (e, text) = inventory();
        let names = e
            .residents
            .iter()
            .map(|r| (&r.name, &r.phone))
            .chain(e.staff.iter().map(|s| (&s.name, &s.phone)))
            .chain(e.volunteers.iter().map(|v| (&v.name, &v.phone)));
        for (name, phone) in names {
            assert!(!text.contains(name.expose()), "a name is in the report");
            if let Some(p) = phone {
                assert!(!text.contains(p.expose()), "a phone is in the report");
            }
        }
        for c in e.stakeholders.iter().filter_map(|s| s.contact.as_ref()) {
            assert!(!text.contains(c.expose()));
        }
        assert!(!text.contains("1380000"));
    }

    #[test]
    fn sections_render_in_order() {
        struct Fixed(&'static str);
        impl Section for Fixed {
            fn title(&self) -> String {
                self.0.to_owned()
            }
            fn render(&self, _: &Estate, _: DateTime<FixedOffset>) -> Result<String> {
                Ok(format!("body of {}", self.0))
            }
        }
        let e = demo::estate();
        let text = Report::new()
            .with(Fixed("One"))
            .with(Fixed("Two"))
            .render(&e, demo::now())
            .unwrap();
        assert!(
            text.ends_with("\nOne\n===\nbody of One\n\nTwo\n===\nbody of Two\n"),
            "{text}"
        );
    }

    #[test]
    fn a_failing_section_fails_the_report() {
        struct Broken;
        impl Section for Broken {
            fn title(&self) -> String {
                "Broken".to_owned()
            }
            fn render(&self, _: &Estate, _: DateTime<FixedOffset>) -> Result<String> {
                Err(crate::Error::new(crate::ErrorKind::Infeasible, "no roster"))
            }
        }
        let err = Report::standard()
            .with(Broken)
            .render(&demo::estate(), demo::now())
            .unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Infeasible);
    }
}
