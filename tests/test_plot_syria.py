"""A picture of one conflict on the real record: Syria as of 2016, from the whole UCDP ESD
18.1 and UCDP Dyadic/ACD 25.1 files (../shared/data; CI has them, and there a missing file
fails the test).

The store is the one tests/test_metrics_syria.py builds (its ``syria`` fixture: the rows of
the conflicts the ESD calls "Syria: ...", imported, and kg.network reading only their
claims). The picture must name its actors, the most central first, and give the two sides
of the war their own colours. tests/test_plot_esd.py draws the whole ESD, where only 40 of
over 200 actors are named.
"""

from __future__ import annotations

import struct
from datetime import date

import networkx as nx
import pytest
from test_metrics_syria import syria  # noqa: F401 (a fixture, used by name)

from kg import plot, plot_focus
from kg.graph import KnowledgeGraph
from kg.metrics import camps
from kg.network import project, signed_graph

CK = "https://w3id.org/conflict-kg/id/"
CENTRAL = ("syrian-government", "russia", "iran", "united-states")


@pytest.fixture(scope="module")
def in_2016(syria: KnowledgeGraph) -> nx.MultiDiGraph:  # noqa: F811 (the fixture's name)
    return project(syria, as_of=date(2016, 6, 30))


def test_syria_2016_names_its_central_actors(in_2016: nx.MultiDiGraph) -> None:
    found = camps(signed_graph(in_2016))[0]
    drawing = plot.draw_picture(in_2016, found, "png", title="Syria (as of 2016)")
    assert drawing.content.startswith(plot.PNG_SIGNATURE)
    width, height = struct.unpack(">II", drawing.content[16:24])
    assert 600 < width < 4000 and 400 < height < 4000
    # The Syrian conflicts alone are some twenty actors: every one is named, no label
    # left out for want of room, the most central first.
    actors = in_2016.number_of_nodes()
    assert 15 < actors <= plot_focus.LABEL_LIMIT
    assert len(drawing.labelled) == actors
    assert list(drawing.labelled[:6]) == plot_focus.ranking(in_2016)[:6]
    for actor in CENTRAL:
        assert CK + actor in drawing.labelled[:6], actor


def test_syria_2016_gives_each_side_its_own_colour(in_2016: nx.MultiDiGraph) -> None:
    found = camps(signed_graph(in_2016))[0]
    colour = plot.node_colours(found, in_2016)
    government, insurgents = (
        colour[CK + "syrian-government"],
        colour[CK + "syrian-armed-opposition"],
    )
    assert government != insurgents
    assert plot.OTHER_CAMP_COLOUR not in (government, insurgents)
    assert colour[CK + "russia"] == colour[CK + "iran"] == government
    assert colour[CK + "united-states"] == colour[CK + "turkey"] == insurgents
