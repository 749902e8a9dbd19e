"""The mapping language reshapes rows (issue 15, item 6): a cell split into several actors,
a matrix unpivoted, a code looked up in a second table.

Each test writes a small table and its mapping, imports them into a file and reads the
claims back.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from kg.errors import BadImport
from kg.graph import KnowledgeGraph
from kg.importers.mapping import load_mapping, read_with_mapping
from kg.importers.model import ClaimRecord
from kg.importers.resolve import ActorIndex
from kg.vocabulary import Vocabulary

CK = "https://w3id.org/conflict-kg/id/"
SOURCE = '[source]\ntitle = "My notes"\ntype = "document"\n\n'


def ck(name: str) -> URIRef:
    return URIRef(CK + name)


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.open()


def read(kg: KnowledgeGraph, tmp_path: Path, table: str, mapping: str) -> list[ClaimRecord]:
    """The claims of ``table`` read through ``mapping`` against the bundled data (nothing
    written: reading is what these tests are about, and an import takes a second more)."""
    (tmp_path / "table.csv").write_text(table, encoding="utf-8")
    (tmp_path / "map.toml").write_text(mapping, encoding="utf-8")
    spec = load_mapping(tmp_path / "map.toml", Vocabulary.of(kg))
    return read_with_mapping(tmp_path / "table.csv", spec, ActorIndex.read(kg)).claims


def refusal(kg: KnowledgeGraph, tmp_path: Path, table: str, mapping: str) -> str:
    with pytest.raises(BadImport) as raised:
        read(kg, tmp_path, table, mapping)
    return str(raised.value)


def pairs(claims: list[ClaimRecord]) -> dict[str, tuple[str, str]]:
    """Each claim by the end of its IRI: (its first actor, its second)."""
    return {
        str(c.iri).removeprefix(CK + "source-my-notes-"): (
            str(c.subject).removeprefix(CK),
            str(c.object).removeprefix(CK),
        )
        for c in claims
    }


# --- split ---------------------------------------------------------------------------------


def test_a_cell_of_several_actors_gives_a_claim_each(kg: KnowledgeGraph, tmp_path: Path) -> None:
    # Issue 15: "Qatar, Saudi Arabia, Turkey" became one actor of that name.
    claims = read(
        kg,
        tmp_path,
        'ref,sponsors,group\nt1,"Alpha Front, Beta Brigade,, Turkey ,",rebels\nt2,Iran,Damascus\n',
        SOURCE + '[claim]\nid = "{ref}"\nbacker = { name = "{sponsors}", split = "," }\n'
        'recipient = "{group}"\n',
    )
    assert pairs(claims) == {
        "t1-alpha-front": ("actor-alpha-front", "syrian-armed-opposition"),  # new actors
        "t1-beta-brigade": ("actor-beta-brigade", "syrian-armed-opposition"),
        "t1-turkey": ("turkey", "syrian-armed-opposition"),
        "t2": ("iran", "syrian-government"),  # one part: the row's id as it was
    }


def test_two_split_cells_give_every_pair(kg: KnowledgeGraph, tmp_path: Path) -> None:
    claims = read(
        kg,
        tmp_path,
        "ref,sponsors,groups\nt1,Qatar and Turkey,Russia; Iran and Turkey\n",
        SOURCE + '[claim]\nid = "{ref}"\nrelation = "alliance"\n'
        'backer = { name = "{sponsors}", split = " and " }\n'
        'recipient = { name = "{groups}", split = [";", " and "] }\n',
    )
    # Turkey with Turkey is no alliance: that pair is left out.
    assert pairs(claims).keys() == {
        "t1-qatar-russia", "t1-qatar-iran", "t1-qatar-turkey",
        "t1-turkey-russia", "t1-turkey-iran",
    }  # fmt: skip


def test_a_bad_separator_is_refused_naming_the_key(kg: KnowledgeGraph, tmp_path: Path) -> None:
    message = refusal(
        kg,
        tmp_path,
        "a,b\nIran,Damascus\n",
        SOURCE + '[claim]\nbacker = { name = "{a}", split = 1 }\nrecipient = "{b}"\n',
    )
    assert "[claim] backer split: must be a separator" in message


# --- unpivot -------------------------------------------------------------------------------

MATRIX = "group,Iran,Russia,Turkey,note\nDamascus,3,2,,x\nrebels,,0.0,1,y\n"
CLAIM = '[claim]\nid = "{group}-{backer}"\nbacker = "{backer}"\nrecipient = "{group}"\n'


@pytest.mark.parametrize(
    "unpivot",
    [
        'columns_from = "Iran..Turkey", name = "backer", value = "level", skip = ["0"]',
        'columns = ["Turkey", "Iran", "Russia"], name = "backer", value = "level", skip = 0',
    ],
)
def test_a_matrix_is_read_one_cell_a_row(kg: KnowledgeGraph, tmp_path: Path, unpivot: str) -> None:
    # Issue 15: a group x group table needed a script to unpivot.
    claims = read(
        kg,
        tmp_path,
        MATRIX,
        f"[table]\nunpivot = {{ {unpivot} }}\n\n" + SOURCE + CLAIM + 'note = "{level}"\n',
    )
    found = pairs(claims)
    assert found == {
        "damascus-iran": ("iran", "syrian-government"),
        "damascus-russia": ("russia", "syrian-government"),
        "rebels-turkey": ("turkey", "syrian-armed-opposition"),
    }  # the empty cells and the zero ("0.0") give no row
    assert sorted(c.comment or "" for c in claims) == ["1", "2", "3"]


@pytest.mark.parametrize(
    ("unpivot", "says"),
    [
        ('columns_from = "Iran..Qatar", name = "backer", value = "v"', "no column 'Qatar'"),
        ('columns_from = "Turkey..Iran", name = "backer", value = "v"', "comes before"),
        ('columns = ["Iran"], name = "note", value = "v"', "'note' is a column of"),
        ('name = "backer", value = "v"', "needs columns"),
        ('columns = ["Iran"], name = "backer", value = "v", by = 1', "unpivot by: unknown key"),
    ],
)
def test_a_bad_unpivot_is_refused_naming_the_key(
    kg: KnowledgeGraph, tmp_path: Path, unpivot: str, says: str
) -> None:
    message = refusal(
        kg, tmp_path, MATRIX, f"[table]\nunpivot = {{ {unpivot} }}\n\n" + SOURCE + CLAIM
    )
    assert "[table] unpivot" in message and says in message


# --- lookups -------------------------------------------------------------------------------

COW = Path(__file__).resolve().parent / "fixtures" / "cow-states-excerpt.csv"
LOOKUP = '[lookups.cow]\nfile = "cow.csv"\nkey = "ccode"\nvalue = "statenme"\n\n'


def with_cow(tmp_path: Path) -> None:
    (tmp_path / "cow.csv").write_bytes(COW.read_bytes())  # beside the mapping


def test_a_code_is_looked_up_in_a_second_table(kg: KnowledgeGraph, tmp_path: Path) -> None:
    # Issue 15: a COW code -> name table had to be pasted into the mapping, twice.
    with_cow(tmp_path)
    claims = read(
        kg,
        tmp_path,
        "ref,ccode1,ccode2\nt1,365.0,652\nt2,640;630,365\n",
        LOOKUP + SOURCE + '[claim]\nid = "{ref}"\nrelation = "alliance"\n'
        'backer = { name = "{lookup.cow:ccode1}", split = ";" }\n'
        'recipient = { value = "{ccode2}", lookup = "cow" }\n',
    )
    assert pairs(claims).keys() == {"t1", "t2-640", "t2-630"}
    assert {frozenset((c.subject, c.object)) for c in claims} == {
        frozenset({ck("russia"), ck("syria")}),
        frozenset({ck("turkey"), ck("russia")}),
        frozenset({ck("iran"), ck("russia")}),
    }


@pytest.mark.parametrize(
    ("recipient", "says"),
    [
        (
            '"{lookup.cow:ccode2}"',
            "table.csv, row 2, column ccode2: '999' is not a ccode of cow.csv",
        ),
        ('{ value = "{ccode2}", lookup = "cow" }', "row 2, column ccode2: '999' is not a ccode"),
        ('"{lookup.cows:ccode2}"', "[claim] recipient: 'cows' names no lookup (known: cow)"),
        ('{ value = "{ccode2}", lookup = "cows" }', "[claim] recipient lookup: 'cows' names no"),
    ],
)
def test_a_key_the_table_lacks_is_refused(
    kg: KnowledgeGraph, tmp_path: Path, recipient: str, says: str
) -> None:
    with_cow(tmp_path)
    message = refusal(
        kg,
        tmp_path,
        "ref,ccode1,ccode2\nt1,365,999\n",
        LOOKUP + SOURCE + f'[claim]\nbacker = "{{lookup.cow:ccode1}}"\nrecipient = {recipient}\n',
    )
    assert says in message


def test_a_default_takes_a_key_the_table_lacks(kg: KnowledgeGraph, tmp_path: Path) -> None:
    with_cow(tmp_path)
    claims = read(
        kg,
        tmp_path,
        "ref,ccode1,ccode2\nt1,365,999\n",
        LOOKUP.replace('value = "statenme"', 'value = "statenme"\ndefault = "Iran"')
        + SOURCE
        + '[claim]\nid = "{ref}"\nbacker = "{lookup.cow:ccode1}"\n'
        'recipient = "{lookup.cow:ccode2}"\n',
    )
    assert pairs(claims) == {"t1": ("russia", "iran")}


def test_a_bad_cell_of_a_matrix_is_named_by_its_column(kg: KnowledgeGraph, tmp_path: Path) -> None:
    message = refusal(
        kg,
        tmp_path,
        "group,Iran,Russia\nDamascus,2015,soon\n",
        '[table]\nunpivot = { columns = ["Iran", "Russia"], name = "backer", value = "from" }\n\n'
        + SOURCE
        + CLAIM
        + 'start = "{from}"\n',
    )
    assert "table.csv, row 2, column Russia: 'soon' is not a date" in message


def test_the_command_refuses_a_missing_key_with_exit_8(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kg.cli_import import import_group

    with_cow(tmp_path)
    (tmp_path / "table.csv").write_text("a,b\n365,999\n", encoding="utf-8")
    (tmp_path / "map.toml").write_text(
        LOOKUP + SOURCE + '[claim]\nbacker = "{lookup.cow:a}"\nrecipient = "{lookup.cow:b}"\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.ttl"
    args = ["csv", str(tmp_path / "table.csv"), "--mapping", str(tmp_path / "map.toml")]
    result = CliRunner().invoke(import_group, [*args, "-o", str(out)])
    assert result.exit_code == 8, result.output
    assert result.output == (
        f"Error: {tmp_path / 'table.csv'}, row 2, column b: '999' is not a ccode of cow.csv "
        "([lookups.cow]; give it a default to accept that)\n"
    )
    assert not out.exists()
