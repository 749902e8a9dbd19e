/* conflict-kg: the script of the interactive page (page.html): draws the network, lets the
   reader drag, zoom, pan and filter, and shows each relation's sources. It builds everything
   from the embedded JSON with createElement and textContent; nothing from the data is parsed
   as markup. kg/plot.py drops this comment, inlines the rest and names its SHA-256 in the
   page's Content-Security-Policy, so the browser runs this script and no other. */

"use strict";
(function () {
  const body = document.body;
  const showError = (message) => {
    const box = document.getElementById("error");
    box.textContent = "This page could not draw the network: " + message;
    box.hidden = false;
    body.dataset.error = message;
  };
  window.addEventListener("error", (event) => showError(String(event.message)));

  const data = JSON.parse(document.getElementById("kg-data").textContent);
  const svg = document.getElementById("canvas");
  const NS = svg.namespaceURI; // the SVG namespace, taken from the page's own <svg>
  const viewport = document.getElementById("viewport");
  const edgeLayer = document.getElementById("edges");
  const nodeLayer = document.getElementById("nodes");
  const tooltip = document.getElementById("tooltip");
  // What the pointer is doing, and the tooltip's state.
  let dragging = null;
  let panning = null;
  let pinnedTip = false;
  let activeEdge = null;
  let viewChosen = false; // once the reader zooms, pans or drags, the view stays theirs

  const make = (name, attributes, text) => {
    const element = document.createElement(name);
    for (const [key, value] of Object.entries(attributes || {})) element.setAttribute(key, value);
    if (text !== undefined) element.textContent = text;
    return element;
  };
  const svgMake = (name, attributes, text) => {
    const element = document.createElementNS(NS, name);
    for (const [key, value] of Object.entries(attributes || {})) element.setAttribute(key, value);
    if (text !== undefined) element.textContent = text;
    return element;
  };

  // Heads, one per family of relation that has one: a filled arrow (backing), an open
  // arrow (envoy), a bracket (office).
  const families = data.families;
  const lines = data.lines;
  const markers = document.getElementById("markers");
  const headPath = (head, colour) => {
    if (head === "-|>") return svgMake("path", { d: "M0,0 L10,5 L0,10 z", fill: colour });
    if (head === "->") {
      return svgMake("path", {
        d: "M1,1 L10,5 L1,9", fill: "none", stroke: colour, "stroke-width": "1.6",
      });
    }
    return svgMake("path", {
      d: "M5,0 L9,0 L9,10 L5,10", fill: "none", stroke: colour, "stroke-width": "1.8",
    });
  };
  for (const [name, family] of Object.entries(families)) {
    if (family.head === "-") continue;
    const marker = svgMake("marker", {
      id: "head-" + name, viewBox: "0 0 10 10", refX: "10", refY: "5",
      markerWidth: "9", markerHeight: "9", markerUnits: "userSpaceOnUse",
      orient: "auto-start-reverse",
    });
    marker.appendChild(headPath(family.head, family.colour));
    markers.appendChild(marker);
  }
  const headOf = (e) =>
    e.directed && families[e.family] && families[e.family].head !== "-" ? e.family : null;

  // Nodes: start from the positions computed with the static picture, in pixels.
  const SCALE = 60 * Math.sqrt(Math.max(data.nodes.length, 4));
  const nodes = data.nodes.map((n, i) => ({
    ...n, index: i, x: n.x * SCALE, y: -n.y * SCALE, vx: 0, vy: 0,
    r: 6 + 2.2 * Math.sqrt(n.degree), pinned: false,
  }));
  const byIri = new Map(nodes.map((n) => [n.iri, n]));
  const edges = data.edges
    .filter((e) => byIri.has(e.source) && byIri.has(e.target))
    .map((e, i) => ({ ...e, index: i, from: byIri.get(e.source), to: byIri.get(e.target) }));

  // Parallel edges between one pair bend away from each other, less apart when there are
  // many (a dataset's relation year by year).
  const pairCount = new Map();
  const pairTotal = new Map();
  for (const e of edges) {
    const key = [e.source, e.target].sort().join(" ");
    pairTotal.set(key, (pairTotal.get(key) || 0) + 1);
  }
  for (const e of edges) {
    const key = [e.source, e.target].sort().join(" ");
    const nth = pairCount.get(key) || 0;
    pairCount.set(key, nth + 1);
    const step = Math.max(4, 26 / Math.sqrt(pairTotal.get(key)));
    e.bend = nth === 0 ? 0 : step * Math.ceil(nth / 2) * (nth % 2 ? 1 : -1);
    if (e.source > e.target) e.bend = -e.bend;
  }

  for (const e of edges) {
    const family = families[e.family];
    const look = lines[e.line];
    const group = svgMake("g", {
      class: "edge", "data-kind": e.kind, "data-family": e.family, "data-line": e.line,
      "data-index": String(e.index), "data-source": e.source, "data-target": e.target,
      opacity: String(look.alpha),
    });
    const width = 1.8 * family.width;
    const line = svgMake("path", {
      class: "line", stroke: family.colour, "stroke-width": width.toFixed(2),
    });
    if (look.dashes.length) {
      line.setAttribute("stroke-dasharray", look.dashes.map((d) => (d * width).toFixed(1)).join(" "));
    }
    const head = headOf(e);
    if (head) line.setAttribute("marker-end", "url(#head-" + head + ")");
    const hit = svgMake("path", { class: "hit" });
    group.append(line, hit);
    edgeLayer.appendChild(group);
    e.group = group; e.line = line; e.hit = hit;
    group.addEventListener("pointerenter", (event) => showEdge(e, event, false));
    group.addEventListener("pointerleave", () => { if (!pinnedTip) hideTip(); });
    group.addEventListener("click", (event) => {
      event.stopPropagation();
      showEdge(e, event, true);
    });
  }

  for (const n of nodes) {
    const group = svgMake("g", {
      class: n.labelled ? "node labelled" : "node", "data-iri": n.iri,
      "data-camp": n.camp === null ? "" : String(n.camp),
    });
    group.appendChild(svgMake("title", {}, n.label));
    group.appendChild(svgMake("circle", { r: n.r.toFixed(1), fill: n.colour }));
    const below = (n.r + 12).toFixed(1);
    group.appendChild(svgMake("text", { y: below, "text-anchor": "middle" }, n.label));
    nodeLayer.appendChild(group);
    n.group = group;
    group.addEventListener("pointerdown", (event) => startDrag(n, event));
    group.addEventListener("dblclick", (event) => {
      event.stopPropagation(); n.pinned = false; group.classList.remove("pinned"); reheat(0.3);
    });
    group.addEventListener("pointerenter", (event) => {
      if (!pinnedTip && !dragging) showNode(n, event);
    });
    group.addEventListener("pointerleave", () => { if (!pinnedTip) hideTip(); });
  }

  // ---- Drawing -------------------------------------------------------------------
  const point = (x, y) => x.toFixed(1) + "," + y.toFixed(1);
  const draw = () => {
    for (const n of nodes) n.group.setAttribute("transform", "translate(" + point(n.x, n.y) + ")");
    for (const e of edges) {
      if (e.group.classList.contains("hidden")) continue;
      const a = e.from, b = e.to;
      const dx = b.x - a.x, dy = b.y - a.y;
      const length = Math.hypot(dx, dy) || 1;
      const cx = (a.x + b.x) / 2 - (dy / length) * e.bend;
      const cy = (a.y + b.y) / 2 + (dx / length) * e.bend;
      const away = (px, py, qx, qy, r) => {
        const d = Math.hypot(qx - px, qy - py) || 1;
        return [px + ((qx - px) / d) * r, py + ((qy - py) / d) * r];
      };
      const [sx, sy] = away(a.x, a.y, cx, cy, a.r + 1);
      const [tx, ty] = away(b.x, b.y, cx, cy, b.r + (headOf(e) ? 2 : 1));
      const d = "M" + point(sx, sy) + " Q" + point(cx, cy) + " " + point(tx, ty);
      e.line.setAttribute("d", d);
      e.hit.setAttribute("d", d);
    }
  };

  // ---- Force simulation: repulsion between actors, springs along relations ----------
  let alpha = 0.35;
  let running = false;
  const tick = () => {
    const strength = 1800;
    for (let i = 0; i < nodes.length; i++) {
      const a = nodes[i];
      for (let j = i + 1; j < nodes.length; j++) {
        const b = nodes[j];
        let dx = b.x - a.x, dy = b.y - a.y;
        let d2 = dx * dx + dy * dy;
        if (d2 < 1) { dx = (i - j) * 0.1 + 0.5; dy = 0.5; d2 = 1; }
        if (d2 > 250000) continue;
        const f = (strength * alpha) / d2;
        a.vx -= dx * f; a.vy -= dy * f; b.vx += dx * f; b.vy += dy * f;
      }
    }
    for (const e of edges) {
      const a = e.from, b = e.to;
      if (a === b) continue;
      const dx = b.x - a.x, dy = b.y - a.y;
      const d = Math.hypot(dx, dy) || 1;
      const rest = e.family === "structural" ? 60 : 110;
      const f = ((d - rest) / d) * 0.04 * alpha;
      a.vx += dx * f; a.vy += dy * f; b.vx -= dx * f; b.vy -= dy * f;
    }
    for (const n of nodes) {
      n.vx -= n.x * 0.002 * alpha; n.vy -= n.y * 0.002 * alpha;
      if (n.pinned || n === dragging) { n.vx = 0; n.vy = 0; continue; }
      n.vx *= 0.6; n.vy *= 0.6;
      n.x += Math.max(-30, Math.min(30, n.vx));
      n.y += Math.max(-30, Math.min(30, n.vy));
    }
    alpha *= 0.97;
  };
  const frame = () => {
    tick();
    if (!viewChosen) fit();
    draw();
    if (alpha > 0.005 || dragging) window.requestAnimationFrame(frame);
    else running = false;
  };
  const reheat = (level) => {
    alpha = Math.max(alpha, level);
    if (!running) { running = true; window.requestAnimationFrame(frame); }
  };

  // ---- Zoom and pan --------------------------------------------------------------
  const view = { x: 0, y: 0, k: 1 };
  // Names keep a readable size when the view shrinks to fit hundreds of actors.
  const applyView = () => {
    viewport.setAttribute(
      "transform", "translate(" + point(view.x, view.y) + ") scale(" + view.k.toFixed(4) + ")");
    const size = 11 / Math.max(Math.min(view.k, 1), 0.5);
    nodeLayer.style.setProperty("--label-size", size.toFixed(1) + "px");
  };
  const fit = () => {
    const box = svg.getBoundingClientRect();
    const width = box.width || 800, height = box.height || 600;
    if (!nodes.length) { view.x = width / 2; view.y = height / 2; view.k = 1; applyView(); return; }
    const xs = nodes.map((n) => n.x), ys = nodes.map((n) => n.y);
    const minX = Math.min(...xs) - 60, maxX = Math.max(...xs) + 60;
    const minY = Math.min(...ys) - 40, maxY = Math.max(...ys) + 50;
    view.k = Math.min(width / (maxX - minX), height / (maxY - minY), 2);
    view.x = width / 2 - view.k * (minX + maxX) / 2;
    view.y = height / 2 - view.k * (minY + maxY) / 2;
    applyView();
  };
  const local = (event) => {
    const box = svg.getBoundingClientRect();
    return [event.clientX - box.left, event.clientY - box.top];
  };
  svg.addEventListener("wheel", (event) => {
    event.preventDefault();
    const [mx, my] = local(event);
    const k = Math.min(8, Math.max(0.1, view.k * Math.exp(-event.deltaY * 0.0015)));
    view.x = mx - ((mx - view.x) * k) / view.k;
    view.y = my - ((my - view.y) * k) / view.k;
    view.k = k;
    viewChosen = true;
    applyView();
  }, { passive: false });
  const capture = (event) => {
    try { svg.setPointerCapture(event.pointerId); } catch (error) { /* pointer already gone */ }
  };

  const startDrag = (n, event) => {
    event.stopPropagation();
    event.preventDefault();
    dragging = n;
    viewChosen = true;
    hideTip();
    capture(event);
    reheat(0.2);
  };
  svg.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    panning = { x: event.clientX, y: event.clientY, vx: view.x, vy: view.y };
    svg.classList.add("panning");
    capture(event);
  });
  svg.addEventListener("pointermove", (event) => {
    if (dragging) {
      const [mx, my] = local(event);
      dragging.x = (mx - view.x) / view.k;
      dragging.y = (my - view.y) / view.k;
      dragging.pinned = true;
      dragging.group.classList.add("pinned");
      draw();
    } else if (panning) {
      view.x = panning.vx + event.clientX - panning.x;
      view.y = panning.vy + event.clientY - panning.y;
      viewChosen = true;
      applyView();
    }
  });
  const release = () => {
    if (dragging) reheat(0.1);
    dragging = null; panning = null;
    svg.classList.remove("panning");
  };
  svg.addEventListener("pointerup", release);
  svg.addEventListener("pointercancel", release);
  svg.addEventListener("click", () => { pinnedTip = false; hideTip(); });

  // ---- Tooltips: every text from the data goes in as textContent ---------------------
  const period = (e) => {
    if (e.family === "structural") return "(a structural link: no period)";
    if (!e.start && !e.end) return e.standing === "ended" ? "ended; dates not given" : "not given";
    if (e.start && e.end) return e.start + " to " + e.end;
    return e.start ? "since " + e.start : "until " + e.end;
  };
  const place = (event) => {
    const stage = tooltip.parentElement.getBoundingClientRect();
    let left = event.clientX - stage.left + 14, top = event.clientY - stage.top + 14;
    tooltip.hidden = false;
    const width = tooltip.offsetWidth, height = tooltip.offsetHeight;
    if (left + width > stage.width) left = Math.max(0, stage.width - width - 4);
    if (top + height > stage.height) top = Math.max(0, event.clientY - stage.top - height - 10);
    tooltip.style.left = left + "px";
    tooltip.style.top = top + "px";
  };
  const hideTip = () => {
    tooltip.hidden = true;
    if (activeEdge) activeEdge.group.classList.remove("active");
    activeEdge = null;
  };
  const row = (list, term, value) => list.append(make("dt", {}, term), make("dd", {}, value));
  const showEdge = (e, event, pin) => {
    if (dragging) return;
    hideTip();
    pinnedTip = pin;
    activeEdge = e;
    e.group.classList.add("active");
    tooltip.replaceChildren();
    tooltip.appendChild(make("h3", {}, e.from.label + " " + e.kind + " " + e.to.label));
    const list = make("dl");
    row(list, "kind", e.kind + (e.directed ? "" : " (both ways)"));
    row(list, "period", period(e));
    // as the reports say it: "last recorded 2017 (end of coverage)", "not known after 2017"
    const words = e.standing_text || e.standing;
    const standing = e.standing && e.standing !== "current" && e.standing !== e.status
      ? ", " + words : "";
    row(list, "status", e.status + standing);
    if (e.support.length) row(list, "support", e.support.join(", "));
    if (e.against.length) row(list, "against", e.against.join(", "));
    row(list, "sources", String(e.sources.length));
    tooltip.appendChild(list);
    if (e.sources.length) {
      const sources = make("ol");
      for (const s of e.sources) {
        const item = make("li");
        item.appendChild(make("div", { class: "document" }, s.title));
        if (s.quote) item.appendChild(make("blockquote", {}, "\u201c" + s.quote + "\u201d"));
        sources.appendChild(item);
      }
      tooltip.appendChild(sources);
    }
    place(event);
  };
  const showNode = (n, event) => {
    hideTip();
    tooltip.replaceChildren(
      make("h3", {}, n.label),
      make("div", {}, (n.camp === null ? "no camp" : "camp " + n.camp) + "; " + n.partners +
        (n.partners === 1 ? " partner" : " partners")),
      make("div", { class: "help" }, n.iri),
    );
    place(event);
  };

  // ---- Filters: kinds of relation and a date ----------------------------------------
  const kindBox = document.getElementById("kinds");
  const kinds = [...new Set(edges.map((e) => e.kind))].sort();
  const enabled = new Set(kinds);
  for (const kind of kinds) {
    const count = edges.filter((e) => e.kind === kind).length;
    const box = make("input", { type: "checkbox", "data-kind": kind });
    box.checked = true;
    box.addEventListener("change", () => {
      if (box.checked) enabled.add(kind); else enabled.delete(kind);
      filter();
    });
    const label = make("label");
    label.append(box, document.createTextNode(" " + kind + " (" + count + ")"));
    kindBox.appendChild(label);
  }
  const dateInput = document.getElementById("as-of");
  const days = edges.flatMap((e) => [e.start_day, e.end_day]).filter(Boolean).sort();
  if (days.length) {
    dateInput.min = days[0];
    // a relation still recorded where its dataset stops has no last day to stop at
    if (!edges.some((e) => e.open)) dateInput.max = days[days.length - 1];
  }
  const filter = () => {
    const day = dateInput.value;
    let shown = 0;
    const busy = new Set();
    for (const e of edges) {
      const visible = enabled.has(e.kind) &&
        (!day || ((!e.start_day || e.start_day <= day) &&
                  (!e.end_day || e.open || e.end_day >= day)));
      e.group.classList.toggle("hidden", !visible);
      if (visible) { shown++; busy.add(e.from); busy.add(e.to); }
    }
    for (const n of nodes) n.group.classList.toggle("idle", !busy.has(n));
    document.getElementById("shown").textContent =
      "showing " + shown + " of " + edges.length + " relations";
    body.dataset.visibleEdges = String(shown);
    hideTip();
    draw();
  };
  dateInput.addEventListener("input", filter);
  document.getElementById("all-dates").addEventListener("click", () => {
    dateInput.value = ""; filter();
  });
  document.getElementById("fit").addEventListener("click", () => { viewChosen = false; fit(); });

  // ---- Legends ------------------------------------------------------------------
  const campList = document.getElementById("camps");
  for (const camp of data.camps) {
    const item = make("li", { "data-camp": camp.number === null ? "other" : String(camp.number) });
    const swatch = make("span", { class: "swatch" });
    swatch.style.background = camp.colour;
    const text = make("span", {}, camp.head + ": " + camp.summary);
    text.title = camp.labels.join(", ");
    item.append(swatch, text);
    campList.appendChild(item);
  }
  const lineList = document.getElementById("lines");
  const sampleLine = (colour, dashes, alpha, head) => {
    const sample = svgMake("svg", { width: "36", height: "12", viewBox: "0 0 36 12" });
    const line = svgMake("path", {
      d: "M2,6 L32,6", stroke: colour, "stroke-width": "2", fill: "none", opacity: String(alpha),
    });
    if (dashes.length) line.setAttribute("stroke-dasharray", dashes.map((d) => d * 2).join(" "));
    if (head) line.setAttribute("marker-end", "url(#head-" + head + ")");
    sample.appendChild(line);
    return sample;
  };
  for (const [name, family] of Object.entries(families)) {
    const item = make("li", { "data-family": name });
    item.append(sampleLine(family.colour, [], 1, family.head === "-" ? null : name),
      make("span", {}, family.words));
    lineList.appendChild(item);
  }
  for (const [name, look] of Object.entries(lines)) {
    const item = make("li", { "data-line": name });
    item.append(sampleLine("#444", look.dashes, look.alpha, null), make("span", {}, look.words));
    lineList.appendChild(item);
  }

  // ---- Search: any part of an actor's name; the actors found, their ties and partners
  // stand out, the rest fades ------------------------------------------------------
  const searchBox = document.getElementById("search");
  const searchResult = document.getElementById("search-result");
  const matchList = document.getElementById("matches");
  const fold = (text) => text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  for (const n of nodes) n.folded = fold(n.label);
  const centre = (n) => {
    const box = svg.getBoundingClientRect();
    view.k = Math.max(view.k, 1);
    view.x = (box.width || 800) / 2 - n.x * view.k;
    view.y = (box.height || 600) / 2 - n.y * view.k;
    viewChosen = true;
    applyView();
  };
  const search = () => {
    const wanted = fold(searchBox.value.trim());
    const found = wanted ? nodes.filter((n) => n.folded.includes(wanted)) : [];
    const hit = new Set(found);
    const near = new Set();
    for (const e of edges) {
      const tie = hit.has(e.from) || hit.has(e.to);
      e.group.classList.toggle("tie", tie);
      if (tie) { near.add(e.from); near.add(e.to); }
    }
    for (const n of nodes) {
      n.group.classList.toggle("match", hit.has(n));
      n.group.classList.toggle("near", !hit.has(n) && near.has(n));
    }
    svg.classList.toggle("searching", wanted !== "");
    matchList.replaceChildren();
    for (const n of found.slice(0, 12)) {
      const button = make("button", { type: "button", "data-iri": n.iri }, n.label);
      button.addEventListener("click", () => centre(n));
      matchList.appendChild(make("li")).appendChild(button);
    }
    searchResult.textContent = !wanted ? "" : !found.length
      ? "no actor's name holds \u201c" + searchBox.value.trim() + "\u201d"
      : found.length + (found.length === 1 ? " actor" : " actors") +
        (found.length > 12 ? " (the first 12 listed)" : "");
    body.dataset.matches = String(found.length);
    if (found.length === 1) centre(found[0]);
  };
  searchBox.addEventListener("input", search);
  searchBox.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      const first = nodes.find((n) => n.group.classList.contains("match"));
      if (first) centre(first);
    }
  });

  // Count what the page loads (it should load nothing): the tests read this.
  body.dataset.requests = "0";
  if (window.PerformanceObserver) {
    let requests = 0;
    new PerformanceObserver((list) => {
      requests += list.getEntries().length;
      body.dataset.requests = String(requests);
    }).observe({ type: "resource", buffered: true });
  }

  filter();
  fit();
  draw();
  body.dataset.nodeCount = String(nodeLayer.querySelectorAll(".node").length);
  body.dataset.edgeCount = String(edgeLayer.querySelectorAll(".edge").length);
  body.dataset.rendered = "true";
  reheat(alpha);
})();
