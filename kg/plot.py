"""Pictures of the actor network: PNG and SVG drawn with matplotlib, and one self-contained
interactive HTML page.

Both read the network built by :func:`kg.network.project` and the camps of
:func:`kg.metrics.camps`, and style each edge from its own data (its claim class, direction,
sign, status and standing), never from its kind's label:

- colour of a node: its camp, for the largest camps (at most ``len(CAMP_COLOURS)``, from the
  Okabe-Ito palette, which readers with any common colour blindness tell apart); the other
  camps are grey, one "other camps" entry in the legend. The size of a node grows with its
  partners (the distinct actors it has relations with).
- the *family* of an edge, its colour and head: backing a dark arrow with a filled head,
  holding office a grey line ending in a bracket, envoy a grey arrow with an open head,
  alliance a blue line, hostility a vermilion line, a structural link (an agency part of its
  state, a delegation of its sender) a thin light line;
- the *line* of an edge, its dashes: current (or last recorded) solid, alleged dashed,
  ended dotted and faded, uncertain on the day asked (may have ended, not known after the
  end of its dataset's coverage) dash-dotted.

Only the most central actors are named (:mod:`kg.plot_focus`: at most ``LABEL_LIMIT``, by
partners); in the PNG and SVG a label that would overlap one already placed is moved around
its node, or left out, so names never pile up. The SVG names every actor and relation in a
``<title>`` (a tooltip in a browser); the page names the others on hover and finds any actor
with its search box.

The layout is deterministic (Kamada-Kawai for a part of up to ``KAMADA_KAWAI_LIMIT`` actors,
ForceAtlas2 with a fixed seed for larger ones, which gathers each hub's clients around it
and costs a tenth of Kamada-Kawai's time; each part of a disconnected network is laid out on
its own), so the same data give the same picture. The HTML page starts from the same
positions and lets the reader drag, zoom, filter and search; it holds every script, style and
datum inside the file and loads nothing: its Content-Security-Policy forbids any request and
runs only its own script (by hash), and the data are inserted as text, never as markup. The
page's template, style and script are files of their own in ``kg/plot_page/`` (page.html,
plot.css, plot.js), inlined into each page written.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import io
import json
import math
import re
import textwrap
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NamedTuple
from xml.etree import ElementTree

import networkx as nx

from kg.errors import OutputError
from kg.export import write_atomically
from kg.graph import KnowledgeGraph
from kg.metrics import Camp, network_camps
from kg.network import project
from kg.periods import When, as_when
from kg.plot_focus import (
    LABEL_LIMIT,
    label_of,
    most_central,
    neighbourhood,
    partners,
    to_label,
)
from kg.prefixes import compact
from kg.selection import Filter, LeftOut, Scope, scoped
from kg.vocab import CKG

# picture format -> extension of the file it is written to
PICTURE_FORMATS: dict[str, str] = {"png": ".png", "svg": ".svg", "html": ".html"}

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

# Camp colours: the Okabe-Ito palette without its black and its vermilion (kept for
# hostility), largest camp first.
CAMP_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#F0E442"]
OTHER_CAMP_COLOUR = "#BBBBBB"
HOSTILE_COLOUR = "#D55E00"

# A part of the network with more actors is laid out by ForceAtlas2: Kamada-Kawai takes
# 3.6 s for 200 actors and 34 s for 670.
KAMADA_KAWAI_LIMIT = 120


class Family(NamedTuple):
    """How one family of relations is drawn."""

    colour: str
    head: str  # a matplotlib arrow style: "-" is no head
    width: float  # times the picture's line width
    words: str  # in the legend


FAMILIES: dict[str, Family] = {
    "backing": Family("#222222", "-|>", 1.0, "backing (arrow to the backed)"),
    "office": Family("#777777", "-[, widthB=0.5, lengthB=0.3", 0.8, "holds office in (bracket)"),
    "envoy": Family("#777777", "->", 0.8, "envoy of (open arrow)"),
    "directed": Family("#555555", "-|>", 0.8, "other directed relation"),
    "alliance": Family("#3A6EA5", "-", 1.3, "alliance"),
    "cooperative": Family("#555555", "-", 1.0, "other cooperation"),
    "hostility": Family(HOSTILE_COLOUR, "-", 1.1, "hostility, fighting"),
    "structural": Family("#B3B3B3", "-", 0.6, "structural link (part of, delegation)"),
}


class Line(NamedTuple):
    """How a relation's standing is drawn."""

    dashes: tuple[float, ...]  # on, off, ... in line widths; () is solid
    alpha: float
    words: str


LINES: dict[str, Line] = {
    "current": Line((), 0.9, "current, or last recorded (solid)"),
    "alleged": Line((4.0, 2.5), 0.9, "alleged (dashed)"),
    "ended": Line((1.0, 1.8), 0.4, "ended (dotted, faded)"),
    "uncertain": Line((5.0, 1.8, 1.0, 1.8), 0.6, "may have ended, not known after (dash-dot)"),
}

# Standings that leave open whether the relation held on the day asked.
_UNCERTAIN = {"may have ended", "may not have started", "not known after"}

_FAMILY_OF_CLASS = {
    str(CKG.SupportClaim): "backing",
    str(CKG.OfficeClaim): "office",
    str(CKG.EnvoyClaim): "envoy",
    str(CKG.AllianceClaim): "alliance",
}


@dataclass(frozen=True)
class Picture:
    """What :func:`plot_to_file` wrote."""

    path: Path
    format: str
    size: int  # bytes
    actors: int
    relations: int
    seconds: float  # to lay out and render, without opening the graph
    labelled: int = 0  # actors named on the picture (the page: named without hovering)
    named: tuple[str, ...] = ()  # their IRIs, the most central first
    left_out_actors: int = 0  # by --actor/--hops and --top
    left_out_relations: int = 0


@dataclass(frozen=True)
class Drawing:
    """A picture's bytes and the actors it names, most central first."""

    content: bytes
    labelled: tuple[str, ...]


def picture_format(path_or_format: Path | str) -> str:
    """The picture format named by a file's extension (or given as "png", "svg", "html")."""
    text = str(path_or_format)
    if text.lower() in PICTURE_FORMATS:
        return text.lower()
    suffix = Path(text).suffix.lower()
    for name, extension in PICTURE_FORMATS.items():
        if suffix == extension or (name == "html" and suffix == ".htm"):
            return name
    known = ", ".join(PICTURE_FORMATS.values())
    named = f"the extension {suffix!r}" if suffix else "no extension"
    raise OutputError(f"{text}: cannot tell the picture format from {named} (use {known})")


def camp_numbers(camps: Sequence[Camp]) -> dict[str, int]:
    """Each actor's camp number."""
    return {actor: camp.number for camp in camps for actor in camp.actors}


def camp_colours(camps: Sequence[Camp], network: nx.Graph) -> dict[int, str]:
    """The colour of each camp with actors in ``network``: the largest camps of two actors
    or more (by their actors in the network) take the palette's colours, the others grey."""
    shown = [(sum(a in network for a in c.actors), c.number) for c in camps]
    ranked = sorted((-size, number) for size, number in shown if size > 0)
    colours: dict[int, str] = {}
    for rank, (size, number) in enumerate(ranked):
        coloured = rank < len(CAMP_COLOURS) and -size >= 2
        colours[number] = CAMP_COLOURS[rank] if coloured else OTHER_CAMP_COLOUR
    return colours


def edge_family(data: Mapping[str, Any]) -> str:
    """The family an edge is drawn as (a key of FAMILIES)."""
    if data.get("status") == "structural":
        return "structural"
    if int(data.get("sign", 1)) < 0:
        return "hostility"
    found = _FAMILY_OF_CLASS.get(str(data.get("claim_class")))
    if found is not None:
        return found
    return "directed" if data.get("directed") else "cooperative"


def edge_line(data: Mapping[str, Any]) -> str:
    """How an edge's standing is drawn (a key of LINES)."""
    if data.get("standing") == "ended" or data.get("status") == "ended":
        return "ended"
    if data.get("status") == "alleged":
        return "alleged"
    if data.get("standing") in _UNCERTAIN:
        return "uncertain"
    return "current"


def _label(network: nx.Graph, node: str) -> str:
    return label_of(network, node)


def _normalised(raw: Mapping[str, Any], part: Sequence[str]) -> dict[str, tuple[float, float]]:
    xs = [float(raw[n][0]) for n in part]
    ys = [float(raw[n][1]) for n in part]
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    half = max(max(xs) - min(xs), max(ys) - min(ys)) / 2 or 1.0
    return {n: ((float(raw[n][0]) - cx) / half, (float(raw[n][1]) - cy) / half) for n in part}


def _part_layout(simple: nx.Graph, part: list[str]) -> dict[str, tuple[float, float]]:
    """Positions of one connected part, a tie about as long in every part."""
    if len(part) == 1:
        return {part[0]: (0.0, 0.0)}
    sub = simple.subgraph(part)
    if len(part) <= KAMADA_KAWAI_LIMIT:
        raw = nx.kamada_kawai_layout(sub, pos=nx.circular_layout(part))
        # Kamada-Kawai fills [-1, 1] whatever the size of the part; scale it by its diameter.
        spread = 0.7 * nx.diameter(sub)
    else:
        ordered = nx.Graph()
        ordered.add_nodes_from(part)
        ordered.add_edges_from(sub.edges())
        raw = nx.forceatlas2_layout(ordered, max_iter=150, scaling_ratio=4.0, seed=1)
        spread = 0.9 * math.sqrt(len(part))
    return {n: (x * spread, y * spread) for n, (x, y) in _normalised(raw, part).items()}


def layout(network: nx.Graph) -> dict[str, tuple[float, float]]:
    """Positions for every actor, the longer side spanning [-1, 1]; the same network always
    gives the same positions."""
    nodes = sorted(network, key=lambda n: (_label(network, n).casefold(), n))
    if not nodes:
        return {}
    order = {n: i for i, n in enumerate(nodes)}
    simple = nx.Graph()
    simple.add_nodes_from(nodes)
    simple.add_edges_from(
        sorted(
            ((u, v) for u, v in network.edges() if u != v), key=lambda e: (order[e[0]], order[e[1]])
        )
    )
    # Lay out each connected part on its own (force layouts throw unconnected parts far
    # apart), the largest first, then the others in rows beneath it.
    parts = sorted(
        (sorted(p, key=order.__getitem__) for p in nx.connected_components(simple)),
        key=lambda p: (-len(p), order[p[0]]),
    )
    boxes: list[tuple[dict[str, tuple[float, float]], float, float]] = []
    for part in parts:
        local = _part_layout(simple, part)
        xs = [p[0] for p in local.values()]
        ys = [p[1] for p in local.values()]
        left, top = min(xs), max(ys)
        shifted = {n: (x - left, y - top) for n, (x, y) in local.items()}
        boxes.append((shifted, max(xs) - left, top - min(ys)))
    gap = 1.6
    row_limit = max(boxes[0][1], 6.0)
    placed: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for shifted, width, height in boxes:
        if x > 0 and x + width > row_limit:
            x, y = 0.0, y - row_height - gap
            row_height = 0.0
        for n, (px, py) in shifted.items():
            placed[n] = (px + x, py + y)
        x += width + gap
        row_height = max(row_height, height)
    xs = [p[0] for p in placed.values()]
    ys = [p[1] for p in placed.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys))
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    scale = 2 / span if span > 0 else 0.0
    return {
        n: (round((px - cx) * scale, 6), round((py - cy) * scale, 6))
        for n, (px, py) in placed.items()
    }


def _sorted_edges(network: nx.MultiDiGraph) -> list[tuple[str, str, dict[str, Any]]]:
    edges = [(u, v, data) for u, v, data in network.edges(data=True)]
    edges.sort(key=lambda e: (e[0], e[1], str(e[2].get("kind")), str(e[2].get("start"))))
    return edges


def period_text(data: Mapping[str, Any]) -> str:
    """The period of an edge as people write it: "2015–2017", "since 2016-03"."""
    start, end = data.get("start"), data.get("end")
    if start and end:
        return str(start) if start == end else f"{start}–{end}"
    if start:
        return f"since {start}"
    if end:
        return f"until {end}"
    return "no dates given" if data.get("status") != "structural" else "structural link"


def relation_text(network: nx.Graph, u: str, v: str, data: Mapping[str, Any]) -> str:
    """One relation in words, for a tooltip: "Russia backs Syrian government, 2015–2017
    (last recorded); support: troops, weapons; against: Islamic State; 3 sources"."""
    words = f"{_label(network, u)} {data.get('kind', '')} {_label(network, v)}, "
    words += period_text(data)
    standing = str(data.get("standing_text") or data.get("standing") or "")
    status = str(data.get("status") or "")
    shown = [s for s in (status, standing) if s and s not in ("asserted", "current", "structural")]
    if shown:
        words += f" ({', '.join(dict.fromkeys(shown))})"
    if data.get("support"):
        words += "; support: " + ", ".join(data["support"])
    if data.get("against"):
        words += "; against: " + ", ".join(data["against"])
    count = int(data.get("sources") or 0)
    if count:
        words += f"; {count} source{'s' if count != 1 else ''}"
    return words


def _camp_summary(camp: Camp, network: nx.Graph, most: int = 3) -> str:
    """The best-connected members of a camp: "Russia, Syrian government, Iran +10"."""
    members = [a for a in camp.actors if a in network]
    members.sort(key=lambda a: (-network.degree(a), _label(network, a).casefold()))
    names = [isolated(_label(network, a)) for a in members[:most]]
    rest = len(members) - len(names)
    return ", ".join(names) + (f" +{rest}" if rest > 0 else "")


_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")


def isolated(label: str) -> str:
    """``label`` as a part of a longer text: a label that holds a bidirectional control
    (U+202E turns what follows right to left) is put between U+2068 and U+2069, which end
    its effect with the label; any other label is left as it is."""
    return f"\u2068{label}\u2069" if _BIDI_CONTROL.search(label) else label


class CampKey(NamedTuple):
    """One entry of the camps' legend: a coloured camp, or the other camps together."""

    numbers: tuple[int, ...]
    colour: str
    actors: list[str]
    head: str  # "camp 2 (14 actors)", "other camps (12 camps, 30 actors)"
    summary: str


def camp_keys(camps: Sequence[Camp], network: nx.Graph) -> list[CampKey]:
    """The camps' legend: each coloured camp, largest first, then one grey entry for the
    other camps and the actors in none."""
    colours = camp_colours(camps, network)
    keys: list[CampKey] = []
    others: list[Camp] = []
    for camp in sorted(
        (c for c in camps if c.number in colours),
        key=lambda c: (CAMP_COLOURS + [OTHER_CAMP_COLOUR]).index(colours[c.number]),
    ):
        if colours[camp.number] == OTHER_CAMP_COLOUR:
            others.append(camp)
            continue
        members = [a for a in camp.actors if a in network]
        size = len(members)
        head = f"camp {camp.number} ({size} actor{'s' if size != 1 else ''})"
        keys.append(
            CampKey(
                (camp.number,), colours[camp.number], members, head, _camp_summary(camp, network)
            )
        )
    in_camps = set(camp_numbers(camps))
    loose = [n for n in network if n not in in_camps]
    members = [a for c in others for a in c.actors if a in network] + sorted(loose)
    if members:
        members.sort(key=lambda a: (-network.degree(a), _label(network, a).casefold()))
        names = [_label(network, a) for a in members[:3]]
        rest = len(members) - len(names)
        what = f"{len(others)} camp{'s' if len(others) != 1 else ''}, " if others else ""
        head = (
            f"other camps ({what}{len(members)} actor{'s' if len(members) != 1 else ''})"
            if keys
            else f"camps of one actor ({len(members)})"
        )
        keys.append(
            CampKey(
                tuple(c.number for c in others),
                OTHER_CAMP_COLOUR,
                members,
                head,
                ", ".join(names) + (f" +{rest}" if rest > 0 else ""),
            )
        )
    return keys


def node_colours(camps: Sequence[Camp], network: nx.Graph) -> dict[str, str]:
    """Each actor's colour: its camp's, grey for the other camps."""
    return {a: key.colour for key in camp_keys(camps, network) for a in key.actors}


class DrawnEdge(NamedTuple):
    """The relations of one pair drawn as one line: same family, same line."""

    u: str
    v: str
    family: str
    line: str
    directed: bool
    relations: list[dict[str, Any]]


def drawn_edges(network: nx.MultiDiGraph) -> list[DrawnEdge]:
    """The edges of the PNG and SVG: the relations of a pair that share family and line
    are one edge (the ESD's years of backing are one arrow, with every year in its title)."""
    groups: dict[tuple[str, str, str, str], list[dict[str, Any]]] = {}
    directed: dict[tuple[str, str, str, str], bool] = {}
    for u, v, data in _sorted_edges(network):
        if u == v:
            continue
        is_directed = bool(data.get("directed"))
        a, b = (u, v) if is_directed or u < v else (v, u)
        key = (a, b, edge_family(data), edge_line(data))
        groups.setdefault(key, []).append(data)
        directed[key] = is_directed
    order = list(LINES)
    return [
        DrawnEdge(a, b, family, line, directed[(a, b, family, line)], groups[(a, b, family, line)])
        for a, b, family, line in sorted(
            groups, key=lambda k: (k[0], k[1], list(FAMILIES).index(k[2]), order.index(k[3]))
        )
    ]


# ---------------------------------------------------------------------------------------
# PNG and SVG


def _overlaps(box: Any, placed: Sequence[Any]) -> bool:
    return any(
        box.x0 < other.x1 and other.x0 < box.x1 and box.y0 < other.y1 and other.y0 < box.y1
        for other in placed
    )


def _add_titles(
    svg: bytes, edge_titles: Mapping[str, str], node_titles: Mapping[str, list[str]]
) -> bytes:
    """The SVG with a <title> (a browser's tooltip) in each edge's group and on each node."""
    ElementTree.register_namespace("", SVG_NS)
    ElementTree.register_namespace("xlink", XLINK_NS)
    root = ElementTree.fromstring(svg)
    for group in root.iter(f"{{{SVG_NS}}}g"):
        gid = group.get("id", "")
        if gid in edge_titles:
            title = ElementTree.Element(f"{{{SVG_NS}}}title")
            title.text = edge_titles[gid]
            group.insert(0, title)
        elif gid in node_titles:
            # matplotlib writes a scatter's points in order, as <path> (dots of several
            # sizes) or <use> of one marker kept in <defs>.
            dots = [
                dot
                for child in group
                if child.tag != f"{{{SVG_NS}}}defs"
                for dot in ([child] if child.tag != f"{{{SVG_NS}}}g" else list(child))
                if dot.tag in (f"{{{SVG_NS}}}path", f"{{{SVG_NS}}}use")
            ]
            for dot, text in zip(dots, node_titles[gid], strict=False):
                title = ElementTree.SubElement(dot, f"{{{SVG_NS}}}title")
                title.text = text
    out: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return out if out.endswith(b"\n") else out + b"\n"


def draw_picture(
    network: nx.MultiDiGraph,
    camps: Sequence[Camp],
    path_or_format: Path | str,
    *,
    title: str | None = None,
    label_limit: int | None = None,
) -> Drawing:
    """The network as a PNG or SVG picture (the format from a path's extension or given as
    "png" or "svg"), and the actors it names.

    At most ``label_limit`` actors (kg.plot_focus.LABEL_LIMIT by default), the most central,
    are named; a label is put below its node, else above, right or left of it, else left
    out, so that no two labels overlap. In the SVG, each drawn edge is a group with the id
    ``edge-N-FAMILY-LINE-SHAPE`` (SHAPE arrow or line) whose <title> lists its relations,
    each coloured camp's nodes ``camp-N`` (the others ``camp-other``), each node a <title>
    with its name, and each label ``label-N``; labels are text, not paths.
    """
    fmt = picture_format(path_or_format)
    if fmt not in ("png", "svg"):
        raise OutputError(f"{path_or_format}: draw() makes PNG or SVG; use html_page() for HTML")
    # The object-oriented API with the Agg canvas: no display, no pyplot global state.
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    positions = layout(network)
    actors = network.number_of_nodes()
    xs = [p[0] for p in positions.values()] or [0.0]
    ys = [p[1] for p in positions.values()] or [0.0]
    pad_x, pad_y = 0.12, 0.08  # room for the labels, which are wider than the dots
    width = max(xs) - min(xs) + 2 * pad_x
    height = max(ys) - min(ys) + 2 * pad_y
    # The longer side of the drawing grows with the number of actors; the legend column
    # on the right has a fixed width.
    side = min(max(7.0, 1.4 * math.sqrt(max(actors, 1))), 26.0)
    plot_w, plot_h = side * width / max(width, height), side * height / max(width, height)
    plot_h = max(plot_h, 5.5)
    legend_w = 3.8
    # A long title (the conflicts of a --conflict) is wrapped at about 9 characters of
    # 12-point text an inch, into three lines at most.
    heading = textwrap.wrap(title or "", width=int((plot_w + legend_w) * 9))
    if len(heading) > 3:
        heading = heading[:2] + [textwrap.shorten(" ".join(heading[2:]), len(heading[2]))]
    title_h = 0.5 + 0.22 * max(len(heading) - 1, 0)
    figure_w, figure_h = plot_w + legend_w, plot_h + title_h + 0.2
    edges = drawn_edges(network)
    # Lines thin out as they multiply, so that hundreds stay apart.
    base_width = 1.6 if len(edges) <= 120 else max(0.45, 1.6 * math.sqrt(120 / len(edges)))
    fade = 1.0 if len(edges) <= 120 else max(0.35, math.sqrt(120 / len(edges)))
    degree = partners(network)
    shrink = 1.0 if actors <= 60 else max(0.3, math.sqrt(60 / actors))
    node_size = {n: min(30.0 + 30.0 * degree[n], 900.0) * shrink for n in network}  # pt²
    # Labels stay text in the SVG; its ids do not change from one run to the next.
    with matplotlib.rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": "conflict-kg", "font.size": 9}
    ):
        figure = Figure(figsize=(figure_w, figure_h), dpi=100)
        canvas = FigureCanvasAgg(figure)
        axes = figure.add_axes((0.0, 0.0, plot_w / figure_w, plot_h / figure_h))
        axes.set_axis_off()
        # Limits in the proportions of the axes, so that a unit is as long across as up.
        units_per_inch = max(width / plot_w, height / plot_h)
        mid_x, mid_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
        axes.set_xlim(mid_x - plot_w * units_per_inch / 2, mid_x + plot_w * units_per_inch / 2)
        axes.set_ylim(mid_y - plot_h * units_per_inch / 2, mid_y + plot_h * units_per_inch / 2)
        if heading:
            figure.suptitle(
                "\n".join(heading),
                x=0.01,
                y=1 - 0.12 / figure_h,
                ha="left",
                va="top",
                fontsize=12,
                parse_math=False,
            )

        pairs: dict[frozenset[str], int] = {}
        edge_titles: dict[str, str] = {}
        for number, edge in enumerate(edges, start=1):
            key = frozenset((edge.u, edge.v))
            nth = pairs.get(key, 0)
            pairs[key] = nth + 1
            # Several lines between one pair bend away from each other.
            bend = 0.0 if nth == 0 else 0.15 * ((nth + 1) // 2) * (1 if nth % 2 else -1)
            family, line = FAMILIES[edge.family], LINES[edge.line]
            head = family.head if edge.directed else "-"
            arrow = FancyArrowPatch(
                positions[edge.u],
                positions[edge.v],
                arrowstyle=head,
                mutation_scale=9 + 5 * min(base_width, 1.0),
                connectionstyle=f"arc3,rad={bend}",
                color=family.colour,
                linewidth=base_width * family.width,
                linestyle=(0, line.dashes) if line.dashes else "-",
                alpha=line.alpha * fade,
                shrinkA=math.sqrt(node_size[edge.u]) / 2 + 1,
                shrinkB=math.sqrt(node_size[edge.v]) / 2 + 1,
                zorder=1,
            )
            gid = f"edge-{number}-{edge.family}-{edge.line}-{'arrow' if head != '-' else 'line'}"
            arrow.set_gid(gid)
            axes.add_patch(arrow)
            edge_titles[gid] = "\n".join(
                relation_text(network, edge.u, edge.v, data) for data in edge.relations
            )

        legend_handles: list[Any] = []
        node_titles: dict[str, list[str]] = {}
        for entry in camp_keys(camps, network):
            members = sorted(entry.actors, key=lambda a: (_label(network, a).casefold(), a))
            gid = f"camp-{entry.numbers[0]}" if entry.colour != OTHER_CAMP_COLOUR else "camp-other"
            points = axes.scatter(
                [positions[a][0] for a in members],
                [positions[a][1] for a in members],
                s=[node_size[a] for a in members],
                c=entry.colour,
                edgecolors="#444444" if entry.colour == OTHER_CAMP_COLOUR else "white",
                linewidths=0.6,
                zorder=2,
                label=entry.head + "\n" + textwrap.fill(entry.summary, width=40),
            )
            points.set_gid(gid)
            node_titles[gid] = [
                f"{_label(network, a)} ({entry.head.split(' (')[0]}; {degree[a]} partners)"
                for a in members
            ]
            legend_handles.append(points)

        renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
        area = axes.get_window_extent(renderer)  # a label out of it would be cut off
        placed: list[Any] = []
        labelled: list[str] = []
        limit = LABEL_LIMIT if label_limit is None else label_limit
        for node in to_label(network, limit):
            x, y = positions[node]
            gap = math.sqrt(node_size[node]) / 2 + 2
            slant = gap * 0.7
            for dx, dy, ha, va in (
                (0.0, -gap, "center", "top"),
                (0.0, gap, "center", "bottom"),
                (gap, 0.0, "left", "center"),
                (-gap, 0.0, "right", "center"),
                (slant, -slant, "left", "top"),
                (-slant, -slant, "right", "top"),
                (slant, slant, "left", "bottom"),
                (-slant, slant, "right", "bottom"),
            ):
                text = axes.annotate(
                    _label(network, node),
                    (x, y),
                    xytext=(dx, dy),
                    textcoords="offset points",
                    ha=ha,
                    va=va,
                    fontsize=8 if actors <= 120 else 7,
                    zorder=3,
                    annotation_clip=False,
                    bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7},
                )
                text.set_parse_math(False)  # a "$" in a name is a dollar, not TeX
                box = text.get_window_extent(renderer).expanded(1.04, 1.1)
                inside = area.x0 <= box.x0 and box.x1 <= area.x1 and area.y0 <= box.y0
                if inside and box.y1 <= area.y1 and not _overlaps(box, placed):
                    placed.append(box)
                    labelled.append(node)
                    text.set_gid(f"label-{len(labelled)}")
                    break
                text.remove()

        if actors == 0:
            axes.text(0, 0, "no relations between actors", ha="center", va="center")

        seen = {(e.family, e.directed) for e in edges}
        lines_seen = {e.line for e in edges}
        edge_legend = [
            Line2D(
                [],
                [],
                color=family.colour,
                lw=1.6 * family.width,
                marker=">"
                if family.head == "-|>"
                else (
                    "|" if family.head.startswith("-[") else ("4" if family.head == "->" else None)
                ),
                markevery=[-1],
                label=family.words,
            )
            for name, family in FAMILIES.items()
            if (name, True) in seen or (name, False) in seen
        ]
        edge_legend += [
            Line2D(
                [],
                [],
                color="#444444",
                lw=1.4,
                ls=(0, line.dashes) if line.dashes else "-",
                alpha=line.alpha,
                label=line.words,
            )
            for name, line in LINES.items()
            if name in lines_seen and len(lines_seen) > 1
        ]
        camp_legend = figure.legend(
            handles=legend_handles,
            loc="upper left",
            bbox_to_anchor=(plot_w / figure_w, 1 - title_h / figure_h),
            title="Camps",
            frameon=False,
            fontsize=8,
            markerscale=0.6 if actors <= 60 else 1.0,
            alignment="left",
        )
        line_legend = figure.legend(
            handles=edge_legend,
            loc="lower left",
            bbox_to_anchor=(plot_w / figure_w, 0.02),
            title=f"Relations ({network.number_of_edges()})",
            frameon=False,
            fontsize=8,
            alignment="left",
        )
        for legend in (camp_legend, line_legend):
            for legend_text in legend.get_texts():
                legend_text.set_parse_math(False)
        if actors > len(labelled):
            figure.text(
                0.01,
                1 - (title_h - 0.05) / figure_h,
                f"{len(labelled)} of {actors} actors named: those with the most partners "
                "(the others in the SVG's tooltips and the HTML page)",
                fontsize=8,
                color="#555555",
                va="top",
            )
        buffer = io.BytesIO()
        if fmt == "png":
            figure.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
            content = buffer.getvalue()
        else:
            figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "conflict-kg"})
            content = _add_titles(buffer.getvalue(), edge_titles, node_titles)
    return Drawing(content, tuple(labelled))


def draw(
    network: nx.MultiDiGraph,
    camps: Sequence[Camp],
    path_or_format: Path | str,
    *,
    title: str | None = None,
) -> bytes:
    """The network as a PNG or SVG picture: the bytes of :func:`draw_picture`."""
    return draw_picture(network, camps, path_or_format, title=title).content


# ---------------------------------------------------------------------------------------
# The interactive page


def page_data(
    network: nx.MultiDiGraph,
    camps: Sequence[Camp],
    *,
    titles: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """What the HTML page embeds: nodes with their camp, colour, start position and whether
    they are named without hovering, edges with their family, line, period, status, kinds of
    support, opponents and sources, and the camps' legend."""
    titles = titles or {}
    positions = layout(network)
    camp_of = camp_numbers(camps)
    colour_of = node_colours(camps, network)
    named = set(to_label(network))
    degree = partners(network)
    nodes = [
        {
            "iri": node,
            "label": _label(network, node),
            "camp": camp_of.get(node),
            "colour": colour_of.get(node, OTHER_CAMP_COLOUR),
            "x": positions[node][0],
            "y": positions[node][1],
            "degree": network.degree(node),
            "partners": degree[node],
            "labelled": node in named,
        }
        for node in sorted(network, key=lambda n: (_label(network, n).casefold(), n))
    ]
    edges = []
    for u, v, data in _sorted_edges(network):
        documents = list(data.get("documents") or [])
        quotes = list(data.get("quotes") or [])
        sources = [
            {
                "document": document,
                "title": titles.get(document) or compact(document),
                "quote": quotes[i] if i < len(quotes) else "",
            }
            for i, document in enumerate(documents)
        ]
        edges.append(
            {
                "source": u,
                "target": v,
                "kind": str(data.get("kind", "")),
                "family": edge_family(data),
                "line": edge_line(data),
                "directed": bool(data.get("directed")),
                "sign": int(data.get("sign", 1)),
                "status": str(data.get("status") or ""),
                "standing": str(data.get("standing") or ""),
                "standing_text": str(data.get("standing_text") or data.get("standing") or ""),
                "start": data.get("start"),
                "end": data.get("end"),
                "start_day": data.get("start_day"),
                "end_day": data.get("end_day"),
                # still recorded where its dataset stops: the page's date does not end it
                "open": bool(data.get("open_at_coverage_end")),
                "support": list(data.get("support") or []),
                "against": list(data.get("against") or []),
                "sources": sources,
            }
        )
    camp_rows = [
        {
            "number": key.numbers[0] if key.colour != OTHER_CAMP_COLOUR else None,
            "numbers": list(key.numbers),
            "colour": key.colour,
            "head": key.head,
            "summary": key.summary,
            "labels": sorted(_label(network, a) for a in key.actors),
        }
        for key in camp_keys(camps, network)
    ]
    used = {(e["family"], e["line"]) for e in edges}
    return {
        "nodes": nodes,
        "edges": edges,
        "camps": camp_rows,
        "families": {
            name: {"colour": f.colour, "head": f.head, "width": f.width, "words": f.words}
            for name, f in FAMILIES.items()
            if any(family == name for family, _line in used)
        },
        "lines": {
            name: {"dashes": list(line.dashes), "alpha": line.alpha, "words": line.words}
            for name, line in LINES.items()
        },
        "colours": {"hostile": HOSTILE_COLOUR, "other": OTHER_CAMP_COLOUR},
    }


def script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element: no "<", ">" or "&" that could end the
    element or start a comment, whatever the labels and quotes hold."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


# Each page file opens with a comment saying its job; the comment stays out of the page, so
# the page holds exactly what its policy hashes. Text mode reads a CRLF checkout as LF: the
# same page, and the same hashes, on every system.
PAGE_FILES = Path(__file__).resolve().parent / "plot_page"
_HEADER_ENDS = {".html": "-->\n", ".css": "*/\n", ".js": "*/\n"}


@functools.cache
def page_file(name: str) -> str:
    """The text of ``kg/plot_page/NAME`` (page.html, plot.css, plot.js) without its
    opening comment."""
    path = PAGE_FILES / name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise OutputError(f"{path}: missing from this installation ({error.strerror})") from error
    header, found, body = text.partition(_HEADER_ENDS[path.suffix])
    if not found or not header.lstrip().startswith(("<!--", "/*")):
        raise OutputError(f"{path}: does not open with its header comment")
    return body


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def html_page(
    network: nx.MultiDiGraph,
    camps: Sequence[Camp],
    *,
    titles: Mapping[str, str] | None = None,
    title: str = "Actor network",
    note: str = "",
) -> str:
    """One self-contained interactive HTML page of the network: drag nodes, zoom and pan,
    hover or click an edge for its sources, filter by kind of relation and by date.

    ``titles`` names source documents by IRI; ``note`` says what the network holds (as of
    which day). Every script and style is inside the page, which requests nothing.
    """
    data = script_json(page_data(network, camps, titles=titles))
    style, script = page_file("plot.css"), page_file("plot.js")
    policy = (
        "default-src 'none'; "
        f"script-src {_csp_hash(script)}; style-src {_csp_hash(style)}; "
        "img-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'"
    )
    return (
        page_file("page.html")
        .replace("@POLICY@", html.escape(policy, quote=True))
        .replace("@TITLE@", html.escape(title))
        .replace("@NOTE@", html.escape(note))
        .replace("@STYLE@", style)
        .replace("@SCRIPT@", script)
        .replace("@DATA@", data)
    )


class _PageReader(HTMLParser):
    """Collects what :func:`check_page` looks at in a written page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.in_data = False
        self.data = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        self.in_data = tag == "script" and found.get("id") == "kg-data"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_data = False

    def handle_data(self, data: str) -> None:
        if self.in_data:
            self.data += data


def check_page(path: Path) -> None:
    """Raise ValueError unless the file at ``path`` is a page of ours: it parses, holds its
    data as JSON, and no element refers to anything outside it."""
    reader = _PageReader()
    reader.feed(path.read_text(encoding="utf-8"))
    reader.close()
    for tag, attrs in reader.tags:
        for name in ("src", "href", "action", "srcset", "data", "poster"):
            if attrs.get(name):
                raise ValueError(f"<{tag} {name}=...> refers outside the page")
    if not reader.data:
        raise ValueError("the page has no embedded data")
    body = json.loads(reader.data)
    if not isinstance(body, dict) or "nodes" not in body:
        raise ValueError("the embedded data have no nodes")


def check_svg(path: Path) -> None:
    """Raise unless the file at ``path`` is an SVG document."""
    root = ElementTree.parse(path).getroot()
    if not root.tag.endswith("}svg") and root.tag != "svg":
        raise ValueError(f"the root element is {root.tag}, not svg")


def check_png(path: Path) -> None:
    """Raise ValueError unless the file at ``path`` starts with the PNG signature."""
    with path.open("rb") as handle:
        if handle.read(len(PNG_SIGNATURE)) != PNG_SIGNATURE:
            raise ValueError("no PNG signature")


CHECKS: dict[str, Callable[[Path], None]] = {"png": check_png, "svg": check_svg, "html": check_page}


def document_titles(kg: KnowledgeGraph) -> dict[str, str]:
    """The title of each source document, with its date: "Eighth round ... (2017-12-21)"."""
    titles: dict[str, str] = {}
    for row in kg.select("stats-sources").rows:
        source = str(row["source"])
        title = str(row["title"]) if row["title"] is not None else compact(source)
        titles[source] = f"{title} ({row['date']})" if row["date"] is not None else title
    return titles


def render_picture(
    network: nx.MultiDiGraph,
    fmt: str,
    *,
    titles: Mapping[str, str] | None = None,
    title: str = "Actor network",
    note: str = "",
) -> Drawing:
    """The picture of ``network`` in ``fmt`` (png, svg, html), its camps found here, and the
    actors it names (on the page: without hovering)."""
    found, _camp_of, _left = network_camps(network)
    if fmt == "html":
        page = html_page(network, found, titles=titles, title=title, note=note)
        return Drawing(page.encode("utf-8"), tuple(to_label(network)))
    heading = f"{title} ({note})" if note else title
    return draw_picture(network, found, fmt, title=heading)


def render(
    network: nx.MultiDiGraph,
    fmt: str,
    *,
    titles: Mapping[str, str] | None = None,
    title: str = "Actor network",
    note: str = "",
) -> bytes:
    """The bytes of :func:`render_picture`."""
    return render_picture(network, fmt, titles=titles, title=title, note=note).content


def focus(
    network: nx.MultiDiGraph,
    *,
    actor: str | None = None,
    hops: int = 1,
    top: int | None = None,
) -> nx.MultiDiGraph:
    """The part of ``network`` a picture shows: ``actor``'s neighbourhood of ``hops`` ties
    (an IRI), then, of what is left, the ``top`` most central actors."""
    if actor is not None:
        network = neighbourhood(network, actor, hops)
    if top is not None:
        network = most_central(network, top)
    return network


def plot_to_file(
    kg: KnowledgeGraph,
    path: Path,
    *,
    as_of: When | date | None = None,
    include_ended: bool = False,
    scope: Scope | Filter | None = None,
    left: LeftOut | None = None,
    actor: str | None = None,
    hops: int = 1,
    top: int | None = None,
) -> Picture:
    """Draw the actor network of ``kg`` (as of ``as_of``, of the relations in ``scope``:
    a conflict, a country, a source, a kind) to ``path``: PNG, SVG or HTML after its
    extension; the relations left out by the date and the scope are counted in ``left``.
    ``actor`` (a name or IRI, resolved as the reports do) keeps its neighbourhood of
    ``hops`` ties, ``top`` the most central actors. The file is replaced atomically,
    checked first."""
    fmt = picture_format(path)
    began = time.perf_counter()
    drawing, shown, whole = picture(
        kg,
        fmt,
        as_of=as_of,
        include_ended=include_ended,
        scope=scope,
        left=left,
        actor=actor,
        hops=hops,
        top=top,
    )
    seconds = time.perf_counter() - began
    write_atomically(path, drawing.content, check=CHECKS[fmt])
    return Picture(
        path=path,
        format=fmt,
        size=len(drawing.content),
        actors=shown.number_of_nodes(),
        relations=shown.number_of_edges(),
        seconds=round(seconds, 3),
        labelled=len(drawing.labelled),
        named=drawing.labelled,
        left_out_actors=whole.number_of_nodes() - shown.number_of_nodes(),
        left_out_relations=whole.number_of_edges() - shown.number_of_edges(),
    )


def picture(
    kg: KnowledgeGraph,
    fmt: str,
    *,
    as_of: When | date | None = None,
    include_ended: bool = False,
    scope: Scope | Filter | None = None,
    left: LeftOut | None = None,
    actor: str | None = None,
    hops: int = 1,
    top: int | None = None,
    most: int | None = None,
) -> tuple[Drawing, nx.MultiDiGraph, nx.MultiDiGraph]:
    """The picture :func:`plot_to_file` draws, in ``fmt`` (png, svg, html), with the
    network it shows and the whole network of the date and scope. Without ``top``, a
    network of more than ``most`` actors is cut to the ``most`` most central (kg serve's
    page: a picture of thousands of actors says nothing), and the picture's note says so."""
    from kg.actors import resolve

    named = resolve(kg, actor) if actor is not None else None
    chosen = scoped(kg, scope)
    whole = project(kg, as_of=as_of, include_ended=include_ended, scope=chosen, left=left)
    shown = focus(whole, actor=str(named.iri) if named else None, hops=hops, top=top)
    if top is None and most is not None and shown.number_of_nodes() > most:
        top = most
        shown = focus(shown, top=most)
    if named is not None and not shown.nodes[str(named.iri)].get("label"):
        shown.nodes[str(named.iri)]["label"] = named.label
    when = as_when(as_of)
    if when is not None:
        # a year, a month or a day as it was given; a period of --during
        note = when.phrase
    elif include_ended:
        note = "every relation, ended ones too"
    else:
        note = "relations that have not ended"
    if chosen is not None:
        note += f"; {chosen.describe()}"
    if named is not None:
        ties = f"tie{'s' if hops != 1 else ''}"
        note += f"; {isolated(named.label)} and the actors within {hops} {ties}"
    if top is not None:
        note += f"; the {top} actors with the most partners"
    drawing = render_picture(shown, fmt, titles=document_titles(kg), note=note)
    return drawing, shown, whole
