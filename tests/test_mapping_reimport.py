"""A re-import with a corrected mapping leaves no orphan actor (issue 15, item 6).

A mapping that names a wrong actor mints it; importing the same table again with the mapping
corrected moves its claims, and the actor no claim names any more goes in the same commit.
One that another source's claim still names stays.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef

from kg.graph import DATA_GRAPH, KnowledgeGraph, StoreSpec
from kg.importers import import_csv
from kg.loading import load_store
from kg.vocab import CKG

CK = "https://w3id.org/conflict-kg/id/"
XYLO, YEW = URIRef(CK + "actor-xylo-group"), URIRef(CK + "actor-yew-brigade")


def mapping(path: Path, title: str, backer: str) -> Path:
    path.write_text(
        f'[source]\ntitle = "{title}"\ntype = "document"\n\n'
        f'[claim]\nid = "{{ref}}"\nbacker = {backer}\nrecipient = "{{group}}"\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("into", ["file", "store", "endpoint"])
def test_a_corrected_mapping_takes_away_the_actor_it_minted(
    tmp_path: Path, into: str, request: pytest.FixtureRequest
) -> None:
    table = tmp_path / "a.csv"
    table.write_text("ref,sponsor,group\nt1,x,rebels\nt2,y,Damascus\n", encoding="utf-8")
    other = tmp_path / "b.csv"
    other.write_text("ref,sponsor,group\nb1,Yew Brigade,rebels\n", encoding="utf-8")
    if into == "file":
        where = {"output": tmp_path / "mine.ttl"}
    elif into == "store":
        spec = StoreSpec(folder=tmp_path / "store")
        load_store(spec, [])
        where = {"store": spec}
    else:
        spec = request.getfixturevalue("virtuoso_server").spec()
        rigs = request.getfixturevalue("store_rigs")
        if "endpoint" in rigs:
            rigs["endpoint"].loaded = None  # the rig loads the server again when next used
        load_store(spec, [], replace=True)
        where = {"store": spec}
    wrong = '{ value = "{sponsor}", map = { x = "Xylo Group", y = "Yew Brigade" } }'
    right = '{ value = "{sponsor}", map = { x = "Iran", y = "Russia" } }'
    first = import_csv(table, mapping(tmp_path / "wrong.toml", "Notes A", wrong), **where)
    assert {iri for iri, _label in first.new_actors} == {str(XYLO), str(YEW)}
    import_csv(other, mapping(tmp_path / "b.toml", "Notes B", '"{sponsor}"'), **where)

    again = import_csv(table, mapping(tmp_path / "right.toml", "Notes A", right), **where)
    if into == "file":
        graph = Graph().parse(tmp_path / "mine.ttl")
    else:
        opened = KnowledgeGraph.open(store=spec)
        graph = Graph()
        for triple in opened.store.triples(DATA_GRAPH):
            graph.add(triple)
        # Nor does the names index know it any more.
        assert not opened.select("name-lookup", {"key": Literal("xylo group")}).rows
    assert graph.value(URIRef(CK + "source-notes-a-t1"), CKG.backer) == URIRef(CK + "iran")
    assert not list(graph.triples((XYLO, None, None)))  # named by nothing: gone
    assert (YEW, RDF.type, CKG.ArmedGroup) in graph or (YEW, RDF.type, CKG.Actor) in graph
    assert graph.value(URIRef(CK + "source-notes-b-b1"), CKG.backer) == YEW  # still named
    assert again.written and again.removed_actors == [str(XYLO)]
    assert "removed actors that nothing names any more: ck:actor-xylo-group" in again.render(
        "table"
    )
