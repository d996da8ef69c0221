/* Draw a chart from its JSON spec (vega-embed, SVG), name it for screen readers by its figure's title and
   caption, announce its sliders' values, keep its tooltip on screen, and wire its "Download the data (CSV)" button. */
window.wsSpecs = {};
/* vega-tooltip falls back to above-left of the pointer when no corner fits, off the screen on a phone. */
window.wsKeepTooltipOnScreen = function () {
  if (window.wsTooltipWatched) return;
  window.wsTooltipWatched = true;
  var clamp = function (tip) {
    var r = tip.getBoundingClientRect(), left = parseFloat(tip.style.left) || 0, top = parseFloat(tip.style.top) || 0;
    var x = Math.max(4, Math.min(left, left + (window.innerWidth - 4 - r.right)));
    var y = Math.max(4, Math.min(top, top + (window.innerHeight - 4 - r.bottom)));
    if (x !== left) tip.style.left = x + "px";
    if (y !== top) tip.style.top = y + "px";
  };
  var watch = function () {
    var tip = document.getElementById("vg-tooltip-element");
    if (!tip || tip.dataset.wsWatched) return;
    tip.dataset.wsWatched = "1";
    new MutationObserver(function () { clamp(tip); }).observe(tip, {attributes: true, attributeFilter: ["style"]});
  };
  new MutationObserver(watch).observe(document.body, {childList: true});
};
window.wsChart = function (id) {
  var el = document.getElementById(id + "-spec");
  var spec = JSON.parse(el.textContent);
  window.wsSpecs[id] = spec;
  vegaEmbed("#" + id, spec, {"actions": false, "renderer": "svg"}).then(function () {
    window.wsKeepTooltipOnScreen();
    var svg = document.querySelector("#" + id + " svg");
    if (svg) {
      svg.setAttribute("role", "img");
      if (document.getElementById(id + "-title")) svg.setAttribute("aria-labelledby", id + "-title");
      else svg.setAttribute("aria-label", spec.description || "chart");
      if (document.getElementById(id + "-caption")) svg.setAttribute("aria-describedby", id + "-caption");
    }
    document.querySelectorAll("#" + id + " .vega-bind input + span").forEach(function (v) { v.setAttribute("aria-live", "polite"); });
  });
};
window.wsChartRows = function (id, name) {
  var sets = (window.wsSpecs[id] || {}).datasets || {};
  if (name && sets[name]) return sets[name];
  var best = [];
  Object.keys(sets).sort().forEach(function (k) { if (sets[k].length > best.length) best = sets[k]; });
  return best;
};
window.wsCsv = function (rows) {
  var cols = [];
  rows.forEach(function (r) { Object.keys(r).forEach(function (k) { if (cols.indexOf(k) < 0) cols.push(k); }); });
  var cell = function (v) {
    if (v === null || v === undefined) return "";
    var s = String(v);
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  };
  return [cols.map(cell).join(",")].concat(rows.map(function (r) { return cols.map(function (c) { return cell(r[c]); }).join(","); })).join("\n") + "\n";
};
document.addEventListener("click", function (e) {
  var b = e.target.closest ? e.target.closest(".ws-download") : null;
  if (!b) return;
  var blob = new Blob([wsCsv(wsChartRows(b.dataset.chart, b.dataset.dataset))], {type: "text/csv"});
  var a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = b.dataset.file;
  document.body.appendChild(a);
  a.click();
  a.remove();
});
