"""The stores a knowledge graph can live in: rdflib in memory (:mod:`kg.stores.memory`),
Oxigraph in a folder (:mod:`kg.stores.oxigraph`), or a SPARQL 1.1 server
(:mod:`kg.stores.endpoint`). :class:`kg.stores.base.Store` is what they share."""
