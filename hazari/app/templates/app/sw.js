// The Hazari app's service worker, version {{ version }}: it keeps the app's files on the
// phone so the app opens without a network. It does not touch the API: attendance waits in
// the page's IndexedDB outbox, which the page uploads itself (on start, on the "online"
// event and by retrying with backoff). Background Sync is not used: Chrome's queue gives up
// on a request that meets a 5xx or a time-out (GoogleChrome/workbox#2599), and an entry
// must never be dropped.
"use strict";

const VERSION = "{{ version }}";
const CACHE = "hazari-app-" + VERSION;
const SHELL = "{{ shell }}";
const SCOPE = "{{ scope }}";
const API = "{{ api }}";
const PRECACHE = {{ precache|safe }};
// Hashed static URLs never change content, so the HTTP cache may answer for them; unhashed
// ones (DEBUG) and the shell are revalidated so the new cache holds the new files.
const HASHED = {{ hashed|safe }};
const PRECACHED = new Set(PRECACHE);

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      cache.addAll(
        PRECACHE.map(
          (url) => new Request(url, { cache: HASHED && url !== SHELL ? "default" : "no-cache" })
        )
      )
    )
  );
  // Take over at once: the files are versioned as a set, and an open page keeps the modules
  // it has already loaded; it gets the new set on its next start.
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((k) => k.startsWith("hazari-app-") && k !== CACHE).map((k) => caches.delete(k))
        )
      )
      .then(() => self.clients.claim())
  );
});

async function fromCache(request, fallback) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(fallback || request);
  return hit || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith(API)) return;
  if (request.mode === "navigate") {
    // The app is one page; its script draws the screen named by the URL's hash.
    if (url.pathname === SCOPE) event.respondWith(fromCache(request, SHELL));
    return;
  }
  if (PRECACHED.has(url.pathname)) event.respondWith(fromCache(request));
});
