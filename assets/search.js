// Offline search over the index in search-index.js (window.SPEC_SEARCH):
// every term must appear in an entry's title or text; titles rank first.
(function () {
  "use strict";
  var index = window.SPEC_SEARCH || [];
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var summary = document.getElementById("summary");
  if (!input || !list || !summary) return;
  function terms(q) {
    return q.toLowerCase().split(/\s+/).filter(function (t) { return t.length > 0; });
  }
  function render(q) {
    var ts = terms(q);
    while (list.firstChild) list.removeChild(list.firstChild);
    if (ts.length === 0) { summary.textContent = index.length + " entries to search."; return; }
    var hits = [];
    for (var i = 0; i < index.length; i++) {
      var e = index[i], title = e.t.toLowerCase(), text = e.x.toLowerCase(), score = 0, ok = true;
      for (var j = 0; j < ts.length; j++) {
        if (title.indexOf(ts[j]) >= 0) score += 3;
        else if (text.indexOf(ts[j]) >= 0) score += 1;
        else { ok = false; break; }
      }
      if (ok) hits.push({ e: e, s: score, i: i });
    }
    hits.sort(function (a, b) { return b.s - a.s || a.i - b.i; });
    summary.textContent = hits.length + (hits.length === 1 ? " result" : " results") + " for “" + q + "”.";
    hits.slice(0, 200).forEach(function (h) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = h.e.u;
      a.textContent = h.e.t;
      li.appendChild(a);
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = h.e.k;
      li.appendChild(kind);
      var snip = document.createElement("span");
      snip.className = "snippet";
      snip.textContent = h.e.x.length > 160 ? h.e.x.slice(0, 160) + "…" : h.e.x;
      li.appendChild(snip);
      list.appendChild(li);
    });
  }
  var params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  input.addEventListener("input", function () { render(input.value); });
  render(input.value);
})();
