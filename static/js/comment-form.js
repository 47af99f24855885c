// The comment form, improved when JavaScript runs (it works without; see _form.html):
// - a refused comment's error summary takes focus, and its links move focus to their field;
// - a character count under the comment box from 80 % of the limit (the server refuses longer
//   text with a message; nothing is ever cut);
// - with the reader's consent, their name, email and website are kept in this browser's
//   localStorage and filled into empty fields next time. Never sent to or rendered by the
//   server: essay pages are cached and shared, and must stay the same for every reader.
(function () {
  "use strict";
  var STORE_KEY = "comment-author";
  var REMEMBERED = ["name", "email", "website"];
  var SHOW_FROM = 0.8;

  function storage() {
    // Private windows and disabled storage throw on access, not only on use.
    try {
      var store = window.localStorage;
      var probe = "comment-form-probe";
      store.setItem(probe, probe);
      store.removeItem(probe);
      return store;
    } catch (e) {
      return null;
    }
  }

  function readDetails(store) {
    try {
      var details = JSON.parse(store.getItem(STORE_KEY) || "null");
      return details && typeof details === "object" ? details : null;
    } catch (e) {
      return null;
    }
  }

  function focusSummary() {
    var summary = document.getElementById("comment-errors");
    if (!summary) { return; }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) { return; }
      event.preventDefault();
      var label = document.querySelector("label[for='" + field.id + "']");
      (label || field).scrollIntoView({ block: "start" });
      field.focus({ preventScroll: true });
    });
  }

  function plural(n, word) {
    return n.toLocaleString("en") + " " + word + (n === 1 ? "" : "s");
  }

  function characterCount(form) {
    var box = form.querySelector("textarea[data-max-length]");
    var limit = box && parseInt(box.getAttribute("data-max-length"), 10);
    if (!limit) { return; }
    // The visible count follows every keystroke; screen readers hear it through the box's
    // description, and the live region below speaks only when a threshold is crossed.
    var count = document.createElement("div");
    count.id = box.id + "_count";
    count.className = "form-text char-count";
    var spoken = document.createElement("div");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    var help = document.getElementById(box.id + "_helptext");
    (help || box).insertAdjacentElement("afterend", count);
    count.insertAdjacentElement("afterend", spoken);
    var described = box.getAttribute("aria-describedby");
    box.setAttribute("aria-describedby", (described ? described + " " : "") + count.id);
    var stage = "";

    function length() {
      // As the server counts: code points (an emoji is one), a line break one, the spaces
      // around the text left out (the form strips them).
      return Array.from(box.value.replace(/\r\n?/g, "\n").trim()).length;
    }

    function update() {
      var used = length();
      var over = used > limit;
      count.classList.toggle("is-over", over);
      var now = over ? "over" : used >= limit * 0.95 ? "close" : used >= limit * SHOW_FROM ? "near" : "";
      if (!now) {
        count.textContent = "";
      } else if (over) {
        count.textContent = "You have " + plural(used - limit, "character") + " too many.";
      } else {
        count.textContent = "You have " + plural(limit - used, "character") + " left.";
      }
      if (now !== stage) {
        spoken.textContent = count.textContent;
        stage = now;
      }
    }
    box.addEventListener("input", update);
    // Too long: say so here and keep the text, rather than send what the server will refuse
    // (or, far over, what the front door refuses with a bare 413).
    form.addEventListener("submit", function (event) {
      if (length() <= limit) { return; }
      event.preventDefault();
      update();
      spoken.textContent = count.textContent + " Please shorten your comment.";
      box.focus();
    });
    update();
  }

  function rememberDetails(form) {
    var store = storage();
    if (!store) { return; }  // nowhere to keep them: no offer
    var fields = REMEMBERED.map(function (name) { return form.elements.namedItem(name); })
      .filter(function (field) { return field; });
    if (!fields.length) { return; }
    var saved = readDetails(store);
    if (saved) {
      // Only empty fields: what the server put there (a refused comment's values, a signed-in
      // reader's name) is what the reader last typed or who they are.
      fields.forEach(function (field) {
        if (!field.value && typeof saved[field.name] === "string") {
          field.value = saved[field.name];
        }
      });
    }

    var wrapper = document.createElement("div");
    wrapper.className = "mb-3 form-check";
    var box = document.createElement("input");
    box.type = "checkbox";
    box.id = "id_remember_details";
    box.className = "form-check-input";
    box.checked = Boolean(saved);
    var label = document.createElement("label");
    label.htmlFor = box.id;
    label.className = "form-check-label";
    label.textContent = "Remember my name, email and website in this browser";
    wrapper.appendChild(box);
    wrapper.appendChild(label);
    var notify = form.querySelector("#div_id_notify_replies");
    var anchor = notify ? notify.parentNode : fields[fields.length - 1].parentNode;
    anchor.insertAdjacentElement("afterend", wrapper);

    form.addEventListener("submit", function () {
      try {
        if (box.checked) {
          var details = {};
          fields.forEach(function (field) { details[field.name] = field.value.trim(); });
          store.setItem(STORE_KEY, JSON.stringify(details));
        } else {
          store.removeItem(STORE_KEY);
        }
      } catch (e) {
        // Storage full or withdrawn meanwhile: the comment is posted all the same.
      }
    });
  }

  function init() {
    focusSummary();
    var forms = document.querySelectorAll("form.comment-form");
    Array.prototype.forEach.call(forms, function (form) {
      characterCount(form);
      rememberDetails(form);
    });
  }

  init();  // loaded with defer: the page is parsed
}());
