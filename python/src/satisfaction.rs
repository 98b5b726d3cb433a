//! Satisfaction scoring from Python: the score document call (with an
//! `Estate` object or an estate in the request), an incremental accumulator,
//! and the columnar path reading NumPy arrays (or anything exposing
//! `__array_interface__`) in place, without per-row Python objects.

use std::sync::{Mutex, PoisonError};

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use steward::satisfaction::{
    Accumulator, ColumnConfig, Columns, ResponseRecord, ScoreConfig, score_columns,
};

use crate::conv::{self, Document};
use crate::errors::{core_error, run, wrong_type};
use crate::estate::Estate;

fn document(obj: &Bound<'_, PyAny>, what: &str, function: &str) -> PyResult<Document> {
    if let Some(doc) = conv::text_document(obj)? {
        return Ok(doc);
    }
    if let Some(doc) = conv::mapping_document(obj, what)? {
        return Ok(doc);
    }
    Err(wrong_type(
        function,
        &format!("a {what} as dict, JSON str or bytes"),
        obj,
    ))
}

/// Runs a score request; with `estate` (a `steward.Estate`), the request
/// must leave out its own.
#[pyfunction]
#[pyo3(signature = (request, estate = None))]
pub(crate) fn satisfaction_score(
    py: Python<'_>,
    request: &Bound<'_, PyAny>,
    estate: Option<&Bound<'_, Estate>>,
) -> PyResult<String> {
    let doc = document(
        request,
        "satisfaction request",
        "steward.satisfaction.score()",
    )?;
    match estate {
        None => run(py, move || steward::satisfaction::score_entry(doc.bytes())),
        Some(e) => {
            let e = e.get();
            run(py, move || {
                steward::satisfaction::score_with_estate(doc.bytes(), &e.inner)
            })
        }
    }
}

/// Incremental scoring: add responses one at a time (or in batches) and ask
/// for the result at any point.
#[pyclass(frozen, module = "steward._steward", name = "SatisfactionAccumulator")]
pub(crate) struct SatisfactionAccumulator {
    inner: Mutex<Accumulator>,
}

fn lock(m: &Mutex<Accumulator>) -> std::sync::MutexGuard<'_, Accumulator> {
    // A panic while adding cannot leave half an observation: every add
    // validates first. Keep going with the data as it is.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[pymethods]
impl SatisfactionAccumulator {
    #[new]
    #[pyo3(signature = (as_of, config = None, estate = None))]
    fn new(
        py: Python<'_>,
        as_of: &str,
        config: Option<&Bound<'_, PyAny>>,
        estate: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<SatisfactionAccumulator> {
        let as_of = chrono::DateTime::parse_from_rfc3339(as_of).map_err(|e| {
            core_error(
                py,
                &steward::Error::invalid(
                    "satisfaction accumulator",
                    vec![steward::Issue::new(
                        "as_of",
                        steward::wire::render_str(as_of),
                        steward::IssueCode::InvalidValue,
                        format!(
                            "invalid value: expected an RFC 3339 timestamp with offset such as \"2022-12-14T08:30:00+08:00\", found {as_of:?} ({e})"
                        ),
                    )],
                ),
            )
        })?;
        let config = match config.filter(|c| !c.is_none()) {
            None => None,
            Some(c) => Some(document(
                c,
                "satisfaction configuration",
                "steward.satisfaction.Accumulator()",
            )?),
        };
        let estate: Option<steward::Estate> = match estate.filter(|e| !e.is_none()) {
            None => None,
            Some(e) => match e.cast::<Estate>() {
                Ok(e) => Some(e.get().inner.clone()),
                Err(_) => Some({
                    let doc = document(e, "estate", "steward.satisfaction.Accumulator()")?;
                    run(py, move || doc.estate())?
                }),
            },
        };
        let acc = run(py, move || {
            let config: ScoreConfig = match &config {
                Some(doc) => doc.parse("satisfaction configuration")?,
                None => ScoreConfig::default(),
            };
            match &estate {
                Some(e) => Accumulator::for_estate(e, &config, as_of),
                None => Accumulator::new(&config, as_of),
            }
        })?;
        Ok(SatisfactionAccumulator {
            inner: Mutex::new(acc),
        })
    }

    /// Adds response records (a list of dicts, or one dict), all or none.
    fn add(&self, py: Python<'_>, records: &Bound<'_, PyAny>) -> PyResult<()> {
        let doc = if records.cast::<PyDict>().is_ok() {
            Document::Text(format!("[{}]", conv::json_text(records, "response")?))
        } else if let Some(doc) = conv::text_document(records)? {
            doc
        } else {
            Document::Text(conv::json_text(records, "responses")?)
        };
        run(py, || {
            let parsed: Vec<ResponseRecord> = doc.parse("responses")?;
            lock(&self.inner).add_responses(&parsed, "records")
        })
    }

    /// Responses added so far.
    #[getter]
    fn responses(&self) -> u64 {
        lock(&self.inner).responses()
    }

    /// The current result as a response document (JSON).
    fn result(&self, py: Python<'_>) -> PyResult<String> {
        run(py, || {
            Ok(steward::wire::to_json(&lock(&self.inner).response()))
        })
    }

    fn __repr__(&self) -> String {
        format!("SatisfactionAccumulator(responses={})", self.responses())
    }
}

/// A 1-D, C-contiguous array read in place through `__array_interface__`.
struct ArrayView {
    ptr: usize,
    len: usize,
}

fn array_view(
    obj: &Bound<'_, PyAny>,
    name: &str,
    typestr: &[&str],
    align: usize,
) -> PyResult<ArrayView> {
    let bad = |msg: String| PyTypeError::new_err(format!("{name}: {msg}"));
    let iface = obj.getattr("__array_interface__").map_err(|_| {
        bad("expected an array exposing __array_interface__ (a NumPy array)".into())
    })?;
    let iface = iface
        .cast::<PyDict>()
        .map_err(|_| bad("__array_interface__ is not a dict".into()))?;
    let get = |k: &str| -> PyResult<Bound<'_, PyAny>> {
        iface
            .get_item(k)?
            .ok_or_else(|| bad(format!("__array_interface__ has no {k:?}")))
    };
    let ts: String = get("typestr")?.extract()?;
    if !typestr.contains(&ts.as_str()) {
        return Err(bad(format!(
            "expected dtype {} (native byte order), found {ts}",
            typestr.join(" or ")
        )));
    }
    let shape: Vec<usize> = get("shape")?.extract()?;
    let [len] = shape[..] else {
        return Err(bad(format!("expected a 1-D array, found shape {shape:?}")));
    };
    if let Some(strides) = iface.get_item("strides")?.filter(|s| !s.is_none()) {
        let strides: Vec<isize> = strides.extract()?;
        if len > 1 && strides.first() != Some(&(align as isize)) {
            return Err(bad(
                "expected a contiguous array (use numpy.ascontiguousarray)".into(),
            ));
        }
    }
    let (ptr, _readonly): (usize, bool) = get("data")?.extract()?;
    if len > 0 && (ptr == 0 || ptr % align != 0) {
        return Err(bad("the array's data is NULL or misaligned".into()));
    }
    if iface.get_item("mask")?.is_some_and(|m| !m.is_none()) {
        return Err(bad("masked arrays are not supported".into()));
    }
    Ok(ArrayView { ptr, len })
}

fn f64_bytes<'py>(py: Python<'py>, v: &[f64]) -> Bound<'py, PyBytes> {
    let mut out = Vec::with_capacity(v.len() * 8);
    for x in v {
        out.extend_from_slice(&x.to_ne_bytes());
    }
    PyBytes::new(py, &out)
}

/// Scores columns read in place: `groups` (uint32), `scores` (uint8) and
/// optionally `at` (int64 seconds since the epoch, for decay). Returns a
/// dict of raw native-endian column bytes plus the total and counts; the
/// Python wrapper turns them into NumPy arrays.
#[pyfunction]
#[pyo3(signature = (groups, scores, at = None, as_of = 0, config = None))]
pub(crate) fn satisfaction_score_columns<'py>(
    py: Python<'py>,
    groups: &Bound<'py, PyAny>,
    scores: &Bound<'py, PyAny>,
    at: Option<&Bound<'py, PyAny>>,
    as_of: i64,
    config: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let g = array_view(groups, "groups", &["<u4", "=u4"], 4)?;
    let s = array_view(scores, "scores", &["|u1", "<u1", "=u1"], 1)?;
    let t = match at.filter(|a| !a.is_none()) {
        Some(a) => Some(array_view(a, "at", &["<i8", "=i8"], 8)?),
        None => None,
    };
    if cfg!(target_endian = "big") {
        return Err(PyValueError::new_err(
            "the columnar path reads little-endian arrays only",
        ));
    }
    let config: ColumnConfig = match config.filter(|c| !c.is_none()) {
        Some(c) => {
            let doc = document(c, "column configuration", "score_columns()")?;
            doc.parse("satisfaction column configuration")
                .map_err(|e| core_error(py, &e))?
        }
        None => ColumnConfig::default(),
    };
    // SAFETY: each view was checked above to describe a live, aligned,
    // contiguous 1-D buffer of `len` elements of the right type; the arrays
    // are referenced by this call's arguments, so they outlive the slices,
    // which are only read, and only during this call (callers must not
    // resize or write them from another thread meanwhile — documented).
    let (gs, ss, ts): (&[u32], &[u8], Option<&[i64]>) = unsafe {
        (
            if g.len == 0 {
                &[]
            } else {
                std::slice::from_raw_parts(g.ptr as *const u32, g.len)
            },
            if s.len == 0 {
                &[]
            } else {
                std::slice::from_raw_parts(s.ptr as *const u8, s.len)
            },
            t.as_ref().map(|t| {
                if t.len == 0 {
                    &[][..]
                } else {
                    std::slice::from_raw_parts(t.ptr as *const i64, t.len)
                }
            }),
        )
    };
    let out = run(py, move || {
        score_columns(
            &Columns {
                groups: gs,
                scores: ss,
                at: ts,
                as_of,
            },
            &config,
        )
    })?;
    let d = PyDict::new(py);
    d.set_item("status", PyBytes::new(py, &out.status))?;
    let n: Vec<u8> = out.n.iter().flat_map(|x| x.to_ne_bytes()).collect();
    d.set_item("n", PyBytes::new(py, &n))?;
    for (name, col) in out.float_columns() {
        d.set_item(name, f64_bytes(py, col))?;
    }
    d.set_item("distribution", f64_bytes(py, &out.distribution))?;
    d.set_item("levels", out.levels)?;
    d.set_item("excluded", out.excluded)?;
    d.set_item("total", conv::to_python(py, &out.total)?)?;
    Ok(d)
}
