"""Data-driven tests of the SHACL shapes in shapes/conflict-kg-shapes.ttl.

tests/shapes/valid/*.ttl must validate with no results at all, not even warnings.

tests/shapes/invalid/<Shape>-<fault>.ttl each hold one fault. Their first lines say which
named node shape must report it, on which path, with which severity:

    # expect-shape: ckgsh:SupportClaimShape
    # expect-path: ckg:backer            (or "none" for a SPARQL or node-level constraint)
    # expect-severity: Violation         (or Warning)

Every result of such a file must match the header, so a file that also trips another
constraint fails. Each file is validated through kg.validation.validate, together with
the bundled ontology and shapes.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
# The shapes files whose every constraint has its fault file in tests/shapes/invalid.
SHAPES_FILES = [
    ROOT / "shapes" / n
    for n in ("conflict-kg-shapes.ttl", "matching-shapes.ttl", "records-shapes.ttl")
]
VALID_FILES = sorted((TESTS / "shapes" / "valid").glob("*.ttl"))
INVALID_FILES = sorted((TESTS / "shapes" / "invalid").glob("*.ttl"))

PREFIXES = {
    "ckg": "https://w3id.org/conflict-kg/ontology#",
    "ck": "https://w3id.org/conflict-kg/id/",
    "ckgsh": "https://w3id.org/conflict-kg/shapes#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "time": "http://www.w3.org/2006/time#",
    "dcterms": "http://purl.org/dc/terms/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
}

# Properties whose objects make a node shape a targeted ("named") shape.
TARGET_PREDICATES = (
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.target,
)

HEADER_LINE = re.compile(r"^#\s*expect-(shape|path|severity):\s*(\S+)\s*$")
SEVERITIES = {"Violation", "Warning", "Info"}
# pySHACL's default messages print rdflib terms and paths like this; ours must not.
RAW_MESSAGE_MARKERS = ("Literal(", "->")


def expand(curie: str) -> str:
    """The full IRI of a CURIE such as ckg:backer, or the IRI itself if written <...>."""
    if curie.startswith("<") and curie.endswith(">"):
        return curie[1:-1]
    prefix, sep, local = curie.partition(":")
    if not sep or prefix not in PREFIXES:
        raise ValueError(f"unknown prefix in {curie!r}; known: {sorted(PREFIXES)}")
    return PREFIXES[prefix] + local


def read_header(path: Path) -> dict[str, str | None]:
    """The expectations in the leading comment block of an invalid file, IRIs expanded."""
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        match = HEADER_LINE.match(line)
        if match:
            key, value = match.groups()
            assert key not in found, f"{path.name}: expect-{key} given twice"
            found[key] = value
    missing = {"shape", "path", "severity"} - found.keys()
    assert not missing, f"{path.name}: header lacks expect-{', expect-'.join(sorted(missing))}"
    assert found["severity"] in SEVERITIES, f"{path.name}: bad severity {found['severity']!r}"
    return {
        "shape": expand(found["shape"]),
        "path": None if found["path"] == "none" else expand(found["path"]),
        "severity": found["severity"],
    }


@functools.cache
def load_shapes() -> Graph:
    shapes = Graph()
    for path in SHAPES_FILES:
        shapes.parse(path)
    return shapes


def named_node_shapes(shapes: Graph) -> set[URIRef]:
    """The node shapes that have a target (shapes used only through sh:node are left out)."""
    return {
        shape
        for shape in shapes.subjects(RDF.type, SH.NodeShape)
        if isinstance(shape, URIRef)
        and any(shapes.value(shape, p) is not None for p in TARGET_PREDICATES)
    }


def constraints_of(shapes: Graph, shape: URIRef) -> set[tuple[str | None, str]]:
    """(path, severity) of each property shape and SPARQL constraint of a named shape."""
    out: set[tuple[str | None, str]] = set()
    node_severity = shapes.value(shape, SH.severity, default=SH.Violation)
    for prop in shapes.objects(shape, SH.property):
        path = shapes.value(prop, SH.path)
        severity = shapes.value(prop, SH.severity, default=SH.Violation)
        out.add((str(path) if isinstance(path, URIRef) else None, local_name(severity)))
    for sparql in shapes.objects(shape, SH.sparql):
        severity = shapes.value(sparql, SH.severity, default=node_severity)
        out.add((None, local_name(severity)))
    return out


def local_name(iri: URIRef | str) -> str:
    return re.split(r"[#/]", str(iri))[-1]


@pytest.fixture(scope="module")
def validate():
    # Imported here rather than at the top so that the fixture checks below still run
    # (and the library's absence shows as errors, not as a collection failure).
    from kg.validation import validate

    return validate


def describe(report) -> str:
    return "\n".join(
        f"  {r.severity} {r.shape} path={r.path} focus={r.focus_node} [{r.constraint}]: {r.message}"
        for r in report.results
    )


def test_fixture_files_exist():
    assert VALID_FILES, "no valid fixtures in tests/shapes/valid"
    assert INVALID_FILES, "no invalid fixtures in tests/shapes/invalid"


@pytest.mark.parametrize("path", VALID_FILES, ids=[p.name for p in VALID_FILES])
def test_valid_file_has_no_results(validate, path: Path):
    report = validate([path])
    assert report.results == [], f"{path.name} should have no results:\n{describe(report)}"
    assert report.conforms is True


@pytest.mark.parametrize("path", INVALID_FILES, ids=[p.name for p in INVALID_FILES])
def test_invalid_file_reports_only_its_fault(validate, path: Path):
    expected = read_header(path)
    report = validate([path])
    assert report.results, f"{path.name}: expected a {expected['severity']} but got no results"
    for result in report.results:
        got = {"shape": result.shape, "path": result.path, "severity": result.severity}
        assert got == expected, (
            f"{path.name}: unexpected result {got}, expected {expected}:\n{describe(report)}"
        )
        assert isinstance(result.message, str) and result.message.strip(), (
            f"{path.name}: empty message:\n{describe(report)}"
        )
        for marker in RAW_MESSAGE_MARKERS:
            assert marker not in result.message, (
                f"{path.name}: raw pySHACL text {marker!r} in message {result.message!r}"
            )
    assert report.conforms is (expected["severity"] != "Violation"), (
        f"{path.name}: conforms={report.conforms} does not fit a {expected['severity']}"
    )


@pytest.mark.parametrize("path", INVALID_FILES, ids=[p.name for p in INVALID_FILES])
def test_invalid_file_header_names_a_constraint(path: Path):
    """The header points at a real constraint, and the file is named after its shape."""
    expected = read_header(path)
    shapes = load_shapes()
    shape = URIRef(expected["shape"])
    assert shape in named_node_shapes(shapes), f"{path.name}: {shape} is not a named node shape"
    assert path.name.startswith(local_name(shape) + "-"), (
        f"{path.name}: file name must start with {local_name(shape)}-"
    )
    assert (expected["path"], expected["severity"]) in constraints_of(shapes, shape), (
        f"{path.name}: {local_name(shape)} has no {expected['severity']} constraint on "
        f"path {expected['path']}"
    )


def test_every_named_shape_has_an_invalid_file():
    shapes = load_shapes()
    tested = {local_name(read_header(p)["shape"]) for p in INVALID_FILES}
    named = {local_name(s) for s in named_node_shapes(shapes)}
    assert named, "found no named node shapes"
    untested = sorted(
        name
        for name in named
        if name not in tested or not any(p.name.startswith(name + "-") for p in INVALID_FILES)
    )
    assert not untested, f"named node shapes without an invalid test file: {untested}"


def test_every_constraint_has_an_invalid_file():
    """Each property shape and SPARQL constraint, by (shape, path, severity), is tested."""
    shapes = load_shapes()
    tested = {(h["shape"], h["path"], h["severity"]) for h in map(read_header, INVALID_FILES)}
    untested = sorted(
        f"{local_name(shape)} path={path} {severity}"
        for shape in named_node_shapes(shapes)
        for path, severity in constraints_of(shapes, shape)
        if (str(shape), path, severity) not in tested
    )
    assert not untested, f"constraints without an invalid test file: {untested}"
