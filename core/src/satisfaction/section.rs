//! The satisfaction section of the estate report.

use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset};

use super::config::{GroupKey, Grouping, ScoreConfig, Source};
use super::result::{Cell, DriverModel, Estimate, GroupScore, ScoreResult};
use crate::report::Section;
use crate::{Estate, Result};

/// Satisfaction by building and by dimension with intervals (survey
/// responses, buildings shrunk toward the estate), post-service ratings,
/// the drivers of the overall score and of post-service ratings, and SLA
/// attainment by category. Groups below the anonymity threshold are shown
/// as suppressed, never with numbers.
///
/// Surveys and post-service ratings are scored separately (two runs of
/// [`score`](super::score)): they measure different things, and mixing them
/// in one mean would let the survey dominate.
///
/// ```
/// use steward::report::{Report, Section};
/// use steward::satisfaction::SatisfactionSection;
/// let text = SatisfactionSection::default().render(&steward::demo::estate(), steward::demo::now())?;
/// assert!(text.contains("B9"));
/// assert!(text.contains("suppressed"));
/// # Ok::<(), steward::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct SatisfactionSection {
    config: ScoreConfig,
}

impl SatisfactionSection {
    /// The section with another configuration (threshold, decay, weights,
    /// SLA targets…); its sources and groupings are set by the section.
    pub fn with_config(config: ScoreConfig) -> SatisfactionSection {
        SatisfactionSection { config }
    }

    fn surveys(&self) -> ScoreConfig {
        self.config
            .clone()
            .with_sources(&[Source::Survey])
            .with_groupings(vec![Grouping::by(&[GroupKey::Building])])
    }

    fn ratings(&self) -> ScoreConfig {
        self.config
            .clone()
            .with_sources(&[Source::Rating])
            .with_groupings(vec![
                Grouping::by(&[GroupKey::Category]),
                Grouping::by(&[GroupKey::Staff]),
            ])
    }
}

fn est(e: &Estimate, scale: f64, decimals: usize) -> String {
    let v = |x: f64| format!("{:.d$}", x * scale, d = decimals);
    match (e.ci_low, e.ci_high) {
        (Some(lo), Some(hi)) => format!("{} [{}, {}]", v(e.value), v(lo), v(hi)),
        _ => format!("{} [n too small]", v(e.value)),
    }
}

fn shrunk(e: &Estimate, scale: f64, decimals: usize) -> String {
    let v = |x: f64| format!("{:.d$}", x * scale, d = decimals);
    match &e.shrunk {
        Some(s) => format!("{} [{}, {}]", v(s.value), v(s.ci_low), v(s.ci_high)),
        None => "—".to_owned(),
    }
}

fn drivers_lines(out: &mut String, title: &str, model: Option<&Cell<DriverModel>>) {
    match model {
        None => {}
        Some(Cell::Suppressed(s)) => {
            let _ = writeln!(out, "{title}: not shown ({}).", s.message);
        }
        Some(Cell::Published(m)) => {
            let r2 = m
                .r_squared
                .map_or_else(|| "not fitted".to_owned(), |r| format!("R² = {r:.2}"));
            let _ = writeln!(
                out,
                "{title} (standardised OLS beta weights and Pearson r with 95% CI; n = {}, {r2}):",
                m.n
            );
            for d in m.drivers.iter().take(3) {
                let beta = d
                    .beta
                    .map_or_else(|| "β —".to_owned(), |b| format!("β {b:+.2}"));
                let means = match (d.mean_with, d.mean_without) {
                    (Some(a), Some(b)) => format!("; mean rating {a:.2} with vs {b:.2} without"),
                    _ => String::new(),
                };
                let _ = writeln!(
                    out,
                    "  {}. {:<22} {beta}, r {} (n = {}){means}",
                    d.rank,
                    d.driver,
                    est(&d.correlation, 1.0, 2),
                    d.correlation.n
                );
            }
            for l in &m.left_out {
                let _ = writeln!(out, "  left out: {} — {}", l.driver, l.reason);
            }
        }
    }
}

fn published(g: &GroupScore) -> std::result::Result<&super::Satisfaction, Option<String>> {
    match &g.satisfaction {
        Some(Cell::Published(s)) => Ok(s),
        Some(Cell::Suppressed(s)) => Err(Some(s.message.clone())),
        None => Err(None),
    }
}

impl SatisfactionSection {
    fn body(&self, r: &ScoreResult, ratings: &ScoreResult, estate: &Estate) -> String {
        let mut out = String::new();
        let p = &r.parameters;
        let decay = p.half_life_days.map_or_else(
            || "no time decay".to_owned(),
            |h| format!("decay half-life {h:.0} days"),
        );
        let _ = writeln!(
            out,
            "{} survey responses, {} post-service ratings, {} work orders; anonymity threshold {}; {:.0}% intervals; {decay}; shrinkage toward the parent group (empirical Bayes).",
            r.responses,
            ratings.responses,
            ratings.work_orders,
            p.anonymity_threshold,
            p.confidence * 100.0
        );
        for (what, run) in [("Surveys", r), ("Post-service ratings", ratings)] {
            let Some(whole) = run.group(&[]).map(published) else {
                continue;
            };
            match whole {
                Ok(s) => {
                    let mut line = format!("{what}, whole estate: n = {}", s.n);
                    if let Some(ix) = &s.index {
                        let _ = write!(line, "; index {}", est(ix, 1.0, 1));
                    }
                    if let Some(o) = &s.overall {
                        let _ = write!(
                            line,
                            "; overall {} of 5; CSAT {}%",
                            est(&o.mean, 1.0, 2),
                            est(&o.csat, 100.0, 0)
                        );
                    }
                    if let Some(nps) = &s.nps {
                        let _ = write!(line, "; NPS {}", est(nps, 1.0, 0));
                    }
                    let _ = writeln!(out, "{line}");
                }
                Err(why) => {
                    let _ = writeln!(
                        out,
                        "{what}, whole estate: suppressed ({}).",
                        why.unwrap_or_default()
                    );
                }
            }
        }

        let _ = writeln!(
            out,
            "\nBy building (survey responses; index 0–100, raw and shrunk toward the estate):"
        );
        let _ = writeln!(
            out,
            "  {:<10} {:>4}  {:<20} {:<20} {:<16} NPS",
            "building", "n", "index [95% CI]", "shrunk [95% CI]", "CSAT % [95% CI]"
        );
        for b in &estate.buildings {
            let g = r.group(&[(GroupKey::Building, b.id.as_str())]);
            let Some(g) = g else {
                let _ = writeln!(out, "  {:<10} no survey responses", b.id.as_str());
                continue;
            };
            match published(g) {
                Ok(s) => {
                    let (ix, sh) = s.index.as_ref().map_or_else(
                        || ("—".to_owned(), "—".to_owned()),
                        |ix| (est(ix, 1.0, 1), shrunk(ix, 1.0, 1)),
                    );
                    let csat = s
                        .overall
                        .as_ref()
                        .map_or_else(|| "—".to_owned(), |o| est(&o.csat, 100.0, 0));
                    let nps = s
                        .nps
                        .as_ref()
                        .map_or_else(|| "—".to_owned(), |n| format!("{:+.0}", n.value));
                    let _ = writeln!(
                        out,
                        "  {:<10} {:>4}  {ix:<20} {sh:<20} {csat:<16} {nps}",
                        b.id.as_str(),
                        s.n
                    );
                }
                Err(why) => {
                    let _ = writeln!(
                        out,
                        "  {:<10} {:>4}  suppressed: {}",
                        b.id.as_str(),
                        "—",
                        why.unwrap_or_default()
                    );
                }
            }
        }

        if let Some(Ok(s)) = r.group(&[]).map(published) {
            let _ = writeln!(
                out,
                "\nBy dimension (survey responses, whole estate; mean of 1–5 and CSAT):"
            );
            for d in &s.dimensions {
                let weight = p
                    .dimensions
                    .iter()
                    .find(|w| w.dimension == d.dimension)
                    .map_or(0.0, |w| w.share);
                match &d.score {
                    Cell::Published(sc) => {
                        let _ = writeln!(
                            out,
                            "  {:<22} weight {:>4.1}%  n = {:>3}  mean {}  CSAT {}%",
                            d.dimension.as_str(),
                            weight * 100.0,
                            sc.n,
                            est(&sc.mean, 1.0, 2),
                            est(&sc.csat, 100.0, 0)
                        );
                    }
                    Cell::Suppressed(why) => {
                        let _ = writeln!(
                            out,
                            "  {:<22} suppressed: {}",
                            d.dimension.as_str(),
                            why.message
                        );
                    }
                }
            }
            if let Some(Cell::Published(t)) = &s.trend {
                let _ = writeln!(out, "  Trend: {}", t.statement);
            }
        }

        let _ = writeln!(out);
        drivers_lines(
            &mut out,
            "Top drivers of the overall score",
            r.drivers.dimensions.as_ref(),
        );
        drivers_lines(
            &mut out,
            "Service outcomes and post-service ratings",
            ratings.drivers.service.as_ref(),
        );

        let _ = writeln!(
            out,
            "\nSLA attainment by category (work orders; responded — first contact, or on site for hazards — and resolved within target; reopened):"
        );
        for g in ratings.grouping(&[GroupKey::Category]) {
            let name = g.keys.get(&GroupKey::Category).cloned().unwrap_or_default();
            match &g.service {
                Some(Cell::Published(s)) => {
                    let pct = |e: &Option<Estimate>| {
                        e.as_ref()
                            .map_or_else(|| "—".to_owned(), |e| format!("{}%", est(e, 100.0, 0)))
                    };
                    let _ = writeln!(
                        out,
                        "  {:<20} {:>3} orders  response {:<16} resolution {:<16} reopened {:.0}%",
                        name,
                        s.orders,
                        pct(&s.response_on_time),
                        pct(&s.resolution_on_time),
                        s.reopened.value * 100.0
                    );
                }
                Some(Cell::Suppressed(why)) => {
                    let _ = writeln!(out, "  {name:<20} suppressed: {}", why.message);
                }
                None => {}
            }
        }
        out
    }
}

impl Section for SatisfactionSection {
    fn title(&self) -> String {
        "Satisfaction".to_owned()
    }

    fn render(&self, estate: &Estate, now: DateTime<FixedOffset>) -> Result<String> {
        let surveys = super::score(estate, &self.surveys(), now)?;
        let ratings = super::score(estate, &self.ratings(), now)?;
        Ok(self.body(&surveys, &ratings, estate))
    }
}
