//! Concurrency: threads of this process and threads of other processes use
//! one database file at once, each with its own `Store`. Under that load no
//! update may be lost and no "database is locked" (or any storage error) may
//! reach a caller; a reader never sees half of a save.
//!
//! Every worker does a random mix of:
//! - adding its own work orders (two events each): must always succeed;
//! - appending `on_hold` / `resumed` events to four *shared* orders (a
//!   read-check-write race on the same rows): an event is refused only with
//!   `conflict` when another worker changed the order's state first;
//! - reading the estate: it must validate and its "gen" marks must agree;
//! - read-modify-write saves of the whole estate: succeed, or `conflict`
//!   when another worker added records in between (never silently dropped).
//!
//! At the end every successful add and append must be stored: each shared
//! order has exactly 3 + (successful appends) events. The load is
//! `STEWARD_CONCURRENCY_THREADS` threads here (default 4) plus
//! `STEWARD_CONCURRENCY_PROCESSES` processes (default 3) of 2 threads, each
//! worker doing `STEWARD_CONCURRENCY_OPS` operations (default 60).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use steward::{ErrorKind, Estate, Store, WorkOrderEvent, WorkOrderId};

use crate::crash::{generations, mark, order};
use crate::{Rng, base_estate, child_role, env_number, integrity, seed, spawn_child};

const HOT: [&str; 4] = ["H1", "H2", "H3", "H4"];

/// What one worker did.
#[derive(Default, Serialize, Deserialize)]
struct Tally {
    added: Vec<String>,
    appended: BTreeMap<String, usize>,
    append_conflicts: usize,
    saves: usize,
    save_conflicts: usize,
    reads: usize,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.added.extend(other.added);
        for (k, v) in other.appended {
            *self.appended.entry(k).or_default() += v;
        }
        self.append_conflicts += other.append_conflicts;
        self.saves += other.saves;
        self.save_conflicts += other.save_conflicts;
        self.reads += other.reads;
    }
}

fn hold_or_resume(hold: bool) -> WorkOrderEvent {
    let json = if hold {
        r#"{"type":"on_hold","at":"2022-12-15T09:00:00+08:00","reason":"third_party"}"#
    } else {
        r#"{"type":"resumed","at":"2022-12-15T09:00:00+08:00"}"#
    };
    serde_json::from_str(json).unwrap()
}

fn check_snapshot(estate: &Estate, who: &str) {
    estate
        .validate()
        .unwrap_or_else(|e| panic!("{who}: read an invalid estate: {e}"));
    let gens = generations(estate);
    assert!(
        gens.windows(2).all(|w| w[0] == w[1]),
        "{who}: read half of a save: generations {gens:?}"
    );
}

fn worker(db: &Path, who: &str, ops: usize, seed: u64) -> Tally {
    let mut rng = Rng(seed);
    let mut store = Store::open(db).unwrap_or_else(|e| panic!("{who}: open: {e}"));
    let id = base_estate().id;
    let mut t = Tally::default();
    for n in 0..ops {
        match rng.below(20) {
            0..=6 => {
                let oid = format!("{who}-{n}");
                store
                    .add_work_order(&id, &order(&oid, 2))
                    .unwrap_or_else(|e| panic!("{who}: add {oid}: {e}"));
                t.added.push(oid);
            }
            7..=13 => {
                let hot = HOT[rng.below(4) as usize];
                let oid = WorkOrderId::new(hot).unwrap();
                let first = rng.below(2) == 0;
                let mut done = false;
                for hold in [first, !first] {
                    match store.append_event(&id, &oid, &hold_or_resume(hold)) {
                        Ok(_) => {
                            *t.appended.entry(hot.to_owned()).or_default() += 1;
                            done = true;
                            break;
                        }
                        Err(e) if e.kind() == ErrorKind::Conflict => {}
                        Err(e) => panic!("{who}: append to {hot}: {e}"),
                    }
                }
                if !done {
                    t.append_conflicts += 1;
                }
            }
            14..=16 => {
                let estate = store
                    .load_estate(&id)
                    .unwrap_or_else(|e| panic!("{who}: load: {e}"));
                check_snapshot(&estate, who);
                let hot = store
                    .work_order(&id, &WorkOrderId::new(HOT[0]).unwrap())
                    .unwrap_or_else(|e| panic!("{who}: work order: {e}"));
                assert!(hot.events.len() >= 3);
                t.reads += 1;
            }
            _ => {
                let mut estate = store
                    .load_estate(&id)
                    .unwrap_or_else(|e| panic!("{who}: load for save: {e}"));
                let g = generations(&estate)[0] + 1;
                mark(&mut estate, g);
                match store.save_estate(&estate) {
                    Ok(()) => t.saves += 1,
                    Err(e) if e.kind() == ErrorKind::Conflict => t.save_conflicts += 1,
                    Err(e) => panic!("{who}: save: {e}"),
                }
            }
        }
    }
    t
}

fn threads(db: &Path, prefix: &str, count: usize, ops: usize, seed: u64) -> Tally {
    let tallies: Vec<Tally> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..count)
            .map(|i| {
                let who = format!("{prefix}t{i}");
                s.spawn(move || worker(db, &who, ops, seed ^ ((i as u64 + 1) * 0x9E37)))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut all = Tally::default();
    for t in tallies {
        all.merge(t);
    }
    all
}

/// A worker process: two threads, then one `TALLY <json>` line.
#[test]
fn child_worker() {
    if child_role().as_deref() != Some("concurrency-worker") {
        return;
    }
    let db = std::env::var("STEWARD_CHILD_DB").unwrap();
    let who = std::env::var("STEWARD_CHILD_NAME").unwrap();
    let seed: u64 = std::env::var("STEWARD_CHILD_SEED")
        .unwrap()
        .parse()
        .unwrap();
    let ops = env_number("STEWARD_CONCURRENCY_OPS", 60);
    let tally = threads(Path::new(&db), &who, 2, ops, seed);
    println!("TALLY {}", serde_json::to_string(&tally).unwrap());
}

#[test]
fn threads_and_processes_lose_nothing_and_never_see_locked() {
    if child_role().is_some() {
        return;
    }
    let nthreads = env_number("STEWARD_CONCURRENCY_THREADS", 4);
    let nprocs = env_number("STEWARD_CONCURRENCY_PROCESSES", 3);
    let ops = env_number("STEWARD_CONCURRENCY_OPS", 60);
    let seed = seed();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    {
        let mut store = Store::open(&db).unwrap();
        let mut estate = base_estate();
        for hot in HOT {
            // In progress: triaged, assigned, started.
            estate.work_orders.push(order(hot, 3));
        }
        store.save_estate(&estate).unwrap();
    }
    let children: Vec<_> = (0..nprocs)
        .map(|p| {
            spawn_child(
                "concurrency::child_worker",
                "concurrency-worker",
                &[
                    ("STEWARD_CHILD_DB", db.display().to_string()),
                    ("STEWARD_CHILD_NAME", format!("p{p}")),
                    ("STEWARD_CHILD_SEED", (seed ^ (p as u64 + 100)).to_string()),
                    ("STEWARD_CONCURRENCY_OPS", ops.to_string()),
                ],
            )
        })
        .collect();
    let mut total = threads(&db, "main", nthreads, ops, seed);
    for (p, (mut child, rx)) in children.into_iter().enumerate() {
        let lines: Vec<String> = rx.iter().collect();
        let status = child.wait().unwrap();
        assert!(status.success(), "worker process p{p} failed ({status})");
        let tally = lines
            .iter()
            .find_map(|l| l.strip_prefix("TALLY "))
            .unwrap_or_else(|| panic!("worker process p{p} reported nothing"));
        total.merge(serde_json::from_str(tally).unwrap());
    }

    let (ok, broken) = integrity(&db);
    assert_eq!((ok.as_str(), broken), ("ok", 0));
    let store = Store::open(&db).unwrap();
    let estate = store.load_estate(&base_estate().id).unwrap();
    check_snapshot(&estate, "final");
    let stored: BTreeMap<&str, usize> = estate
        .work_orders
        .iter()
        .map(|o| (o.id.as_str(), o.events.len()))
        .collect();
    for oid in &total.added {
        assert_eq!(
            stored.get(oid.as_str()),
            Some(&2),
            "order {oid} lost or torn"
        );
    }
    for hot in HOT {
        let appended = total.appended.get(hot).copied().unwrap_or(0);
        assert_eq!(
            stored[hot],
            3 + appended,
            "{hot}: {appended} appends succeeded but {} events are stored",
            stored[hot] - 3
        );
    }
    assert_eq!(
        stored.len(),
        base_estate().work_orders.len() + HOT.len() + total.added.len()
    );
    let workers = nthreads + 2 * nprocs;
    eprintln!(
        "concurrency: {nthreads} threads + {nprocs} processes x 2 threads = {workers} stores on one file, \
         {ops} ops each ({} ops): {} adds, {} appends to 4 shared orders ({} refused as conflict), \
         {} reads, {} saves ({} refused as conflict); nothing lost, no storage error (seed {seed})",
        workers * ops,
        total.added.len(),
        total.appended.values().sum::<usize>(),
        total.append_conflicts,
        total.reads,
        total.saves,
        total.save_conflicts
    );
}
