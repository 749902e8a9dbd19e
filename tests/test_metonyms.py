"""The capitals and demonyms that stand for a state (data/reference/metonyms.tsv, kg.metonyms):
the bundled file agrees with the crosswalk of states, and a malformed file is refused with
one line naming the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, Graph

from kg import metonyms, resources
from kg.errors import DataLoadError
from kg.metonyms import load_metonyms
from kg.vocab import CKG, ID

HEADER = "# a comment\nstate\tcapital\tdemonym\tshared\n"


@pytest.fixture(scope="module")
def states_graph() -> Graph:
    return Graph().parse(resources.bundled_dir("data") / "reference" / "states.ttl")


def bundled_rows() -> list[list[str]]:
    path = resources.bundled_dir("data") / metonyms.METONYMS_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")][1:]


def test_every_state_is_one_of_states_ttl(states_graph: Graph) -> None:
    known = set(states_graph.subjects(RDF.type, CKG.State))
    named = load_metonyms().states
    assert [state for state in named if state not in known] == []


def test_every_state_of_today_has_a_row(states_graph: Graph) -> None:
    today = {state for state, _ in states_graph.subject_objects(CKG.isoAlpha3)}
    assert sorted(today - set(load_metonyms().states)) == []


def test_no_capital_names_two_states() -> None:
    # Read from the file itself: the mapping could not show a capital given twice.
    capitals = [name for row in bundled_rows() for name in row[1].split("|") if name]
    assert [name for name in capitals if capitals.count(name) > 1] == []
    assert len(load_metonyms().capitals) == len(capitals)


@pytest.mark.parametrize(
    ("name", "state"),
    [
        ("Damascus", "syria"),
        ("Kigali", "rwanda"),
        ("Moscow", "russia"),
        ("Addis Ababa", "ethiopia"),
        ("Bamako", "mali"),
        ("Washington", "united-states"),
        ("Naypyitaw", "myanmar"),
        ("Cape Town", "south-africa"),
    ],
)
def test_capitals(name: str, state: str) -> None:
    assert load_metonyms().capitals[name] == ID[state]


@pytest.mark.parametrize(
    ("name", "states"),
    [
        ("Syrian", ("syria",)),
        ("Emirati", ("united-arab-emirates",)),
        ("Rwandan", ("rwanda",)),
        ("U.S.", ("united-states",)),
        ("South Sudanese", ("south-sudan",)),
        ("Sudanese", ("sudan",)),
        ("Congolese", ("congo", "democratic-republic-of-the-congo")),
    ],
)
def test_demonyms(name: str, states: tuple[str, ...]) -> None:
    assert load_metonyms().demonyms[name] == tuple(ID[state] for state in states)


def test_shared_demonyms_are_the_documented_ones() -> None:
    assert load_metonyms().shared_demonyms == {"Congolese", "Dominican", "Korean"}


@pytest.mark.parametrize("name", ["Victoria", "Kingston", "Georgetown", "Brussels", "Sanaa"])
def test_ambiguous_capitals_are_left_out(name: str) -> None:
    assert name not in load_metonyms().capitals


def test_the_mappings_cannot_be_changed() -> None:
    with pytest.raises(TypeError):
        load_metonyms().capitals["Damascus"] = ID.iraq  # type: ignore[index]


MALFORMED = {
    "three-columns": ("syria\tDamascus\tSyrian\n", 3, "3 tab-separated columns"),
    "bad-state": ("Syria\tDamascus\tSyrian\t\n", 3, "'Syria' is not a state's local name"),
    "state-twice": ("syria\tDamascus\t\t\nsyria\t\tSyrian\t\n", 4, "also on line 3"),
    "capital-twice": (
        "syria\tDamascus\t\t\niraq\tBaghdad|Damascus\t\t\n",
        4,
        "capital 'Damascus' is also syria's (line 3)",
    ),
    "empty-name": ("rwanda\tKigali|\tRwandan\t\n", 3, "empty name"),
    "spaced-name": ("rwanda\tKigali\t Rwandan\t\n", 3, "spaces around"),
    "nothing": ("rwanda\t\t\t\n", 3, "neither a capital nor a demonym"),
    "unmarked-shared": (
        "congo\t\tCongolese\tCongolese\ndemocratic-republic-of-the-congo\t\tCongolese\t\n",
        4,
        "'Congolese' is another state's too",
    ),
    "wrongly-shared": ("syria\t\tSyrian\tSyrian\n", 3, "no other state's demonym"),
}


@pytest.mark.parametrize("fault", sorted(MALFORMED))
def test_malformed_file_gives_one_line_naming_file_and_line(tmp_path: Path, fault: str) -> None:
    rows, line, words = MALFORMED[fault]
    path = tmp_path / "metonyms.tsv"
    path.write_text(HEADER + rows, encoding="utf-8")
    with pytest.raises(DataLoadError) as caught:
        load_metonyms(path)
    message = str(caught.value)
    assert message.startswith(f"{path}, line {line}: ")
    assert words in message
    assert "\n" not in message


def test_bad_header_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "metonyms.tsv"
    path.write_text("state,capital,demonym,shared\n", encoding="utf-8")
    with pytest.raises(DataLoadError, match=r", line 1: the header row must be"):
        load_metonyms(path)
    with pytest.raises(DataLoadError, match=r"absent\.tsv: no such file$"):
        load_metonyms(tmp_path / "absent.tsv")
    path.write_bytes(b"state\tcapital\tdemonym\tshared\nsyria\tDamas\xe9\t\t\n")
    with pytest.raises(DataLoadError, match=r"metonyms\.tsv: not UTF-8 text"):
        load_metonyms(path)


def test_a_good_file_of_ones_own(tmp_path: Path) -> None:
    path = tmp_path / "metonyms.tsv"
    path.write_text(
        HEADER + "\nsyria\tDamascus\tSyrian\t\ncongo\tBrazzaville\tCongolese\t\n",
        encoding="utf-8",
    )
    found = load_metonyms(path)
    assert dict(found.capitals) == {"Damascus": ID.syria, "Brazzaville": ID.congo}
    assert found.demonyms["Congolese"] == (ID.congo,)
    assert found.shared_demonyms == frozenset()


def test_bundled_loads_never_read_the_tsv() -> None:
    # `kg load` and the bundled graph read data/*.ttl and the named reference files only.
    from kg.loading import files_to_load

    asked, reference = files_to_load([], bundled=True)
    assert all(path.suffix == ".ttl" for path in [*asked, *reference])
    assert resources.bundled_dir("data") / metonyms.METONYMS_FILE not in [*asked, *reference]
