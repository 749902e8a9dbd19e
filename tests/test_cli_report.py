"""`kg report`: the expected answers for the Astana data, written from reading the two
articles (not copied from the tool), the as-of rules around the US decision of July 2017,
finding actors by name, and each output format."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kg.cli import cli

# Every test here runs on each store: rdflib in memory, Oxigraph, and Virtuoso (conftest).
pytestmark = pytest.mark.usefixtures("any_store")

TESTS = Path(__file__).resolve().parent
CHAIN = TESTS / "data" / "chain-and-disputes.ttl"

A000 = "https://w3id.org/conflict-kg/id/article-000"
A004 = "https://w3id.org/conflict-kg/id/article-004"


def report(*args: str) -> list[dict[str, Any]]:
    result = CliRunner().invoke(cli, ["report", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def pairs(rows: list[dict[str, Any]], a: str, b: str, *more: str) -> list[tuple[Any, ...]]:
    return sorted(tuple(r[k] for k in (a, b, *more)) for r in rows)


def documents(row: dict[str, Any]) -> list[str]:
    return [s["document"] for s in row["sources"]]


# --- backers --------------------------------------------------------------------------------


def test_backers_now() -> None:
    rows = report("backers")
    # 000: "Turkey, another longtime rebel backer"; 004: "Turkey supports several
    # anti-Damascus armed groups"; 000: "U.S. forces ... are helping Kurdish-led militias".
    # 000: the CIA support to rebel groups ended in July: not current.
    assert pairs(rows, "backer_label", "recipient_label", "status") == [
        ("Turkey", "Syrian armed opposition", "asserted"),
        ("United States", "Kurdish-led militias", "asserted"),
    ]
    turkey = next(r for r in rows if r["backer_label"] == "Turkey")
    assert documents(turkey) == [A000, A004]  # two sources, one row
    us = next(r for r in rows if r["backer_label"] == "United States")
    assert us["support"] == ["troops"]
    assert us["against"] == ["Islamic State"]


def test_backers_json_keys_are_stable() -> None:
    [row, *_] = report("backers")
    assert list(row) == [
        "backer",
        "backer_label",
        "recipient",
        "recipient_label",
        "support",
        "against",
        "via",
        "support_by_period",
        "start",
        "start_precision",
        "end",
        "end_precision",
        "period",
        "status",
        "standing",
        "sources",
    ]
    assert set(row["sources"][0]) == {"label", "document", "title", "date", "quote", "claim"}


def test_include_ended_shows_the_end_of_cia_support() -> None:
    rows = report("backers", "--include-ended", "--by", "United States")
    ended = next(r for r in rows if r["recipient_label"] == "Syrian armed opposition")
    assert (ended["status"], ended["end"], ended["end_precision"]) == ("ended", "2017-07", "month")
    assert ended["via"] == ["Central Intelligence Agency"]
    assert ended["sources"][0]["quote"] == (
        "In July, U.S. President Donald Trump ended CIA support to rebel groups fighting to "
        "topple Assad."
    )


@pytest.mark.parametrize(
    ("as_of", "standing"),
    [
        ("2017-06-30", "current"),  # before July 2017
        ("2017-07-15", "may have ended"),  # inside the month it ended in
        ("2017-07-31", "may have ended"),
        ("2017-08-01", None),  # ended: not listed as current
        ("2017-09-01", None),  # "as of September 2017" must not list it
    ],
)
def test_as_of_around_the_us_decision_of_july_2017(as_of: str, standing: str | None) -> None:
    rows = report("backers", "--of", "rebel groups", "--as-of", as_of)
    found = {r["backer_label"]: r["standing"] for r in rows}
    assert found.get("United States") == standing
    assert found["Turkey"] == "current"


def test_as_of_with_include_ended_marks_it_ended() -> None:
    rows = report("backers", "--of", "rebel groups", "--as-of", "2017-09-01", "--include-ended")
    assert pairs(rows, "backer_label", "standing") == [
        ("Turkey", "current"),
        ("United States", "ended"),
    ]


def test_as_of_table_says_how_it_decides() -> None:
    result = CliRunner().invoke(cli, ["report", "backers", "--as-of", "2017-07-15"])
    assert result.exit_code == 0
    assert "may have ended" in result.output
    assert "(as of 2017-07-15)" in result.output
    assert "listed and flagged 'may have ended'" in result.output


def test_of_and_by_read_the_relation_both_ways() -> None:
    assert [r["backer_label"] for r in report("backers", "--of", "Kurdish-led militias")] == [
        "United States"
    ]
    assert [r["recipient_label"] for r in report("backers", "--by", "U.S.")] == [
        "Kurdish-led militias"
    ]


def test_indirect_follows_chains_with_the_path() -> None:
    rows = report("backers", "--data", str(CHAIN), "--by", "Northland", "--indirect")
    assert [(r["recipient_label"], r["hops"], r["path"]) for r in rows] == [
        ("Eastern Front", 1, ["Northland", "Eastern Front"]),
        ("Southern Militia", 2, ["Northland", "Eastern Front", "Southern Militia"]),
    ]


def test_indirect_stops_at_a_loop() -> None:
    # north -> east -> south -> north: no chain visits an actor twice
    rows = report("backers", "--data", str(CHAIN), "--indirect")
    assert all(len(set(r["path"])) == len(r["path"]) for r in rows)
    longest = max(rows, key=lambda r: r["hops"])
    assert longest["path"] == ["Westland", "Eastern Front", "Southern Militia", "Northland"]
    from_north = [r["path"] for r in rows if r["backer_label"] == "Northland"]
    assert from_north == [
        ["Northland", "Eastern Front"],
        ["Northland", "Eastern Front", "Southern Militia"],  # not on back to Northland
    ]


# --- allies, adversaries, mediators, agreements --------------------------------------------


def test_allies_are_symmetric() -> None:
    # 004: "Iran and Russia are allies of the Syrian government"
    assert [r["ally_label"] for r in report("allies", "Damascus")] == ["Iran", "Russia"]
    assert [r["ally_label"] for r in report("allies", "Russian Federation")] == [
        "Syrian government"
    ]


def test_adversaries() -> None:
    assert [r["adversary_label"] for r in report("adversaries", "Türkiye")] == [
        "Kurdish-led militias"  # 000: "curb Kurdish expansion near its border"
    ]
    assert pairs(report("adversaries"), "actor_label", "adversary_label") == [
        ("Islamic State", "Kurdish-led militias"),
        ("Kurdish-led militias", "Turkey"),
        ("Syrian armed opposition", "Syrian government"),
    ]


def test_mediators_of_the_astana_process() -> None:
    rows = report("mediators", "--process", "Astana")
    roles = pairs(rows, "role", "actor_label")
    # 004: "Iran, Russia, Turkey-brokered talks"; 000: Iran and Turkey "mediate";
    # 000: talks "organized in Kazakhstan's capital"; Iran and Turkey "organized an
    # expert-level meeting".
    assert roles == [
        ("host", "Iran"),
        ("host", "Kazakhstan"),
        ("host", "Turkey"),
        ("mediator", "Iran"),
        ("mediator", "Russia"),
        ("mediator", "Turkey"),
    ]
    iran = next(r for r in rows if (r["role"], r["actor_label"]) == ("mediator", "Iran"))
    assert iran["rounds"] == ["Astana 6", "Astana 8"]
    assert {r["process_label"] for r in rows} == {"Astana process"}


def test_mediators_of_geneva() -> None:
    rows = report("mediators", "--process", "Geneva talks")
    # 004: "Those UN-sponsored talks"; 000: "meetings held at U.N. headquarters in Geneva"
    assert pairs(rows, "role", "actor_label") == [
        ("host", "United Nations"),
        ("mediator", "United Nations"),
    ]


def test_agreements() -> None:
    rows = {r["agreement_label"]: r for r in report("agreements")}
    sochi = rows["Sochi congress initiative"]
    # 004: "held late October, with the three states agreeing on a Russian initiative for
    # holding a congress ... in the Black Sea resort of Sochi"
    assert (sochi["date"], sochi["place"], sochi["round_label"], sochi["proposed_by"]) == (
        "2017-10",
        "Sochi",
        "Astana 7",
        "Russia",
    )
    assert sochi["parties"] == ["Iran", "Russia", "Turkey"]
    zones = next(r for label, r in rows.items() if label.startswith("Memorandum"))
    # 004: "The fourth round ... in May also resulted in an agreement on four de-escalation
    # zones"; 000: "agreements between the Syrian government and warring opposition groups"
    assert (zones["date"], zones["round_label"], zones["zones"]) == ("2017-05", "Astana 4", 4)
    assert zones["parties"] == ["Syrian armed opposition", "Syrian government"]
    ceasefire = next(r for r in rows.values() if r["type"] == "ceasefire")
    assert ceasefire["date"] == "2016-12"  # "took in December 2016"
    assert len(rows) == 4


# --- actor, timeline, disputed ------------------------------------------------------------


def test_actor_profile() -> None:
    result = CliRunner().invoke(cli, ["report", "actor", "de Mistura", "--format", "json"])
    assert result.exit_code == 0, result.output
    profile = json.loads(result.stdout)
    assert profile["label"] == "Staffan de Mistura"
    assert profile["types"] == ["person"]
    relations = {(r["relation"], r["other_label"]) for r in profile["relations"]}
    assert ("envoy of", "United Nations") in relations
    assert ("participates in", "Astana 8") in relations  # 004, per the Kazakh ministry
    assert ("participates in", "Astana 6") in relations  # 000
    envoy = next(r for r in profile["relations"] if r["relation"] == "envoy of")
    assert envoy["sources"]


def test_actor_profile_shows_offices_and_incoming_relations() -> None:
    result = CliRunner().invoke(cli, ["report", "actor", "Lavrov", "--format", "json"])
    [office] = json.loads(result.stdout)["offices"]
    assert (office["office"], office["organisation_label"]) == ("foreign minister", "Russia")
    syria = CliRunner().invoke(cli, ["report", "actor", "Damascus", "--format", "json"])
    incoming = {(r["relation"], r["other_label"]) for r in json.loads(syria.stdout)["relations"]}
    assert ("allied with", "Iran") in incoming


def test_actor_table(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["report", "actor", "turkey"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Turkey (ck:turkey)"
    assert lines[1] == "types: state"
    assert "Türkiye" in lines[2]
    assert any(line.startswith("Turkey backs Syrian armed opposition") for line in lines)


def test_timeline_is_in_order() -> None:
    rows = report("timeline")
    events = [r["event"] for r in rows]
    dates = [r["sort_date"] for r in rows]
    assert dates == sorted(dates)
    assert events.index("Astana 1") < events.index("Astana 4") < events.index("Astana 8")
    assert events.index(
        "United States backs Syrian armed opposition against Syrian government: ends"
    ) < events.index(
        "Astana 6"
    )
    astana8 = next(r for r in rows if r["event"] == "Astana 8")
    assert (astana8["date"], astana8["period"], astana8["place"]) == (
        "2017-12-21",
        "2017-12-21–2017-12-22",
        "Astana",
    )


def test_timeline_of_one_actor() -> None:
    events = {r["event"] for r in report("timeline", "--actor", "Russia")}
    assert {"Astana 6", "Astana 8", "Sochi congress initiative"} <= events
    assert "Geneva 8 ends" not in events
    assert "Recapture of Aleppo by government forces" not in events


def test_disputed_in_astana_is_empty() -> None:
    # The two articles never disagree on one relation: Turkey's backing is stated by both
    # without dates, and each other relation has one source.
    assert report("disputed") == []


def test_disputed_finds_ended_versus_ongoing_and_denials() -> None:
    rows = report("disputed", "--data", str(CHAIN))
    assert [(r["relation"], r["issues"]) for r in rows] == [
        ("Southern Militia backs Northland", ["denied by one source, stated by another"]),
        ("Westland backs Eastern Front", ["one source says it ended, another that it goes on"]),
    ]


def test_sources_that_give_the_same_spans_do_not_dispute() -> None:
    # Each dataset gives Hill Front's fight as two spans (1996-2002, 2010-2011), both the same:
    # no dispute. They end River Front's in 2003 and 2005: a dispute. Set A gives Lake Front's
    # years one by one up to 2017, where it stops looking; Set B 2016-2020: no dispute. Set B
    # ends Field Front's in 2015, before Set A stopped: a dispute.
    rows = report("disputed", "--add", str(TESTS / "data" / "spans-of-two-sources.ttl"))
    assert [(r["relation"], r["issues"]) for r in rows] == [
        ("Field Front opposes Syria", ["end differs (2015, 2017)"]),
        ("River Front opposes Syria", ["end differs (2003, 2005)"]),
    ]


# --- finding actors -----------------------------------------------------------------------


def test_unknown_actor_suggests_close_names(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["report", "allies", "Turky"])
    assert result.exit_code == 6
    assert result.output == "Error: no actor is called 'Turky'; did you mean 'Turkey'?\n"


def test_ambiguous_actor_lists_the_candidates(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["report", "actor", "Bashar"])
    assert result.exit_code == 7
    assert result.output == (
        "Error: 'Bashar' names more than one actor: Bashar al-Assad (ck:bashar-al-assad); "
        "Bashar al-Jaafari (ck:bashar-al-jaafari)\n"
    )


def test_ambiguous_alternative_name(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["report", "backers", "--of", "front", "--data", str(CHAIN)])
    assert result.exit_code == 7
    assert "Eastern Front (ck:east); Southern Militia (ck:south)" in result.output


@pytest.mark.parametrize(
    "name",
    [
        "ck:turkey",
        "https://w3id.org/conflict-kg/id/turkey",
        "TURKEY",
        "Türkiye",
        "turkiye",
        "تركيا",
    ],
)
def test_any_name_or_iri_finds_turkey(name: str) -> None:
    assert [r["adversary_label"] for r in report("adversaries", name)] == ["Kurdish-led militias"]


def test_unknown_iri(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["report", "allies", "ck:narnia"])
    assert result.exit_code == 6
    assert result.output == "Error: no actor has the IRI ck:narnia\n"


def test_bad_date_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["report", "backers", "--as-of", "15/03/2017"])
    assert result.exit_code == 2
    assert "'15/03/2017' is not a date YYYY, YYYY-MM or YYYY-MM-DD" in result.output
    assert len(result.output.strip().splitlines()) == 1


# --- formats --------------------------------------------------------------------------------


def test_csv_is_safe_for_spreadsheets(runner: CliRunner, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.ttl"
    hostile.write_text(
        CHAIN.read_text(encoding="utf-8")
        .replace('"Northland"@en', '"=HYPERLINK(1)"@en')
        .replace('"Eastern Front"@en', '"+Front"@en'),
        encoding="utf-8",
    )
    result = runner.invoke(
        cli, ["report", "backers", "--data", str(hostile), "--by", "ck:north", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    [header, row] = list(csv.reader(io.StringIO(result.output)))
    cells = dict(zip(header, row, strict=True))
    assert cells["backer_label"] == "'=HYPERLINK(1)"
    assert cells["recipient_label"] == "'+Front"
    assert cells["support"] == "weapons"
    assert all(not c.startswith(("=", "+", "-", "@")) for c in row)


def test_markdown(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["report", "allies", "Damascus", "--format", "markdown"])
    lines = result.output.splitlines()
    assert lines[0] == "| actor | ally | period | status | as of | sources |"
    assert lines[1] == "| --- | --- | --- | --- | --- | --- |"
    assert lines[2].startswith("| Syrian government | Iran |  | asserted | current |")


def test_table_fits_the_terminal(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["report", "backers", "--include-ended"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert max(len(line) for line in result.output.splitlines()) <= 80
    assert "…" in result.output  # long cells are shortened, not wrapped


# --- proxies --------------------------------------------------------------------------------


def test_proxies() -> None:
    rows = report("proxies")
    # 000: the US helps the Kurdish-led militias push Islamic State out of Raqqa, and Turkey
    # seeks to curb Kurdish expansion; Turkey backs the rebels fighting to topple Assad.
    assert pairs(rows, "backer_label", "proxy_label", "target_label") == [
        ("Turkey", "Syrian armed opposition", "Syrian government"),
        ("United States", "Kurdish-led militias", "Islamic State"),
        ("United States", "Kurdish-led militias", "Turkey"),
    ]
    chain = next(r["chain"] for r in rows if r["target_label"] == "Islamic State")
    assert chain == (
        "United States backs Kurdish-led militias → Kurdish-led militias opposes Islamic State"
    )


def test_proxies_of_one_actor_and_ended() -> None:
    rows = report("proxies", "Syrian government", "--include-ended")
    assert pairs(rows, "backer_label", "standing") == [
        ("Turkey", "current"),
        ("United States", "ended"),
    ]


def test_consecutive_years_are_one_span_with_every_source() -> None:
    rows = report("backers", "--data", str(TESTS / "data" / "yearly.ttl"), "--include-ended")
    assert [(r["period"], r["status"], len(r["sources"])) for r in rows] == [
        ("2011–2013", "asserted", 3),  # 2011, 2012, 2013 join
        ("2012", "alleged", 1),  # another status: its own row
        ("2015", "asserted", 1),  # after a gap: its own row
    ]
    assert [s["quote"] for s in rows[0]["sources"]] == [
        "row for 2011",
        "row for 2012",
        "row for 2013",
    ]
    assert (rows[0]["start"], rows[0]["end"], rows[0]["end_precision"]) == ("2011", "2013", "year")


def test_a_span_as_of_a_year_inside_it() -> None:
    rows = report("backers", "--data", str(TESTS / "data" / "yearly.ttl"), "--as-of", "2012-06-30")
    assert [(r["period"], r["standing"]) for r in rows] == [
        ("2011–2013", "current"),
        ("2012", "may have ended"),
    ]


def test_indirect_chains_are_capped(tmp_path: Path) -> None:
    # Eight actors that all back each other: without a cap the chains number in the tens
    # of thousands; --max-hops bounds both the answer and the work.
    lines = [CHAIN.read_text(encoding="utf-8").split("ck:c1 ")[0]]
    names = [f"n{i}" for i in range(8)]
    for n in names:
        lines.append(f'ck:{n} a ckg:State ; rdfs:label "{n}"@en .')
    for a in names:
        for b in names:
            if a != b:
                lines.append(
                    f"ck:{a}-{b} a ckg:SupportClaim ; ckg:backer ck:{a} ; ckg:recipient ck:{b} ;"
                    " ckg:supportKind ckg:WeaponsSupport ; ckg:status ckg:Asserted ;"
                    ' ckg:source ck:paper-a ; ckg:quote "q" .'
                )
    dense = tmp_path / "dense.ttl"
    dense.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = report("backers", "--data", str(dense), "--indirect", "--by", "n0", "--max-hops", "2")
    # 7 direct + 7 * 6 two-hop chains
    assert [sum(r["hops"] == h for r in rows) for h in (1, 2, 3)] == [7, 42, 0]


def test_every_agreement_has_a_source() -> None:
    rows = {r["agreement_label"]: r for r in report("agreements")}
    assert all(r["sources"] for r in rows.values())
    idlib = rows["Idlib de-escalation zone"]
    assert [s["document"] for s in idlib["sources"]] == [A000]


def test_mediators_as_of() -> None:
    rows = report("mediators", "--process", "Astana", "--as-of", "2017-09-01")
    assert ("mediator", "Russia") in pairs(rows, "role", "actor_label")


def test_an_end_in_the_future_is_not_yet_an_end(tmp_path: Path) -> None:
    future = tmp_path / "future.ttl"
    future.write_text(
        CHAIN.read_text(encoding="utf-8").split("ck:c1 ")[0]
        + "ck:f a ckg:SupportClaim ; ckg:backer ck:north ; ckg:recipient ck:east ;"
        " ckg:supportKind ckg:WeaponsSupport ; ckg:status ckg:Asserted ;"
        ' ckg:source ck:paper-a ; ckg:quote "Northland will stop arming the Front in 9999." ;'
        ' ckg:end "9999-01-01"^^xsd:date ; ckg:endPrecision time:unitYear .\n',
        encoding="utf-8",
    )
    rows = report("backers", "--data", str(future))
    assert [(r["period"], r["standing"]) for r in rows] == [("–9999", "current")]
