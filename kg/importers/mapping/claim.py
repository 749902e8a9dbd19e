"""One row read into one claim: its relation, actors, status, period, kinds of support, source.

This is the mapping's entity level (followthemoney's ``EntityMapping``): the claim's values come
from :mod:`.template`, its actors from :mod:`.actor`, its source from :mod:`.source`. Every bad
cell of the row is a problem naming row and column; a row with any problem gives no claim.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from rdflib import XSD, Literal, URIRef

from kg.importers.mapping.actor import ActorReader
from kg.importers.mapping.kinds import (
    FROM_KEY,
    SECOND_PARTY,
    TO_KEY,
    Kinds,
    first_given,
    local,
    role_keys,
    roles_of,
)
from kg.importers.mapping.lookup import Cells
from kg.importers.mapping.node import NodeReader
from kg.importers.mapping.source import SourceReader
from kg.importers.mapping.spec import MappingSpec
from kg.importers.model import ID, ClaimRecord, EntityRecord, Origin, slug
from kg.importers.table import (
    Problems,
    Row,
    read_boolean,
    read_flag,
    read_integer,
    read_period,
)
from kg.names import normalise
from kg.periods import TimePoint
from kg.vocab import CKG
from kg.vocabulary import ClaimKind, Vocabulary

_SPLIT = re.compile(r"\s*[,;|]\s*")
#: Where a claim's to role comes from the row's ``[agreement]`` or ``[talks]`` node.
NODE = "\x00node"


@dataclass
class ClaimReader:
    """Reads rows into claim records through ``spec``."""

    spec: MappingSpec
    vocabulary: Vocabulary
    actors: ActorReader
    sources: SourceReader
    problems: Problems
    nodes: NodeReader
    #: The kinds of alliance (ckg:AllianceKinds) by every name, for ``alliance_kind``.
    alliance_kinds: Mapping[str, URIRef] = field(default_factory=dict)
    kinds: Kinds = field(init=False)

    def __post_init__(self) -> None:
        self.kinds = Kinds.of(self.vocabulary)

    def text(self, row: Row, key: str) -> str | None:
        value = self.spec.claim.get(key)
        return value.get(row, self.problems) if value is not None else None

    def roles(self, row: Row, kind: ClaimKind) -> tuple[str | None, str | None] | None:
        """The keys that give the from and the to role of ``kind`` (the to role None where
        the row's node fills it); None, with a problem, where the mapping gives no key."""
        froms, tos = role_keys(kind)
        from_key, to_key = first_given(froms, self.spec.actors), first_given(tos, self.spec.actors)
        node = self.spec.node
        if to_key is None and node is not None and node.section == local(kind.to_role):
            tos = ()
        for key, keys in ((from_key, froms), (to_key, tos)):
            if key is None and keys:
                role = "party" if keys[0] == SECOND_PARTY else keys[0]
                self.problems.add(
                    row,
                    self.column("relation"),
                    f"makes a {kind.label}, which needs its {role}: the mapping gives no key "
                    f"for it (its roles: {roles_of(kind)}; or {FROM_KEY} and {TO_KEY})",
                )
                return None
        return from_key, to_key

    def claims(self, row: Row) -> list[ClaimRecord]:
        """The claims of one row: one, or one per actor of a cell the mapping splits (each
        combination, when two are split); none when any of its cells is a problem (each
        is added)."""
        spec = self.spec
        before = self.problems.count
        relation = self.text(row, "relation") or "support"
        kind = self.kinds.get(relation)
        if kind is None:
            self.problems.add(
                row,
                self.column("relation"),
                f"{relation!r} is no kind of relation (known: {self.kinds.known()})",
            )
            return []
        roles = self.roles(row, kind)
        if roles is None:
            return []
        from_key, to_key = roles
        support_claim = kind.iri == CKG.SupportClaim
        found: dict[str, list[tuple[URIRef, str]]] = {}
        keys = [from_key, to_key, "against", "via", "according_to"]
        for key in (k for k in keys if k is not None and k in spec.actors):
            count = self.problems.count
            actor_spec = spec.actors[key]
            if key == to_key and local(kind.to_role) in self.nodes.bases:
                node = self.nodes.find(row, actor_spec, local(kind.to_role))
                found[key] = [] if node is None else [(node, "")]
            else:
                role = local(kind.from_role if key == from_key else kind.to_role)
                default = self.nodes.ranges.get(role) if key in (from_key, to_key) else None
                found[key] = self.actors.read_all(row, actor_spec, default)
            if key in (from_key, to_key) and not found[key] and self.problems.count == count:
                role = local(kind.from_role if key == from_key else kind.to_role)
                self.problems.add(row, actor_spec.column, f"is empty; the claim needs a {role}")
        if to_key is None:
            node = self.nodes.read(row)
            found[NODE] = [] if node is None else [(node, "")]
        if not support_claim:
            for key in ("against", "via"):
                if found.get(key):
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
        status = self.vocabulary.statuses.get(normalise(status_text))
        if status is None:
            statuses = ", ".join(self.vocabulary.status_labels.values())
            self.problems.add(
                row, self.column("status"), f"{status_text!r} is no status ({statuses})"
            )
        start = self.period(row, "start") or self.period(row, "during")
        end = self.period(row, "end") or self.period(row, "during")
        if start is not None and end is not None and end.last < start.first:
            self.problems.add(row, self.column("end"), f"ends ({end}) before it starts ({start})")
        flags: dict[str, bool | None] = {
            key: self.boolean(row, key)
            for key in ("in_coalition", "both_sides")
            if key in spec.claim
        }
        extra = self.extra(row, kind)
        source = self.sources.read(row)
        claim_id = self.text(row, "id")
        key = slug(claim_id) if claim_id else "claim-" + self.fingerprint(row)
        if not key:
            self.problems.add(row, self.column("id"), f"{claim_id!r} gives no usable id")
        if self.problems.count > before:
            return []
        assert status is not None and source is not None
        to_column: str | None = None
        if to_key is not None:
            to_column = spec.actors[to_key].column
        elif spec.node is not None:
            to_column = spec.node.id.column
        origin_columns = {
            str(p): c
            for p, c in (
                (kind.from_role, spec.actors[from_key].column if from_key else None),
                (kind.to_role, to_column),
                (CKG.against, spec.actors["against"].column if "against" in spec.actors else None),
                (CKG.start, self.column("start") or self.column("during")),
                (CKG.end, self.column("end") or self.column("during")),
                (CKG.status, self.column("status")),
                (CKG.quote, self.column("quote")),
            )
            if c
        }
        # A cell split into several actors gives a claim each: the part's name (slugged)
        # goes after the row's id, so that each claim keeps an id of its own.
        names = sorted(found)
        several = [k for k in names if len(found[k]) > 1]
        to_name = to_key if to_key is not None else NODE
        records: list[ClaimRecord] = []
        choices: list[list[tuple[URIRef, str] | None]] = [list(found[k]) or [None] for k in names]
        for combination in itertools.product(*choices):
            parts = dict(zip(names, combination, strict=True))
            chosen = {k: a[0] for k, a in parts.items() if a is not None}
            subject, obj = chosen.get(from_key or ""), chosen.get(to_name)
            assert subject is not None and obj is not None
            if subject == obj:
                if not several:
                    self.problems.add(
                        row, to_column, f"names the same actor as the {local(kind.from_role)}"
                    )
                continue  # one part of a split list paired with itself: no claim
            suffix = "".join(f"-{_part_key(parts[k])}" for k in several)
            records.append(
                ClaimRecord(
                    iri=ID[f"{source.removeprefix(str(ID))}-{key}{suffix}"],
                    kind=kind.iri,
                    from_role=kind.from_role,
                    to_role=kind.to_role,
                    subject=subject,
                    object=obj,
                    status=status,
                    source=source,
                    origin=Origin(row.number, row.line, origin_columns),
                    support=support,
                    against=chosen.get("against"),
                    via=chosen.get("via"),
                    start=start,
                    end=end,
                    quote=self.text(row, "quote"),
                    label=self.text(row, "label"),
                    comment=self.text(row, "note"),
                    according_to=chosen.get("according_to"),
                    record_id=self.text(row, "record"),
                    in_coalition=flags.get("in_coalition"),
                    coalition=self.text(row, "coalition"),
                    both_sides=flags.get("both_sides"),
                    extra=extra,
                )
            )
        return records

    def extra(self, row: Row, kind: ClaimKind) -> tuple[tuple[URIRef, URIRef | Literal], ...]:
        """What else the claim says: its kinds of alliance, and the UCDP conflict it belongs
        to (added as an armed conflict with its id: the data may lack it)."""
        found: list[tuple[URIRef, URIRef | Literal]] = []
        for column, name in self.spec.alliance_flags:
            flag = read_flag(row.cells[column])
            if flag is None:
                self.problems.add(row, column, f"{row.cells[column].strip()!r} is not 0 or 1")
            elif flag and kind.iri != CKG.AllianceClaim:
                self.problems.add(row, column, f"gives a kind of alliance to a {kind.label}")
            elif flag and (CKG.allianceKind, self.alliance_kinds[normalise(name)]) not in found:
                found.append((CKG.allianceKind, self.alliance_kinds[normalise(name)]))
        text = self.text(row, "alliance_kind")
        if text is not None and kind.iri != CKG.AllianceClaim:
            self.problems.add(
                row,
                self.column("alliance_kind"),
                f"gives a kind of alliance ({text!r}) to a {kind.label}: leave the cell empty",
            )
        elif text is not None:
            for part in (p for p in _SPLIT.split(text) if p):
                concept = self.alliance_kinds.get(normalise(part))
                if concept is None:
                    known = sorted({local(c) for c in self.alliance_kinds.values()})
                    self.problems.add(
                        row,
                        self.column("alliance_kind"),
                        f"{part!r} is no kind of alliance (known: {', '.join(known)}, "
                        "by label or ATOP name)",
                    )
                elif (CKG.allianceKind, concept) not in found:
                    found.append((CKG.allianceKind, concept))
        text = self.text(row, "conflict")
        if text:  # a map may send "NA" (PA-X's) to ""
            number = read_integer(text)
            if number is None:
                self.problems.add(
                    row, self.column("conflict"), f"{text!r} is not a UCDP conflict id (a number)"
                )
            else:
                conflict = ID[f"ucdp-conflict-{number}"]
                found.append((CKG.conflict, conflict))
                identifier = Literal(str(number), datatype=XSD.integer)
                self.nodes.batch.add_entity(
                    EntityRecord(
                        conflict,
                        (CKG.ArmedConflict,),
                        f"UCDP conflict {number}",  # as ESD's importer names one it lacks
                        ((CKG.ucdpConflictId, identifier),),
                    )
                )
        return tuple(found)

    def column(self, key: str) -> str | None:
        value = self.spec.claim.get(key)
        return value.column if value is not None else None

    def fingerprint(self, row: Row) -> str:
        """An id made from what the mapping reads of the row: the same row, the same claim."""
        cells = row.cells.raw() if isinstance(row.cells, Cells) else row.cells
        row = Row(row.number, row.line, cells)
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
        vocabulary = self.vocabulary
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
                named = vocabulary.support.get(normalise(part))
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


def _part_key(actor: tuple[URIRef, str] | None) -> str:
    """What tells apart the claims of a split cell's parts: the part's name, slugged (or
    the actor's IRI, where the name gives no slug)."""
    assert actor is not None
    iri, part = actor
    return slug(part) or slug(str(iri).rsplit("/", 1)[-1])
