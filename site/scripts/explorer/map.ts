// The map: one marker per geolocated row (latitude/longitude columns or a GeoJSON column, found by
// worker/src/domain/datastore-geo.ts), optionally grouped ("marqueurs de regroupement"), each with a popup of the
// row's fields read on demand. No tiles are fetched: the background is a graticule of degrees drawn here, so the
// map works offline and leaks no visitor position to a tile server.
import L from 'leaflet';
import 'leaflet.markercluster';
import { detectPlacement, extentSql, geometryAnchor, withinWgs84, type Placement } from '../../../worker/src/domain/datastore-geo';
import { action, cellText, el, type Config, type Translate } from './common';

/** Rows put on the map at most: beyond that, clustering keeps it usable but the page gets heavy. */
const MAX_MARKERS = 20_000;
/** Lines and polygons drawn besides their marker (each costs an SVG path). */
const MAX_SHAPES = 5_000;
const STEPS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30];

interface Search {
  records: unknown[][];
  total: number;
}

/** The placement if the resource has one with WGS84 values (checked with a min/max query), else null. */
export async function findPlacement(config: Config): Promise<Placement | null> {
  const placement = detectPlacement(config.fields);
  if (!placement || placement.kind === 'geometry') return placement;
  const result = await action<{ records: Array<Record<string, number | null>> }>('datastore_search_sql', { sql: extentSql(config.resourceId, placement) });
  const r = result.records[0];
  return r && withinWgs84({ latMin: r.lat_min ?? null, latMax: r.lat_max ?? null, lonMin: r.lon_min ?? null, lonMax: r.lon_max ?? null }) ? placement : null;
}

function graticule(map: L.Map, layer: L.Polyline): void {
  const b = map.getBounds();
  const span = Math.max(b.getEast() - b.getWest(), b.getNorth() - b.getSouth());
  const step = STEPS.find((s) => span / s <= 12) ?? 30;
  const lines: L.LatLngExpression[][] = [];
  const west = Math.max(-180, Math.floor(b.getWest() / step) * step);
  const east = Math.min(180, Math.ceil(b.getEast() / step) * step);
  const south = Math.max(-85, Math.floor(b.getSouth() / step) * step);
  const north = Math.min(85, Math.ceil(b.getNorth() / step) * step);
  for (let lon = west; lon <= east; lon += step) lines.push([[south, lon], [north, lon]]);
  for (let lat = south; lat <= north; lat += step) lines.push([[lat, west], [lat, east]]);
  layer.setLatLngs(lines);
}

export function mountMap(root: HTMLElement, config: Config, t: Translate, placement: Placement): { show(): void } {
  const cluster = el('input', { type: 'checkbox', id: 'map-cluster', checked: true });
  const count = el('p', { class: 'explorer-status', role: 'status' }, t('datastore.explorer.loading'));
  const columns = placement.kind === 'point' ? [placement.lat, placement.lon] : [placement.column];
  const labels = columns.map((id) => config.fields.find((f) => f.id === id)?.label ?? id);
  const container = el('div', { class: 'explorer-map' });
  root.append(
    el('p', { class: 'explorer-toolbar' }, el('span', {}, cluster, ' ', el('label', { for: cluster.id }, t('datastore.explorer.cluster'))), count),
    container,
    el('p', { class: 'muted small' }, `${t('datastore.explorer.mapColumns', { columns: labels.join(', ') })}. ${t('datastore.explorer.mapBasemap')}`),
  );

  let map: L.Map | null = null;
  const markers: L.Marker[] = [];
  let layer: L.LayerGroup | null = null;
  const icon = L.divIcon({ className: 'explorer-marker', iconSize: [14, 14] });

  const place = () => {
    if (!map) return;
    layer?.remove();
    layer = cluster.checked ? L.markerClusterGroup({ chunkedLoading: true }) : L.layerGroup();
    for (const m of markers) layer.addLayer(m);
    layer.addTo(map);
  };
  cluster.addEventListener('change', place);

  async function popup(marker: L.Marker, id: number): Promise<void> {
    try {
      const result = await action<Search>('datastore_search', { resource_id: config.resourceId, filters: { _id: id }, records_format: 'lists', include_total: false });
      const row = result.records[0] ?? [];
      const dl = el('dl', { class: 'explorer-popup' });
      config.fields.forEach((f, i) => {
        if (f.type !== 'geometry') dl.append(el('dt', {}, f.label), el('dd', {}, cellText(row[i + 1], f.type, t)));
      });
      marker.setPopupContent(el('div', {}, el('h4', {}, t('datastore.explorer.popupTitle', { id })), dl));
    } catch (error) {
      marker.setPopupContent(t('datastore.explorer.error', { message: error instanceof Error ? error.message : String(error) }));
    }
  }

  // Lines and polygons of a GeoJSON column, drawn under the markers (which stay the clickable, clustered part).
  const shapes = L.geoJSON(undefined, { style: { color: '#00708a', weight: 2, fillOpacity: 0.15 }, interactive: false });
  let shapeCount = 0;
  const addShape = (value: unknown) => {
    if (shapeCount >= MAX_SHAPES) return;
    try {
      const geometry = (typeof value === 'string' ? JSON.parse(value) : value) as GeoJSON.Geometry | null;
      if (!geometry || geometry.type === 'Point') return;
      shapes.addData(geometry);
      shapeCount++;
    } catch {
      // An unreadable geometry has no marker either (geometryAnchor).
    }
  };

  async function load(): Promise<void> {
    const result = await action<Search>('datastore_search', {
      resource_id: config.resourceId, fields: ['_id', ...columns], limit: MAX_MARKERS, records_format: 'lists', include_total: true,
    });
    for (const [id, a, b] of result.records as Array<[number, unknown, unknown]>) {
      const at = placement.kind === 'point'
        ? (typeof a === 'number' && typeof b === 'number' && withinWgs84({ latMin: a, latMax: a, lonMin: b, lonMax: b }) ? [a, b] as [number, number] : null)
        : geometryAnchor(a);
      if (!at) continue;
      if (placement.kind === 'geometry') addShape(a);
      const marker = L.marker(at, { icon, title: t('datastore.explorer.popupTitle', { id }), alt: t('datastore.explorer.popupTitle', { id }), keyboard: true });
      marker.bindPopup(t('datastore.explorer.loading'));
      marker.on('popupopen', () => void popup(marker, id));
      markers.push(marker);
    }
    count.textContent = result.total > MAX_MARKERS
      ? t('datastore.explorer.mapTruncated', { count: markers.length, total: result.total })
      : t('datastore.explorer.mapCount', { count: markers.length });
    container.setAttribute('aria-label', t('datastore.explorer.mapLabel', { count: markers.length }));
    if (!map) return;
    const bounds = L.latLngBounds(markers.map((m) => m.getLatLng()));
    if (bounds.isValid()) map.fitBounds(bounds.pad(0.1), { maxZoom: 14 });
    shapes.addTo(map);
    place();
  }

  return {
    show() {
      if (map) {
        map.invalidateSize();
        return;
      }
      // Leaflet measures its container: created once the tab is visible.
      // No tile layer sets a zoom range, and the cluster plugin needs one.
      map = L.map(container, { attributionControl: false, minZoom: 2, maxZoom: 18 }).setView([46.5, 2.5], 5);
      const grid = L.polyline([], { color: '#9aa7b4', weight: 1, interactive: false }).addTo(map);
      map.on('moveend', () => graticule(map!, grid));
      graticule(map, grid);
      load().catch((error: unknown) => {
        count.textContent = t('datastore.explorer.error', { message: error instanceof Error ? error.message : String(error) });
      });
    },
  };
}
