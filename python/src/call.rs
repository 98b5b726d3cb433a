//! `steward.call`: any document entry point by name, JSON in, JSON out.

use pyo3::prelude::*;

use crate::conv;
use crate::errors::{run, wrong_type};

/// Runs the document entry point `entry` (e.g. `"estate"`) on a document
/// given as `str`, `bytes` or a dict, and returns the response JSON text.
#[pyfunction]
pub(crate) fn call(py: Python<'_>, entry: &str, document: &Bound<'_, PyAny>) -> PyResult<String> {
    let doc = match conv::text_document(document)? {
        Some(doc) => doc,
        None => match conv::mapping_document(document, entry)? {
            Some(doc) => doc,
            None => {
                return Err(wrong_type(
                    "steward.call()",
                    "a JSON document as str, bytes or dict",
                    document,
                ));
            }
        },
    };
    let entry = entry.to_owned();
    run(py, move || steward::wire::call(&entry, doc.bytes()))
}
