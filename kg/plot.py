"""Pictures of the actor network: PNG and SVG drawn with matplotlib, and one self-contained
interactive HTML page.

Both read the network built by :func:`kg.network.project` and the camps of
:func:`kg.metrics.camps`, and style each edge from its own data, never from its kind's name:

- colour of a node: its camp (a legend lists the camps with their best-connected members);
- ``sign`` -1 (hostility): a dashed red line;
- ``directed`` (backing, holding office, envoy): an arrow from the first actor to the second;
- undirected and cooperative (alliance): a plain line;
- ``status`` "structural" (an agency part of its state, a delegation of its sender): lighter.

The layout is deterministic (Kamada-Kawai from a circle, each part of a disconnected network
laid out on its own), so the same data gives the same picture. The HTML page starts from the
same positions and lets the reader drag, zoom and filter; it holds every script, style and
datum inside the file and loads nothing: its Content-Security-Policy forbids any request and
runs only its own script (by hash), and the data are inserted as text, never as markup.
The page's template, style and script are files of their own in ``kg/plot_page/``
(page.html, plot.css, plot.js), inlined into each page written.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import io
import json
import math
import textwrap
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import networkx as nx

from kg.errors import OutputError
from kg.export import write_atomically
from kg.graph import KnowledgeGraph
from kg.metrics import Camp
from kg.metrics import camps as find_camps
from kg.network import project, signed_graph
from kg.prefixes import compact

# picture format -> extension of the file it is written to
PICTURE_FORMATS: dict[str, str] = {"png": ".png", "svg": ".svg", "html": ".html"}

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# Camp colours: matplotlib's "tab10" without its red, which is kept for hostility.
CAMP_COLOURS = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
]
NO_CAMP_COLOUR = "#d0d0d0"
HOSTILE_COLOUR = "#d62728"
COOPERATIVE_COLOUR = "#4d4d4d"
STRUCTURAL_COLOUR = "#b3b3b3"


@dataclass(frozen=True)
class Picture:
    """What :func:`plot_to_file` wrote."""

    path: Path
    format: str
    size: int  # bytes
    actors: int
    relations: int
    seconds: float  # to lay out and render, without opening the graph


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


def camp_colour(number: int | None) -> str:
    """The colour of camp ``number`` (camps past the palette share its colours)."""
    if number is None:
        return NO_CAMP_COLOUR
    return CAMP_COLOURS[(number - 1) % len(CAMP_COLOURS)]


def edge_style(data: Mapping[str, Any]) -> str:
    """How an edge is drawn: "hostile", "structural" or "cooperative" (arrows come from
    ``directed``, separately)."""
    if int(data.get("sign", 1)) < 0:
        return "hostile"
    if data.get("status") == "structural":
        return "structural"
    return "cooperative"


def _label(network: nx.Graph, node: str) -> str:
    return str(network.nodes[node].get("label") or compact(node))


def layout(network: nx.Graph) -> dict[str, tuple[float, float]]:
    """Positions for every actor, the longer side spanning [-1, 1]; the same network always
    gives the same positions."""
    nodes = sorted(network, key=lambda n: (_label(network, n).casefold(), n))
    if not nodes:
        return {}
    order = {n: i for i, n in enumerate(nodes)}
    simple = nx.Graph()
    simple.add_nodes_from(nodes)
    simple.add_edges_from((u, v) for u, v in network.edges() if u != v)
    # Lay out each connected part on its own (Kamada-Kawai throws unconnected parts far
    # apart), the largest first, then the others in rows beneath it.
    parts = sorted(
        (sorted(p, key=order.__getitem__) for p in nx.connected_components(simple)),
        key=lambda p: (-len(p), order[p[0]]),
    )
    boxes: list[tuple[dict[str, tuple[float, float]], float, float]] = []
    for part in parts:
        if len(part) == 1:
            local = {part[0]: (0.0, 0.0)}
        else:
            raw = nx.kamada_kawai_layout(simple.subgraph(part), pos=nx.circular_layout(part))
            # Kamada-Kawai fills [-1, 1] whatever the size of the part; scale it by its
            # diameter so that a tie is about as long in every part.
            spread = 0.7 * nx.diameter(simple.subgraph(part))
            local = {n: (float(raw[n][0]) * spread, float(raw[n][1]) * spread) for n in part}
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


def _camp_summary(camp: Camp, network: nx.Graph, most: int = 3) -> str:
    """The best-connected members of a camp: "Russia, Syrian government, Iran +10"."""
    members = [a for a in camp.actors if a in network]
    members.sort(key=lambda a: (-network.degree(a), _label(network, a).casefold()))
    names = [_label(network, a) for a in members[:most]]
    rest = len(camp.actors) - len(names)
    return ", ".join(names) + (f" +{rest}" if rest > 0 else "")


# ---------------------------------------------------------------------------------------
# PNG and SVG


def _legend_text(camp: Camp, network: nx.Graph) -> str:
    size = len(camp.actors)
    head = f"camp {camp.number} ({size} actor{'s' if size != 1 else ''})"
    return head + "\n" + textwrap.fill(_camp_summary(camp, network), width=38)


def draw(
    network: nx.MultiDiGraph,
    camps: Sequence[Camp],
    path_or_format: Path | str,
    *,
    title: str | None = None,
) -> bytes:
    """The network as a PNG or SVG picture (the format from a path's extension or given as
    "png" or "svg").

    In the SVG, each edge is a group with the id ``edge-N-STYLE-SHAPE`` (STYLE is hostile,
    cooperative or structural, SHAPE arrow or line), each camp's nodes ``camp-N`` and each
    label ``label-N``; labels are text, not paths.
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
    camp_of = camp_numbers(camps)
    xs = [p[0] for p in positions.values()] or [0.0]
    ys = [p[1] for p in positions.values()] or [0.0]
    pad_x, pad_y = 0.25, 0.14  # room for the labels, which are wider than the dots
    width = max(xs) - min(xs) + 2 * pad_x
    height = max(ys) - min(ys) + 2 * pad_y
    # The longer side of the drawing grows with the number of actors; the legend column
    # on the right has a fixed width.
    side = min(max(7.0, 2.0 * math.sqrt(max(network.number_of_nodes(), 1))), 30.0)
    plot_w, plot_h = side * width / max(width, height), side * height / max(width, height)
    plot_h = max(plot_h, 4.5)
    legend_w, title_h = 3.6, 0.5
    figure_w, figure_h = plot_w + legend_w, plot_h + title_h
    # Labels stay text in the SVG; its ids do not change from one run to the next.
    with matplotlib.rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": "conflict-kg", "font.size": 9}
    ):
        figure = Figure(figsize=(figure_w, figure_h), dpi=100)
        FigureCanvasAgg(figure)
        axes = figure.add_axes((0.0, 0.0, plot_w / figure_w, plot_h / figure_h))
        axes.set_axis_off()
        # Limits in the proportions of the axes, so that a unit is as long across as up.
        units_per_inch = max(width / plot_w, height / plot_h)
        mid_x, mid_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
        axes.set_xlim(mid_x - plot_w * units_per_inch / 2, mid_x + plot_w * units_per_inch / 2)
        axes.set_ylim(mid_y - plot_h * units_per_inch / 2, mid_y + plot_h * units_per_inch / 2)
        if title:
            figure.suptitle(
                title,
                x=0.01,
                y=1 - 0.12 / figure_h,
                ha="left",
                va="top",
                fontsize=12,
                parse_math=False,
            )

        degree = dict(network.degree())
        node_size = {n: 120.0 + 40.0 * degree.get(n, 0) for n in network}  # points squared
        pairs: dict[frozenset[str], int] = {}
        for number, (u, v, data) in enumerate(_sorted_edges(network), start=1):
            if u == v:
                continue
            key = frozenset((u, v))
            nth = pairs.get(key, 0)
            pairs[key] = nth + 1
            # Parallel edges between one pair bend away from each other.
            bend = 0.0 if nth == 0 else 0.18 * ((nth + 1) // 2) * (1 if nth % 2 else -1)
            style = edge_style(data)
            colour = {
                "hostile": HOSTILE_COLOUR,
                "structural": STRUCTURAL_COLOUR,
                "cooperative": COOPERATIVE_COLOUR,
            }[style]
            directed = bool(data.get("directed"))
            arrow = FancyArrowPatch(
                positions[u],
                positions[v],
                arrowstyle="-|>" if directed else "-",
                mutation_scale=14,
                connectionstyle=f"arc3,rad={bend}",
                color=colour,
                linewidth=1.0 if style == "structural" else 1.6,
                linestyle=(0, (5, 3)) if style == "hostile" else "-",
                alpha=0.7 if style == "structural" else 0.95,
                shrinkA=math.sqrt(node_size[u]) / 2 + 2,
                shrinkB=math.sqrt(node_size[v]) / 2 + 2,
                zorder=1,
            )
            arrow.set_gid(f"edge-{number}-{style}-{'arrow' if directed else 'line'}")
            axes.add_patch(arrow)

        legend_handles: list[Any] = []
        shown_camps = [c for c in camps if any(a in network for a in c.actors)]
        for camp in shown_camps:
            members = [a for a in camp.actors if a in network]
            colour = camp_colour(camp.number)
            points = axes.scatter(
                [positions[a][0] for a in members],
                [positions[a][1] for a in members],
                s=[node_size[a] for a in members],
                c=colour,
                edgecolors="white",
                linewidths=1.2,
                zorder=2,
                label=_legend_text(camp, network),
            )
            points.set_gid(f"camp-{camp.number}")
            legend_handles.append(points)
        loose = [n for n in network if n not in camp_of]
        if loose:
            points = axes.scatter(
                [positions[a][0] for a in loose],
                [positions[a][1] for a in loose],
                s=[node_size[a] for a in loose],
                c=NO_CAMP_COLOUR,
                edgecolors="white",
                zorder=2,
                label="no camp",
            )
            points.set_gid("camp-none")
            legend_handles.append(points)

        for number, node in enumerate(
            sorted(network, key=lambda n: (_label(network, n).casefold(), n)), start=1
        ):
            x, y = positions[node]
            text = axes.annotate(
                _label(network, node),
                (x, y),
                xytext=(0, -(math.sqrt(node_size[node]) / 2 + 3)),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=8,
                zorder=3,
                annotation_clip=False,
            )
            text.set_parse_math(False)  # a "$" in a name is a dollar, not TeX
            text.set_gid(f"label-{number}")

        if network.number_of_nodes() == 0:
            axes.text(0, 0, "no relations between actors", ha="center", va="center")

        kinds_directed = any(bool(d.get("directed")) for _u, _v, d in network.edges(data=True))
        edge_legend = [
            Line2D([], [], color=COOPERATIVE_COLOUR, lw=1.6, label="alliance, cooperation"),
            Line2D([], [], color=HOSTILE_COLOUR, lw=1.6, ls=(0, (5, 3)), label="hostility"),
            Line2D([], [], color=STRUCTURAL_COLOUR, lw=1.0, label="structural link"),
        ]
        if kinds_directed:
            edge_legend.insert(
                0,
                Line2D(
                    [],
                    [],
                    color=COOPERATIVE_COLOUR,
                    lw=1.6,
                    marker=">",
                    markevery=[-1],
                    label="backing, office, envoy (arrow)",
                ),
            )
        camp_legend = figure.legend(
            handles=legend_handles,
            loc="upper left",
            bbox_to_anchor=(plot_w / figure_w, 1 - title_h / figure_h),
            title="Camps",
            frameon=False,
            fontsize=8,
            markerscale=0.6,
            alignment="left",
        )
        line_legend = figure.legend(
            handles=edge_legend,
            loc="lower left",
            bbox_to_anchor=(plot_w / figure_w, 0.02),
            title="Relations",
            frameon=False,
            fontsize=8,
            alignment="left",
        )
        for legend in (camp_legend, line_legend):
            for entry in legend.get_texts():
                entry.set_parse_math(False)
        buffer = io.BytesIO()
        if fmt == "png":
            figure.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
        else:
            figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "conflict-kg"})
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------
# The interactive page


def page_data(
    network: nx.MultiDiGraph,
    camps: Sequence[Camp],
    *,
    titles: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """What the HTML page embeds: nodes with their camp and start position, edges with
    their period, status and sources, and the camps."""
    titles = titles or {}
    positions = layout(network)
    camp_of = camp_numbers(camps)
    nodes = [
        {
            "iri": node,
            "label": _label(network, node),
            "camp": camp_of.get(node),
            "colour": camp_colour(camp_of.get(node)),
            "x": positions[node][0],
            "y": positions[node][1],
            "degree": network.degree(node),
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
                "style": edge_style(data),
                "directed": bool(data.get("directed")),
                "sign": int(data.get("sign", 1)),
                "status": str(data.get("status") or ""),
                "standing": str(data.get("standing") or ""),
                "start": data.get("start"),
                "end": data.get("end"),
                "start_day": data.get("start_day"),
                "end_day": data.get("end_day"),
                "sources": sources,
            }
        )
    camp_rows = [
        {
            "number": camp.number,
            "colour": camp_colour(camp.number),
            "summary": _camp_summary(camp, network),
            "labels": list(camp.labels),
        }
        for camp in camps
        if any(a in network for a in camp.actors)
    ]
    return {
        "nodes": nodes,
        "edges": edges,
        "camps": camp_rows,
        "colours": {
            "hostile": HOSTILE_COLOUR,
            "cooperative": COOPERATIVE_COLOUR,
            "structural": STRUCTURAL_COLOUR,
            "none": NO_CAMP_COLOUR,
        },
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


def render(
    network: nx.MultiDiGraph,
    fmt: str,
    *,
    titles: Mapping[str, str] | None = None,
    title: str = "Actor network",
    note: str = "",
) -> bytes:
    """The picture of ``network`` in ``fmt`` (png, svg, html), its camps found here."""
    found, _camp_of, _left = find_camps(signed_graph(network))
    if fmt == "html":
        page = html_page(network, found, titles=titles, title=title, note=note)
        return page.encode("utf-8")
    heading = f"{title} ({note})" if note else title
    return draw(network, found, fmt, title=heading)


def plot_to_file(
    kg: KnowledgeGraph,
    path: Path,
    *,
    as_of: date | None = None,
    include_ended: bool = False,
) -> Picture:
    """Draw the actor network of ``kg`` (as of ``as_of``) to ``path``: PNG, SVG or HTML
    after its extension. The file is replaced atomically, checked first."""
    fmt = picture_format(path)
    began = time.perf_counter()
    network = project(kg, as_of=as_of, include_ended=include_ended)
    if as_of is not None:
        note = f"as of {as_of.isoformat()}"
    elif include_ended:
        note = "every relation, ended ones too"
    else:
        note = "relations that have not ended"
    content = render(network, fmt, titles=document_titles(kg), note=note)
    seconds = time.perf_counter() - began
    write_atomically(path, content, check=CHECKS[fmt])
    return Picture(
        path=path,
        format=fmt,
        size=len(content),
        actors=network.number_of_nodes(),
        relations=network.number_of_edges(),
        seconds=round(seconds, 3),
    )
