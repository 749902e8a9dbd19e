"""The actors a row names: by IRI or by name, merged through the alias table, or new.

An actor of the mapping (``backer``, ``recipient``, ``against``, ``via``, ``according_to``,
the source's ``publisher``) is read here into the IRI of an actor of the data; a name no actor
has adds a new one, unless the mapping refuses new actors (``[actors] unknown = "refuse"``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import URIRef

from kg.importers.mapping.spec import ActorSpec
from kg.importers.mapping.template import UNEXPANDED
from kg.importers.model import ID, slug
from kg.importers.resolve import ActorIndex, expand_iri
from kg.importers.table import Problems, Row, read_integer
from kg.names import normalise
from kg.vocab import CKG


@dataclass
class ActorReader:
    """Reads the actors of rows into ``index``, adding the new ones to it."""

    index: ActorIndex
    problems: Problems
    unknown_actors: str  # "add" or "refuse", from the mapping's [actors] unknown
    #: What a row becomes once a split has replaced a cell by one of its parts (the
    #: lookups of the mapping read again): by default, the row as it is.
    reread: Callable[[Row], Row] = field(default=lambda row: row)

    def read_all(
        self, row: Row, spec: ActorSpec, default: URIRef | None = None
    ) -> list[tuple[URIRef, str]]:
        """The actors a row names, with the part of the cell that named each: one, or one
        per part of a cell the mapping splits ("Qatar, Turkey"), each once. A new actor is
        of the class ``default`` (the role's range: an envoy is a person) unless the
        mapping gives its type."""
        if not spec.split:
            iri = self.read(row, spec, default)
            return [] if iri is None else [(iri, "")]
        pattern = re.compile("|".join(re.escape(s) for s in spec.split))
        columns = spec.split_columns()
        parts = {
            column: [p.strip() for p in pattern.split(row.cells[column]) if p.strip()]
            for column in columns
        }
        counts = {len(p) for p in parts.values() if len(p) > 1}
        if len(counts) > 1:
            given = ", ".join(f"{c} {len(p)}" for c, p in parts.items())
            self.problems.add(
                row, spec.column, f"its cells split into different numbers of parts ({given})"
            )
            return []
        found: list[tuple[URIRef, str]] = []
        for index in range(max(counts, default=1)):
            cells = dict(row.cells)
            for column, pieces in parts.items():
                cells[column] = pieces[index if len(pieces) > 1 else 0] if pieces else ""
            iri = self.read(self.reread(Row(row.number, row.line, cells)), spec, default)
            if iri is not None and iri not in (i for i, _part in found):
                found.append((iri, cells[columns[0]] if columns else ""))
        return found

    def read(self, row: Row, spec: ActorSpec, default: URIRef | None = None) -> URIRef | None:
        """The actor a row names: by IRI (merged through the alias table) or by name;
        an unknown one is added, unless the mapping says to refuse it."""
        name = spec.name.get(row, self.problems) if spec.name is not None else None
        iri_text = spec.iri.get(row, self.problems, numbers=True) if spec.iri is not None else None
        column = spec.column
        for text in (name, iri_text):
            if text is not None and UNEXPANDED.search(text):
                # "{sponsor}" as a name: a map's text or a cell that reads like a reference,
                # never an actor (one was given 37 of 38 claims).
                self.problems.add(
                    row, column, f"{text!r} still holds a {{column}} reference: no actor's name"
                )
                return None
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
        if self.unknown_actors == "refuse":
            self.problems.add(
                row,
                column,
                f"{name or iri_text!r} is no actor of the data, and the mapping refuses new "
                'ones ([actors] unknown = "refuse"): add it, or an alias',
            )
            return None
        types = [default or CKG.Actor]
        if spec.type is not None:
            type_text = spec.type.get(row, self.problems)
            if type_text is not None:
                cls = self.index.vocabulary.actor_classes.get(normalise(type_text))
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
