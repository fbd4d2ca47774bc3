{% load static %}{% autoescape off %}/* The offline service worker, served at /sw.js (core.views.service_worker) so that its scope is the
   whole site. It keeps the application shell (styles, scripts, icon), the registration form and the
   boarding checklist's empty frame, the pages needed to register a migrant and to mark passengers at
   the gate with no connection; it never keeps a person's page, a list or an API answer, which go to
   the network as without it. A boarding checklist (/movements/<pk>/boarding/) goes to the network
   too and is not kept: with no connection it is answered by the empty frame (FALLBACKS), which holds
   no passenger. What is typed offline is not here, nor is the checklist's manifest: static/js/offline.js
   keeps them encrypted in IndexedDB, and the logout and the idle timeout wipe both. */
"use strict";
var CACHE = "mcof-shell-{{ version }}";
var SHELL = {{ shell_json }};
var PAGES = {{ pages_json }};
var FALLBACKS = {{ fallbacks_json }}.map(function (f) { return [new RegExp(f[0]), f[1]]; });

self.addEventListener("install", function (event) {
  // The shell, and the offline pages this person may open (one refused or sent to the sign-in is left out).
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(SHELL).then(function () {
      return Promise.all(PAGES.map(function (path) {
        return fetch(path, { credentials: "same-origin" }).then(function (response) {
          return response.ok && !response.redirected ? cache.put(path, response) : null;
        }, function () { return null; });
      }));
    });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) { return key.indexOf("mcof-") === 0 && key !== CACHE; })
      .map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

function keep(path, response) {
  var copy = response.clone();
  return caches.open(CACHE).then(function (cache) { return cache.put(path, copy); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (SHELL.indexOf(url.pathname) !== -1) {
    // The shell: from the cache, else the network (and kept).
    event.respondWith(caches.match(url.pathname, { ignoreVary: true }).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok) { event.waitUntil(keep(url.pathname, response)); }
        return response;
      });
    }));
  } else if (request.mode === "navigate" && PAGES.indexOf(url.pathname) !== -1 && !url.search) {
    // The offline pages: from the network (and kept), else the copy kept.
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok && !response.redirected) { event.waitUntil(keep(url.pathname, response)); }
      return response;
    }, function () {
      return caches.match(url.pathname, { ignoreVary: true }).then(function (hit) { return hit || Response.error(); });
    }));
  } else if (request.mode === "navigate") {
    // A page answered offline by a kept frame with no person in it: from the network, never kept.
    var frame = FALLBACKS.filter(function (f) { return f[0].test(url.pathname); })[0];
    if (!frame) { return; }
    event.respondWith(fetch(request).catch(function () {
      return caches.match(frame[1], { ignoreVary: true }).then(function (hit) { return hit || Response.error(); });
    }));
  }
});
{% endautoescape %}
