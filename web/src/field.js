// The field form (/field), for a phone with a weak signal. A report is written to the device's outbox (IndexedDB)
// first and sent from there: at once if the signal allows, else when it returns (the `online` event, the next page
// load, every 30 seconds while the page is open, and Background Sync in the service worker where the browser has
// it). Each report keeps the idempotency key it got when written, so the server files it once however often it is
// sent (see outbox.js). Without this script the form posts to the server like any other form.
//
// The service worker (sw.js, scope /field) keeps this page and its assets, so that the form opens without signal.

import './app.css';
import './field.css';
import { fmtNumber, fmtTime } from './format';
import { initMenu, initScrollingTables } from './menu';
import { SHELL_CACHE, SYNC_TAG, flush, hasStorage, newKey, queue, remove, sent, waiting } from './outbox';

const RETRY_MS = 30000;
const SENT_SHOWN = 5;
// A TPS further than this from the phone is not offered as "the nearest".
const NEAREST_MAX_M = 1000;
const WIB_OFFSET_MS = 7 * 3600 * 1000;

function fill(template, args) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in args ? String(args[name]) : whole));
}

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function pad(n) {
  return String(n).padStart(2, '0');
}

// Now on the device's clock, as a `datetime-local` value.
function localNow() {
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// A `datetime-local` value (the device's zone) as the API takes it: `YYYY-MM-DD HH:MM` in WIB. Officers in WITA
// and WIT type their own time; this converts it.
function toWib(value) {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return value;
  const w = new Date(at.getTime() + WIB_OFFSET_MS);
  return `${w.getUTCFullYear()}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())} ${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}`;
}

// The reverse, for putting a stored report back into the form.
function fromWib(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})/.exec(text || '');
  if (!m) return localNow();
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) - WIB_OFFSET_MS);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// The device's time zone by its Indonesian name.
function zoneName() {
  const hours = -new Date().getTimezoneOffset() / 60;
  return { 7: 'WIB', 8: 'WITA', 9: 'WIT' }[hours] || `UTC${hours >= 0 ? '+' : ''}${hours}`;
}

// Metres between two points (haversine).
function metres(lat1, lng1, lat2, lng2) {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2
    + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lng2 - lng1) * rad) / 2) ** 2;
  return 2 * 6371000 * Math.asin(Math.sqrt(a));
}

// The territory's villages and TPS (/field/places), kept on the device per account so that the form finds a
// village by name, a TPS by number and the nearest TPS without signal. Asked again with the version kept: the
// server answers 304 when nothing changed.
function placesKey(user) {
  return `sinergi-places:${user}`;
}

function keptPlaces(user) {
  try {
    return JSON.parse(localStorage.getItem(placesKey(user)) || 'null');
  } catch (err) {
    return null;
  }
}

async function refreshPlaces(user) {
  const kept = keptPlaces(user);
  const headers = { Accept: 'application/json' };
  if (kept && kept.etag) headers['If-None-Match'] = kept.etag;
  const response = await fetch('/field/places', { headers, credentials: 'same-origin' });
  if (response.status === 304 && kept) return kept;
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const places = await response.json();
  const entry = { etag: response.headers.get('ETag'), places };
  try {
    localStorage.setItem(placesKey(user), JSON.stringify(entry));
  } catch (err) {
    // A full storage: the list still serves this visit.
  }
  return entry;
}

// How the form's list names a village: with its district, since names repeat.
function villageChoice(v) {
  return v[2] ? `${v[1]} (${v[2]})` : v[1];
}

function pad3(n) {
  return String(n).padStart(3, '0');
}

// Asks the service worker something and waits for its answer.
function ask(worker, message) {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data);
    worker.postMessage(message, [channel.port2]);
  });
}

function init(form) {
  const labels = JSON.parse(document.getElementById('field-labels').textContent);
  const user = form.dataset.user;
  const lang = form.dataset.lang || 'id';
  const f = form.elements;
  const status = document.getElementById('outbox-status');
  const outboxSection = document.getElementById('outbox');
  const outboxList = document.getElementById('outbox-list');
  const sentSection = document.getElementById('sent');
  const sentList = document.getElementById('sent-list');
  const meta = document.querySelector('meta[name="csrf-token"]');
  const token = meta ? meta.content : '';
  let signInNeeded = false;
  let sending = null;
  // The time of the event is the moment of sending unless the officer changed it.
  let timeChosen = Boolean(form.dataset.keep);
  let places = null;
  const villageList = document.getElementById('village-list');
  const tpsList = document.getElementById('tps-list');
  const placesStatus = document.getElementById('places-status');

  document.getElementById('tz').textContent = zoneName();
  // A form the server sent back with its faults keeps what was typed (in WIB, as the server shows it).
  if (!form.dataset.keep) f.occurred_at.value = localNow();
  else document.getElementById('tz').textContent = 'WIB';
  f.occurred_at.addEventListener('input', () => {
    timeChosen = true;
  });
  setInterval(() => {
    if (!timeChosen) f.occurred_at.value = localNow();
  }, 20000);

  // The village typed or chosen, found in the kept list: [index, village] or null.
  function chosenVillage() {
    if (!places) return null;
    const typed = f.village.value.trim().toLowerCase().replace(/\s+/g, ' ');
    if (!typed) return null;
    const exact = places.villages.findIndex((v) => villageChoice(v).toLowerCase() === typed || v[0] === typed);
    if (exact >= 0) return [exact, places.villages[exact]];
    const byName = places.villages.map((v, i) => [i, v]).filter(([, v]) => v[1].toLowerCase() === typed);
    return byName.length === 1 ? byName[0] : null;
  }

  // The TPS numbers of the chosen village, offered in the number field's list.
  function offerTps() {
    tpsList.textContent = '';
    const chosen = chosenVillage();
    if (!chosen) return;
    for (const t of places.tps) {
      if (t[0] !== chosen[0]) continue;
      const option = document.createElement('option');
      option.value = pad3(t[1]);
      option.label = `TPS ${pad3(t[1])} ${chosen[1][1]}`;
      tpsList.appendChild(option);
    }
  }

  function usePlaces(entry) {
    if (!entry || !entry.places) return;
    places = entry.places;
    // The page's own list is the server's; a page kept offline may be older than the kept places.
    if (villageList.options.length === 0 && places.villages.length) {
      for (const v of places.villages) {
        const option = document.createElement('option');
        option.value = villageChoice(v);
        villageList.appendChild(option);
      }
    }
    placesStatus.textContent = fill(labels.places_kept, { villages: fmtNumber(places.villages.length), tps: fmtNumber(places.tps.length) });
    placesStatus.hidden = false;
    document.documentElement.dataset.places = String(places.tps.length);
    offerTps();
  }

  f.village.addEventListener('input', offerTps);
  f.village.addEventListener('change', offerTps);
  usePlaces(keptPlaces(user));
  refreshPlaces(user).then(usePlaces).catch(() => {});

  // The officer's reports and what became of them: fetched when there is signal, the last list kept for when
  // there is none.
  const mineList = document.getElementById('mine-list');
  const mineOffline = document.getElementById('mine-offline');
  const mineKey = `sinergi-mine:${user}`;
  async function refreshMine() {
    try {
      const response = await fetch('/field/mine', { credentials: 'same-origin', headers: { Accept: 'text/html' } });
      if (!response.ok || response.redirected) throw new Error(`HTTP ${response.status}`);
      const html = await response.text();
      mineList.innerHTML = html;
      mineOffline.hidden = true;
      try {
        localStorage.setItem(mineKey, html);
      } catch (err) {
        // Not kept: shown now all the same.
      }
    } catch (err) {
      const kept = localStorage.getItem(mineKey);
      if (kept) mineList.innerHTML = kept;
      mineOffline.hidden = false;
    }
  }

  function say(lines, signIn) {
    status.textContent = '';
    lines.forEach((line, i) => {
      if (i) status.appendChild(document.createElement('br'));
      status.appendChild(document.createTextNode(line));
    });
    if (signIn) {
      status.appendChild(document.createTextNode(' '));
      const link = el('a', labels.sign_in_link);
      link.href = '/login?next=/field';
      status.appendChild(link);
    }
    status.hidden = lines.length === 0;
  }

  function errorText(item) {
    const error = item.error || {};
    const fields = (error.fields || []).map((x) => `${labels.fields[x.field] || x.field}: ${x.message}`);
    return fields.length ? fields.join('; ') : error.message || '';
  }

  function button(text, onClick) {
    const b = el('button', text, 'secondary');
    b.type = 'button';
    b.addEventListener('click', onClick);
    return b;
  }

  // Shows the outbox and the last sent reports; returns how many reports wait to be sent.
  async function render() {
    const items = await waiting(user);
    outboxList.textContent = '';
    for (const item of items) {
      const failed = item.state === 'failed';
      const li = el('li', null, failed ? 'failed' : 'queued');
      li.dataset.key = item.key;
      li.appendChild(el('strong', item.summary));
      li.appendChild(el('span', failed ? labels.state_failed : labels.state_waiting, 'state'));
      if (failed) {
        li.appendChild(el('p', fill(labels.refused, { detail: errorText(item) }), 'error'));
        li.appendChild(el('p', labels.refused_hint, 'small muted'));
      }
      const actions = el('div', null, 'actions');
      if (failed) actions.appendChild(button(labels.edit, () => edit(item)));
      actions.appendChild(button(labels.delete, () => remove(item.key).then(render)));
      li.appendChild(actions);
      outboxList.appendChild(li);
    }
    outboxSection.hidden = items.length === 0;
    const done = (await sent(user)).slice(0, SENT_SHOWN);
    sentList.textContent = '';
    for (const s of done) {
      const li = el('li');
      li.appendChild(el('strong', s.reference, 'reference'));
      li.appendChild(document.createTextNode(` ${s.summary}`));
      sentList.appendChild(li);
    }
    sentSection.hidden = done.length === 0;
    const queued = items.filter((i) => i.state === 'queued').length;
    document.documentElement.dataset.outbox = String(queued);
    document.documentElement.dataset.failed = String(items.length - queued);
    return queued;
  }

  async function report(outcome) {
    const queued = await render();
    if (outcome && outcome.stopped === 'auth') signInNeeded = true;
    // Nothing new to tell: the last message stays.
    if (!outcome && queued === 0) return;
    const lines = [];
    if (outcome && outcome.sent.length) refreshMine();
    if (outcome) {
      for (const s of outcome.sent) lines.push(fill(s.replayed ? labels.replayed : labels.sent, { reference: s.reference }));
      for (const item of outcome.failed) lines.push(fill(labels.refused, { detail: errorText(item) }));
    }
    if (queued > 0) {
      if (signInNeeded) lines.push(labels.sign_in);
      else if (outcome && outcome.stopped === 'server') lines.push(labels.busy);
      else lines.push(labels.queued);
      lines.push(fill(labels.waiting, { count: queued }));
    }
    say(lines, queued > 0 && signInNeeded);
  }

  // Sends what waits, unless a send is under way or the device knows it has no network.
  function send() {
    if (sending) return sending;
    sending = (async () => {
      const queued = (await waiting(user)).some((i) => i.state === 'queued');
      let outcome = null;
      if (queued && !signInNeeded) {
        if (navigator.onLine === false) {
          outcome = { sent: [], failed: [], stopped: 'offline' };
        } else {
          say([labels.sending]);
          outcome = await flush({ user, token });
        }
      }
      await report(outcome);
    })()
      .catch((err) => say([fill(labels.not_saved, { detail: String(err && err.message ? err.message : err) })]))
      .finally(() => {
        sending = null;
      });
    return sending;
  }

  function backgroundSync() {
    if (!('serviceWorker' in navigator)) return;
    navigator.serviceWorker.ready
      .then((registration) => registration.sync && registration.sync.register(SYNC_TAG))
      .catch(() => {});
  }

  function summary() {
    const option = f.category.selectedOptions && f.category.selectedOptions[0];
    const tps = f.tps_number.value.trim();
    const village = f.village.value.trim();
    const place = (village && (tps ? `TPS ${tps} ${village}` : village))
      || [f.lat.value.trim(), f.lng.value.trim()].filter(Boolean).join(', ');
    const at = new Date(f.occurred_at.value);
    const when = Number.isNaN(at.getTime()) ? f.occurred_at.value.replace('T', ' ') : fmtTime(at.getTime());
    return [option ? option.textContent : f.category.value, place, when]
      .filter(Boolean)
      .join(' · ');
  }

  function build() {
    const key = newKey();
    const body = {
      kind: f.kind.value || 'incident',
      category: f.category.value,
      description: f.description.value,
      channel: 'field',
      idempotency_key: key,
    };
    if (f.severity.value) body.severity = f.severity.value;
    if (f.classification.value) body.classification = f.classification.value;
    // The time is fixed now: sent later, the report must still say when it happened.
    body.occurred_at = toWib(timeChosen ? f.occurred_at.value || localNow() : localNow());
    // The village found in the kept list goes by its code; else by its name, found when the report arrives.
    const village = f.village.value.trim();
    const chosen = chosenVillage();
    if (chosen) body.village_code = chosen[1][0];
    else if (/^\d{2}\.\d{2}\.\d{2}\.\d{4}$/.test(village)) body.village_code = village;
    else if (village) body.village_name = village;
    const number = f.tps_number.value.trim().replace(/^tps\s*/i, '');
    if (number) body.tps_number = Number(number);
    const lat = f.lat.value.trim().replace(',', '.');
    const lng = f.lng.value.trim().replace(',', '.');
    if (lat || lng) body.location = { lat: Number(lat), lng: Number(lng) };
    return { key, user, lang, created: Date.now(), state: 'queued', summary: summary(), report: body };
  }

  function edit(item) {
    const r = item.report;
    for (const radio of form.querySelectorAll('input[name="kind"]')) radio.checked = radio.value === (r.kind || 'incident');
    f.category.value = r.category || '';
    f.severity.value = r.severity ? String(r.severity) : '';
    f.classification.value = r.classification || f.classification.options[0].value;
    f.occurred_at.value = fromWib(r.occurred_at);
    timeChosen = true;
    const kept = places && r.village_code ? places.villages.find((v) => v[0] === r.village_code) : null;
    f.village.value = kept ? villageChoice(kept) : r.village_name || r.village_code || '';
    f.tps_number.value = r.tps_number !== undefined ? pad3(r.tps_number) : '';
    offerTps();
    f.lat.value = r.location ? String(r.location.lat) : '';
    f.lng.value = r.location ? String(r.location.lng) : '';
    f.description.value = r.description || '';
    // Corrected, it is a new report with a new key: the refused one was never filed.
    remove(item.key).then(render);
    form.scrollIntoView();
    f.description.focus();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const item = build();
    queue(item).then(
      () => {
        f.category.value = '';
        f.severity.value = '';
        f.classification.selectedIndex = 0;
        f.description.value = '';
        f.occurred_at.value = localNow();
        timeChosen = false;
        render().then(send);
        backgroundSync();
      },
      () => {
        // The device would not store it (private mode, a full disk): post it now, with the same key.
        f.idempotency_key.value = item.key;
        f.occurred_at.value = item.report.occurred_at.replace(' ', 'T');
        form.submit();
      },
    );
  });

  const locate = document.getElementById('locate');
  const where = document.getElementById('location-status');
  if (navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener('click', () => {
      where.textContent = labels.locating;
      navigator.geolocation.getCurrentPosition(
        (position) => {
          const { latitude, longitude, accuracy } = position.coords;
          f.lat.value = latitude.toFixed(5);
          f.lng.value = longitude.toFixed(5);
          const lines = [fill(labels.located, { lat: f.lat.value, lng: f.lng.value, metres: fmtNumber(Math.round(accuracy)) })];
          // The nearest TPS of the territory, chosen for the officer (who may change it).
          let best = null;
          for (const t of (places && places.tps) || []) {
            if (t[3] === 0 && t[4] === 0) continue;
            const d = metres(latitude, longitude, t[3], t[4]);
            if (!best || d < best.d) best = { t, d };
          }
          if (best && best.d <= NEAREST_MAX_M) {
            const v = places.villages[best.t[0]];
            f.village.value = villageChoice(v);
            f.tps_number.value = pad3(best.t[1]);
            offerTps();
            lines.push(fill(labels.nearest, { number: pad3(best.t[1]), village: v[1], metres: fmtNumber(Math.round(best.d)) }));
          } else if (places) {
            lines.push(fill(labels.no_tps_near, { metres: fmtNumber(NEAREST_MAX_M) }));
          }
          where.textContent = lines.join(' · ');
        },
        (err) => {
          where.textContent = fill(labels.no_location, { detail: err.message || String(err.code) });
        },
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 },
      );
    });
  }

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.addEventListener('message', (event) => {
      // The service worker sent (or tried to send) the outbox in the background.
      const data = event.data || {};
      if (data.type === 'outbox-changed') report({ sent: data.sent || [], failed: data.failed || [], stopped: data.stopped });
    });
    navigator.serviceWorker
      .register('/sw.js', { scope: '/field' })
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        const urls = ['/field'];
        for (const node of document.querySelectorAll('link[rel="stylesheet"], link[rel="icon"], script[src]')) {
          urls.push(node.getAttribute('href') || node.getAttribute('src'));
        }
        return ask(registration.active, { type: 'cache-shell', urls });
      })
      .then((answer) => {
        if (answer && answer.ok) {
          document.documentElement.dataset.offline = 'ready';
          document.getElementById('offline-ready').hidden = false;
        }
      })
      // Without a service worker (plain http on a LAN address, an old browser) the outbox still works; the form
      // just does not open without signal.
      .catch(() => {});
  }

  // Signing out here drops the kept page (it carries the user's name and session token) and the kept lists (the
  // territory's places, the officer's reports and what became of them), so that a shared phone does not show them
  // to the next user. The outbox stays: its reports go out when their account signs in again.
  const logout = document.getElementById('logout');
  if (logout && logout.form) {
    logout.form.addEventListener('submit', (event) => {
      event.preventDefault();
      try {
        localStorage.removeItem(placesKey(user));
        localStorage.removeItem(mineKey);
      } catch (err) {
        // Storage refused: nothing was kept.
      }
      const dropped = typeof caches !== 'undefined' ? caches.delete(SHELL_CACHE).catch(() => false) : Promise.resolve();
      dropped.then(() => logout.form.submit());
    });
  }

  window.addEventListener('online', () => {
    send();
    refreshMine();
    refreshPlaces(user).then(usePlaces).catch(() => {});
  });
  refreshMine();
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') send();
  });
  setInterval(() => {
    if (document.visibilityState !== 'hidden') send();
  }, RETRY_MS);
  send();
}

document.addEventListener('DOMContentLoaded', () => {
  initMenu();
  initScrollingTables();
  const form = document.getElementById('field-form');
  // Without IndexedDB there is no outbox: the form then posts itself, as without this script.
  if (form && hasStorage()) init(form);
});
