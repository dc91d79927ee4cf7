// spinscope HTML report: tooltips on hover, focus and click; category and quotation filters.
// Reads the report data from the JSON element #spinscope-data. Builds
// every piece of text with textContent, never innerHTML, so article text cannot become markup.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("spinscope-data").textContent);
  var spans = data.spans;
  var explanations = data.explanations;
  var categories = data.categories;
  var tip = document.getElementById("tip");
  var marks = Array.prototype.slice.call(document.querySelectorAll("mark.hl"));
  var pinned = null;
  var enabled = {};
  categories.forEach(function (c) { enabled[c] = true; });
  var showQuoted = true;
  var showPossible = true;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function visible(i) {
    var s = spans[i];
    return enabled[s.category] && (showQuoted || !s.quoted) && (showPossible || s.tier !== "possible");
  }

  function spanIds(mark) {
    return mark.getAttribute("data-spans").split(" ").map(Number).filter(visible);
  }

  function fill(ids) {
    while (tip.firstChild) { tip.removeChild(tip.firstChild); }
    var close = el("button", "close", "\u00d7");
    close.type = "button";
    close.setAttribute("aria-label", "Close");
    close.addEventListener("click", function () { hide(true); });
    tip.appendChild(close);
    ids.forEach(function (i) {
      var s = spans[i];
      var e = explanations[s.technique] || {};
      var item = el("div", "item");
      item.appendChild(el("div", "head", "[" + (i + 1) + "] " + s.title));
      var sub = s.category + " \u00b7 confidence " + Math.round(s.score * 100) + "%";
      if (s.alternatives && s.alternatives.length) {
        sub += " \u00b7 the model cannot tell this from " + s.alternatives.map(function (t) {
          return (explanations[t] && explanations[t].title) || t;
        }).join(", ");
      }
      if (s.tier === "possible") { sub += " \u00b7 possible (less certain, below the threshold)"; }
      if (s.quoted) { sub += " \u00b7 inside a quotation (said by " + (s.speaker || "an unattributed speaker") + ")"; }
      if (s.scare_quote) { sub += " \u00b7 scare quotes"; }
      item.appendChild(el("div", "sub", sub));
      if (e.what) { item.appendChild(el("div", "what", e.what)); }
      if (e.why) { item.appendChild(el("div", "why", "Why it persuades: " + e.why)); }
      if (e.ask) { item.appendChild(el("div", "ask", "Ask: " + e.ask)); }
      tip.appendChild(item);
    });
  }

  function place(mark) {
    var r = mark.getBoundingClientRect();
    tip.hidden = false;
    var width = tip.offsetWidth;
    var left = Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - width - 8);
    tip.style.left = Math.max(window.scrollX + 8, left) + "px";
    tip.style.top = (window.scrollY + r.bottom + 6) + "px";
  }

  function show(mark) {
    var ids = spanIds(mark);
    if (!ids.length) { return; }
    fill(ids);
    place(mark);
    mark.setAttribute("aria-describedby", "tip");
  }

  function hide(force) {
    if (pinned && !force) { return; }
    if (force && pinned) { pinned.removeAttribute("aria-expanded"); pinned = null; }
    tip.hidden = true;
  }

  marks.forEach(function (mark) {
    mark.addEventListener("mouseenter", function () { if (!pinned) { show(mark); } });
    mark.addEventListener("mouseleave", function () { hide(false); });
    mark.addEventListener("focus", function () { if (!pinned || pinned === mark) { show(mark); } });
    mark.addEventListener("blur", function () { if (!pinned) { hide(false); } });
    mark.addEventListener("click", function (ev) {
      ev.stopPropagation();
      if (pinned === mark) { hide(true); return; }
      if (pinned) { pinned.removeAttribute("aria-expanded"); }
      pinned = mark;
      mark.setAttribute("aria-expanded", "true");
      show(mark);
    });
    mark.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); mark.click(); }
    });
  });
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") { hide(true); } });
  document.addEventListener("click", function (ev) { if (!tip.contains(ev.target)) { hide(true); } });

  function refresh() {
    marks.forEach(function (mark) {
      var ids = spanIds(mark);
      var cls = "hl";
      if (!ids.length) {
        cls += " off";
        mark.setAttribute("tabindex", "-1");
      } else {
        var top = ids.slice().sort(function (a, b) {
          var pa = spans[a].tier === "possible" ? 1 : 0;
          var pb = spans[b].tier === "possible" ? 1 : 0;
          return pa - pb || (spans[a].end - spans[a].start) - (spans[b].end - spans[b].start) || a - b;
        })[0];
        cls += " c" + categories.indexOf(spans[top].category);
        if (spans[top].tier === "possible") { cls += " possible"; }
        else if (ids.length > 1) { cls += " overlap"; }
        if (spans[top].quoted) { cls += " quoted"; }
        mark.setAttribute("tabindex", "0");
      }
      mark.className = cls;
    });
    document.querySelectorAll("[data-span]").forEach(function (node) {
      var on = visible(Number(node.getAttribute("data-span")));
      node.classList.toggle("off", !on);
    });
    hide(true);
  }

  document.querySelectorAll("input[data-category]").forEach(function (box) {
    box.addEventListener("change", function () {
      enabled[box.getAttribute("data-category")] = box.checked;
      refresh();
    });
  });
  var quotedBox = document.getElementById("show-quoted");
  if (quotedBox) {
    quotedBox.addEventListener("change", function () { showQuoted = quotedBox.checked; refresh(); });
  }
  var possibleBox = document.getElementById("show-possible");
  if (possibleBox) {
    possibleBox.addEventListener("change", function () { showPossible = possibleBox.checked; refresh(); });
  }
  document.querySelectorAll("button.jump").forEach(function (button) {
    button.addEventListener("click", function (ev) {
      ev.stopPropagation();
      var target = document.querySelector('.hl[data-first~="' + button.getAttribute("data-target") + '"]');
      if (target) { target.scrollIntoView({ block: "center" }); target.focus(); }
    });
  });
}());
