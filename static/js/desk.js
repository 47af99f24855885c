// The moderation desk (comment changelist). Without JavaScript each card's buttons are plain
// submissions of the changelist form. With it they post with fetch and the page stays put, and
// the keyboard works the queue: j/k move between cards, the keys on the buttons (data-key: a, s,
// r) moderate the current card, u undoes the last action. Keys are ignored while typing in a
// field, with a modifier held, or while an input method is composing. Staff who may only view
// comments get no buttons, and so no shortcuts either.
(function () {
  "use strict";
  var form = document.getElementById("changelist-form");
  var table = document.getElementById("result_list");
  var live = document.getElementById("desk-live");
  if (!form || !table || !live || !table.classList.contains("desk")) { return; }
  if (!table.querySelector(".desk-act[data-status]")) { return; }
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");
  var legend = document.getElementById("desk-keys");
  if (legend) { legend.hidden = false; }
  // Each entry: {card, previous, changed}; pushed when the action is asked for, so a quick
  // a-then-u undoes that approval once its request has come back.
  var undoStack = [];
  // Per card, the requests still to finish: a card's actions and undos run one after another.
  var queues = {};

  function cards() { return Array.prototype.slice.call(table.querySelectorAll(".desk-card")); }
  function current() { return table.querySelector(".desk-card.is-current"); }
  function author(card) { return card.getAttribute("data-author") || "this commenter"; }

  function mark(card) {
    cards().forEach(function (c) { c.classList.toggle("is-current", c === card); });
  }

  function focusCard(card) {
    mark(card);
    if (card) {
      card.focus({ preventScroll: true });
      card.scrollIntoView({ block: "nearest" });
    }
  }

  function announce(text, isError) {
    live.textContent = text;
    live.classList.toggle("is-error", Boolean(isError));
  }

  function button(card, status) {
    return card.querySelector('.desk-act[data-status="' + status + '"]');
  }

  // The status a key moves the card to, read from the card's own buttons (hidden ones too).
  function statusFor(card, key) {
    var found = card.querySelector('.desk-act[data-key="' + key + '"]');
    return found ? found.getAttribute("data-status") : null;
  }

  function show(card, status, label) {
    card.setAttribute("data-status", status);
    card.querySelectorAll(".desk-act").forEach(function (b) {
      b.hidden = b.getAttribute("data-status") === status;
    });
    var badge = card.querySelector(".desk-status");
    if (badge) {
      badge.className = "desk-status status-" + status;
      badge.textContent = label;
    }
  }

  // Runs task (which returns a promise) once the card's earlier requests have finished; the
  // card is busy until its last one has.
  function enqueue(card, task) {
    var id = card.id;
    var entry = queues[id] || { count: 0, tail: Promise.resolve() };
    queues[id] = entry;
    entry.count += 1;
    card.classList.add("is-working");
    card.setAttribute("aria-busy", "true");
    entry.tail = entry.tail.then(task).catch(function (error) {
      announce(error.message, true);
    }).then(function () {
      entry.count -= 1;
      if (!entry.count) {
        card.classList.remove("is-working");
        card.removeAttribute("aria-busy");
      }
    });
  }

  // The first card after this one that is still to do, else any later card, else this one.
  function nextCard(card) {
    var later = cards().slice(cards().indexOf(card) + 1);
    var todo = later.filter(function (c) {
      return !c.classList.contains("is-done") && !c.classList.contains("is-working");
    });
    return todo[0] || later[0] || card;
  }

  function send(card, status) {
    var target = button(card, status);
    if (!target) { return Promise.reject(new Error("This comment cannot be moved to " + status + ".")); }
    return fetch(target.formAction, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual", // a lapsed login redirects to the login page: say so instead
      headers: { "Accept": "application/json", "X-CSRFToken": token ? token.value : "" }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.type === "opaqueredirect") {
        throw new Error("You are no longer logged in. Reload the page and log in again.");
      }
      if (type.indexOf("application/json") === -1) {
        throw new Error("The server refused (" + response.status + "). Reload the page and try again.");
      }
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error(data.error || "The server refused (" + response.status + ")."); }
        return data;
      });
    });
  }

  function act(card, status) {
    if (!card) { announce("Press j to choose a comment first."); return; }
    if (!status) { return; }
    if (!card.classList.contains("is-working") && card.getAttribute("data-status") === status) {
      announce("The comment by " + author(card) + " is already " + status + ".");
      return;
    }
    var entry = { card: card, previous: null, changed: false };
    undoStack.push(entry);
    focusCard(nextCard(card)); // at once, so a quick moderator's next key goes to the next card
    enqueue(card, function () {
      if (card.getAttribute("data-status") === status) { // an earlier request got there first
        announce("The comment by " + author(card) + " is already " + status + ".");
        return null;
      }
      return send(card, status).then(function (data) {
        show(card, data.status, data.label);
        card.classList.add("is-done");
        entry.previous = data.previous;
        entry.changed = Boolean(data.changed);
        announce(data.changed ? data.message + " Press u to undo." : data.message);
      });
    });
  }

  function undo() {
    var last = undoStack.pop();
    if (!last) { announce("Nothing to undo."); return; }
    // After the action itself: its card's queue holds it until that request has come back.
    enqueue(last.card, function () {
      if (!last.changed) { undo(); return null; } // it failed or changed nothing: the one before
      return send(last.card, last.previous).then(function (data) {
        show(last.card, data.status, data.label);
        last.card.classList.remove("is-done");
        focusCard(last.card);
        announce("Undone: the comment by " + author(last.card) + " is " + data.label.toLowerCase() + " again.");
      }, function (error) {
        undoStack.push(last);
        throw error;
      });
    });
  }

  function move(step) {
    var list = cards();
    if (!list.length) { return; }
    var at = list.indexOf(current());
    at = at === -1 ? (step > 0 ? 0 : list.length - 1) : Math.min(Math.max(at + step, 0), list.length - 1);
    focusCard(list[at]);
  }

  function typing(target) {
    if (!target || !target.closest) { return false; }
    if (target.closest("textarea, select, [contenteditable]")) { return true; }
    var input = target.closest("input");
    return Boolean(input) && ["checkbox", "radio", "button", "submit", "reset"].indexOf(input.type) === -1;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.isComposing || event.keyCode === 229 ||
        event.shiftKey || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    // Caps Lock gives "A" without Shift; anything but a letter or digit is no shortcut.
    var key = /^[a-z0-9]$/i.test(event.key || "") ? event.key.toLowerCase() : "";
    var card = current();
    if (key === "j") { move(1); }
    else if (key === "k") { move(-1); }
    else if (key === "u") { undo(); }
    else if (key && card && statusFor(card, key)) { act(card, statusFor(card, key)); }
    else if (key && !card && table.querySelector('.desk-act[data-key="' + key + '"]')) { act(null); }
    else { return; }
    event.preventDefault();
  });

  table.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest(".desk-act");
    if (!target) { return; }
    event.preventDefault();
    act(target.closest(".desk-card"), target.getAttribute("data-status"));
  });

  // A click or Tab into a card makes it the current one.
  table.addEventListener("focusin", function (event) {
    var card = event.target.closest && event.target.closest(".desk-card");
    if (card && card !== current()) { mark(card); }
  });
})();
