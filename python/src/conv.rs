//! Conversions between Python objects and the JSON documents of the core.
//!
//! Inputs are copied out of Python (as JSON text or bytes) while the GIL is
//! held, then parsed by the core with the GIL released, so a document gets
//! exactly the errors it gets from Rust and C. Outputs are the core's JSON,
//! decoded by Python's `json` module: plain dicts and lists with keys in the
//! model's field order, turned into `steward.model` dataclasses where typed
//! objects are wanted.

use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple,
    PyType,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use steward::{BuildingId, Error, Filter, Issue, IssueCode};

use crate::errors::{core_error, type_name, wrong_type};

/// Deepest nesting accepted in a dict given as a document (a cycle would
/// otherwise recurse forever). serde_json itself stops at 128.
const MAX_DEPTH: usize = 256;

/// A document copied out of Python, ready to parse without the GIL.
pub(crate) enum Document {
    /// Text (from a `str`, or from a dict written as JSON).
    Text(String),
    /// Raw bytes, checked for UTF-8 by the core.
    Bytes(Vec<u8>),
}

impl Document {
    /// Parses the document as `T` with the core's wire rules.
    pub(crate) fn parse<T: DeserializeOwned>(&self, what: &str) -> steward::Result<T> {
        match self {
            Document::Text(text) => steward::wire::from_json(text, what),
            Document::Bytes(bytes) => steward::wire::from_json_bytes(bytes, what),
        }
    }

    /// Parses and validates an estate.
    /// The document's bytes, as the core's entry points take them.
    pub(crate) fn bytes(&self) -> &[u8] {
        match self {
            Document::Text(text) => text.as_bytes(),
            Document::Bytes(bytes) => bytes,
        }
    }

    pub(crate) fn estate(&self) -> steward::Result<steward::Estate> {
        match self {
            Document::Text(text) => steward::Estate::from_json(text),
            Document::Bytes(bytes) => steward::Estate::from_json_bytes(bytes),
        }
    }
}

/// A JSON document given as `str`, `bytes` or `bytearray`.
///
/// A `str` holding lone surrogates cannot be UTF-8; it is passed on as the
/// bytes Python would write for it, so the core reports `invalid_utf8` with
/// the offset, as for a file that is not UTF-8.
pub(crate) fn text_document(obj: &Bound<'_, PyAny>) -> PyResult<Option<Document>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Some(match s.to_cow() {
            Ok(text) => Document::Text(text.into_owned()),
            Err(_) => {
                let bytes = s.call_method1("encode", ("utf-8", "surrogatepass"))?;
                Document::Bytes(bytes.cast::<PyBytes>()?.as_bytes().to_vec())
            }
        }));
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Some(Document::Bytes(b.as_bytes().to_vec())));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(Some(Document::Bytes(b.to_vec())));
    }
    Ok(None)
}

/// A document given as a dict (or other mapping), written as JSON text.
pub(crate) fn mapping_document(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Option<Document>> {
    if obj.cast::<PyDict>().is_ok() || obj.cast::<PyMapping>().is_ok() {
        return Ok(Some(Document::Text(json_text(obj, what)?)));
    }
    Ok(None)
}

/// A record given as an instance of the `steward.model` class `class`, a
/// dict, a JSON `str` or `bytes`.
pub(crate) fn record_document(
    obj: &Bound<'_, PyAny>,
    class: &str,
    what: &str,
    function: &str,
) -> PyResult<Document> {
    if obj.is_instance(model_class(obj.py(), class)?.as_any())? {
        let dict = obj.call_method0("to_dict")?;
        return Ok(Document::Text(json_text(&dict, what)?));
    }
    if let Some(doc) = mapping_document(obj, what)? {
        return Ok(doc);
    }
    if let Some(doc) = text_document(obj)? {
        return Ok(doc);
    }
    Err(wrong_type(
        function,
        &format!("a steward.{class}, a dict, or a JSON str or bytes"),
        obj,
    ))
}

/// Writes a Python value as JSON text, keeping the order of dict keys.
///
/// Accepts `None`, `bool`, `int`, `float`, `str`, dicts (and other mappings)
/// with `str` keys, lists and tuples. Anything else is a `TypeError` naming the
/// path; a float that JSON cannot hold (NaN, infinity) is an
/// `InvalidInputError` issue at its path.
pub(crate) fn json_text(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    let mut out = String::new();
    let mut path = String::new();
    write_json(obj, what, &mut path, &mut out, 0)?;
    Ok(out)
}

fn shown(path: &str) -> &str {
    if path.is_empty() { "(document)" } else { path }
}

fn invalid(
    obj: &Bound<'_, PyAny>,
    what: &str,
    path: &str,
    value: &str,
    code: IssueCode,
    message: String,
) -> PyErr {
    core_error(
        obj.py(),
        &Error::invalid(what, vec![Issue::new(path, value, code, message)]),
    )
}

fn write_json(
    obj: &Bound<'_, PyAny>,
    what: &str,
    path: &mut String,
    out: &mut String,
    depth: usize,
) -> PyResult<()> {
    if depth > MAX_DEPTH {
        return Err(invalid(
            obj,
            what,
            path,
            "",
            IssueCode::OutOfRange,
            format!("value nested deeper than {MAX_DEPTH} levels (does it contain itself?)"),
        ));
    }
    if obj.is_none() {
        out.push_str("null");
    } else if let Ok(b) = obj.cast::<PyBool>() {
        out.push_str(if b.is_true() { "true" } else { "false" });
    } else if obj.cast::<PyInt>().is_ok() {
        if let Ok(i) = obj.extract::<i64>() {
            let _ = write!(out, "{i}");
        } else if let Ok(u) = obj.extract::<u64>() {
            let _ = write!(out, "{u}");
        } else {
            // Too big for 64 bits: its digits, for the core to reject as out of range.
            let exact = obj.py().get_type::<PyInt>().call1((obj,))?;
            out.push_str(&exact.repr()?.to_cow()?);
        }
    } else if obj.cast::<PyFloat>().is_ok() {
        let f: f64 = obj.extract()?;
        match serde_json::Number::from_f64(f) {
            Some(n) => {
                let _ = write!(out, "{n}");
            }
            None => {
                return Err(invalid(
                    obj,
                    what,
                    path,
                    &obj.repr()?.to_cow()?,
                    IssueCode::InvalidValue,
                    format!("invalid value: {f} is not a JSON number"),
                ));
            }
        }
    } else if let Ok(s) = obj.cast::<PyString>() {
        match s.to_cow() {
            Ok(text) => out.push_str(&serde_json::to_string(&*text).unwrap_or_default()),
            Err(_) => {
                return Err(invalid(
                    obj,
                    what,
                    path,
                    "",
                    IssueCode::InvalidUtf8,
                    "string holds a lone surrogate and cannot be written as UTF-8".to_owned(),
                ));
            }
        }
    } else if let Ok(d) = obj.cast::<PyDict>() {
        write_object(d.items().iter(), what, path, out, depth)?;
    } else if let Ok(m) = obj.cast::<PyMapping>() {
        write_object(m.items()?.iter(), what, path, out, depth)?;
    } else if obj.cast::<PyList>().is_ok() || obj.cast::<PyTuple>().is_ok() {
        out.push('[');
        for (i, item) in obj.try_iter()?.enumerate() {
            if i > 0 {
                out.push(',');
            }
            let len = path.len();
            let _ = write!(path, "[{i}]");
            write_json(&item?, what, path, out, depth + 1)?;
            path.truncate(len);
        }
        out.push(']');
    } else {
        let hint = if obj.hasattr("to_dict")? {
            " (call its .to_dict() first)"
        } else {
            ""
        };
        return Err(PyTypeError::new_err(format!(
            "{}: expected a JSON value (dict, list, str, int, float, bool or None), found {}{hint}",
            shown(path),
            type_name(obj)
        )));
    }
    Ok(())
}

fn write_object<'py>(
    items: impl Iterator<Item = Bound<'py, PyAny>>,
    what: &str,
    path: &mut String,
    out: &mut String,
    depth: usize,
) -> PyResult<()> {
    out.push('{');
    for (i, item) in items.enumerate() {
        let (key, value): (Bound<'py, PyAny>, Bound<'py, PyAny>) = item.extract()?;
        let Ok(key) = key.cast::<PyString>() else {
            return Err(PyTypeError::new_err(format!(
                "{}: dict keys must be str, found {}",
                shown(path),
                type_name(&key)
            )));
        };
        let key = key.to_cow()?;
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(&*key).unwrap_or_default());
        out.push(':');
        let len = path.len();
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(&key);
        write_json(&value, what, path, out, depth + 1)?;
        path.truncate(len);
    }
    out.push('}');
    Ok(())
}

/// Decodes JSON text with Python's `json` module (dict keys keep their order).
pub(crate) fn loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let loads = LOADS.get_or_try_init(py, || {
        py.import("json")
            .and_then(|m| m.getattr("loads"))
            .map(Bound::unbind)
    })?;
    loads.bind(py).call1((text,))
}

/// A value of the core as plain Python data, exactly as its JSON.
pub(crate) fn to_python<'py, T: Serialize>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    loads(py, &steward::wire::to_json(value))
}

/// A class of `steward.model`.
pub(crate) fn model_class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyType>> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    let module = MODULE.get_or_try_init(py, || py.import("steward.model").map(Bound::unbind))?;
    Ok(module.bind(py).getattr(name)?.cast_into::<PyType>()?)
}

/// One core record as an instance of the `steward.model` class `class`.
pub(crate) fn record<'py, T: Serialize>(
    py: Python<'py>,
    class: &str,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    model_class(py, class)?.call_method1("from_dict", (to_python(py, value)?,))
}

/// Core records as a list of instances of the `steward.model` class `class`.
pub(crate) fn records<'py, T: Serialize>(
    py: Python<'py>,
    class: &str,
    values: &[T],
) -> PyResult<Bound<'py, PyList>> {
    let from_dict = model_class(py, class)?.getattr("from_dict")?;
    let dicts = to_python(py, &values)?;
    let out = PyList::empty(py);
    for d in dicts.try_iter()? {
        out.append(from_dict.call1((d?,))?)?;
    }
    Ok(out)
}

fn datetime_class(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static CLASS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    CLASS.import(py, "datetime", "datetime")
}

/// A `datetime.timezone` for an offset in seconds east of UTC.
pub(crate) fn timezone(py: Python<'_>, seconds: i32) -> PyResult<Bound<'_, PyAny>> {
    let datetime = py.import("datetime")?;
    let delta = datetime.getattr("timedelta")?.call1((0, seconds))?;
    datetime.getattr("timezone")?.call1((delta,))
}

/// An instant given as an aware `datetime` or an RFC 3339 `str`.
fn instant(obj: &Bound<'_, PyAny>, name: &str, function: &str) -> PyResult<DateTime<FixedOffset>> {
    let py = obj.py();
    let bad = |value: &str, message: String| {
        core_error(
            py,
            &Error::invalid(
                "filter",
                vec![Issue::new(name, value, IssueCode::InvalidValue, message)],
            ),
        )
    };
    let text = if obj.is_instance(datetime_class(py)?)? {
        let iso = obj.call_method0("isoformat")?.extract::<String>()?;
        if obj.call_method0("utcoffset")?.is_none() {
            return Err(bad(
                &steward::wire::render_str(&iso),
                format!(
                    "invalid value: expected an aware datetime (with tzinfo), found the naive datetime {iso}"
                ),
            ));
        }
        iso
    } else if let Ok(s) = obj.cast::<PyString>() {
        s.to_cow()?.into_owned()
    } else {
        return Err(wrong_type(
            &format!("{function}() argument '{name}'"),
            "a datetime, an RFC 3339 str or None",
            obj,
        ));
    };
    DateTime::parse_from_rfc3339(&text).map_err(|e| {
        bad(
            &steward::wire::render_str(&text),
            format!(
                "invalid value: expected an RFC 3339 timestamp with offset such as \"2022-12-14T08:30:00+08:00\", found {text:?} ({e})"
            ),
        )
    })
}

/// The store's query filter from keyword arguments.
pub(crate) fn filter(
    py: Python<'_>,
    building: Option<&str>,
    since: Option<&Bound<'_, PyAny>>,
    until: Option<&Bound<'_, PyAny>>,
    function: &str,
) -> PyResult<Filter> {
    let mut f = Filter::default();
    if let Some(b) = building {
        f = f.building(BuildingId::new(b).map_err(|e| core_error(py, &e))?);
    }
    if let Some(t) = since.filter(|t| !t.is_none()) {
        f = f.from(instant(t, "since", function)?);
    }
    if let Some(t) = until.filter(|t| !t.is_none()) {
        f = f.until(instant(t, "until", function)?);
    }
    Ok(f)
}
