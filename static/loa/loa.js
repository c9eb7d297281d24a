// Loa's few behaviours, driven by data attributes in the templates. No inline script or event
// handler anywhere (the Content-Security-Policy allows script files from Loa only): a template
// marks an element, this file acts on it. Listeners sit on `document`, so content that htmx swaps
// in later behaves the same. Everything still works without JavaScript except where noted.
"use strict";

// <button data-confirm="Delete it?"> or <form data-confirm="…">: asks before the form is sent.
// Runs in the capture phase, before htmx or anything else sees the submission.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = (event.submitter && event.submitter.dataset.confirm) || form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
    event.stopImmediatePropagation();
    return;
  }
  // <input type="hidden" data-gather=".pick:checked">: takes the values of the matching elements
  // of its form, comma-separated (the recipients page's ticked units; needs JavaScript).
  form.querySelectorAll("input[data-gather]").forEach((input) => {
    input.value = [...form.querySelectorAll(input.dataset.gather)].map((el) => el.value).join(",");
  });
}, true);

// <button data-once>: disabled after the first tap, so a slow phone does not send twice (the
// server also recognises a repeated submission). Disabled after the submit event, so that the
// button's own name and value still go with the form.
document.addEventListener("submit", (event) => {
  event.target.querySelectorAll("[data-once]").forEach((button) => setTimeout(() => { button.disabled = true; }, 0));
});

// <a data-confirm="…">: asks before following the link.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-confirm]");
  if (link && !window.confirm(link.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

// <input data-no-submit-on-enter>: Enter does not send the form (a search box inside a bigger
// form, e.g. the unit picker: Enter would otherwise send the half-filled form).
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target.closest && event.target.closest("[data-no-submit-on-enter]")) {
    event.preventDefault();
  }
});

// <div class="unit-picker" data-unit-picked>: the unit picker as the picker view swaps it in after
// a unit is picked or cleared. It sends a bubbling `unit-picked` event, so that a filter form with
// hx-trigger="… unit-picked" refreshes its list at once (its hidden input is new: a `change`
// listener on the old one would never hear it).
document.addEventListener("htmx:load", (event) => {
  const picker = event.target;
  if (picker.matches && picker.matches("[data-unit-picked]")) {
    picker.dispatchEvent(new CustomEvent("unit-picked", { bubbles: true }));
  }
});

// <form data-autosubmit>: sent as soon as the page has loaded (the one-tap link's page; without
// JavaScript its button does the same).
function autosubmit() {
  document.querySelectorAll("form[data-autosubmit]").forEach((form) => form.submit());
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", autosubmit);
} else {
  autosubmit();
}

// <div class="table-wrap">: a table wider than the phone scrolls inside its frame; the frame is then
// a named region that a keyboard can reach and scroll (WCAG 2.1.1), named after the page's heading.
function regionsForWideTables(root) {
  root.querySelectorAll(".table-wrap").forEach((wrap) => {
    if (wrap.scrollWidth > wrap.clientWidth && !wrap.hasAttribute("tabindex")) {
      wrap.tabIndex = 0;
      wrap.setAttribute("role", "region");
      const heading = wrap.closest("section, main, body").querySelector("h1, h2");
      wrap.setAttribute("aria-label", heading ? heading.textContent.trim() : document.title);
    }
  });
}
document.addEventListener("DOMContentLoaded", () => regionsForWideTables(document));
document.addEventListener("htmx:afterSwap", (event) => regionsForWideTables(event.target.parentElement || document));
// <section data-error-summary>: the list of a form's errors (core/_error_summary.html). It takes
// the focus when the page opens, so that a screen reader reads it and a phone shows it first;
// each of its links puts the cursor in its field (a fragment link alone only scrolls there).
function focusErrorSummary() {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", focusErrorSummary);
} else {
  focusErrorSummary();
}
document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-error-summary] a[href^='#']");
  const field = link && document.getElementById(link.getAttribute("href").slice(1));
  if (field) {
    event.preventDefault();
    field.focus();
    (field.labels && field.labels[0] || field).scrollIntoView({ block: "start" });
  }
});

// <body data-service-worker="/sw.js">: Loa as an installable app (loa/core/pwa.py). Registered from
// every page; the offline forms' own script (offline-forms.js) comes only with those forms.
document.addEventListener("DOMContentLoaded", () => {
  const worker = document.body && document.body.dataset.serviceWorker;
  if (worker && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(worker, { scope: "/" }).catch(() => { /* the site works without it */ });
  }
});

// <button data-copy-from="id">: copies that textarea's text (the sharing list's "Sao chép nội dung").
// Without JS the button stays hidden and the text is selectable in its box.
function copyButtons() {
  document.querySelectorAll("button[data-copy-from]").forEach((button) => {
    const box = document.getElementById(button.dataset.copyFrom);
    if (!box) return;
    button.hidden = false;
    button.addEventListener("click", () => {
      box.select();
      const done = () => { button.dataset.copied = "1"; };
      if (navigator.clipboard) navigator.clipboard.writeText(box.value).then(done, () => document.execCommand("copy"));
      else { document.execCommand("copy"); done(); }
    });
  });
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", copyButtons);
} else {
  copyButtons();
}
