//! The boundary: every call into the core runs through [`run`], which releases
//! the GIL, turns a panic into `InternalError`, and maps a core
//! [`steward::Error`] to its Python exception in one place ([`core_error`]).
//!
//! The exception classes live in the pure-Python module `steward.errors`:
//! `create_exception!` gives a class exactly one base, and the hierarchy needs
//! two (`InvalidInputError(StewardError, ValueError)`,
//! `StorageError(StewardError, OSError)`…), with `OSError`'s instance layout
//! ruling out a Rust `#[pyclass]` base.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList};
use steward::{Error, ErrorKind};

/// The Python module that defines `StewardError` and its subclasses.
const ERRORS_MODULE: &str = "steward.errors";

/// Runs `f` with the GIL released, catching panics.
///
/// A core error becomes its Python exception ([`core_error`]); a panic becomes
/// `InternalError` instead of PyO3's `PanicException` (a `BaseException` that
/// `except Exception` does not catch).
pub(crate) fn run<T, F>(py: Python<'_>, f: F) -> PyResult<T>
where
    F: FnOnce() -> steward::Result<T> + Send,
    T: Send,
{
    match py.detach(|| catch_unwind(AssertUnwindSafe(f))) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(core_error(py, &e)),
        Err(payload) => Err(core_error(py, &panic_error(payload.as_ref()))),
    }
}

/// As [`run`], keeping the GIL: for work of a few microseconds, where
/// releasing and taking it back would cost more than the work.
pub(crate) fn run_attached<T, F>(py: Python<'_>, f: F) -> PyResult<T>
where
    F: FnOnce() -> steward::Result<T>,
{
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(core_error(py, &e)),
        Err(payload) => Err(core_error(py, &panic_error(payload.as_ref()))),
    }
}

/// The core error for a caught panic.
pub(crate) fn panic_error(payload: &(dyn Any + Send)) -> Error {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message");
    Error::internal(format!(
        "internal error in Steward (a bug; please report it): {what}"
    ))
}

/// The Python exception for a core error: the class of its kind, with
/// `.message`, `.code` and `.issues` (a list of dicts with `path`, `value`,
/// `code`, `message`, in that order).
pub(crate) fn core_error(py: Python<'_>, e: &Error) -> PyErr {
    let class = match e.kind() {
        ErrorKind::InvalidInput => "InvalidInputError",
        ErrorKind::NotFound => "NotFoundError",
        ErrorKind::Conflict => "ConflictError",
        ErrorKind::Infeasible => "InfeasibleError",
        ErrorKind::Storage => "StorageError",
        ErrorKind::Internal => "InternalError",
        // A kind added to the core later: the base class, with its code.
        _ => "StewardError",
    };
    build(py, class, e).unwrap_or_else(|failed| failed)
}

fn build(py: Python<'_>, class: &str, e: &Error) -> PyResult<PyErr> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    let module = MODULE.get_or_try_init(py, || py.import(ERRORS_MODULE).map(Bound::unbind))?;
    let issues = PyList::empty(py);
    for issue in e.issues() {
        let d = PyDict::new(py);
        d.set_item("path", &issue.path)?;
        d.set_item("value", &issue.value)?;
        d.set_item("code", issue.code.as_str())?;
        d.set_item("message", &issue.message)?;
        issues.append(d)?;
    }
    let exc = module
        .bind(py)
        .getattr(class)?
        .call1((e.message(), issues, e.kind().code()))?;
    Ok(PyErr::from_value(exc))
}

/// A `TypeError` for an argument of the wrong Python type.
pub(crate) fn wrong_type(function: &str, expected: &str, found: &Bound<'_, PyAny>) -> PyErr {
    PyTypeError::new_err(format!(
        "{function}: expected {expected}, found {}",
        type_name(found)
    ))
}

/// The name of an object's type, for messages.
pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "an object".to_owned(), |n| n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_package<R>(f: impl FnOnce(Python<'_>) -> R) -> R {
        Python::initialize();
        Python::attach(|py| {
            // Make `steward.errors` importable from the source tree without
            // running `steward/__init__.py`, which needs the built extension
            // (absent in a clean checkout when `cargo test` runs).
            let modules = py.import("sys").and_then(|s| s.getattr("modules")).unwrap();
            if !modules.contains("steward").unwrap() {
                let package = py
                    .import("types")
                    .and_then(|t| t.call_method1("ModuleType", ("steward",)))
                    .unwrap();
                let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/steward");
                package.setattr("__path__", vec![dir]).unwrap();
                modules.set_item("steward", package).unwrap();
            }
            f(py)
        })
    }

    #[test]
    fn panics_become_internal_error() {
        with_package(|py| {
            let err = run(py, || -> steward::Result<()> { panic!("boom {}", 42) }).unwrap_err();
            let value = err.value(py);
            assert_eq!(type_name(value.as_any()), "InternalError");
            assert_eq!(
                value.getattr("code").unwrap().to_string(),
                "internal",
                "{err}"
            );
            assert_eq!(
                value.str().unwrap().to_string(),
                "internal error in Steward (a bug; please report it): boom 42"
            );
        });
    }

    #[test]
    fn kinds_map_to_classes_with_issues() {
        with_package(|py| {
            let e = steward::Estate::from_json("{\"id\": 5}").unwrap_err();
            let err = core_error(py, &e);
            let value = err.value(py);
            assert_eq!(type_name(value.as_any()), "InvalidInputError");
            assert!(err.is_instance_of::<pyo3::exceptions::PyValueError>(py));
            let to_dict = value.call_method0("to_dict").unwrap();
            let json = py
                .import("json")
                .unwrap()
                .call_method1("dumps", (to_dict,))
                .unwrap();
            let parsed: String = json.extract().unwrap();
            assert!(
                parsed.starts_with("{\"kind\": \"invalid_input\""),
                "{parsed}"
            );
            let nf = core_error(py, &Error::not_found("estate", "x"));
            assert!(nf.is_instance_of::<pyo3::exceptions::PyLookupError>(py));
        });
    }
}
