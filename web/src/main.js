// Sinergi's browser code: small, no framework. Pages are rendered on the server; this file only adds what needs
// a browser, today the Leaflet map. It is bundled with Leaflet by esbuild at build time and served from the
// binary, so nothing is fetched from the internet (command posts may be offline).

import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import './app.css';

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

function tpsPopup(p, labels) {
  const box = document.createElement('div');
  box.className = 'tps-popup';
  box.appendChild(text('strong', `${p.label} · ${p.village_name}`));
  if (p.address) box.appendChild(text('div', p.address));
  box.appendChild(text('div', `${labels.voters}: ${p.voters}`));
  box.appendChild(text('div', `${labels.access}: ${labels.access_modes[p.access] || p.access}`));
  if (p.synthetic) box.appendChild(text('div', labels.synthetic, 'synthetic-tag'));
  if (p.class_label) {
    box.appendChild(text('div', `${labels.class || 'Kelas'}: ${p.class_label}${p.disagree ? ' ⚠' : ''}`, 'tps-class'));
  }
  if (p.id !== undefined && labels.tps_href) {
    const link = text('a', labels.tps_link || 'TPS');
    link.href = labels.tps_href.replace('{id}', String(p.id));
    box.appendChild(link);
  }
  return box;
}

function regionPopup(p, labels) {
  const box = document.createElement('div');
  box.appendChild(text('strong', p.name));
  box.appendChild(text('div', p.code));
  if (p.band) {
    const band = (labels.bands && labels.bands[p.band]) || p.band;
    box.appendChild(text('div', `${labels.index || 'Indeks'}: ${p.index} · ${band} · ${p.assessed_tps} TPS`));
  }
  return box;
}

async function initMap(container) {
  const labels = JSON.parse(document.getElementById('map-labels').textContent);
  const status = document.getElementById('map-status');
  const map = L.map(container, { zoomControl: true, attributionControl: true });
  const tiles = container.dataset.tiles;
  if (tiles) {
    L.tileLayer(tiles, { maxZoom: 19, attribution: container.dataset.tilesAttribution || '' }).addTo(map);
  }
  let data;
  try {
    const response = await fetch(container.dataset.mapUrl, { headers: { Accept: 'application/geo+json' } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    data = await response.json();
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
  const tpsLayer = L.layerGroup(tps.map((f) => {
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
    }).bindPopup(() => tpsPopup(p, labels));
  })).addTo(map);
  L.control.layers(null, {
    [labels.layer_villages]: villageLayer,
    [labels.layer_districts]: districtLayer,
    [labels.layer_tps]: tpsLayer,
  }, { collapsed: false }).addTo(map);

  const bounds = L.featureGroup([villageLayer, districtLayer]).getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12] });
  else if (tps.length) map.fitBounds(L.latLngBounds(tps.map((f) => [f.geometry.coordinates[1], f.geometry.coordinates[0]])));
  else map.setView([-2.5, 118], 5);

  status.textContent = labels.summary
    .replace('{tps}', String(tps.length))
    .replace('{villages}', String(villages.length))
    .replace('{districts}', String(districts.length));
  container.dataset.tpsCount = String(tps.length);
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
  const container = document.getElementById('map');
  if (container && container.dataset.mapUrl) initMap(container);
  document.querySelectorAll('table.sortable').forEach(makeSortable);
});
