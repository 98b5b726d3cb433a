//! Importers for the real survey and service-request data in
//! `../shared/data/` (see its README), for the satisfaction tests and
//! benchmarks.
//!
//! They live here, not in the core: the core is pure and reads no files, and
//! each of these formats (Somerville's column names, Boston's
//! `MM/DD/YYYY hh:mm:ss AM` timestamps, a frequency table) is specific to one
//! publisher. What the core offers instead is the flat
//! [`ResponseRecord`], which any
//! importer (or a data frame, from Python) can fill.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone};
use steward::satisfaction::{DimensionSpec, ResponseRecord, Scale};
use steward::{BuildingId, DimensionId};

/// Parses CSV text (RFC 4180: quoted fields may hold commas, quotes doubled,
/// newlines) into rows of fields.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
        } else {
            match c {
                '"' => quoted = true,
                ',' => row.push(std::mem::take(&mut field)),
                '\r' => {}
                '\n' => {
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                _ => field.push(c),
            }
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// A CSV file as a header and rows of `column → value`.
pub struct Table {
    /// Column names.
    pub header: Vec<String>,
    /// Rows, as many fields as the header.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Reads a CSV file.
    pub fn read(path: &std::path::Path) -> std::io::Result<Table> {
        let text = std::fs::read_to_string(path)?;
        let mut rows = parse_csv(&text);
        let header = if rows.is_empty() {
            Vec::new()
        } else {
            rows.remove(0)
        };
        Ok(Table { header, rows })
    }

    /// Index of a column.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// A number in a cell (`None` for blank or `NA`).
    pub fn number(&self, row: &[String], column: Option<usize>) -> Option<f64> {
        let v = row.get(column?)?.trim();
        if v.is_empty() || v == "NA" {
            return None;
        }
        v.parse().ok()
    }
}

/// The Somerville survey file, relative to `../shared/`.
pub const SOMERVILLE: &str =
    "data/somerville-happiness-survey/Somerville_Happiness_Survey_responses_-_2011__2013__2015.csv";
/// The Copenhagen housing table, relative to `../shared/`.
pub const COPENHAGEN: &str = "data/copenhagen-housing-satisfaction/housing.csv";
/// The Boston 2015 folder, relative to `../shared/`.
pub const BOSTON_2015: &str = "data/boston311-2015-housing-building";

/// Somerville's overall item: satisfaction with Somerville as a place to
/// live, 1–10.
pub const SOMERVILLE_OVERALL: &str = "How.satisfied.are.you.with.Somerville.as.a.place.to.live.";

/// Somerville's 1–5 "how would you rate" items that were asked in every
/// year (under different column names), as dimensions.
pub const SOMERVILLE_DIMENSIONS: [(&str, &[&str]); 4] = [
    (
        "housing_cost",
        &[
            "The.availability.of.affordable.housing_2011",
            "How.would.you.rate.the.following..The.cost.of.housing.",
        ],
    ),
    (
        "schools",
        &[
            "How.would.you.rate.the.following..The.overall.quality.of.public.schools.in.your.community._2011",
            "How.would.you.rate.the.following..The.overall.quality.of.public.schools.",
        ],
    ),
    (
        "beauty_setting",
        &[
            "How.would.you.rate.the.following..The.beauty.or.physical.setting_2011",
            "How.would.you.rate.the.following..The.beauty.or.physical.setting.of.Somerville_2013",
        ],
    ),
    (
        "police",
        &[
            "How.would.you.rate.the.following..The.effectiveness.of.the.local.police_2011_2013",
            "How.would.you.rate.the.following..Your.trust.in.the.local.police_2015",
        ],
    ),
];

/// The dimensions of [`SOMERVILLE_DIMENSIONS`], equal weights, scale 1–5.
pub fn somerville_dimensions() -> Vec<DimensionSpec> {
    let json: Vec<serde_json::Value> = SOMERVILLE_DIMENSIONS
        .iter()
        .map(|(id, _)| serde_json::json!({"id": id, "weight": 1.0, "scale": {"min": 1, "max": 5}}))
        .collect();
    serde_json::from_value(serde_json::Value::Array(json)).unwrap_or_default()
}

/// The overall scale of the Somerville survey.
pub const SOMERVILLE_SCALE: Scale = Scale { min: 1, max: 10 };

/// Somerville responses as flat records: at = 1 July of the survey year
/// (the file has no dates), building = `W<ward>` when the ward is known,
/// overall and the four dimensions as given — data-entry errors (42 on a
/// 1–5 item, 5.5) included, for the engine to reject or count.
pub fn somerville(table: &Table) -> Vec<ResponseRecord> {
    let year = table.column("Year");
    let ward = table.column("Ward");
    let overall = table.column(SOMERVILLE_OVERALL);
    let dims: Vec<(DimensionId, Vec<Option<usize>>)> = SOMERVILLE_DIMENSIONS
        .iter()
        .filter_map(|(id, cols)| {
            Some((
                DimensionId::new(*id).ok()?,
                cols.iter().map(|c| table.column(c)).collect(),
            ))
        })
        .collect();
    let mut out = Vec::new();
    for row in &table.rows {
        let Some(y) = table.number(row, year) else {
            continue;
        };
        let at = FixedOffset::west_opt(5 * 3600)
            .and_then(|tz| tz.with_ymd_and_hms(y as i32, 7, 1, 12, 0, 0).single());
        let Some(at) = at else { continue };
        let mut r = ResponseRecord::survey(at);
        r.overall = table.number(row, overall);
        r.building = table
            .number(row, ward)
            .and_then(|w| BuildingId::new(format!("W{}", w as i64)).ok());
        for (id, cols) in &dims {
            let v = cols.iter().find_map(|c| table.number(row, *c));
            if v.is_some() {
                r.scores.insert(id.clone(), v);
            }
        }
        out.push(r);
    }
    out
}

/// The Copenhagen table expanded to one record per resident: overall =
/// satisfaction Low/Medium/High as 1/2/3, building = the housing type
/// (Tower, Apartment, Atrium, Terrace), dimensions `influence` (perceived
/// influence on management) and `contact` (with other residents) as 1–3
/// and 1–2.
pub fn copenhagen(table: &Table) -> Vec<ResponseRecord> {
    let level = |s: &str| match s {
        "Low" => Some(1.0),
        "Medium" => Some(2.0),
        "High" => Some(3.0),
        _ => None,
    };
    let (sat, infl, ty, cont, freq) = (
        table.column("Sat"),
        table.column("Infl"),
        table.column("Type"),
        table.column("Cont"),
        table.column("Freq"),
    );
    let cell = |row: &Vec<String>, c: Option<usize>| c.and_then(|c| row.get(c)).cloned();
    let at = FixedOffset::east_opt(3600)
        .and_then(|tz| tz.with_ymd_and_hms(1976, 1, 1, 12, 0, 0).single());
    let Some(at) = at else { return Vec::new() };
    let mut out = Vec::new();
    for row in &table.rows {
        let n = table.number(row, freq).unwrap_or(0.0) as usize;
        let contact = cell(row, cont).and_then(|c| match c.as_str() {
            "Low" => Some(1.0),
            "High" => Some(2.0),
            _ => None,
        });
        let mut r = ResponseRecord::survey(at);
        r.overall = cell(row, sat).and_then(|s| level(&s));
        r.building = cell(row, ty).and_then(|t| BuildingId::new(t).ok());
        let mut scores = BTreeMap::new();
        if let Ok(d) = DimensionId::new("influence") {
            scores.insert(d, cell(row, infl).and_then(|s| level(&s)));
        }
        if let Ok(d) = DimensionId::new("contact") {
            scores.insert(d, contact);
        }
        r.scores = scores;
        out.extend(std::iter::repeat_n(r, n));
    }
    out
}

/// One Boston 311 case: its type (file name), times, target and Boston's
/// own verdict.
#[derive(Debug, Clone)]
pub struct BostonCase {
    /// Case type (the file's name, e.g. `Plumbing`).
    pub kind: String,
    /// Opened.
    pub open: DateTime<FixedOffset>,
    /// Target (SLA due).
    pub target: Option<DateTime<FixedOffset>>,
    /// Closed, if it was.
    pub closed: Option<DateTime<FixedOffset>>,
    /// Boston's `OnTime_Status` (`true` = ONTIME).
    pub on_time: Option<bool>,
}

/// Parses `01/05/2015 04:07:12 PM` (Boston local time, taken as UTC−5; the
/// offset does not matter for durations within a season, and DST shifts
/// move a few cases by an hour).
pub fn boston_time(s: &str) -> Option<DateTime<FixedOffset>> {
    let naive = NaiveDateTime::parse_from_str(s.trim(), "%m/%d/%Y %I:%M:%S %p").ok()?;
    FixedOffset::west_opt(5 * 3600)?
        .from_local_datetime(&naive)
        .single()
}

/// All cases of the 2015 folder.
pub fn boston_2015(dir: &std::path::Path) -> std::io::Result<Vec<BostonCase>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let t = Table::read(&f)?;
        let kind = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (open, target, closed, ontime) = (
            t.column("OPEN_DT"),
            t.column("TARGET_DT"),
            t.column("CLOSED_DT"),
            t.column("OnTime_Status"),
        );
        for row in &t.rows {
            let get = |c: Option<usize>| c.and_then(|c| row.get(c)).map(String::as_str);
            let Some(o) = get(open).and_then(boston_time) else {
                continue;
            };
            out.push(BostonCase {
                kind: kind.clone(),
                open: o,
                target: get(target).and_then(boston_time),
                closed: get(closed).and_then(boston_time),
                on_time: match get(ontime) {
                    Some("ONTIME") => Some(true),
                    Some("OVERDUE") => Some(false),
                    _ => None,
                },
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_handles_quotes_commas_and_newlines() {
        let rows = parse_csv("a,b\n\"x, y\",\"he said \"\"hi\"\"\"\n\"multi\nline\",2\r\n");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1], ["x, y", "he said \"hi\""]);
        assert_eq!(rows[2], ["multi\nline", "2"]);
    }

    #[test]
    fn boston_times_parse() {
        let t = boston_time("01/05/2015 04:07:12 PM").unwrap();
        assert_eq!(t.to_rfc3339(), "2015-01-05T16:07:12-05:00");
    }
}
