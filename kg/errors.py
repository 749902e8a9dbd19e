"""The exceptions of conflict-kg: one small hierarchy, each carrying its CLI exit code.

The library raises these; only ``kg.cli`` turns them into one-line messages and exit codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.validation_report import ValidationReport


class KGError(Exception):
    """Base of every error a user can cause; the message names the file, line or value."""

    exit_code = 2


class DataLoadError(KGError):
    """A data file is missing, unreadable, of an unknown format or not valid RDF."""

    exit_code = 2


class InvalidData(KGError):
    """The data does not conform to the SHACL shapes; carries the validation report."""

    exit_code = 1

    def __init__(self, message: str, report: ValidationReport) -> None:
        super().__init__(message)
        self.report = report


class QueryError(KGError):
    """A SPARQL query is unknown, does not parse, or got a bad parameter."""

    exit_code = 3


class UnknownName(KGError):
    """No actor (or peace process) has the name or IRI given."""

    exit_code = 6


class AmbiguousName(KGError):
    """The name given fits more than one actor (or peace process)."""

    exit_code = 7


class QueryTimeout(KGError):
    """A query ran longer than its time limit and was stopped; nothing was printed."""

    exit_code = 9


class TooManyRows(KGError):
    """A query's answer has more rows than its row limit; nothing was printed."""

    exit_code = 10


class BadValue(KGError):
    """A value in the data cannot be read (an ill-typed date); `kg validate` finds it."""

    exit_code = 1


class NetworkRefused(KGError):
    """The input would reach the network (SERVICE, FROM, a JSON-LD @context URL, owl:imports)."""

    exit_code = 4


class OutputError(KGError):
    """An output file could not be written; any file already there is left as it was."""

    exit_code = 5


class BadImport(KGError):
    """A table to import, or its mapping, has a bad row, column or value; nothing was written."""

    exit_code = 8

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems) or [message]


class StoreError(KGError):
    """A store cannot be opened or used: a missing or locked store folder, an endpoint that
    does not answer, refuses the credentials, or answers with an error."""

    exit_code = 11


class PartialResult(KGError):
    """A SPARQL server stopped at its own limit (time or rows) and sent part of the answer;
    it is never passed off as the whole answer."""

    exit_code = 12


class TimeLimit(KGError):
    """A command ran longer than its time limit (--time-limit, KG_TIME_LIMIT) and was stopped."""

    exit_code = 9


class TooBig(KGError):
    """An input or an answer is bigger than its ceiling (memory, query text, server answer)."""

    exit_code = 10


class ShapeError(KGError):
    """A shape cannot be run exactly by the engine asked for, or is malformed; it is refused
    before anything is validated."""

    exit_code = 13


class WriterBusy(StoreError):
    """Another process kept writing the same file or store past the time a writer waits
    for it; nothing was written."""

    exit_code = 11


class DecisionRefused(KGError):
    """A decision on two actors (`kg actors merge`, `distinct`) cannot be recorded: they
    are one IRI, or other merges make them one actor, which it would contradict."""

    exit_code = 14
