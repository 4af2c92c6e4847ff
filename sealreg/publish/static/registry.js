/* Search and sort for the services table. Offline, no dependencies; the table works without it. */
(function () {
  "use strict";
  var table = document.getElementById("services-table");
  if (!table) { return; }
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var box = document.getElementById("search-box");
  var input = document.getElementById("service-search");
  var status = document.getElementById("search-status");
  var empty = document.getElementById("no-results");
  rows.forEach(function (row, i) {
    row.setAttribute("data-index", String(i));
    row.setAttribute("data-search", row.textContent.replace(/\s+/g, " ").toLowerCase());
  });

  function filter() {
    var q = input.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var hit = q === "" || row.getAttribute("data-search").indexOf(q) !== -1;
      row.hidden = !hit;
      if (hit) { shown += 1; }
    });
    empty.hidden = shown !== 0;
    status.textContent = q === "" ? "" : "Showing " + shown + " of " + rows.length + " services.";
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
    rows.sort(function (a, b) {
      var x = cellKey(a, index, kind);
      var y = cellKey(b, index, kind);
      var c = kind === "number" ? x - y : (x < y ? -1 : (x > y ? 1 : 0));
      if (c === 0) { return Number(a.getAttribute("data-index")) - Number(b.getAttribute("data-index")); }
      return sign * c;
    });
    rows.forEach(function (row) { tbody.appendChild(row); });
    status.textContent = "Sorted by " + th.textContent.trim() + ", " + dir + ".";
  }

  Array.prototype.forEach.call(table.querySelectorAll("thead button[data-sort]"), function (button) {
    button.addEventListener("click", function () {
      sortBy(button.parentNode, button.getAttribute("data-sort"));
    });
  });
  input.addEventListener("input", filter);
  box.hidden = false;
  table.classList.add("js-sortable");
}());
