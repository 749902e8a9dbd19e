"""Reading a SPARQL server's answers: SPARQL JSON results with their terms made rdflib terms
as they are parsed (what the memory store would give), and RDF answers (N-Triples or Turtle)
parsed into a graph; anything that is not Unicode text is refused."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import StoreError
from kg.stores.endpoint_http import N_TRIPLES, TURTLE, _Response
from kg.stores.endpoint_text import _RDF_LANG_STRING, _XSD_STRING

_XSD_BOOLEAN = str(XSD.boolean)
_NODE_ID = "nodeID://"
_LANGTAG = re.compile(r"[A-Za-z]+(?:-[A-Za-z0-9]+)*")


def term_from_json(value: Mapping[str, Any]) -> Node:
    """A term of a SPARQL JSON answer as the rdflib term the memory store would give."""
    kind = value.get("type")
    text = value.get("value")
    if not isinstance(text, str):
        raise StoreError(f"the server sent a term without a value: {dict(value)!r:.80}")
    if not text.isascii():
        _unicode(text)
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text.removeprefix(_NODE_ID).removeprefix("_:"))
    if kind in ("literal", "typed-literal"):
        lang = value.get("xml:lang") or value.get("lang")
        if lang:
            if not isinstance(lang, str) or not _LANGTAG.fullmatch(lang):
                raise StoreError(f"the server sent a bad language tag {lang!r:.40}")
            return Literal(text, lang=lang)
        datatype = value.get("datatype")
        if datatype is not None and not isinstance(datatype, str):
            raise StoreError(f"the server sent a bad datatype {datatype!r:.40}")
        if isinstance(datatype, str) and not datatype.isascii():
            _unicode(datatype)
        if not datatype or datatype in (_XSD_STRING, _RDF_LANG_STRING):
            return Literal(text)
        if datatype == _XSD_BOOLEAN:  # Virtuoso sends booleans as 1 and 0 in JSON
            text = {"1": "true", "0": "false"}.get(text, text)
        return Literal(text, datatype=URIRef(datatype))
    raise StoreError(f"the server sent a term of unknown type {kind!r:.40}")


def _unicode(text: str) -> None:
    """Refuse text that is not Unicode (a lone surrogate such as ``\\ud800`` from a JSON
    escape): it could be neither printed nor written."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise StoreError(
            f"the server sent a value that is not Unicode text (a lone surrogate): {text!r:.60}"
        ) from None


def _json_terms(found: dict[str, Any]) -> Any:
    """json's object hook: a SPARQL JSON term becomes its rdflib term as soon as it is
    read, so a big answer never exists as Python dicts as well (a 210 MB answer took
    2.7 GB so). A term is an object whose "type" and "value" are both plain strings; a
    row whose variables are named ?type and ?value holds terms there, not strings."""
    if type(found.get("type")) is str and type(found.get("value")) is str:
        return term_from_json(found)
    return found


# An escaped UTF-16 surrogate: not a character (N-Triples and Turtle UCHAR name code points).
# After an even run of backslashes only (``\\uD800`` is a backslash and the text "uD800").
_SURROGATE_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\(?:u|U0000)[dD][89a-fA-F][0-9a-fA-F]{2}")
_HEAD_VARS = re.compile(rb'"head"\s*:\s*\{[^{}]*?"vars"\s*:\s*(\[[^\]]*\])')


def _leading_variables(body: bytes) -> list[str] | None:
    """The variables of a SPARQL JSON answer whose head comes before its results, read
    from its first bytes; None when they are not found there."""
    start = body[:65536]
    results = start.find(b'"results"')
    found = _HEAD_VARS.search(start, 0, results if results >= 0 else len(start))
    if found is None:
        return None
    try:
        names = json.loads(found.group(1))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return [str(name) for name in names] if isinstance(names, list) else None


def json_answer(response: _Response, where: str) -> dict[str, Any]:
    """The SPARQL JSON answer, its terms already rdflib terms (see _json_terms)."""
    try:
        answer = json.loads(response.body, object_hook=_json_terms)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        kind = response.header("Content-Type") or "no content type"
        raise StoreError(f"{where}: the answer is not SPARQL JSON ({kind})") from None
    except StoreError as error:
        raise StoreError(f"{where}: {error}") from None
    if not isinstance(answer, dict):
        raise StoreError(f"{where}: the answer is not SPARQL JSON")
    return answer


def rdf_answer(response: _Response, where: str) -> tuple[Graph, int]:
    """Parse an N-Triples or Turtle answer; also return how many triples were sent."""
    kind = (response.header("Content-Type") or "").split(";")[0].strip().lower()
    fmt = {N_TRIPLES: "nt", "text/plain": "nt", TURTLE: "turtle"}.get(kind)
    if fmt is None:
        raise StoreError(f"{where}: the answer is {kind or 'untyped'}, not N-Triples or Turtle")
    graph = Graph()
    try:
        text = response.body.decode("utf-8")
        if _SURROGATE_ESCAPE.search(text):
            # It would parse, and fail only when printed or written.
            raise StoreError(
                f"{where}: the server sent a value that is not Unicode text (a lone "
                "surrogate escaped as \\uD800-\\uDFFF)"
            )
        graph.parse(data=text, format=fmt)
    except StoreError:
        raise
    except Exception as error:  # any parser error: the server sent something broken
        first = str(error).strip().splitlines()[0][:120] if str(error).strip() else ""
        raise StoreError(f"{where}: the answer is not valid {fmt} ({first})") from None
    if fmt == "nt":
        sent = sum(1 for line in text.splitlines() if line.strip() and line[0] != "#")
    else:
        sent = len(graph)
    return graph, sent
