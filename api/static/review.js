// The review page: search by clause path or term, expand and collapse clauses.
// Plain JavaScript served by this service; it loads nothing else.
(function () {
  "use strict";
  var input = document.getElementById("search");
  var count = document.getElementById("search-count");
  var clauses = Array.prototype.slice.call(document.querySelectorAll("details.clause"));
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.policy"));

  function ownText(clause) {
    var parts = [clause.getAttribute("data-path")];
    for (var i = 0; i < clause.children.length; i++) {
      var child = clause.children[i];
      if (child.tagName === "SUMMARY" || child.classList.contains("clause-body")) {
        parts.push(child.textContent);
      }
    }
    return parts.join("\n").toLowerCase();
  }

  var texts = clauses.map(ownText);

  function ancestors(clause) {
    var found = [];
    var node = clause.parentElement;
    while (node) {
      if (node.matches && node.matches("details.clause")) {
        found.push(node);
      }
      node = node.parentElement;
    }
    return found;
  }

  function apply(term) {
    term = term.trim().toLowerCase();
    clauses.forEach(function (clause) {
      clause.hidden = false;
      clause.classList.remove("match");
    });
    sections.forEach(function (section) {
      section.hidden = false;
    });
    if (!term) {
      count.textContent = "";
      return;
    }
    var keep = new Set();
    var hits = 0;
    clauses.forEach(function (clause, index) {
      var path = clause.getAttribute("data-path").toLowerCase();
      if (path === term || texts[index].indexOf(term) >= 0) {
        hits += 1;
        clause.classList.add("match");
        clause.open = true;
        keep.add(clause);
        ancestors(clause).forEach(function (parent) {
          parent.open = true;
          keep.add(parent);
        });
      }
    });
    clauses.forEach(function (clause) {
      clause.hidden = !keep.has(clause);
    });
    sections.forEach(function (section) {
      section.hidden = !section.querySelector("details.clause.match");
    });
    count.textContent = hits ? "找到 " + hits + " 条条款" : "没有找到";
  }

  function setAll(open) {
    clauses.forEach(function (clause) {
      clause.open = open;
    });
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      apply(input.value);
    }, 150);
  });
  document.getElementById("expand-all").addEventListener("click", function () {
    setAll(true);
  });
  document.getElementById("collapse-all").addEventListener("click", function () {
    setAll(false);
  });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    input.value = query;
    apply(query);
  }
})();

// Recording verdicts: a reviewer marks scenarios 已审核 or 有异议 (one by one, or every scenario of a
// clause at once) and exports them as a review file to commit under features/reviews/. Marks are
// kept in this browser (localStorage) until exported or cleared; nothing is sent anywhere.
(function () {
  "use strict";
  var MARKS = "bingpin-review-marks";
  var META = "bingpin-review-meta";
  var DROPPED = "bingpin-review-dropped";
  var MAX_NOTE = 4000; // as the service reads review files (characters)
  var droppedNotice = document.getElementById("dropped-marks");
  var droppedList = document.getElementById("dropped-list");
  var header = document.querySelector("header");
  var reviewer = document.getElementById("reviewer");
  var reviewedOn = document.getElementById("reviewed-on");
  var markedCount = document.getElementById("marked-count");
  var panel = document.getElementById("export-panel");
  var message = document.getElementById("export-message");
  var output = document.getElementById("export-text");
  var download = document.getElementById("export-download");
  var fingerprints = {};
  var controls = {};

  function setHeaderHeight() {
    document.documentElement.style.setProperty("--header-height", header.offsetHeight + "px");
  }
  setHeaderHeight();
  window.addEventListener("resize", setHeaderHeight);
  if (typeof ResizeObserver === "function") {
    new ResizeObserver(setHeaderHeight).observe(header); // the export panel and notices change it
  }

  function load(key) {
    try {
      return JSON.parse(window.localStorage.getItem(key) || "{}") || {};
    } catch (error) {
      return {};
    }
  }
  function save(key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
    } catch (error) {
      /* storage unavailable: the marks live as long as the page */
    }
  }

  document.querySelectorAll(".scenario[data-fingerprint]").forEach(function (node) {
    var id = node.getAttribute("data-scenario");
    fingerprints[id] = node.getAttribute("data-fingerprint");
    var box = node.querySelector(".verdict");
    if (box) {
      (controls[id] = controls[id] || []).push(box);
    }
  });

  // Marks made on an earlier version of a scenario no longer match what is on the page: they are
  // taken off, and the reviewer is told which, with the notes written, until they dismiss it.
  var marks = load(MARKS);
  var dropped = load(DROPPED);
  Object.keys(marks).forEach(function (id) {
    if (fingerprints[id] !== marks[id].fingerprint) {
      dropped[id] = marks[id];
      delete marks[id];
    }
  });
  save(DROPPED, dropped);
  function showDropped() {
    var ids = Object.keys(dropped).sort();
    droppedNotice.hidden = !ids.length;
    droppedList.textContent = "";
    ids.forEach(function (id) {
      var item = document.createElement("li");
      var mark = dropped[id];
      item.textContent = id + (fingerprints[id] ? "" : "（本页已无此场景）") + "：" + mark.verdict +
        ((mark.note || "").trim() ? "，审核意见：" + mark.note.trim() : "");
      droppedList.appendChild(item);
    });
  }
  showDropped();
  document.getElementById("dropped-close").addEventListener("click", function () {
    dropped = {};
    save(DROPPED, dropped);
    showDropped();
  });
  var meta = load(META);
  reviewer.value = meta.reviewer || "";
  function today() {
    var now = new Date(); // the reviewer's own day, not the day in UTC
    return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
  }
  reviewedOn.value = meta.reviewedOn || today();
  reviewedOn.max = today(); // a later day would outrank every verdict recorded until then

  function show(id) {
    var mark = marks[id] || { verdict: "", note: "" };
    (controls[id] || []).forEach(function (box) {
      box.querySelectorAll("input[type=radio]").forEach(function (radio) {
        radio.checked = radio.value === mark.verdict;
      });
      var note = box.querySelector("textarea");
      if (note !== document.activeElement) {
        note.value = mark.note || "";
      }
      box.classList.toggle("marked", Boolean(mark.verdict));
      box.classList.toggle("invalid", mark.verdict === "有异议" && !(mark.note || "").trim());
    });
  }
  function update() {
    markedCount.textContent = "本次已标记 " + Object.keys(marks).length + " 个场景";
    save(MARKS, marks);
  }
  function setMark(id, verdict, note) {
    if (!verdict) {
      delete marks[id];
    } else {
      marks[id] = { verdict: verdict, note: note, fingerprint: fingerprints[id] };
    }
    show(id);
    update();
  }

  Object.keys(controls).forEach(function (id) {
    show(id);
    controls[id].forEach(function (box) {
      var note = box.querySelector("textarea");
      box.querySelectorAll("input[type=radio]").forEach(function (radio) {
        radio.addEventListener("change", function () {
          setMark(id, radio.value, note.value);
        });
      });
      note.addEventListener("input", function () {
        var verdict = marks[id] ? marks[id].verdict : "";
        if (verdict) {
          setMark(id, verdict, note.value);
        }
      });
    });
  });
  update();

  document.querySelectorAll("button.mark-all").forEach(function (button) {
    button.addEventListener("click", function () {
      var aside = button.closest(".clause-notes");
      aside.querySelectorAll(":scope > .scenario").forEach(function (node) {
        var id = node.getAttribute("data-scenario");
        if (!marks[id] || marks[id].verdict !== "有异议") {
          // a dispute already marked stays: confirming the rest must not overwrite it
          setMark(id, "已审核", marks[id] ? marks[id].note : "");
        }
      });
    });
  });

  function keepMeta() {
    save(META, { reviewer: reviewer.value, reviewedOn: reviewedOn.value });
  }
  reviewer.addEventListener("input", keepMeta);
  reviewedOn.addEventListener("change", keepMeta);

  // A YAML double-quoted scalar: JSON's escapes, plus the characters YAML reads as line breaks or
  // refuses raw (C1 controls, U+FEFF, U+FFFE, U+FFFF), and no lone surrogates.
  function quoted(text) {
    var clean = typeof text.toWellFormed === "function" ? text.toWellFormed() : text;
    return JSON.stringify(clean).replace(/[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, function (c) {
      return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
    });
  }

  function fail(text) {
    message.textContent = text;
    message.className = "error";
    output.value = "";
    download.hidden = true;
    panel.hidden = false;
  }

  document.getElementById("export").addEventListener("click", function () {
    var ids = Object.keys(marks).sort();
    var name = reviewer.value.trim();
    var day = reviewedOn.value;
    if (!ids.length) {
      return fail("尚未标记任何场景。");
    }
    if (!name) {
      return fail("请填写审核人（姓名或职责）。");
    }
    if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(day)) {
      return fail("请填写审核日期。");
    }
    if (day > today()) {
      return fail("审核日期不得晚于今天（" + today() + "）。");
    }
    var missing = ids.filter(function (id) {
      return marks[id].verdict === "有异议" && !(marks[id].note || "").trim();
    });
    if (missing.length) {
      return fail("有异议的场景须写明审核意见：" + missing.join("、"));
    }
    var long = ids.filter(function (id) {
      return Array.from((marks[id].note || "").trim()).length > MAX_NOTE;
    });
    if (long.length) {
      return fail("审核意见不得超过 " + MAX_NOTE + " 字：" + long.join("、"));
    }
    var lines = [
      "# 审核记录：放入特性目录的 reviews/ 下提交（bingpin review check 可先行检查）。",
      "reviewer: " + quoted(name),
      "reviewed_on: " + day,
      "records:"
    ];
    ids.forEach(function (id) {
      lines.push("  - scenario: " + quoted(id));
      lines.push("    verdict: " + marks[id].verdict);
      lines.push("    note: " + quoted((marks[id].note || "").trim()));
      lines.push("    fingerprint: " + marks[id].fingerprint);
    });
    var text = lines.join("\n") + "\n";
    var stamp = new Date().toISOString().slice(11, 19).replace(/:/g, "");
    output.value = text;
    download.hidden = false;
    download.download = day + "-review-" + stamp + ".yaml";
    download.href = URL.createObjectURL(new Blob([text], { type: "application/yaml" }));
    message.textContent = "共 " + ids.length + " 条审核记录。下载文件后放入特性目录的 reviews/ 下提交。";
    message.className = "";
    panel.hidden = false;
  });
  document.getElementById("export-close").addEventListener("click", function () {
    panel.hidden = true;
  });
  document.getElementById("clear-marks").addEventListener("click", function () {
    if (window.confirm("清除本次所有标记？")) {
      var ids = Object.keys(marks);
      marks = {};
      ids.forEach(show);
      update();
    }
  });
})();
