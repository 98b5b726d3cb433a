"""Exceptions raised by Steward.

Every error of the Rust core reaches Python as one of these classes, chosen by
its kind; the same error has the same JSON form in Rust, C and Python::

    try:
        steward.Estate.from_json(text)
    except steward.InvalidInputError as e:
        e.code                      # "invalid_input"
        e.issues[0]["path"]         # "households[3].building"
        str(e)                      # the core's message, naming the field
        json.dumps(e.to_dict(), separators=(",", ":"), ensure_ascii=False)
                                    # == steward::Error::to_json(), byte for byte

The kinds also derive from the matching built-in exception, so
``except ValueError`` catches invalid input and ``except LookupError`` a
missing record.
"""

from __future__ import annotations

from typing import Any, ClassVar, Iterable, List, Mapping, Optional, Tuple, TypedDict

__all__ = [
    "ConflictError",
    "ErrorDict",
    "InfeasibleError",
    "InternalError",
    "InvalidInputError",
    "Issue",
    "NotFoundError",
    "StewardError",
    "StorageError",
]


class Issue(TypedDict):
    """One problem found in an input (pydantic's ``loc/input/type/msg``)."""

    path: str
    """Path of the field, e.g. ``"work_orders[2].events[1].at"``; empty for the whole document."""
    value: str
    """The offending value as compact JSON, at most 80 characters; empty when absent."""
    code: str
    """Which rule was broken, e.g. ``"unknown_field"``, ``"dangling_reference"``."""
    message: str
    """A sentence saying what was expected and what was found."""


class ErrorDict(TypedDict):
    """The JSON form of an error, as returned by :meth:`StewardError.to_dict`."""

    kind: str
    message: str
    issues: List[Issue]


class StewardError(Exception):
    """Base class of every error raised by Steward.

    Attributes:
        message: the core's message (also ``str(e)``); it names the field path.
        code: the error kind's slug: ``"invalid_input"``, ``"not_found"``,
            ``"conflict"``, ``"infeasible"``, ``"storage"`` or ``"internal"``.
        issues: for invalid input, every problem found, each a dict with
            ``path``, ``value``, ``code`` and ``message``; otherwise empty.
    """

    kind: ClassVar[str] = "internal"
    """The code of errors of this class (an instance's ``code`` may be a newer kind)."""

    message: str
    code: str
    issues: List[Issue]

    def __init__(
        self, message: str, issues: Iterable[Mapping[str, str]] = (), code: Optional[str] = None
    ) -> None:
        """Makes an error (Steward raises these; tests and wrappers may build them).

        Args:
            message: the full message.
            issues: the issues, as dicts with ``path``, ``value``, ``code``, ``message``.
            code: the kind's slug; defaults to the class's :attr:`kind`.
        """
        super().__init__(message)
        self.message = message
        self.code = code if code is not None else type(self).kind
        self.issues = [
            Issue(
                path=i["path"], value=i["value"], code=i["code"], message=i["message"]
            )
            for i in issues
        ]

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (self.message, self.issues, self.code))

    def to_dict(self) -> ErrorDict:
        """The error as the JSON object used at every boundary.

        Returns:
            ``{"kind": ..., "message": ..., "issues": [...]}`` with keys in this
            order, so that ``json.dumps(e.to_dict(), separators=(",", ":"),
            ensure_ascii=False)`` equals the core's ``Error::to_json()``.
        """
        return {
            "kind": self.code,
            "message": self.message,
            "issues": [
                {
                    "path": i["path"],
                    "value": i["value"],
                    "code": i["code"],
                    "message": i["message"],
                }
                for i in self.issues
            ],
        }


class InvalidInputError(StewardError, ValueError):
    """The input was malformed or broke a rule; ``issues`` lists every problem."""

    kind = "invalid_input"


class NotFoundError(StewardError, LookupError):
    """Something referred to by id does not exist."""

    kind = "not_found"


class ConflictError(StewardError):
    """The operation conflicts with stored data (duplicate id, illegal state change,
    a save that would drop or rewrite a stored record)."""

    kind = "conflict"


class InfeasibleError(StewardError):
    """The request is well-formed but cannot be satisfied (no feasible plan)."""

    kind = "infeasible"


class StorageError(StewardError, OSError):
    """The database could not be opened, read or written (or the store is closed)."""

    kind = "storage"


class InternalError(StewardError):
    """A bug in Steward (a caught panic); please report it."""

    kind = "internal"

