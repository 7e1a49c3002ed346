// Sinergi's browser code: small, no framework. Pages are rendered on the server; this file only adds what needs
// a browser, today the Leaflet map. It is bundled with Leaflet by esbuild at build time and served from the
// binary, so nothing is fetched from the internet (command posts may be offline).

import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import './app.css';

const ACCESS_COLOURS = { road: '#1f6feb', river: '#0f9d8a', sea: '#7b3fe4', foot: '#d9480f' };

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
  return box;
}

function regionPopup(p) {
  const box = document.createElement('div');
  box.appendChild(text('strong', p.name));
  box.appendChild(text('div', p.code));
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
  const villageLayer = L.geoJSON({ type: 'FeatureCollection', features: villages }, {
    style: { color: '#6b7280', weight: 1, fillColor: '#e5e7eb', fillOpacity: 0.25, className: 'village-boundary' },
    onEachFeature: (f, layer) => layer.bindPopup(() => regionPopup(f.properties)),
  }).addTo(map);
  const districtLayer = L.geoJSON({ type: 'FeatureCollection', features: districts }, {
    style: { color: '#111827', weight: 2.5, fill: false, className: 'district-boundary' },
    interactive: false,
  }).addTo(map);
  const tpsLayer = L.layerGroup(tps.map((f) => {
    const [lng, lat] = f.geometry.coordinates;
    const colour = ACCESS_COLOURS[f.properties.access] || '#1f6feb';
    return L.circleMarker([lat, lng], {
      radius: 4, weight: 1, color: '#ffffff', fillColor: colour, fillOpacity: 0.95, className: 'tps-marker',
    }).bindPopup(() => tpsPopup(f.properties, labels));
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

document.addEventListener('DOMContentLoaded', () => {
  const container = document.getElementById('map');
  if (container && container.dataset.mapUrl) initMap(container);
});
