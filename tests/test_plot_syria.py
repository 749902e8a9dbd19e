"""A picture of one conflict on the real record: Syria as of 2016, from the UCDP ESD 18.1 and
UCDP Dyadic/ACD 25.1 files (../shared/data; CI has them, and there a missing file fails the
test).

The rows of the conflicts the ESD places in Syria and in Iraq are imported into an Oxigraph
store beside the bundled data (the Astana claims, which name no conflict);
``conflict="Syria"`` (``--conflict Syria``) keeps the Syrian ones. The picture must name its
actors, the most central first, and give the two sides of the war their own colours.
tests/test_plot_esd.py draws the ESD of 2016, where only 40 of over 200 actors are named.
"""

from __future__ import annotations

import csv
import struct
from pathlib import Path

import pytest
from test_metrics_syria import ACD, DYADIC, ESD, keep_rows, need

from kg import plot, plot_focus, resources
from kg.graph import KnowledgeGraph, StoreSpec
from kg.importers import import_esd
from kg.importers.ucdp_conflicts import import_ucdp_conflicts
from kg.loading import load_store
from kg.periods import When
from kg.selection import LeftOut, Scope

CK = "https://w3id.org/conflict-kg/id/"
CENTRAL = ("syrian-government", "russia", "iran", "united-states")


@pytest.fixture(scope="module")
def syria_and_iraq(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    for path in (ESD, DYADIC, ACD):
        need(path)
    folder = tmp_path_factory.mktemp("syria-iraq")
    with ESD.open(encoding="utf-8", newline="") as handle:
        conflicts = {
            row["conflict_id"]
            for row in csv.DictReader(handle)
            if row["location"].startswith(("Syria", "Iraq"))
        }
    esd, dyadic, acd = folder / "esd.csv", folder / "dyadic.csv", folder / "acd.csv"
    for source, target in ((ESD, esd), (DYADIC, dyadic), (ACD, acd)):
        assert keep_rows(source, target, lambda row: row["conflict_id"] in conflicts) > 30
    spec = StoreSpec(folder=folder / "store")
    load_store(spec, list(resources.data_files()))
    import_esd(esd, store=spec)
    import_ucdp_conflicts(dyadic, acd, store=spec)
    return KnowledgeGraph.open(store=spec)


def test_syria_2016_names_its_central_actors_and_colours_each_side(
    syria_and_iraq: KnowledgeGraph, tmp_path: Path
) -> None:
    target = tmp_path / "syria.png"
    left = LeftOut()
    picture = plot.plot_to_file(
        syria_and_iraq,
        target,
        as_of=When.parse("2016"),
        scope=Scope.of(conflict="Syria"),
        left=left,
    )
    content = target.read_bytes()
    assert content.startswith(plot.PNG_SIGNATURE)
    width, height = struct.unpack(">II", content[16:24])
    assert 600 < width < 4000 and 400 < height < 4000
    # Iraq's relations and the Astana claims are left out, and counted
    assert left.counts().get("--conflict", 0) > 10
    # The Syrian conflicts alone are a dozen actors or so: every one is named, none left out
    # for want of room, the most central first.
    assert 10 < picture.actors <= plot_focus.LABEL_LIMIT
    assert picture.labelled == picture.actors == len(picture.named)
    assert set(picture.named[:2]) == {CK + "syrian-government", CK + "syrian-armed-opposition"}
    for actor in CENTRAL:
        assert CK + actor in picture.named, actor
    assert CK + "kurdistan-democratic-party" not in picture.named  # an Iraqi party


def test_syria_2016_gives_each_side_its_own_colour(syria_and_iraq: KnowledgeGraph) -> None:
    from kg.metrics import camps
    from kg.network import project, signed_graph

    network = project(syria_and_iraq, as_of=When.parse("2016"), scope=Scope.of(conflict="Syria"))
    colour = plot.node_colours(camps(signed_graph(network))[0], network)
    government, insurgents = (
        colour[CK + "syrian-government"],
        colour[CK + "syrian-armed-opposition"],
    )
    assert government != insurgents
    assert plot.OTHER_CAMP_COLOUR not in (government, insurgents)
    assert colour[CK + "russia"] == colour[CK + "iran"] == government
    assert colour[CK + "united-states"] == colour[CK + "turkey"] == insurgents
