"""``kg import csv FILE --mapping MAP``: a user's own table of claims, read through a small
mapping file that says which column is what.

The mapping is TOML (read by the standard library). Every value in it is a *template*, as
in RML's ``rr:template`` and CSV on the Web's URI templates: ``"{sponsor}"`` is the cell of
the column ``sponsor``, ``"My table"`` a constant, ``"{first} {last}"`` both. A value may
instead be a table ``{ value = "{col}", map = { "1" = "alleged" }, default = "asserted" }``
that looks the expanded text up. A minimal mapping::

    [source]
    title = "Backers of Syrian factions, compiled by hand"

    [claim]
    backer = "{sponsor}"
    recipient = "{group}"
    support = "{kinds}"
    start = "{from}"
    quote = "{quote}"

The README's "Importing tables" section documents every key; ``mappings/ucdp-esd.toml``
reads the whole ESD file with it. Nothing here knows a column name: they all come from the
mapping, and the kinds, statuses, relations and classes of actor from the ontology.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import URIRef

from kg.errors import BadImport, DataLoadError
from kg.importers.model import ID, Batch, ClaimRecord, Origin, SourceRecord, slug
from kg.importers.resolve import ActorIndex, Vocabulary, expand_iri
from kg.importers.table import (
    Problems,
    Row,
    normal_number,
    open_table,
    read_boolean,
    read_flag,
    read_integer,
    read_period,
)
from kg.names import normalise
from kg.periods import TimePoint
from kg.vocab import CKG

MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"

SECTIONS = {"table", "rows", "actors", "source", "claim"}
TABLE_KEYS = {"delimiter"}
ROWS_KEYS = {"keep_if", "skip_if"}
ACTORS_KEYS = {"unknown"}
SOURCE_TEXT_KEYS = {"id", "type", "title", "date", "version", "citation", "url", "note"}
SOURCE_ACTOR_KEYS = {"publisher"}
CLAIM_TEXT_KEYS = {
    "id",
    "relation",
    "status",
    "start",
    "end",
    "during",
    "quote",
    "label",
    "note",
    "record",
    "in_coalition",
    "coalition",
    "both_sides",
}
CLAIM_ACTOR_KEYS = {"backer", "recipient", "against", "via", "according_to"}
CLAIM_KEYS = CLAIM_TEXT_KEYS | CLAIM_ACTOR_KEYS | {"support"}
ACTOR_SPEC_KEYS = {"name", "iri", "type", "ucdp_id"}
VALUE_SPEC_KEYS = {"value", "map", "default"}
SOURCE_TYPES = {
    "dataset": CKG.Dataset,
    "article": CKG.NewsArticle,
    "news article": CKG.NewsArticle,
    "document": CKG.SourceDocument,
    "source document": CKG.SourceDocument,
}

_REFERENCE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


@dataclass(frozen=True)
class Template:
    """Text with ``{column}`` references; ``{{`` and ``}}`` stand for braces."""

    parts: tuple[tuple[str, str | None], ...]  # (literal text, column or None)

    @property
    def columns(self) -> list[str]:
        """The columns the template reads, in order."""
        return [column for _text, column in self.parts if column is not None]

    def expand(self, cells: Mapping[str, str], *, numbers: bool = False) -> str | None:
        """The text for one row; None when every column it reads is empty (or, for a
        constant, when the constant is empty). ``numbers`` reads "57.0" as "57"."""
        values = []
        empty = True
        for literal, column in self.parts:
            if column is None:
                values.append(literal)
                continue
            cell = cells[column].strip()
            if numbers:
                cell = normal_number(cell)
            if cell:
                empty = False
            values.append(cell)
        text = "".join(values).strip()
        if (self.columns and empty) or not text:
            return None
        return text


def parse_template(text: str) -> Template:
    """Split ``text`` into literal text and column references; ValueError if malformed."""
    parts: list[tuple[str, str | None]] = []
    literal = ""
    position = 0
    for m in _REFERENCE.finditer(text):
        literal += text[position : m.start()]
        position = m.end()
        token = m.group(0)
        if token in ("{{", "}}"):
            literal += token[0]
        elif token in ("{", "}"):
            raise ValueError(f"unbalanced {token!r} in {text!r} (write {token * 2} for a brace)")
        else:
            column = (m.group(1) or "").strip()
            if not column:
                raise ValueError(f"empty {{}} in {text!r}")
            parts.append((literal, None))
            literal = ""
            parts.append(("", column))
    literal += text[position:]
    parts.append((literal, None))
    return Template(tuple((t, c) for t, c in parts if c is not None or t))


@dataclass(frozen=True)
class Value:
    """A mapped value: a template, optionally looked up in a map (with a default)."""

    key: str  # where in the mapping, for messages: "[claim] status"
    template: Template
    lookup: dict[str, str] | None = None
    default: str | None = None

    @property
    def column(self) -> str | None:
        """The first column the value reads, to name in a message."""
        columns = self.template.columns
        return columns[0] if columns else None

    def get(self, row: Row, problems: Problems, *, numbers: bool = False) -> str | None:
        """The value for ``row``; a missing map entry is a problem (and None)."""
        text = self.template.expand(row.cells, numbers=numbers or self.lookup is not None)
        if self.lookup is None:
            return text
        if text is None:
            return self.default
        for candidate in (text, normal_number(text), text.casefold()):
            if candidate in self.lookup:
                return self.lookup[candidate]
        if self.default is not None:
            return self.default
        known = ", ".join(repr(k) for k in self.lookup)
        problems.add(row, self.column, f"{text!r} is not in the map of {self.key} ({known})")
        return None


@dataclass(frozen=True)
class ActorSpec:
    """How a row names an actor: a name, or an IRI (such as a UCDP id's), and the class to
    give the actor if the data does not have it yet."""

    key: str
    name: Value | None
    iri: Value | None = None
    type: Value | None = None
    ucdp_id: Value | None = None

    @property
    def column(self) -> str | None:
        """The first column the actor is read from."""
        for value in (self.iri, self.name):
            if value is not None and value.column is not None:
                return value.column
        return None


@dataclass(frozen=True)
class SupportSpec:
    """The kinds of support: names or letters in a cell, or one 0/1 column per kind."""

    value: Value | None = None
    flags: tuple[tuple[str, URIRef], ...] = ()


@dataclass
class MappingSpec:
    """A parsed mapping file, checked against the columns of the table it is used with."""

    path: Path
    delimiter: str = ","
    keep_if: dict[str, set[str]] = field(default_factory=dict)
    skip_if: dict[str, set[str]] = field(default_factory=dict)
    unknown_actors: str = "add"
    source: dict[str, Value] = field(default_factory=dict)
    publisher: ActorSpec | None = None
    claim: dict[str, Value] = field(default_factory=dict)
    actors: dict[str, ActorSpec] = field(default_factory=dict)
    support: SupportSpec = field(default_factory=SupportSpec)

    def columns(self) -> list[tuple[str, str]]:
        """Every (mapping key, column) the mapping reads."""
        found: list[tuple[str, str]] = []
        values: list[Value] = [*self.source.values(), *self.claim.values()]
        actors = [*self.actors.values(), *([self.publisher] if self.publisher else [])]
        for actor in actors:
            values += [v for v in (actor.name, actor.iri, actor.type, actor.ucdp_id) if v]
        if self.support.value is not None:
            values.append(self.support.value)
        for value in values:
            found += [(value.key, column) for column in value.template.columns]
        found += [("[claim] support", column) for column, _kind in self.support.flags]
        found += [("[rows] keep_if", column) for column in self.keep_if]
        found += [("[rows] skip_if", column) for column in self.skip_if]
        return found


def bundled_mapping(name: str) -> Path:
    """The path of a mapping shipped with the package (``ucdp-esd``)."""
    return MAPPINGS_DIR / f"{name}.toml"


def load_mapping(path: Path, vocabulary: Vocabulary) -> MappingSpec:
    """Read and check a mapping file; BadImport names the file and key of each problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataLoadError(f"{path}: no such mapping file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise DataLoadError(f"{path}: cannot be read ({error})") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BadImport(f"{path}: not valid TOML ({error})") from None
    except RecursionError:  # tomllib recurses into nested arrays and inline tables
        raise BadImport(
            f"{path}: not a mapping (arrays or tables nested too deep to read)"
        ) from None
    problems = Problems(path)
    spec = MappingSpec(path)
    _Reader(spec, problems, vocabulary).read(document)
    problems.raise_if_any()
    return spec


@dataclass
class _Reader:
    spec: MappingSpec
    problems: Problems
    vocabulary: Vocabulary

    def fail(self, key: str, message: str) -> None:
        self.problems.add(None, None, f"{key}: {message}")

    def section(self, document: dict[str, Any], name: str, known: set[str]) -> dict[str, Any]:
        value = document.get(name, {})
        if not isinstance(value, dict):
            self.fail(f"[{name}]", "must be a table of keys")
            return {}
        for key in value:
            if key not in known:
                self.fail(f"[{name}] {key}", f"unknown key (known: {', '.join(sorted(known))})")
        return value

    def read(self, document: dict[str, Any]) -> None:
        for name in document:
            if name not in SECTIONS:
                self.fail(f"[{name}]", f"unknown section (known: {', '.join(sorted(SECTIONS))})")
        table = self.section(document, "table", TABLE_KEYS)
        delimiter = table.get("delimiter", ",")
        if not isinstance(delimiter, str) or len(delimiter) != 1:
            self.fail("[table] delimiter", 'must be one character, such as "," or ";"')
        else:
            self.spec.delimiter = delimiter
        rows = self.section(document, "rows", ROWS_KEYS)
        for key in ("keep_if", "skip_if"):
            if key in rows:
                getattr(self.spec, key).update(self.conditions(f"[rows] {key}", rows[key]))
        actors = self.section(document, "actors", ACTORS_KEYS)
        unknown = actors.get("unknown", "add")
        if unknown not in ("add", "refuse"):
            self.fail("[actors] unknown", 'must be "add" or "refuse"')
        else:
            self.spec.unknown_actors = unknown
        source = self.section(document, "source", SOURCE_TEXT_KEYS | SOURCE_ACTOR_KEYS)
        if "source" not in document:
            self.fail("[source]", "is missing: a source needs at least a title")
        for key in SOURCE_TEXT_KEYS & set(source):
            value = self.value(f"[source] {key}", source[key])
            if value is not None:
                self.spec.source[key] = value
        if "title" not in source and "source" in document:
            self.fail("[source] title", "is missing: every source needs a title")
        if "publisher" in source:
            self.spec.publisher = self.actor("[source] publisher", source["publisher"])
        claim = self.section(document, "claim", CLAIM_KEYS)
        for key in ("backer", "recipient"):
            if key not in claim:
                self.fail(f"[claim] {key}", "is missing: which column names it?")
        for key in CLAIM_ACTOR_KEYS & set(claim):
            actor = self.actor(f"[claim] {key}", claim[key])
            if actor is not None:
                self.spec.actors[key] = actor
        for key in CLAIM_TEXT_KEYS & set(claim):
            value = self.value(f"[claim] {key}", claim[key])
            if value is not None:
                self.spec.claim[key] = value
        if "during" in claim and ({"start", "end"} & set(claim)):
            self.fail("[claim] during", "gives both start and end: leave out start and end")
        if "support" in claim:
            self.spec.support = self.support(claim["support"])
        self.check_constants()

    def conditions(self, key: str, value: Any) -> dict[str, set[str]]:
        if not isinstance(value, dict):
            self.fail(key, 'must be a table of column = value, such as { ext_sup = "1" }')
            return {}
        found: dict[str, set[str]] = {}
        for column, wanted in value.items():
            items = wanted if isinstance(wanted, list) else [wanted]
            if not all(isinstance(i, str | int) and not isinstance(i, bool) for i in items):
                self.fail(f"{key} {column}", "must be a text, a number, or a list of them")
                continue
            found[column] = {normal_number(str(i)) for i in items}
        return found

    def template(self, key: str, text: Any) -> Template | None:
        if not isinstance(text, str):
            self.fail(key, f'must be text (a template such as "{{column}}"), not {text!r}')
            return None
        try:
            return parse_template(text)
        except ValueError as error:
            self.fail(key, str(error))
            return None

    def value(self, key: str, raw: Any) -> Value | None:
        if isinstance(raw, bool | int | float):
            raw = str(raw).lower() if isinstance(raw, bool) else str(raw)
        if isinstance(raw, str):
            template = self.template(key, raw)
            return Value(key, template) if template is not None else None
        if not isinstance(raw, dict):
            self.fail(key, "must be a template text or a table { value, map, default }")
            return None
        for name in raw:
            if name not in VALUE_SPEC_KEYS:
                self.fail(
                    f"{key} {name}", f"unknown key (known: {', '.join(sorted(VALUE_SPEC_KEYS))})"
                )
        if "value" not in raw:
            self.fail(key, 'needs value = "{column}"')
            return None
        template = self.template(f"{key} value", raw["value"])
        lookup = raw.get("map")
        if lookup is not None and not (
            isinstance(lookup, dict) and all(isinstance(v, str) for v in lookup.values())
        ):
            self.fail(f"{key} map", 'must be a table of text = text, such as { "1" = "alleged" }')
            lookup = None
        default = raw.get("default")
        if default is not None and not isinstance(default, str):
            self.fail(f"{key} default", "must be text")
            default = None
        if template is None:
            return None
        table = {normal_number(str(k)): v for k, v in lookup.items()} if lookup else None
        return Value(key, template, table, default)

    def actor(self, key: str, raw: Any) -> ActorSpec | None:
        if isinstance(raw, str):
            name = self.value(key, raw)
            return ActorSpec(key, name) if name is not None else None
        if not isinstance(raw, dict):
            self.fail(key, "must be a template text or a table { name, iri, type, ucdp_id }")
            return None
        for name in raw:
            if name not in ACTOR_SPEC_KEYS:
                self.fail(
                    f"{key} {name}", f"unknown key (known: {', '.join(sorted(ACTOR_SPEC_KEYS))})"
                )
        if "name" not in raw and "iri" not in raw:
            self.fail(key, "needs a name or an iri")
            return None
        parts = {
            part: self.value(f"{key} {part}", raw[part]) for part in ACTOR_SPEC_KEYS if part in raw
        }
        return ActorSpec(
            key, parts.get("name"), parts.get("iri"), parts.get("type"), parts.get("ucdp_id")
        )

    def support(self, raw: Any) -> SupportSpec:
        key = "[claim] support"
        if isinstance(raw, dict) and "flags" in raw:
            extra = set(raw) - {"flags"}
            if extra:
                self.fail(key, f"with flags takes no other key ({', '.join(sorted(extra))})")
            flags = raw["flags"]
            if not isinstance(flags, dict) or not all(isinstance(v, str) for v in flags.values()):
                self.fail(
                    f"{key} flags", 'must be a table of column = kind, such as { ext_w = "W" }'
                )
                return SupportSpec()
            found = []
            for column, kind in flags.items():
                concept = self.vocabulary.support.get(_name(kind))
                if concept is None:
                    self.fail(
                        f"{key} flags {column}", f"{kind!r} is no kind of support{self.kinds()}"
                    )
                else:
                    found.append((column, concept))
            return SupportSpec(flags=tuple(found))
        value = self.value(key, raw)
        return SupportSpec(value=value)

    def kinds(self) -> str:
        labels = sorted(set(self.vocabulary.support_labels.values()))
        return f" (known: {', '.join(labels)}, or their ESD letters)"

    def check_constants(self) -> None:
        """Constants and map entries must name known relations, statuses, classes."""
        checks: list[tuple[Value | None, Callable[[str], bool], str]] = [
            (self.spec.claim.get("relation"), self.is_relation, "no kind of relation"),
            (self.spec.claim.get("status"), self.is_status, "no status"),
            (self.spec.source.get("type"), lambda t: _name(t) in SOURCE_TYPES, "no source type"),
        ]
        for actor in [*self.spec.actors.values(), self.spec.publisher]:
            if actor is not None:
                checks.append((actor.type, self.is_class, "no class of actor"))
        for value, known, what in checks:
            if value is None:
                continue
            texts = list((value.lookup or {}).values()) + [value.default or ""]
            if not value.template.columns:
                texts.append(value.template.expand({}) or "")
            for text in texts:
                if text and not known(text):
                    self.fail(value.key, f"{text!r} is {what}")

    def is_relation(self, text: str) -> bool:
        return _name(text) in self.vocabulary.claim_kinds

    def is_status(self, text: str) -> bool:
        return _name(text) in self.vocabulary.statuses

    def is_class(self, text: str) -> bool:
        return _name(text) in self.vocabulary.actor_classes


def _name(text: str) -> str:
    return normalise(text)


def check_columns(spec: MappingSpec, table_path: Path, columns: list[str]) -> None:
    """Every column the mapping reads must be in the table; BadImport names each one."""
    problems = Problems(spec.path)
    header = set(columns)
    for key, column in spec.columns():
        if column not in header:
            problems.add(
                None,
                None,
                f"{key}: reads the column {column!r}, which {table_path} does not have "
                f"(it has: {', '.join(columns)})",
            )
    problems.raise_if_any()


# --- reading the rows ----------------------------------------------------------------------


_SPLIT = re.compile(r"\s*[,;|]\s*")


def read_with_mapping(path: Path, spec: MappingSpec, index: ActorIndex) -> Batch:
    """Read the table at ``path`` through ``spec`` into claims, sources and new actors.

    Raises BadImport naming file, row and column for every bad cell.
    """
    table = open_table(path, delimiter=spec.delimiter)
    check_columns(spec, path, table.columns)
    problems = table.problems
    batch = Batch(path)
    seen: dict[URIRef, int] = {}
    reader = _RowReader(spec, index, problems, batch)
    for row in table.rows():
        batch.rows += 1
        if problems.full:
            break
        if not _kept(spec, row):
            batch.skipped += 1
            continue
        claim = reader.claim(row)
        if claim is None:
            continue
        if claim.iri in seen:
            if "id" in spec.claim:
                problems.add(
                    row, spec.claim["id"].column, f"gives the id of row {seen[claim.iri]} again"
                )
            else:
                batch.skipped += 1  # the same claim again: kept once
            continue
        seen[claim.iri] = row.number
        batch.claims.append(claim)
    problems.raise_if_any()
    batch.actors = dict(index.minted)
    batch.clashes = index.clashes()
    return batch


def _kept(spec: MappingSpec, row: Row) -> bool:
    for column, wanted in spec.keep_if.items():
        if normal_number(row.cells[column]) not in wanted:
            return False
    for column, unwanted in spec.skip_if.items():
        if normal_number(row.cells[column]) in unwanted:
            return False
    return True


@dataclass
class _RowReader:
    spec: MappingSpec
    index: ActorIndex
    problems: Problems
    batch: Batch
    _source_rows: dict[URIRef, int] = field(default_factory=dict)

    def text(self, row: Row, key: str) -> str | None:
        value = self.spec.claim.get(key)
        return value.get(row, self.problems) if value is not None else None

    def claim(self, row: Row) -> ClaimRecord | None:
        spec = self.spec
        before = self.problems.count
        vocabulary = self.index.vocabulary
        relation = self.text(row, "relation") or "support"
        kind = vocabulary.claim_kinds.get(_name(relation))
        if kind is None:
            column = spec.claim["relation"].column if "relation" in spec.claim else None
            known = sorted(
                {k.label.removesuffix(" claim") for k in vocabulary.claim_kinds.values()}
            )
            self.problems.add(
                row, column, f"{relation!r} is no kind of relation ({', '.join(known)})"
            )
            return None
        support_claim = kind.iri == CKG.SupportClaim
        actors: dict[str, URIRef | None] = {}
        for key, actor_spec in spec.actors.items():
            count = self.problems.count
            actors[key] = self.actor(row, actor_spec)
            needed = key in ("backer", "recipient")
            if needed and actors[key] is None and self.problems.count == count:
                self.problems.add(row, actor_spec.column, f"is empty; the claim needs a {key}")
        if not support_claim:
            for key in ("against", "via"):
                if actors.get(key) is not None:
                    self.problems.add(
                        row, spec.actors[key].column, f"gives {key}, which only a support claim has"
                    )
        support = self.support(row) if support_claim else ()
        if not support_claim and self.spec.support.value is not None:
            given = self.spec.support.value.get(row, self.problems)
            if given:
                self.problems.add(
                    row,
                    self.spec.support.value.column,
                    f"gives kinds of support ({given!r}) to a relation that is not support "
                    f"({relation!r}): leave the cell empty",
                )
        status_text = self.text(row, "status") or "asserted"
        status = vocabulary.statuses.get(_name(status_text))
        if status is None:
            column = spec.claim["status"].column if "status" in spec.claim else None
            statuses = "asserted, alleged, denied, ended"
            self.problems.add(row, column, f"{status_text!r} is no status ({statuses})")
        start = self.period(row, "start") or self.period(row, "during")
        end = self.period(row, "end") or self.period(row, "during")
        if start is not None and end is not None and end.last < start.first:
            self.problems.add(row, self.column("end"), f"ends ({end}) before it starts ({start})")
        flags = {
            key: self.boolean(row, key)
            for key in ("in_coalition", "both_sides")
            if key in spec.claim
        }
        source = self.source(row)
        if self.problems.count > before:
            return None
        backer, recipient = actors.get("backer"), actors.get("recipient")
        assert backer is not None and recipient is not None and status is not None
        assert source is not None
        if backer == recipient:
            self.problems.add(
                row, spec.actors["recipient"].column, "names the same actor as the backer"
            )
            return None
        claim_id = self.text(row, "id")
        key = slug(claim_id) if claim_id else "claim-" + self.fingerprint(row)
        if not key:
            self.problems.add(row, self.column("id"), f"{claim_id!r} gives no usable id")
            return None
        origin_columns = {
            str(p): c
            for p, c in (
                (kind.from_role, spec.actors["backer"].column),
                (kind.to_role, spec.actors["recipient"].column),
                (CKG.against, spec.actors["against"].column if "against" in spec.actors else None),
                (CKG.start, self.column("start") or self.column("during")),
                (CKG.end, self.column("end") or self.column("during")),
                (CKG.status, self.column("status")),
                (CKG.quote, self.column("quote")),
            )
            if c
        }
        return ClaimRecord(
            iri=ID[f"{source.removeprefix(str(ID))}-{key}"],
            kind=kind.iri,
            from_role=kind.from_role,
            to_role=kind.to_role,
            subject=backer,
            object=recipient,
            status=status,
            source=source,
            origin=Origin(row.number, row.line, origin_columns),
            support=support,
            against=actors.get("against"),
            via=actors.get("via"),
            start=start,
            end=end,
            quote=self.text(row, "quote"),
            label=self.text(row, "label"),
            comment=self.text(row, "note"),
            according_to=actors.get("according_to"),
            record_id=self.text(row, "record"),
            in_coalition=flags.get("in_coalition"),
            coalition=self.text(row, "coalition"),
            both_sides=flags.get("both_sides"),
        )

    def column(self, key: str) -> str | None:
        value = self.spec.claim.get(key)
        return value.column if value is not None else None

    def fingerprint(self, row: Row) -> str:
        """An id made from what the mapping reads of the row: the same row, the same claim."""
        parts = [
            f"{key}={value.template.expand(row.cells) or ''}"
            for key, value in sorted(self.spec.claim.items())
        ]
        for key, actor in sorted(self.spec.actors.items()):
            for part in (actor.name, actor.iri):
                if part is not None:
                    parts.append(f"{key}={part.template.expand(row.cells) or ''}")
        if self.spec.support.value is not None:
            parts.append(f"support={self.spec.support.value.template.expand(row.cells) or ''}")
        parts += [f"{c}={row.cells[c]}" for c, _k in self.spec.support.flags]
        for key, value in sorted(self.spec.source.items()):
            parts.append(f"source {key}={value.template.expand(row.cells) or ''}")
        return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]

    def period(self, row: Row, key: str) -> TimePoint | None:
        text = self.text(row, key)
        if text is None:
            return None
        point = read_period(text)
        if point is None:
            self.problems.add(
                row,
                self.column(key),
                f"{text!r} is not a date: write 2017, 2017-07 or 2017-07-14",
            )
        return point

    def boolean(self, row: Row, key: str) -> bool | None:
        text = self.text(row, key)
        if text is None:
            return None
        value = read_boolean(text)
        if value is None:
            self.problems.add(row, self.column(key), f"{text!r} is not yes or no (1/0, true/false)")
        return value

    def support(self, row: Row) -> tuple[URIRef, ...]:
        spec = self.spec.support
        vocabulary = self.index.vocabulary
        found: list[URIRef] = []
        if spec.flags:
            for column, concept in spec.flags:
                value = read_flag(row.cells[column])
                if value is None:
                    self.problems.add(row, column, f"{row.cells[column].strip()!r} is not 0 or 1")
                elif value and concept not in found:
                    found.append(concept)
        elif spec.value is not None:
            text = spec.value.get(row, self.problems)
            for part in _SPLIT.split(text or ""):
                if not part:
                    continue
                named = vocabulary.support.get(_name(part))
                if named is None:
                    labels = sorted(set(vocabulary.support_labels.values()))
                    self.problems.add(
                        row,
                        spec.value.column,
                        f"{part!r} is no kind of support (known: {', '.join(labels)}, "
                        "or their ESD letters)",
                    )
                elif named not in found:
                    found.append(named)
        return tuple(found) or (CKG.UnspecifiedSupport,)

    def actor(self, row: Row, spec: ActorSpec) -> URIRef | None:
        """The actor a row names: by IRI (merged through the alias table) or by name;
        an unknown one is added, unless the mapping says to refuse it."""
        name = spec.name.get(row, self.problems) if spec.name is not None else None
        iri_text = spec.iri.get(row, self.problems, numbers=True) if spec.iri is not None else None
        column = spec.column
        iri: URIRef | None = None
        if iri_text is not None:
            iri = expand_iri(iri_text)
            if iri is None:
                self.problems.add(row, column, f"{iri_text!r} is not an IRI (such as ck:turkey)")
                return None
        elif name is not None:
            iri = expand_iri(name) if ":" in name else None
            if iri is not None and not self.index.known(self.index.canonical(iri)):
                # An IRI written where a name goes must be an actor of the data: a typo, or a
                # place such as ck:raqqa, must not become a new actor.
                self.problems.add(
                    row,
                    column,
                    f"{name!r} is written as an IRI but is no actor of the data: give an "
                    "actor's IRI, or its name to add a new actor",
                )
                return None
            if iri is None:
                found = {self.index.canonical(i) for i in self.index.find(name)}
                if len(found) > 1:
                    choices = "; ".join(f"{self.index.label(i)} ({i})" for i in sorted(found))
                    self.problems.add(
                        row,
                        column,
                        f"{name!r} names more than one actor: {choices}; write the IRI, or "
                        "add an alias to tell them apart",
                    )
                    return None
                if found:
                    return found.pop()
                key = slug(name)
                if not key:
                    self.problems.add(row, column, f"{name!r} gives no usable actor name")
                    return None
                iri = ID[f"actor-{key}"]
        else:
            return None
        iri = self.index.canonical(iri)
        if self.index.known(iri):
            return iri
        if self.spec.unknown_actors == "refuse":
            self.problems.add(
                row,
                column,
                f"{name or iri_text!r} is no actor of the data, and the mapping refuses new "
                'ones ([actors] unknown = "refuse"): add it, or an alias',
            )
            return None
        types = [CKG.Actor]
        if spec.type is not None:
            type_text = spec.type.get(row, self.problems)
            if type_text is not None:
                cls = self.index.vocabulary.actor_classes.get(_name(type_text))
                if cls is None:
                    self.problems.add(row, spec.type.column, f"{type_text!r} is no class of actor")
                    return None
                types = [cls]
        ucdp_id = None
        if spec.ucdp_id is not None:
            text = spec.ucdp_id.get(row, self.problems)
            ucdp_id = read_integer(text) if text is not None else None
            if text is not None and ucdp_id is None:
                self.problems.add(row, spec.ucdp_id.column, f"{text!r} is not a whole number")
        label = name or str(iri).rsplit("/", 1)[-1]
        self.index.mint(iri, label, types, ucdp_id=ucdp_id)
        return iri

    def source(self, row: Row) -> URIRef | None:
        spec = self.spec
        values = {key: value.get(row, self.problems) for key, value in spec.source.items()}
        title = values.get("title")
        if title is None:
            column = spec.source["title"].column if "title" in spec.source else None
            self.problems.add(row, column, "is empty; every source needs a title")
            return None
        key = slug(values.get("id") or title)
        if not key:
            self.problems.add(row, None, f"the source {title!r} gives no usable id")
            return None
        iri = ID[key if "id" in values and values["id"] else f"source-{key}"]
        if iri in self.index.labels:
            self.problems.add(
                row,
                None,
                f"the source id {key!r} is the IRI of an actor: give the source another id",
            )
            return None
        type_text = values.get("type") or "document"
        cls = SOURCE_TYPES.get(_name(type_text))
        if cls is None:
            column = spec.source["type"].column
            self.problems.add(
                row, column, f"{type_text!r} is no source type ({', '.join(SOURCE_TYPES)})"
            )
            return None
        date = None
        if values.get("date") is not None:
            date = read_period(values["date"] or "")
            if date is None:
                self.problems.add(
                    row,
                    spec.source["date"].column,
                    f"{values['date']!r} is not a date: write 2017, 2017-07 or 2017-07-14",
                )
                return None
        publisher = self.actor(row, spec.publisher) if spec.publisher is not None else None
        record = SourceRecord(
            iri=iri,
            cls=cls,
            title=title,
            publisher=publisher,
            date=date,
            version=values.get("version"),
            citation=values.get("citation"),
            url=values.get("url"),
            comment=values.get("note"),
        )
        earlier = self.batch.sources.get(iri)
        if earlier is not None and earlier != record:
            self.problems.add(
                row,
                None,
                f"describes the source {key} differently from row {self._source_rows[iri]} "
                "(title, date, publisher...): give each source one description, or its own id",
            )
            return None
        if earlier is None:
            self.batch.sources[iri] = record
            self._source_rows[iri] = row.number
        return iri
