// The field form's outbox: reports waiting on the device (IndexedDB) until the server has them. Shared by the page
// (field.js) and the service worker (sw.js), so that both send the same way.
//
// A report gets its idempotency key once, when it is written, and keeps it on every attempt: however often it is
// sent (a lost answer, the page and the service worker at once, a retry after a time-out), the server files it
// once and answers the repeats with the first report (200, `replayed`). A report leaves the outbox only when the
// server has answered 2xx; a refusal of its content (422) keeps it as `failed` for the user to correct or delete,
// and everything else (no signal, a time-out, a session that ended, a busy server) leaves it `queued`.

const DB_NAME = 'sinergi-field';
const DB_VERSION = 1;
const OUTBOX = 'outbox';
const SENT = 'sent';
// Sent reports listed on the device (their reference numbers), newest first; older ones are forgotten.
const KEEP_SENT = 20;
// A weak signal can hold a request for minutes; after this long it counts as failed and is retried later (with
// the same key, so a request that did arrive is not filed twice).
const SEND_TIMEOUT_MS = 30000;
const LOCK = 'sinergi-field-outbox';
export const SYNC_TAG = 'sinergi-field-outbox';
// The service worker's cache of the form's page and assets.
export const SHELL_CACHE = 'sinergi-field-v1';

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(OUTBOX)) db.createObjectStore(OUTBOX, { keyPath: 'key' });
      if (!db.objectStoreNames.contains(SENT)) db.createObjectStore(SENT, { keyPath: 'key' });
    };
    request.onsuccess = () => {
      const db = request.result;
      // A newer version of this code (another tab, an updated worker) may need to upgrade: let it.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error('IndexedDB blocked'));
  });
}

// Runs `work` on the named stores in one transaction and resolves once it has committed.
async function inTransaction(names, mode, work) {
  const db = await openDb();
  try {
    const tx = db.transaction(names, mode);
    const committed = new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error('transaction aborted'));
    });
    const stores = names.map((n) => tx.objectStore(n));
    const result = await work(...stores);
    await committed;
    return result;
  } finally {
    db.close();
  }
}

export function hasStorage() {
  return typeof indexedDB !== 'undefined';
}

// A new idempotency key: a UUID, from `crypto.randomUUID` where the browser has it (secure contexts), else from
// `crypto.getRandomValues` (available everywhere).
export function newKey() {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; // version 4
  b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function queue(item) {
  return inTransaction([OUTBOX], 'readwrite', (outbox) => done(outbox.put(item)));
}

export function update(item) {
  return queue(item);
}

export function remove(key) {
  return inTransaction([OUTBOX], 'readwrite', (outbox) => done(outbox.delete(key)));
}

// The outbox of `user`, oldest first.
export async function waiting(user) {
  const all = await inTransaction([OUTBOX], 'readonly', (outbox) => done(outbox.getAll()));
  return all.filter((i) => i.user === user).sort((a, b) => a.created - b.created);
}

// The reports of `user` that reached the server, newest first.
export async function sent(user) {
  const all = await inTransaction([SENT], 'readonly', (s) => done(s.getAll()));
  return all.filter((i) => i.user === user).sort((a, b) => b.at - a.at);
}

// Moves a report from the outbox to the list of sent ones, in one transaction, and forgets the oldest sent ones.
function delivered(item, filed) {
  const record = {
    key: item.key,
    user: item.user,
    summary: item.summary,
    reference: filed.report.reference,
    replayed: Boolean(filed.replayed),
    at: Date.now(),
  };
  return inTransaction([OUTBOX, SENT], 'readwrite', async (outbox, list) => {
    await done(outbox.delete(item.key));
    await done(list.put(record));
    const all = await done(list.getAll());
    all.sort((a, b) => b.at - a.at);
    for (const old of all.slice(KEEP_SENT)) await done(list.delete(old.key));
    return record;
  });
}

function withLock(work) {
  // One sender at a time across the page, other tabs and the service worker; where the browser has no Web Locks
  // two senders may overlap, which the idempotency key makes harmless.
  if (typeof navigator !== 'undefined' && navigator.locks && typeof navigator.locks.request === 'function') {
    return navigator.locks.request(LOCK, work);
  }
  return work();
}

async function post(item, token) {
  const controller = typeof AbortController === 'function' ? new AbortController() : null;
  const timer = controller ? setTimeout(() => controller.abort(), SEND_TIMEOUT_MS) : null;
  try {
    return await fetch(`/api/v1/reports?lang=${encodeURIComponent(item.lang || 'id')}`, {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': token || '' },
      body: JSON.stringify(item.report),
      signal: controller ? controller.signal : undefined,
    });
  } finally {
    if (timer) clearTimeout(timer);
  }
}

async function json(response) {
  try {
    return await response.json();
  } catch (err) {
    return null;
  }
}

// The signed-in account and its CSRF token, from the server (`null` when no one is signed in). Throws when the
// server cannot be reached.
export async function whoAmI() {
  const response = await fetch('/api/v1/auth/me', { credentials: 'same-origin', cache: 'no-store' });
  if (response.status === 401) return null;
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const me = await response.json();
  return { user: me.username, token: me.csrf_token || '' };
}

// Sends the queued reports of `session.user`, oldest first, until one cannot be sent.
//
// `session.token` is the CSRF token to send; when the server refuses it (the session changed since the page was
// stored), a fresh one is asked for once. Resolves to `{sent, failed, stopped}`: the reports delivered (with
// their reference numbers), those refused now, and why sending stopped early (`offline`, `auth`, `server`) or
// `null` when the outbox of this user was emptied of everything sendable.
export function flush(session) {
  return withLock(async () => {
    const outcome = { sent: [], failed: [], stopped: null };
    const items = (await waiting(session.user)).filter((i) => i.state === 'queued');
    let token = session.token;
    let refreshed = false;
    for (const item of items) {
      let response;
      for (;;) {
        try {
          response = await post(item, token);
        } catch (err) {
          outcome.stopped = 'offline';
          return outcome;
        }
        if (response.status !== 403 || refreshed) break;
        const body = await json(response);
        if (!body || body.code !== 'csrf_failed') break;
        refreshed = true;
        let me = null;
        try {
          me = await whoAmI();
        } catch (err) {
          outcome.stopped = 'offline';
          return outcome;
        }
        if (!me || me.user !== session.user) {
          outcome.stopped = 'auth';
          return outcome;
        }
        token = me.token;
      }
      if (response.ok) {
        const filed = await json(response);
        if (!filed || !filed.report) {
          // The answer was cut off: the report may be filed. It stays queued; the next attempt, with the same key,
          // gets the first report back.
          outcome.stopped = 'offline';
          return outcome;
        }
        outcome.sent.push(await delivered(item, filed));
      } else if ([400, 413, 415, 422].includes(response.status)) {
        // The content is at fault: sending it again would fail again. It waits for the user.
        const body = (await json(response)) || {};
        item.state = 'failed';
        item.error = { message: body.message || `HTTP ${response.status}`, fields: body.fields || [] };
        await update(item);
        outcome.failed.push(item);
      } else if (response.status === 401 || response.status === 403) {
        outcome.stopped = 'auth';
        return outcome;
      } else {
        outcome.stopped = 'server';
        return outcome;
      }
    }
    return outcome;
  });
}
