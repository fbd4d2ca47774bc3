/* Working with no connection (docs/architecture.md "Offline").
   - Every page registers the service worker (/sw.js), which keeps the shell and the registration form.
   - The registration form (form[data-offline-queue]) is sent by this script: each registration is first
     kept in IndexedDB, encrypted (AES-GCM) with the session's key (/accounts/offline-key/, kept in
     sessionStorage only), then sent with its own Idempotency-Key; with no connection, or when the
     connection drops during the sending, it stays in the queue shown above the form and is sent, in
     order, when the connection returns. A registration the server refuses stays with its errors until
     it is corrected or removed.
   - A page with nobody signed in, the logout button and the idle timeout wipe all of it. */
(function () {
  "use strict";
  var DB = "mcof-offline";
  var STORE = "queue";
  var KEY_ITEM = "mcof-offline-key";
  var body = document.body;
  var keyUrl = body.getAttribute("data-offline-key-url");
  var loginUrl = body.getAttribute("data-login-url") || "/accounts/login/";

  function wipe() {
    try { sessionStorage.removeItem(KEY_ITEM); } catch (e) { /* storage disabled */ }
    var done = [new Promise(function (resolve) {
      var request = indexedDB.deleteDatabase(DB);
      request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
    })];
    if (window.caches) {
      done.push(caches.keys().then(function (keys) {
        return Promise.all(keys.filter(function (k) { return k.indexOf("mcof-") === 0; }).map(function (k) { return caches.delete(k); }));
      }));
    }
    return Promise.all(done);
  }

  var workers = "serviceWorker" in navigator ? navigator.serviceWorker : null;
  if (!keyUrl) {
    // Nobody signed in: nothing of the last session stays, not even the service worker and its shell.
    var unregister = workers ? workers.getRegistrations().then(function (list) {
      return Promise.all(list.map(function (r) { return r.unregister(); }));
    }) : Promise.resolve();
    wipe().then(function () { return unregister; }).then(wipe).catch(function () {}).then(function () {
      document.documentElement.setAttribute("data-offline-wiped", "true");
    });
    return;
  }
  if (workers && body.getAttribute("data-service-worker")) {
    workers.register(body.getAttribute("data-service-worker"), { scope: "/" }).catch(function () {});
  }

  // Logout wipes before it goes (the logout answer's Clear-Site-Data does it again).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-offline-wipe") || form.getAttribute("data-wiped")) { return; }
    event.preventDefault();
    pending().then(function (count) {
      if (count && !window.confirm(form.getAttribute("data-offline-wipe"))) { return null; }
      return wipe().then(function () { form.setAttribute("data-wiped", "1"); form.submit(); });
    });
  });
  function pending() {  // how many registrations wait, without making the database where there is none
    if (!indexedDB.databases) { return Promise.resolve(0); }
    return indexedDB.databases().then(function (list) {
      if (!list.some(function (d) { return d.name === DB; })) { return 0; }
      return withStore("readonly", function (store) { return store.count(); });
    }).catch(function () { return 0; });
  }

  // The idle timeout: this long without a key or a touch, what was kept is wiped.
  var idleSeconds = parseInt(body.getAttribute("data-idle-seconds"), 10);
  if (idleSeconds > 0) {
    var lastActive = Date.now();
    ["keydown", "pointerdown", "input"].forEach(function (name) {
      document.addEventListener(name, function () { lastActive = Date.now(); }, { passive: true });
    });
    setInterval(function () {
      if (Date.now() - lastActive >= idleSeconds * 1000) { wipe().then(function () { location.reload(); }); }
    }, 15000);
  }

  if (!document.querySelector("form[data-offline-queue]")) {
    // Fetched once per tab on any page, so the form kept offline can use it with no connection.
    if (!sessionStorage.getItem(KEY_ITEM) && navigator.onLine) {
      fetch(keyUrl, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
        return r.ok && !r.redirected ? r.json().then(function (d) { sessionStorage.setItem(KEY_ITEM, d.key); }) : null;
      }).catch(function () {});
    }
    return;
  }

  var strings = JSON.parse(document.getElementById("offline-strings").textContent);
  var cryptoKey = null;

  // --- Encryption with the session's key -------------------------------------------------------
  function fromBase64(text) { return Uint8Array.from(atob(text), function (c) { return c.charCodeAt(0); }); }
  function importKey(text) {
    return crypto.subtle.importKey("raw", fromBase64(text), "AES-GCM", false, ["encrypt", "decrypt"]);
  }
  function seal(record) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var plain = new TextEncoder().encode(JSON.stringify(record));
    return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, cryptoKey, plain).then(function (ct) { return { iv: iv, ct: ct }; });
  }
  function unseal(row) {
    return crypto.subtle.decrypt({ name: "AES-GCM", iv: row.iv }, cryptoKey, row.ct).then(function (plain) {
      var record = JSON.parse(new TextDecoder().decode(plain));
      record.id = row.id;
      return record;
    });
  }
  function sessionKey() {
    var kept = sessionStorage.getItem(KEY_ITEM);
    return fetch(keyUrl, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } }).then(function (response) {
      if (response.redirected || response.status === 401 || response.status === 403) {
        return wipe().then(function () { say(strings.signed_out); return false; });
      }
      if (!response.ok) { return kept; }
      return response.json().then(function (data) {
        // Another session's key: what it kept cannot be read any more.
        var stale = kept && kept !== data.key ? wipe() : Promise.resolve();
        return stale.then(function () { sessionStorage.setItem(KEY_ITEM, data.key); return data.key; });
      });
    }, function () { return kept; });  // no connection: the key this tab was given
  }

  // --- The queue in IndexedDB ------------------------------------------------------------------
  function withStore(mode, work) {
    return new Promise(function (resolve, reject) {
      var opening = indexedDB.open(DB, 1);
      opening.onupgradeneeded = function () { opening.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true }); };
      opening.onerror = function () { reject(opening.error); };
      opening.onsuccess = function () {
        var db = opening.result;
        var tx = db.transaction(STORE, mode);
        var request = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      };
    });
  }
  function keep(record) {
    var id = record.id;
    delete record.id;
    return seal(record).then(function (sealed) {
      if (id) { sealed.id = id; }
      return withStore("readwrite", function (store) { return store.put(sealed); });
    }).then(function (newId) { record.id = newId; return newId; });
  }
  function drop(id) { return withStore("readwrite", function (store) { return store.delete(id); }); }
  function records() {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (rows) {
      return Promise.all(rows.map(function (row) {
        return unseal(row).catch(function () { return drop(row.id).then(function () { return null; }); });
      }));
    }).then(function (list) { return list.filter(Boolean); });
  }

  // --- The form --------------------------------------------------------------------------------
  function theForm() { return document.querySelector("form[data-offline-queue]"); }
  function fieldsOf(form) {
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.name === "csrfmiddlewaretoken" || /^(submit|button|reset|file)$/.test(el.type)) { return; }
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) { return; }
      if (el.type === "select-multiple") {
        Array.prototype.forEach.call(el.selectedOptions, function (o) { fields.push([el.name, o.value]); });
      } else {
        fields.push([el.name, el.value]);
      }
    });
    return fields;
  }
  function fill(form, fields) {
    form.reset();
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken") { return; }
      var values = fields.filter(function (f) { return f[0] === el.name; }).map(function (f) { return f[1]; });
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values.indexOf(el.value) !== -1;
      } else if (el.type === "select-multiple") {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) !== -1; });
      } else if (values.length && !/^(submit|button|reset|file)$/.test(el.type)) {
        el.value = values[0];
      }
    });
  }
  function csrfToken() {
    var input = theForm().querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function freshCsrfToken(url) {
    return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (r) { return r.text(); }).then(function (html) {
      var input = new DOMParser().parseFromString(html, "text/html").querySelector("[name=csrfmiddlewaretoken]");
      if (input) { theForm().querySelector("[name=csrfmiddlewaretoken]").value = input.value; }
    });
  }
  function errorsOf(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var items = doc.querySelectorAll("[data-error-summary] li");
    var errors = Array.prototype.map.call(items, function (li) { return li.textContent.trim(); }).filter(Boolean);
    return errors.length ? errors : [(doc.body ? doc.body.textContent : html).trim().slice(0, 300)];
  }

  // --- Sending ---------------------------------------------------------------------------------
  function post(record) {
    var data = new URLSearchParams();
    record.fields.forEach(function (f) { data.append(f[0], f[1]); });
    return fetch(record.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Idempotency-Key": record.key, "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
      body: data.toString()
    }).then(function (response) {
      if (response.redirected && new URL(response.url).pathname === new URL(loginUrl, location.href).pathname) {
        return { signedOut: true };
      }
      if (response.ok && response.redirected) { return { sent: true, url: response.url }; }
      if (response.status === 403) { return { forbidden: true, response: response }; }
      if (response.status >= 400 && response.status < 500 && response.status !== 409 && response.status !== 429) {
        return response.text().then(function (html) { return { refused: true, html: html }; });
      }
      return { later: true };  // a server error, a request still in progress, or no redirect: try again later
    }, function () { return { later: true }; });  // no connection
  }
  function send(record) {
    return post(record).then(function (outcome) {
      if (!outcome.forbidden) { return outcome; }
      // A token from a page kept offline may be stale: ask for a fresh one, once.
      return freshCsrfToken(record.url).then(function () { return post(record); }, function () { return { later: true }; }).then(function (again) {
        return again.forbidden ? again.response.text().then(function (html) { return { refused: true, html: html }; }) : again;
      });
    });
  }

  var flushing = false;
  function flush() {
    if (flushing || !cryptoKey || !navigator.onLine) { return Promise.resolve(); }
    flushing = true;
    var run = function () {
      return records().then(function (list) {
        var waiting = list.filter(function (r) { return !r.errors; });
        if (!waiting.length) { return null; }
        say(strings.sending);
        return waiting.reduce(function (chain, record) {
          return chain.then(function (stop) {
            if (stop) { return stop; }
            return send(record).then(function (outcome) {
              if (outcome.sent) { return drop(record.id).then(function () { return false; }); }
              if (outcome.refused) { record.errors = errorsOf(outcome.html); return keep(record).then(function () { return false; }); }
              if (outcome.signedOut) { say(strings.signed_out); return "signed_out"; }
              return "later";
            });
          });
        }, Promise.resolve(false));
      });
    };
    var locked = navigator.locks ? navigator.locks.request("mcof-offline-queue", run) : run();
    return locked.then(function (stop) {
      flushing = false;
      return render().then(function (left) {
        if (stop === false && !left.length) { say(strings.sent); }
        else if (stop === "later") { say(strings.kept); }
      });
    }, function () { flushing = false; });
  }

  // --- What the page shows ---------------------------------------------------------------------
  function say(text) {
    var status = document.querySelector("[data-offline-status]");
    if (status) { status.textContent = text || ""; }
  }
  function waitingText(count) {
    var rules = new Intl.PluralRules(document.documentElement.lang || "en");
    var form = rules.select(count);
    var sample = strings.waiting.filter(function (s) { return rules.select(s[0]) === form; })[0] || strings.waiting[strings.waiting.length - 1];
    return sample[1].replace("%(count)s", count.toLocaleString(document.documentElement.lang || undefined));
  }
  function button(text, label, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "secondary outline";
    b.textContent = text;
    b.setAttribute("aria-label", text + " · " + label);
    b.addEventListener("click", action);
    return b;
  }
  function item(record) {
    var li = document.createElement("li");
    li.setAttribute("data-offline-item", "");
    var value = function (name) { var f = record.fields.filter(function (x) { return x[0] === name; })[0]; return f ? f[1] : ""; };
    var name = (value("given_name") + " " + value("family_name")).trim() || strings.unnamed;
    var title = document.createElement("strong");
    title.textContent = name;
    li.appendChild(title);
    var state = document.createElement("span");
    state.className = record.errors ? "offline-refused" : "offline-waiting";
    state.textContent = " · " + (record.errors ? strings.refused : strings.waiting_item);
    li.appendChild(state);
    if (record.errors) {
      var errors = document.createElement("ul");
      errors.className = "field-error";
      record.errors.forEach(function (e) { var x = document.createElement("li"); x.textContent = e; errors.appendChild(x); });
      li.appendChild(errors);
    }
    li.appendChild(button(strings.correct, name, function () {
      var form = theForm();
      fill(form, record.fields);
      drop(record.id).then(render).then(function () {
        var first = form.querySelector("input:not([type=hidden]), select, textarea");
        if (first) { first.focus(); }
      });
    }));
    li.appendChild(button(strings.remove, name, function () { drop(record.id).then(render); }));
    return li;
  }
  function render() {
    return records().then(function (list) {
      var section = document.getElementById("offline-queue");
      if (!section) { return list; }
      section.hidden = !list.length;
      section.querySelector("[data-offline-count]").textContent = waitingText(list.length);
      var ol = section.querySelector("[data-offline-items]");
      ol.replaceChildren.apply(ol, list.map(item));
      return list;
    });
  }
  function showAnswer(html) {
    // The server refused a registration sent at once: its page, with the errors, replaces this one's.
    var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("main");
    var main = document.querySelector("main");
    if (!fresh || !main) { return; }
    main.replaceWith(fresh);
    if (window.htmx) { window.htmx.process(fresh); }
    render();
    var summary = fresh.querySelector("[data-error-summary]");
    if (summary) { summary.setAttribute("tabindex", "-1"); summary.focus(); }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-offline-queue]") || !cryptoKey) { return; }  // without a key: sent as usual
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") { return; }
    form.setAttribute("aria-busy", "true");
    var record = {
      key: crypto.randomUUID(),
      url: new URL(form.getAttribute("action") || location.pathname, location.href).pathname,
      fields: fieldsOf(form),
      queued_at: new Date().toISOString()
    };
    var queued = function () {
      form.removeAttribute("aria-busy");
      form.reset();
      return render().then(function () { say(strings.kept); });
    };
    // Kept before it is sent: a connection that drops during the sending loses nothing.
    keep(record).then(function () {
      if (!navigator.onLine) { return queued(); }
      say(strings.sending);
      return send(record).then(function (outcome) {
        if (outcome.sent) { return drop(record.id).then(function () { location.assign(outcome.url); }); }
        if (outcome.refused) {
          return drop(record.id).then(function () { form.removeAttribute("aria-busy"); say(""); showAnswer(outcome.html); });
        }
        if (outcome.signedOut) { form.removeAttribute("aria-busy"); say(strings.signed_out); return render(); }
        return queued();
      });
    }).catch(function () { form.removeAttribute("aria-busy"); });
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-offline-send]")) { flush(); }
  });
  window.addEventListener("online", flush);
  setInterval(function () { if (navigator.onLine) { flush(); } }, 30000);

  sessionKey().then(function (text) {
    if (!text) { if (text !== false) { say(strings.no_key); } return null; }
    return importKey(text).then(function (k) { cryptoKey = k; });
  }).then(function () {
    if (!cryptoKey) { return null; }
    return render().then(flush);
  }).catch(function () {}).then(function () {
    document.documentElement.setAttribute("data-offline-ready", cryptoKey ? "true" : "false");
  });
})();
