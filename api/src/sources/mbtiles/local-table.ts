import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { BadRequestError, ResponseTooLargeError } from '../../errors.js';
import type { TableQuery } from '../types.js';

const GEOMETRY_TYPE = /^(?:(?:Multi)?(?:Point|LineString|Polygon)|GeometryCollection)$/;
const isGeometry = (value: unknown): value is Geometry =>
  typeof value === 'object' && value !== null && GEOMETRY_TYPE.test(String((value as Geometry).type));

/** Streams an NDJSON table (GEOGRAPHY as GeoJSON, like ST_ASGEOJSON), stopping once past `maxBytes`. */
export async function readLocalTable(
  path: string,
  { geomField, maxBytes }: TableQuery,
): Promise<FeatureCollection> {
  const features: Feature[] = [];
  let size = '{"type":"FeatureCollection","features":[]}'.length;
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) {
      if (line.trim() === '') continue;
      const row = JSON.parse(line) as Record<string, unknown>;
      if (!Object.hasOwn(row, geomField))
        throw new BadRequestError(`column '${geomField}' not found in the table`);
      const { [geomField]: geometry, ...properties } = row;
      if (geometry !== null && !isGeometry(geometry))
        throw new BadRequestError(`column '${geomField}' is not a geography column`);
      const feature = { type: 'Feature', geometry, properties } as Feature;
      size += Buffer.byteLength(JSON.stringify(feature)) + 1;
      if (size > maxBytes) throw new ResponseTooLargeError(maxBytes);
      features.push(feature);
    }
  } finally {
    lines.close();
  }
  return { type: 'FeatureCollection', features };
}
