//! `steward.Estate`: an immutable, validated estate.

use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::conv::{self, Document};
use crate::errors::{run, wrong_type};

/// A validated estate (frozen: every method returns new objects).
#[pyclass(frozen, eq, module = "steward._steward", name = "Estate")]
#[derive(PartialEq)]
pub(crate) struct Estate {
    pub(crate) inner: steward::Estate,
}

impl Estate {
    pub(crate) fn new(inner: steward::Estate) -> Estate {
        Estate { inner }
    }
}

#[pymethods]
impl Estate {
    #[staticmethod]
    fn from_json(py: Python<'_>, document: &Bound<'_, PyAny>) -> PyResult<Estate> {
        let Some(doc) = conv::text_document(document)? else {
            return Err(wrong_type(
                "Estate.from_json()",
                "a JSON document as str or bytes",
                document,
            ));
        };
        run(py, || doc.estate()).map(Estate::new)
    }

    #[staticmethod]
    fn from_dict(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Estate> {
        let Some(doc) = conv::mapping_document(data, "estate")? else {
            return Err(wrong_type("Estate.from_dict()", "a dict", data));
        };
        run(py, || doc.estate()).map(Estate::new)
    }

    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        run(py, || Ok(self.inner.to_json()))
    }

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let text = run(py, || Ok(self.inner.to_json()))?;
        conv::loads(py, &text)
    }

    fn validate(&self, py: Python<'_>) -> PyResult<()> {
        run(py, || self.inner.validate())
    }

    fn redacted(&self, py: Python<'_>) -> PyResult<Estate> {
        run(py, || Ok(self.inner.redacted())).map(Estate::new)
    }

    fn inventory<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let inventory = run(py, || Ok(self.inner.inventory()))?;
        conv::to_python(py, &inventory)
    }

    #[getter]
    fn id(&self) -> &str {
        self.inner.id.as_str()
    }

    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    #[getter]
    fn utc_offset<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        conv::timezone(py, self.inner.utc_offset.seconds())
    }

    #[getter]
    fn company<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        conv::record(py, "Company", &self.inner.company)
    }

    #[getter]
    fn buildings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        conv::records(py, "Building", &self.inner.buildings)
    }

    #[getter]
    fn households<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        conv::records(py, "Household", &self.inner.households)
    }

    #[getter]
    fn residents<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        conv::records(py, "Resident", &self.inner.residents)
    }

    #[getter]
    fn staff<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        conv::records(py, "StaffMember", &self.inner.staff)
    }

    #[getter]
    fn volunteers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        conv::records(py, "Volunteer", &self.inner.volunteers)
    }

    #[getter]
    fn stakeholders<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        conv::records(py, "Stakeholder", &self.inner.stakeholders)
    }

    #[getter]
    fn meeting_items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        conv::records(py, "MeetingItem", &self.inner.meeting_items)
    }

    #[getter]
    fn shift_types<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        conv::records(py, "ShiftType", &self.inner.shift_types)
    }

    #[getter]
    fn posts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        conv::records(py, "Post", &self.inner.posts)
    }

    #[getter]
    fn operating_periods<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        conv::records(py, "OperatingPeriod", &self.inner.operating_periods)
    }

    #[getter]
    fn work_orders<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        conv::records(py, "WorkOrder", &self.inner.work_orders)
    }

    #[getter]
    fn dimensions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        conv::records(py, "SurveyDimension", &self.inner.dimensions)
    }

    #[getter]
    fn ratings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        conv::records(py, "Rating", &self.inner.ratings)
    }

    #[getter]
    fn survey_responses<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        conv::records(py, "SurveyResponse", &self.inner.survey_responses)
    }

    /// Pickles as the JSON document (`Estate.from_json(text)` restores it).
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let estate = &slf.get().inner;
        let text = run(py, || Ok(estate.to_json()))?;
        Ok((slf.get_type().getattr("from_json")?, (text,)))
    }

    fn __repr__(&self) -> String {
        let e = &self.inner;
        format!(
            "<Estate {:?} ({:?}): {} buildings, {} households, {} residents, {} staff, {} work orders>",
            e.id.as_str(),
            e.name,
            e.buildings.len(),
            e.households.len(),
            e.residents.len(),
            e.staff.len(),
            e.work_orders.len()
        )
    }
}

/// The reference estate ("Babylon · Blue Diamond"), built deterministically.
#[pyfunction]
pub(crate) fn demo_estate(py: Python<'_>) -> PyResult<Estate> {
    run(py, || Ok(steward::demo::estate())).map(Estate::new)
}

/// A document given as an `Estate`, a dict, or JSON text or bytes, parsed and validated.
pub(crate) enum EstateArg<'a> {
    /// An `Estate` object (already valid).
    Ready(&'a steward::Estate),
    /// A document to parse.
    Document(Document),
}

impl<'a> EstateArg<'a> {
    pub(crate) fn extract(obj: &'a Bound<'_, PyAny>, function: &str) -> PyResult<EstateArg<'a>> {
        if let Ok(e) = obj.cast::<Estate>() {
            return Ok(EstateArg::Ready(&e.get().inner));
        }
        if let Some(doc) = conv::mapping_document(obj, "estate")? {
            return Ok(EstateArg::Document(doc));
        }
        if let Some(doc) = conv::text_document(obj)? {
            return Ok(EstateArg::Document(doc));
        }
        Err(wrong_type(
            function,
            "an Estate, a dict, or a JSON str or bytes",
            obj,
        ))
    }
}
