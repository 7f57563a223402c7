import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { geoCircle, geoContains, geoMercator, geoPath } from 'd3-geo';
import type { Feature, Polygon } from 'geojson';
import { usePaged } from '../api/useApi';
import { AREAS, MAP_PLACES, type MapPlace, type PlacesData } from '../api/queries';
import { ErrorBox, Loading, PagedFooter, entityPath } from '../components/common';
import { useTitle } from '../views/useTitle';
import { useBasemap, type Basemap } from './useBasemap';

const WIDTH = 960;
const HEIGHT = 640;
/** Places drawn at most (pages of 100 are fetched until then). */
const MAX_PLACES = 1000;
const METRES_PER_DEGREE = 111_195;
/** Never zoom closer than this many degrees across, so a single point keeps its province around it. */
const MIN_SPAN_DEG = 2.5;

type Located = MapPlace & { location: NonNullable<MapPlace['location']> };

function extentOf(places: Located[]): Feature<Polygon> {
  const lons = places.map((p) => p.location.longitude);
  const lats = places.map((p) => p.location.latitude);
  let [w, e, s, n] = places.length ? [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)] : [22, 40, 44, 53];
  const cx = (w + e) / 2;
  const cy = (s + n) / 2;
  const half = Math.max(MIN_SPAN_DEG, e - w, n - s) / 2 + 0.2;
  [w, e, s, n] = [cx - half * 1.5, cx + half * 1.5, cy - half, cy + half];
  return { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[[w, s], [w, n], [e, n], [e, s], [w, s]]] } };
}

function provinceOf(basemap: Basemap | null, p: Located) {
  return basemap?.provinces.find((f) => geoContains(f, [p.location.longitude, p.location.latitude])) ?? null;
}

/**
 * /map?within=…&from=…&to=… — places as points with their precision as a circle, on the offline base map
 * (country and province borders); filtered by the place hierarchy and by the dates of statements about them.
 */
export function MapView() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const within = params.get('within') ?? '';
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const [form, setForm] = useState({ within, from, to });
  useEffect(() => setForm({ within, from, to }), [within, from, to]);
  useTitle('Map');
  const { basemap, error: basemapError } = useBasemap();

  const where: Record<string, unknown> = {};
  if (within) where.within = { placeId: within };
  if (from || to) where.statements = { some: { node: { statedAt: { overlaps: { ...(from ? { from } : {}), ...(to ? { to } : {}) } } } } };
  const page = usePaged<PlacesData, PlacesData['places']['edges'][number]>(MAP_PLACES, { where }, (d) => d.places);
  // Draw them all: keep paging (cursor by cursor) up to the cap.
  useEffect(() => {
    if (page.hasMore && !page.loading && !page.error && page.edges.length < MAX_PLACES) page.loadMore();
  }, [page]);
  const areas = usePaged<PlacesData, PlacesData['places']['edges'][number]>(AREAS, {}, (d) => d.places);
  useEffect(() => {
    if (areas.hasMore && !areas.loading && !areas.error && areas.edges.length < MAX_PLACES) areas.loadMore();
  }, [areas]);

  const places = page.edges.map((e) => e.node);
  const located = places.filter((p): p is Located => p.location !== null);
  const locatedKey = located.map((p) => p.id).join(',');
  // Refit only when the set of places changes, not on every render.
  const projection = useMemo(() => geoMercator().fitExtent([[20, 20], [WIDTH - 20, HEIGHT - 20]], extentOf(located)), [locatedKey]);
  const path = useMemo(() => geoPath(projection), [projection]);
  const [zoom, setZoom] = useState({ k: 1, x: 0, y: 0 });
  useEffect(() => setZoom({ k: 1, x: 0, y: 0 }), [projection]);
  const drag = useRef<{ x: number; y: number } | null>(null);
  const [selected, setSelected] = useState<string | null>(null);

  const zoomBy = (factor: number) => setZoom((z) => ({ k: z.k * factor, x: WIDTH / 2 - (WIDTH / 2 - z.x) * factor, y: HEIGHT / 2 - (HEIGHT / 2 - z.y) * factor }));
  const provinceNames = new Map(located.map((p) => [p.id, provinceOf(basemap, p)]));
  const highlighted = selected ? provinceNames.get(selected) : null;

  return (
    <div className="map-view">
      <h1>Map</h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          const next: Record<string, string> = {};
          if (form.within) next.within = form.within;
          if (form.from) next.from = form.from;
          if (form.to) next.to = form.to;
          setParams(next);
        }}
      >
        <label>
          within
          <select value={form.within} onChange={(e) => setForm({ ...form, within: e.target.value })} aria-label="within">
            <option value="">everywhere</option>
            {areas.edges.map(({ node: a }) => (
              <option key={a.id} value={a.id}>
                {a.name} ({a.kind.toLowerCase()})
              </option>
            ))}
            {within && !areas.edges.some((a) => a.node.id === within) && <option value={within}>{within}</option>}
          </select>
        </label>
        <label>
          mentioned from
          <input type="date" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} />
        </label>
        <label>
          to
          <input type="date" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} />
        </label>
        <button type="submit">Show</button>
      </form>
      {page.error && <ErrorBox error={page.error} />}
      {basemapError && <p role="alert">The base map could not be loaded: {basemapError.message}</p>}
      {!basemap && !basemapError && <Loading what="the base map" />}
      <div className="map-layout">
        <div className="map-frame">
          <div className="map-zoom">
            <button type="button" onClick={() => zoomBy(1.5)} aria-label="Zoom in">
              +
            </button>
            <button type="button" onClick={() => zoomBy(1 / 1.5)} aria-label="Zoom out">
              −
            </button>
            <button type="button" onClick={() => setZoom({ k: 1, x: 0, y: 0 })} aria-label="Reset zoom">
              ⟲
            </button>
          </div>
          <svg
            viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
            className="map"
            data-testid="map"
            role="img"
            aria-label={`Map of ${located.length} places`}
            onWheel={(e) => zoomBy(e.deltaY < 0 ? 1.2 : 1 / 1.2)}
            onPointerDown={(e) => {
              if ((e.target as Element).closest('.place')) return;
              drag.current = { x: e.clientX, y: e.clientY };
              (e.currentTarget as SVGSVGElement).setPointerCapture(e.pointerId);
            }}
            onPointerMove={(e) => {
              if (!drag.current) return;
              const svg = e.currentTarget as SVGSVGElement;
              const scale = WIDTH / svg.clientWidth;
              const dx = (e.clientX - drag.current.x) * scale;
              const dy = (e.clientY - drag.current.y) * scale;
              drag.current = { x: e.clientX, y: e.clientY };
              setZoom((z) => ({ ...z, x: z.x + dx, y: z.y + dy }));
            }}
            onPointerUp={() => (drag.current = null)}
          >
            <rect width={WIDTH} height={HEIGHT} className="sea" />
            <g transform={`translate(${zoom.x},${zoom.y}) scale(${zoom.k})`} data-testid="map-content">
              {basemap && (
                <g className="basemap">
                  {basemap.provinces.map((f, i) => (
                    // Natural Earth repeats a few name/code pairs (a city and the district around it): the index keys them.
                    <path key={i} d={path(f) ?? ''} className={`province${highlighted === f ? ' highlighted' : ''}`} data-name={f.properties.name} data-country={f.properties.country} data-iso={f.properties.iso}>
                      <title>{`${f.properties.name} (${f.properties.country})`}</title>
                    </path>
                  ))}
                  <path d={path(basemap.provinceBorders) ?? ''} className="province-borders" />
                  <path d={path(basemap.countryBorders) ?? ''} className="country-borders" />
                </g>
              )}
              <g className="places">
                {located.map((p) => {
                  const [x, y] = projection([p.location.longitude, p.location.latitude]) ?? [0, 0];
                  const circle = p.location.precisionM ? path(geoCircle().center([p.location.longitude, p.location.latitude]).radius(p.location.precisionM / METRES_PER_DEGREE)()) : null;
                  const province = provinceNames.get(p.id);
                  return (
                    <a
                      key={p.id}
                      href={entityPath(p.id)}
                      className={`place${selected === p.id ? ' selected' : ''}`}
                      data-id={p.id}
                      data-province={province?.properties.name ?? ''}
                      data-x={x}
                      data-y={y}
                      onClick={(e) => {
                        e.preventDefault();
                        navigate(entityPath(p.id));
                      }}
                      onMouseEnter={() => setSelected(p.id)}
                      onFocus={() => setSelected(p.id)}
                    >
                      <title>{`${p.name} (${p.kind.toLowerCase()})${p.location.precisionM ? ` ± ${p.location.precisionM} m` : ''}${province ? ` — in ${province.properties.name}` : ''}`}</title>
                      {circle && <path d={circle} className="precision" />}
                      <circle cx={x} cy={y} r={4 / zoom.k} className="dot" />
                      <text x={x + 6 / zoom.k} y={y - 6 / zoom.k} className="place-label" style={{ fontSize: `${11 / zoom.k}px` }}>
                        {p.name}
                      </text>
                    </a>
                  );
                })}
              </g>
            </g>
          </svg>
          <p className="attribution muted">Borders: Natural Earth (public domain). Circles: each place's stated precision.</p>
        </div>
        <aside className="map-side">
          <h2>
            Places <span className="muted">({located.length})</span>
          </h2>
          <ul className="map-places">
            {located.map((p) => {
              const province = provinceNames.get(p.id);
              return (
                <li key={p.id} data-id={p.id} onMouseEnter={() => setSelected(p.id)}>
                  <Link to={entityPath(p.id)}>{p.name}</Link> <span className="muted">{p.kind.toLowerCase()}</span>
                  {province && (
                    <div className="muted">
                      on the map in {province.properties.name} ({province.properties.country})
                      {p.parent ? `; recorded as part of ${p.parent.name}` : ''}
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
          {places.length > located.length && <p className="muted">{places.length - located.length} places have no location.</p>}
          <PagedFooter {...page} shown={places.length} total={page.totalCount} />
        </aside>
      </div>
    </div>
  );
}
