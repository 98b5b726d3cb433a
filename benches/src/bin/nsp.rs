//! The Curtois–Qu nurse-rostering benchmark with Steward's roster engine.
//!
//! ```sh
//! nsp solve Instance7.txt --seconds 10 --seed 1 --out roster.json
//! nsp solve Instance7.txt --seconds 10 --seed 1 --threads 2 --out roster.json
//! nsp eval Instance7.txt roster.json
//! ```
//!
//! `solve` maps the instance into a roster request, runs the engine for the
//! given wall-clock time (with `--threads N`, N searches side by side that
//! share their best roster at 60% of the time, the best roster kept;
//! default 1) and writes the roster as JSON:
//! `{"instance": "Instance7", "objective": 1056, "hard_violations": 0,
//! "seconds": 10.0, "roster": {"A": ["D", "", …], …}}`. The objective and the
//! hard-violation count are recomputed from the instance alone (not taken
//! from the engine's incremental score). `eval` recomputes them from the two
//! files and says whether they agree with the file's own claim.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use serde::ser::{SerializeMap, Serializer};
use steward::roster::{Hooks, nsp};

const USAGE: &str = "usage:\n  nsp solve <InstanceN.txt> --seconds S --seed K [--threads N] --out roster.json [--quiet]\n  nsp eval <InstanceN.txt> <roster.json>";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("solve") => solve(&args[1..]),
        Some("eval") => eval(&args[1..]),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("nsp: {e}");
            ExitCode::FAILURE
        }
    }
}

fn instance_name(path: &Path) -> String {
    path.file_stem().map_or_else(
        || "instance".to_owned(),
        |s| s.to_string_lossy().into_owned(),
    )
}

fn read_instance(path: &Path) -> Result<nsp::NspInstance, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    nsp::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

struct Ordered<'a>(&'a [(String, Vec<String>)]);

impl serde::Serialize for Ordered<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[derive(serde::Serialize)]
struct Output<'a> {
    instance: &'a str,
    objective: u64,
    hard_violations: usize,
    seconds: f64,
    roster: Ordered<'a>,
}

fn solve(args: &[String]) -> Result<(), String> {
    let mut file: Option<PathBuf> = None;
    let mut seconds = 10.0f64;
    let mut seed = 1u64;
    let mut threads = 1usize;
    let mut out: Option<PathBuf> = None;
    let mut quiet = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => {
                seconds = it
                    .next()
                    .and_then(|s| s.parse().ok())
                    .filter(|s: &f64| s.is_finite() && *s > 0.0)
                    .ok_or("--seconds needs a positive number")?
            }
            "--seed" => {
                seed = it
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or("--seed needs an integer")?
            }
            "--threads" => {
                threads = it
                    .next()
                    .and_then(|s| s.parse().ok())
                    .filter(|t| (1..=steward::roster::MAX_THREADS as usize).contains(t))
                    .ok_or("--threads needs an integer from 1 to 64")?
            }
            "--out" => out = Some(PathBuf::from(it.next().ok_or("--out needs a path")?)),
            "--quiet" => quiet = true,
            s if file.is_none() && !s.starts_with("--") => file = Some(PathBuf::from(s)),
            s => return Err(format!("unexpected argument {s:?}\n{USAGE}")),
        }
    }
    let file = file.ok_or(USAGE)?;
    let name = instance_name(&file);
    let inst = read_instance(&file)?;
    let started = Instant::now();
    let mut last = 0i64;
    let mut progress = |p: &steward::roster::Progress| {
        if !quiet && (p.best.hard, p.best.soft) != (last, 0) {
            last = p.best.hard;
            eprintln!(
                "  {:>7.2}s  hard {:>6}  soft {:>8}  moves {}",
                p.elapsed.as_secs_f64(),
                p.best.hard,
                p.best.soft,
                p.moves
            );
        }
        true
    };
    let hooks = Hooks {
        cancel: None,
        progress: Some(&mut progress),
    };
    let sol = nsp::solve(&inst, &name, seconds, seed, threads, hooks).map_err(|e| e.to_string())?;
    let elapsed = started.elapsed().as_secs_f64();
    let score = inst.evaluate(&sol.rows()).map_err(|e| e.to_string())?;
    let output = Output {
        instance: &name,
        objective: score.objective,
        hard_violations: score.hard_violations,
        seconds: (elapsed * 100.0).round() / 100.0,
        roster: Ordered(&sol.roster),
    };
    let json = serde_json::to_string(&output).map_err(|e| e.to_string())?;
    match out {
        Some(path) => std::fs::write(&path, json + "\n")
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => println!("{json}"),
    }
    eprintln!(
        "{name}: objective {} hard_violations {} (engine {}), {:.2}s, {} moves, stopped by {}",
        score.objective, score.hard_violations, sol.score, elapsed, sol.moves, sol.stopped_by
    );
    Ok(())
}

#[derive(serde::Deserialize)]
struct Input {
    #[serde(default)]
    objective: Option<u64>,
    #[serde(default)]
    hard_violations: Option<usize>,
    roster: BTreeMap<String, Vec<String>>,
}

fn eval(args: &[String]) -> Result<(), String> {
    let [instance, roster] = args else {
        return Err(USAGE.to_owned());
    };
    let inst = read_instance(Path::new(instance))?;
    let text = std::fs::read_to_string(roster).map_err(|e| format!("cannot read {roster}: {e}"))?;
    let input: Input = serde_json::from_str(&text).map_err(|e| format!("{roster}: {e}"))?;
    let score = inst.evaluate(&input.roster).map_err(|e| e.to_string())?;
    println!(
        "objective {} (requests {}, cover {}), hard_violations {}",
        score.objective, score.requests, score.cover, score.hard_violations
    );
    for h in score.hard.iter().take(20) {
        println!("  hard: {h}");
    }
    if let Some(claimed) = input.objective
        && claimed != score.objective
    {
        return Err(format!(
            "the file claims objective {claimed}, recomputed {}",
            score.objective
        ));
    }
    if let Some(claimed) = input.hard_violations
        && claimed != score.hard_violations
    {
        return Err(format!(
            "the file claims {claimed} hard violations, recomputed {}",
            score.hard_violations
        ));
    }
    Ok(())
}
