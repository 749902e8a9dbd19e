"""Issue 16, items 1-5: coverage and standing, dates as people give them, what was left out,
filters, and rows that read right, on the ESD excerpt (tests/data/esd-excerpt.csv: every
Syrian row from 2011 on) over the bundled Astana data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import kg
from kg.cli import cli
from kg.errors import BadValue
from kg.periods import Precision, Standing, TimePoint, When, standing

TESTS = Path(__file__).parent
EXCERPT = TESTS / "data" / "esd-excerpt.csv"
LAST = "last recorded 2017 (end of coverage)"
CK = "https://w3id.org/conflict-kg/id/"


@pytest.fixture(scope="module")
def esd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("esd") / "esd.ttl"
    result = CliRunner().invoke(cli, ["import", "ucdp-esd", str(EXCERPT), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    return out


def run(esd: Path, *args: str) -> Any:
    result = CliRunner().invoke(cli, [*args, "--add", str(esd)])
    return result


def rows(esd: Path, *args: str) -> tuple[list[dict[str, Any]], str]:
    """The JSON rows of a report (stdout, which must be pure JSON) and its stderr."""
    result = run(esd, "report", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr


def year(y: int) -> TimePoint:
    return TimePoint(date(y, 1, 1), Precision.YEAR)


# --- 1. coverage and standing ----------------------------------------------------------------


def test_open_at_the_end_of_coverage_is_its_own_standing() -> None:
    args = {"ended": False, "source_date": None, "open_at_coverage_end": True}
    assert standing(year(2011), year(2017), as_of=None, **args) is Standing.LAST_RECORDED
    assert Standing.LAST_RECORDED.text(year(2017)) == LAST
    # within the coverage the end is not an end: no "may have ended" in the middle of 2017
    assert standing(year(2011), year(2017), as_of=date(2017, 6, 1), **args) is Standing.CURRENT
    after = standing(year(2011), year(2017), as_of=When.parse("2020"), **args)
    assert after is Standing.NOT_KNOWN_AFTER
    assert after.text(year(2017)) == "not known after 2017"
    # the same claim, not open, has ended by 2020 and (without a date) today
    args["open_at_coverage_end"] = False
    assert standing(year(2011), year(2017), as_of=When.parse("2020"), **args) is Standing.ENDED
    assert standing(year(2011), year(2017), as_of=None, **args) is Standing.ENDED


def test_the_readme_example_answers_on_esd(esd: Path) -> None:
    found, err = rows(esd, "backers", "--of", "Syrian government")
    assert {(r["backer_label"], r["standing"]) for r in found} >= {
        ("Russia", LAST),
        ("Iran", LAST),
    }
    assert "left out" in err  # on stderr, not in the JSON
    later, _ = rows(esd, "backers", "--of", "Syrian government", "--as-of", "2020")
    assert {r["standing"] for r in later} == {"not known after 2017"}


# --- 2. dates as people give them ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2016", date(2016, 1, 1), date(2016, 12, 31)),
        ("2016-02", date(2016, 2, 1), date(2016, 2, 29)),
        ("2016-02-03", date(2016, 2, 3), date(2016, 2, 3)),
    ],
)
def test_as_of_takes_a_year_a_month_or_a_day(text: str, first: date, last: date) -> None:
    when = When.parse(text)
    assert (when.first, when.last, str(when)) == (first, last, text)


@pytest.mark.parametrize("text", ["16", "2016-13", "2016-02-30", "2016/02", "", "2016-2"])
def test_a_bad_date_is_refused(text: str) -> None:
    with pytest.raises(BadValue, match="is not a date YYYY, YYYY-MM or YYYY-MM-DD"):
        When.parse(text)


def test_during_is_a_period() -> None:
    when = When.between("2011..2014")
    assert (when.first, when.last) == (date(2011, 1, 1), date(2014, 12, 31))
    assert When.between("2016..").last == date.max
    for bad in ("2014..2011", "..", "2011", "2011..x"):
        with pytest.raises(BadValue):
            When.between(bad)


def test_yearly_data_asked_about_a_year_has_no_flags(esd: Path) -> None:
    found, _ = rows(esd, "backers", "--of", "Syrian government", "--as-of", "2016")
    assert found and {r["standing"] for r in found} == {"current"}
    # Qatar backed the insurgents 2011-2016: during 2016, and "may have ended" on a day of it
    year, _ = rows(esd, "backers", "--by", "Qatar", "--as-of", "2016")
    assert [r["standing"] for r in year] == ["current"]
    day, _ = rows(esd, "backers", "--by", "Qatar", "--as-of", "2016-06-01")
    assert [r["standing"] for r in day] == ["may have ended"]


def test_during_lists_what_held_at_any_time_in_the_period(esd: Path) -> None:
    found, _ = rows(esd, "backers", "--by", "Russia", "--during", "2012..2013")
    assert {r["recipient_label"] for r in found} == {"Syrian government"}
    assert all(r["start"] <= "2013" for r in found)
    none, _ = rows(esd, "backers", "--by", "Russia", "--during", "1990..1991")
    assert none == []


@pytest.mark.parametrize(
    "args",
    [
        ["--as-of", "2016-13"],
        ["--during", "2017..2011"],
        ["--as-of", "2016", "--during", "2011..2012"],
    ],
)
def test_a_bad_date_option_is_one_line_and_exit_2(esd: Path, args: list[str]) -> None:
    result = run(esd, "report", "backers", *args)
    assert result.exit_code == 2
    assert result.output.startswith("Error: ") and len(result.output.splitlines()) == 1


# --- 3. what was left out --------------------------------------------------------------------


def test_the_left_out_count_names_the_option_that_shows_them(esd: Path) -> None:
    insurgents = ("--of", "Syrian armed opposition")
    table = run(esd, "report", "backers", *insurgents)
    assert table.exit_code == 0
    assert "ended (--include-ended lists them)" in table.stdout
    every = run(esd, "report", "backers", *insurgents, "--include-ended")
    assert "left out" not in every.stdout
    found, err = rows(esd, "backers", *insurgents)
    assert "--include-ended" in err
    ended, _ = rows(esd, "backers", *insurgents, "--include-ended")
    shown = int(err.split(" relation")[0].strip("("))
    assert len(ended) - len(found) == shown


# --- 4. filters ------------------------------------------------------------------------------


def test_conflict_by_id_and_by_place(esd: Path) -> None:
    everything, _ = rows(esd, "backers", "--include-ended")
    one, err = rows(esd, "backers", "--include-ended", "--conflict", "299")
    assert 0 < len(one) < len(everything)
    assert "conflict Syria: Government" in err
    place, err = rows(esd, "backers", "--include-ended", "--conflict", "Syria")
    assert len(one) < len(place) < len(everything)
    assert "Syria: Islamic State" in err
    # the Astana articles give no conflict: they are left out and counted
    assert not any("article" in s["document"] for r in place for s in r["sources"])
    assert "in other conflicts or none (--conflict)" in err


def test_source_country_and_kind(esd: Path) -> None:
    astana, _ = rows(esd, "backers", "--include-ended", "--source", "article-000")
    assert astana and all(
        s["document"].endswith("article-000") for r in astana for s in r["sources"]
    )
    esd_only, _ = rows(esd, "backers", "--include-ended", "--source", "ESD")
    assert esd_only and all(
        s["document"].endswith("esd-18-1") for r in esd_only for s in r["sources"]
    )
    syria, _ = rows(esd, "backers", "--include-ended", "--country", "Syria")
    assert syria and len(syria) < len(esd_only)
    troops, _ = rows(esd, "backers", "--include-ended", "--kind", "troops", "--by", "Iran")
    assert troops and all("troops" in r["support"] for r in troops)
    # the span of troops alone begins when the troops do, not with the other support
    years = [p["period"] for r in troops for p in r["support_by_period"]]
    assert all("troops" in p["support"] for r in troops for p in r["support_by_period"]), years


@pytest.mark.parametrize(
    ("option", "value", "what"),
    [
        ("--conflict", "Narnia", "no conflict is called 'Narnia'"),
        ("--source", "Le Monde", "no source is called 'Le Monde'"),
        ("--kind", "hugs", "no kind of relation or support is called 'hugs'"),
        ("--country", "Narnia", "no country or place is called 'Narnia'"),
    ],
)
def test_an_unknown_filter_is_one_line_and_exit_6(
    esd: Path, option: str, value: str, what: str
) -> None:
    result = run(esd, "report", "backers", option, value)
    assert result.exit_code == 6
    assert what in result.output and len(result.output.splitlines()) == 1


# --- 5. rows that read right -----------------------------------------------------------------


def test_rows_that_differ_in_the_opponent_stay_apart_and_say_so(esd: Path) -> None:
    found, err = rows(esd, "backers", "--by", "Russia", "--of", "Syrian government")
    against = sorted(tuple(r["against"]) for r in found)
    assert against == [("Islamic State",), ("Syrian armed opposition",)]
    assert "listed once per opponent (the against column)" in err
    table = run(esd, "report", "backers", "--by", "Russia", "--of", "Syrian government")
    assert "against" in table.stdout.splitlines()[0]


def test_a_span_joins_years_whose_kinds_of_support_change(esd: Path) -> None:
    found, _ = rows(esd, "backers", "--by", "Russia", "--of", "Syrian government")
    insurgents = next(r for r in found if r["against"] == ["Syrian armed opposition"])
    assert insurgents["period"] == "2011–2017"
    by_year = {p["period"]: p["support"] for p in insurgents["support_by_period"]}
    assert sorted(by_year) == [str(y) for y in range(2011, 2018)]
    assert by_year["2011"] != by_year["2017"]  # the kinds changed and the span still joins
    assert set(insurgents["support"]) == {k for ks in by_year.values() for k in ks}


def test_the_timeline_joins_years(esd: Path) -> None:
    found, _ = rows(esd, "timeline", "--actor", "Iran")
    events = [r["event"] for r in found if r["event"].startswith("Iran backs")]
    opposition = [e for e in events if "against Syrian armed opposition" in e]
    assert opposition == [
        "Iran backs Syrian government against Syrian armed opposition: begins",
        "Iran backs Syrian government against Syrian armed opposition: last recorded "
        "(end of coverage)",
    ]


def test_the_library_takes_the_same_filters(esd: Path) -> None:
    with kg.open(add=[esd]) as graph:
        found = graph.backers(of="Syrian government", as_of="2016", conflict="Syria")
        assert {r.backer_label for r in found} >= {"Russia", "Iran"}
        assert {r.standing for r in found} == {"current"}
        assert any("conflict Syria" in note for note in found.notes)


@pytest.mark.parametrize("side", ["by", "of"])
def test_indirect_chains_read_link_by_link_are_those_of_the_whole_store(
    esd: Path, side: str
) -> None:
    """--indirect with --by (or --of) reads the backing reachable from that actor, a link
    at a time; the chains must be those found when every backing is read."""
    actor = {"by": "United States", "of": "Syrian government"}[side]
    with kg.open(add=[esd]) as graph:
        every = graph.backers(indirect=True, include_ended=True, max_chains=100_000)
        near = graph.backers(indirect=True, include_ended=True, **{side: actor})
        who = graph.backers(**{side: actor}, include_ended=True)[0]
        iri = who.backer if side == "by" else who.recipient
        expected = [r for r in every if (r.backer if side == "by" else r.recipient) == iri]
        assert any(r.hops > 1 for r in near), [r.path for r in near]
        assert list(near) == expected


def test_disputed_takes_the_filters(esd: Path) -> None:
    every, _ = rows(esd, "disputed")
    narrowed, err = rows(esd, "disputed", "--source", "article-000")
    assert narrowed == [] and "source article-000" in err
    assert run(esd, "report", "disputed", "--conflict", "Narnia").exit_code == 6
    assert isinstance(every, list)


def test_plot_takes_the_filters_and_counts_what_it_left_out(esd: Path, tmp_path: Path) -> None:
    out = tmp_path / "syria.svg"
    result = run(esd, "plot", "-o", str(out), "--conflict", "299", "--as-of", "2016")
    assert result.exit_code == 0, result.output
    assert "in other conflicts or none (--conflict)" in result.stderr
    svg = out.read_text(encoding="utf-8")
    assert "Syrian government" in svg and "Kigali" not in svg and "KDPI" not in svg
    assert run(esd, "plot", "-o", str(out), "--kind", "hugs").exit_code == 6


def test_metrics_take_the_filters_and_count_what_they_left_out(esd: Path) -> None:
    result = run(esd, "metrics", "--conflict", "299", "--as-of", "2016", "--format", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    actors = {a for camp in found["camps"] for a in camp["actors"]}
    assert {"Syrian government", "Russia"} <= actors and "KDPI" not in actors
    assert "in other conflicts or none (--conflict)" in result.stderr
    table = run(esd, "metrics", "--conflict", "299", "--as-of", "2016")
    assert "(as of 2016)" in table.stdout and "left out" in table.stdout


def test_proxies_and_mediators_say_what_they_left_out(esd: Path) -> None:
    _, err = rows(esd, "proxies", "--conflict", "299")
    assert "in other conflicts or none (--conflict)" in err
    mediators = run(esd, "report", "mediators")
    assert "role left out: ended (--include-ended lists them)" in mediators.stdout
    every = run(esd, "report", "mediators", "--include-ended")
    assert "left out" not in every.stdout


def test_agreements_take_conflict_country_and_source(esd: Path) -> None:
    every, _ = rows(esd, "agreements")
    one, err = rows(esd, "agreements", "--source", "article-004")
    assert 0 < len(one) < len(every) and "source article-004" in err
    assert all(any(s["document"].endswith("article-004") for s in r["sources"]) for r in one)
    # the Astana agreements name no UCDP conflict
    none, _ = rows(esd, "agreements", "--conflict", "299")
    assert none == []
    refused = run(esd, "report", "agreements", "--kind", "troops")
    assert refused.exit_code == 2 and "takes no --kind" in refused.output


def test_the_library_network_and_metrics_take_the_filters(esd: Path) -> None:
    with kg.open(add=[esd]) as graph:
        everything = graph.network(include_ended=True)
        syria = graph.network(include_ended=True, conflict="Syria")
        assert 0 < syria.number_of_nodes() < everything.number_of_nodes()
        camps = graph.metrics(as_of="2016", conflict="Syria").camps
        government = next(c for c in camps if CK + "syrian-government" in c.actors)
        assert CK + "russia" in government.actors


def test_a_relation_left_out_for_two_reasons_counts_once(esd: Path) -> None:
    # Turkey's backing of the insurgents: article-004's claim is outside --source, and
    # article-000's gives no troops (--kind): one relation, counted under --source alone.
    result = run(
        esd,
        "report",
        "backers",
        "--of",
        "Syrian armed opposition",
        "--source",
        "article-000",
        "--kind",
        "troops",
        "--as-of",
        "2017-09",
    )
    assert result.exit_code == 0, result.output
    note = next(line for line in result.stdout.splitlines() if "left out" in line)
    total = int(note.strip("(").split(" relation")[0].replace(",", ""))
    parts = [int(p.split()[0].replace(",", "")) for p in note.split(": ", 1)[1].split(", ")]
    assert sum(parts) == total, note


def test_an_actors_profile_says_against_whom(esd: Path) -> None:
    result = run(esd, "report", "actor", "Russia", "--as-of", "2016", "--format", "json")
    assert result.exit_code == 0, result.output
    statements = {r["statement"] for r in json.loads(result.stdout)["relations"]}
    assert {
        "Russia backs Syrian government against Syrian armed opposition",
        "Russia backs Syrian government against Islamic State",
    } <= statements


def test_the_first_day_of_an_end_month_is_still_within_the_relation() -> None:
    """Ended "in July 2017": its last day lies somewhere in July, so on 1 July it held
    for certain; from the 2nd it may have ended; in August it has."""
    july = TimePoint(date(2017, 7, 1), Precision.MONTH)
    args = {"ended": False, "source_date": None}
    at = {
        day: standing(None, july, as_of=date(2017, 7, day) if day else date(2017, 8, 1), **args)
        for day in (1, 2, 31, 0)
    }
    assert at == {
        1: Standing.CURRENT,
        2: Standing.MAY_HAVE_ENDED,
        31: Standing.MAY_HAVE_ENDED,
        0: Standing.ENDED,
    }
    assert standing(None, july, as_of=When.parse("2017-07"), **args) is Standing.CURRENT
