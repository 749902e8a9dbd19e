"""A picture of the UCDP ESD 18.1 as of 2016 (../shared/data; CI has it, and there a missing
file fails the test): over 200 actors, of which at most 40 are named, the most central among
them (the United States, Russia, Iran, the Syrian government).

The file's rows of 2016 (every relation that held in 2016, a tenth of the time of the whole
file) are imported into an Oxigraph store beside the bundled data, once for the module.
"""

from __future__ import annotations

import csv
import os
from datetime import date
from pathlib import Path

import networkx as nx
import pytest

from kg import plot, plot_focus, resources
from kg.graph import KnowledgeGraph, StoreSpec
from kg.importers import import_esd
from kg.loading import load_store
from kg.metrics import camps
from kg.network import project, signed_graph

TESTS = Path(__file__).resolve().parent
ESD = TESTS.parents[1] / "shared" / "data" / "ucdp-esd" / "ucdp-esd-ty-181.csv"
CK = "https://w3id.org/conflict-kg/id/"


@pytest.fixture(scope="module")
def esd_2016(tmp_path_factory: pytest.TempPathFactory) -> nx.MultiDiGraph:
    if not ESD.exists():
        message = f"{ESD} is missing (the UCDP ESD 18.1 triad-year file)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("esd")
    rows = folder / "esd-2016.csv"
    with ESD.open(encoding="utf-8", newline="") as source, rows.open("w", newline="") as target:
        reader = csv.DictReader(source)
        writer = csv.DictWriter(target, reader.fieldnames or [])
        writer.writeheader()
        writer.writerows(row for row in reader if row["year"] == "2016")
    spec = StoreSpec(folder=folder / "store")
    load_store(spec, list(resources.data_files()))
    import_esd(rows, store=spec)
    return project(KnowledgeGraph.open(store=spec), as_of=date(2016, 6, 30))


def test_the_whole_esd_names_forty_actors_the_most_central(esd_2016: nx.MultiDiGraph) -> None:
    found = camps(signed_graph(esd_2016))[0]
    drawing = plot.draw_picture(esd_2016, found, "png")
    assert drawing.content.startswith(plot.PNG_SIGNATURE)
    assert esd_2016.number_of_nodes() > 200
    assert 30 <= len(drawing.labelled) <= plot_focus.LABEL_LIMIT
    for actor in ("united-states", "russia", "iran", "syrian-government"):
        assert CK + actor in drawing.labelled, actor
    assert drawing.labelled[0] == plot_focus.ranking(esd_2016)[0]
