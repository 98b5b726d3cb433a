//! `steward.Store`: the SQLite store, shareable between Python threads.

use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

use pyo3::prelude::*;
use pyo3::types::PyList;
use steward::{
    Error, ErrorKind, EstateId, Rating, SurveyResponse, WorkOrder, WorkOrderEvent, WorkOrderId,
};

use crate::conv;
use crate::errors::{core_error, run};
use crate::estate::{Estate, EstateArg};

/// A Steward database. One connection behind a mutex: calls from several
/// threads are serialised, each with the GIL released.
#[pyclass(frozen, module = "steward._steward", name = "Store")]
pub(crate) struct Store {
    /// `None` once closed.
    inner: Mutex<Option<steward::Store>>,
    /// The path as given, or `None` in memory (for repr and messages).
    path: Option<String>,
}

impl Store {
    /// Runs `f` on the open store with the GIL released (see [`run`]).
    ///
    /// A panic inside `f` poisons the mutex; the store stays usable, because
    /// every write is one SQLite transaction that rolls back when dropped.
    fn with<T, F>(&self, py: Python<'_>, f: F) -> PyResult<T>
    where
        F: FnOnce(&mut steward::Store) -> steward::Result<T> + Send,
        T: Send,
    {
        run(py, || {
            let mut guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
            match guard.as_mut() {
                Some(store) => f(store),
                None => Err(Error::new(ErrorKind::Storage, "the store is closed")),
            }
        })
    }
}

fn estate_id(py: Python<'_>, id: &str) -> PyResult<EstateId> {
    EstateId::new(id).map_err(|e| core_error(py, &e))
}

fn work_order_id(py: Python<'_>, id: &str) -> PyResult<WorkOrderId> {
    WorkOrderId::new(id).map_err(|e| core_error(py, &e))
}

#[pymethods]
impl Store {
    #[new]
    fn open(py: Python<'_>, path: PathBuf) -> PyResult<Store> {
        let store = run(py, || steward::Store::open(&path))?;
        Ok(Store {
            inner: Mutex::new(Some(store)),
            path: Some(path.display().to_string()),
        })
    }

    #[staticmethod]
    fn in_memory(py: Python<'_>) -> PyResult<Store> {
        let store = run(py, steward::Store::open_in_memory)?;
        Ok(Store {
            inner: Mutex::new(Some(store)),
            path: None,
        })
    }

    fn close(&self, py: Python<'_>) -> PyResult<()> {
        run(py, || {
            let store = self
                .inner
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            drop(store);
            Ok(())
        })
    }

    #[getter]
    fn closed(&self, py: Python<'_>) -> PyResult<bool> {
        run(py, || {
            Ok(self
                .inner
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .is_none())
        })
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (_exc_type=None, _exc_value=None, _traceback=None))]
    fn __exit__(
        &self,
        py: Python<'_>,
        _exc_type: Option<&Bound<'_, PyAny>>,
        _exc_value: Option<&Bound<'_, PyAny>>,
        _traceback: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        self.close(py)?;
        Ok(false)
    }

    #[getter]
    fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    #[getter]
    fn schema_version(&self, py: Python<'_>) -> PyResult<u32> {
        self.with(py, |s| s.schema_version())
    }

    fn estate_ids(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        let ids = self.with(py, |s| s.estate_ids())?;
        Ok(ids.into_iter().map(String::from).collect())
    }

    fn save_estate(&self, py: Python<'_>, estate: &Bound<'_, PyAny>) -> PyResult<()> {
        let arg = EstateArg::extract(estate, "Store.save_estate()")?;
        self.with(py, |s| match &arg {
            EstateArg::Ready(e) => s.save_estate(e),
            EstateArg::Document(doc) => s.save_estate(&doc.estate()?),
        })
    }

    fn load_estate(&self, py: Python<'_>, estate_id: &str) -> PyResult<Estate> {
        let id = self::estate_id(py, estate_id)?;
        self.with(py, |s| s.load_estate(&id)).map(Estate::new)
    }

    #[pyo3(signature = (estate_id, *, building=None, since=None, until=None))]
    fn work_orders<'py>(
        &self,
        py: Python<'py>,
        estate_id: &str,
        building: Option<&str>,
        since: Option<&Bound<'py, PyAny>>,
        until: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let id = self::estate_id(py, estate_id)?;
        let filter = conv::filter(py, building, since, until, "Store.work_orders")?;
        let orders = self.with(py, |s| s.work_orders(&id, &filter))?;
        conv::records(py, "WorkOrder", &orders)
    }

    #[pyo3(signature = (estate_id, *, building=None, since=None, until=None))]
    fn open_work_orders<'py>(
        &self,
        py: Python<'py>,
        estate_id: &str,
        building: Option<&str>,
        since: Option<&Bound<'py, PyAny>>,
        until: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let id = self::estate_id(py, estate_id)?;
        let filter = conv::filter(py, building, since, until, "Store.open_work_orders")?;
        let orders = self.with(py, |s| s.open_work_orders(&id, &filter))?;
        conv::records(py, "WorkOrder", &orders)
    }

    fn work_order<'py>(
        &self,
        py: Python<'py>,
        estate_id: &str,
        work_order_id: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let id = self::estate_id(py, estate_id)?;
        let order = self::work_order_id(py, work_order_id)?;
        let order = self.with(py, |s| s.work_order(&id, &order))?;
        conv::record(py, "WorkOrder", &order)
    }

    #[pyo3(signature = (estate_id, *, building=None, since=None, until=None))]
    fn ratings<'py>(
        &self,
        py: Python<'py>,
        estate_id: &str,
        building: Option<&str>,
        since: Option<&Bound<'py, PyAny>>,
        until: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let id = self::estate_id(py, estate_id)?;
        let filter = conv::filter(py, building, since, until, "Store.ratings")?;
        let ratings = self.with(py, |s| s.ratings(&id, &filter))?;
        conv::records(py, "Rating", &ratings)
    }

    #[pyo3(signature = (estate_id, *, building=None, since=None, until=None))]
    fn survey_responses<'py>(
        &self,
        py: Python<'py>,
        estate_id: &str,
        building: Option<&str>,
        since: Option<&Bound<'py, PyAny>>,
        until: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let id = self::estate_id(py, estate_id)?;
        let filter = conv::filter(py, building, since, until, "Store.survey_responses")?;
        let responses = self.with(py, |s| s.survey_responses(&id, &filter))?;
        conv::records(py, "SurveyResponse", &responses)
    }

    fn add_work_order(
        &self,
        py: Python<'_>,
        estate_id: &str,
        order: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let id = self::estate_id(py, estate_id)?;
        let doc =
            conv::record_document(order, "WorkOrder", "work order", "Store.add_work_order()")?;
        self.with(py, |s| {
            let order: WorkOrder = doc.parse("work order")?;
            s.add_work_order(&id, &order)
        })
    }

    fn append_event(
        &self,
        py: Python<'_>,
        estate_id: &str,
        work_order_id: &str,
        event: &Bound<'_, PyAny>,
    ) -> PyResult<&'static str> {
        let id = self::estate_id(py, estate_id)?;
        let order = self::work_order_id(py, work_order_id)?;
        let doc = conv::record_document(
            event,
            "WorkOrderEvent",
            "work order event",
            "Store.append_event()",
        )?;
        let status = self.with(py, |s| {
            let event: WorkOrderEvent = doc.parse("work order event")?;
            s.append_event(&id, &order, &event)
        })?;
        Ok(status.as_str())
    }

    fn add_rating(
        &self,
        py: Python<'_>,
        estate_id: &str,
        rating: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let id = self::estate_id(py, estate_id)?;
        let doc = conv::record_document(rating, "Rating", "rating", "Store.add_rating()")?;
        self.with(py, |s| {
            let rating: Rating = doc.parse("rating")?;
            s.add_rating(&id, &rating)
        })
    }

    fn add_survey_response(
        &self,
        py: Python<'_>,
        estate_id: &str,
        response: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let id = self::estate_id(py, estate_id)?;
        let doc = conv::record_document(
            response,
            "SurveyResponse",
            "survey response",
            "Store.add_survey_response()",
        )?;
        self.with(py, |s| {
            let response: SurveyResponse = doc.parse("survey response")?;
            s.add_survey_response(&id, &response)
        })
    }

    fn __repr__(&self) -> String {
        match &self.path {
            Some(p) => format!("Store({p:?})"),
            None => "Store.in_memory()".to_owned(),
        }
    }
}
