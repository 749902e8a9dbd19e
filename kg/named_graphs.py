"""The named graphs every store holds, by their IRIs.

Stores keep them, the file reader leaves out the ones kg fills itself when a TriG export is
read back, and the graph layer loads into them: the names live here, below all three.
"""

from __future__ import annotations

from rdflib import URIRef

ONTOLOGY_GRAPH = URIRef("urn:conflict-kg:graph:ontology")
DATA_GRAPH = URIRef("urn:conflict-kg:graph:data")
DERIVED_GRAPH = URIRef("urn:conflict-kg:graph:derived")
# The names of things folded for matching (ckg:nameKey), derived like the direct relations.
NAMES_GRAPH = URIRef("urn:conflict-kg:graph:names")
GRAPHS = (ONTOLOGY_GRAPH, DATA_GRAPH, DERIVED_GRAPH, NAMES_GRAPH)
