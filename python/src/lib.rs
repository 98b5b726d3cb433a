//! `steward._steward`: the native half of the `steward` Python package.
//!
//! The bindings are thin: arguments are converted to owned Rust values (JSON
//! documents, ids, filters) with the GIL held, then the core call runs through
//! one helper, `errors::run`, which releases the GIL, catches panics (as
//! `steward.InternalError`) and maps core errors to the exception classes of
//! `steward.errors`. Results come back as `Estate` objects, plain dicts, or the
//! frozen dataclasses of `steward.model`.
//!
//! Everything exposed is immutable (`Estate`) or lock-guarded (`Store`), so the
//! module declares that it does not need the GIL.

mod call;
mod conv;
mod dispatch;
mod errors;
mod estate;
mod roster;
mod satisfaction;
mod store;

use pyo3::prelude::*;

#[pymodule(gil_used = false)]
fn _steward(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", steward::VERSION)?;
    m.add("SCHEMA_VERSION", steward::SCHEMA_VERSION)?;
    m.add_class::<estate::Estate>()?;
    m.add_class::<store::Store>()?;
    m.add_function(wrap_pyfunction!(estate::demo_estate, m)?)?;
    m.add_function(wrap_pyfunction!(call::call, m)?)?;
    m.add_function(wrap_pyfunction!(dispatch::dispatch_call, m)?)?;
    m.add_function(wrap_pyfunction!(dispatch::dispatch_default_policy, m)?)?;
    m.add_function(wrap_pyfunction!(
        dispatch::linear_sum_assignment_ndarray,
        m
    )?)?;
    m.add_function(wrap_pyfunction!(dispatch::linear_sum_assignment_rows, m)?)?;
    m.add_class::<roster::CancelToken>()?;
    m.add_function(wrap_pyfunction!(roster::roster_solve, m)?)?;
    m.add_function(wrap_pyfunction!(roster::roster_evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(roster::roster_repair, m)?)?;
    m.add_function(wrap_pyfunction!(roster::roster_nsp_import, m)?)?;
    m.add_function(wrap_pyfunction!(roster::roster_demo_request, m)?)?;
    m.add_function(wrap_pyfunction!(satisfaction::satisfaction_score, m)?)?;
    m.add_function(wrap_pyfunction!(
        satisfaction::satisfaction_score_columns,
        m
    )?)?;
    m.add_class::<satisfaction::SatisfactionAccumulator>()?;
    m.add(
        "ENTRIES",
        steward::wire::ENTRIES
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>(),
    )?;
    Ok(())
}
