"""Steward: the operations engine of a residential estate, from Python.

The estate model, its validation and the SQLite store are the Rust core's,
reached through the native module ``steward._steward``. Documents are the same
JSON as in Rust and C, and a bad document raises the same error (see
:mod:`steward.errors`)::

    import steward

    estate = steward.demo_estate()
    with steward.Store("estate.db") as store:
        store.save_estate(estate)
        orders = store.open_work_orders(estate.id, building="B3")

Records come back as the frozen dataclasses of :mod:`steward.model`.
"""

from . import dispatch, errors, model, roster, satisfaction
from ._steward import ENTRIES, SCHEMA_VERSION, Estate, Store, __version__, call, demo_estate
from .dispatch import linear_sum_assignment
from .errors import (
    ConflictError,
    InfeasibleError,
    InternalError,
    InvalidInputError,
    Issue,
    NotFoundError,
    StewardError,
    StorageError,
)
from .model import (
    Availability,
    Building,
    Company,
    Coverage,
    Household,
    Location,
    MeetingItem,
    OperatingPeriod,
    PartyBranch,
    Personal,
    Post,
    Rating,
    Reporter,
    Resident,
    ShiftType,
    StaffMember,
    Stakeholder,
    SurveyDimension,
    SurveyResponse,
    Volunteer,
    WorkOrder,
    WorkOrderEvent,
)

__all__ = [
    "ENTRIES",
    "SCHEMA_VERSION",
    "Availability",
    "Building",
    "Company",
    "ConflictError",
    "Coverage",
    "Estate",
    "Household",
    "InfeasibleError",
    "InternalError",
    "InvalidInputError",
    "Issue",
    "Location",
    "MeetingItem",
    "NotFoundError",
    "OperatingPeriod",
    "PartyBranch",
    "Personal",
    "Post",
    "Rating",
    "Reporter",
    "Resident",
    "ShiftType",
    "StaffMember",
    "Stakeholder",
    "StewardError",
    "StorageError",
    "Store",
    "SurveyDimension",
    "SurveyResponse",
    "Volunteer",
    "WorkOrder",
    "WorkOrderEvent",
    "__version__",
    "call",
    "demo_estate",
    "dispatch",
    "errors",
    "linear_sum_assignment",
    "model",
    "roster",
    "satisfaction",
]
