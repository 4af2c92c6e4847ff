/* Search and sort for the services table. Offline, no dependencies; the table works without it.
 *
 * index.html holds the first page of services as HTML (the rest are on services-page-N.html for
 * browsers without JavaScript). services-data.js (loaded before this file) sets
 * window.SEALREG_SERVICES to every service of the release; the table is then rebuilt from it, so
 * search and sort cover all services. Text goes in with textContent only, never as markup.
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
  var data = window.SEALREG_SERVICES;
  var rows;

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

  /* Badges, statuses and flags link to their entry on the methodology page (glossary.py anchors). */
  var GLOSSARY = "methodology.html#";
  /* Statuses whose levels are not in force (rows.py NOT_IN_FORCE): their badges are greyed. */
  var NOT_IN_FORCE = ["suspended", "revoked"];

  function badge(prefix, level) {
    return level === null ? el("span", { "class": "badge" }, "\u2014")
      : el("a", { "class": "badge lvl-" + level, href: GLOSSARY + prefix.toLowerCase() + "-" + level },
        prefix + "-" + level);
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

  function cell(tag, label, child, value, cls) {
    var node = tag === "th" ? el(tag, { scope: "row", "data-label": label }) : el(tag, { "data-label": label });
    if (value !== undefined) { node.setAttribute("data-value", String(value)); }
    if (cls) { node.className = cls; }
    node.appendChild(child);
    return node;
  }

  /* One row, the same markup as the server writes (site.py _service_rows). */
  function buildRow(d) {
    var tr = document.createElement("tr");
    if (NOT_IN_FORCE.indexOf(d[9]) !== -1) { tr.className = "not-in-force"; }
    tr.appendChild(cell("th", "Service", link(d[0], d[1])));
    tr.appendChild(cell("td", "Provider", link(d[2], d[3])));
    tr.appendChild(cell("td", "Country", document.createTextNode(d[4])));
    tr.appendChild(cell("td", "Score", document.createTextNode(d[6]), d[5], "num"));
    tr.appendChild(cell("td", "SEAL", badge("SEAL", d[7]), d[7] === null ? -1 : d[7]));
    tr.appendChild(cell("td", "UAL", badge("UAL", d[8]), d[8] === null ? -1 : d[8]));
    tr.appendChild(cell("td", "Status", el("a", {
      "class": "status status-" + d[9], href: GLOSSARY + "status-" + d[9].replace(/_/g, "-")
    }, d[10])));
    tr.appendChild(cell("td", "Open source", el("span", { "class": "oss oss-" + d[13] }, d[14])));
    tr.setAttribute("data-open-source", d[13]);
    var flags = document.createDocumentFragment();
    if (d[12]) {
      flags.appendChild(el("span", { "class": "flag-count" }, String(d[12])));
      if (d[11]) {
        flags.appendChild(document.createTextNode(" "));
        flags.appendChild(flagLinks(d[11]));
      }
    } else {
      flags.appendChild(document.createTextNode("0"));
    }
    tr.appendChild(cell("td", "Flags", flags, d[12]));
    return tr;
  }

  if (Array.isArray(data)) {
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
    var d = Array.isArray(data) ? data[i] : null;
    var text = d ? [d[1], d[3], d[4], d[9], d[11], d[13], d[15], d[16], d[17], d[18], d[20]].join(" ")
      : Array.prototype.map.call(row.cells, function (c) { return c.textContent; }).join(" ");
    row.sealregWords = words(text);
    row.sealregFacets = d ? {
      status: d[9], seal: String(d[7]), ual: String(d[8]), model: d[16],
      flag: d[11] ? d[11].split(", ") : [], flagCount: d[12], tcc: d[19] === true ? "yes" : (d[19] === false ? "no" : "unknown")
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
  if (facetBox && Array.isArray(data)) {
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
        && (!facet || row.getAttribute("data-open-source") === "open_source")
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
    var cell = row.cells[index];
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim();
    return kind === "number" ? parseFloat(raw) : raw.toLowerCase();
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
