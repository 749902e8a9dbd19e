"""The mapping language reshapes rows (issue 15, item 6): a cell split into several actors,
a matrix unpivoted, a code looked up in a second table.

Each test writes a small table and its mapping, imports them into a file and reads the
claims back.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kg.errors import BadImport
from kg.importers import import_csv
from kg.vocab import CKG

CK = "https://w3id.org/conflict-kg/id/"
CKG_NS = str(CKG._NS)
PARTY = URIRef(CKG_NS + "party")
SOURCE = "[source]\ntitle = \"My notes\"\ntype = \"document\"\n\n"


def ck(name: str) -> URIRef:
    return URIRef(CK + name)


def run(tmp_path: Path, table: str, mapping: str) -> Graph:
    """Import ``table`` through ``mapping`` into a new file; the file's graph."""
    (tmp_path / "table.csv").write_text(table, encoding="utf-8")
    (tmp_path / "map.toml").write_text(mapping, encoding="utf-8")
    store = tmp_path / "out.ttl"
    import_csv(tmp_path / "table.csv", tmp_path / "map.toml", store)
    return Graph().parse(store)


def refusal(tmp_path: Path, table: str, mapping: str) -> str:
    with pytest.raises(BadImport) as raised:
        run(tmp_path, table, mapping)
    assert not (tmp_path / "out.ttl").exists()
    return str(raised.value)


def pairs(graph: Graph, role_a: URIRef = CKG.backer, role_b: URIRef = CKG.recipient) -> dict:
    """Each claim by the local part of its IRI: (its first actor, its second)."""
    return {
        str(c).removeprefix(CK + "source-my-notes-"): (
            str(graph.value(c, role_a)).removeprefix(CK),
            str(graph.value(c, role_b)).removeprefix(CK),
        )
        for c in graph.subjects(CKG.source, None)
    }


# --- split ---------------------------------------------------------------------------------


def test_a_cell_of_several_actors_gives_a_claim_each(tmp_path: Path) -> None:
    # Issue 15: "Qatar, Saudi Arabia, Turkey" became one actor of that name.
    graph = run(
        tmp_path,
        'ref,sponsors,group\nt1,"Qatar, Saudi Arabia,, Turkey ,",rebels\nt2,Iran,Damascus\n',
        SOURCE + '[claim]\nid = "{ref}"\nbacker = { name = "{sponsors}", split = "," }\n'
        'recipient = "{group}"\n',
    )
    assert pairs(graph) == {
        "t1-qatar": ("actor-qatar", "syrian-armed-opposition"),  # new actors
        "t1-saudi-arabia": ("actor-saudi-arabia", "syrian-armed-opposition"),
        "t1-turkey": ("turkey", "syrian-armed-opposition"),
        "t2": ("iran", "syrian-government"),  # one part: the row's id as it was
    }


def test_two_split_cells_give_every_pair(tmp_path: Path) -> None:
    graph = run(
        tmp_path,
        "ref,sponsors,groups\nt1,Qatar and Turkey,Russia; Iran and Turkey\n",
        SOURCE + '[claim]\nid = "{ref}"\nrelation = "alliance"\n'
        'backer = { name = "{sponsors}", split = " and " }\n'
        'recipient = { name = "{groups}", split = [";", " and "] }\n',
    )
    # Turkey with Turkey is no alliance: that pair is left out.
    assert pairs(graph, PARTY, PARTY).keys() == {
        "t1-qatar-russia", "t1-qatar-iran", "t1-qatar-turkey",
        "t1-turkey-russia", "t1-turkey-iran",
    }  # fmt: skip


def test_a_bad_separator_is_refused_naming_the_key(tmp_path: Path) -> None:
    message = refusal(
        tmp_path,
        "a,b\nIran,Damascus\n",
        SOURCE + '[claim]\nbacker = { name = "{a}", split = 1 }\nrecipient = "{b}"\n',
    )
    assert "[claim] backer split: must be a separator" in message
