"""The actor network as files for network tools: GEXF 1.2 for Gephi, GraphML for the rest.

:func:`export_graph` folds the network of :func:`kg.network.project`, which has one edge
per span of a relation, into one edge per relation (pair of actors, claim class, status)
that carries its spans: in GEXF as spells (Gephi's timeline shows the relation during each
span and not in the gaps), in GraphML, which has no time, as the first and last day and the
spans as text. Each actor gets what a network tool colours and filters by: its type, its
camp (:func:`kg.metrics.camps`), its UCDP, Gleditsch–Ward, COW and ISO codes, and its
country (actor-facts.rq). Lists become text joined by ``;``.

GEXF 1.2 lets an edge say ``type="undirected"`` in a directed graph, and Gephi draws such
a mixed graph with lines for alliances and hostility and arrows for backing; NetworkX's
reader refuses any mixed file (``Undirected edge found in directed graph``), so
``mixed=False`` writes every edge directed, symmetric ones with ``directed`` false.
GraphML is always written so, as NetworkX reads it.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.prefixes import compact

if TYPE_CHECKING:
    import networkx as nx

    from kg.graph import KnowledgeGraph
    from kg.periods import When
    from kg.selection import Filter, LeftOut, Scope

SEPARATOR = ";"
GEXF_NS = "http://www.gexf.net/1.2draft"  # the namespace of GEXF 1.2 (version="1.2")
# node attribute -> the ?fact of actor-facts.rq it is made of
NODE_FACTS = {
    "type": "type",
    "ucdp_ids": "ucdp",
    "gw_code": "gw",
    "cow_code": "cow",
    "iso3": "iso3",
    "country": "country",
}


@dataclass(frozen=True)
class Span:
    """One span of a relation: ISO first and last days (None: not known) and the dates as
    the sources give them (``2011``, ``2017-07``)."""

    first: str | None
    last: str | None
    start: str | None
    end: str | None

    def text(self) -> str:
        """The span as the sources date it: ``2011–2013``, ``2015``, ``–2017-07``."""
        if self.start == self.end:
            return self.start or ""
        return f"{self.start or ''}–{self.end or ''}"


def export_graph(
    kg: KnowledgeGraph,
    *,
    as_of: When | date | None = None,
    include_ended: bool | None = None,
    scope: Scope | Filter | None = None,
    left: LeftOut | None = None,
) -> nx.MultiDiGraph:
    """The network to write for network tools: one edge per relation with its spans, and
    actors with type, camp, codes and country. Every relation of ``scope`` with its spans,
    or only those that hold as of ``as_of`` (ended ones too with ``include_ended``, which
    is the default without ``as_of``); what was left out is counted in ``left``, as
    :func:`kg.network.project` does."""
    from kg.metrics import network_camps
    from kg.network import project

    if include_ended is None:
        include_ended = as_of is None
    network = project(kg, as_of=as_of, include_ended=include_ended, scope=scope, left=left)
    graph = fold_relations(network)
    found, _numbering, _left = network_camps(network)
    camp_of = {actor: camp.number for camp in found for actor in camp.actors}
    facts = actor_facts(kg, graph.nodes)
    for node, data in graph.nodes(data=True):
        if node in camp_of:
            data["camp"] = camp_of[node]
        for name, fact in NODE_FACTS.items():
            values = facts.get(node, {}).get(fact)
            if values:
                data[name] = SEPARATOR.join(values)
    return graph


def actor_facts(kg: KnowledgeGraph, actors: Iterable[str]) -> dict[str, dict[str, list[str]]]:
    """actor -> fact (type, ucdp, gw, cow, iso3, country) -> its values, sorted, for
    ``actors``: one query for every actor of the store, rather than one per actor (1 s
    for the 17,000 actors of the 1M-triple synthetic store)."""
    wanted = set(actors)
    facts: dict[str, dict[str, set[str]]] = {}
    for row in kg.select("actor-facts").rows:
        actor = str(row["actor"])
        if actor in wanted:
            facts.setdefault(actor, {}).setdefault(str(row["fact"]), set()).add(str(row["value"]))
    return {
        actor: {fact: sorted(values, key=_natural) for fact, values in found.items()}
        for actor, found in facts.items()
    }


def _natural(value: str) -> tuple[int, int, str]:
    return (0, int(value), "") if value.isdigit() else (1, 0, value.casefold())


def fold_relations(network: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """One edge per relation (pair of actors, claim class, status) of ``network`` (which has
    one per span), with ``spans`` (:class:`Span`, in order, see :func:`merge_spans`), the
    standing of its latest span, and the union of its documents, kinds of support and
    opponents."""
    import networkx as nx

    groups: dict[tuple[str, str, str, str], list[dict[str, Any]]] = {}
    for u, v, data in network.edges(data=True):
        if not data["directed"] and v < u:
            u, v = v, u  # a symmetric relation is one edge whichever way it was read
        groups.setdefault((u, v, data["claim_class"], data["status"]), []).append(data)
    out = nx.MultiDiGraph()
    for node, data in network.nodes(data=True):
        out.add_node(node, label=data.get("label") or compact(node))
    for (u, v, claim_class, status), spans in groups.items():
        first = spans[0]
        merged = merge_spans(
            Span(d["start_day"], d["end_day"], d["start"], d["end"]) for d in spans
        )
        latest = max(spans, key=lambda d: (d["end_day"] is None, d["end_day"] or ""))
        out.add_edge(
            u,
            v,
            kind=first["kind"],
            claim_class=compact(claim_class),
            directed=bool(first["directed"]),
            sign=int(first["sign"]),
            status=status,
            standing=latest["standing"],
            sources=sum(int(d["sources"]) for d in spans),
            documents=sorted({doc for d in spans for doc in d["documents"]}),
            support=sorted({k for d in spans for k in d["support"]}),
            against=sorted({a for d in spans for a in d["against"]}),
            spans=merged,
        )
    return out


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """The spans in order, those that overlap or follow each other without a gap merged
    into one (Gephi refuses overlapping spells of one edge, and a relation held in 2011 and
    in 2012 held from 2011 to 2012); an unknown start is before every day, an unknown end
    after."""
    ordered = sorted(spans, key=lambda s: s.first or "")
    merged: list[Span] = []
    for span in ordered:
        if merged:
            last = merged[-1]
            if last.last is None or span.first is None or span.first <= _next_day(last.last):
                if last.last is not None and (span.last is None or span.last > last.last):
                    merged[-1] = Span(last.first, span.last, last.start, span.end)
                continue
        merged.append(span)
    return merged


def _next_day(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def _edge_attributes(data: dict[str, Any]) -> dict[str, Any]:
    """The attributes both formats write: no lists and no None."""
    spans: list[Span] = data["spans"]
    attrs: dict[str, Any] = {
        "label": data["kind"],
        "kind": data["kind"],
        "claim_class": data["claim_class"],
        "directed": data["directed"],
        "sign": data["sign"],
        "status": data["status"],
        "standing": data["standing"],
        "sources": data["sources"],
        "documents": SEPARATOR.join(data["documents"]),
        "support": SEPARATOR.join(data["support"]),
        "against": SEPARATOR.join(data["against"]),
        "period": SEPARATOR.join(s.text() for s in spans if s.start or s.end),
    }
    if spans and spans[0].first:
        attrs["start"] = spans[0].first
    if spans and spans[-1].last:
        attrs["end"] = spans[-1].last
    return attrs


def edge_rows(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """One row per relation of ``graph`` (from :func:`export_graph`): the ends with their
    labels and the attributes the files carry, for a CSV edge list."""
    return [
        {
            "source": u,
            "source_label": graph.nodes[u].get("label", u),
            "target": v,
            "target_label": graph.nodes[v].get("label", v),
            **_edge_attributes(data),
        }
        for u, v, data in graph.edges(data=True)
    ]


def _flat(graph: nx.MultiDiGraph, *, spells: bool, mixed: bool) -> nx.MultiDiGraph:
    import networkx as nx

    out = nx.MultiDiGraph()
    out.add_nodes_from(graph.nodes(data=True))
    for number, (u, v, data) in enumerate(graph.edges(data=True)):
        attrs = _edge_attributes(data)
        attrs["id"] = str(number)
        dated = [(s.first, s.last) for s in data["spans"] if s.first or s.last]
        if spells and dated:
            attrs["spells"] = dated
        if mixed and not data["directed"]:
            attrs["type"] = "undirected"
        out.add_edge(u, v, key=str(number), **attrs)
    return out


def to_gexf(graph: nx.MultiDiGraph, *, mixed: bool = True) -> bytes:
    """``graph`` (from :func:`export_graph`) as GEXF 1.2: dynamic, dates as days, a spell
    for each span of a relation; symmetric relations undirected edges unless ``mixed`` is
    false (for NetworkX's reader)."""
    from networkx.readwrite.gexf import GEXFWriter

    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    writer.add_graph(_flat(graph, spells=True, mixed=mixed))
    _drop_edge_attribute(writer.xml, "networkx_key")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _drop_edge_attribute(root: ET.Element, title: str) -> None:
    """Remove the edge attribute ``title`` and its values from a GEXF tree as NetworkX
    builds it (tags without namespace). NetworkX writes each edge's key in a multigraph as
    ``networkx_key``, the edge's id again: a column of no use in Gephi, and NetworkX's
    reader takes the id as the key without it."""
    ids: set[str] = set()
    for group in root.iter("attributes"):
        if group.get("class") == "edge":
            for attribute in list(group):
                if attribute.get("title") == title:
                    ids.add(str(attribute.get("id")))
                    group.remove(attribute)
    for values in root.iter("attvalues"):
        for value in list(values):
            if value.get("for") in ids:
                values.remove(value)


def to_graphml(graph: nx.MultiDiGraph) -> bytes:
    """``graph`` (from :func:`export_graph`) as GraphML: every edge directed (symmetric ones
    with ``directed`` false), ``start`` and ``end`` the first and last day of the relation
    and ``period`` its spans."""
    import networkx as nx

    flat = _flat(graph, spells=False, mixed=False)
    for _u, _v, data in flat.edges(data=True):
        del data["id"]  # GraphML writes the key as the edge's id
    buffer = io.BytesIO()
    nx.write_graphml(flat, buffer, encoding="utf-8")
    return buffer.getvalue()


def check_gexf(path: Path) -> None:
    """Raise ValueError where the file at ``path`` breaks the structure of GEXF 1.2 that
    Gephi's reader relies on: the namespace and version, a dynamic graph with dates when
    anything is dated, every attribute value declared for its class, every edge between
    nodes of the file with a known type, and spells in order that do not overlap."""
    root = ET.parse(path).getroot()
    ns = {"g": GEXF_NS}
    if root.tag != f"{{{GEXF_NS}}}gexf" or root.get("version") != "1.2":
        raise ValueError(f"not GEXF 1.2: root {root.tag} version {root.get('version')}")
    graph = root.find("g:graph", ns)
    if graph is None:
        raise ValueError("no <graph> element")
    default_type = graph.get("defaultedgetype")
    if default_type not in ("directed", "undirected", "mutual"):
        raise ValueError(f"defaultedgetype {default_type!r}")
    dated = root.find(".//g:spell", ns) is not None
    if dated and (graph.get("mode"), graph.get("timeformat")) != ("dynamic", "date"):
        raise ValueError("spells in a graph that is not mode='dynamic' timeformat='date'")
    declared: dict[str, set[str]] = {"node": set(), "edge": set()}
    for attributes in graph.findall("g:attributes", ns):
        kind = attributes.get("class")
        if kind not in declared:
            raise ValueError(f"<attributes class={kind!r}>")
        declared[kind] |= {a.get("id", "") for a in attributes.findall("g:attribute", ns)}
    nodes = {node.get("id") for node in graph.iterfind("g:nodes/g:node", ns)}
    for kind, path_ in (("node", "g:nodes/g:node"), ("edge", "g:edges/g:edge")):
        for element in graph.iterfind(path_, ns):
            for value in element.iterfind("g:attvalues/g:attvalue", ns):
                if value.get("for") not in declared[kind]:
                    raise ValueError(f"{kind} {element.get('id')}: undeclared {value.get('for')}")
    for edge in graph.iterfind("g:edges/g:edge", ns):
        name = edge.get("id")
        if edge.get("source") not in nodes or edge.get("target") not in nodes:
            raise ValueError(f"edge {name}: an end that is no node")
        if edge.get("type", default_type) not in ("directed", "undirected", "mutual"):
            raise ValueError(f"edge {name}: type {edge.get('type')!r}")
        previous_end: str | None = None
        for number, spell in enumerate(edge.iterfind("g:spells/g:spell", ns)):
            start, end = spell.get("start"), spell.get("end")
            for day in (start, end):
                if day is not None:
                    date.fromisoformat(day)  # ValueError for a day that is no date
            if start is not None and end is not None and start > end:
                raise ValueError(f"edge {name}: a spell that ends before it starts")
            if number and (previous_end is None or start is None or start <= previous_end):
                raise ValueError(f"edge {name}: spells out of order or overlapping")
            previous_end = end
