// The offline map: Natural Earth countries (shipped with daliz) and the alternatives on top,
// drawn with Leaflet in SVG. No tile server: nothing is requested outside this server.

import { nameIn, num, t } from './i18n.js';

const TRANSFER_KINDS = new Set([
  'transshipment', 'gauge_change', 'bogie_exchange', 'port_handling', 'ferry_loading',
]);

function marker(latlng, kind, size) {
  // Leaflet positions the icon element with a CSS transform: the shape is an inner element.
  return L.marker(latlng, {
    icon: L.divIcon({
      className: 'place-icon',
      html: '<span class="place-marker ' + kind + '"></span>',
      iconSize: [size, size],
    }),
    keyboard: false,
  });
}

export class RouteMap {
  constructor(element) {
    // Keep the view on the region the shipped basemap covers (see basemap.py).
    this.map = L.map(element, {
      minZoom: 3,
      maxZoom: 11,
      zoomSnap: 0.25,
      maxBounds: [[-8, 10], [68, 130]],
      maxBoundsViscosity: 0.8,
    });
    this.map.attributionControl.setPrefix('Leaflet');
    this.map.attributionControl.addAttribution('Natural Earth');
    this.map.setView([36, 64], 4);
    this.countries = null;
    this.labels = L.layerGroup().addTo(this.map);
    this.routes = L.layerGroup().addTo(this.map);
    this.marks = L.layerGroup().addTo(this.map);
    this.lines = new Map(); // rank -> polylines
    this.features = [];
  }

  async loadBasemap(url) {
    const response = await fetch(url);
    const data = await response.json();
    this.features = data.features;
    this.countries = L.geoJSON(data, {
      interactive: false,
      style: { color: '#98a2ad', weight: 0.7, fillColor: '#f6f4ee', fillOpacity: 1 },
    }).addTo(this.map);
    this.countries.bringToBack();
    element(this.map).dataset.basemap = String(this.features.length);
  }

  setLabels(codes) {
    this.labels.clearLayers();
    const wanted = new Set(codes);
    for (const feature of this.features) {
      const p = feature.properties;
      if (!wanted.has(p.iso2)) continue;
      const label = L.marker([p.label[1], p.label[0]], {
        icon: L.divIcon({ className: 'country-label', html: '', iconSize: [120, 14] }),
        interactive: false,
        keyboard: false,
      });
      label.on('add', () => {
        label.getElement().textContent = nameIn(p.names, p.name);
      });
      label.addTo(this.labels);
    }
  }

  show(alternatives, colours, places, selectedRank) {
    this.routes.clearLayers();
    this.marks.clearLayers();
    this.lines.clear();
    const bounds = L.latLngBounds([]);
    const marked = new Set();
    const placeName = (id, fallback) => {
      const place = places.get(id);
      return place ? nameIn(place.names, place.name) : fallback;
    };
    alternatives.forEach((alt, index) => {
      const colour = colours[index % colours.length];
      const lines = [];
      alt.legs.forEach((leg) => {
        const coords = (leg.geometry && leg.geometry.coordinates) || [];
        if (coords.length < 2) return;
        const latlngs = coords.map(([lon, lat]) => [lat, lon]);
        const line = L.polyline(latlngs, {
          color: colour,
          weight: 4,
          opacity: 0.9,
          dashArray: leg.mode === 'sea' || leg.mode === 'ferry' ? '7 6' : null,
          className: 'route route-' + alt.rank,
        });
        line.bindTooltip(
          '#' + alt.rank + ' ' + t('mode.' + leg.mode) + ': ' + placeName(leg.from, leg.from_name) +
            ' → ' + placeName(leg.to, leg.to_name) + ' · ' + num(leg.distance_km) + ' ' + t('details.km'),
          { sticky: true },
        );
        line.on('click', () => this.onSelect && this.onSelect(alt.rank));
        line.addTo(this.routes);
        lines.push(line);
        latlngs.forEach((ll) => bounds.extend(ll));
      });
      this.lines.set(alt.rank, lines);
      alt.events.forEach((event) => {
        const place = places.get(event.place);
        if (!place) return;
        let kind = null;
        if (event.kind === 'border_crossing') kind = 'border';
        else if (TRANSFER_KINDS.has(event.kind)) kind = 'transfer';
        if (!kind || marked.has(event.place + kind)) return;
        marked.add(event.place + kind);
        marker([place.lat, place.lon], kind, 11)
          .bindTooltip(nameIn(place.names, place.name) + ' — ' + t('event.' + event.kind))
          .addTo(this.marks);
      });
      const first = alt.legs[0];
      const last = alt.legs[alt.legs.length - 1];
      for (const [leg, end] of [[first, 0], [last, 1]]) {
        if (!leg || !leg.geometry) continue;
        const coords = leg.geometry.coordinates;
        const [lon, lat] = end === 0 ? coords[0] : coords[coords.length - 1];
        const key = lat.toFixed(3) + ',' + lon.toFixed(3) + 'end';
        if (marked.has(key)) continue;
        marked.add(key);
        const id = end === 0 ? leg.from : leg.to;
        marker([lat, lon], 'end', 12)
          .bindTooltip(placeName(id, end === 0 ? leg.from_name : leg.to_name))
          .addTo(this.marks);
      }
    });
    if (bounds.isValid()) this.map.fitBounds(bounds, { padding: [24, 24], maxZoom: 7 });
    this.select(selectedRank);
  }

  select(rank) {
    for (const [r, lines] of this.lines) {
      for (const line of lines) {
        line.setStyle({ weight: r === rank ? 6 : 3, opacity: r === rank ? 1 : 0.55 });
        if (r === rank) line.bringToFront();
      }
    }
  }
}

function element(map) {
  return map.getContainer();
}
