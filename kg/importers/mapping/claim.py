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
from dataclasses import dataclass

from rdflib import URIRef

from kg.importers.mapping.actor import ActorReader
from kg.importers.mapping.lookup import Cells
from kg.importers.mapping.source import SourceReader
from kg.importers.mapping.spec import MappingSpec
from kg.importers.model import ID, ClaimRecord, Origin, slug
from kg.importers.table import Problems, Row, read_boolean, read_flag, read_period
from kg.names import normalise
from kg.periods import TimePoint
from kg.vocab import CKG
from kg.vocabulary import ClaimKind, Vocabulary

_SPLIT = re.compile(r"\s*[,;|]\s*")


@dataclass
class ClaimReader:
    """Reads rows into claim records through ``spec``."""

    spec: MappingSpec
    vocabulary: Vocabulary
    actors: ActorReader
    sources: SourceReader
    problems: Problems

    def text(self, row: Row, key: str) -> str | None:
        value = self.spec.claim.get(key)
        return value.get(row, self.problems) if value is not None else None

    def claims(self, row: Row) -> list[ClaimRecord]:
        """The claims of one row: one, or one per actor of a cell the mapping splits (each
        combination, when two are split); none when any of its cells is a problem (each
        is added)."""
        spec = self.spec
        before = self.problems.count
        vocabulary = self.vocabulary
        relation = self.text(row, "relation") or "support"
        kind = vocabulary.claim_kinds.get(normalise(relation))
        if kind is None:
            column = spec.claim["relation"].column if "relation" in spec.claim else None
            known = sorted(
                {k.label.removesuffix(" claim") for k in vocabulary.claim_kinds.values()}
            )
            self.problems.add(
                row, column, f"{relation!r} is no kind of relation ({', '.join(known)})"
            )
            return []
        support_claim = kind.iri == CKG.SupportClaim
        found: dict[str, list[tuple[URIRef, str]]] = {}
        for key, actor_spec in spec.actors.items():
            count = self.problems.count
            found[key] = self.actors.read_all(row, actor_spec)
            needed = key in ("backer", "recipient")
            if needed and not found[key] and self.problems.count == count:
                self.problems.add(row, actor_spec.column, f"is empty; the claim needs a {key}")
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
        status = vocabulary.statuses.get(normalise(status_text))
        if status is None:
            column = spec.claim["status"].column if "status" in spec.claim else None
            statuses = ", ".join(vocabulary.status_labels.values())
            self.problems.add(row, column, f"{status_text!r} is no status ({statuses})")
        start = self.period(row, "start") or self.period(row, "during")
        end = self.period(row, "end") or self.period(row, "during")
        if start is not None and end is not None and end.last < start.first:
            self.problems.add(row, self.column("end"), f"ends ({end}) before it starts ({start})")
        flags: dict[str, bool | None] = {
            key: self.boolean(row, key)
            for key in ("in_coalition", "both_sides")
            if key in spec.claim
        }
        source = self.sources.read(row)
        claim_id = self.text(row, "id")
        key = slug(claim_id) if claim_id else "claim-" + self.fingerprint(row)
        if not key:
            self.problems.add(row, self.column("id"), f"{claim_id!r} gives no usable id")
        if self.problems.count > before:
            return []
        assert status is not None and source is not None
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
        # A cell split into several actors gives a claim each: the part's name (slugged)
        # goes after the row's id, so that each claim keeps an id of its own.
        several = [k for k in sorted(found) if len(found[k]) > 1]
        keys = sorted(found)
        records: list[ClaimRecord] = []
        choices: list[list[tuple[URIRef, str] | None]] = [list(found[k]) or [None] for k in keys]
        for combination in itertools.product(*choices):
            actors = dict(zip(keys, combination, strict=True))
            backer, recipient = actors.get("backer"), actors.get("recipient")
            assert backer is not None and recipient is not None
            if backer[0] == recipient[0]:
                if not several:
                    self.problems.add(
                        row, spec.actors["recipient"].column, "names the same actor as the backer"
                    )
                continue  # one part of a split list paired with itself: no claim
            suffix = "".join(f"-{_part_key(actors[k])}" for k in several)
            records.append(
                self.record(
                    row,
                    kind,
                    key + suffix,
                    actors,
                    origin_columns,
                    status,
                    source,
                    start,
                    end,
                    support,
                    flags,
                )
            )
        return records

    def record(
        self,
        row: Row,
        kind: ClaimKind,
        key: str,
        actors: Mapping[str, tuple[URIRef, str] | None],
        origin_columns: dict[str, str],
        status: URIRef,
        source: URIRef,
        start: TimePoint | None,
        end: TimePoint | None,
        support: tuple[URIRef, ...],
        flags: Mapping[str, bool | None],
    ) -> ClaimRecord:
        def actor(name: str) -> URIRef | None:
            given = actors.get(name)
            return None if given is None else given[0]

        backer, recipient = actor("backer"), actor("recipient")
        assert backer is not None and recipient is not None
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
            against=actor("against"),
            via=actor("via"),
            start=start,
            end=end,
            quote=self.text(row, "quote"),
            label=self.text(row, "label"),
            comment=self.text(row, "note"),
            according_to=actor("according_to"),
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
