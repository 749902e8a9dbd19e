"""Build data/reference/states.ttl, the crosswalk of states, from its sources.

Not run by kg or its tests: its output is committed as data. Run it again when a source
changes, and review the diff:

    python -m pip install --target /tmp/pycountry-build pycountry==26.2.16
    PYTHONPATH=/tmp/pycountry-build .venv/bin/python tools/build_states.py \\
        --shared ../shared/data > data/reference/states.ttl

Sources (each fact of the output comes from one of them):

- COW codes and names: the Correlates of War state system list as ATOP 5.1 ships it
  (``atop/cow-states.csv``: ccode, stateabb, statenme). Correlates of War Project (2017),
  "State System Membership List, v2016", https://correlatesofwar.org/.
- Gleditsch-Ward numbers and UCDP actor ids of governments: the UCDP Dyadic Dataset and
  UCDP/PRIO Armed Conflict Dataset 25.1 (``side_a``/``side_b`` "Government of X" with
  ``side_a_id``/``side_b_id`` and ``gwno_a``/``gwno_b``; also the secondary parties
  ``side_a_2nd`` with ``gwno_a_2nd``), and the UCDP External Support Dataset 18.1
  (``ext_name`` and ``ext_id``, for governments that only backed others). Gleditsch and
  Ward (1999), "A revised list of independent states since the congress of Vienna",
  International Interactions 25(4); Harbom, Melander and Wallensteen (2008), JPR 45(5);
  Gleditsch et al. (2002), JPR 39(5); Högbladh, Pettersson and Themnér (2011), UCDP ESD.
- ISO 3166-1 alpha-2 and alpha-3 codes and names: ISO 3166-1:2020, through the
  ``pycountry`` package (its copy of the Debian iso-codes tables), at build time only.

Where the two code lists give one state different numbers (Gleditsch and Ward 1999, table
2, and COW's own list), the state carries each list's number: GW 260 for Germany is COW
255 (COW keeps 260 for the German Federal Republic of 1955-1990); GW 678 for Yemen (which
GW continues from the Yemen Arab Republic) is COW 679 (COW keeps 678 for the Yemen Arab
Republic of 1926-1990). A Gleditsch-Ward number is given only where the UCDP files give
it for the state's government: the full GW list is not among the sources.

The states that data/actors.ttl already has (Russia, Iran, ...) keep their IRI, label and
names; the crosswalk adds their codes. Other states get ck:<name>. A state whose
government is a separate actor in data/actors.ttl (ck:syrian-government, ckg:governmentOf
ck:syria) does not get UCDP's "Government of X" as another name: that name is the
government's.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pycountry
from rdflib import RDF, RDFS, SKOS, Graph, Namespace, URIRef

ROOT = Path(__file__).resolve().parent.parent
CK = Namespace("https://w3id.org/conflict-kg/id/")
CKG = Namespace("https://w3id.org/conflict-kg/ontology#")

#: GW number -> COW code where the two lists differ for one state (module docstring).
GW_TO_COW = {260: 255, 678: 679}

#: UCDP's name of a state ("X" of "Government of X") -> COW code, where the names differ
#: and UCDP gives no GW number to join on.
UCDP_NAME_TO_COW = {
    "Bosnia-Herzegovina": 346,
    "Czech Republic": 316,
    "East Germany": 265,
    "Federated States of Micronesia": 987,
    "Germany": 255,
    "North Macedonia": 343,
}

#: COW name -> ISO 3166-1 alpha-3, where pycountry's lookup does not find the COW name.
#: None: no ISO 3166-1 code (a state of the past, or Kosovo, which ISO has not coded).
COW_TO_ISO: dict[str, str | None] = {
    "St. Lucia": "LCA",
    "St. Vincent and the Grenadines": "VCT",
    "Antigua & Barbuda": "ATG",
    "St. Kitts and Nevis": "KNA",
    "Bolivia": "BOL",
    "Venezuela": "VEN",
    "Macedonia": "MKD",
    "Yugoslavia": "SRB",  # COW continues Yugoslavia (345) as Serbia after 2006
    "Kosovo": None,
    "Moldova": "MDA",
    "Russia": "RUS",
    "Cape Verde": "CPV",
    "Ivory Coast": "CIV",
    "Democratic Republic of the Congo": "COD",
    "Congo": "COG",
    "Tanzania": "TZA",
    "Swaziland": "SWZ",
    "Iran": "IRN",
    "Syria": "SYR",
    "Turkey": "TUR",
    "Laos": "LAO",
    "Vietnam": "VNM",
    "North Korea": "PRK",
    "South Korea": "KOR",
    "Korea": None,  # the Korean Empire, to 1905
    "Taiwan": "TWN",
    "Brunei": "BRN",
    "East Timor": "TLS",
    "Federated States of Micronesia": "FSM",
    "Czech Republic": "CZE",
    "Czechoslovakia": None,
    "German Federal Republic": None,  # DE is the Germany of COW 255
    "German Democratic Republic": None,
    "Yemen Arab Republic": None,  # YE is the Yemen of COW 679
    "Yemen People's Republic": None,
    "Republic of Vietnam": None,
    "Zanzibar": None,
    "Austria-Hungary": None,
    "Papal States": None,
    "Two Sicilies": None,
    "Hanover": None,
    "Bavaria": None,
    "Baden": None,
    "Saxony": None,
    "Wuerttemburg": None,
    "Hesse Electoral": None,
    "Hesse Grand Ducal": None,
    "Mecklenburg Schwerin": None,
    "Modena": None,
    "Parma": None,
    "Tuscany": None,
}

#: Former names in UCDP's brackets that are not names of the state they join: UCDP's
#: "Yemen (North Yemen)" is the Yemen of COW 679; North Yemen is COW 678.
NOT_NAMES = {"North Yemen"}


@dataclass
class State:
    """One row of the crosswalk."""

    label: str
    cow: int | None = None
    cow_abbreviation: str | None = None
    gw: int | None = None
    iso2: str | None = None
    iso3: str | None = None
    ucdp_id: int | None = None
    ucdp_name: str | None = None
    names: set[str] = field(default_factory=set)
    iri: URIRef | None = None
    known: bool = False  # in data/actors.ttl already


def fold(name: str) -> str:
    """Names compared as kg.names.normalise folds them (case, accents, dots, hyphens)."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    bare = re.sub(r"[-_\s]+", " ", bare.casefold().replace(".", "")).strip()
    return re.sub(r"^the ", "", bare)


def slug(name: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", bare.casefold().replace("'", "")).strip("-")


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(",") if part.strip()]


def ucdp_governments(shared: Path) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    """UCDP's governments: name -> UCDP actor ids, name -> GW numbers."""
    ids: dict[str, set[int]] = defaultdict(set)
    gws: dict[str, set[int]] = defaultdict(set)
    lists: list[tuple[list[str], list[int]]] = []
    for name in ("ucdp-dyadic-251.csv", "ucdp-prio-acd-251.csv"):
        with (shared / "ucdp-conflicts" / name).open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                for side in ("a", "b"):
                    names = _split(row[f"side_{side}"])
                    if not names or not all(n.startswith("Government of ") for n in names):
                        continue
                    numbers = _split(row[f"side_{side}_id"])
                    if len(numbers) == len(names):
                        for n, i in zip(names, numbers, strict=True):
                            ids[n].add(int(i))
                    codes = [int(c) for c in _split(row[f"gwno_{side}"])]
                    lists.append((names, codes))
                    for column in (f"side_{side}_2nd",):
                        second = _split(row[column])
                        codes2 = [int(c) for c in _split(row[f"gwno_{side}_2nd"])]
                        if second and all(n.startswith("Government of ") for n in second):
                            lists.append((second, codes2))
    with (shared / "ucdp-esd" / "ucdp-esd-ty-181.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            for column, id_column in (
                ("actor_name", "actor_id"),
                ("oppo_name", "oppo_id"),
                ("ext_name", "ext_id"),
            ):
                name = row[column].strip()
                # "Government of Australia, Government of United Kingdom, ...": a coalition
                if name.startswith("Government of ") and ", " not in name and row[id_column]:
                    ids[name].add(int(float(row[id_column])))
    # A list of governments comes with a list of GW numbers, not always in the same order:
    # a number is a government's where one government of the list is left once the others'
    # numbers (known from elsewhere) are taken out.
    changed = True
    while changed:
        changed = False
        for names, codes in lists:
            if len(names) != len(codes):
                continue
            unknown = [n for n in names if len(gws.get(n, ())) != 1]
            left = set(codes) - {next(iter(gws[n])) for n in names if len(gws.get(n, ())) == 1}
            if len(unknown) == 1 and len(left) == 1:
                gws[unknown[0]].add(left.pop())
                changed = True
    return ids, gws


def build(shared: Path) -> list[State]:
    cow_states: dict[int, State] = {}
    with (shared / "atop" / "cow-states.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            code = int(row["ccode"])
            cow_states[code] = State(
                row["statenme"].strip(), cow=code, cow_abbreviation=row["stateabb"].strip()
            )
    by_cow_name = {fold(s.label): s for s in cow_states.values()}
    states = list(cow_states.values())
    ids, gws = ucdp_governments(shared)
    for government in sorted(set(ids) | set(gws)):
        if len(ids.get(government, ())) != 1:
            sys.exit(f"{government}: UCDP gives it {len(ids.get(government, ()))} ids")
        if len(gws.get(government, ())) > 1:
            sys.exit(f"{government}: UCDP gives it GW numbers {sorted(gws[government])}")
        [ucdp_id] = ids[government]
        gw = next(iter(gws[government])) if gws.get(government) else None
        name = government.removeprefix("Government of ")
        plain = re.sub(r"\s*\(.*\)$", "", name)
        state = None
        if gw is not None and GW_TO_COW.get(gw, gw) in cow_states:
            state = cow_states[GW_TO_COW.get(gw, gw)]
        elif name in UCDP_NAME_TO_COW:
            state = cow_states[UCDP_NAME_TO_COW[name]]
        elif fold(plain) in by_cow_name:
            state = by_cow_name[fold(plain)]
        if state is None:
            state = State(plain)
            states.append(state)
        if state.ucdp_id is not None:
            sys.exit(f"{government}: {state.label} is already UCDP's {state.ucdp_name}")
        state.ucdp_id, state.ucdp_name, state.gw = ucdp_id, government, gw
        state.names.add(plain)
        if (match := re.search(r"\((.*)\)$", name)) and match.group(1) not in NOT_NAMES:
            state.names.add(match.group(1))
    for state in states:
        iso = _iso(state.label) if state.cow is not None else _iso_of_name(state.label)
        if iso is not None:
            state.iso2, state.iso3 = iso.alpha_2, iso.alpha_3
            for attribute in ("name", "official_name", "common_name"):
                value = getattr(iso, attribute, None)
                if value and "," not in value:
                    state.names.add(value)
    return states


def _iso_of_name(name: str) -> object | None:
    try:
        return pycountry.countries.lookup(name)
    except LookupError:
        return None


def _iso(cow_name: str) -> object | None:
    if cow_name in COW_TO_ISO:
        code = COW_TO_ISO[cow_name]
        return None if code is None else pycountry.countries.get(alpha_3=code)
    found = _iso_of_name(cow_name)
    if found is None:
        sys.exit(f"{cow_name}: no ISO 3166-1 entry found; add it to COW_TO_ISO")
    return found


def assign_iris(states: list[State], actors: Graph) -> set[URIRef]:
    """Give each state its IRI (data/actors.ttl's where it has the state); return the
    states of actors.ttl that have a separate government there."""
    known: dict[str, URIRef] = {}
    for iri in actors.subjects(RDF.type, CKG.State):
        for predicate in (RDFS.label, SKOS.altLabel):
            for name in actors.objects(iri, predicate):
                known[fold(str(name))] = URIRef(str(iri))
    governed = {URIRef(str(o)) for o in actors.objects(None, CKG.governmentOf)}
    taken: set[URIRef] = set(URIRef(str(s)) for s in actors.subjects())
    for state in states:
        for name in sorted({state.label, *state.names}):
            if fold(name) in known:
                state.iri, state.known = known[fold(name)], True
                break
        else:
            state.iri = CK[slug(state.label)]
            if state.iri in taken:
                sys.exit(f"{state.label}: {state.iri} is already an IRI of the data")
        taken.add(state.iri)
    return governed


def turtle(states: list[State], actors: Graph, governed: set[URIRef]) -> str:
    # Each other name of a state must name it alone: a name two states share (or that
    # another actor of the data has) would make a lookup by it ambiguous, so it is left out.
    owners: dict[str, set[URIRef]] = defaultdict(set)
    for subject, _p, name in actors.triples((None, RDFS.label, None)):
        owners[fold(str(name))].add(URIRef(str(subject)))
    for subject, _p, name in actors.triples((None, SKOS.altLabel, None)):
        owners[fold(str(name))].add(URIRef(str(subject)))
    for state in states:
        assert state.iri is not None
        owners[fold(state.label)].add(state.iri)
        for name in state.names:
            owners[fold(name)].add(state.iri)
        if state.ucdp_name and state.iri not in governed:
            owners[fold(state.ucdp_name)].add(state.iri)
    lines = [_HEADER]
    for state in sorted(states, key=lambda s: (s.cow or 10_000, s.gw or 0, s.label)):
        assert state.iri is not None
        existing = {
            fold(str(n)) for p in (RDFS.label, SKOS.altLabel) for n in actors.objects(state.iri, p)
        }
        names = {state.ucdp_name} if state.ucdp_name and state.iri not in governed else set()
        names |= state.names
        others = sorted(
            n
            for n in names
            if fold(n) != fold(state.label)
            and fold(n) not in existing
            and owners[fold(n)] == {state.iri}
        )
        # A state of actors.ttl is written with its type and label there, so that the file
        # alone is the whole crosswalk (kg.crosswalk reads it so); a store holds them once.
        label = actors.value(state.iri, RDFS.label) if state.known else None
        body = ["a ckg:State", f"rdfs:label {_text(str(label) if label else state.label)}"]
        # A state of actors.ttl keeps the names given there (and in aliases.ttl): a store,
        # which holds this file, answers as the bundled data in memory, which does not.
        if others and not state.known:
            body.append("skos:altLabel " + " , ".join(_text(n) for n in others))
        if state.cow is not None:
            body.append(f"ckg:cowCode {state.cow}")
        if state.gw is not None:
            body.append(f"ckg:gwCode {state.gw}")
        if state.iso2 is not None:
            body.append(f'ckg:isoAlpha2 "{state.iso2}"')
            body.append(f'ckg:isoAlpha3 "{state.iso3}"')
        if state.ucdp_id is not None:
            body.append(f"ckg:ucdpGovernmentId {state.ucdp_id}")
        local = str(state.iri).removeprefix(str(CK))
        lines.append(f"ck:{local}\n    " + " ;\n    ".join(body) + " .\n")
    return "\n".join(lines)


def _text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"@en'


_HEADER = """\
# conflict-kg: the crosswalk of states. GENERATED by tools/build_states.py: edit the script
# (or its sources), not this file.
#
# Each state once, with its codes in the standard lists of conflict research, so that one
# state is one actor whichever source names it:
#   ckg:cowCode   Correlates of War state code (ccode): Correlates of War Project, State
#                 System Membership List v2016, as ATOP 5.1 ships it (cow-states.csv).
#   ckg:gwCode    Gleditsch-Ward number (Gleditsch and Ward 1999, International Interactions
#                 25(4)), as the UCDP Dyadic and UCDP/PRIO Armed Conflict Datasets 25.1 give
#                 it for the state's government (gwno_a, gwno_b); absent where they do not.
#   ckg:isoAlpha2, ckg:isoAlpha3
#                 ISO 3166-1:2020 (through pycountry 26.2.16, the Debian iso-codes tables);
#                 absent for states of the past.
#   ckg:ucdpGovernmentId
#                 the UCDP actor id of the state's government, "Government of X" in the UCDP
#                 datasets (side_a_id, side_b_id; ESD 18.1 ext_id, actor_id).
#   skos:altLabel the names UCDP and ISO give the state ("Government of Saudi Arabia",
#                 "Burma", "Kingdom of Saudi Arabia"), where no other actor has the name.
#
# The rule that uses it (kg.crosswalk): UCDP's government of a state is the state itself for
# who backs whom, unless the data has a separate government of it (a ckg:Government with
# ckg:governmentOf the state, as ck:syrian-government for ck:syria).

@prefix ckg:  <https://w3id.org/conflict-kg/ontology#> .
@prefix ck:   <https://w3id.org/conflict-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--actors", type=Path, default=ROOT / "data" / "actors.ttl")
    args = parser.parse_args()
    actors = Graph().parse(args.actors)
    states = build(args.shared)
    governed = assign_iris(states, actors)
    sys.stdout.write(turtle(states, actors, governed))


if __name__ == "__main__":
    main()
