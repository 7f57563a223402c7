import { useEffect, useState } from 'react';
import type { Feature, FeatureCollection, MultiLineString, Polygon, MultiPolygon } from 'geojson';
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
        const provinces = (feature(t, object) as FeatureCollection<Polygon | MultiPolygon, ProvinceProps>).features;
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
