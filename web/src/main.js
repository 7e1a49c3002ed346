// Sinergi's browser code: small, no framework. Pages are rendered on the server; this file only adds what needs
// a browser, today the Leaflet map. It is bundled with Leaflet by esbuild at build time and served from the
// binary, so nothing is fetched from the internet (command posts may be offline).

import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import 'leaflet.markercluster';
import 'leaflet.markercluster/dist/MarkerCluster.css';
import './app.css';
import { fmtDay, fmtNumber, fmtTime } from './format';
import { initMenu, initScrollingTables } from './menu';

const ACCESS_COLOURS = { road: '#1f6feb', river: '#0f9d8a', sea: '#7b3fe4', foot: '#d9480f' };
// Vulnerability: areas by band, TPS by the severity of their class (0 not vulnerable … 2 very vulnerable).
const BAND_COLOURS = { low: '#bbf7d0', medium: '#fde68a', high: '#fca5a5' };
const SEVERITY_COLOURS = ['#16a34a', '#f59e0b', '#dc2626', '#7f1d1d'];

function text(tag, content, className) {
  const el = document.createElement(tag);
  el.textContent = content;
  if (className) el.className = className;
  return el;
}

function pad3(n) {
  return String(n).padStart(3, '0');
}

// A TPS marker's popup: what the map data carries, then the address and voters from the TPS's own record (the
// map keeps its thousands of markers small).
function tpsPopup(p, labels, villageNames, classes) {
  const box = document.createElement('div');
  box.className = 'tps-popup';
  box.appendChild(text('strong', `TPS ${pad3(p.number)} · ${villageNames.get(p.village_code) || p.village_code}`));
  const record = document.createElement('div');
  box.appendChild(record);
  box.appendChild(text('div', `${labels.access}: ${labels.access_modes[p.access] || p.access}`));
  const named = p.class !== undefined && classes[p.class];
  if (named) {
    box.appendChild(text('div', `${labels.class || 'Kelas'}: ${named.label}${p.disagree ? ' ⚠' : ''}`, 'tps-class'));
  }
  if (p.id !== undefined && labels.tps_href) {
    const link = text('a', labels.tps_link || 'TPS');
    link.href = labels.tps_href.replace('{id}', String(p.id));
    box.appendChild(link);
  }
  if (p.id !== undefined) {
    fetch(`/api/v1/tps/${encodeURIComponent(String(p.id))}`, { headers: { Accept: 'application/json' } })
      .then((r) => (r.ok ? r.json() : null))
      .then((t) => {
        if (!t) return;
        record.appendChild(text('div', t.address));
        record.appendChild(text('div', `${labels.voters}: ${fmtNumber(t.voters)}`));
        if (t.synthetic) record.appendChild(text('div', labels.synthetic, 'synthetic-tag'));
      })
      .catch(() => {});
  }
  return box;
}

function regionPopup(p, labels) {
  const box = document.createElement('div');
  box.appendChild(text('strong', p.name));
  if (p.band) {
    const band = (labels.bands && labels.bands[p.band]) || p.band;
    box.appendChild(text('div', `${labels.index || 'Indeks'}: ${fmtNumber(p.index, 1)} · ${band} · ${fmtNumber(p.assessed_tps)} TPS`));
  }
  return box;
}

// Markers that crowd are drawn as one circle with their number until the map is close enough to tell them apart.
function clusters(className) {
  return L.markerClusterGroup({
    chunkedLoading: false,
    maxClusterRadius: 40,
    disableClusteringAtZoom: 15,
    showCoverageOnHover: false,
    spiderfyOnMaxZoom: false,
    iconCreateFunction: (cluster) => {
      const n = cluster.getChildCount();
      const size = n < 10 ? 'small' : n < 100 ? 'medium' : 'large';
      return L.divIcon({
        html: `<div><span>${fmtNumber(n)}</span></div>`,
        className: `marker-cluster marker-cluster-${size} ${className}`,
        iconSize: L.point(40, 40),
      });
    },
  });
}

// The map's key: what each colour means, for the layers shown.
function legendControl(entries, title) {
  const control = L.control({ position: 'bottomright' });
  control.onAdd = () => {
    const box = L.DomUtil.create('details', 'map-legend');
    // Open on a desk, folded on a phone, where it would cover the map.
    box.open = !window.matchMedia || !window.matchMedia('(max-width: 40rem)').matches;
    const summary = L.DomUtil.create('summary', '', box);
    summary.textContent = title;
    for (const [heading, items] of entries) {
      if (!items.length) continue;
      box.appendChild(text('div', heading, 'legend-heading'));
      for (const [colour, label, shape] of items) {
        const row = L.DomUtil.create('div', 'legend-row', box);
        const swatch = L.DomUtil.create('span', `swatch ${shape || 'dot'}`, row);
        swatch.style.background = shape === 'ring' ? 'transparent' : colour;
        swatch.style.borderColor = colour;
        row.appendChild(document.createTextNode(label));
      }
    }
    L.DomEvent.disableClickPropagation(box);
    return box;
  };
  return control;
}

// The WIB day `days` before today, as the report filters take it (YYYY-MM-DD).
function wibDayBefore(days) {
  const at = new Date(Date.now() + 7 * 3600 * 1000 - days * 86400 * 1000);
  return at.toISOString().slice(0, 10);
}

// The operating picture (/map/{code}, and the vulnerability page's map): areas shaded by their vulnerability
// index, TPS by class (or by access without a set), the reports of a chosen period by severity, the active early
// warnings; layers switched on and off, a legend, crowded markers clustered, the first view fitted to where the
// TPS are. Boundaries come simplified for that view (`detail=view`) and are fetched as stored when the user
// zooms in two steps; the browser keeps both and asks again with their ETag (304, no data, when unchanged).
async function initMap(container) {
  const labels = JSON.parse(document.getElementById('map-labels').textContent);
  const status = document.getElementById('map-status');
  // The clusters need the map's deepest zoom, which a map without base tiles does not otherwise have.
  const map = L.map(container, { zoomControl: true, attributionControl: true, maxZoom: 19 });
  const tiles = container.dataset.tiles;
  if (tiles) {
    L.tileLayer(tiles, { maxZoom: 19, attribution: container.dataset.tilesAttribution || '' }).addTo(map);
  }
  let data;
  try {
    data = await fetchJson(container.dataset.mapUrl);
  } catch (err) {
    status.textContent = labels.load_failed;
    status.classList.add('error');
    container.dataset.state = 'failed';
    return;
  }
  const districts = [];
  const villages = [];
  const tps = [];
  for (const f of data.features) {
    if (f.properties.kind === 'district') districts.push(f);
    else if (f.properties.kind === 'village') villages.push(f);
    else if (f.properties.kind === 'tps') tps.push(f);
  }
  const villageNames = new Map(villages.map((f) => [f.properties.code, f.properties.name]));
  const byBand = (f) => (f.properties.band && f.properties.assessed_tps > 0 ? BAND_COLOURS[f.properties.band] : null);
  const villageLayer = L.geoJSON({ type: 'FeatureCollection', features: villages }, {
    style: (f) => {
      const fill = byBand(f);
      return {
        color: '#6b7280', weight: 1, fillColor: fill || '#e5e7eb', fillOpacity: fill ? 0.6 : 0.25,
        className: fill ? `village-boundary band-${f.properties.band}` : 'village-boundary',
      };
    },
    onEachFeature: (f, layer) => layer.bindPopup(() => regionPopup(f.properties, labels)),
  }).addTo(map);
  const districtLayer = L.geoJSON({ type: 'FeatureCollection', features: districts }, {
    style: { color: '#111827', weight: 2.5, fill: false, className: 'district-boundary' },
    interactive: false,
  }).addTo(map);
  const tpsLayer = clusters('tps-cluster');
  tpsLayer.addLayers(tps.map((f) => {
    const [lng, lat] = f.geometry.coordinates;
    const p = f.properties;
    const classed = p.severity !== undefined;
    const colour = classed ? SEVERITY_COLOURS[Math.min(p.severity, 3)] : (ACCESS_COLOURS[p.access] || '#1f6feb');
    return L.circleMarker([lat, lng], {
      radius: classed && p.severity > 0 ? 6 : 4,
      weight: p.disagree ? 2.5 : 1,
      color: p.disagree ? '#111827' : '#ffffff',
      fillColor: colour,
      fillOpacity: 0.95,
      className: classed ? `tps-marker severity-${p.severity}` : 'tps-marker',
    }).bindPopup(() => tpsPopup(p, labels, villageNames, data.classes || {}));
  }));
  tpsLayer.addTo(map);
  const overlays = {
    [labels.layer_villages]: villageLayer,
    [labels.layer_districts]: districtLayer,
    [labels.layer_tps]: tpsLayer,
  };
  const alertLayer = L.layerGroup().addTo(map);
  overlays[labels.layer_alerts] = alertLayer;
  const reportLayer = labels.reports_url ? clusters('report-cluster').addTo(map) : null;
  if (reportLayer) overlays[labels.layer_reports] = reportLayer;
  // The deployment plan (the regency's approved plan on its map, the plan itself on its page): posts, patrol
  // routes and reserve bases.
  const plan = container.dataset.planUrl ? await planLayers(container.dataset.planUrl, labels) : null;
  if (plan) {
    overlays[labels.layer_posts] = plan.posts.addTo(map);
    overlays[labels.layer_routes] = plan.routes.addTo(map);
    overlays[labels.layer_reserves] = plan.reserves.addTo(map);
    container.dataset.planPosts = String(plan.counts.posts);
    container.dataset.planRoutes = String(plan.counts.routes);
    container.dataset.planReserves = String(plan.counts.reserves);
  }
  const layers = L.control.layers(null, overlays, { collapsed: window.matchMedia && window.matchMedia('(max-width: 40rem)').matches });
  layers.addTo(map);

  // The first view: where the TPS are (the server's box leaves out the outlying few), else the boundaries.
  let fitted = false;
  if (Array.isArray(data.bbox) && data.bbox.length === 4) {
    const [w, s, e, n] = data.bbox;
    map.fitBounds([[s, w], [n, e]], { padding: [16, 16] });
    fitted = true;
  }
  if (!fitted) {
    const bounds = L.featureGroup([villageLayer, districtLayer]).getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12] });
    else if (tps.length) map.fitBounds(L.latLngBounds(tps.map((f) => [f.geometry.coordinates[1], f.geometry.coordinates[0]])));
    else map.setView([-2.5, 118], 5);
  }

  // Closer than the first view, the boundaries as stored replace the simplified ones (once).
  const firstZoom = map.getZoom();
  let detailed = false;
  map.on('zoomend', async () => {
    if (detailed || map.getZoom() < firstZoom + 2) return;
    detailed = true;
    try {
      const url = container.dataset.mapUrl + (container.dataset.mapUrl.includes('?') ? '&' : '?') + 'detail=full';
      const full = await fetchJson(url);
      const shapes = (kind) => full.features.filter((f) => f.properties.kind === kind);
      villageLayer.clearLayers();
      villageLayer.addData({ type: 'FeatureCollection', features: shapes('village') });
      districtLayer.clearLayers();
      districtLayer.addData({ type: 'FeatureCollection', features: shapes('district') });
      container.dataset.detail = 'full';
    } catch (err) {
      detailed = false;
    }
  });

  // The legend: the classes and bands present in the data, the access modes without a set.
  // A class per severity (TPS khusus shares rawan's colour: the first name of a severity is shown).
  const classes = new Map();
  for (const c of Object.values(data.classes || {})) {
    if (!classes.has(c.severity)) classes.set(c.severity, c.label);
    else classes.set(c.severity, `${classes.get(c.severity)}, ${c.label}`);
  }
  const tpsItems = classes.size
    ? [...classes.entries()].sort((a, b) => a[0] - b[0]).map(([sev, label]) => [SEVERITY_COLOURS[Math.min(sev, 3)], label])
    : Object.entries(ACCESS_COLOURS).map(([mode, colour]) => [colour, labels.access_modes[mode] || mode]);
  const bands = villages.some((f) => f.properties.band)
    ? Object.entries(BAND_COLOURS).map(([band, colour]) => [colour, (labels.bands && labels.bands[band]) || band, 'square'])
    : [];
  const reportItems = reportLayer
    ? [1, 2, 3, 4].map((sev) => [INCIDENT_COLOURS[sev], labels.severities ? labels.severities[sev] : String(sev)])
    : [];
  legendControl([
    [labels.layer_tps, tpsItems],
    [labels.legend_index || labels.layer_villages, bands],
    [labels.layer_reports || '', reportItems],
    [labels.layer_alerts || '', [['#b91c1c', labels.alert_title || '', 'ring']]],
    [labels.plan_title || '', plan ? [[POST_COLOUR, labels.layer_posts, 'square'], [ROUTE_COLOURS[0], labels.layer_routes, 'line'],
      ['#111827', labels.layer_reserves, 'ring']] : []],
  ], labels.legend || 'Keterangan').addTo(map);

  status.textContent = labels.summary
    .replace('{tps}', fmtNumber(tps.length))
    .replace('{villages}', fmtNumber(villages.length))
    .replace('{districts}', fmtNumber(districts.length));
  container.dataset.tpsCount = String(tps.length);
  // How many TPS are drawn in each class's colour (by severity), for whoever checks the map.
  const bySeverity = {};
  for (const f of tps) {
    const key = f.properties.severity === undefined ? 'none' : String(f.properties.severity);
    bySeverity[key] = (bySeverity[key] || 0) + 1;
  }
  container.dataset.severities = JSON.stringify(bySeverity);
  container.dataset.state = 'ready';
  drawAlerts(alertLayer, container, villages, labels);
  if (reportLayer) initReportLayer(map, reportLayer, labels, container);
}

const POST_COLOUR = '#6d28d9';
const ROUTE_COLOURS = ['#1d4ed8', '#b45309', '#047857', '#be185d', '#4338ca', '#0e7490'];

// A plan's GeoJSON (`/api/v1/plans/{id}/export?format=geojson`) as three layers: posts (squares), patrol routes
// (a line per team, from the Polsek and back) and reserve bases (rings). `null` when it cannot be read.
async function planLayers(url, labels) {
  let data;
  try {
    data = await fetchJson(url);
  } catch (err) {
    return null;
  }
  const posts = L.layerGroup();
  const routes = L.layerGroup();
  const reserves = L.layerGroup();
  const counts = { posts: 0, routes: 0, reserves: 0 };
  for (const f of data.features || []) {
    const p = f.properties || {};
    if (p.layer === 'post' && f.geometry.type === 'Point') {
      const [lng, lat] = f.geometry.coordinates;
      const box = document.createElement('div');
      box.appendChild(text('strong', `${p.id} · ${p.pattern}`));
      box.appendChild(text('div', p.tps));
      box.appendChild(text('div', `${labels.post_people}: ${fmtNumber(p.assigned)} / ${fmtNumber(p.needed)}`));
      L.rectangle([[lat - 0.0009, lng - 0.0009], [lat + 0.0009, lng + 0.0009]], {
        color: p.assigned < p.needed ? '#dc2626' : POST_COLOUR, weight: 1.5, fillColor: POST_COLOUR, fillOpacity: 0.5,
        className: 'plan-post',
      }).bindPopup(box).addTo(posts);
      counts.posts += 1;
    } else if (p.layer === 'patrol' && f.geometry.type === 'LineString') {
      const line = f.geometry.coordinates.map(([lng, lat]) => [lat, lng]);
      const box = document.createElement('div');
      box.appendChild(text('strong', `${labels.route_team} ${p.team} · ${p.depot}`));
      box.appendChild(text('div', `${fmtNumber(p.stops)} ${labels.route_stops} · ${p.leave}–${p.back} · ${fmtNumber(p.travel_minutes)} min`));
      L.polyline(line, { color: ROUTE_COLOURS[(p.team - 1) % ROUTE_COLOURS.length], weight: 2.5, opacity: 0.8, className: 'plan-route' })
        .bindPopup(box).addTo(routes);
      counts.routes += 1;
    } else if (p.layer === 'reserve' && f.geometry.type === 'Point') {
      const [lng, lat] = f.geometry.coordinates;
      L.circleMarker([lat, lng], { radius: 10, weight: 3, color: '#111827', fillColor: '#facc15', fillOpacity: 0.9, className: 'plan-reserve' })
        .bindPopup(() => text('strong', `${labels.layer_reserves}: ${p.name}`)).addTo(reserves);
      counts.reserves += 1;
    }
  }
  return { posts, routes, reserves, counts };
}

// The reports of the chosen period (today, the last 7 days, the last 30 days) as markers by severity, over the
// map's area.
function initReportLayer(map, layer, labels, container) {
  const choice = L.control({ position: 'topright' });
  let select;
  choice.onAdd = () => {
    const box = L.DomUtil.create('label', 'map-period');
    box.appendChild(document.createTextNode(`${labels.layer_reports}: `));
    select = L.DomUtil.create('select', '', box);
    select.id = 'map-period';
    for (const [days, label] of labels.periods) {
      const option = document.createElement('option');
      option.value = String(days);
      option.textContent = label;
      if (days === 7) option.selected = true;
      select.appendChild(option);
    }
    L.DomEvent.disableClickPropagation(box);
    return box;
  };
  choice.addTo(map);
  const load = async () => {
    const days = Number(select.value);
    // `from` is a day (WIB): today and the days before it, `days` in all.
    const url = `${labels.reports_url}&from=${wibDayBefore(days - 1)}`;
    container.dataset.reports = 'loading';
    try {
      const data = await fetchJson(url);
      layer.clearLayers();
      layer.addLayers(data.features.filter((f) => f.geometry && f.geometry.type === 'Point').map((f) => {
        const [lng, lat] = f.geometry.coordinates;
        const p = f.properties;
        return L.circleMarker([lat, lng], {
          radius: 5 + Number(p.severity || 1),
          weight: p.overdue ? 3 : 1,
          color: p.overdue ? '#111827' : '#ffffff',
          fillColor: INCIDENT_COLOURS[p.severity] || '#1f6feb',
          fillOpacity: 0.9,
          className: `incident-marker incident-sev-${p.severity}`,
        }).bindPopup(() => incidentPopup(p, labels));
      }));
      container.dataset.reports = String(layer.getLayers().length);
    } catch (err) {
      container.dataset.reports = 'failed';
    }
  };
  select.addEventListener('change', load);
  load();
}

// A p-value as the alert pages write it: three decimals, scientific notation below 0.001 ("1,2e-5").
function pText(p) {
  if (typeof p !== 'number' || !Number.isFinite(p)) return '–';
  if (p === 0 || p >= 0.00095) return fmtNumber(p, 3);
  const [mantissa, exponent] = p.toExponential(1).split('e');
  return `${fmtNumber(Number(mantissa), 1)}e${exponent}`;
}

// Early warnings (docs/scan.md, "On the live reports"): the active alerts with a village in the map's area, each as
// its circle (centre village, radius) over its villages, highlighted, with the explanation in a popup. Read from
// the alerts API, which leaves out what the user may not see; a user who reads no reports simply gets none.
async function drawAlerts(layer, container, villages, labels) {
  const lang = document.documentElement.lang || 'id';
  const url = `/api/v1/alerts?status=active&per_page=100&within=${encodeURIComponent(container.dataset.region)}&lang=${encodeURIComponent(lang)}`;
  let alerts;
  try {
    const response = await fetch(url, { headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    alerts = (await response.json()).items;
  } catch (err) {
    container.dataset.alertCount = '0';
    return;
  }
  for (const a of alerts) {
    const codes = new Set(a.villages.map((v) => v.code));
    const popup = () => {
      const box = document.createElement('div');
      box.className = 'alert-popup';
      box.appendChild(text('strong', labels.alert_title || 'Peringatan dini'));
      box.appendChild(text('div', a.explanation));
      box.appendChild(text('div', `${fmtDay(a.start_day)} – ${fmtDay(a.end_day)}`));
      box.appendChild(text('div', (labels.alert_seen || '{first} · {last} · p = {p}')
        .replace('{first}', fmtTime(a.first_seen_ms)).replace('{last}', fmtTime(a.last_seen_ms))
        .replace('{p}', pText(a.p_value))));
      return box;
    };
    const shapes = villages.filter((f) => codes.has(f.properties.code));
    L.geoJSON({ type: 'FeatureCollection', features: shapes }, {
      style: { color: '#b91c1c', weight: 2, fillColor: '#ef4444', fillOpacity: 0.35, className: 'alert-village' },
    }).bindPopup(popup).addTo(layer);
    if (a.center) {
      // A circle of one village has no radius: drawn at 500 m so that it can be seen and clicked.
      L.circle([a.center.lat, a.center.lng], {
        radius: Math.max(a.radius_km * 1000, 500), color: '#b91c1c', weight: 2, dashArray: '6 4', fill: false,
        className: 'alert-circle',
      }).bindPopup(popup).addTo(layer);
    }
  }
  container.dataset.alertCount = String(alerts.length);
}

// The incident map (/incidents): the reports that match the list's filters (the newest 5,000 at most, from
// /incidents/map.geojson), as markers coloured by severity (1 low … 4 critical), outlined when overdue; the
// regency's or district's boundaries, when the page names one, frame it.
const INCIDENT_COLOURS = { 1: '#16a34a', 2: '#f59e0b', 3: '#dc2626', 4: '#7f1d1d' };

function incidentPopup(p, labels) {
  const box = document.createElement('div');
  box.className = 'incident-popup';
  const link = text('a', p.reference);
  link.href = `/incidents/${encodeURIComponent(String(p.id))}`;
  const title = document.createElement('strong');
  title.appendChild(link);
  box.appendChild(title);
  box.appendChild(text('div', p.category_label));
  box.appendChild(text('div', `${labels.severity}: ${p.severity} – ${p.severity_label}`));
  box.appendChild(text('div', `${labels.status}: ${p.status_label}`));
  box.appendChild(text('div', p.village_name));
  box.appendChild(text('div', `${labels.occurred}: ${p.occurred || p.occurred_at_wib}`));
  const open = text('a', labels.open);
  open.href = link.href;
  box.appendChild(open);
  return box;
}

async function fetchJson(url) {
  const response = await fetch(url, { headers: { Accept: 'application/geo+json, application/json' } });
  let body = null;
  try {
    body = await response.json();
  } catch (err) {
    body = null;
  }
  if (!response.ok) {
    const error = new Error(`HTTP ${response.status}`);
    error.message = body && body.message ? body.message : error.message;
    error.fromServer = Boolean(body && body.message);
    throw error;
  }
  return body;
}

async function initIncidentMap(container) {
  const labels = JSON.parse(document.getElementById('incident-map-labels').textContent);
  const status = document.getElementById('incident-map-status');
  const map = L.map(container, { zoomControl: true, attributionControl: true });
  const tiles = container.dataset.tiles;
  if (tiles) {
    L.tileLayer(tiles, { maxZoom: 19, attribution: container.dataset.tilesAttribution || '' }).addTo(map);
  }
  let data;
  try {
    data = await fetchJson(container.dataset.reportsUrl);
  } catch (err) {
    status.textContent = err.fromServer ? err.message : labels.load_failed;
    status.classList.add('error');
    container.dataset.state = 'failed';
    return;
  }
  // The frame is a courtesy: the reports show without it.
  let frame = null;
  if (container.dataset.frameUrl) {
    try {
      const regions = await fetchJson(container.dataset.frameUrl);
      const shapes = regions.features.filter((f) => f.properties.kind === 'district' || f.properties.kind === 'village');
      frame = L.geoJSON({ type: 'FeatureCollection', features: shapes }, {
        style: (f) => (f.properties.kind === 'district'
          ? { color: '#111827', weight: 2, fill: false }
          : { color: '#9ca3af', weight: 1, fillColor: '#e5e7eb', fillOpacity: 0.25 }),
        interactive: false,
      }).addTo(map);
    } catch (err) {
      frame = null;
    }
  }
  const placed = data.features.filter((f) => f.geometry && f.geometry.type === 'Point');
  const markers = placed.map((f) => {
    const [lng, lat] = f.geometry.coordinates;
    const p = f.properties;
    return L.circleMarker([lat, lng], {
      radius: 5 + Number(p.severity || 1),
      weight: p.overdue ? 3 : 1,
      color: p.overdue ? '#111827' : '#ffffff',
      fillColor: INCIDENT_COLOURS[p.severity] || '#1f6feb',
      fillOpacity: 0.9,
      className: `incident-marker incident-sev-${p.severity}`,
    }).bindPopup(() => incidentPopup(p, labels));
  });
  const layer = L.featureGroup(markers).addTo(map);
  const bounds = layer.getBounds();
  const frameBounds = frame ? frame.getBounds() : null;
  if (frameBounds && frameBounds.isValid()) map.fitBounds(frameBounds, { padding: [12, 12] });
  else if (bounds.isValid()) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 });
  else map.setView([-2.5, 118], 5);
  let summary = labels.summary
    .replace('{placed}', fmtNumber(placed.length))
    .replace('{unplaced}', fmtNumber(data.features.length - placed.length));
  if (typeof data.total === 'number' && data.total > data.features.length) {
    summary += ` ${labels.capped.replace('{shown}', fmtNumber(data.features.length)).replace('{total}', fmtNumber(data.total))}`;
  }
  status.textContent = summary;
  container.dataset.markerCount = String(placed.length);
  container.dataset.state = 'ready';
}

// Tables marked `sortable`: a click on a header sorts by that column (numbers by `data-sort` when given),
// a second click reverses. Keyboard: headers are buttons.
function makeSortable(table) {
  const headers = table.querySelectorAll('thead th');
  headers.forEach((th, column) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'sort';
    button.textContent = th.textContent;
    th.textContent = '';
    th.appendChild(button);
    button.addEventListener('click', () => {
      const body = table.tBodies[0];
      const ascending = th.getAttribute('aria-sort') !== 'ascending';
      headers.forEach((h) => h.removeAttribute('aria-sort'));
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      const key = (row) => {
        const cell = row.cells[column];
        if (!cell) return '';
        const value = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
        const number = Number(value);
        return value !== '' && !Number.isNaN(number) ? number : value.toLowerCase();
      };
      const rows = Array.from(body.rows);
      rows.sort((a, b) => {
        const x = key(a);
        const y = key(b);
        const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'id');
        return ascending ? order : -order;
      });
      rows.forEach((row) => body.appendChild(row));
    });
  });
}

document.addEventListener('DOMContentLoaded', () => {
  initMenu();
  initScrollingTables();
  const dashboard = document.getElementById('dashboard');
  if (dashboard && dashboard.dataset.tilesUrl) initDashboard(dashboard);
  const container = document.getElementById('map');
  if (container && container.dataset.mapUrl) {
    initMap(container).catch((err) => {
      container.dataset.state = 'failed';
      console.error(`map: ${err && err.stack ? err.stack : String(err)}`);
    });
  }
  const incidents = document.getElementById('incident-map');
  if (incidents && incidents.dataset.reportsUrl) initIncidentMap(incidents);
  document.querySelectorAll('table.sortable').forEach(makeSortable);
  const live = document.getElementById('live-feed');
  if (live && live.dataset.feedUrl) initLiveFeed(live);
});

// The incident desk's live feed (server-sent events, docs/incidents.md "The live feed"): the list and the report
// page say, as it happens, that reports changed since the page was rendered, and offer a reload. The page itself
// stays as rendered: an officer reading a row should not see it jump. EventSource reconnects by itself and sends
// Last-Event-ID, so nothing is missed across a dropped connection.
function initLiveFeed(banner) {
  if (!window.EventSource) return;
  const only = banner.dataset.reportId ? Number(banner.dataset.reportId) : null;
  const changed = new Set();
  const source = new EventSource(banner.dataset.feedUrl);
  const show = (message) => {
    banner.replaceChildren(document.createTextNode(message + ' '));
    const reload = document.createElement('a');
    reload.href = window.location.href;
    reload.textContent = banner.dataset.reload;
    banner.append(reload);
    banner.hidden = false;
  };
  // Away for longer than the server replays: the page is out of date as a whole.
  source.addEventListener('reset', () => show(banner.dataset.labelReset));
  // Action items past their deadline: the same banner as every page's, kept current without a reload.
  source.addEventListener('action_items', (event) => {
    let data;
    try {
      data = JSON.parse(event.data);
    } catch (_) {
      return;
    }
    if (data) showOverdue(data.overdue, data.message, data.url);
  });
  source.addEventListener('report', (event) => {
    let data;
    try {
      data = JSON.parse(event.data);
    } catch (_) {
      return;
    }
    const id = data && data.report ? data.report.id : null;
    if (id === null || (only !== null && id !== only)) return;
    changed.add(id);
    const row = document.querySelector(`tr[data-id="${id}"]`);
    if (row) row.classList.add('changed');
    show(only !== null ? banner.dataset.labelOne : banner.dataset.label.replace('{count}', changed.size));
  });
}

// The overdue banner at the top of the page: created, changed or hidden as the count the feed tells changes.
function showOverdue(count, message, url) {
  let overdue = document.getElementById('overdue-banner');
  if (!count) {
    if (overdue) overdue.hidden = true;
    return;
  }
  if (!overdue) {
    overdue = document.createElement('p');
    overdue.id = 'overdue-banner';
    overdue.className = 'banner late';
    overdue.setAttribute('role', 'alert');
    const main = document.querySelector('main');
    if (!main) return;
    main.prepend(overdue);
  }
  const link = document.createElement('a');
  link.href = url;
  link.textContent = message;
  overdue.replaceChildren(link);
  overdue.hidden = false;
}

// The command dashboard keeps itself current: it fetches its tiles again when the live feed tells of a changed
// report or a changed count of overdue action items (a burst of changes fetches once), and on a wall screen also
// every minute; when the last good fetch is older than three minutes, it says its data may be stale.
function initDashboard(box) {
  const url = box.dataset.tilesUrl;
  let lastOk = Date.now();
  let pending = null;
  const refresh = async () => {
    pending = null;
    try {
      const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
      // Signed out meanwhile (the session ended): the whole page goes to the sign-in form, not into a tile.
      if (response.redirected) {
        window.location.reload();
        return;
      }
      if (!response.ok) return;
      box.innerHTML = await response.text();
      lastOk = Date.now();
    } catch (_) {
      // No signal: the next event, tick or reconnect tries again.
    }
  };
  const soon = () => {
    if (!pending) pending = setTimeout(refresh, 1500);
  };
  if (box.dataset.feedUrl && window.EventSource) {
    const source = new EventSource(box.dataset.feedUrl);
    source.addEventListener('report', soon);
    source.addEventListener('reset', soon);
    source.addEventListener('action_items', (event) => {
      soon();
      try {
        const data = JSON.parse(event.data);
        if (data) showOverdue(data.overdue, data.message, data.url);
      } catch (_) {
        // A malformed event changes nothing.
      }
    });
  }
  if (box.dataset.wall) {
    setInterval(refresh, 60000);
    setInterval(() => {
      const note = document.getElementById('dash-updated');
      if (!note) return;
      const stale = Date.now() - lastOk > 180000;
      note.classList.toggle('stale', stale);
      if (stale) note.textContent = box.dataset.stale.replace('{time}', note.dataset.at || '');
    }, 15000);
  }
}
