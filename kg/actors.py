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
import unicodedata
from dataclasses import dataclass

from rdflib import URIRef

from kg.errors import AmbiguousName, UnknownName
from kg.graph import KnowledgeGraph
from kg.queries import PREFIXES
from kg.vocab import CKG


def normalise(name: str) -> str:
    """Fold case and diacritics, drop dots, hyphens and a leading "the"."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.casefold().replace(".", "").replace("\u2019", "'")
    bare = re.sub(r"[-_\s]+", " ", bare).strip()
    return re.sub(r"^the ", "", bare)


@dataclass(frozen=True)
class Named:
    """A thing of the graph with the label to show."""

    iri: URIRef
    label: str


def _as_iri(text: str) -> URIRef | None:
    if re.fullmatch(r"https?://\S+|urn:\S+", text):
        return URIRef(text)
    if m := re.fullmatch(r"([A-Za-z][\w-]*):([\w.-]+)", text):
        if m.group(1) in PREFIXES:
            return URIRef(PREFIXES[m.group(1)] + m.group(2))
    return None


def resolve(kg: KnowledgeGraph, text: str, cls: URIRef = CKG.Actor, what: str = "actor") -> Named:
    """The one thing of class ``cls`` that ``text`` names (an IRI, a label or another name)."""
    rows = kg.select("names", {"class": cls}).rows
    labels: dict[URIRef, str] = {}
    by_name: dict[str, set[URIRef]] = {}
    for row in rows:
        thing = URIRef(str(row["thing"]))
        labels.setdefault(thing, str(row["label"] or row["name"]))
        by_name.setdefault(normalise(str(row["name"])), set()).add(thing)
    if not text.strip():
        raise UnknownName(f"an empty name names no {what}")
    if text.strip().startswith("<") and text.strip().endswith(">"):
        text = text.strip()[1:-1]
    iri = _as_iri(text.strip())
    if iri is not None:
        if iri in labels:
            return Named(iri, labels[iri])
        raise UnknownName(f"no {what} has the IRI {text}")
    wanted = normalise(text)
    found = by_name.get(wanted, set())
    if not found and wanted:
        # "Astana" for "Astana process": the first words of a name, if they fit one thing.
        found = {
            t for name, things in by_name.items() if name.startswith(wanted + " ") for t in things
        }
    if len(found) == 1:
        [thing] = found
        return Named(thing, labels[thing])
    if found:
        choices = "; ".join(
            f"{labels[t]} ({_short(t)})" for t in sorted(found, key=lambda t: (labels[t], str(t)))
        )
        raise AmbiguousName(f"{text!r} names more than one {what}: {choices}")
    close = difflib.get_close_matches(wanted, list(by_name), n=3, cutoff=0.6)
    suggestions = sorted({labels[t] for name in close for t in by_name[name]})
    hint = f"; did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else ""
    raise UnknownName(f"no {what} is called {text!r}{hint}")


def _short(iri: URIRef) -> str:
    for prefix, namespace in PREFIXES.items():
        if str(iri).startswith(namespace):
            return f"{prefix}:{str(iri)[len(namespace) :]}"
    return str(iri)
