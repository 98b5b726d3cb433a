"""Type stubs and documentation of the native module ``steward._steward``.

Import these names from ``steward``. Every call into the Rust core releases the
GIL, and a panic inside it is raised as :class:`steward.InternalError`, never
as PyO3's ``PanicException``. Errors of the core are raised as the classes of
:mod:`steward.errors`, chosen by kind.
"""

import os
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Literal, Mapping, Optional, Sequence, Tuple, Union, final

from .model import (
    Building,
    Company,
    Household,
    MeetingItem,
    OperatingPeriod,
    Post,
    Rating,
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
    "__version__",
    "SCHEMA_VERSION",
    "ENTRIES",
    "Estate",
    "Store",
    "call",
    "demo_estate",
    "CancelToken",
    "roster_solve",
    "roster_evaluate",
    "roster_repair",
    "roster_nsp_import",
    "roster_demo_request",
    "dispatch_call",
    "dispatch_default_policy",
    "linear_sum_assignment_ndarray",
    "linear_sum_assignment_rows",
    "satisfaction_score",
    "satisfaction_score_columns",
    "SatisfactionAccumulator",
]

__version__: str
"""The version of the Rust crates (``steward::VERSION``)."""

SCHEMA_VERSION: int
"""The database schema version this library writes (and the newest it reads)."""

_JsonDocument = Union[str, bytes, bytearray]
"""A JSON document as text, or as bytes that must be UTF-8."""

_Instant = Union[datetime, str]
"""An aware ``datetime``, or an RFC 3339 timestamp with offset as ``str``."""

_WorkOrderStatus = Literal[
    "reported",
    "triaged",
    "assigned",
    "in_progress",
    "on_hold",
    "resolved",
    "closed",
    "reopened",
    "cancelled",
]

@final
class Estate:
    """A validated estate: buildings, households, people, posts and records.

    Immutable (methods return new objects) and safe to share between threads.
    Two estates are equal when their contents are equal. Construct one with
    :meth:`from_json`, :meth:`from_dict`, :func:`demo_estate` or
    :meth:`Store.load_estate`.
    """

    @staticmethod
    def from_json(document: _JsonDocument) -> Estate:
        """Parses and validates an estate from its JSON document.

        Args:
            document: the JSON text, or its bytes (which must be UTF-8).

        Returns:
            The estate.

        Raises:
            InvalidInputError: the document is not UTF-8 (issue code
                ``invalid_utf8``), not JSON (``syntax``), does not fit the
                schema (the first such problem), or breaks rules (every rule
                broken); each issue names the field path and the value.
            TypeError: ``document`` is not ``str`` or bytes.
        """

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> Estate:
        """Parses and validates an estate from plain Python data.

        Args:
            data: the JSON document as dicts, lists, ``str``, ``int``,
                ``float``, ``bool`` and ``None`` (as :meth:`to_dict` returns it).
                Dict keys keep their order, so errors are those of the same JSON.

        Returns:
            The estate.

        Raises:
            InvalidInputError: as for :meth:`from_json`; also for a float that
                JSON cannot hold (NaN, infinity).
            TypeError: ``data`` is not a mapping, or holds a value that is not
                JSON data (the message names its path) or a non-``str`` key.
        """

    def to_json(self) -> str:
        """The estate as compact JSON (the inverse of :meth:`from_json`).

        Returns:
            The JSON text, byte for byte what Rust's ``Estate::to_json`` gives.
        """

    def to_dict(self) -> Dict[str, Any]:
        """The estate as plain Python data, exactly like its JSON.

        Returns:
            Dicts (keys in the model's field order), lists, ``str``, ``int``,
            ``float``, ``bool`` and ``None``; every field is present.
        """

    def validate(self) -> None:
        """Checks every rule again (an ``Estate`` is validated when built).

        Raises:
            InvalidInputError: with every issue found.
        """

    def redacted(self) -> Estate:
        """A copy with every personal field (names, phones, contacts, comments)
        replaced by ``"<redacted>"``, for exports and analytics.

        Returns:
            The redacted estate.
        """

    def inventory(self) -> Dict[str, int]:
        """A count of what the estate holds.

        Returns:
            ``{"buildings": ..., "households": ..., "residents": ..., "staff": ...,
            "party_member_staff": ..., "volunteers": ..., "stakeholders": ...,
            "meeting_items": ..., "posts": ..., "shift_types": ...,
            "operating_periods": ..., "work_orders": ..., "open_work_orders": ...,
            "ratings": ..., "survey_responses": ...}``
        """

    @property
    def id(self) -> str:
        """The estate's id."""

    @property
    def name(self) -> str:
        """The estate's name."""

    @property
    def utc_offset(self) -> timezone:
        """The estate's offset from UTC (local dates and shift times use it)."""

    @property
    def company(self) -> Company:
        """The property company branch that manages the estate."""

    @property
    def buildings(self) -> List[Building]:
        """The buildings (a new list of read-only objects on each access)."""

    @property
    def households(self) -> List[Household]:
        """The households."""

    @property
    def residents(self) -> List[Resident]:
        """The residents."""

    @property
    def staff(self) -> List[StaffMember]:
        """The company's staff on this estate."""

    @property
    def volunteers(self) -> List[Volunteer]:
        """The volunteers."""

    @property
    def stakeholders(self) -> List[Stakeholder]:
        """The parties to the joint meeting."""

    @property
    def meeting_items(self) -> List[MeetingItem]:
        """The joint meeting's agenda items."""

    @property
    def shift_types(self) -> List[ShiftType]:
        """The shift types."""

    @property
    def posts(self) -> List[Post]:
        """The posts that need coverage."""

    @property
    def operating_periods(self) -> List[OperatingPeriod]:
        """The dated operating periods (closed management…)."""

    @property
    def work_orders(self) -> List[WorkOrder]:
        """The work orders with their histories."""

    @property
    def dimensions(self) -> List[SurveyDimension]:
        """The satisfaction dimensions."""

    @property
    def ratings(self) -> List[Rating]:
        """The post-service ratings."""

    @property
    def survey_responses(self) -> List[SurveyResponse]:
        """The survey responses."""

    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

ENTRIES: List[str]
"""Names of the document entry points :func:`call` knows (``"estate"``, and one per engine)."""

def call(entry: str, document: Union[str, bytes, bytearray, Mapping[str, Any]]) -> str:
    """Runs a document entry point by name: request document in, response
    document out, the same as Rust's ``steward::wire::call`` and C's
    ``steward_call``.

    Args:
        entry: The entry point, one of :data:`ENTRIES` (e.g. ``"estate"``).
        document: The request as JSON text, UTF-8 bytes, or a dict.

    Returns:
        The response document as compact JSON text.

    Raises:
        NotFoundError: if no entry point has that name.
        InvalidInputError: if the document is malformed or breaks a rule.
        TypeError: if ``document`` is not text, bytes or a dict.
    """

def demo_estate() -> Estate:
    """The reference estate ("Babylon · Blue Diamond", Shangqiu), built
    deterministically: the same estate as Rust's ``steward::demo::estate()``.

    Returns:
        The demo estate.

    Raises:
        InternalError: on a bug in Steward.
    """

@final
class Store:
    """A Steward database (SQLite): estates and their records.

    One connection behind a lock: a store may be shared between threads, and
    calls from several threads run one at a time, each with the GIL released.
    Use it as a context manager to close it::

        with steward.Store("estate.db") as store:
            store.save_estate(estate)

    Every method raises :class:`StorageError` once the store is closed.
    """

    def __new__(cls, path: Union[str, os.PathLike[str]]) -> Store:
        """Opens (creating if needed) the database at ``path``.

        Args:
            path: the database file.

        Raises:
            StorageError: the file cannot be opened, is not a SQLite database,
                belongs to another application, or was written by a newer
                Steward (the file is then left untouched).
        """

    @staticmethod
    def in_memory() -> Store:
        """Opens a fresh database in memory, gone when the store is closed.

        Returns:
            The store.

        Raises:
            StorageError: SQLite cannot allocate it.
        """

    def close(self) -> None:
        """Closes the database. Closing twice is allowed."""

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""

    @property
    def path(self) -> Optional[str]:
        """The path the store was opened with; ``None`` in memory."""

    def __enter__(self) -> Store: ...
    def __exit__(
        self, _exc_type: object = None, _exc_value: object = None, _traceback: object = None
    ) -> bool:
        """Closes the store; exceptions propagate."""

    @property
    def schema_version(self) -> int:
        """The schema version of the open database.

        Raises:
            StorageError: SQLite fails or the store is closed.
        """

    def estate_ids(self) -> List[str]:
        """The ids of the stored estates, sorted.

        Returns:
            The ids.

        Raises:
            StorageError: SQLite fails or the store is closed.
        """

    def save_estate(self, estate: Union[Estate, Mapping[str, Any], _JsonDocument]) -> None:
        """Saves an estate in one transaction.

        Facts (buildings, people, posts…) replace what was stored; work orders,
        their events, ratings and survey responses are added or kept.

        Args:
            estate: an :class:`Estate`, or its document as a dict, JSON ``str``
                or bytes (parsed and validated first).

        Raises:
            InvalidInputError: the document is invalid.
            ConflictError: saving would drop a stored work order, rating or
                survey response, rewrite a stored event, or change a stored
                rating or response. Nothing is written.
            StorageError: SQLite fails or the store is closed.
            TypeError: ``estate`` has another type.
        """

    def load_estate(self, estate_id: str) -> Estate:
        """Loads an estate with all its records.

        Args:
            estate_id: the estate's id.

        Returns:
            The estate, equal to the one saved.

        Raises:
            NotFoundError: there is no such estate.
            InvalidInputError: ``estate_id`` is not a valid id.
            StorageError: SQLite fails, a stored record cannot be read, or the
                store is closed.
        """

    def work_orders(
        self,
        estate_id: str,
        *,
        building: Optional[str] = None,
        since: Optional[_Instant] = None,
        until: Optional[_Instant] = None,
    ) -> List[WorkOrder]:
        """Work orders, oldest report first (ties by id).

        Args:
            estate_id: the estate's id.
            building: only orders in this building (its households or common
                parts; orders in common areas belong to no building).
            since: only orders reported at or after this instant.
            until: only orders reported before this instant.

        Returns:
            The orders with their histories.

        Raises:
            InvalidInputError: an id is invalid, or ``since``/``until`` is a
                naive datetime or not an RFC 3339 timestamp (issue path
                ``since`` or ``until``).
            StorageError: SQLite fails or the store is closed.
            TypeError: ``since``/``until`` is neither a datetime nor a str.
        """

    def open_work_orders(
        self,
        estate_id: str,
        *,
        building: Optional[str] = None,
        since: Optional[_Instant] = None,
        until: Optional[_Instant] = None,
    ) -> List[WorkOrder]:
        """Open work orders (not resolved, closed or cancelled), oldest report
        first (ties by id).

        Args:
            estate_id: the estate's id.
            building: only orders in this building.
            since: only orders reported at or after this instant.
            until: only orders reported before this instant.

        Returns:
            The orders with their histories.

        Raises:
            InvalidInputError: as for :meth:`work_orders`.
            StorageError: SQLite fails or the store is closed.
            TypeError: ``since``/``until`` is neither a datetime nor a str.
        """

    def work_order(self, estate_id: str, work_order_id: str) -> WorkOrder:
        """One work order with its history.

        Args:
            estate_id: the estate's id.
            work_order_id: the order's id.

        Returns:
            The order.

        Raises:
            NotFoundError: there is no such order.
            InvalidInputError: an id is invalid.
            StorageError: SQLite fails or the store is closed.
        """

    def ratings(
        self,
        estate_id: str,
        *,
        building: Optional[str] = None,
        since: Optional[_Instant] = None,
        until: Optional[_Instant] = None,
    ) -> List[Rating]:
        """Ratings, oldest first (ties by id).

        Args:
            estate_id: the estate's id.
            building: only ratings of orders in this building.
            since: only ratings given at or after this instant.
            until: only ratings given before this instant.

        Returns:
            The ratings.

        Raises:
            InvalidInputError: as for :meth:`work_orders`.
            StorageError: SQLite fails or the store is closed.
            TypeError: ``since``/``until`` is neither a datetime nor a str.
        """

    def survey_responses(
        self,
        estate_id: str,
        *,
        building: Optional[str] = None,
        since: Optional[_Instant] = None,
        until: Optional[_Instant] = None,
    ) -> List[SurveyResponse]:
        """Survey responses, oldest first (ties by id).

        Args:
            estate_id: the estate's id.
            building: only responses from this building.
            since: only responses given at or after this instant.
            until: only responses given before this instant.

        Returns:
            The responses.

        Raises:
            InvalidInputError: as for :meth:`work_orders`.
            StorageError: SQLite fails or the store is closed.
            TypeError: ``since``/``until`` is neither a datetime nor a str.
        """

    def add_work_order(
        self, estate_id: str, order: Union[WorkOrder, Mapping[str, Any], _JsonDocument]
    ) -> None:
        """Adds one new work order (with any events it already has).

        Args:
            estate_id: the estate's id.
            order: a :class:`WorkOrder`, or its JSON form as a dict, ``str`` or
                bytes (a dict may leave out fields that have defaults).

        Raises:
            NotFoundError: the estate does not exist.
            ConflictError: the id is taken.
            InvalidInputError: the order is malformed, refers to records that do
                not exist, or its history is not a valid lifecycle (paths are
                relative to the order, e.g. ``location.household``).
            StorageError: SQLite fails or the store is closed.
            TypeError: ``order`` has another type.
        """

    def append_event(
        self,
        estate_id: str,
        work_order_id: str,
        event: Union[WorkOrderEvent, Mapping[str, Any], _JsonDocument],
    ) -> _WorkOrderStatus:
        """Appends one event to a work order's history.

        Args:
            estate_id: the estate's id.
            work_order_id: the order's id.
            event: a :class:`WorkOrderEvent`, or its JSON form, e.g.
                ``{"type": "started", "at": "2022-12-14T08:05:00+08:00"}``.

        Returns:
            The order's new status.

        Raises:
            NotFoundError: the estate or the order does not exist.
            ConflictError: the event is not allowed in the order's status.
            InvalidInputError: the event is malformed, its time is before the
                last event, or it names staff that do not exist.
            StorageError: SQLite fails or the store is closed.
            TypeError: ``event`` has another type.
        """

    def add_rating(
        self, estate_id: str, rating: Union[Rating, Mapping[str, Any], _JsonDocument]
    ) -> None:
        """Adds one rating of a work order.

        Args:
            estate_id: the estate's id.
            rating: a :class:`Rating`, or its JSON form.

        Raises:
            NotFoundError: the estate does not exist.
            ConflictError: the id is taken.
            InvalidInputError: the rating is malformed, out of range, or refers
                to records that do not exist.
            StorageError: SQLite fails or the store is closed.
            TypeError: ``rating`` has another type.
        """

    def add_survey_response(
        self,
        estate_id: str,
        response: Union[SurveyResponse, Mapping[str, Any], _JsonDocument],
    ) -> None:
        """Adds one survey response.

        Args:
            estate_id: the estate's id.
            response: a :class:`SurveyResponse`, or its JSON form.

        Raises:
            NotFoundError: the estate does not exist.
            ConflictError: the id is taken.
            InvalidInputError: a score is out of range or a reference does not
                exist.
            StorageError: SQLite fails or the store is closed.
            TypeError: ``response`` has another type.
        """

# -- roster ------------------------------------------------------------------

_RosterRequest = Union[Mapping[str, Any], str, bytes, bytearray]
"""A roster request document: a dict, or its JSON as text or bytes."""

_RosterProgress = Callable[[float, int, int, int], Optional[bool]]
"""``progress(elapsed_seconds, best_hard, best_soft, moves)``; ``False`` stops the search."""

@final
class CancelToken:
    """A cancellation flag for a running solve or repair (thread-safe)."""

    def __init__(self) -> None:
        """A flag, not set."""

    def cancel(self) -> None:
        """Asks the search to stop; it returns the best roster found so far."""

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` was called."""

def roster_solve(
    request: _RosterRequest,
    *,
    progress: Optional[_RosterProgress] = None,
    cancel: Optional[CancelToken] = None,
) -> str:
    """Builds a roster (use :func:`steward.roster.solve` for typed results).

    Args:
        request: a ``steward.roster.solve.request.v1`` document.
        progress: called with the GIL held when a better roster is found (at
            most every 100 ms) and at the end; return ``False`` to stop.
        cancel: a flag another thread may set to stop the search.

    Returns:
        The ``steward.roster.solve.response.v1`` document as JSON text.

    Raises:
        InvalidInputError: the request is malformed or refers to things that
            do not exist.
        TypeError: ``request`` has another type.
        Exception: whatever ``progress`` raised.
    """

def roster_repair(
    request: _RosterRequest,
    *,
    progress: Optional[_RosterProgress] = None,
    cancel: Optional[CancelToken] = None,
) -> str:
    """Repairs a published roster after disruptions.

    Args:
        request: a ``steward.roster.repair.request.v1`` document.
        progress: as for :func:`roster_solve`.
        cancel: as for :func:`roster_solve`.

    Returns:
        The ``steward.roster.repair.response.v1`` document as JSON text.

    Raises:
        InvalidInputError: the request is malformed, has no disruptions, or
            refers to things that do not exist.
        TypeError: ``request`` has another type.
    """

def roster_evaluate(request: _RosterRequest) -> str:
    """Scores and explains a roster.

    Args:
        request: a ``steward.roster.evaluate.request.v1`` document.

    Returns:
        The ``steward.roster.evaluate.response.v1`` document as JSON text.

    Raises:
        InvalidInputError: the request is malformed or refers to things that
            do not exist.
        TypeError: ``request`` has another type.
    """

def roster_nsp_import(text: str, name: str) -> str:
    """Maps a Curtois–Qu instance into a solve request.

    Args:
        text: the text of ``InstanceN.txt``.
        name: the instance's name, e.g. ``"Instance1"``.

    Returns:
        The ``steward.roster.solve.request.v1`` document as JSON text.

    Raises:
        InvalidInputError: the instance is malformed (the issue path is
            ``"line N"``).
    """

def roster_demo_request(week: str = "normal") -> str:
    """The demo estate's roster request.

    Args:
        week: ``"normal"`` (the week of the demo's now) or ``"closed"`` (the
            first closed-management week).

    Returns:
        The ``steward.roster.solve.request.v1`` document as JSON text.

    Raises:
        ValueError: another ``week``.
    """

# -- dispatch ----------------------------------------------------------------

def dispatch_call(
    document: Union[Mapping[str, Any], str, bytes, bytearray], estate: Optional[Estate] = None
) -> str:
    """Runs a dispatch request, chosen by its ``schema``
    (``steward.dispatch.<verb>.request.v1``; use :mod:`steward.dispatch` for
    typed results).

    Args:
        document: the request as a dict, JSON text or UTF-8 bytes.
        estate: an estate the request is about; the request must then leave
            out ``estate``.

    Returns:
        The response document as JSON text.

    Raises:
        InvalidInputError: the request is malformed or names no dispatch
            request; the issue names the field.
        InfeasibleError: a linear sum assignment has no complete solution.
        TypeError: ``document`` is not a dict, text or bytes.
    """

def dispatch_default_policy() -> str:
    """The default dispatch policy (Chinese property-service practice).

    Returns:
        The complete policy document as JSON text.
    """

def linear_sum_assignment_ndarray(cost: Any, maximize: object) -> Optional[Tuple[Any, Any]]:
    """Linear sum assignment of a numpy matrix, read in place; see
    :func:`steward.linear_sum_assignment`.

    Args:
        cost: any object; only a C-contiguous 2-D float64 numpy array in
            native byte order is solved.
        maximize: greatest total instead of least, by its truth value.

    Returns:
        ``(row_ind, col_ind)`` as new numpy ``intp`` arrays, or ``None`` for
        any other array or object (convert an array with
        ``numpy.ascontiguousarray(cost, dtype=numpy.float64)`` and call
        again).

    Raises:
        InvalidInputError: NaN or a wrong-direction infinity (``cost[i][j]``).
        InfeasibleError: every complete assignment uses a forbidden entry.
    """

def linear_sum_assignment_rows(cost: Sequence[Sequence[float]], maximize: bool) -> Tuple[List[int], List[int]]:
    """Linear sum assignment of a matrix given as a sequence of equally long
    rows; see :func:`steward.linear_sum_assignment`.

    Args:
        cost: the rows.
        maximize: greatest total instead of least.

    Returns:
        ``(row_ind, col_ind)``.

    Raises:
        InvalidInputError: NaN or a wrong-direction infinity (``cost[i][j]``).
        InfeasibleError: every complete assignment uses a forbidden entry.
        TypeError: ``cost`` is not a sequence of equally long rows of numbers.
    """

# -- satisfaction ------------------------------------------------------------

def satisfaction_score(
    request: Union[Mapping[str, Any], str, bytes, bytearray], estate: Optional[Estate] = None
) -> str:
    """Runs a ``steward.satisfaction.score.request.v1`` document (use
    :func:`steward.satisfaction.score` for typed results and data frames).

    Args:
        request: the request as a dict, JSON text or UTF-8 bytes.
        estate: an estate to score; the request must then leave out ``estate``.

    Returns:
        The response document as JSON text.

    Raises:
        InvalidInputError: the request is malformed; the issue names the field
            (``config.anonymity_threshold``, ``responses[3].overall``…).
        TypeError: ``request`` is not a dict, text or bytes.
    """

def satisfaction_score_columns(
    groups: Any,
    scores: Any,
    at: Any = None,
    as_of: int = 0,
    config: Optional[Union[Mapping[str, Any], str, bytes]] = None,
) -> Dict[str, Any]:
    """Scores ratings given as arrays read in place through
    ``__array_interface__`` (use :func:`steward.satisfaction.score_columns`).

    Args:
        groups: 1-D contiguous uint32 array of group ids.
        scores: 1-D contiguous uint8 array of scores.
        at: 1-D contiguous int64 array of times (seconds since the epoch), or None.
        as_of: the scoring time in seconds since the epoch.
        config: the column configuration (scale, top_box,
            anonymity_threshold, confidence, half_life_days, invalid_scores,
            groups).

    Returns:
        Raw native-endian column bytes by name (``status`` uint8, ``n``
        uint64, float64 columns, ``distribution``), with ``levels``,
        ``excluded`` and ``total``.

    Raises:
        InvalidInputError: a bad row (``scores[i]``, ``groups[i]``),
            mismatched lengths or a bad setting.
        TypeError: an argument is not a contiguous 1-D array of the right dtype.
    """

@final
class SatisfactionAccumulator:
    """Incremental satisfaction scoring (use :class:`steward.satisfaction.Accumulator`).

    Thread-safe: calls are serialised by a lock.
    """

    def __new__(
        cls,
        as_of: str,
        config: Optional[Union[Mapping[str, Any], str, bytes]] = None,
        estate: Optional[Union[Estate, Mapping[str, Any], str, bytes]] = None,
    ) -> SatisfactionAccumulator:
        """Creates an accumulator.

        Args:
            as_of: the scoring time (RFC 3339).
            config: the configuration document.
            estate: an estate whose records are added first.

        Raises:
            InvalidInputError: a bad time, configuration or estate.
        """

    def add(self, records: Union[Sequence[Mapping[str, Any]], Mapping[str, Any], str, bytes]) -> None:
        """Adds response records, all or none.

        Args:
            records: a list of response dicts, one dict, or their JSON.

        Raises:
            InvalidInputError: a record is malformed or has an answer outside
                its scale (``records[i].overall``), or names a work order
                that is not in the estate; nothing was added.
        """

    @property
    def responses(self) -> int:
        """Responses added so far."""

    def result(self) -> str:
        """The current result as a response document (JSON text)."""
