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

// A card about the author, fetched when the pointer rests on their name.
function setUpUserPopups() {
  let popup = null;
  let timer = null;
  const cache = new Map();

  function hide() {
    clearTimeout(timer);
    if (popup) {
      popup.remove();
      popup = null;
    }
  }

  async function show(link) {
    const url = link.dataset.popup;
    if (!cache.has(url)) {
      const response = await fetch(url, { credentials: "same-origin" });
      // A visitor (the front page) is sent to the login page: no card for them.
      if (!response.ok || response.redirected) return;
      cache.set(url, await response.text());
    }
    hide();
    popup = document.createElement("div");
    popup.className = "user-popup-card card card-body shadow";
    popup.setAttribute("role", "tooltip");
    popup.innerHTML = cache.get(url);
    localiseTimes(popup);
    document.body.appendChild(popup);
    const box = link.getBoundingClientRect();
    popup.style.left = `${window.scrollX + box.left}px`;
    popup.style.top = `${window.scrollY + box.bottom + 4}px`;
    popup.addEventListener("mouseleave", hide);
  }

  document.addEventListener("mouseover", (event) => {
    const link = event.target.closest("a.user-popup");
    if (!link) return;
    clearTimeout(timer);
    timer = setTimeout(() => show(link), 300);
    link.addEventListener("mouseleave", () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (popup && !popup.matches(":hover")) hide();
      }, 300);
    }, { once: true });
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

// The navbar's unread-messages badge, hidden at 0.
function setUnreadCount(count) {
  const badge = document.getElementById("message-count");
  if (!badge) return;
  const number = Number(count) || 0;
  badge.textContent = String(number);
  badge.classList.toggle("d-none", number === 0);
}

// The messages page marks its messages read with a POST as it opens (a GET must not: any
// site could send one), so the reader need not press its "Mark as read" button.
async function markMessagesRead() {
  const form = document.getElementById("mark-messages-read");
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
    setUnreadCount(unread);
    if (!unread) form.remove();
  } catch {
    // The button still works.
  }
}

// While a logged-in page is open, ask every few seconds what changed: the unread-messages
// badge and the progress of background tasks. Without JavaScript the page shows the count
// as it was when loaded.
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
      // Redirected to the login page: the session ended, so stop asking.
      if (response.redirected) return false;
      if (response.ok) {
        for (const notification of await response.json()) {
          since = Math.max(since, notification.timestamp);
          if (notification.name === "unread_message_count") {
            setUnreadCount(notification.data);
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

document.addEventListener("DOMContentLoaded", async () => {
  localiseTimes(document);
  setUpUserPopups();
  setUpTranslations();
  // Polled after: a first poll answered before the POST would show the old count again.
  await markMessagesRead();
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
