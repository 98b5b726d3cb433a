//! The roster engine from Python: solve, evaluate, repair and NSP import, as
//! JSON documents in and out (the typed objects are in `steward/roster.py`).
//!
//! A solve runs with the GIL released; the progress callable, if any, is
//! called with the GIL reacquired only for the call itself.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use pyo3::prelude::*;

use crate::conv::{self, Document};
use crate::errors::{run, wrong_type};

/// A cancellation flag: `token.cancel()` (from any thread) stops a running
/// solve or repair, which then returns the best roster found so far.
#[pyclass(frozen, module = "steward._steward", name = "CancelToken")]
pub(crate) struct CancelToken {
    flag: Arc<AtomicBool>,
}

#[pymethods]
impl CancelToken {
    #[new]
    fn new() -> CancelToken {
        CancelToken {
            flag: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Asks the search to stop.
    fn cancel(&self) {
        self.flag.store(true, Ordering::Relaxed);
    }

    /// Whether `cancel()` was called.
    #[getter]
    fn cancelled(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }

    fn __repr__(&self) -> String {
        format!(
            "CancelToken(cancelled={})",
            if self.cancelled() { "True" } else { "False" }
        )
    }
}

fn document(obj: &Bound<'_, PyAny>, function: &str) -> PyResult<Document> {
    if let Some(doc) = conv::text_document(obj)? {
        return Ok(doc);
    }
    if let Some(doc) = conv::mapping_document(obj, "roster request")? {
        return Ok(doc);
    }
    Err(wrong_type(
        function,
        "a roster request as a dict, or a JSON str or bytes",
        obj,
    ))
}

#[derive(Clone, Copy)]
enum Verb {
    Solve,
    Repair,
}

fn search(
    py: Python<'_>,
    verb: Verb,
    request: &Bound<'_, PyAny>,
    progress: Option<Py<PyAny>>,
    cancel: Option<&Bound<'_, CancelToken>>,
) -> PyResult<String> {
    let name = match verb {
        Verb::Solve => "roster_solve()",
        Verb::Repair => "roster_repair()",
    };
    let doc = document(request, name)?;
    let flag = cancel.map(|c| c.get().flag.clone());
    let failure: Mutex<Option<PyErr>> = Mutex::new(None);
    let result = run(py, || {
        let request = steward::roster::parse_request(doc.bytes())?;
        let mut call = |p: &steward::roster::Progress| -> bool {
            let Some(f) = progress.as_ref() else {
                return true;
            };
            Python::attach(|py| {
                match f.call1(
                    py,
                    (p.elapsed.as_secs_f64(), p.best.hard, p.best.soft, p.moves),
                ) {
                    // `False` stops; anything else (None, True) goes on.
                    Ok(r) => !r.bind(py).is(pyo3::types::PyBool::new(py, false)),
                    Err(e) => {
                        *failure.lock().unwrap_or_else(PoisonError::into_inner) = Some(e);
                        false
                    }
                }
            })
        };
        let hooks = steward::roster::Hooks {
            cancel: flag.as_deref(),
            progress: Some(&mut call),
        };
        let response = match verb {
            Verb::Solve => steward::roster::solve(&request, hooks)?,
            Verb::Repair => steward::roster::repair(&request, hooks)?,
        };
        Ok(response.to_json())
    });
    if let Some(e) = failure.into_inner().unwrap_or_else(PoisonError::into_inner) {
        return Err(e);
    }
    result
}

/// Builds a roster from a `steward.roster.solve.request.v1` document; returns
/// the response document as JSON text.
#[pyfunction]
#[pyo3(signature = (request, *, progress = None, cancel = None))]
pub(crate) fn roster_solve(
    py: Python<'_>,
    request: &Bound<'_, PyAny>,
    progress: Option<Py<PyAny>>,
    cancel: Option<&Bound<'_, CancelToken>>,
) -> PyResult<String> {
    search(py, Verb::Solve, request, progress, cancel)
}

/// Repairs a published roster (`steward.roster.repair.request.v1`); returns
/// the response document as JSON text.
#[pyfunction]
#[pyo3(signature = (request, *, progress = None, cancel = None))]
pub(crate) fn roster_repair(
    py: Python<'_>,
    request: &Bound<'_, PyAny>,
    progress: Option<Py<PyAny>>,
    cancel: Option<&Bound<'_, CancelToken>>,
) -> PyResult<String> {
    search(py, Verb::Repair, request, progress, cancel)
}

/// Scores and explains a roster (`steward.roster.evaluate.request.v1`);
/// returns the response document as JSON text.
#[pyfunction]
pub(crate) fn roster_evaluate(py: Python<'_>, request: &Bound<'_, PyAny>) -> PyResult<String> {
    let doc = document(request, "roster_evaluate()")?;
    run(py, move || {
        let request = steward::roster::parse_request(doc.bytes())?;
        Ok(steward::roster::evaluate(&request)?.to_json())
    })
}

/// Maps a Curtois–Qu instance (its text) into a solve request; returns the
/// request document as JSON text.
#[pyfunction]
pub(crate) fn roster_nsp_import(py: Python<'_>, text: String, name: String) -> PyResult<String> {
    run(py, move || {
        let instance = steward::roster::nsp::parse(&text).map_err(steward::Error::from)?;
        Ok(steward::wire::to_json(&instance.to_request(&name)?))
    })
}

/// The demo estate's request for `"normal"` (the week of the demo's now) or
/// `"closed"` (the first closed-management week), as JSON text.
#[pyfunction]
#[pyo3(signature = (week = "normal"))]
pub(crate) fn roster_demo_request(py: Python<'_>, week: &str) -> PyResult<String> {
    let week = match week {
        "normal" => steward::roster::DemoWeek::Normal,
        "closed" => steward::roster::DemoWeek::Closed,
        other => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "roster_demo_request(): week must be \"normal\" or \"closed\", found {other:?}"
            )));
        }
    };
    run(py, move || {
        Ok(steward::wire::to_json(&steward::roster::demo_request(week)))
    })
}
