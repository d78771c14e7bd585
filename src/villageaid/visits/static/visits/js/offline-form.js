/* Offline-tolerant forms (走访记录): the input is kept in localStorage while the user types;
 * a submit while the browser is offline is held and sent once when the connection returns.
 * The hidden idempotency key travels with the draft, so a repeated submit records once.
 * Markup: <form data-offline-form="NAME"> with a hidden input "idempotency_key",
 * an optional [data-offline-status] element and [data-geolocate] button;
 * a page showing a saved record carries data-visit-saved="KEY" to clear its draft. */
(function () {
  "use strict";
  var PREFIX = "villageaid:draft:";

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID().replace(/-/g, "");
    }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function storageName(form) {
    return PREFIX + form.getAttribute("data-offline-form");
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "file" && el.type !== "submit" &&
        el.name !== "csrfmiddlewaretoken";
    });
  }

  function read(form) {
    try {
      return JSON.parse(localStorage.getItem(storageName(form)) || "null");
    } catch (e) {
      return null;
    }
  }

  function save(form, pending) {
    var data = {};
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        data[el.name] = data[el.name] || [];
        if (el.checked) { data[el.name].push(el.value); }
      } else {
        data[el.name] = [el.value];
      }
    });
    localStorage.setItem(storageName(form), JSON.stringify({ data: data, pending: !!pending }));
  }

  function restore(form, draft) {
    fields(form).forEach(function (el) {
      var values = draft.data[el.name];
      if (!values) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values.indexOf(el.value) !== -1;
      } else {
        el.value = values[0];
      }
    });
  }

  function status(form, name) {
    var box = form.querySelector("[data-offline-status]");
    if (!box) { return; }
    var text = box.getAttribute("data-msg-" + name);
    box.textContent = text || "";
    box.hidden = !text;
  }

  function send(form) {
    if (form.getAttribute("data-sending") === "1") { return; }
    form.setAttribute("data-sending", "1");
    save(form, true);
    status(form, "sending");
    HTMLFormElement.prototype.submit.call(form);
  }

  function setUp(form) {
    var key = form.querySelector("input[name=idempotency_key]");
    var draft = read(form);
    if (draft && draft.data) {
      restore(form, draft);
      status(form, draft.pending ? "pending" : "restored");
    }
    if (key && !key.value) { key.value = newKey(); }
    form.addEventListener("input", function () { save(form, false); });
    form.addEventListener("change", function () { save(form, false); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.getAttribute("data-sending") === "1") { return; }
      if (!navigator.onLine) {
        save(form, true);
        status(form, "offline");
        return;
      }
      send(form);
    });
    window.addEventListener("online", function () {
      var current = read(form);
      if (current && current.pending) { send(form); }
    });
    window.addEventListener("offline", function () { status(form, "offline-typing"); });
  }

  function geolocate(button) {
    button.addEventListener("click", function () {
      var form = button.form;
      if (!navigator.geolocation || !form) { return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.elements.latitude.value = pos.coords.latitude.toFixed(6);
        form.elements.longitude.value = pos.coords.longitude.toFixed(6);
        button.textContent = button.getAttribute("data-done") || button.textContent;
        save(form, false);
      });
    });
  }

  function clearSaved(key) {
    for (var i = localStorage.length - 1; i >= 0; i--) {
      var name = localStorage.key(i);
      if (!name || name.indexOf(PREFIX) !== 0) { continue; }
      try {
        var draft = JSON.parse(localStorage.getItem(name));
        if (draft && draft.data && draft.data.idempotency_key &&
            draft.data.idempotency_key[0] === key) {
          localStorage.removeItem(name);
        }
      } catch (e) { localStorage.removeItem(name); }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-visit-saved]").forEach(function (el) {
      clearSaved(el.getAttribute("data-visit-saved"));
    });
    document.querySelectorAll("form[data-offline-form]").forEach(setUp);
    document.querySelectorAll("[data-geolocate]").forEach(geolocate);
  });
})();
