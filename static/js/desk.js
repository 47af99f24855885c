// The moderation desk (comment changelist). Without JavaScript each card's buttons are plain
// submissions of the changelist form. With it they post with fetch and the page stays put, and
// the keyboard works the queue: j/k move between cards, a/s/r approve, spam or remove the
// current card, u undoes the last action. Keys are ignored while typing in a field.
(function () {
  "use strict";
  var form = document.getElementById("changelist-form");
  var table = document.getElementById("result_list");
  var live = document.getElementById("desk-live");
  if (!form || !table || !live || !table.classList.contains("desk")) { return; }
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");
  var SHORTCUTS = { a: "approved", s: "spam", r: "removed" };
  var undoStack = [];
  document.getElementById("desk-keys").hidden = false;

  function cards() { return Array.prototype.slice.call(table.querySelectorAll(".desk-card")); }
  function current() { return table.querySelector(".desk-card.is-current"); }
  function author(card) { return card.getAttribute("data-author"); }

  function focusCard(card) {
    cards().forEach(function (c) { c.classList.toggle("is-current", c === card); });
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

  function show(card, status, label) {
    card.setAttribute("data-status", status);
    card.querySelectorAll(".desk-act").forEach(function (b) {
      b.hidden = b.getAttribute("data-status") === status;
    });
    var badge = card.querySelector(".desk-status");
    badge.className = "desk-status status-" + status;
    badge.textContent = label;
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
    return fetch(button(card, status).formAction, {
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
    if (card.classList.contains("is-working")) { return; }
    if (card.getAttribute("data-status") === status) {
      announce("The comment by " + author(card) + " is already " + status + ".");
      return;
    }
    card.classList.add("is-working");
    card.setAttribute("aria-busy", "true");
    focusCard(nextCard(card)); // at once, so a quick moderator's next key goes to the next card
    send(card, status).then(function (data) {
      show(card, data.status, data.label);
      card.classList.add("is-done");
      if (data.changed) {
        undoStack.push({ card: card, previous: data.previous });
        announce(data.message + " Press u to undo.");
      } else {
        announce(data.message);
      }
    }).catch(function (error) {
      announce(error.message, true);
    }).then(function () {
      card.classList.remove("is-working");
      card.removeAttribute("aria-busy");
    });
  }

  function undo() {
    var last = undoStack.pop();
    if (!last) { announce("Nothing to undo."); return; }
    send(last.card, last.previous).then(function (data) {
      show(last.card, data.status, data.label);
      last.card.classList.remove("is-done");
      focusCard(last.card);
      announce("Undone: the comment by " + author(last.card) + " is " + data.label.toLowerCase() + " again.");
    }).catch(function (error) {
      undoStack.push(last);
      announce(error.message, true);
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
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    var key = event.key.length === 1 ? event.key.toLowerCase() : "";
    if (key === "j") { move(1); }
    else if (key === "k") { move(-1); }
    else if (SHORTCUTS[key]) { act(current(), SHORTCUTS[key]); }
    else if (key === "u") { undo(); }
    else { return; }
    event.preventDefault();
  });

  table.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest(".desk-act");
    if (!target) { return; }
    event.preventDefault();
    var card = target.closest(".desk-card");
    act(card, target.getAttribute("data-status"));
  });

  // A click or Tab into a card makes it the current one.
  table.addEventListener("focusin", function (event) {
    var card = event.target.closest && event.target.closest(".desk-card");
    if (card && card !== current()) {
      cards().forEach(function (c) { c.classList.toggle("is-current", c === card); });
    }
  });
})();
