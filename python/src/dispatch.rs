//! Dispatch: the document call (with an `Estate` object or an estate in the
//! request), the default policy, and linear sum assignment on a dense
//! matrix given as raw float64 bytes or as nested sequences.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use std::borrow::Cow;

use pyo3::types::{PyByteArray, PyBytes};

use crate::conv;
use crate::errors::{run, run_attached, wrong_type};
use crate::estate::Estate;

/// Runs a dispatch request (chosen by its `schema`); with `estate`, the
/// request must leave out its own.
#[pyfunction]
#[pyo3(signature = (document, estate = None))]
pub(crate) fn dispatch_call(
    py: Python<'_>,
    document: &Bound<'_, PyAny>,
    estate: Option<&Bound<'_, Estate>>,
) -> PyResult<String> {
    let doc = match conv::text_document(document)? {
        Some(doc) => doc,
        None => match conv::mapping_document(document, "dispatch request")? {
            Some(doc) => doc,
            None => {
                return Err(wrong_type(
                    "steward.dispatch()",
                    "a request as dict, JSON str or bytes",
                    document,
                ));
            }
        },
    };
    match estate {
        None => run(py, move || steward::dispatch::call(doc.bytes())),
        Some(e) => {
            let e = e.get();
            run(py, move || {
                steward::dispatch::call_with_estate(doc.bytes(), &e.inner)
            })
        }
    }
}

/// The default dispatch policy as JSON.
#[pyfunction]
pub(crate) fn dispatch_default_policy(py: Python<'_>) -> PyResult<String> {
    run(py, || Ok(steward::dispatch::Policy::default().to_json()))
}

/// Linear sum assignment of a row-major float64 matrix given as bytes
/// (native byte order). Returns the row indices then the column indices
/// (`min(rows, cols)` of each) as native `intp` bytes in one `bytearray`,
/// so that one `numpy.frombuffer` gives writable arrays without a copy.
#[pyfunction]
pub(crate) fn linear_sum_assignment_dense<'py>(
    py: Python<'py>,
    data: &Bound<'_, PyBytes>,
    rows: usize,
    cols: usize,
    maximize: bool,
) -> PyResult<Bound<'py, PyByteArray>> {
    /// Up to this many entries the GIL is kept: the solve takes microseconds.
    const SMALL: usize = 4096;
    let bytes = data.as_bytes();
    let expected = rows.checked_mul(cols).and_then(|n| n.checked_mul(8));
    if expected != Some(bytes.len()) {
        return Err(PyTypeError::new_err(format!(
            "linear_sum_assignment: {} bytes do not hold a {rows} × {cols} float64 matrix",
            bytes.len()
        )));
    }
    // The bytes object is immutable and held for the whole call, so the
    // solver reads it in place (no copy) when it is 8-byte aligned, as
    // CPython's allocator makes it; otherwise it is copied once.
    let matrix: Cow<'_, [f64]> = match bytemuck::try_cast_slice::<u8, f64>(bytes) {
        Ok(values) => Cow::Borrowed(values),
        Err(_) => Cow::Owned(
            bytes
                .chunks_exact(8)
                .map(|c| {
                    let mut b = [0u8; 8];
                    b.copy_from_slice(c);
                    f64::from_ne_bytes(b)
                })
                .collect(),
        ),
    };
    let solve = move || steward::dispatch::linear_sum_assignment(&matrix, rows, cols, maximize);
    let (r, c) = if rows.saturating_mul(cols) <= SMALL {
        run_attached(py, solve)?
    } else {
        run(py, solve)?
    };
    let intp: Vec<u8> = r
        .iter()
        .chain(&c)
        .flat_map(|&x| isize::try_from(x).unwrap_or(isize::MAX).to_ne_bytes())
        .collect();
    Ok(PyByteArray::new(py, &intp))
}

/// Linear sum assignment of a matrix given as a sequence of rows.
#[pyfunction]
pub(crate) fn linear_sum_assignment_rows(
    py: Python<'_>,
    cost: &Bound<'_, PyAny>,
    maximize: bool,
) -> PyResult<(Vec<usize>, Vec<usize>)> {
    let rows: Vec<Vec<f64>> = cost.extract().map_err(|_| {
        wrong_type(
            "linear_sum_assignment()",
            "a 2-D array or a sequence of equally long sequences of numbers",
            cost,
        )
    })?;
    let n = rows.len();
    let m = rows.first().map_or(0, Vec::len);
    if let Some((i, r)) = rows.iter().enumerate().find(|(_, r)| r.len() != m) {
        return Err(PyTypeError::new_err(format!(
            "linear_sum_assignment: row {i} has {} entries, row 0 has {m}",
            r.len()
        )));
    }
    let flat: Vec<f64> = rows.into_iter().flatten().collect();
    run(py, move || {
        steward::dispatch::linear_sum_assignment(&flat, n, m, maximize)
    })
}
