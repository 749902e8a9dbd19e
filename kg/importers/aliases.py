"""One actor, many names: the merges of the alias table (``data/aliases.ttl``).

A merge is ``ck:ucdp-actor-115 owl:sameAs ck:turkey``: the IRI that another source's
naming gives an actor (here its UCDP id) is the actor of the data. Imports write claims
with the actor's own IRI, so reports answer from every source at once; :func:`aliases`
lists the merges for a user to check, with the claims that still name a merged IRI
(imported before the merge was made).
"""

from __future__ import annotations

from rdflib import URIRef
from rdflib.term import Node

from kg.graph import KnowledgeGraph
from kg.results import Alias, Result


def alias_targets(kg: KnowledgeGraph) -> dict[URIRef, URIRef]:
    """Each merged IRI and the actor it stands for."""
    targets: dict[URIRef, URIRef] = {}
    for row in kg.select("alias-targets").rows:
        alias, actor = row["alias"], row["actor"]
        if isinstance(alias, URIRef) and isinstance(actor, URIRef):
            targets.setdefault(alias, actor)
    return targets


def _text(value: Node | None) -> str | None:
    return None if value is None else str(value)


def aliases(kg: KnowledgeGraph) -> Result[Alias]:
    """The merges of actors across sources: the name and id another source gives an actor,
    the actor of the data it is merged into, why, and how many claims still name the merged
    IRI (import again to apply the merge to them)."""
    rows: list[Alias] = []
    for row in kg.select("aliases").rows:
        ucdp_id = row["ucdp_id"]
        rows.append(
            Alias(
                # IRIs stay rdflib terms (text), so that a table shows them as ck:...
                alias=row["alias"],  # type: ignore[arg-type]
                name=_text(row["name"]),
                source_id=f"UCDP {ucdp_id}" if ucdp_id is not None else None,
                actor=row["actor"],  # type: ignore[arg-type]
                actor_label=_text(row["actor_label"]),
                note=_text(row["note"]),
                stale_claims=int(str(row["stale_claims"] or 0)),
            )
        )
    rows.sort(key=lambda r: ((r.actor_label or "").casefold(), r.name or "", str(r.alias)))
    notes = []
    stale = sum(r.stale_claims for r in rows)
    if stale:
        notes.append(
            f"{stale} claim(s) still name a merged IRI: import their file again into the same "
            "store to apply the merge"
        )
    return Result.of(rows, Alias, notes)
