// scholia reading edition: the search page. Everything else works without
// this script. Results are built with DOM methods (textContent), never HTML.
(function () {
  "use strict";
  var results = document.getElementById("search-results");
  if (!results) return;
  var params = new URLSearchParams(window.location.search);
  var query = (params.get("q") || "").trim();
  var box = document.getElementById("q");
  if (box) box.value = query;
  if (!query) {
    say("Type a name, a title or a word in the search box.");
    return;
  }
  load("assets/search-index.js", function (ok) {
    if (!ok || !window.scholiaIndex) {
      say("The search index could not be loaded.");
      return;
    }
    var index = window.scholiaIndex;
    // The shards of the words typed: a word's first two characters, or
    // every shard starting with a one-character word.
    var qs = words(query);
    var needed = Object.keys(index.shards || {}).filter(function (k) {
      return qs.some(function (q) {
        var chars = Array.from(q);
        return chars.length >= 2 ? k === chars.slice(0, 2).join("") : k.indexOf(q) === 0;
      });
    });
    var waiting = needed.length;
    var failed = false;
    var done = function () {
      if (failed) {
        say("The search index could not be loaded.");
        return;
      }
      var all = window.scholiaShards || {};
      index.words = {};
      needed.forEach(function (k) {
        var shard = all[k] || {};
        Object.keys(shard).forEach(function (w) { index.words[w] = shard[w]; });
      });
      show(search(index, query));
    };
    if (!waiting) done();
    needed.forEach(function (k) {
      load(index.shards[k], function (ok) {
        if (!ok) failed = true;
        waiting -= 1;
        if (!waiting) done();
      });
    });
  });

  function load(src, then) {
    var script = document.createElement("script");
    script.src = src;
    script.onload = function () { then(true); };
    script.onerror = function () { then(false); };
    document.head.appendChild(script);
  }

  function say(text) {
    results.textContent = "";
    var p = document.createElement("p");
    p.textContent = text;
    results.appendChild(p);
  }

  function words(s) {
    return s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length > 0; });
  }

  // Every query word is a prefix of some word of the text.
  function matches(textWords, query) {
    return query.every(function (q) {
      return textWords.some(function (w) { return w.indexOf(q) === 0; });
    });
  }

  function search(index, q) {
    var qs = words(q);
    var entities = [];
    index.entities.forEach(function (e) {
      var names = [e[0]].concat(e[3] ? e[3].split("|") : []);
      if (names.some(function (n) { return matches(words(n), qs); })) entities.push(e);
    });
    // Documents: every word found in the text (as a prefix of its words).
    var keys = Object.keys(index.words);
    var hits = null;
    qs.forEach(function (q) {
      var docs = {};
      keys.forEach(function (k) {
        if (k.indexOf(q) === 0) index.words[k].forEach(function (d) { docs[d] = true; });
      });
      if (hits === null) hits = docs;
      else Object.keys(hits).forEach(function (d) { if (!docs[d]) delete hits[d]; });
    });
    var docs = Object.keys(hits || {}).map(Number).sort(function (a, b) {
      var x = index.docs[a][2], y = index.docs[b][2];
      return x < y ? -1 : x > y ? 1 : a - b;
    }).map(function (d) { return index.docs[d]; });
    return { entities: entities, docs: docs };
  }

  function list(title, items, render) {
    var h = document.createElement("h2");
    h.textContent = title + " (" + items.length + ")";
    results.appendChild(h);
    var ul = document.createElement("ul");
    ul.className = "results";
    items.slice(0, 500).forEach(function (it) {
      var li = document.createElement("li");
      render(li, it);
      ul.appendChild(li);
    });
    results.appendChild(ul);
  }

  function link(href, text) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  function show(found) {
    results.textContent = "";
    if (!found.entities.length && !found.docs.length) {
      say("Nothing found for \u201c" + query + "\u201d.");
      return;
    }
    if (found.entities.length) {
      list("Names", found.entities, function (li, e) {
        li.className = e[2];
        li.appendChild(link(e[1], e[0]));
      });
    }
    if (found.docs.length) {
      list("Documents", found.docs, function (li, d) {
        if (d[2]) {
          var t = document.createElement("time");
          t.textContent = d[2];
          li.appendChild(t);
          li.appendChild(document.createTextNode(" "));
        }
        li.appendChild(link(d[1], d[0]));
      });
    }
  }
})();
