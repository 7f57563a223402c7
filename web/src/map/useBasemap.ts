import { useEffect, useState } from 'react';
import type { Feature, FeatureCollection, MultiLineString, Polygon, MultiPolygon } from 'geojson';
import { geoArea } from 'd3-geo';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';

export interface ProvinceProps {
  name: string;
  country: string;
  iso: string;
}
export interface Basemap {
  provinces: Array<Feature<Polygon | MultiPolygon, ProvinceProps>>;
  countryBorders: MultiLineString;
  provinceBorders: MultiLineString;
}

/**
 * d3-geo reads a polygon's rings clockwise (GeoJSON's RFC 7946 order is the opposite): read the other way, a
 * province would be the whole globe but itself. A polygon covering more than a hemisphere is turned round.
 */
function d3Winding<F extends Feature<Polygon | MultiPolygon, ProvinceProps>>(f: F): F {
  if (geoArea(f) <= 2 * Math.PI) return f;
  const geometry =
    f.geometry.type === 'Polygon'
      ? { ...f.geometry, coordinates: f.geometry.coordinates.map((ring) => [...ring].reverse()) }
      : { ...f.geometry, coordinates: f.geometry.coordinates.map((polygon) => polygon.map((ring) => [...ring].reverse())) };
  return { ...f, geometry };
}

/** The offline base map (Natural Earth admin-1, built into the bundle), loaded only when a map is shown. */
export function useBasemap(): { basemap: Basemap | null; error: Error | null } {
  const [state, setState] = useState<{ basemap: Basemap | null; error: Error | null }>({ basemap: null, error: null });
  useEffect(() => {
    let cancelled = false;
    import('virtual:basemap').then(
      ({ default: topo }) => {
        if (cancelled) return;
        const t = topo as Topology<{ provinces: GeometryCollection<ProvinceProps> }>;
        const object = t.objects.provinces;
        const provinces = (feature(t, object) as FeatureCollection<Polygon | MultiPolygon, ProvinceProps>).features.map(d3Winding);
        const country = (g: { properties?: unknown }) => (g.properties as ProvinceProps).country;
        const countryBorders = mesh(t, object, (a, b) => a === b || country(a) !== country(b));
        const provinceBorders = mesh(t, object, (a, b) => a !== b && country(a) === country(b));
        setState({ basemap: { provinces, countryBorders, provinceBorders }, error: null });
      },
      (error: unknown) => !cancelled && setState({ basemap: null, error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      cancelled = true;
    };
  }, []);
  return state;
}
