"""``kg serve``: the knowledge graph over HTTP.

- :mod:`kg.web.app` is the WSGI application: the SPARQL 1.1 Protocol at ``/sparql``, the
  bundled queries at ``/queries/NAME``, the JSON the page reads under ``/api/``, and the
  page itself (``/`` and ``/assets/``), behind the checks that make it safe by default
  (Host header, token, sizes).
- :mod:`kg.web.results` writes answers in the formats of the SPARQL recommendations.
- :mod:`kg.web.server` runs the application in waitress and stops it on a signal.
"""
