// The essay editor (admin change form). Without JavaScript the body is a tall text box and the
// Preview button opens the unsaved essay in a new tab. With it, a pane beside the box (or a
// tab, on narrow screens) shows the body as readers will get it: the server renders what is
// typed with the public page's renderer (POST to the live-preview URL, a moment after typing
// stops). Nothing is saved.
(function () {
  "use strict";
  var DELAY = 400;

  function start() {
    var config = document.getElementById("essay-editor-config");
    var body = document.getElementById("id_body");
    if (!config || !body) { return; }
    var form = body.form;
    var url = config.getAttribute("data-preview-url");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");

    var editor = element("div", "essay-editor");
    editor.setAttribute("data-view", "write");
    var tabs = element("div", "essay-editor-tabs");
    tabs.setAttribute("role", "tablist");
    tabs.setAttribute("aria-label", "Body");
    var writeTab = tab("essay-tab-write", "essay-pane-write", "Text", true);
    var readTab = tab("essay-tab-read", "essay-pane-read", "As readers see it", false);
    tabs.appendChild(writeTab);
    tabs.appendChild(readTab);

    var panes = element("div", "essay-editor-panes");
    var write = pane("div", "essay-editor-write", "essay-pane-write", "essay-tab-write");
    var read = pane("section", "essay-editor-preview", "essay-pane-read", "essay-tab-read");
    var status = element("p", "essay-preview-status");
    status.setAttribute("aria-live", "polite");
    var content = element("div", "essay-preview-content");
    read.appendChild(status);
    read.appendChild(content);

    body.parentNode.insertBefore(editor, body);
    write.appendChild(body);
    panes.appendChild(write);
    panes.appendChild(read);
    editor.appendChild(tabs);
    editor.appendChild(panes);

    tabs.addEventListener("click", function (event) {
      var chosen = event.target.closest("[role=tab]");
      if (chosen) { show(chosen === readTab ? "read" : "write"); }
    });
    tabs.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") { return; }
      var next = event.target === writeTab ? readTab : writeTab;
      show(next === readTab ? "read" : "write");
      next.focus();
    });

    function show(view) {
      editor.setAttribute("data-view", view);
      writeTab.setAttribute("aria-selected", String(view === "write"));
      readTab.setAttribute("aria-selected", String(view === "read"));
      writeTab.tabIndex = view === "write" ? 0 : -1;
      readTab.tabIndex = view === "read" ? 0 : -1;
    }

    var timer = null;
    var latest = 0;
    var inFlight = null;

    function refresh() {
      var number = ++latest;
      if (inFlight) { inFlight.abort(); }
      inFlight = new AbortController();
      var data = new FormData();
      data.append("csrfmiddlewaretoken", token ? token.value : "");
      ["title", "standfirst", "body", "body_format"].forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (field && field.value !== undefined) { data.append(name, field.value); }
      });
      status.textContent = "Updating…";
      fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "" },
        signal: inFlight.signal
      }).then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      }).then(function (result) {
        if (number !== latest) { return; }
        // Sanitised on the server by the same code that renders the public page.
        content.innerHTML = result.html;
        status.textContent = result.words + " words, " + result.minutes + " min read";
      }).catch(function (error) {
        if (error.name === "AbortError" || number !== latest) { return; }
        status.textContent = "The preview could not be updated (" + error.message +
          "). The Preview button below still shows the whole essay.";
      });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DELAY);
    }

    ["title", "standfirst", "body", "body_format"].forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field && field.addEventListener) {
        field.addEventListener("input", later);
        field.addEventListener("change", later);
      }
    });
    refresh();
  }

  function element(tag, className) {
    var node = document.createElement(tag);
    node.className = className;
    return node;
  }

  function tab(id, controls, label, selected) {
    var button = element("button", "essay-editor-tab");
    button.type = "button";
    button.id = id;
    button.setAttribute("role", "tab");
    button.setAttribute("aria-controls", controls);
    button.setAttribute("aria-selected", String(selected));
    button.tabIndex = selected ? 0 : -1;
    button.textContent = label;
    return button;
  }

  function pane(tag, className, id, labelledBy) {
    var node = element(tag, className);
    node.id = id;
    node.setAttribute("role", "tabpanel");
    node.setAttribute("aria-labelledby", labelledBy);
    return node;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
