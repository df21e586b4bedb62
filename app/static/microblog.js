// Progressive enhancements; every page works without them.
"use strict";

// Show exact times in the reader's own time zone and language (the page carries UTC).
function localiseTimes(root) {
  const format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    dateStyle: "medium",
    timeStyle: "short",
  });
  for (const element of root.querySelectorAll("time[datetime]")) {
    const moment = new Date(element.getAttribute("datetime"));
    if (!Number.isNaN(moment.getTime())) {
      element.title = format.format(moment);
    }
  }
}

// A card about the author, fetched when the pointer rests on their name or the keyboard
// reaches it: a Bootstrap popover, which Popper keeps on screen. Escape closes it; the pointer may move onto it without closing it.
function setUpUserPopups() {
  if (!window.bootstrap) return;
  const cache = new Map();
  let shown = null;
  let wanted = null; // the name asked about last: a card arriving after the reader left stays shut
  let timer = null;

  function hide() {
    clearTimeout(timer);
    wanted = null;
    if (shown) {
      bootstrap.Popover.getInstance(shown)?.dispose();
      shown = null;
    }
  }

  async function card(url) {
    if (!cache.has(url)) {
      const response = await fetch(url, { credentials: "same-origin" });
      // A visitor (the front page) is refused with a 401: no card for them.
      if (!response.ok || response.redirected) return null;
      cache.set(url, await response.text());
    }
    // Parsed here, from the app's own escaped markup, and handed over as an element: Bootstrap
    // sanitises strings, which would drop the card's <time>.
    const content = document.createElement("div");
    content.innerHTML = cache.get(url);
    localiseTimes(content);
    return content;
  }

  async function show(link) {
    wanted = link;
    const content = await card(link.dataset.popup);
    if (!content || wanted !== link || shown === link) return;
    hide();
    shown = link;
    const popover = new bootstrap.Popover(link, {
      content,
      html: true,
      trigger: "manual",
      // Above the name, so the post being read stays in view; below it near the window's top.
      placement: "top",
      // Inside <main>: everything on the page stays within a landmark.
      container: link.closest("main") || "body",
      customClass: "user-popup-card",
    });
    popover.show();
  }

  function later(action) {
    clearTimeout(timer);
    timer = setTimeout(action, 300);
  }

  function overPopup() {
    return Boolean(document.querySelector(".user-popup-card:hover"));
  }

  document.addEventListener("mouseover", (event) => {
    const link = event.target.closest("a.user-popup");
    if (link) {
      later(() => show(link));
    } else if (event.target.closest(".user-popup-card")) {
      clearTimeout(timer);
    }
  });
  document.addEventListener("mouseout", (event) => {
    if (event.target.closest("a.user-popup, .user-popup-card")) {
      later(() => {
        if (!overPopup() && document.activeElement !== shown) hide();
      });
    }
  });
  document.addEventListener("focusin", (event) => {
    const link = event.target.closest("a.user-popup");
    if (link) show(link);
  });
  document.addEventListener("focusout", (event) => {
    if (event.target === shown && !overPopup()) hide();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && shown) hide();
  });
}

// A post's Translate button asks the server for the text in the reader's language.
function setUpTranslations() {
  const token = document.querySelector('meta[name="csrf-token"]');

  async function translate(button) {
    const box = button.parentElement;
    const text = button.closest(".post").querySelector(".post-body").textContent;
    const { url, sourceLanguage, destLanguage, translating, failed } = button.dataset;
    box.textContent = translating;
    try {
      const response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": token ? token.content : "",
        },
        body: JSON.stringify({
          text,
          source_language: sourceLanguage,
          dest_language: destLanguage,
        }),
      });
      const answer = await response.json().catch(() => ({}));
      if (response.ok && typeof answer.text === "string") {
        box.lang = destLanguage;
        box.textContent = answer.text;
      } else {
        box.classList.add("text-danger");
        box.textContent = answer.error || failed;
      }
    } catch {
      box.classList.add("text-danger");
      box.textContent = failed;
    }
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.translate-post");
    if (button) translate(button);
  });
}

// The navbar's unread-messages badge, hidden at 0, and its copy on the menu's toggler (seen
// on narrow screens, where the menu is folded away).
function setUnreadCount(count) {
  const number = Number(count) || 0;
  for (const id of ["message-count", "message-count-toggler"]) {
    const badge = document.getElementById(id);
    if (!badge) continue;
    badge.textContent = String(number);
    badge.classList.toggle("d-none", number === 0);
  }
}

// The navbar's count of unseen notifications (app/alerts), hidden at 0.
function setAlertCount(count) {
  const number = Number(count) || 0;
  const badge = document.getElementById("alert-count");
  if (!badge) return;
  badge.textContent = String(number);
  badge.classList.toggle("d-none", number === 0);
}

// The messages and notifications pages mark what they show as read with a POST as they open
// (a GET must not: any site could send one), so the reader need not press the form's button.
// The answer's unread count goes to `setCount`; at 0 the button goes.
async function markRead(formId, setCount) {
  const form = document.getElementById(formId);
  if (!form) return;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      body: new FormData(form),
    });
    if (!response.ok) return;
    const { unread } = await response.json();
    setCount(unread);
    if (!unread) form.remove();
  } catch {
    // The button still works.
  }
}

// While a logged-in page is open, ask every few seconds what changed: the unread-messages
// and notifications badges and the progress of background tasks. Without JavaScript the page
// shows the counts as they were when loaded.
function setUpNotifications() {
  const badge = document.getElementById("message-count");
  if (!badge || !badge.dataset.notifications) return;
  const url = badge.dataset.notifications;
  const progressArea = document.getElementById("task-progress");
  let since = 0;
  let firstPoll = true;

  function setTaskProgress(data, timestamp) {
    if (!progressArea || typeof data !== "object" || data === null) return;
    const progress = Number(data.progress) || 0;
    let alert = null;
    for (const element of progressArea.children) {
      if (element.dataset.taskId === String(data.task_id)) alert = element;
    }
    if (!alert) {
      // A task that finished well before this page loaded is old news.
      if (firstPoll && progress >= 100 && Date.now() / 1000 - timestamp > 60) return;
      alert = document.createElement("div");
      alert.className = "alert alert-info";
      alert.setAttribute("role", "status");
      alert.dataset.taskId = String(data.task_id);
      progressArea.appendChild(alert);
    }
    if (data.state && data.message) {
      // Finished: say how it ended, and let the reader close it.
      alert.textContent = data.message;
      alert.className = `alert alert-dismissible ${data.state === "failed" ? "alert-danger" : "alert-success"}`;
      const close = document.createElement("button");
      close.type = "button";
      close.className = "btn-close";
      close.setAttribute("aria-label", progressArea.dataset.close || "Close");
      close.addEventListener("click", () => alert.remove());
      alert.appendChild(close);
    } else {
      alert.textContent = `${data.description} ${progress}%`;
    }
  }

  async function poll() {
    try {
      const response = await fetch(`${url}?since=${since}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      // Refused (401; a redirect to the login page before): the session ended, so stop asking.
      if (response.status === 401 || response.redirected) return false;
      if (response.ok) {
        for (const notification of await response.json()) {
          since = Math.max(since, notification.timestamp);
          if (notification.name === "unread_message_count") {
            setUnreadCount(notification.data);
          } else if (notification.name === "unread_alert_count") {
            setAlertCount(notification.data);
          } else if (notification.name === "task_progress") {
            setTaskProgress(notification.data, notification.timestamp);
          }
        }
        firstPoll = false;
      }
    } catch {
      // The network or the server hiccuped: the next poll tries again.
    }
    return true;
  }

  async function loop() {
    if (await poll()) setTimeout(loop, 10000);
  }
  loop();
}

// A reply's box opens holding "@author ": the caret goes after it, so typing adds to it.
function caretAfterMention() {
  const box = document.getElementById("reply");
  if (box) box.setSelectionRange(box.value.length, box.value.length);
}

document.addEventListener("DOMContentLoaded", async () => {
  caretAfterMention();
  localiseTimes(document);
  const unread = document.getElementById("message-count");
  if (unread) setUnreadCount(unread.textContent);
  setUpUserPopups();
  setUpTranslations();
  // Polled after: a first poll answered before the POST would show the old count again.
  await markRead("mark-messages-read", setUnreadCount);
  await markRead("mark-alerts-read", setAlertCount);
  setUpNotifications();
  setUpCounters();
});

// A live count under text boxes with a limit (data-max-length), which warns as the limit
// nears and past it; the server refuses a text over the limit and keeps it in the box.
function setUpCounters() {
  for (const box of document.querySelectorAll("textarea[data-max-length]")) {
    const max = Number(box.dataset.maxLength);
    const counter = document.createElement("div");
    counter.id = `${box.id}-count`;
    counter.className = "form-text";
    box.setAttribute("aria-describedby", counter.id);
    box.after(counter);
    const update = () => {
      // Code points, as the server counts them: an emoji is one, not two.
      const length = [...box.value].length;
      counter.textContent = `${length} / ${max}`;
      counter.classList.toggle("text-warning-emphasis", length > max - 20 && length <= max);
      counter.classList.toggle("text-danger", length > max);
      box.classList.toggle("is-invalid", length > max);
    };
    box.addEventListener("input", update);
    update();
  }
}
