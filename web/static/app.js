// On a narrow screen the search filters start folded, so the results come first (the list works
// without this file: the filters are then simply open).
(function () {
  "use strict";
  var panel = document.querySelector(".facet-panel");
  if (panel && window.matchMedia("(max-width: 52rem)").matches) { panel.open = false; }
})();

// Progressive enhancement of the barrier form: likely duplicates and recognised citations while
// typing. The form works without this file; the server repeats the duplicate check on submit.
(function () {
  "use strict";
  var form = document.getElementById("drempelformulier");
  if (!form) { return; }
  var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var title = document.getElementById("veld-title");
  var description = document.getElementById("veld-description");
  var regulations = document.getElementById("veld-regulations");
  var dupBox = document.getElementById("dubbels");
  var citeBox = document.getElementById("citaten");
  var timer = null;

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token, "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (r) { return r.ok ? r.json() : null; });
  }

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function showDuplicates(data) {
    if (!data) { return; }
    dupBox.replaceChildren();
    var likely = data.candidates.filter(function (c) { return c.likely; });
    var others = data.candidates.filter(function (c) { return !c.likely && c.score >= 0.2; });
    if (likely.length) {
      var warn = el("div", null, { "class": "warning duplicate-warning" });
      warn.appendChild(el("h3", "Deze drempel staat misschien al in het register"));
      var list = el("ul");
      likely.forEach(function (c) {
        var li = el("li");
        li.appendChild(el("a", c.code + " " + c.title, { href: "/drempels/" + encodeURIComponent(c.code) }));
        li.appendChild(document.createTextNode(" (gelijkenis " + Math.round(c.score * 100) + "%, kans op dubbel " +
                                               Math.round(c.confidence * 100) + "%)"));
        list.appendChild(li);
      });
      warn.appendChild(list);
      dupBox.appendChild(warn);
    }
    if (others.length) {
      dupBox.appendChild(el("p", "Verwant:", { "class": "hint" }));
      var rest = el("ul");
      others.forEach(function (c) {
        var li = el("li");
        li.appendChild(el("a", c.code + " " + c.title, { href: "/drempels/" + encodeURIComponent(c.code) }));
        rest.appendChild(li);
      });
      dupBox.appendChild(rest);
    }
  }

  function addCitation(raw) {
    var lines = regulations.value.split("\n").map(function (l) { return l.trim(); }).filter(Boolean);
    if (lines.indexOf(raw) === -1) { lines.push(raw); }
    regulations.value = lines.join("\n");
  }

  function showCitations(data) {
    if (!data) { return; }
    citeBox.replaceChildren();
    if (!data.citations.length) { return; }
    citeBox.appendChild(el("h3", "Herkende citaten"));
    var list = el("ul", null, { "class": "citations" });
    data.citations.forEach(function (c) {
      var li = el("li");
      if (c.resolved && c.ref) {
        var parts = c.ref.split(":");
        var href = "/regelgeving/" + encodeURIComponent(parts[0]) + (parts[1] ? "/artikels/" + encodeURIComponent(parts[1]) : "");
        li.appendChild(el("a", c.label, { href: href }));
      } else {
        li.appendChild(document.createTextNode(c.raw + " (niet in het register)"));
      }
      var button = el("button", "Toevoegen aan regelgeving", { type: "button", "class": "button small secondary" });
      button.addEventListener("click", function () { addCitation(c.raw); button.textContent = "Toegevoegd"; });
      li.appendChild(document.createTextNode(" "));
      li.appendChild(button);
      list.appendChild(li);
    });
    citeBox.appendChild(list);
  }

  function check() {
    var t = title.value.trim(), d = description.value.trim();
    if (t.length + d.length < 12) { return; }
    post("/api/check-duplicate", { title: t, description: d }).then(showDuplicates).catch(function () {});
    post("/api/citations", { text: d }).then(showCitations).catch(function () {});
  }

  function schedule() { clearTimeout(timer); timer = setTimeout(check, 450); }
  title.addEventListener("input", schedule);
  description.addEventListener("input", schedule);
  if (title.value || description.value) { schedule(); }
})();

// Brief builder (/nota): the number of selected barriers follows the filters as they change.
// Without this script the "Aantal bijwerken" button does the same with a page load.
(function () {
  "use strict";
  var form = document.getElementById("nota-filters");
  var out = document.getElementById("nota-telling");
  if (!form || !out) { return; }
  var timer = null;
  function update() {
    var query = new URLSearchParams(new FormData(form)).toString();
    fetch("/api/nota?" + query, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var errors = Object.keys(data.errors || {}).map(function (k) { return k + ": " + data.errors[k]; });
        var strong = document.createElement("strong");
        strong.textContent = String(data.count);
        out.textContent = "";
        out.appendChild(strong);
        out.appendChild(document.createTextNode(errors.length ? " drempels geselecteerd; " + errors.join("; ")
          : " drempel" + (data.count === 1 ? "" : "s") + " geselecteerd: " + data.selection_text));
      });
  }
  form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(update, 250); });
})();
