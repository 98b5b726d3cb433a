//! Dispatch: the document call (with an `Estate` object or an estate in the
//! request), the default policy, and linear sum assignment on a dense
//! matrix given as a numpy array (read in place) or as nested sequences.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use numpy::{PyArray1, PyArray2, PyArrayMethods, PyUntypedArrayMethods};

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

/// `(row_ind, col_ind)` as numpy `intp` arrays.
type Indices<'py> = (Bound<'py, PyArray1<isize>>, Bound<'py, PyArray1<isize>>);

/// Linear sum assignment of a numpy matrix, read in place when it is a
/// C-contiguous 2-D float64 array (native byte order); `None` for any other
/// array or any other object, which the caller converts. `maximize` is
/// read by its truth value. Returns `(row_ind, col_ind)` as new
/// numpy `intp` arrays, as scipy does.
#[pyfunction]
pub(crate) fn linear_sum_assignment_ndarray<'py>(
    py: Python<'py>,
    cost: &Bound<'py, PyAny>,
    maximize: &Bound<'py, PyAny>,
) -> PyResult<Option<Indices<'py>>> {
    /// Up to this many entries the GIL is kept: the solve takes microseconds.
    const SMALL: usize = 4096;
    let Ok(array) = cost.cast::<PyArray2<f64>>() else {
        return Ok(None);
    };
    // A Fortran-ordered array is contiguous too, but not row-major.
    if !array.is_c_contiguous() {
        return Ok(None);
    }
    let Ok(view) = array.try_readonly() else {
        return Ok(None);
    };
    let Ok(matrix) = view.as_slice() else {
        return Ok(None);
    };
    let [rows, cols] = *array.shape() else {
        return Ok(None);
    };
    // Any object, by its truth value (as `bool(maximize)` would give).
    let maximize = maximize.is_truthy()?;
    let solve = move || steward::dispatch::linear_sum_assignment(matrix, rows, cols, maximize);
    let (r, c) = if rows.saturating_mul(cols) <= SMALL {
        run_attached(py, solve)?
    } else {
        run(py, solve)?
    };
    // In place: `usize` and `isize` have the same layout.
    let intp = |v: Vec<usize>| -> Vec<isize> {
        v.into_iter()
            .map(|x| isize::try_from(x).unwrap_or(isize::MAX))
            .collect()
    };
    Ok(Some((
        PyArray1::from_slice(py, &intp(r)),
        PyArray1::from_slice(py, &intp(c)),
    )))
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
