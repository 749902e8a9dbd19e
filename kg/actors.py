"""Finding an actor (or a peace process) by any of its names.

A name matches an IRI (``https://...`` or ``ck:turkey``), an ``rdfs:label`` or any
``skos:altLabel``, regardless of case, diacritics, dots and hyphens: "turkey", "Türkiye",
"U.S." and "us" all work where the data gives those names. When no name matches whole,
the first words of a name do ("Astana" for "Astana process"). A name that fits several
things is an error listing them; an unknown name is an error suggesting the closest names.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.errors import AmbiguousName, QueryError, UnknownName
from kg.graph import KnowledgeGraph
from kg.names import normalise
from kg.queries import PREFIXES
from kg.stores import values
from kg.vocab import CKG


@dataclass(frozen=True)
class Named:
    """A thing of the graph with the label to show."""

    iri: URIRef
    label: str


_SURROGATE = re.compile("[\ud800-\udfff]")


def _as_iri(text: str) -> URIRef | None:
    if re.fullmatch(r"https?://\S+|urn:\S+", text):
        return URIRef(text)
    if m := re.fullmatch(r"([A-Za-z][\w-]*):([\w.-]+)", text):
        if m.group(1) in PREFIXES:
            return URIRef(PREFIXES[m.group(1)] + m.group(2))
    return None


def resolve(kg: KnowledgeGraph, text: str, cls: URIRef = CKG.Actor, what: str = "actor") -> Named:
    """The one thing of class ``cls`` that ``text`` names (an IRI, a label or another name).

    Names are looked up by their folded key (ckg:nameKey, derived with the direct
    relations), so one bound query answers, on a store of a million triples too; only an
    unknown name reads every key, for suggestions."""
    if not text.strip():
        raise UnknownName(f"an empty name names no {what}")
    if _SURROGATE.search(text):  # bytes that were not UTF-8, kept by the shell's decoding
        shown = text.encode("utf-8", "surrogateescape").decode("ascii", "backslashreplace")
        raise UnknownName(f"no {what} is called '{shown}': the name is not valid UTF-8 text")
    if text.strip().startswith("<") and text.strip().endswith(">"):
        text = text.strip()[1:-1]
    iri = _as_iri(text.strip())
    if iri is not None:
        rows = kg.select("names", {"class": cls, "thing": iri}).rows
        if rows:
            return Named(iri, _label(rows, iri))
        raise UnknownName(f"no {what} has the IRI {text}")
    wanted = normalise(text)
    types = {row["type"] for row in kg.select("subclasses", {"class": cls}).rows}
    found = _lookup(kg, types, {"key": Literal(wanted)}) if wanted else {}
    if not found and wanted:
        # "Astana" for "Astana process": the first words of a name, if they fit one thing.
        found = _lookup(kg, types, {"prefix": Literal(wanted + " ")})
    if len(found) == 1:
        [(thing, label)] = found.items()
        return Named(thing, label)
    if found:
        choices = "; ".join(
            f"{label} ({_short(t)})"
            for t, label in sorted(found.items(), key=lambda i: (i[1], str(i[0])))
        )
        raise AmbiguousName(f"{text!r} names more than one {what}: {choices}")
    every = [row for row in kg.select("name-lookup").rows if row["type"] in types]
    labels: dict[str, set[str]] = {}
    for row in every:
        labels.setdefault(str(row["key"]), set()).add(_label([row], URIRef(str(row["thing"]))))
    close = difflib.get_close_matches(wanted, list(labels), n=3, cutoff=0.6)
    suggestions = sorted({label for key in close for label in labels[key]})
    hint = f"; did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else ""
    raise UnknownName(f"no {what} is called {text!r}{hint}")


def _lookup(
    kg: KnowledgeGraph, types: set[Node | None], bound: dict[str, Literal]
) -> dict[URIRef, str]:
    """The things of one of ``types`` (the class asked for and those under it, from
    subclasses.rq) whose folded name is (or starts with) the bound key, with the label to
    show."""
    try:
        for value in bound.values():
            values.term(value)
    except QueryError:  # a name no value can hold (a control character) names no one
        return {}
    rows = [row for row in kg.select("name-lookup", bound).rows if row["type"] in types]
    by_thing: dict[URIRef, list[dict[str, Node | None]]] = {}
    for row in rows:
        by_thing.setdefault(URIRef(str(row["thing"])), []).append(row)
    return {thing: _label(found, thing) for thing, found in by_thing.items()}


def _label(rows: list[dict[str, Node | None]], thing: URIRef) -> str:
    """The label to show for ``thing``: its rdfs:label (the least, if it has several, so every
    store shows the same), else its other name, else its IRI."""
    labels = sorted(str(r["label"]) for r in rows if r.get("label") is not None)
    if labels:
        return labels[0]
    names = sorted(str(r["name"]) for r in rows if r.get("name") is not None)
    return names[0] if names else _short(thing)


def _short(iri: URIRef) -> str:
    for prefix, namespace in PREFIXES.items():
        if str(iri).startswith(namespace):
            return f"{prefix}:{str(iri)[len(namespace) :]}"
    return str(iri)
