"""Reading a mapping file: the TOML document, checked key by key, into a :class:`MappingSpec`.

Every problem is collected (unknown sections and keys, malformed templates, constants that name
no relation, status or class of the ontology) and raised together as one BadImport naming the
file and key of each. The columns are checked later, against the table the mapping reads
(:func:`kg.importers.mapping.spec.check_columns`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import BadImport, DataLoadError
from kg.importers.mapping.kinds import (
    FROM_KEY,
    SECOND_PARTY,
    TO_KEY,
    Kinds,
    local,
    role_keys,
    roles_of,
)
from kg.importers.mapping.lookup import Lookup, parse_reference
from kg.importers.mapping.spec import (
    ACTOR_SPEC_KEYS,
    ACTORS_KEYS,
    CLAIM_ACTOR_KEYS,
    CLAIM_KEYS,
    CLAIM_TEXT_KEYS,
    LOOKUP_KEYS,
    NODE_KEYS,
    ROWS_KEYS,
    SECTIONS,
    SOURCE_ACTOR_KEYS,
    SOURCE_TEXT_KEYS,
    TABLE_KEYS,
    UNPIVOT_KEYS,
    VALUE_SPEC_KEYS,
    ActorSpec,
    MappingSpec,
    NodeSpec,
    SupportSpec,
    UnpivotSpec,
)
from kg.importers.mapping.template import (
    Condition,
    Template,
    Value,
    parse_condition,
    parse_template,
)
from kg.importers.table import Problems, normal_number
from kg.names import normalise
from kg.vocabulary import Vocabulary


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

    def known_keys(self, key: str, raw: dict[str, Any], known: Collection[str]) -> None:
        """Refuse each key of the table ``raw`` (at ``key``) that is not in ``known``."""
        for name in raw:
            if name not in known:
                self.fail(f"{key} {name}", f"unknown key (known: {', '.join(sorted(known))})")

    def section(self, document: dict[str, Any], name: str, known: set[str]) -> dict[str, Any]:
        value = document.get(name, {})
        if not isinstance(value, dict):
            self.fail(f"[{name}]", "must be a table of keys")
            return {}
        self.known_keys(f"[{name}]", value, known)
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
        if "unpivot" in table:
            self.spec.unpivot = self.unpivot(table["unpivot"])
        self.lookups(document.get("lookups", {}))
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
            if self.spec.publisher is not None and self.spec.publisher.split:
                self.fail("[source] publisher split", "a source has one publisher: no split")
        kinds = Kinds.of(self.vocabulary)
        claim = self.section(document, "claim", CLAIM_KEYS | kinds.role_keys)
        nodes = [name for name in NODE_KEYS if name in document]
        if len(nodes) > 1:
            self.fail(f"[{nodes[1]}]", f"and [{nodes[0]}]: give one node a row is about")
        elif nodes:
            self.spec.node = self.node(nodes[0], document[nodes[0]])
        for key in (CLAIM_ACTOR_KEYS | kinds.role_keys) & set(claim):
            if key == "party":
                parties = claim[key]
                if not isinstance(parties, list) or len(parties) != 2:
                    self.fail("[claim] party", 'must be a list of the two parties: ["{a}", "{b}"]')
                    continue
                for name, raw in zip(("party", SECOND_PARTY), parties, strict=True):
                    actor = self.actor(f"[claim] {name}", raw)
                    if actor is not None:
                        self.spec.actors[name] = actor
                continue
            actor = self.actor(f"[claim] {key}", claim[key])
            if actor is not None:
                self.spec.actors[key] = actor
        for key in CLAIM_TEXT_KEYS & set(claim):
            if key == "alliance_kind" and isinstance(claim[key], dict) and "flags" in claim[key]:
                self.spec.alliance_flags = self.flags("[claim] alliance_kind", claim[key])
                continue
            value = self.value(f"[claim] {key}", claim[key])
            if value is not None:
                self.spec.claim[key] = value
        if "during" in claim and ({"start", "end"} & set(claim)):
            self.fail("[claim] during", "gives both start and end: leave out start and end")
        if "support" in claim:
            self.spec.support = self.support(claim["support"])
        self.check_roles(kinds, claim)
        self.check_constants(kinds)
        self.check_references()

    def unpivot(self, raw: Any) -> UnpivotSpec | None:
        key = "[table] unpivot"
        if not isinstance(raw, dict):
            self.fail(key, 'must be a table { columns_from = "A..Z", name = ..., value = ... }')
            return None
        self.known_keys(key, raw, UNPIVOT_KEYS)
        texts: dict[str, str] = {}
        for name in ("name", "value"):
            text = raw.get(name)
            if not isinstance(text, str) or not text.strip():
                self.fail(f"{key} {name}", "is missing: the name of the new column it makes")
            else:
                texts[name] = text.strip()
        if texts.get("name") is not None and texts.get("name") == texts.get("value"):
            self.fail(f"{key} value", "must differ from name")
        skip = raw.get("skip", [])
        skip = skip if isinstance(skip, list) else [skip]
        if not all(isinstance(i, str | int) and not isinstance(i, bool) for i in skip):
            self.fail(f"{key} skip", "must be a text, a number, or a list of them")
            skip = []
        columns, span = raw.get("columns"), raw.get("columns_from")
        if (columns is None) == (span is None):
            self.fail(key, 'needs columns = ["A", "B"] or columns_from = "A..Z" (one of them)')
            return None
        found: tuple[str, ...] = ()
        first_last: tuple[str, str | None] | None = None
        if columns is not None:
            if not (
                isinstance(columns, list) and columns and all(isinstance(c, str) for c in columns)
            ):
                self.fail(f"{key} columns", 'must be a list of column names, such as ["A", "B"]')
                return None
            found = tuple(c.strip() for c in columns)
        else:
            first, dots, last = span.partition("..") if isinstance(span, str) else ("", "", "")
            if not dots or not first.strip():
                self.fail(
                    f"{key} columns_from",
                    'must be a span of columns "FIRST..LAST" (or "FIRST.." to the last one)',
                )
                return None
            first_last = (first.strip(), last.strip() or None)
        if len(texts) < 2:
            return None
        return UnpivotSpec(
            texts["name"],
            texts["value"],
            found,
            first_last,
            frozenset(normal_number(str(i)) for i in skip),
        )

    def lookups(self, raw: Any) -> None:
        if not isinstance(raw, dict):
            self.fail("[lookups]", 'must hold tables such as [lookups.cow] file = "cow.csv"')
            return
        for name, entry in raw.items():
            key = f"[lookups.{name}]"
            if not isinstance(entry, dict):
                self.fail(key, "must be a table { file, key, value, delimiter, default }")
                continue
            self.known_keys(key, entry, LOOKUP_KEYS)
            texts: dict[str, str] = {}
            for part in ("file", "key", "value", "delimiter", "default"):
                if part not in entry:
                    if part in ("file", "key", "value"):
                        self.fail(f"{key} {part}", "is missing")
                    continue
                if not isinstance(entry[part], str) or (
                    part != "default" and not entry[part].strip()
                ):
                    self.fail(f"{key} {part}", "must be text")
                    continue
                texts[part] = entry[part] if part == "default" else entry[part].strip()
            delimiter = texts.get("delimiter", ",")
            if len(delimiter) != 1:
                self.fail(f"{key} delimiter", 'must be one character, such as "," or ";"')
                continue
            if not {"file", "key", "value"} <= set(texts):
                continue
            self.spec.lookups[name] = Lookup(
                name,
                self.spec.path.parent / texts["file"],
                texts["key"],
                texts["value"],
                delimiter,
                texts.get("default"),
            )

    def check_references(self) -> None:
        """Every ``{lookup.NAME:COLUMN}`` must name a lookup of the mapping."""
        for value in self.spec.values():
            templates = [value.template, *([value.default] if value.default else [])]
            for column in (c for t in templates for c in t.columns):
                reference = parse_reference(column)
                if reference is not None and reference[0] not in self.spec.lookups:
                    self.fail(value.key, self.no_lookup(reference[0]))

    def no_lookup(self, name: str) -> str:
        known = ", ".join(sorted(self.spec.lookups)) or "none: add [lookups.NAME]"
        return f"{name!r} names no lookup (known: {known})"

    def conditions(self, key: str, value: Any) -> dict[str, Condition]:
        if not isinstance(value, dict):
            self.fail(key, 'must be a table of column = value, such as { ext_sup = "1" }')
            return {}
        found: dict[str, Condition] = {}
        for column, wanted in value.items():
            items = wanted if isinstance(wanted, list) else [wanted]
            if not all(isinstance(i, str | int) and not isinstance(i, bool) for i in items):
                self.fail(f"{key} {column}", "must be a text, a number, or a list of them")
                continue
            try:
                found[column] = parse_condition([str(i) for i in items])
            except ValueError as error:
                self.fail(f"{key} {column}", str(error))
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
        self.known_keys(key, raw, VALUE_SPEC_KEYS)
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
        default_template = self.template(f"{key} default", default) if default else None
        table: Lookup | None = None
        if "lookup" in raw:
            name = raw["lookup"]
            table = self.spec.lookups.get(name) if isinstance(name, str) else None
            if table is None:
                self.fail(f"{key} lookup", self.no_lookup(str(name)))
        if template is None:
            return None
        mapped = {normal_number(str(k)): v for k, v in lookup.items()} if lookup else None
        return Value(key, template, mapped, default_template, table)

    def actor(self, key: str, raw: Any) -> ActorSpec | None:
        if isinstance(raw, dict) and "value" in raw and not {"name", "iri"} & set(raw):
            raw = raw.get("value") if set(raw) == {"value"} else raw  # a name's value table
        if isinstance(raw, str) or (isinstance(raw, dict) and "value" in raw):
            name = self.value(key, raw)
            return ActorSpec(key, name) if name is not None else None
        if not isinstance(raw, dict):
            self.fail(key, "must be a template text or a table { name, iri, type, ucdp_id }")
            return None
        self.known_keys(key, raw, ACTOR_SPEC_KEYS)
        if "name" not in raw and "iri" not in raw:
            self.fail(key, "needs a name or an iri")
            return None
        parts = {
            part: self.value(f"{key} {part}", raw[part])
            for part in ACTOR_SPEC_KEYS - {"split"}
            if part in raw
        }
        split = self.separators(f"{key} split", raw["split"]) if "split" in raw else ()
        return ActorSpec(
            key,
            parts.get("name"),
            parts.get("iri"),
            parts.get("type"),
            parts.get("ucdp_id"),
            split,
        )

    def separators(self, key: str, raw: Any) -> tuple[str, ...]:
        items = raw if isinstance(raw, list) else [raw]
        if not items or not all(isinstance(i, str) and i.strip(" ") for i in items):
            self.fail(key, 'must be a separator or a list of them, such as "," or [",", " and "]')
            return ()
        return tuple(items)

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
                concept = self.vocabulary.support.get(normalise(kind))
                if concept is None:
                    self.fail(
                        f"{key} flags {column}", f"{kind!r} is no kind of support{self.kinds()}"
                    )
                else:
                    found.append((column, concept))
            return SupportSpec(flags=tuple(found))
        value = self.value(key, raw)
        return SupportSpec(value=value)

    def flags(self, key: str, raw: dict[str, Any]) -> tuple[tuple[str, str], ...]:
        """``{ flags = { column = "name", ... } }``: one 0/1 column per kind (the names are
        checked against the ontology when the import starts)."""
        extra = set(raw) - {"flags"}
        if extra:
            self.fail(key, f"with flags takes no other key ({', '.join(sorted(extra))})")
        flags = raw["flags"]
        if not isinstance(flags, dict) or not all(isinstance(v, str) for v in flags.values()):
            self.fail(f"{key} flags", 'must be a table of column = kind, such as { d = "defense" }')
            return ()
        return tuple((str(column), kind) for column, kind in flags.items())

    def kinds(self) -> str:
        labels = sorted(set(self.vocabulary.support_labels.values()))
        return f" (known: {', '.join(labels)}, or their ESD letters)"

    def node(self, section: str, raw: Any) -> NodeSpec | None:
        key = f"[{section}]"
        if not isinstance(raw, dict):
            self.fail(key, "must be a table of keys")
            return None
        known = NODE_KEYS[section]
        self.known_keys(key, raw, known)
        values = {
            name: self.value(f"{key} {name}", raw[name]) for name in sorted(known) if name in raw
        }
        for name in ("id", "name"):
            if name not in raw:
                self.fail(f"{key} {name}", f"is missing: every {section} needs one")
        id_, name_ = values.get("id"), values.get("name")
        if id_ is None or name_ is None:
            return None
        return NodeSpec(
            section,
            id_,
            name_,
            values.get("class"),
            values.get("date"),
            values.get("start"),
            values.get("end"),
            values.get("note"),
        )

    def check_roles(self, kinds: Kinds, claim: dict[str, Any]) -> None:
        """With a constant relation (support by default), its two roles must be given, by
        their keys or by backer and recipient (or by the node section of the role's name),
        and no role of another kind."""
        relation = self.spec.claim.get("relation")
        given = set(self.spec.actors)
        if self.spec.node is not None:
            given.add(self.spec.node.section)
        if relation is not None and relation.template.columns:
            # A relation per row: its roles are checked row by row; some key must give
            # each side.
            kinds_ = self.vocabulary.kinds
            sides = (
                (FROM_KEY, {FROM_KEY} | {local(k.from_role) for k in kinds_}),
                (TO_KEY, {TO_KEY, SECOND_PARTY} | {local(k.to_role) for k in kinds_}),
            )
            for side, names in sides:
                if not given & names:
                    self.fail(f"[claim] {side}", "is missing: which column names it?")
            return
        text = relation.template.expand({}) if relation is not None else "support"
        kind = kinds.get(text or "")
        if kind is None:
            return  # check_constants names it
        froms, tos = role_keys(kind)
        node = self.spec.node
        if node is not None and node.section != local(kind.to_role):
            self.fail(
                f"[{node.section}]",
                f"is no role of a {kind.label} (its roles: {roles_of(kind)}): "
                f"no claim would name the {node.section}",
            )
        for keys in (froms, tos):
            if not given & set(keys):
                role = "party" if keys[0] == SECOND_PARTY else keys[0]
                self.fail(
                    f"[claim] {role}",
                    f"is missing: a {kind.label} needs its {role} "
                    f"(its roles: {roles_of(kind)}; or {FROM_KEY} and {TO_KEY})",
                )
        own = {*froms, *tos}
        for key in kinds.role_keys & set(claim):
            if key not in own and not (key == "party" and SECOND_PARTY in own):
                self.fail(
                    f"[claim] {key}",
                    f"is no role of a {kind.label} (its roles: {roles_of(kind)})",
                )

    def check_constants(self, kinds: Kinds) -> None:
        """Constants and map entries must name known relations, statuses, classes."""

        def is_relation(text: str) -> bool:
            return kinds.get(text) is not None

        checks: list[tuple[Value | None, Callable[[str], bool], str]] = [
            (
                self.spec.claim.get("relation"),
                is_relation,
                f"no kind of relation (known: {kinds.known()})",
            ),
            (self.spec.claim.get("status"), self.is_status, "no status"),
            (self.spec.source.get("type"), self.is_source_type, "no source type"),
        ]
        for actor in [*self.spec.actors.values(), self.spec.publisher]:
            if actor is not None:
                checks.append((actor.type, self.is_class, "no class of actor"))
        for value, known, what in checks:
            if value is None:
                continue
            texts = list((value.lookup or {}).values())
            if value.default is not None and not value.default.columns:
                texts.append(value.default.expand({}) or "")
            if not value.template.columns:
                texts.append(value.template.expand({}) or "")
            for text in texts:
                if text and not known(text):
                    self.fail(value.key, f"{text!r} is {what}")

    def is_status(self, text: str) -> bool:
        return normalise(text) in self.vocabulary.statuses

    def is_source_type(self, text: str) -> bool:
        return normalise(text) in self.vocabulary.source_classes

    def is_class(self, text: str) -> bool:
        return normalise(text) in self.vocabulary.actor_classes
