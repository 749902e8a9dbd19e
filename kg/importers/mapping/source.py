"""The source of a row's claim: the ``[source]`` section read into a source record.

Rows that name the same source must describe it the same way; the first row that describes it
is named in the message when a later one differs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef

from kg.importers.mapping.actor import ActorReader
from kg.importers.mapping.spec import MappingSpec
from kg.importers.model import ID, Batch, SourceRecord, slug
from kg.importers.table import Problems, Row, read_period
from kg.names import normalise


@dataclass
class SourceReader:
    """Reads the source of each row into ``batch.sources``, once per source."""

    spec: MappingSpec
    actors: ActorReader
    problems: Problems
    batch: Batch
    _source_rows: dict[URIRef, int] = field(default_factory=dict)
    _same_for_every_row: URIRef | None = None

    def read(self, row: Row) -> URIRef | None:
        """The IRI of the row's source; None, with a problem, when the row cannot give it."""
        if self._same_for_every_row is not None:
            return self._same_for_every_row
        iri = self._read(row)
        if iri is not None and self._constant():
            # No column in it: every row gives this source (ATOP's 136,648 rows read it
            # again each, 8 s of the import).
            self._same_for_every_row = iri
        return iri

    def _constant(self) -> bool:
        """Whether the ``[source]`` section reads no column at all."""
        values = list(self.spec.source.values())
        publisher = self.spec.publisher
        if publisher is not None:
            given = (publisher.name, publisher.iri, publisher.type, publisher.ucdp_id)
            values += [v for v in given if v is not None]
        return not any(
            value.template.columns or (value.default is not None and value.default.columns)
            for value in values
        )

    def _read(self, row: Row) -> URIRef | None:
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
        if self.actors.index.in_graph(iri):
            self.problems.add(
                row,
                None,
                f"the source id {key!r} is the IRI of an actor: give the source another id",
            )
            return None
        type_text = values.get("type") or "document"
        types = self.actors.index.vocabulary.source_classes
        cls = types.get(normalise(type_text))
        if cls is None:
            column = spec.source["type"].column
            self.problems.add(row, column, f"{type_text!r} is no source type ({', '.join(types)})")
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
        publisher = self.actors.read(row, spec.publisher) if spec.publisher is not None else None
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
