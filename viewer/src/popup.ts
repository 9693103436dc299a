import { type Map as MapLibreMap, Popup } from 'maplibre-gl';

/** A table of the feature's properties, built with textContent: property values are never HTML. */
function propertiesTable(layer: string, properties: Record<string, unknown>): HTMLElement {
  const table = document.createElement('table');
  table.className = 'properties';
  const caption = table.createCaption();
  caption.textContent = layer;
  for (const [key, value] of Object.entries(properties)) {
    const row = table.insertRow();
    row.insertCell().textContent = key;
    row.insertCell().textContent = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return table;
}

/** Click a feature of one of `layerIds` (those present on the map) to see its properties. */
export function enableFeaturePopups(map: MapLibreMap, layerIds: readonly string[]): void {
  const present = () => layerIds.filter((id) => map.getLayer(id));
  map.on('click', (event) => {
    const [feature] = map.queryRenderedFeatures(event.point, { layers: present() });
    if (!feature) return;
    new Popup({ maxWidth: '320px' })
      .setLngLat(event.lngLat)
      .setDOMContent(propertiesTable(feature.layer.id, feature.properties))
      .addTo(map);
  });
  map.on('mousemove', (event) => {
    const hit = map.queryRenderedFeatures(event.point, { layers: present() }).length > 0;
    map.getCanvas().style.cursor = hit ? 'pointer' : '';
  });
}
