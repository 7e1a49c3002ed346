// The field form's service worker, served at /sw.js and registered for the scope /field only.
//
// It keeps the form's page (the "shell") and the assets it links, so that the form opens without signal: the page
// network-first (a fresh page when the network answers, the kept one when it does not, or when it is too slow), the
// versioned assets cache-first. It keeps nothing else: API answers and the other pages, which carry personal data,
// pass to the network untouched. When the server says no one is signed in, the kept page is dropped, so a shared
// phone does not open the last user's form.
//
// Where the browser has Background Sync, it also sends the outbox (outbox.js) when the signal returns, even if the
// page has been closed.

import { SHELL_CACHE as CACHE, SYNC_TAG, flush, whoAmI } from './outbox';

const SHELL = '/field';
// On a weak signal, how long the page waits for the network before the kept copy is shown.
const NETWORK_WAIT_MS = 6000;

self.addEventListener('install', () => {
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name !== CACHE && name.startsWith('sinergi-field')) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

function isShellAsset(path) {
  return path.startsWith('/assets/') || path === '/favicon.svg';
}

async function fetchPage(request, url) {
  const response = await fetch(request);
  const cache = await caches.open(CACHE);
  if (response.type === 'opaqueredirect' || response.redirected) {
    // Sent to the sign-in page: the session is over, and its page with it.
    await cache.delete(SHELL);
  } else if (response.ok && url.search === '') {
    await cache.put(SHELL, response.clone());
  }
  return response;
}

function page(event, url) {
  const network = fetchPage(event.request, url);
  event.waitUntil(network.catch(() => undefined));
  return new Promise((resolve, reject) => {
    let settled = false;
    const kept = async (error) => {
      if (settled) return;
      const cached = await caches.match(SHELL, { cacheName: CACHE, ignoreVary: true });
      if (settled) return;
      if (cached) {
        settled = true;
        resolve(cached);
      } else if (error) {
        settled = true;
        reject(error);
      }
    };
    network.then(
      (response) => {
        if (!settled) {
          settled = true;
          resolve(response);
        }
      },
      (error) => kept(error),
    );
    setTimeout(() => kept(null), NETWORK_WAIT_MS);
  });
}

async function asset(request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request, { ignoreVary: true });
  if (hit) return hit;
  const response = await fetch(request);
  // Assets are public and their URLs carry their version (`?v=`): a kept copy never goes stale.
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    if (url.pathname === SHELL) event.respondWith(page(event, url));
    return;
  }
  if (isShellAsset(url.pathname)) event.respondWith(asset(request));
  // Anything else (the API above all) is not answered here: the browser sends it to the network as usual.
});

// The page asks for its shell to be kept: the page itself (fetched afresh, without query) and the assets it links.
// Assets of earlier versions are dropped.
async function keepShell(urls) {
  const wanted = new Set([SHELL]);
  for (const u of urls) {
    const url = new URL(u, self.location.origin);
    if (url.origin === self.location.origin && isShellAsset(url.pathname)) wanted.add(url.pathname + url.search);
  }
  const cache = await caches.open(CACHE);
  for (const path of wanted) {
    if (path !== SHELL && (await cache.match(path, { ignoreVary: true }))) continue;
    const response = await fetch(path, { credentials: 'same-origin', cache: 'no-store' });
    if (path === SHELL && (response.redirected || !response.ok)) {
      await cache.delete(SHELL);
      throw new Error('not signed in');
    }
    if (!response.ok) throw new Error(`HTTP ${response.status} for ${path}`);
    await cache.put(path, response);
  }
  for (const request of await cache.keys()) {
    const url = new URL(request.url);
    if (!wanted.has(url.pathname + url.search)) await cache.delete(request);
  }
}

self.addEventListener('message', (event) => {
  const data = event.data || {};
  const port = event.ports && event.ports[0];
  if (data.type !== 'cache-shell' || !Array.isArray(data.urls)) return;
  event.waitUntil(
    keepShell(data.urls).then(
      () => port && port.postMessage({ ok: true }),
      (error) => port && port.postMessage({ ok: false, error: String(error) }),
    ),
  );
});

async function tell(outcome) {
  const clients = await self.clients.matchAll({ includeUncontrolled: true, type: 'window' });
  for (const client of clients) {
    client.postMessage({ type: 'outbox-changed', sent: outcome.sent, failed: outcome.failed, stopped: outcome.stopped });
  }
}

async function syncOutbox() {
  // Throws when the server cannot be reached: the browser then tries again later.
  const me = await whoAmI();
  if (!me) return; // no one signed in: the page sends after the next sign-in
  const outcome = await flush(me);
  if (outcome.sent.length || outcome.failed.length) await tell(outcome);
  if (outcome.stopped === 'offline' || outcome.stopped === 'server') throw new Error(`outbox not sent: ${outcome.stopped}`);
}

self.addEventListener('sync', (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(syncOutbox());
});
