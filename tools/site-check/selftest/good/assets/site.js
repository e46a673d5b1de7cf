// Client-side search over window.SPEC_SEARCH (assets/search-index.js).
// The index is a script, not JSON: fetch() of a local file fails under file://.
(function () {
  var input = document.getElementById('search');
  var out = document.getElementById('search-results');
  if (!input || !out || !window.SPEC_SEARCH) return;
  input.addEventListener('input', function () {
    var q = input.value.trim().toLowerCase();
    out.textContent = '';
    window.SPEC_SEARCH.forEach(function (e) {
      if (!q || e.t.toLowerCase().indexOf(q) < 0) return;
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = e.u;
      a.textContent = e.t;
      li.appendChild(a);
      out.appendChild(li);
    });
  });
})();
