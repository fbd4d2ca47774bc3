/* Working with no connection (docs/architecture.md "Offline").
   - Every page registers the service worker (/sw.js), which keeps the shell, the registration form and
     the boarding checklist's empty frame.
   - The registration form (form[data-offline-queue]) is sent by this script: each registration is first
     kept in IndexedDB, encrypted (AES-GCM) with the session's key (/accounts/offline-key/, kept in
     sessionStorage only), then sent with its own Idempotency-Key; with no connection, or when the
     connection drops during the sending, it stays in the queue shown above the form and is sent, in
     order, when the connection returns. A registration the server refuses stays with its errors until
     it is corrected or removed.
   - The boarding checklist ([data-boarding]): opened online while the movement boards, its rows are
     kept encrypted in IndexedDB (one copy per movement, replaced at each opening, dropped once the
     movement no longer boards), so that opened offline the service worker's empty frame is filled
     with them. Each tap (form[data-offline-mark]) is a mark queued like a registration: kept
     encrypted, sent in order with its own Idempotency-Key, shown on its row while it waits, and with
     the server's error when refused.
   - A page with nobody signed in, the logout button and the idle timeout wipe all of it. */
(function () {
  "use strict";
  var DB = "mcof-offline";
  var DB_VERSION = 2;
  var STORE = "queue";  // the registrations waiting
  var MARKS = "marks";  // the boarding marks waiting
  var MANIFESTS = "manifests";  // the boarding checklists kept, one per movement (keyed by its id)
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
  function pending() {  // how many records wait, without making the database where there is none
    if (!indexedDB.databases) { return Promise.resolve(0); }
    return indexedDB.databases().then(function (list) {
      if (!list.some(function (d) { return d.name === DB; })) { return 0; }
      // A refused mark is not waiting (its row only tells of it): the logout does not ask for it.
      return Promise.all([
        withStore(STORE, "readonly", function (store) { return store.count(); }),
        withStore(MARKS, "readonly", function (store) { return store.getAll(); })
      ]).then(function (found) { return found[0] + found[1].filter(function (row) { return !row.settled; }).length; });
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

  var boarding = document.querySelector("[data-boarding]");
  if (!document.querySelector("form[data-offline-queue]") && !boarding) {
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
  function withStore(name, mode, work) {
    return new Promise(function (resolve, reject) {
      var opening = indexedDB.open(DB, DB_VERSION);
      opening.onupgradeneeded = function () {
        var db = opening.result;
        [STORE, MARKS].forEach(function (queue) {
          if (!db.objectStoreNames.contains(queue)) { db.createObjectStore(queue, { keyPath: "id", autoIncrement: true }); }
        });
        if (!db.objectStoreNames.contains(MANIFESTS)) { db.createObjectStore(MANIFESTS, { keyPath: "id" }); }
      };
      opening.onerror = function () { reject(opening.error); };
      opening.onsuccess = function () {
        var db = opening.result;
        var tx = db.transaction(name, mode);
        var request = work(tx.objectStore(name));
        tx.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      };
    });
  }
  function keep(record, name) {
    name = name || STORE;
    var id = record.id;
    delete record.id;
    return seal(record).then(function (sealed) {
      if (id) { sealed.id = id; }
      if (name === MARKS && record.errors) { sealed.settled = true; }  // refused: nothing left to send
      return withStore(name, "readwrite", function (store) { return store.put(sealed); });
    }).then(function (newId) { record.id = newId; return newId; });
  }
  function drop(id, name) { return withStore(name || STORE, "readwrite", function (store) { return store.delete(id); }); }
  function records(name) {
    name = name || STORE;
    return withStore(name, "readonly", function (store) { return store.getAll(); }).then(function (rows) {
      return Promise.all(rows.map(function (row) {
        return unseal(row).catch(function () { return drop(row.id, name).then(function () { return null; }); });
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
  var freshToken = "";
  function csrfToken() {
    var input = (theForm() || document).querySelector("[name=csrfmiddlewaretoken]");
    return freshToken || (input ? input.value : "");
  }
  function freshCsrfToken(url) {
    return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (r) { return r.text(); }).then(function (html) {
      var input = new DOMParser().parseFromString(html, "text/html").querySelector("[name=csrfmiddlewaretoken]");
      if (input) { freshToken = input.value; }
    });
  }
  function errorsOf(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var items = doc.querySelectorAll("[data-error-summary] li");
    var errors = Array.prototype.map.call(items, function (li) { return li.textContent.trim(); }).filter(Boolean);
    var whole = doc.querySelector("main") || doc.body;
    return errors.length ? errors : [(whole ? whole.textContent : html).replace(/\s+/g, " ").trim().slice(0, 300)];
  }

  // --- Sending ---------------------------------------------------------------------------------
  function post(record) {
    var data = new URLSearchParams();
    record.fields.forEach(function (f) { data.append(f[0], f[1]); });
    var headers = { "Idempotency-Key": record.key, "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" };
    if (record.kind === "mark") { headers["HX-Request"] = "true"; }  // the answer is the passenger's row
    return fetch(record.url, {
      method: "POST",
      credentials: "same-origin",
      headers: headers,
      body: data.toString()
    }).then(function (response) {
      if (response.redirected && new URL(response.url).pathname === new URL(loginUrl, location.href).pathname) {
        return { signedOut: true };
      }
      if (record.kind === "mark" && response.ok && !response.redirected) {
        return response.text().then(function (html) { return { sent: true, html: html }; });
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
      return freshCsrfToken(record.page || record.url).then(function () { return post(record); }, function () { return { later: true }; }).then(function (again) {
        return again.forbidden ? again.response.text().then(function (html) { return { refused: true, html: html }; }) : again;
      });
    });
  }

  // The outcome of one record sent: false to go on with the next, else why the sending stops.
  function registrationSent(record, outcome) {
    if (outcome.sent) { return drop(record.id).then(function () { return false; }); }
    if (outcome.refused) { record.errors = errorsOf(outcome.html); return keep(record).then(function () { return false; }); }
    if (outcome.signedOut) { say(strings.signed_out); return "signed_out"; }
    return "later";
  }
  function markSent(record, outcome) {
    if (outcome.sent) {
      var answer = fragment(outcome.html);
      var error = answer.querySelector("[data-mark-error]");
      if (error) { error.remove(); }
      showRow(record, answer);
      if (!error) { return drop(record.id, MARKS).then(function () { return false; }); }
      refusedNow = true;
      record.errors = [error.textContent.trim()];
      return keep(record, MARKS).then(function () { return false; });
    }
    if (outcome.refused) {
      refusedNow = true;
      record.errors = errorsOf(outcome.html);
      return keep(record, MARKS).then(function () { return false; });
    }
    if (outcome.signedOut) { say(strings.signed_out); return "signed_out"; }
    return "later";
  }

  var refusedNow = false;  // a mark refused in this sending: said once in the status, not at each render
  var flushing = false;
  var flushAgain = false;
  function flush() {
    if (!cryptoKey || !navigator.onLine) { return Promise.resolve(); }
    if (flushing) { flushAgain = true; return Promise.resolve(); }
    flushing = true;
    var name = boarding ? MARKS : STORE;
    var run = function () {
      return records(name).then(function (list) {
        var waiting = list.filter(function (r) { return !r.errors; });
        if (!waiting.length) { return null; }
        say(strings.sending);
        return waiting.reduce(function (chain, record) {
          return chain.then(function (stop) {
            if (stop) { return stop; }
            return send(record).then(function (outcome) {
              return (boarding ? markSent : registrationSent)(record, outcome);
            });
          });
        }, Promise.resolve(false));
      });
    };
    var locked = navigator.locks ? navigator.locks.request("mcof-offline-queue", run) : run();
    return locked.then(function (stop) {
      flushing = false;
      return render().then(function (left) {
        if (refusedNow) { refusedNow = false; say(strings.marks_refused); }
        else if (stop === false && !left.length) { say(boarding ? strings.marks_sent : strings.sent); }
        else if (stop === "later") { say(boarding ? strings.mark_kept : strings.kept); }
        if (stop === false && boarding) { return remember(); }
        return null;
      });
    }, function () { flushing = false; }).then(function () {
      if (flushAgain) { flushAgain = false; return flush(); }
      return null;
    });
  }

  // --- What the page shows ---------------------------------------------------------------------
  function say(text) {
    var status = document.querySelector("[data-offline-status]");
    if (status) { status.textContent = text || ""; }
  }
  function waitingText(count, samples) {
    samples = samples || strings.waiting;
    var rules = new Intl.PluralRules(document.documentElement.lang || "en");
    var form = rules.select(count);
    var sample = samples.filter(function (s) { return rules.select(s[0]) === form; })[0] || samples[samples.length - 1];
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
    if (boarding) { return renderMarks(); }
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

  // --- The boarding checklist ------------------------------------------------------------------
  function movementId() {
    var kept = boarding && boarding.getAttribute("data-boarding");
    var path = location.pathname.match(/^\/movements\/(\d+)\/boarding\/$/);
    return kept || (path ? path[1] : "");
  }
  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  }
  function changed(root) {
    if (window.htmx && root) { window.htmx.process(root); }
    document.dispatchEvent(new CustomEvent("mcof:boarding-changed"));
  }
  function showRow(record, answer) {
    // The server's answer to a mark: the passenger's row and the counts, put in place on this page.
    if (String(record.movement) !== movementId()) { return; }
    var row = answer.querySelector("[data-passenger]");
    var here = document.getElementById("gate-" + record.passenger);
    if (row && here) {
      var focused = here.contains(document.activeElement);
      here.replaceWith(row);
      changed(row);
      var next = focused && row.querySelector("button, summary");
      if (next) { next.focus(); }
    }
    var counts = answer.querySelector("#gate-counts");
    var shown = document.getElementById("gate-counts");
    if (counts && shown) { counts.removeAttribute("hx-swap-oob"); shown.replaceWith(counts); }
  }
  var restored = false;
  function keepsCopy() {
    var shell = boarding && boarding.hasAttribute("data-boarding-shell");
    return boarding && !boarding.hasAttribute("data-boarding-filtered") && (!shell || restored);
  }
  function remember() {
    // The checklist as shown, kept encrypted for this movement while it boards (and only then).
    if (!keepsCopy()) { return Promise.resolve(); }
    var id = movementId();
    if (boarding.getAttribute("data-boarding-status") !== "boarding") {
      return withStore(MANIFESTS, "readwrite", function (store) { return store.delete(id); });
    }
    var parts = {};
    boarding.querySelectorAll("[data-boarding-part]").forEach(function (part) {
      var copy = part.cloneNode(true);
      // Not kept: the notes of the queue, an answer's error, the forms' tokens (the sending takes the page's).
      copy.querySelectorAll("[data-mark-note], [data-mark-error], [name=csrfmiddlewaretoken]").forEach(function (n) { n.remove(); });
      copy.querySelectorAll("[data-passenger][hidden]").forEach(function (n) { n.hidden = false; });
      copy.querySelectorAll("details[open]").forEach(function (n) { n.open = false; });
      parts[part.getAttribute("data-boarding-part")] = copy.outerHTML;
    });
    var copy = { parts: parts, status: "boarding", kept_at: new Date().toISOString() };
    return seal(copy).then(function (sealed) {
      sealed.id = id;
      return withStore(MANIFESTS, "readwrite", function (store) { return store.put(sealed); });
    });
  }
  function restore() {
    // Opened offline: the empty frame is filled with the copy kept for this movement, if any.
    var id = movementId();
    var missing = function () {
      var note = boarding.querySelector("[data-boarding-missing]");
      if (note) { note.textContent = strings.boarding_missing; }
      return null;
    };
    if (!id) { return Promise.resolve(missing()); }
    return withStore(MANIFESTS, "readonly", function (store) { return store.get(id); }).then(function (row) {
      if (!row) { return missing(); }
      return unseal(row).then(function (kept) {
        Object.keys(kept.parts).forEach(function (name) {
          var here = boarding.querySelector('[data-boarding-part="' + name + '"]');
          var part = fragment(kept.parts[name]).firstElementChild;
          if (here && part) { here.replaceWith(part); }
        });
        boarding.setAttribute("data-boarding", id);
        boarding.setAttribute("data-boarding-status", kept.status);
        restored = true;
        changed(boarding);
      }, missing);
    });
  }
  function note(record) {
    var row = document.getElementById("gate-" + record.passenger);
    var name = row ? (row.querySelector("strong") || row).textContent.trim() : "";
    var mark = (record.fields.filter(function (f) { return f[0] === "mark"; })[0] || ["", ""])[1];
    var p = document.createElement("p");
    p.setAttribute("data-mark-note", "");
    p.className = "gate-note " + (record.errors ? "offline-refused field-error" : "offline-waiting");
    var label = (strings.marks[mark] || mark) + " · " + (record.errors ? strings.mark_refused + " " + record.errors.join(" ") : strings.mark_waiting);
    p.appendChild(document.createTextNode(label + " "));
    p.appendChild(button(strings.remove, (strings.marks[mark] || mark) + " · " + name, function () {
      drop(record.id, MARKS).then(render).then(function () {
        var first = row && row.querySelector("button, summary");
        if (first) { first.focus(); }
      });
    }));
    return p;
  }
  function renderMarks() {
    return records(MARKS).then(function (list) {
      var id = movementId();
      var mine = list.filter(function (r) { return String(r.movement) === id; });
      document.querySelectorAll("[data-mark-note]").forEach(function (n) { n.remove(); });
      mine.forEach(function (record) {
        var row = document.getElementById("gate-" + record.passenger);
        if (row) { (row.querySelector(".gate-person") || row).appendChild(note(record)); }
      });
      var waiting = mine.filter(function (r) { return !r.errors; });
      var section = document.getElementById("boarding-queue");
      if (section) {
        section.hidden = !waiting.length;
        section.querySelector("[data-offline-count]").textContent = waitingText(waiting.length, strings.marks_waiting);
      }
      return waiting;
    });
  }

  // Every tap at the gate, with a connection or without, goes through the queue (before htmx sees it).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-offline-mark]") || !cryptoKey) { return; }  // without a key: htmx
    event.preventDefault();
    event.stopPropagation();
    var fields = [];
    if (event.submitter && event.submitter.name) { fields.push([event.submitter.name, event.submitter.value]); }
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && el.name !== "csrfmiddlewaretoken" && !/^(submit|button|reset)$/.test(el.type)) { fields.push([el.name, el.value]); }
    });
    var row = form.closest("[data-passenger]");
    var id = movementId();
    var record = {
      kind: "mark",
      key: crypto.randomUUID(),
      url: new URL(form.getAttribute("action"), location.href).pathname,
      page: "/movements/" + id + "/boarding/",
      movement: id,
      passenger: row ? row.getAttribute("data-passenger") : "",
      fields: fields,
      queued_at: new Date().toISOString()
    };
    var details = form.closest("details");
    if (details) { details.open = false; }
    // Kept before it is sent: a connection that drops during the sending loses nothing.
    keep(record, MARKS).then(render).then(function () {
      if (!navigator.onLine) { say(strings.mark_kept); return null; }
      return flush();
    }).catch(function () {});
  }, true);

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
    if (!text) { if (text !== false && !boarding) { say(strings.no_key); } return null; }
    return importKey(text).then(function (k) { cryptoKey = k; });
  }).then(function () {
    if (!cryptoKey) {
      if (boarding && boarding.hasAttribute("data-boarding-shell")) {
        var note = boarding.querySelector("[data-boarding-missing]");
        if (note) { note.textContent = strings.boarding_missing; }
      }
      return null;
    }
    var ready = !boarding ? Promise.resolve() : boarding.hasAttribute("data-boarding-shell") ? restore() : remember();
    return ready.then(render).then(flush);
  }).catch(function () {}).then(function () {
    document.documentElement.setAttribute("data-offline-ready", cryptoKey ? "true" : "false");
  });
})();
