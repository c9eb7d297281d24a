// Loa's officer forms on a bad connection (docs/offline.md). No inline code: driven by data attributes.
//
// <form data-offline-form="USER_ID"> with core/_offline_form_status.html inside:
// - what is typed is kept in localStorage, keyed by the page's address and the user, and put back
//   (with a notice) when the page is opened again; it is forgotten once a send has gone through;
// - the form is sent with fetch: when the network is down (fetch fails), the form stays as it is, the
//   pending notice shows, and the same send is tried again when the browser is back online and every
//   30 seconds. A repeated send is harmless on the server (an identical report within minutes is the
//   same report; a new piece's edit_session returns the same draft).
// - <span data-offline-saved> swapped in by the editor's autosave: the server has the text; the
//   phone's copy is dropped.
"use strict";

(function () {
  const RETRY_EVERY_MS = 30000;
  const SKIPPED_TYPES = ["hidden", "file", "password", "submit", "button", "reset"];

  function storageKey(form) {
    return "loa-form:" + form.dataset.offlineForm + ":" + location.pathname;
  }

  function keptFields(form) {
    return [...form.elements].filter((el) => el.name && !SKIPPED_TYPES.includes(el.type) && !el.disabled);
  }

  function read(form) {
    const values = {};
    keptFields(form).forEach((el) => {
      if (el.type === "checkbox" || el.type === "radio") {
        values[el.name + "=" + el.value] = el.checked;
      } else if (el.multiple) {
        values[el.name] = [...el.selectedOptions].map((option) => option.value);
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function write(form, values) {
    keptFields(form).forEach((el) => {
      if (el.type === "checkbox" || el.type === "radio") {
        const key = el.name + "=" + el.value;
        if (key in values) el.checked = values[key];
      } else if (el.multiple) {
        if (Array.isArray(values[el.name])) {
          [...el.options].forEach((option) => { option.selected = values[el.name].includes(option.value); });
        }
      } else if (el.name in values) {
        el.value = values[el.name];
      }
    });
  }

  function save(form) {
    try {
      localStorage.setItem(storageKey(form), JSON.stringify(read(form)));
    } catch (e) { /* storage full or refused (private mode): the form still works */ }
  }

  function forget(form) {
    try { localStorage.removeItem(storageKey(form)); } catch (e) { /* nothing kept */ }
  }

  function show(form, which) {
    form.querySelectorAll("[data-offline-status]").forEach((el) => {
      el.hidden = el.dataset.offlineStatus !== which;
    });
  }

  function restore(form) {
    let kept = null;
    try { kept = JSON.parse(localStorage.getItem(storageKey(form)) || "null"); } catch (e) { kept = null; }
    if (!kept || typeof kept !== "object") return;
    const before = JSON.stringify(read(form));
    write(form, kept);
    if (JSON.stringify(read(form)) !== before) show(form, "restored");
  }

  // The answer replaces the page as a normal send would have. fetch has already followed a redirect
  // (and so used up the messages the next page shows once): that page is shown as it came, under its
  // own address.
  function showAnswer(form, response) {
    if (response.redirected) forget(form);
    return response.text().then((html) => {
      document.open();
      document.write(html);
      document.close();
      if (response.redirected) history.replaceState(null, "", response.url);
    });
  }

  function send(form, pending) {
    if (pending.sending) return;
    pending.sending = true;
    const body = new FormData(form);
    if (pending.name) body.append(pending.name, pending.value);
    fetch(pending.action, { method: "POST", body: body, credentials: "same-origin" })
      .then((response) => {
        clearInterval(pending.timer);
        window.removeEventListener("online", pending.retry);
        return showAnswer(form, response);
      })
      .catch(() => {
        // No answer: the network is down. Keep everything and try again later.
        pending.sending = false;
        save(form);
        show(form, "pending");
        if (!pending.timer) {
          pending.timer = setInterval(pending.retry, RETRY_EVERY_MS);
          window.addEventListener("online", pending.retry);
        }
      });
  }

  function start(form) {
    restore(form);
    form.addEventListener("input", () => save(form));
    form.addEventListener("change", () => save(form));
    // The editor's autosave (htmx) answered "saved": the server has the text, so the phone's copy
    // is dropped; kept, it could later be put back over a newer version saved elsewhere.
    form.addEventListener("htmx:afterSwap", () => {
      if (form.querySelector("[data-offline-saved]")) forget(form);
    });
    let pending = null;
    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented) return;  // e.g. a data-confirm question answered "no"
      event.preventDefault();
      if (pending) return;  // a send is already under way or waiting for the network
      const submitter = event.submitter;
      pending = {
        action: submitter && submitter.hasAttribute("formaction") ? submitter.formAction : form.action,
        name: submitter && submitter.name,
        value: submitter && submitter.value,
        sending: false,
        timer: null,
      };
      pending.retry = () => send(form, pending);
      save(form);
      send(form, pending);
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-offline-form]").forEach(start);
  });
})();
