/* conflict-kg: the script of the page `kg serve` shows at / (index.html).

   One page with hash routes, so that every view can be bookmarked and shared:
     #/ or #/search?q=TEXT      find actors by any of their names
     #/actor/ID[?as_of=DATE]    an actor and all its relations, with their sources
     #/backers?FILTERS          who backs whom (the table of `kg report backers`)
     #/network?FILTERS          the network of `kg plot`, in a frame
     #/validation               the SHACL validation of the data
   It asks the server's JSON API (api/...) and builds every element with createElement and
   textContent: labels and quotes come from sources and may hold markup, which must stay text.
   The server's Content-Security-Policy allows only this file as script. While it waits for
   the server, body[data-busy] counts what is under way (the tests wait for "0"). */

"use strict";
(function () {
  const body = document.body;
  const $ = (id) => document.getElementById(id);
  const ACTOR_NAMESPACE = "https://w3id.org/conflict-kg/id/";
  const DATE = /^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$/;
  // The filters kept in the hash, in the order they are written there. "country" and "top"
  // have no field on the page but pass through from a shared link.
  const FILTERS = ["of", "by", "actor", "hops", "as_of", "include_ended", "conflict",
    "country", "kind", "source", "top"];
  const REPEATED = new Set(["conflict", "country", "kind", "source"]);
  const BACKERS_PARAMS = ["of", "by", "as_of", "include_ended", "conflict", "country", "kind",
    "source"];
  const PLOT_PARAMS = ["as_of", "include_ended", "conflict", "country", "kind", "source",
    "actor", "hops", "top"];

  // A text from the data that holds a bidirectional control (U+202E turns what follows
  // right to left) goes between U+2068 and U+2069, which end its effect with that text.
  const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
  const isolated = (text) => (BIDI_CONTROL.test(text) ? "\u2068" + text + "\u2069" : text);
  const make = (name, attributes, text) => {
    const element = document.createElement(name);
    for (const [key, value] of Object.entries(attributes || {})) element.setAttribute(key, value);
    if (text !== undefined && text !== null) element.textContent = isolated(String(text));
    return element;
  };
  const clear = (element) => element.replaceChildren();
  const plural = (count, one, many) => count + " " + (count === 1 ? one : many);
  const list = (value) => {
    if (Array.isArray(value)) return value.filter((item) => item !== null && item !== "");
    return value === null || value === undefined || value === "" ? [] : [value];
  };
  const joined = (value) => list(value).map((item) => isolated(String(item))).join(", ");

  // --- what is under way, and the one line of error --------------------------------------

  let busy = 0;
  const setBusy = (delta) => {
    busy += delta;
    body.dataset.busy = String(busy);
  };
  const errorLine = $("error");
  const showError = (message) => {
    errorLine.textContent = message;
    errorLine.hidden = false;
    body.dataset.error = message;
  };
  const clearError = () => {
    errorLine.textContent = "";
    errorLine.hidden = true;
    delete body.dataset.error;
  };
  window.addEventListener("error", (event) => showError("This page failed: " + event.message));
  window.addEventListener("unhandledrejection", (event) => {
    showError("This page failed: " + String(event.reason && event.reason.message || event.reason));
  });

  class ApiError extends Error {}

  /* The JSON the server answers at `path`; an answer that is not 2xx becomes an ApiError with
     the server's one-line message ({"error": ...}). */
  const getJSON = async (path, params) => {
    const query = params ? params.toString() : "";
    const url = path + (query ? "?" + query : "");
    setBusy(1);
    try {
      let response;
      try {
        response = await fetch(url, { headers: { Accept: "application/json" } });
      } catch (failure) {
        throw new ApiError("The server did not answer (" + url + "): " + failure.message);
      }
      const text = await response.text();
      let answer = null;
      try {
        answer = JSON.parse(text);
      } catch (failure) {
        answer = null;
      }
      if (!response.ok) {
        const said = answer && typeof answer.error === "string" ? answer.error : text.trim();
        throw new ApiError(said || response.status + " " + response.statusText);
      }
      if (answer === null) throw new ApiError(url + ": the server's answer is not JSON");
      return answer;
    } finally {
      setBusy(-1);
    }
  };

  // --- links to actors --------------------------------------------------------------------

  const compact = (iri) =>
    iri && iri.startsWith(ACTOR_NAMESPACE) && !iri.slice(ACTOR_NAMESPACE.length).includes("/")
      ? "ck:" + iri.slice(ACTOR_NAMESPACE.length) : iri;
  // ':' and '/' stay readable in the hash; everything else that could end the path is escaped
  const hashPart = (text) => encodeURIComponent(text).replace(/%3A/gi, ":").replace(/%2F/gi, "/");
  const actorHash = (iri) => "#/actor/" + hashPart(compact(iri));
  const actorLink = (iri, label) => {
    const link = make("a", { href: actorHash(iri), class: "actor-link" }, label || compact(iri));
    link.dataset.iri = iri;
    return link;
  };

  /* The sources of a relation: each quote in a blockquote, under it its document's title,
     date and label. */
  const sourcesOf = (sources) => {
    const box = make("div", { class: "sources" });
    for (const source of list(sources)) {
      const figure = make("figure", { class: "source" });
      if (source.quote) {
        figure.append(make("blockquote", { class: "quote", dir: "auto" }, source.quote));
      }
      const caption = make("figcaption");
      if (source.title) caption.append(make("cite", { class: "source-title" }, source.title));
      // The label names the document, with its date when it has one.
      const label = source.label || source.document;
      if (source.date && !(label || "").includes(source.date)) {
        if (caption.childNodes.length) caption.append(", ");
        caption.append(make("time", { datetime: source.date }, source.date));
      }
      if (label) {
        if (caption.childNodes.length) caption.append(" \u00b7 ");
        caption.append(make("span", { class: "source-label" }, label));
      }
      figure.append(caption);
      box.append(figure);
    }
    return box;
  };

  /* A table row whose cells carry their column's name, shown before each value when a narrow
     screen stacks the cells. */
  const row = (table, cells) => {
    const names = [...table.tHead.rows[0].cells].map((th) => th.textContent);
    const tr = make("tr");
    cells.forEach((content, index) => {
      const td = make("td", { "data-label": names[index] || "" });
      if (content instanceof Node) td.append(content);
      else if (content !== null && content !== undefined) td.textContent = isolated(String(content));
      tr.append(td);
    });
    table.tBodies[0].append(tr);
    return tr;
  };

  // --- the route ----------------------------------------------------------------------------

  const route = () => {
    const hash = location.hash.replace(/^#/, "") || "/";
    const at = hash.indexOf("?");
    const path = at < 0 ? hash : hash.slice(0, at);
    return { path, params: new URLSearchParams(at < 0 ? "" : hash.slice(at + 1)) };
  };
  const VIEWS = ["search", "actor", "selection", "validation"];
  let generation = 0; // answers to an earlier view are dropped
  let rendered = null;
  let firstRender = true;

  // Shows the view of `hash`, unless it is shown already: a search or filters that did not
  // change ask nothing new of the server (Enter in a field is its change, then a submit).
  const navigate = (hash, replace) => {
    if ((location.hash || "#/") !== hash) {
      history[replace ? "replaceState" : "pushState"](null, "", hash);
    } else if (rendered === hash) return;
    render();
  };

  const show = (view, heading) => {
    for (const name of VIEWS) $("view-" + name).hidden = name !== view;
    body.dataset.view = heading === "network" || heading === "backers" ? heading : view;
    const current = { search: "nav-search", actor: "nav-search", backers: "nav-backers",
      network: "nav-network", validation: "nav-validation" }[heading || view];
    for (const link of document.querySelectorAll("nav a")) {
      if (link.id === current) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
  };

  // Reading a view's heading out moves the focus there, unless the reader is typing.
  const focusHeading = (id) => {
    const active = document.activeElement;
    if (firstRender || (active && active.closest && active.closest("form"))) return;
    $(id).focus();
  };

  const render = () => {
    const hash = location.hash || "#/";
    rendered = hash;
    body.dataset.route = hash;
    generation += 1;
    const mine = generation;
    const current = () => mine === generation;
    clearError();
    const { path, params } = route();
    let done;
    if (path === "/" || path === "/search") done = renderSearch(params, current);
    else if (path.startsWith("/actor/")) done = renderActor(path.slice(7), params, current);
    else if (path === "/backers") done = renderBackers(params, current);
    else if (path === "/network") done = renderNetwork(params, current);
    else if (path === "/validation") done = renderValidation(current);
    else {
      show("search");
      showError("No such page: " + hash + " (the sections are listed at the top)");
      done = Promise.resolve();
    }
    firstRender = false;
    done.catch((failure) => {
      if (current()) showError(failure instanceof ApiError ? failure.message : String(failure));
    });
  };
  const onHistory = () => {
    if ((location.hash || "#/") !== rendered) render();
  };
  window.addEventListener("hashchange", onHistory);
  window.addEventListener("popstate", onHistory);

  // --- search -------------------------------------------------------------------------------

  const searchBox = $("search");
  let searchTimer = null;
  const searchHash = () => {
    const text = searchBox.value.trim();
    return text ? "#/search?q=" + encodeURIComponent(text) : "#/";
  };
  const searchNow = () => {
    if (searchTimer !== null) {
      clearTimeout(searchTimer);
      searchTimer = null;
      setBusy(-1);
    }
    navigate(searchHash(), body.dataset.view === "search");
  };
  searchBox.addEventListener("input", () => {
    // The debounce counts as under way, so that nothing looks settled before it runs.
    if (searchTimer === null) setBusy(1);
    else clearTimeout(searchTimer);
    searchTimer = setTimeout(searchNow, 250);
  });
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    searchNow();
  });
  searchBox.addEventListener("keydown", (event) => {
    const first = document.querySelector("#matches a");
    if (event.key === "ArrowDown" && first && body.dataset.view === "search") {
      event.preventDefault();
      first.focus();
    }
  });
  $("matches").addEventListener("keydown", (event) => {
    const links = [...document.querySelectorAll("#matches a")];
    const at = links.indexOf(document.activeElement);
    if (at < 0) return;
    if (event.key === "ArrowDown" && at + 1 < links.length) links[at + 1].focus();
    else if (event.key === "ArrowUp") (at > 0 ? links[at - 1] : searchBox).focus();
    else return;
    event.preventDefault();
  });

  const renderSearch = async (params, current) => {
    show("search");
    document.title = "conflict-kg";
    const text = (params.get("q") || "").trim();
    if (document.activeElement !== searchBox && searchBox.value.trim() !== text) {
      searchBox.value = text;
    }
    const matches = $("matches");
    const count = $("search-count");
    $("overview").hidden = Boolean(text);
    if (!text) {
      clear(matches);
      count.textContent = "Type a name above: an actor is found by its label or by any "
        + "other name the sources give it.";
      await overview();
      return;
    }
    const answer = await getJSON("api/search", new URLSearchParams({ q: text, limit: "50" }));
    if (!current()) return;
    clear(matches);
    const rows = list(answer.rows);
    for (const found of rows) {
      const item = make("li");
      item.append(actorLink(found.actor, found.label));
      const types = joined(found.types).replace(/\bckg:/g, "");
      if (types) item.append(" ", make("span", { class: "types" }, types));
      const names = joined(found.names);
      if (names) item.append(make("span", { class: "names" }, "also: " + names));
      const codes = joined(found.codes);
      if (codes) item.append(make("span", { class: "codes" }, codes));
      matches.append(item);
    }
    count.textContent = rows.length
      ? plural(rows.length, "actor", "actors") + " named \u201c" + text + "\u201d"
      : "No actor's name holds \u201c" + text + "\u201d.";
    for (const note of list(answer.notes)) count.append(make("span", { class: "note" }, note));
  };

  /* What the data holds (api/stats, as `kg stats`), asked once: actors by type, claims by
     kind, and the sources with most claims. */
  const SOURCES_SHOWN = 20;
  let stats = null;
  const overview = () => {
    if (stats === null) {
      stats = getJSON("api/stats").then((answer) => {
        for (const id of ["stats-actors", "stats-claims", "stats-sources"]) {
          clear($(id).tBodies[0]);
        }
        for (const r of list(answer.actors_by_type)) {
          row($("stats-actors"), [r.type_label || compact(r.type), r.actors]);
        }
        for (const r of list(answer.claims_by_kind)) {
          row($("stats-claims"), [r.kind_label || compact(r.kind), r.claims, r.ended, r.alleged,
            r.denied]);
        }
        const sources = [...list(answer.sources)].sort((a, b) => b.claims - a.claims);
        for (const r of sources.slice(0, SOURCES_SHOWN)) {
          row($("stats-sources"), [r.title || compact(r.source), r.date, r.claims]);
        }
        $("stats-more").textContent = sources.length > SOURCES_SHOWN
          ? "and " + plural(sources.length - SOURCES_SHOWN, "source", "sources") + " more" : "";
      }).catch((failure) => {
        stats = null; // asked again next time
        throw failure;
      });
    }
    return stats;
  };

  // --- an actor -----------------------------------------------------------------------------

  const renderActor = async (encoded, params, current) => {
    show("actor");
    let name;
    try {
      name = decodeURIComponent(encoded);
    } catch (failure) {
      name = encoded;
    }
    const query = new URLSearchParams({ actor: name });
    if (params.get("as_of")) query.set("as_of", params.get("as_of"));
    const heading = $("actor-label");
    heading.textContent = name;
    for (const id of ["actor-iri", "relations-count"]) $(id).textContent = "";
    clear($("actor-facts"));
    clear($("offices").tBodies[0]);
    clear($("relations").tBodies[0]);
    const profile = await getJSON("api/actor", query);
    if (!current()) return;
    heading.textContent = isolated(profile.label || compact(profile.actor));
    document.title = heading.textContent + " \u2014 conflict-kg";
    $("actor-iri").textContent = profile.actor;
    body.dataset.actor = profile.actor;

    const facts = $("actor-facts");
    const fact = (term, values) => {
      if (!values.length) return;
      facts.append(make("dt", {}, term));
      const dd = make("dd");
      if (values.length === 1 && !(values[0] instanceof Node)) {
        dd.textContent = isolated(String(values[0]));
      } else {
        const ul = make("ul", { class: "inline" });
        for (const value of values) {
          const li = make("li", { dir: "auto" }); // names in Arabic read right to left
          li.append(value instanceof Node ? value : isolated(String(value)));
          ul.append(li);
        }
        dd.append(ul);
      }
      facts.append(dd);
    };
    fact("types", [joined(profile.types)].filter(Boolean));
    fact("other names", list(profile.names));
    fact("links", list(profile.links));
    const id = compact(profile.actor);
    const see = (hash, text) => make("a", { href: hash }, text);
    fact("see also", [
      see(readable("#/backers?of=" + encodeURIComponent(id)), "who backs it"),
      see(readable("#/backers?by=" + encodeURIComponent(id)), "whom it backs"),
      see(readable("#/network?actor=" + encodeURIComponent(id)), "its network"),
    ]);

    const offices = list(profile.offices);
    $("offices-none").hidden = offices.length > 0;
    $("offices").hidden = offices.length === 0;
    for (const office of offices) {
      row($("offices"), [office.office, actorLink(office.organisation, office.organisation_label),
        office.period, office.status, office.standing, sourcesOf(office.sources)]);
    }

    const relations = list(profile.relations);
    $("relations-count").textContent = relations.length
      ? plural(relations.length, "relation", "relations") + ", in both directions"
      : "No relation recorded.";
    $("relations").hidden = relations.length === 0;
    for (const relation of relations) {
      const what = relation.detail
        ? relation.relation + " (" + relation.detail + ")" : relation.relation;
      const tr = row($("relations"), [what, actorLink(relation.other, relation.other_label),
        relation.period, relation.status, relation.standing, relation.kind,
        sourcesOf(relation.sources)]);
      tr.dataset.direction = relation.direction || "";
      tr.dataset.other = relation.other || "";
    }
    focusHeading("actor-label");
  };

  // --- who backs whom and the network: the filters ----------------------------------------

  const form = $("filters");
  const fields = {
    of: $("of"), by: $("by"), actor: $("around"), hops: $("hops"), as_of: $("as-of"),
    include_ended: $("include-ended"), conflict: $("conflict"), kind: $("kind"),
    source: $("source"),
  };
  let extra = new URLSearchParams(); // filters of a shared link that the page has no field for

  const fillForm = (params) => {
    for (const [key, field] of Object.entries(fields)) {
      if (document.activeElement === field) continue;
      if (field.type === "checkbox") field.checked = ["1", "true", "yes"].includes(params.get(key));
      else if (field.multiple) {
        const chosen = new Set(params.getAll(key));
        for (const option of field.options) option.selected = chosen.has(option.value);
      } else field.value = params.get(key) || "";
    }
    extra = new URLSearchParams();
    for (const key of ["country", "top"]) {
      for (const value of params.getAll(key)) extra.append(key, value);
    }
  };

  const formParams = () => {
    const params = new URLSearchParams();
    for (const key of FILTERS) {
      const field = fields[key];
      if (!field) {
        for (const value of extra.getAll(key)) params.append(key, value);
      } else if (field.type === "checkbox") {
        if (field.checked) params.set(key, "1");
      } else if (field.multiple) {
        for (const option of field.selectedOptions) params.append(key, option.value);
      } else if (field.value.trim()) params.set(key, field.value.trim());
    }
    return params;
  };
  const only = (params, keys) => {
    const kept = new URLSearchParams();
    for (const key of keys) for (const value of params.getAll(key)) kept.append(key, value);
    return kept;
  };
  const selectionView = () => (body.dataset.view === "network" ? "network" : "backers");
  const withQuery = (path, params) => {
    const query = params.toString();
    return path + (query ? "?" + query : "");
  };
  // ':' and '/' may stay as they are in a query: a shared "source=ck:article-004" reads well.
  const readable = (hash) => hash.replace(/%3A/gi, ":").replace(/%2F/gi, "/");
  const applyFilters = (replace) => {
    navigate(readable(withQuery("#/" + selectionView(), formParams())), replace);
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    applyFilters(false);
  });
  $("clear-filters").addEventListener("click", () => {
    fillForm(new URLSearchParams());
    applyFilters(false);
  });
  for (const field of [fields.include_ended, fields.conflict, fields.kind, fields.source,
    fields.of, fields.by, fields.actor, fields.hops, fields.as_of]) {
    field.addEventListener("change", () => applyFilters(true));
  }
  // A date typed in full applies at once (after a pause); a half-typed one waits for Enter
  // or for leaving the field, when the server names what is wrong with it.
  let dateTimer = null;
  fields.as_of.addEventListener("input", () => {
    if (dateTimer !== null) {
      clearTimeout(dateTimer);
      setBusy(-1);
      dateTimer = null;
    }
    const value = fields.as_of.value.trim();
    if (value && !DATE.test(value)) return;
    setBusy(1);
    dateTimer = setTimeout(() => {
      dateTimer = null;
      setBusy(-1);
      applyFilters(true);
    }, 400);
  });

  // The sections' links keep the selection, so that going from the table to the network and
  // back shows the same relations.
  const linkSections = (params) => {
    $("nav-backers").href = readable(withQuery("#/backers", only(params, FILTERS)));
    // the network of who backs an actor, or whom it backs, is drawn around that actor
    const network = only(params, FILTERS);
    const around = network.get("of") || network.get("by");
    if (!network.get("actor") && around) network.set("actor", around);
    $("nav-network").href = readable(withQuery("#/network", network));
  };

  const showSelection = (which, params) => {
    show("selection", which);
    $("selection-heading").textContent = which === "network" ? "Network" : "Who backs whom";
    document.title = $("selection-heading").textContent + " \u2014 conflict-kg";
    for (const field of form.querySelectorAll(".field[data-for]")) {
      field.hidden = field.dataset.for !== which;
    }
    $("backers-results").hidden = which !== "backers";
    $("network-results").hidden = which !== "network";
    fillForm(params);
    linkSections(params);
  };

  const renderBackers = async (params, current) => {
    showSelection("backers", params);
    const query = only(params, BACKERS_PARAMS);
    $("download-csv").href = withQuery("api/backers.csv", query);
    $("download-json").href = withQuery("api/backers.json", query);
    const table = $("backers");
    const count = $("backers-count");
    count.textContent = "";
    body.dataset.rows = "";
    clear(table.tBodies[0]);
    clear($("backers-notes"));
    const answer = await getJSON("api/backers", query);
    if (!current()) return;
    const rows = list(answer.rows);
    for (const backing of rows) {
      const periods = list(backing.support_by_period);
      let support = joined(backing.support);
      if (periods.length > 1) {
        support = periods.map((p) => (p.period ? p.period + ": " : "") + joined(p.support))
          .join("; ");
      }
      const tr = row(table, [actorLink(backing.backer, backing.backer_label),
        actorLink(backing.recipient, backing.recipient_label), support,
        joined(backing.against), joined(backing.via), backing.period, backing.status,
        backing.standing, sourcesOf(backing.sources)]);
      tr.dataset.backer = backing.backer;
      tr.dataset.recipient = backing.recipient;
    }
    table.hidden = rows.length === 0;
    count.textContent = rows.length
      ? plural(rows.length, "relation", "relations") + " of backing"
      : "No relation of backing matches these filters.";
    body.dataset.rows = String(rows.length);
    const notes = $("backers-notes");
    for (const note of list(answer.notes)) notes.append(make("li", {}, note));
    focusHeading("selection-heading");
  };

  // --- the network, in a frame ------------------------------------------------------------

  const frame = $("network-frame");
  let framePending = false;
  frame.addEventListener("load", () => {
    if (framePending) {
      framePending = false;
      setBusy(-1);
    }
    // An error of api/plot is JSON, not a page: say it on the error line instead.
    let page = null;
    try {
      page = frame.contentDocument;
    } catch (failure) {
      page = null;
    }
    if (page && page.contentType === "application/json") {
      let message = page.body ? page.body.textContent : "";
      try {
        message = JSON.parse(message).error || message;
      } catch (failure) {
        // not JSON after all: the text is the message
      }
      showError(message);
    }
  });

  const renderNetwork = async (params, current) => {
    showSelection("network", params);
    const source = withQuery("api/plot", only(params, PLOT_PARAMS));
    $("network-open").href = source;
    if (frame.getAttribute("src") !== source) {
      if (!framePending) setBusy(1);
      framePending = true;
      frame.src = source;
    }
    if (current()) focusHeading("selection-heading");
  };

  // --- validation -------------------------------------------------------------------------

  const renderValidation = async (current) => {
    show("validation");
    document.title = "Validation \u2014 conflict-kg";
    const summary = $("validation-summary");
    const table = $("violations");
    summary.textContent = "Checking the data against the shapes\u2026";
    delete body.dataset.conforms;
    clear(table.tBodies[0]);
    table.hidden = true;
    const report = await getJSON("api/validation");
    if (!current()) return;
    const results = list(report.results);
    const warnings = Number(report.warnings || 0);
    let text = report.conforms
      ? "The data conforms to the shapes"
      : "The data does not conform to the shapes: "
        + plural(Number(report.violations || 0), "violation", "violations");
    if (warnings) text += (report.conforms ? " (" : ", ") + plural(warnings, "warning", "warnings")
      + (report.conforms ? ")" : "");
    text += ".";
    if (report.checked_at) text += " Checked at " + report.checked_at + ".";
    summary.textContent = text;
    body.dataset.conforms = report.conforms ? "true" : "false";
    for (const result of results) {
      const tr = row(table, [result.severity, result.message, result.focus_node, result.path,
        result.value, result.shape]);
      tr.classList.add(String(result.severity || "").toLowerCase());
    }
    table.hidden = results.length === 0;
    focusHeading("validation-heading");
  };

  // --- the server, and the lists of the filters ------------------------------------------

  /* Fill a list of the filters; `groups` is [[heading, items]...], items texts or
     {id, label}; a heading gives the items an optgroup. */
  const options = (select, groups) => {
    const chosen = new Set([...select.selectedOptions].map((option) => option.value));
    clear(select);
    for (const [heading, items] of groups) {
      if (!items.length) continue;
      const parent = heading ? make("optgroup", { label: heading }) : select;
      for (const item of items) {
        const value = typeof item === "string" ? item : item.id;
        const label = typeof item === "string" ? item : item.label || item.id;
        const option = make("option", { value }, label);
        option.selected = chosen.has(value);
        parent.append(option);
      }
      if (parent !== select) select.append(parent);
    }
  };
  const loadInfo = async () => {
    const info = await getJSON("api/info");
    const parts = [];
    if (info.store) parts.push(info.store + " store");
    if (typeof info.triples === "number") {
      parts.push(info.triples.toLocaleString("en") + " triples");
    }
    if (info.version) parts.push("kg " + info.version);
    $("info").textContent = parts.join(" \u00b7 ");
    options(fields.conflict, [[null, list(info.conflicts)]]);
    const supports = list(info.support_kinds);
    options(fields.kind, supports.length
      ? [["relations", list(info.kinds)], ["kinds of support", supports]]
      : [[null, list(info.kinds)]]);
    options(fields.source, [[null, list(info.sources)]]);
    const { path, params } = route();
    if (path === "/backers" || path === "/network") fillForm(params);
  };

  document.querySelector(".skip").addEventListener("click", (event) => {
    event.preventDefault();
    $("main").focus();
  });

  loadInfo().catch((failure) => showError(failure.message));
  render();
})();
