"""The one reader of RDF files (kg.reading): the same answer on every store, nothing fetched,
nothing dropped, every named graph loaded, and big inputs read at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import Listener

from kg import reading
from kg.cli import cli
from kg.errors import DataLoadError, KGError, NetworkRefused
from kg.graph import DATA_GRAPH, KnowledgeGraph, StoreSpec
from kg.loading import load_store

LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
CK = "https://w3id.org/conflict-kg/id/"


def commands(path: Path, store: Path) -> dict[str, list[str]]:
    """The three ways a file is read: into memory, validated, into an Oxigraph store."""
    return {
        "memory": ["stats", "--data", str(path)],
        "validate": ["validate", str(path)],
        "oxigraph": ["load", str(path), "--store", str(store)],
    }


def remote_document(kind: str, url: str) -> dict[str, object]:
    inline = {"rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
    node: dict[str, object] = {"@id": CK + "a", "rdfs:label": "Alpha"}
    if kind == "context":
        node["@context"] = url
    elif kind == "list":
        node["@context"] = [inline, url]
    elif kind == "import":
        node["@context"] = {"@version": 1.1, "@import": url, **inline}
    elif kind == "nested":
        node["@context"] = inline
        node[CK + "p"] = {"@context": url, "@id": CK + "b"}
    elif kind == "in-graph":
        node = {"@context": inline, "@id": CK + "g", "@graph": [{"@context": url, "@id": CK + "c"}]}
    return node


@pytest.mark.parametrize("kind", ["context", "list", "import", "nested", "in-graph"])
def test_a_remote_jsonld_context_is_refused_on_every_store(
    runner: CliRunner, listener: Listener, tmp_path: Path, kind: str
) -> None:
    doc = tmp_path / "remote.jsonld"
    doc.write_text(json.dumps(remote_document(kind, listener.url + "context.jsonld")))
    for name, args in commands(doc, tmp_path / "store").items():
        result = runner.invoke(cli, args)
        assert result.exit_code == 4, (name, result.output)
        assert "would be fetched" in result.output, name
    assert listener.connections == 0


def test_oxigraph_itself_fetches_no_context(
    listener: Listener, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without kg's own check of the JSON, Oxigraph's JSON-LD parser still fetches nothing:
    it has no way to load a document, and kg says why it stopped."""
    monkeypatch.setattr(reading, "_check_json", lambda path, text: None)
    for kind in ("context", "import", "nested"):
        doc = tmp_path / f"{kind}.jsonld"
        doc.write_text(json.dumps(remote_document(kind, listener.url + "c.jsonld")))
        with pytest.raises(NetworkRefused, match=r"\.jsonld: a JSON-LD context would be fetched"):
            list(reading.read_quads(doc))
    assert listener.connections == 0


def test_allow_network_fetches_the_context(listener: Listener, tmp_path: Path) -> None:
    """--allow-network is what lets a context be fetched (the listener answers nothing, so
    the file then fails to load, in one line)."""
    doc = tmp_path / "remote.jsonld"
    doc.write_text(json.dumps(remote_document("context", listener.url + "context.jsonld")))
    with pytest.raises(DataLoadError, match="remote.jsonld: not valid JSON-LD"):
        list(reading.read_quads(doc, allow_network=True))
    assert listener.connections >= 1


IMPORTS = "http://www.w3.org/2002/07/owl#imports"
OWL_IMPORTS_FILES = {
    "imports.ttl": "<{ck}a> <{imports}> <{url}o.ttl> .\n",
    "imports.trig": "<{ck}g> {{ <{ck}a> <{imports}> <{url}o.ttl> . }}\n",
    "imports.nq": "<{ck}a> <{imports}> <{url}o.ttl> <{ck}g> .\n",
    "imports.jsonld": '{{"@id": "{ck}a", "{imports}": {{"@id": "{url}o.ttl"}}}}',
}


@pytest.mark.parametrize("name", sorted(OWL_IMPORTS_FILES))
def test_owl_imports_is_refused_on_every_store(
    runner: CliRunner, listener: Listener, tmp_path: Path, name: str
) -> None:
    doc = tmp_path / name
    doc.write_text(OWL_IMPORTS_FILES[name].format(ck=CK, imports=IMPORTS, url=listener.url))
    for command, args in commands(doc, tmp_path / "store").items():
        result = runner.invoke(cli, args)
        assert result.exit_code == 4, (command, result.output)
        assert f"owl:imports <{listener.url}o.ttl> would fetch another document" in result.output
    assert listener.connections == 0


NAMED_GRAPHS = {
    "named.trig": (
        f"<{CK}g1> {{ <{CK}a> <{LABEL}> \"Alpha\" . }}\n"
        f"<{CK}b> <{LABEL}> \"Beta\" .\n"
        # A graph kg writes itself (kg export --format trig): it comes from kg, not the file.
        f"<urn:conflict-kg:graph:derived> {{ <{CK}a> <{LABEL}> \"Derived\" . }}\n"
    ),
    "named.nq": (
        f"<{CK}a> <{LABEL}> \"Alpha\" <{CK}g1> .\n"
        f"<{CK}b> <{LABEL}> \"Beta\" .\n"
        f"<{CK}a> <{LABEL}> \"Derived\" <urn:conflict-kg:graph:derived> .\n"
    ),
    "named.jsonld": json.dumps(
        [
            {"@id": CK + "g1", "@graph": [{"@id": CK + "a", LABEL: "Alpha"}]},
            {"@id": CK + "b", LABEL: "Beta"},
            {"@id": "urn:conflict-kg:graph:derived", "@graph": [{"@id": CK + "a", LABEL: "D"}]},
        ]
    ),
}


@pytest.mark.parametrize("name", sorted(NAMED_GRAPHS))
def test_named_graphs_are_loaded_into_the_data_on_every_store(tmp_path: Path, name: str) -> None:
    doc = tmp_path / name
    doc.write_text(NAMED_GRAPHS[name], encoding="utf-8")
    memory = KnowledgeGraph.open([doc], derive=False)
    labels = {str(o) for _s, _p, o in memory.graph(DATA_GRAPH)}
    assert labels == {"Alpha", "Beta"}
    summary = load_store(StoreSpec(folder=tmp_path / "store"), [doc], reference=False)
    assert summary.data == 2


# Each input is given in several formats: every reader must give the same answer for all.
SAME_ANSWER = {
    "language tag of 9 letters": (
        f'<{CK}a> <{LABEL}> "v"@abcdefghi .\n',
        {"@id": CK + "a", LABEL: {"@value": "v", "@language": "abcdefghi"}},
        2,
    ),
    "space in an IRI": (
        f'<{CK}a b> <{LABEL}> "v" .\n',
        {"@id": CK + "a b", LABEL: "v"},
        2,
    ),
    "space in a property IRI": (
        f'<{CK}a> <{CK}p q> "v" .\n',
        {"@id": CK + "a", CK + "p q": "v"},
        2,
    ),
    "space in a datatype IRI": (
        f'<{CK}a> <{LABEL}> "v"^^<{CK}t u> .\n',
        {"@id": CK + "a", LABEL: {"@value": "v", "@type": CK + "t u"}},
        2,
    ),
    "integer of 100,000 digits": (
        f'<{CK}a> <{CK}n> "{"1" * 100_000}"^^<http://www.w3.org/2001/XMLSchema#integer> .\n',
        {"@id": CK + "a", CK + "n": {"@value": "1" * 100_000, "@type": "xsd:integer"},
         "@context": {"xsd": "http://www.w3.org/2001/XMLSchema#"}},
        0,
    ),
}


@pytest.mark.parametrize("case", sorted(SAME_ANSWER))
def test_the_same_input_gets_the_same_answer_everywhere(
    runner: CliRunner, tmp_path: Path, case: str
) -> None:
    triples, document, code = SAME_ANSWER[case]
    files = [tmp_path / "in.nt", tmp_path / "in.ttl", tmp_path / "in.jsonld"]
    files[0].write_text(triples, encoding="utf-8")
    files[1].write_text(triples, encoding="utf-8")
    files[2].write_text(json.dumps(document), encoding="utf-8")
    for path in files:
        errors = set()
        for name, args in commands(path, tmp_path / f"store-{path.suffix[1:]}").items():
            result = runner.invoke(cli, args)
            assert result.exit_code == code, (path.name, name, result.output)
            lines = [line for line in result.output.splitlines() if line.startswith("Error")]
            assert len(lines) == (1 if code else 0), result.output
            errors.update(lines)
        if code:  # word for word the same error, naming the file
            (error,) = errors
            assert error.startswith(f"Error: {path}"), error


def test_a_jsonld_syntax_error_names_its_line(tmp_path: Path) -> None:
    doc = tmp_path / "bad.jsonld"
    doc.write_text('{\n  "@id": "https://x/a",\n  "https://x/p": [1,\n}\n', encoding="utf-8")
    with pytest.raises(DataLoadError, match=r"bad\.jsonld, line 4: not valid JSON"):
        list(reading.read_quads(doc))


def test_a_json_number_beyond_double_is_refused_even_when_short(tmp_path: Path) -> None:
    doc = tmp_path / "n.jsonld"
    doc.write_text(json.dumps({"@id": CK + "a", CK + "n": 1}).replace("1}", "1e400}"))
    with pytest.raises(DataLoadError, match="1e400 is beyond the range of xsd:double"):
        list(reading.read_quads(doc))


def test_big_inputs_are_read_whole(tmp_path: Path) -> None:
    """Inputs on which rdflib's parsers were quadratic (a long list, many prefixes) are
    read at all, under the default limits (their times are in BENCHMARKS.md)."""
    items = tmp_path / "list.ttl"
    items.write_text(
        f"<{CK}a> <{CK}p> (" + " ".join(str(i % 10) for i in range(200_000)) + ") .\n"
    )
    assert sum(1 for _ in reading.read_quads(items)) == 400_001
    prefixes = tmp_path / "prefixes.ttl"
    prefixes.write_text(
        "".join(f"@prefix p{i}: <https://example.org/{i}#> .\n" for i in range(40_000))
        + "p1:a p2:b p39999:c .\n"
    )
    (quad,) = reading.read_quads(prefixes)
    assert quad.object.value == "https://example.org/39999#c"


def test_every_reader_error_is_a_kg_error_naming_the_file(tmp_path: Path) -> None:
    """A sample of broken files of every format: one line, the file named, no other error."""
    broken = {
        "a.ttl": "@prefix : <http://x/> .\n:a :b",
        "a.nt": "<http://x/a> <http://x/b> <http://x/c>",
        "a.nq": "<http://x/a> <http://x/b> <http://x/c> <http://x/g> <http://x/h> .",
        "a.trig": "<http://x/g> { <http://x/a> <http://x/b> <http://x/c> .",
        "a.jsonld": '{"@id": "http://x/a", "@type": 5}',
        "b.jsonld": '{"@context": {"@vocab": 5}, "a": 1}',
        "c.jsonld": "[" * 30_000 + "]" * 30_000,
    }
    for name, text in broken.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(KGError) as raised:
            list(reading.read_quads(path))
        assert str(raised.value).startswith(str(path)), name
        assert "\n" not in str(raised.value)
