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
