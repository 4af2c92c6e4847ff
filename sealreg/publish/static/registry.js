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
      flags.appendChild(document.createTextNode(" "));
      flags.appendChild(flagLinks(d[11]));
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
  rows.forEach(function (row, i) {
    row.setAttribute("data-index", String(i));
    var text = Array.prototype.map.call(row.cells, function (c) { return c.textContent; }).join(" ");
    row.setAttribute("data-search", text.replace(/\s+/g, " ").trim().toLowerCase());
  });

  function filter() {
    var q = input.value.trim().toLowerCase();
    var facet = openOnly !== null && openOnly.checked;
    var shown = 0;
    rows.forEach(function (row) {
      var hit = (q === "" || row.getAttribute("data-search").indexOf(q) !== -1)
        && (!facet || row.getAttribute("data-open-source") === "open_source");
      row.hidden = !hit;
      if (hit) { shown += 1; }
    });
    empty.hidden = shown !== 0;
    status.textContent = q === "" && !facet ? "" : "Showing " + shown + " of " + rows.length + " services.";
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
  box.hidden = false;
  table.classList.add("js-sortable");
}());
