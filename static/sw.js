// Kỳ họp số service worker (served as /sw.js, scope "/"): keeps the app shell, the meeting's
// published documents and their pages on the tablet, so delegates keep reading when the
// hall's Wi-Fi fails.
//
//   shell  static files + /offline           precached; served from cache, refreshed behind
//   docs   document files ?version=N         only what the bag asks for; immutable per URL
//   pages  bag and viewer pages, notes JSON  network first, the cached copy when offline
//
// Bump VERSION when this file or the shell list changes: the new worker drops the old shell
// cache. Documents live in their own cache (DOCS) so an app update keeps them offline.
const VERSION = "2026-12-3-2";
const SHELL = `kyhopso-shell-${VERSION}`;
const DOCS = "kyhopso-docs-1";
const PAGES = "kyhopso-pages-1";
const NETWORK_TIMEOUT_MS = 5000; // a hall Wi-Fi that is up but dead must not hang the page

const SHELL_URLS = [
  "/offline",
  "/manifest.webmanifest",
  "/static/css/app.css",
  "/static/css/viewer.css",
  "/static/js/app.js",
  "/static/js/pwa.js",
  "/static/js/live.js",
  "/static/js/documents-bag.js",
  "/static/js/documents-live.js",
  "/static/js/viewer.js",
  "/static/js/range-links.js",
  "/static/js/notes.js",
  "/static/img/icon.svg",
  "/static/vendor/socket.io/socket.io.esm.min.js",
  "/static/vendor/pdfjs/pdf.min.mjs",
  "/static/vendor/pdfjs/pdf.worker.min.mjs",
  "/static/vendor/pdfjs/pdf_viewer.mjs",
  "/static/vendor/pdfjs/pdf_viewer.css",
  // Decoders for scanned pages (JBIG2, CCITT fax, JPEG 2000) and ICC colours: PDF.js loads
  // them on demand, and a scan opened for the first time offline still needs them.
  "/static/vendor/pdfjs/wasm/jbig2.wasm",
  "/static/vendor/pdfjs/wasm/jbig2_nowasm_fallback.js",
  "/static/vendor/pdfjs/wasm/openjpeg.wasm",
  "/static/vendor/pdfjs/wasm/openjpeg_nowasm_fallback.js",
  "/static/vendor/pdfjs/wasm/qcms_bg.wasm",
];

const DOCUMENT_FILE = /^\/api\/v1\/documents\/(\d+)\/(file|thumbnail)$/;
// A signed range link (paperless/range_links.py) of a version the bag kept: read the copy.
const RANGE_LINK = /^\/ranges\/(\d+)\/(\d+)\/[0-9a-f]{64}$/;
const NOTES = /^\/api\/v1\/documents\/\d+\/notes$/;
const KEPT_PAGES = [/^\/meetings\/\d+\/documents$/, /^\/documents\/\d+\/view$/];

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL);
    // One by one: a single missing file must not leave the tablet without any shell.
    await Promise.all(SHELL_URLS.map((url) => cache.add(new Request(url, { cache: "reload" }))
      .catch((error) => console.warn("sw: not precached", url, error))));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const current = new Set([SHELL, DOCS, PAGES]);
    for (const name of await caches.keys()) {
      if (name.startsWith("kyhopso-") && !current.has(name)) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

// --- fetch -------------------------------------------------------------------

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    // Logging out removes this person's documents and pages from the tablet.
    if (request.method === "POST" && url.pathname === "/logout") event.waitUntil(forgetPrivate());
    return; // writes always go straight to the network
  }
  const ranged = RANGE_LINK.exec(url.pathname);
  if (ranged) {
    event.respondWith(documentFile(request, `/api/v1/documents/${ranged[1]}/file?version=${ranged[2]}`));
    return;
  }
  if (url.pathname.startsWith("/api/")) {
    if (DOCUMENT_FILE.test(url.pathname) && url.searchParams.has("version")) {
      event.respondWith(documentFile(request));
    } else if (NOTES.test(url.pathname)) {
      event.respondWith(networkFirst(request, { keep: true }));
    }
    return; // the rest of the API (auth included) is never cached
  }
  if (url.pathname.startsWith("/socket.io/")) return;
  if (url.pathname.startsWith("/static/") || SHELL_URLS.includes(url.pathname)) {
    event.respondWith(staticFile(event));
    return;
  }
  const keep = KEPT_PAGES.some((re) => re.test(url.pathname));
  if (keep || request.mode === "navigate") event.respondWith(networkFirst(request, { keep, page: true }));
});

/** A document file: the cached copy when the bag stored one (sliced for Range requests). */
async function documentFile(request, kept = request.url) {
  const cached = await caches.match(new URL(kept, self.location.origin).href,
    { cacheName: DOCS, ignoreVary: true });
  if (!cached) return fetch(request);
  const range = request.headers.get("Range");
  return range ? slice(cached, range) : cached;
}

/** Answer "Range: bytes=a-b" from a full cached response, as the server would (206). */
async function slice(response, range) {
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (!match || (!match[1] && !match[2])) return response;
  const blob = await response.blob();
  const size = blob.size;
  let start;
  let end;
  if (match[1] === "") { // "bytes=-500": the last 500 bytes
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) {
    return new Response(null, { status: 416, headers: { "Content-Range": `bytes */${size}` } });
  }
  return new Response(blob.slice(start, end + 1), {
    status: 206,
    headers: {
      "Content-Type": response.headers.get("Content-Type") || "application/pdf",
      "Content-Range": `bytes ${start}-${end}/${size}`,
      "Content-Length": String(end - start + 1),
      "Accept-Ranges": "bytes",
    },
  });
}

/** Static files: the cached copy at once, refreshed in the background for next time. */
async function staticFile(event) {
  const cache = await caches.open(SHELL);
  const cached = await cache.match(event.request, { ignoreVary: true });
  const network = fetch(event.request).then((response) => {
    if (response.ok && response.type === "basic") cache.put(event.request, response.clone());
    return response;
  });
  if (cached) {
    event.waitUntil(network.catch(() => undefined));
    return cached;
  }
  return network;
}

function usable(response) {
  // A redirect is the login page (session expired): never store it under the page's URL.
  return response.ok && !response.redirected && response.type === "basic";
}

async function cachedPage(request) {
  const url = new URL(request.url);
  const options = { cacheName: PAGES, ignoreVary: true };
  return (await caches.match(request.url, options))
    // /documents/5/view?page=3 offline: the page stored without its query still works.
    || (url.search ? caches.match(url.origin + url.pathname, options) : undefined);
}

/** Pages and notes: the network when it answers in time, else the stored copy, else /offline. */
async function networkFirst(request, { keep, page = false }) {
  const network = fetch(request).then(async (response) => {
    if (keep && usable(response)) {
      const cache = await caches.open(PAGES);
      await cache.put(request.url, response.clone());
    }
    return response;
  });
  network.catch(() => undefined); // when the timeout wins, a late failure is expected
  try {
    const first = await Promise.race([network, delay(NETWORK_TIMEOUT_MS)]);
    if (first) return first;
    return (await cachedPage(request)) || await network;
  } catch {
    const cached = await cachedPage(request);
    if (cached) return cached;
    if (page && request.mode === "navigate") {
      const offline = await caches.match("/offline", { cacheName: SHELL });
      if (offline) return offline;
    }
    return Response.error();
  }
}

function delay(ms) {
  return new Promise((resolve) => { setTimeout(resolve, ms, null); });
}

// --- messages from pages -----------------------------------------------------

const inFlight = new Map(); // url → Promise, so two bags open at once fetch a file once

/** Fetch a document file once, without a Range header, and store it whole. */
function keepFile(cache, url) {
  if (!inFlight.has(url)) {
    const job = (async () => {
      if (await cache.match(url, { ignoreVary: true })) return;
      // The header tells the server this is an offline copy, not the delegate opening it.
      const response = await fetch(url, { credentials: "same-origin",
                                          headers: { "X-Paperless-Offline-Copy": "1" } });
      if (response.status === 200 && !response.redirected) await cache.put(url, response);
    })().catch((error) => console.warn("sw: not kept", url, error))
      .finally(() => inFlight.delete(url));
    inFlight.set(url, job);
  }
  return inFlight.get(url);
}

async function keepPage(url) {
  try {
    const response = await fetch(url, { credentials: "same-origin",
                                        headers: { "X-Paperless-Offline-Copy": "1" } });
    if (usable(response)) await (await caches.open(PAGES)).put(url, response);
  } catch { /* offline: the copy from last time stays */ }
}

/** Files must be this app's immutable document URLs; anything else in the list is ignored. */
function documentUrl(raw) {
  try {
    const url = new URL(raw, self.location.origin);
    const match = DOCUMENT_FILE.exec(url.pathname);
    if (url.origin !== self.location.origin || !match || match[2] !== "file"
        || !/^\d+$/.test(url.searchParams.get("version") || "")) return null;
    return { href: url.pathname + url.search, id: match[1], version: url.searchParams.get("version") };
  } catch {
    return null;
  }
}

async function cacheDocuments({ urls = [], pages = [] }) {
  const docs = await caches.open(DOCS);
  const files = urls.map(documentUrl).filter(Boolean);
  // Two at a time: the hall's uplink is shared by every tablet.
  const queue = [...files];
  const worker = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      await keepFile(docs, file.href);
      await keepFile(docs, `/api/v1/documents/${file.id}/thumbnail?version=${file.version}`);
    }
  };
  await Promise.all([worker(), worker()]);
  const views = files.map((f) => `/documents/${f.id}/view`);
  const ownPages = pages.filter((p) => KEPT_PAGES.some((re) => re.test(p)));
  await Promise.all([...new Set([...ownPages, ...views])].map(keepPage));
  return cachedState(urls);
}

/** Which of these document URLs are stored whole on this device. */
async function cachedState(urls = []) {
  const docs = await caches.open(DOCS);
  const cached = [];
  for (const raw of urls) {
    const file = documentUrl(raw);
    if (file && await docs.match(file.href, { ignoreVary: true })) cached.push(raw);
  }
  return { cached };
}

/** A withdrawn document (or one its reader lost) leaves the tablet: file, thumbnail, page. */
async function forgetDocuments(ids = []) {
  const wanted = new Set(ids.map(String).filter((id) => /^\d+$/.test(id)));
  if (!wanted.size) return;
  for (const name of [DOCS, PAGES]) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const path = new URL(request.url).pathname;
      const match = /^\/(?:api\/v1\/)?documents\/(\d+)\//.exec(path);
      if (match && wanted.has(match[1])) await cache.delete(request);
    }
  }
}

async function forgetPrivate() {
  await Promise.all([caches.delete(DOCS), caches.delete(PAGES)]);
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const port = event.ports[0];
  const reply = (message) => port?.postMessage(message);
  if (data.type === "cache-documents") {
    // Say at once what is already stored (offline, the fetches below may take long to
    // fail), then again once the missing files and pages are kept.
    event.waitUntil(cachedState(data.urls).then(reply)
      .then(() => cacheDocuments(data)).then(reply,
        (error) => reply({ cached: [], error: String(error) })));
  } else if (data.type === "forget-document") {
    event.waitUntil(forgetDocuments(data.ids).then(() => reply({ ok: true })));
  } else if (data.type === "forget-documents") {
    event.waitUntil(forgetPrivate().then(() => reply({ ok: true })));
  }
});
