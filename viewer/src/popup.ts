import { type Map as MapLibreMap, type PointLike, Popup } from 'maplibre-gl';

/** Click a feature of one of `layerIds` (those on the map) for a table of its properties. */
export function enableFeaturePopups(map: MapLibreMap, layerIds: readonly string[]): void {
  const under = (point: PointLike) =>
    map.queryRenderedFeatures(point, { layers: layerIds.filter((id) => map.getLayer(id)) });
  map.on('click', (event) => {
    const [feature] = under(event.point);
    if (!feature) return;
    const table = document.createElement('table');
    table.className = 'properties';
    table.createCaption().textContent = feature.layer.id;
    for (const [key, value] of Object.entries(feature.properties)) {
      const row = table.insertRow();
      row.insertCell().textContent = key; // textContent: property values are never HTML
      row.insertCell().textContent = typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
    new Popup({ maxWidth: '320px' }).setLngLat(event.lngLat).setDOMContent(table).addTo(map);
  });
  map.on('mousemove', (event) => {
    map.getCanvas().style.cursor = under(event.point).length > 0 ? 'pointer' : '';
  });
}
