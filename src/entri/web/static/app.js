// Entri web app: the editor's keyboard loop and cell actions. Plain JS, no framework.
(function () {
  "use strict";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  document.addEventListener("htmx:beforeSwap", function (e) {
    // Show refusals (4xx) where the answer would go instead of dropping them.
    if (e.detail.xhr.status >= 400) { e.detail.shouldSwap = true; e.detail.isError = false; }
  });

  var editor = document.getElementById("editor");
  var help = document.getElementById("help");
  function openHelp() { if (help && !help.open) help.showModal(); }
  document.addEventListener("click", function (e) {
    if (e.target.closest(".do-help")) openHelp();
  });
  if (!editor) return;
  var base = editor.dataset.base;
  var current = null; // the focused cell (td)
  var panelFor = "";
  var checkTimer = null;

  function post(path, data) {
    var body = new URLSearchParams();
    Object.keys(data).forEach(function (k) {
      var v = data[k];
      if (Array.isArray(v)) v.forEach(function (x) { body.append(k, x); });
      else if (v !== null && v !== undefined) body.append(k, v);
    });
    return fetch(base + path, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, "Content-Type": "application/x-www-form-urlencoded" }
    }).then(function (r) { return r.text().then(function (t) { return { ok: r.ok, status: r.status, html: t }; }); });
  }
  function parse(html) { var t = document.createElement("template"); t.innerHTML = html.trim(); return t.content; }
  function cellOf(el) { return el && el.closest ? el.closest("td.cell") : null; }
  function draftOf(cell) {
    var data = { key: cell.dataset.key, language: cell.dataset.lang };
    var areas = cell.querySelectorAll("textarea.draft");
    if (areas.length && areas[0].dataset.cat) {
      data.form_cat = []; data.form_text = [];
      areas.forEach(function (a) { data.form_cat.push(a.dataset.cat); data.form_text.push(a.value); });
    } else if (areas.length) { data.value = areas[0].value; }
    return data;
  }
  function showChecks(cell, html) { var box = cell.querySelector(".checks"); if (box) box.innerHTML = html; }
  function replaceCell(cell, html) {
    var fresh = parse(html).firstElementChild;
    cell.replaceWith(fresh);
    return fresh;
  }
  function cells() { return Array.prototype.slice.call(editor.querySelectorAll("td.cell")); }
  function focusCell(cell) {
    if (!cell) return false;
    var target = cell.querySelector("textarea.draft") || cell.querySelector(".value") || cell.querySelector("button");
    if (target) { target.focus(); if (target.select && target.value !== undefined) target.setSelectionRange(target.value.length, target.value.length); }
    return true;
  }
  function sameColumn(cell) { return cells().filter(function (c) { return c.dataset.lang === cell.dataset.lang; }); }
  function nextNeedingWork(cell) {
    var col = sameColumn(cell), i = col.indexOf(cell);
    for (var j = i + 1; j < col.length; j++) if (col[j].dataset.needsWork === "1") return col[j];
    for (j = 0; j < i; j++) if (col[j].dataset.needsWork === "1") return col[j];
    return null;
  }
  function step(cell, delta) { var col = sameColumn(cell); return col[col.indexOf(cell) + delta] || null; }

  function loadPanel(cell) {
    var id = cell.dataset.key + "/" + cell.dataset.lang;
    if (id === panelFor) return;
    panelFor = id;
    var url = base + "/panel?key=" + encodeURIComponent(cell.dataset.key) + "&language=" + encodeURIComponent(cell.dataset.lang);
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
      if (panelFor !== id) return;
      document.getElementById("panel").innerHTML = html;
      numberCandidates();
    });
  }
  function numberCandidates() {
    document.querySelectorAll("#panel .candidate").forEach(function (li, i) {
      var n = li.querySelector(".n"); if (n) n.textContent = i < 9 ? "Alt+" + (i + 1) : "";
    });
  }
  function scheduleCheck(cell) {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(function () {
      post("/check", draftOf(cell)).then(function (r) { showChecks(cell, r.html); });
    }, 250);
  }
  function save(cell, andNext) {
    var data = draftOf(cell); data.version = cell.dataset.version;
    return post("/save", data).then(function (r) {
      if (!r.ok) { showChecks(cell, r.html); return null; }
      var fresh = replaceCell(cell, r.html);
      panelFor = "";
      if (andNext) {
        var next = nextNeedingWork(fresh);
        if (!next) { announce("No more untranslated or failing strings on this page"); focusCell(fresh); }
        else focusCell(next);
      } else focusCell(fresh);
      return fresh;
    });
  }
  function setStatus(cell, status) {
    post("/status", { key: cell.dataset.key, language: cell.dataset.lang, status: status, version: cell.dataset.version })
      .then(function (r) {
        if (!r.ok) { showChecks(cell, r.html); return; }
        var fresh = replaceCell(cell, r.html); panelFor = "";
        var next = nextOf(fresh); focusCell(next || fresh);
      });
  }
  function nextOf(cell) { return step(cell, 1); }
  function announce(text) { var s = document.querySelector('[role="status"]'); if (s) s.textContent = text; }
  function insertAt(area, text) {
    var s = area.selectionStart, e = area.selectionEnd;
    area.value = area.value.slice(0, s) + text + area.value.slice(e);
    area.setSelectionRange(s + text.length, s + text.length);
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }
  function takeCandidate(n) {
    var li = document.querySelectorAll("#panel .candidate")[n - 1];
    var area = document.activeElement;
    if (!li || !area || !area.matches("textarea.draft")) return;
    area.value = li.dataset.text;
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }
  function placeholder(cell, n) {
    var row = cell.closest("tr");
    var mark = row && row.querySelector('td.source mark.ph[data-n="' + n + '"]');
    var area = document.activeElement;
    if (mark && area && area.matches("textarea.draft")) insertAt(area, mark.textContent);
  }
  function aiTranslate(cell) {
    var status = document.getElementById("ai-status");
    if (status) status.textContent = "Translating…";
    post("/ai", { key: cell.dataset.key, language: cell.dataset.lang }).then(function (r) {
      var list = document.getElementById("candidates");
      if (status) status.textContent = "";
      if (!r.ok || r.html.indexOf('class="error"') >= 0) { if (status) status.innerHTML = r.html; return; }
      if (list) { list.insertBefore(parse(r.html), list.firstChild); numberCandidates(); }
      var none = document.getElementById("no-candidates"); if (none) none.remove();
    });
  }

  editor.addEventListener("focusin", function (e) {
    var cell = cellOf(e.target);
    if (cell) { current = cell; loadPanel(cell); }
  });
  editor.addEventListener("input", function (e) {
    if (e.target.matches("textarea.draft")) scheduleCheck(cellOf(e.target));
  });
  document.addEventListener("click", function (e) {
    var b = e.target.closest("button"); if (!b) return;
    var cell = cellOf(b) || current;
    if (b.classList.contains("do-save") && cell) save(cell, false);
    else if (b.classList.contains("do-status") && cell) setStatus(cell, b.dataset.set);
    else if (b.classList.contains("do-ai") && current) aiTranslate(current);
    else if (b.classList.contains("do-revert") && current) {
      post("/revert", { key: current.dataset.key, language: current.dataset.lang, history: b.dataset.history })
        .then(function (r) { if (r.ok) { current = replaceCell(current, r.html); panelFor = ""; focusCell(current); } else showChecks(current, r.html); });
    }
  });
  document.addEventListener("keydown", function (e) {
    var inText = e.target.matches && e.target.matches("input, textarea, select");
    if (e.key === "?" && !inText) { e.preventDefault(); openHelp(); return; }
    var cell = cellOf(e.target) || current;
    if (!cell) return;
    var ctrl = e.ctrlKey || e.metaKey;
    if (ctrl && e.key === "Enter") { e.preventDefault(); if (editor.dataset.canEdit === "1") save(cell, true); return; }
    var digit = /^Digit([1-9])$/.exec(e.code || "");
    if (digit && e.altKey && !ctrl) { e.preventDefault(); takeCandidate(+digit[1]); return; }
    if (digit && ctrl && !e.altKey) { e.preventDefault(); placeholder(cell, +digit[1]); return; }
    if (e.altKey && !ctrl) {
      var k = (e.code || "").replace("Key", "");
      if (e.key === "ArrowDown") { e.preventDefault(); focusCell(step(cell, 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); focusCell(step(cell, -1)); }
      else if (k === "R" && editor.dataset.canReview === "1") { e.preventDefault(); setStatus(cell, "reviewed"); }
      else if (k === "A" && editor.dataset.canReview === "1") { e.preventDefault(); setStatus(cell, "approved"); }
      else if (k === "X" && editor.dataset.canReview === "1") { e.preventDefault(); setStatus(cell, "translated"); }
      else if (k === "T" && editor.dataset.canEdit === "1") { e.preventDefault(); aiTranslate(cell); }
      else if (k === "O" && e.target.matches("textarea.draft")) {
        e.preventDefault();
        var src = cell.closest("tr").querySelector("td.source .src-text");
        if (src) { e.target.value = src.textContent; e.target.dispatchEvent(new Event("input", { bubbles: true })); }
      }
    }
  });
  // Start on the first string that needs work.
  var first = cells().filter(function (c) { return c.dataset.needsWork === "1"; })[0] || cells()[0];
  if (first && !document.querySelector("#f-q:focus")) focusCell(first);
})();
