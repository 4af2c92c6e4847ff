/* Search and sort for the services table. Offline, no dependencies; the table works without it.
 *
 * index.html holds the first page of services as HTML (the rest are on services-page-N.html for
 * browsers without JavaScript). services-names.js and services-data.js (loaded before this file) set
 * window.SEALREG_NAMES and window.SEALREG_DATA to every service of the release in a compact form
 * (rows.py search_data): the names, providers and models, and the scores, levels and flags in the same
 * order. The table is then rebuilt from them, so search and sort cover all services; if the two do not
 * belong together (another release's names), the table stays as the server wrote it. Text goes in with
 * textContent only, never as markup.
 */
(function () {
  "use strict";
  var table = document.getElementById("services-table");
  if (!table) { return; }
  var tbody = table.tBodies[0];
  var box = document.getElementById("search-box");
  var input = document.getElementById("service-search");
  var status = document.getElementById("search-status");
  var empty = document.getElementById("no-results");
  var openOnly = document.getElementById("open-source-only");
  var data = expand(window.SEALREG_NAMES, window.SEALREG_DATA);
  var rows;

  /* The compact data as one object per service (field names as used below); null unless the values
   * are those of these names (their key and count). */
  function expand(names, raw) {
    if (!names || !raw || !Array.isArray(names.services) || !Array.isArray(raw.services)
        || names.services.length !== raw.services.length || names.key !== raw.names) { return null; }
    var values = raw.services;
    return names.services.map(function (n, i) {
      var v = values[i];
      var p = names.providers[n[2]];
      var st = raw.statuses[v[3]];
      var oss = names.open_source[n[3]];
      return {
        id: n[0], name: n[1], href: n[5] ? "services/" + n[0] + ".html" : null,
        pid: p[0], provider: p[1], country: p[2], controller: p[3], controllerCountry: p[4], tcc: p[5],
        phref: p[6] ? "providers/" + p[0] + ".html" : null,
        score: v[0], seal: v[1], ual: v[2], status: st[0], statusLabel: st[1], flags: raw.flags[v[4]],
        flagCount: v[5], oss: oss[0], ossLabel: oss[1], model: names.models[n[4]][0]
      };
    });
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    var name;
    for (name in attrs) {
      if (Object.prototype.hasOwnProperty.call(attrs, name)) { node.setAttribute(name, attrs[name]); }
    }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function link(href, text) {
    return href ? el("a", { href: href }, text) : document.createTextNode(text);
  }

  /* Flags link to their entry on the methodology page (glossary.py anchors). */
  var GLOSSARY = "methodology.html#";
  /* Statuses whose levels are not in force (rows.py NOT_IN_FORCE): their badges are greyed. */
  var NOT_IN_FORCE = ["suspended", "revoked"];

  function tag(prefix, level) {
    return level === null ? el("b", { "class": "l" }, "\u2014") : el("b", { "class": "l" + level }, prefix + "-" + level);
  }

  function flagLinks(text) {
    var fragment = document.createDocumentFragment();
    text.split(", ").forEach(function (flag, i) {
      var code = /^W\d+/.exec(flag);
      if (i) { fragment.appendChild(document.createTextNode(", ")); }
      fragment.appendChild(el("a", { href: GLOSSARY + (code ? "flag-" + code[0].toLowerCase() : "flags") }, flag));
    });
    return fragment;
  }

  function cell(tag, child) {
    var node = tag === "th" ? el(tag, { scope: "row" }) : el(tag, {});
    node.appendChild(child);
    return node;
  }

  /* One row, the same markup as the server writes (rows.py service_rows); its numbers to sort by are
   * kept on the row object by column (a row of the server's markup is sorted by its text). */
  function buildRow(d) {
    var tr = document.createElement("tr");
    tr.sealregValues = { 3: d.score === null ? -1 : parseFloat(d.score), 4: d.seal === null ? -1 : d.seal,
      5: d.ual === null ? -1 : d.ual, 8: d.flagCount };
    if (NOT_IN_FORCE.indexOf(d.status) !== -1) { tr.className = "not-in-force"; }
    tr.appendChild(cell("th", link(d.href, d.name)));
    tr.appendChild(cell("td", link(d.phref, d.provider)));
    tr.appendChild(cell("td", document.createTextNode(d.country)));
    tr.appendChild(cell("td", document.createTextNode(d.score === null ? "\u2014" : d.score)));
    tr.appendChild(cell("td", tag("SEAL", d.seal)));
    tr.appendChild(cell("td", tag("UAL", d.ual)));
    tr.appendChild(cell("td", el("b", { "class": "status-" + d.status }, d.statusLabel)));
    tr.appendChild(cell("td", el("span", { "class": "oss-" + d.oss }, d.ossLabel)));
    var flags = document.createDocumentFragment();
    if (d.flagCount) {
      flags.appendChild(el("span", { "class": "flag-count" }, String(d.flagCount)));
      if (d.flags) {
        flags.appendChild(document.createTextNode(" "));
        flags.appendChild(flagLinks(d.flags));
      }
    } else {
      flags.appendChild(document.createTextNode("0"));
    }
    tr.appendChild(cell("td", flags));
    return tr;
  }

  if (data) {
    var fragment = document.createDocumentFragment();
    rows = data.map(function (d) {
      var tr = buildRow(d);
      fragment.appendChild(tr);
      return tr;
    });
    while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
    tbody.appendChild(fragment);
    ["services-pager-top", "services-pager-bottom"].forEach(function (id) {
      var pager = document.getElementById(id);
      if (pager) { pager.hidden = true; }
    });
  } else {
    rows = Array.prototype.slice.call(tbody.rows);
  }
  /* Words of a text, lower-case without accents; ids keep their hyphens and also give their parts. */
  function words(text) {
    var plain = String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    var out = plain.split(/[^a-z0-9_-]+/);
    plain.split(/[^a-z0-9_]+/).forEach(function (w) { if (out.indexOf(w) === -1) { out.push(w); } });
    return out.filter(function (w) { return w !== "" && w !== "-"; });
  }

  /* Query words; "not listed" is the one status of two words and stays one word. */
  function queryWords(text) {
    return words(String(text || "").replace(/\bnot[\s_-]+listed\b/gi, "not_listed")).filter(function (w) {
      return /[a-z0-9]/.test(w);
    });
  }

  rows.forEach(function (row, i) {
    row.setAttribute("data-index", String(i));
    var d = data ? data[i] : null;
    var text = d ? [d.name, d.provider, d.country, d.status, d.flags, d.oss, d.id, d.model, d.controller,
      d.controllerCountry, d.pid].join(" ")
      : Array.prototype.map.call(row.cells, function (c) { return c.textContent; }).join(" ");
    row.sealregWords = words(text);
    row.sealregOpenSource = d ? d.oss === "open_source" : row.querySelector(".oss-open_source") !== null;
    row.sealregFacets = d ? {
      status: d.status, seal: String(d.seal), ual: String(d.ual), model: d.model,
      flag: d.flags ? d.flags.split(", ") : [], flagCount: d.flagCount,
      tcc: d.tcc === true ? "yes" : (d.tcc === false ? "no" : "unknown")
    } : null;
  });

  /* Facets: name, label, options [value, label] (built from the data, so only values that occur). */
  function distinct(key) {
    var seen = {};
    rows.forEach(function (row) {
      var f = row.sealregFacets;
      if (!f) { return; }
      (Array.isArray(f[key]) ? f[key] : [f[key]]).forEach(function (v) { if (v !== "") { seen[v] = true; } });
    });
    return Object.keys(seen).sort();
  }
  var facetDefs = [
    ["status", "Status", distinct("status").map(function (v) { return [v, v.replace(/_/g, " ")]; })],
    ["seal", "SEAL", distinct("seal").map(function (v) { return [v, v === "null" ? "none" : "SEAL-" + v]; })],
    ["ual", "UAL", distinct("ual").map(function (v) { return [v, v === "null" ? "none" : "UAL-" + v]; })],
    ["model", "Model", distinct("model").map(function (v) { return [v, v]; })],
    ["flag", "Flags", [["none", "no flags"], ["any", "any flag"]].concat(
      distinct("flag").map(function (v) { return [v, v]; }))],
    ["tcc", "Third-country control", [["yes", "yes"], ["no", "no"], ["unknown", "unknown"]]]
  ];
  var facets = {};
  var facetBox = document.getElementById("facets");
  if (facetBox && data) {
    facetDefs.forEach(function (def) {
      var id = "facet-" + def[0];
      var wrap = el("span", { "class": "facet-field" });
      wrap.appendChild(el("label", { "for": id }, def[1]));
      var select = el("select", { id: id, "aria-controls": "services-table" });
      select.appendChild(el("option", { value: "" }, "any"));
      def[2].forEach(function (o) { select.appendChild(el("option", { value: o[0] }, o[1])); });
      wrap.appendChild(select);
      facetBox.appendChild(wrap);
      facets[def[0]] = select;
    });
  }

  function facetHit(f, name, want) {
    if (want === "") { return true; }
    if (!f) { return false; }
    if (name === "flag") {
      return want === "none" ? f.flagCount === 0 : (want === "any" ? f.flagCount > 0 : f.flag.indexOf(want) !== -1);
    }
    return f[name] === want;
  }

  function wordHit(row, q) {
    return q.every(function (w) {
      return row.sealregWords.some(function (t) { return t.lastIndexOf(w, 0) === 0; });
    });
  }

  /* The filter as a URL fragment (#q=...&status=...), so it survives a reload and can be shared. */
  function saveState() {
    var parts = [];
    if (input.value.trim() !== "") { parts.push("q=" + encodeURIComponent(input.value.trim())); }
    Object.keys(facets).forEach(function (name) {
      if (facets[name].value !== "") { parts.push(name + "=" + encodeURIComponent(facets[name].value)); }
    });
    if (openOnly !== null && openOnly.checked) { parts.push("oss=1"); }
    var hash = parts.length ? "#" + parts.join("&") : "";
    if (hash !== location.hash && (hash !== "" || location.hash.indexOf("=") !== -1)) {
      history.replaceState(null, "", location.pathname + location.search + hash);
    }
  }

  function restoreState() {
    if (location.hash.indexOf("=") === -1) { return; }
    location.hash.slice(1).split("&").forEach(function (pair) {
      var eq = pair.indexOf("=");
      var name = pair.slice(0, eq);
      var value;
      try { value = decodeURIComponent(pair.slice(eq + 1)); } catch (e) { return; }
      if (name === "q") { input.value = value; }
      else if (name === "oss" && openOnly !== null) { openOnly.checked = value === "1"; }
      else if (Object.prototype.hasOwnProperty.call(facets, name)) {
        var known = Array.prototype.some.call(facets[name].options, function (o) { return o.value === value; });
        if (known) { facets[name].value = value; }
      }
    });
  }

  function filter() {
    var q = queryWords(input.value);
    var facet = openOnly !== null && openOnly.checked;
    var wanted = Object.keys(facets).filter(function (name) { return facets[name].value !== ""; });
    var shown = 0;
    rows.forEach(function (row) {
      var hit = wordHit(row, q)
        && (!facet || row.sealregOpenSource)
        && wanted.every(function (name) { return facetHit(row.sealregFacets, name, facets[name].value); });
      row.hidden = !hit;
      if (hit) { shown += 1; }
    });
    empty.hidden = shown !== 0;
    status.textContent = q.length === 0 && !facet && wanted.length === 0 ? ""
      : "Showing " + shown + " of " + rows.length + " services.";
    saveState();
  }

  function cellKey(row, index, kind) {
    if (kind === "number" && row.sealregValues && index in row.sealregValues) { return row.sealregValues[index]; }
    var raw = row.cells[index].textContent.trim();
    if (kind !== "number") { return raw.toLowerCase(); }
    var n = parseFloat(raw.replace(/^[^0-9-]+/, ""));  /* server rows: "SEAL-3", "2 W1-control", "—" */
    return isNaN(n) ? -1 : n;
  }

  function sortBy(th, kind) {
    var index = th.cellIndex;
    var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
      other.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", dir);
    var sign = dir === "ascending" ? 1 : -1;
    var keyed = rows.map(function (row) {
      return { row: row, key: cellKey(row, index, kind), i: Number(row.getAttribute("data-index")) };
    });
    keyed.sort(function (a, b) {
      var x = a.key;
      var y = b.key;
      var c = kind === "number" ? x - y : (x < y ? -1 : (x > y ? 1 : 0));
      if (c === 0) { return a.i - b.i; }
      return sign * c;
    });
    rows = keyed.map(function (k) { return k.row; });
    var fragment = document.createDocumentFragment();
    rows.forEach(function (row) { fragment.appendChild(row); });
    tbody.appendChild(fragment);
    status.textContent = "Sorted by " + th.textContent.trim() + ", " + dir + ".";
  }

  Array.prototype.forEach.call(table.querySelectorAll("thead button[data-sort]"), function (button) {
    button.addEventListener("click", function () {
      sortBy(button.parentNode, button.getAttribute("data-sort"));
    });
  });
  input.addEventListener("input", filter);
  if (openOnly !== null) { openOnly.addEventListener("change", filter); }
  Object.keys(facets).forEach(function (name) { facets[name].addEventListener("change", filter); });
  box.hidden = false;
  restoreState();
  if (location.hash.indexOf("=") !== -1) { filter(); }
  table.classList.add("js-sortable");
}());
