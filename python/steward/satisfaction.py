"""Satisfaction scoring: statistically honest indices from post-service
ratings, surveys and service outcomes.

The satisfaction engine of the Rust core, with typed results::

    import steward
    from steward import satisfaction

    estate = steward.demo_estate()
    result = satisfaction.score(estate, as_of="2022-12-14T10:00:00+08:00",
                                groupings=[["building"], ["staff"]])
    whole = result.group()
    print(whole.satisfaction.index.value, whole.satisfaction.index.ci_low)
    b9 = result.group(building="B9")
    print(b9.status, b9.suppression)             # suppressed: fewer than 5
    df = result.to_pandas()                      # one row per group

    # Survey rows from a data frame (pandas, polars, a list of dicts, or
    # anything with the Arrow PyCapsule interface when pyarrow is installed):
    result = satisfaction.score(responses=frame, as_of="2023-01-01T00:00:00+08:00")

    # Millions of ratings as NumPy arrays, read in place:
    cols = satisfaction.score_columns(group_ids, scores)
    cols.mean_shrunk, cols.csat_low, cols.status

Every statistic carries its sample size, interval and method; groups below
the anonymity threshold are suppressed everywhere (also against
subtraction); results never contain names, phone numbers or comments.
Nothing here imports pandas, polars, NumPy or pyarrow until a function that
needs one is called.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from typing import (
    Any,
    Dict,
    Iterable,
    List,
    Literal,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from . import _steward
from ._steward import Estate

__all__ = [
    "Accumulator",
    "Change",
    "ColumnScores",
    "DimensionScore",
    "Driver",
    "DriverModel",
    "Estimate",
    "GroupScore",
    "Satisfaction",
    "ScaleScore",
    "Service",
    "Shrunk",
    "SatisfactionResult",
    "Trend",
    "records",
    "score",
    "score_columns",
]

REQUEST_SCHEMA = "steward.satisfaction.score.request.v1"

GroupKey = Literal["estate", "building", "category", "staff", "period", "source"]
PeriodUnit = Literal["day", "week", "month", "quarter", "half_year", "year"]
InvalidScores = Literal["reject", "exclude"]
Instant = Union[datetime, str]
EstateLike = Union[Estate, Mapping[str, Any], str, bytes]

# Columns a response row may have (besides dimension scores).
_FIELDS = (
    "source",
    "at",
    "estate",
    "building",
    "category",
    "staff",
    "work_order",
    "overall",
    "recommend",
    "scores",
    "id",
    "respondent",
    "household",
    "comment",
)


def _instant(t: Instant, name: str) -> str:
    if isinstance(t, datetime):
        if t.utcoffset() is None:
            raise ValueError(f"{name}: expected an aware datetime (with tzinfo), found {t!r}")
        return t.isoformat()
    if isinstance(t, str):
        return t
    raise TypeError(f"{name}: expected a datetime or an RFC 3339 str, found {type(t).__name__}")


def _plain(v: Any) -> Any:
    """A JSON-ready Python value: NumPy/pandas scalars unwrapped, NaN/NA as None."""
    if v is None:
        return None
    if isinstance(v, datetime):
        return v
    item = getattr(v, "item", None)
    if callable(item) and type(v).__module__.startswith("numpy"):
        v = item()
    if isinstance(v, float) and math.isnan(v):
        return None
    if type(v).__name__ in ("NAType", "NaTType"):
        return None
    return v


def records(data: Any) -> List[Dict[str, Any]]:
    """Rows as a list of dicts, from a list of mappings, a polars DataFrame
    (``to_dicts()``), a pandas DataFrame (``to_dict("records")``) or anything
    with the Arrow PyCapsule interface (``__arrow_c_stream__``, read with
    pyarrow, which must then be installed).
    """
    if data is None:
        return []
    if hasattr(data, "to_dicts"):
        rows = data.to_dicts()
    elif hasattr(data, "to_dict") and hasattr(data, "columns"):
        rows = data.to_dict("records")
    elif hasattr(data, "__arrow_c_stream__"):
        try:
            import pyarrow  # noqa: PLC0415
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError(
                "reading an Arrow stream needs the 'pyarrow' package (pip install pyarrow)"
            ) from e
        rows = pyarrow.table(data).to_pylist()
    elif isinstance(data, Mapping):
        raise TypeError("expected rows (a list of dicts or a data frame), found a single mapping")
    else:
        rows = list(data)
    return [dict(r) for r in rows]


def _response(row: Mapping[str, Any], i: int, dims: Optional[Sequence[str]]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    scores: Dict[str, Any] = {}
    for key, raw in row.items():
        value = _plain(raw)
        if not isinstance(key, str):
            raise TypeError(f"responses[{i}]: column names must be str, found {key!r}")
        if key == "scores":
            if value is not None:
                for d, s in dict(value).items():
                    s = _plain(s)
                    if s is not None:
                        scores[str(d)] = s
        elif key.startswith("scores."):
            if value is not None:
                scores[key[len("scores.") :]] = value
        elif dims is not None and key in dims and key not in _FIELDS:
            if value is not None:
                scores[key] = value
        elif value is None:
            continue
        elif key == "at":
            out["at"] = _instant(value, f"responses[{i}].at")
        else:
            out[key] = value.isoformat() if isinstance(value, datetime) else value
    if scores:
        out["scores"] = scores
    return out


def _config(
    config: Optional[Mapping[str, Any]],
    **options: Any,
) -> Dict[str, Any]:
    merged: Dict[str, Any] = dict(config or {})
    for k, v in options.items():
        if v is None:
            continue
        if k == "groupings":
            v = [
                g if isinstance(g, Mapping) else {"by": [g] if isinstance(g, str) else list(g)}
                for g in v
            ]
        if k == "sources":
            v = [v] if isinstance(v, str) else list(v)
        merged[k] = v
    if options.get("no_decay"):
        merged["half_life_days"] = None
    merged.pop("no_decay", None)
    return merged


def _dimension_ids(config: Mapping[str, Any]) -> Optional[List[str]]:
    dims = config.get("dimensions")
    if dims is None:
        return None
    return [str(d["id"]) for d in dims]


@dataclass(frozen=True)
class Shrunk:
    """An empirical-Bayes estimate shrunk toward the parent group."""

    value: float
    ci_low: float
    ci_high: float
    weight: float
    """Weight on the group's own data (1 − B), 0 to 1."""
    toward: float
    method: str

    @staticmethod
    def from_dict(d: Mapping[str, Any]) -> "Shrunk":
        return Shrunk(d["value"], d["ci_low"], d["ci_high"], d["weight"], d["toward"], d["method"])


@dataclass(frozen=True)
class Estimate:
    """A statistic with n, interval and method (and a shrunk estimate when the
    group has a parent with at least three sibling groups)."""

    value: float
    n: int
    n_effective: float
    ci_low: Optional[float]
    ci_high: Optional[float]
    method: str
    shrunk: Optional[Shrunk]

    @staticmethod
    def from_dict(d: Mapping[str, Any]) -> "Estimate":
        s = d.get("shrunk")
        return Estimate(
            d["value"],
            d["n"],
            d["n_effective"],
            d["ci_low"],
            d["ci_high"],
            d["method"],
            Shrunk.from_dict(s) if s else None,
        )


def _est(d: Optional[Mapping[str, Any]]) -> Optional[Estimate]:
    return Estimate.from_dict(d) if d else None


@dataclass(frozen=True)
class ScaleScore:
    """Scores on one answer scale: mean, distribution (lowest answer first), CSAT."""

    n: int
    mean: Estimate
    distribution: Tuple[float, ...]
    csat: Estimate

    @staticmethod
    def from_dict(d: Mapping[str, Any]) -> "ScaleScore":
        return ScaleScore(
            d["n"],
            Estimate.from_dict(d["mean"]),
            tuple(d["distribution"]),
            Estimate.from_dict(d["csat"]),
        )


@dataclass(frozen=True)
class DimensionScore:
    """One dimension in one group; ``score`` is None when suppressed."""

    dimension: str
    score: Optional[ScaleScore]
    suppression: Optional[str]

    @staticmethod
    def from_dict(d: Mapping[str, Any]) -> "DimensionScore":
        s = d["score"]
        if s["status"] == "published":
            return DimensionScore(d["dimension"], ScaleScore.from_dict(s), None)
        return DimensionScore(d["dimension"], None, s["message"])


@dataclass(frozen=True)
class Change:
    """The change of one statistic from the previous period, with its test."""

    current: float
    previous: float
    change: float
    n_current: int
    n_previous: int
    test: str
    statistic: float
    df: Optional[float]
    p_value: float
    distinguishable: bool

    @staticmethod
    def from_dict(d: Mapping[str, Any]) -> "Change":
        return Change(**{k: d[k] for k in Change.__dataclass_fields__})


@dataclass(frozen=True)
class Trend:
    """A group's trend against the previous period (None fields: too few answers)."""

    current: str
    previous: str
    mean: Optional[Change]
    csat: Optional[Change]
    nps: Optional[Change]
    index: Optional[Change]
    statement: str

    @staticmethod
    def from_dict(d: Mapping[str, Any]) -> "Trend":
        def ch(k: str) -> Optional[Change]:
            return Change.from_dict(d[k]) if d.get(k) else None

        return Trend(
            d["current"], d["previous"], ch("mean"), ch("csat"), ch("nps"), ch("index"), d["statement"]
        )


@dataclass(frozen=True)
class Satisfaction:
    """Satisfaction statistics of one published group."""

    n: int
    n_effective: float
    overall: Optional[ScaleScore]
    nps: Optional[Estimate]
    index: Optional[Estimate]
    dimensions: Tuple[DimensionScore, ...]
    trend: Optional[Trend]
    trend_suppressed: Optional[str]

    @staticmethod
    def from_dict(d: Mapping[str, Any]) -> "Satisfaction":
        t = d.get("trend")
        return Satisfaction(
            d["n"],
            d["n_effective"],
            ScaleScore.from_dict(d["overall"]) if d.get("overall") else None,
            _est(d.get("nps")),
            _est(d.get("index")),
            tuple(DimensionScore.from_dict(x) for x in d["dimensions"]),
            Trend.from_dict(t) if t and t["status"] == "published" else None,
            t["message"] if t and t["status"] == "suppressed" else None,
        )


@dataclass(frozen=True)
class Service:
    """Service outcomes of a group's work orders against SLA targets."""

    orders: int
    response_on_time: Optional[Estimate]
    resolution_on_time: Optional[Estimate]
    reopened: Estimate

    @staticmethod
    def from_dict(d: Mapping[str, Any]) -> "Service":
        return Service(
            d["orders"],
            _est(d.get("response_on_time")),
            _est(d.get("resolution_on_time")),
            Estimate.from_dict(d["reopened"]),
        )


@dataclass(frozen=True)
class GroupScore:
    """One group: its keys, and its satisfaction and service outcomes — or
    why they are suppressed (``status == "suppressed"``, ``suppression``
    says why; a suppressed group shows no numbers, not even its size)."""

    grouping: Tuple[str, ...]
    parent: Tuple[str, ...]
    keys: Mapping[str, str]
    status: Literal["published", "suppressed", "empty"]
    suppression: Optional[str]
    suppression_rule: Optional[str]
    satisfaction: Optional[Satisfaction]
    service: Optional[Service]
    service_suppression: Optional[str]

    @staticmethod
    def from_dict(d: Mapping[str, Any]) -> "GroupScore":
        s = d.get("satisfaction")
        v = d.get("service")
        status: Literal["published", "suppressed", "empty"] = (
            "empty" if s is None else s["status"]
        )
        return GroupScore(
            tuple(d["grouping"]),
            tuple(d["parent"]),
            dict(d["keys"]),
            status,
            s["message"] if s and s["status"] == "suppressed" else None,
            s["rule"] if s and s["status"] == "suppressed" else None,
            Satisfaction.from_dict(s) if s and s["status"] == "published" else None,
            Service.from_dict(v) if v and v["status"] == "published" else None,
            v["message"] if v and v["status"] == "suppressed" else None,
        )


@dataclass(frozen=True)
class Driver:
    """One driver: correlation (with Fisher z interval) and standardised beta."""

    driver: str
    kind: str
    rank: int
    correlation: Estimate
    beta: Optional[float]
    beta_se: Optional[float]
    p_value: Optional[float]
    mean_with: Optional[float]
    mean_without: Optional[float]

    @staticmethod
    def from_dict(d: Mapping[str, Any]) -> "Driver":
        return Driver(
            d["driver"],
            d["kind"],
            d["rank"],
            Estimate.from_dict(d["correlation"]),
            d["beta"],
            d["beta_se"],
            d["p_value"],
            d["mean_with"],
            d["mean_without"],
        )


@dataclass(frozen=True)
class DriverModel:
    """Derived importance of the drivers of one outcome."""

    outcome: str
    n: int
    r_squared: Optional[float]
    method: str
    drivers: Tuple[Driver, ...]
    left_out: Tuple[Tuple[str, str], ...]

    @staticmethod
    def from_dict(d: Mapping[str, Any]) -> "DriverModel":
        return DriverModel(
            d["outcome"],
            d["n"],
            d["r_squared"],
            d["method"],
            tuple(Driver.from_dict(x) for x in d["drivers"]),
            tuple((x["driver"], x["reason"]) for x in d["left_out"]),
        )


def _model(d: Optional[Mapping[str, Any]]) -> Optional[DriverModel]:
    return DriverModel.from_dict(d) if d and d["status"] == "published" else None


@dataclass(frozen=True)
class SatisfactionResult:
    """The result of :func:`score`: groups, drivers, parameters, methods."""

    as_of: str
    responses: int
    work_orders: int
    groups: Tuple[GroupScore, ...]
    dimension_drivers: Optional[DriverModel]
    service_drivers: Optional[DriverModel]
    excluded: Tuple[Tuple[str, str, int], ...]
    """(reason, field, count) of answers or records left out."""
    parameters: Mapping[str, Any]
    methods: Mapping[str, str]
    document: Mapping[str, Any]
    """The response document as the core wrote it."""

    @staticmethod
    def from_json(text: str) -> "SatisfactionResult":
        d = json.loads(text)
        return SatisfactionResult(
            d["as_of"],
            d["responses"],
            d["work_orders"],
            tuple(GroupScore.from_dict(g) for g in d["groups"]),
            _model(d["drivers"].get("dimensions")),
            _model(d["drivers"].get("service")),
            tuple((e["reason"], e["field"], e["count"]) for e in d["excluded"]),
            d["parameters"],
            d["methods"],
            d,
        )

    def group(self, **keys: str) -> Optional[GroupScore]:
        """The group with exactly these keys (none: the whole), or None."""
        for g in self.groups:
            if dict(g.keys) == keys:
                return g
        return None

    def to_json(self) -> str:
        """The response document (compact JSON)."""
        return json.dumps(self.document, separators=(",", ":"), ensure_ascii=False)

    def to_dicts(self, *, dimensions: bool = False) -> List[Dict[str, Any]]:
        """One flat row per group (``dimensions=True``: per group and
        dimension). Suppressed groups have ``status`` "suppressed" and no
        numbers."""
        rows: List[Dict[str, Any]] = []
        for g in self.groups:
            base: Dict[str, Any] = {
                "grouping": "+".join(g.grouping) or "(all)",
                **{k: g.keys.get(k) for k in ("estate", "building", "category", "staff", "period", "source")},
                "status": g.status,
            }
            s = g.satisfaction
            if dimensions:
                if s is None:
                    continue
                for d in s.dimensions:
                    row = dict(base, dimension=d.dimension, status="published" if d.score else "suppressed")
                    if d.score:
                        row["n"] = d.score.n
                        _put(row, "mean", d.score.mean)
                        _put(row, "csat", d.score.csat)
                    rows.append(row)
                continue
            row = dict(base)
            row["n"] = s.n if s else None
            row["n_effective"] = s.n_effective if s else None
            _put(row, "mean", s.overall.mean if s and s.overall else None)
            _put(row, "csat", s.overall.csat if s and s.overall else None)
            _put(row, "nps", s.nps if s else None)
            _put(row, "index", s.index if s else None)
            row["trend"] = s.trend.statement if s and s.trend else None
            v = g.service
            _put(row, "response_on_time", v.response_on_time if v else None)
            _put(row, "resolution_on_time", v.resolution_on_time if v else None)
            row["orders"] = v.orders if v else None
            rows.append(row)
        return rows

    def to_columns(self, *, dimensions: bool = False) -> Dict[str, List[Any]]:
        """:meth:`to_dicts` as columns."""
        rows = self.to_dicts(dimensions=dimensions)
        names: List[str] = []
        for r in rows:
            names.extend(k for k in r if k not in names)
        return {k: [r.get(k) for r in rows] for k in names}

    def to_pandas(self, *, dimensions: bool = False) -> Any:
        """:meth:`to_dicts` as a pandas DataFrame (imports pandas)."""
        try:
            import pandas  # noqa: PLC0415
        except ImportError as e:
            raise ImportError("to_pandas() needs the 'pandas' package (pip install pandas)") from e
        return pandas.DataFrame(self.to_columns(dimensions=dimensions))

    def to_polars(self, *, dimensions: bool = False) -> Any:
        """:meth:`to_dicts` as a polars DataFrame (imports polars)."""
        try:
            import polars  # noqa: PLC0415
        except ImportError as e:
            raise ImportError("to_polars() needs the 'polars' package (pip install polars)") from e
        return polars.DataFrame(self.to_columns(dimensions=dimensions), strict=False)


def _put(row: Dict[str, Any], name: str, e: Optional[Estimate]) -> None:
    row[name] = e.value if e else None
    row[f"{name}_low"] = e.ci_low if e else None
    row[f"{name}_high"] = e.ci_high if e else None
    row[f"{name}_shrunk"] = e.shrunk.value if e and e.shrunk else None
    row[f"{name}_shrunk_low"] = e.shrunk.ci_low if e and e.shrunk else None
    row[f"{name}_shrunk_high"] = e.shrunk.ci_high if e and e.shrunk else None


def score(
    estate: Optional[EstateLike] = None,
    responses: Any = None,
    *,
    as_of: Instant,
    config: Optional[Mapping[str, Any]] = None,
    groupings: Optional[Sequence[Union[str, Sequence[str], Mapping[str, Any]]]] = None,
    dimensions: Optional[Sequence[Mapping[str, Any]]] = None,
    anonymity_threshold: Optional[int] = None,
    half_life_days: Optional[float] = None,
    no_decay: bool = False,
    period: Optional[PeriodUnit] = None,
    sources: Optional[Union[str, Sequence[str]]] = None,
    confidence: Optional[float] = None,
    invalid_scores: Optional[InvalidScores] = None,
) -> SatisfactionResult:
    """Scores satisfaction per group.

    Args:
        estate: a :class:`steward.Estate` (its ratings, survey responses and
            work orders are scored), an estate document, or None.
        responses: further response rows: a list of dicts, a pandas or polars
            DataFrame, or an Arrow stream. Columns: ``at`` (aware datetime or
            RFC 3339), ``source`` ("survey" or "rating"), ``building``,
            ``category``, ``staff``, ``estate``, ``work_order``, ``overall``,
            ``recommend``, dimension scores as ``scores.<dimension>`` columns
            (or bare dimension ids when ``dimensions`` lists them), and
            ``id``/``respondent``/``household``/``comment``, which are never
            used or returned. NaN and None mean "not answered". Any other
            column is an error naming it.
        as_of: the scoring time.
        config: a configuration dict (every field optional; see the Rust
            ``ScoreConfig``); the keyword options below override it.
        groupings: e.g. ``["building", ["building", "period"]]`` or
            ``[{"by": [...], "parent": [...]}]``.
        dimensions: ``[{"id": ..., "weight": ..., "scale": {"min": 1, "max": 5}}]``.
        anonymity_threshold: groups with fewer respondents are suppressed (5).
        half_life_days: time-decay half-life (365); ``no_decay=True`` turns decay off.
        period: the period unit (month).
        sources: "survey", "rating" or both.
        confidence: interval level (0.95).
        invalid_scores: "reject" (default: an error naming every bad
            answer) or "exclude" (dropped and counted in ``excluded``).

    Returns:
        The :class:`SatisfactionResult`.

    Raises:
        InvalidInputError: a bad document, configuration or answer (the
            issue's path names it, e.g. ``responses[3].overall``).
        TypeError: arguments of the wrong type.
    """
    cfg = _config(
        config,
        groupings=groupings,
        dimensions=dimensions,
        anonymity_threshold=anonymity_threshold,
        half_life_days=half_life_days,
        no_decay=no_decay,
        period=period,
        sources=sources,
        confidence=confidence,
        invalid_scores=invalid_scores,
    )
    dims = _dimension_ids(cfg)
    rows = [_response(r, i, dims) for i, r in enumerate(records(responses))]
    request: Dict[str, Any] = {
        "schema": REQUEST_SCHEMA,
        "as_of": _instant(as_of, "as_of"),
        "responses": rows,
        "config": cfg,
    }
    if isinstance(estate, Estate):
        return SatisfactionResult.from_json(_steward.satisfaction_score(request, estate))
    if estate is not None:
        request["estate"] = json.loads(estate) if isinstance(estate, (str, bytes)) else dict(estate)
    return SatisfactionResult.from_json(_steward.satisfaction_score(request))


class Accumulator:
    """Incremental scoring: ``add`` responses one at a time or in batches
    (all or none per call), ask for :meth:`result` at any time — the same
    numbers as scoring everything at once."""

    def __init__(
        self,
        *,
        as_of: Instant,
        estate: Optional[EstateLike] = None,
        config: Optional[Mapping[str, Any]] = None,
    ) -> None:
        self._config: Dict[str, Any] = dict(config or {})
        self._dims = _dimension_ids(self._config)
        est: Any = estate
        if isinstance(estate, (str, bytes)):
            est = json.loads(estate)
        self._inner = _steward.SatisfactionAccumulator(_instant(as_of, "as_of"), self._config, est)

    def add(self, responses: Any) -> None:
        """Adds one response (a dict) or many (rows, as :func:`score` takes)."""
        if isinstance(responses, Mapping):
            rows = [_response(responses, 0, self._dims)]
        else:
            rows = [_response(r, i, self._dims) for i, r in enumerate(records(responses))]
        self._inner.add(rows)

    @property
    def responses(self) -> int:
        """Responses added so far (estate records included)."""
        return self._inner.responses

    def result(self) -> SatisfactionResult:
        """The result now."""
        return SatisfactionResult.from_json(self._inner.result())

    def __repr__(self) -> str:
        return f"Accumulator(responses={self.responses})"


@dataclass(frozen=True)
class ColumnScores:
    """Per-group columns from :func:`score_columns` (NumPy arrays; index =
    group id). Suppressed groups (``status`` 1: fewer than k ratings, 2:
    complementary suppression, 3: no ratings) have ``n`` 0 and NaN values."""

    status: Any
    n: Any
    n_effective: Any
    mean: Any
    mean_low: Any
    mean_high: Any
    mean_shrunk: Any
    mean_shrunk_low: Any
    mean_shrunk_high: Any
    shrink_weight: Any
    csat: Any
    csat_low: Any
    csat_high: Any
    csat_shrunk: Any
    csat_shrunk_low: Any
    csat_shrunk_high: Any
    index: Any
    index_low: Any
    index_high: Any
    index_shrunk: Any
    index_shrunk_low: Any
    index_shrunk_high: Any
    distribution: Any
    """Shares of each answer per group, shape (groups, levels)."""
    total: Mapping[str, Any]
    """The total (n, mean, csat, index, published) and the fitted priors (tau2, sigma2, csat_alpha, csat_beta)."""
    excluded: int

    _COLUMNS = (
        "n_effective",
        "mean",
        "mean_low",
        "mean_high",
        "mean_shrunk",
        "mean_shrunk_low",
        "mean_shrunk_high",
        "shrink_weight",
        "csat",
        "csat_low",
        "csat_high",
        "csat_shrunk",
        "csat_shrunk_low",
        "csat_shrunk_high",
        "index",
        "index_low",
        "index_high",
        "index_shrunk",
        "index_shrunk_low",
        "index_shrunk_high",
    )

    def to_dict(self) -> Dict[str, Any]:
        """The per-group columns by name (``distribution`` left out)."""
        out: Dict[str, Any] = {"group": list(range(len(self.n))), "status": self.status, "n": self.n}
        for c in self._COLUMNS:
            out[c] = getattr(self, c)
        return out

    def to_pandas(self) -> Any:
        """The columns as a pandas DataFrame (imports pandas)."""
        try:
            import pandas  # noqa: PLC0415
        except ImportError as e:
            raise ImportError("to_pandas() needs the 'pandas' package (pip install pandas)") from e
        return pandas.DataFrame(self.to_dict())

    def to_polars(self) -> Any:
        """The columns as a polars DataFrame (imports polars)."""
        try:
            import polars  # noqa: PLC0415
        except ImportError as e:
            raise ImportError("to_polars() needs the 'polars' package (pip install polars)") from e
        return polars.DataFrame(self.to_dict())


def _array(x: Any, dtype: str, name: str) -> Any:
    try:
        import numpy  # noqa: PLC0415
    except ImportError as e:
        raise ImportError("score_columns() needs the 'numpy' package (pip install numpy)") from e
    if hasattr(x, "to_numpy") and not isinstance(x, numpy.ndarray):
        x = x.to_numpy()
    arr = numpy.asarray(x)
    if arr.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D array, found shape {arr.shape}")
    if arr.dtype != numpy.dtype(dtype):
        if dtype == "int64" and arr.dtype.kind == "M":
            arr = arr.astype("datetime64[s]").astype("int64")
        elif arr.size and arr.dtype.kind in "iu" and (arr.min() < numpy.iinfo(dtype).min or arr.max() > numpy.iinfo(dtype).max):
            raise ValueError(f"{name}: values outside the range of {dtype}")
        elif arr.dtype.kind not in "iuM":
            raise TypeError(f"{name}: expected integers, found dtype {arr.dtype}")
        arr = arr.astype(dtype)
    return numpy.ascontiguousarray(arr)


def score_columns(
    group_ids: Any,
    scores: Any,
    *,
    at: Any = None,
    as_of: Optional[Instant] = None,
    scale: Tuple[int, int] = (1, 5),
    top_box: int = 2,
    anonymity_threshold: int = 5,
    confidence: float = 0.95,
    half_life_days: Optional[float] = None,
    invalid_scores: InvalidScores = "reject",
    n_groups: Optional[int] = None,
) -> ColumnScores:
    """Scores millions of ratings given as columns, read in place (no Python
    object per row; the GIL is released while counting).

    Args:
        group_ids: group of each rating, 0 to ``n_groups - 1`` (uint32; other
            integer arrays are converted once).
        scores: score of each rating on ``scale`` (uint8).
        at: times of the ratings (datetime64 or int64 seconds since the
            epoch), needed with ``half_life_days``.
        as_of: the scoring time (needed with ``half_life_days``).
        scale, top_box, anonymity_threshold, confidence, invalid_scores: as
            in :func:`score`.
        n_groups: number of groups (default: largest id + 1).

    Returns:
        :class:`ColumnScores`, with the same statistics, shrinkage and
        suppression as :func:`score` for one grouping under a common parent.

    Raises:
        InvalidInputError: a score outside the scale (``scores[i]``) under
            "reject", a group id out of range (``groups[i]``), mismatched
            lengths, or a bad setting.
    """
    import numpy  # noqa: PLC0415

    g = _array(group_ids, "uint32", "group_ids")
    s = _array(scores, "uint8", "scores")
    t = _array(at, "int64", "at") if at is not None else None
    as_of_s = 0
    if as_of is not None:
        as_of_s = int(datetime.fromisoformat(_instant(as_of, "as_of").replace("Z", "+00:00")).timestamp())
    cfg = {
        "scale": {"min": scale[0], "max": scale[1]},
        "top_box": top_box,
        "anonymity_threshold": anonymity_threshold,
        "confidence": confidence,
        "half_life_days": half_life_days,
        "invalid_scores": invalid_scores,
        "groups": n_groups,
    }
    raw = _steward.satisfaction_score_columns(g, s, t, as_of_s, cfg)
    cols = {c: numpy.frombuffer(raw[c], dtype=numpy.float64) for c in ColumnScores._COLUMNS}
    levels = raw["levels"] or (scale[1] - scale[0] + 1)
    dist = numpy.frombuffer(raw["distribution"], dtype=numpy.float64)
    return ColumnScores(
        status=numpy.frombuffer(raw["status"], dtype=numpy.uint8),
        n=numpy.frombuffer(raw["n"], dtype=numpy.uint64),
        distribution=dist.reshape(-1, levels) if dist.size else dist.reshape(0, levels),
        total=raw["total"],
        excluded=raw["excluded"],
        **cols,
    )
