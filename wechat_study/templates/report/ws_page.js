/* Every page: a link or address into a folded table opens it; printing opens every fold; a table wider
   than its box says so above it. */
(function () {
  function reveal(id) {
    var el = id && document.getElementById(decodeURIComponent(id));
    if (!el) return;
    var fold = el.tagName === "DETAILS" ? el : (el.querySelector("details") || el.closest("details"));
    if (fold && !fold.open) fold.open = true;
  }
  function cues() {
    document.querySelectorAll(".ws-table-scroll").forEach(function (s) {
      var over = s.scrollWidth > s.clientWidth + 1;
      var cue = s.previousElementSibling;
      if (!(cue && cue.classList.contains("ws-scroll-cue"))) {
        if (!over) return;
        cue = document.createElement("div");
        cue.className = "ws-scroll-cue";
        cue.setAttribute("aria-hidden", "true");
        cue.textContent = "Scroll sideways for more columns \u2192";
        s.parentNode.insertBefore(cue, s);
      }
      cue.hidden = !over;
    });
  }
  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest('a[href^="#"]') : null;
    if (a) reveal(a.getAttribute("href").slice(1));
  });
  window.addEventListener("hashchange", function () { reveal(location.hash.slice(1)); });
  document.addEventListener("DOMContentLoaded", function () {
    reveal(location.hash.slice(1));
    if (location.hash) { var el = document.getElementById(decodeURIComponent(location.hash.slice(1))); if (el) el.scrollIntoView(); }
    cues();
  });
  window.addEventListener("load", cues);
  window.addEventListener("resize", cues);
  document.addEventListener("toggle", cues, true);
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) { d.open = true; opened.push(d); });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();
