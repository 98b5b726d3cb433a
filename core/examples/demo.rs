//! The README's main job: build the demo estate, write it to a SQLite
//! database, load it back, check that nothing changed, and print the report.
//!
//! ```sh
//! cargo run --release --example demo                 # writes ./steward-demo.db
//! cargo run --release --example demo -- other.db     # or another path
//! ```
//!
//! The database is a demo: an existing file at the path is replaced (with its
//! `-wal` and `-shm` companions), unless it is not a SQLite database, in
//! which case the demo refuses to touch it.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use steward::report::Report;
use steward::{Estate, Store, demo};

const DEFAULT_PATH: &str = "steward-demo.db";

fn main() -> ExitCode {
    let path = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from(DEFAULT_PATH), PathBuf::from);
    match run(&path) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("demo failed: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(path: &Path) -> Result<(), String> {
    remove_old_database(path)?;

    let estate = demo::estate();
    let mut store =
        Store::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    store
        .save_estate(&estate)
        .map_err(|e| format!("cannot save the demo estate: {e}"))?;
    let loaded = store
        .load_estate(&estate.id)
        .map_err(|e| format!("cannot load the demo estate back: {e}"))?;
    if loaded != estate {
        return Err(format!(
            "the estate loaded back from {} differs from the one saved (in: {})",
            path.display(),
            differences(&estate, &loaded).join(", ")
        ));
    }
    let schema = store
        .schema_version()
        .map_err(|e| format!("cannot read the schema version: {e}"))?;

    let report = Report::standard()
        .with(steward::dispatch::TodaysQueue::default())
        .with(steward::satisfaction::SatisfactionSection::default())
        .with(steward::roster::RosterSection)
        .render(&loaded, demo::now())
        .map_err(|e| format!("cannot render the report: {e}"))?;
    println!("{report}");

    let shown = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    println!(
        "Database written to {} (schema version {schema}); the estate loaded back equal to the one saved.",
        shown.display()
    );
    Ok(())
}

/// Deletes a previous demo database and its WAL files. Refuses a directory
/// or a non-empty file that is not a SQLite database, so a mistyped path
/// cannot destroy something else.
fn remove_old_database(path: &Path) -> Result<(), String> {
    if path.is_dir() {
        return Err(format!("{} is a directory", path.display()));
    }
    if path.exists() {
        let mut header = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(16).read_to_end(&mut header))
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if !header.is_empty() && header != b"SQLite format 3\0" {
            return Err(format!(
                "{} exists and is not a SQLite database; not replacing it",
                path.display()
            ));
        }
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut name = OsString::from(path.as_os_str());
        name.push(suffix);
        match std::fs::remove_file(&name) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(format!("cannot remove {}: {e}", Path::new(&name).display()));
            }
        }
    }
    Ok(())
}

/// Which parts of two estates differ, for a useful failure message.
fn differences(a: &Estate, b: &Estate) -> Vec<&'static str> {
    let checks = [
        (
            "header",
            a.id == b.id && a.name == b.name && a.utc_offset == b.utc_offset,
        ),
        ("company", a.company == b.company),
        ("buildings", a.buildings == b.buildings),
        ("households", a.households == b.households),
        ("residents", a.residents == b.residents),
        ("staff", a.staff == b.staff),
        ("volunteers", a.volunteers == b.volunteers),
        ("stakeholders", a.stakeholders == b.stakeholders),
        ("meeting_items", a.meeting_items == b.meeting_items),
        ("shift_types", a.shift_types == b.shift_types),
        ("posts", a.posts == b.posts),
        (
            "operating_periods",
            a.operating_periods == b.operating_periods,
        ),
        ("work_orders", a.work_orders == b.work_orders),
        ("dimensions", a.dimensions == b.dimensions),
        ("ratings", a.ratings == b.ratings),
        ("survey_responses", a.survey_responses == b.survey_responses),
    ];
    checks
        .into_iter()
        .filter(|(_, same)| !same)
        .map(|(what, _)| what)
        .collect()
}
