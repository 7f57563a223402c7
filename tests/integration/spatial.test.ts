import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countQueries, createHarness, type Harness } from '../harness.js';
import { byId, sample, sampleNode, sampleNodesOf } from '../sample.js';

/**
 * Spatial filters, distances and DISTANCE ordering, checked against the sample's coordinates with the
 * test's own haversine. Neo4j measures WGS-84 distances its own way, so distances may differ by a little
 * (we allow 0.5%), and every radius used here is checked to be well away from any place's distance.
 * Bad spatial (and date) inputs must be refused as BAD_USER_INPUT naming the argument before the
 * database is asked anything.
 */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

// ---------------------------------------------------------------------------------------------------
// Geometry, from the JSON

interface LatLon {
  latitude: number;
  longitude: number;
}
const EARTH_RADIUS_KM = 6371.0088;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in km (haversine on the mean earth radius). */
function haversineKm(a: LatLon, b: LatLon): number {
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(s)));
}

const TOLERANCE = 0.005;
function expectDistance(actual: number | null, expected: number, what: string) {
  expect(actual, what).not.toBeNull();
  expect(Math.abs(actual! - expected), `${what}: ${actual} km vs ${expected} km`).toBeLessThanOrEqual(expected * TOLERANCE + 0.001);
}

const places = sampleNodesOf('Place');
const locationOf = (id: string): LatLon => sampleNode(id).properties.location;
const distancesFrom = (centre: LatLon) => places.map((p) => ({ id: p.id, km: haversineKm(centre, p.properties.location) }));

/** The places within `radiusKm` of `centre`, after checking no place is within 2% of the boundary. */
function placesNear(centre: LatLon, radiusKm: number): string[] {
  for (const { id, km } of distancesFrom(centre)) {
    expect(Math.abs(km - radiusKm) / radiusKm, `${id} at ${km} km is too close to the ${radiusKm} km boundary`).toBeGreaterThan(0.02);
  }
  return distancesFrom(centre)
    .filter((d) => d.km <= radiusKm)
    .map((d) => d.id)
    .sort(byId);
}

/**
 * Places ordered by distance from `centre` (ties, i.e. the same coordinates, by id in the same direction), after
 * checking that any two different distances differ by more than the tolerance.
 */
function placesByDistance(centre: LatLon, direction: 'ASC' | 'DESC'): string[] {
  const ds = distancesFrom(centre);
  const same = (a: number, b: number) => Math.abs(a - b) < 1e-9;
  for (const a of ds)
    for (const b of ds)
      if (!same(a.km, b.km)) expect(Math.abs(a.km - b.km), `${a.id} and ${b.id} are about as far`).toBeGreaterThan(2 * TOLERANCE * Math.max(a.km, b.km));
  return ds
    .sort((a, b) => (same(a.km, b.km) ? (direction === 'ASC' ? byId(a.id, b.id) : byId(b.id, a.id)) : direction === 'ASC' ? a.km - b.km : b.km - a.km))
    .map((d) => d.id);
}

/** Ids within a place through PART_OF, at any depth (and the place itself if includeSelf). */
function placesWithin(ancestor: string, includeSelf: boolean): string[] {
  const inside = new Set<string>(includeSelf ? [ancestor] : []);
  const queue = [ancestor];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const e of sample.edges.filter((e) => e.type === 'PART_OF' && e.to === parent)) {
      if (!inside.has(e.from)) {
        inside.add(e.from);
        queue.push(e.from);
      }
    }
  }
  return [...inside].sort(byId);
}

// ---------------------------------------------------------------------------------------------------
// The API

async function placeIds(where: unknown, orderBy?: unknown): Promise<string[]> {
  const data = await h.data(
    `query ($where: PlaceWhere, $orderBy: [PlaceOrder!]) { places(first: 100, where: $where, orderBy: $orderBy) { totalCount edges { node { id } } } }`,
    { where, orderBy },
  );
  expect(data.places.totalCount).toBe(data.places.edges.length);
  return data.places.edges.map((e: any) => e.node.id);
}

/** Runs a request that must fail with one BAD_USER_INPUT, having asked the database nothing. */
async function expectRefused(query: string, variables: Record<string, unknown> = {}) {
  const { result, queries } = await countQueries(h.db, () => h.run(query, variables));
  expect(result.errors, JSON.stringify(result.data)).toHaveLength(1);
  const [error] = result.errors!;
  expect(error.extensions?.code, error.message).toBe('BAD_USER_INPUT');
  expect(queries, 'decided before the database is touched').toHaveLength(0);
  expect(JSON.stringify(error)).not.toMatch(/\n\s+at /);
  return error;
}

const KUPYANSK = 'place:kupyansk';
const EAST_OF_KUPYANSK: LatLon = { latitude: 49.7, longitude: 37.7 };

// ---------------------------------------------------------------------------------------------------

describe('near', () => {
  it.each([
    ['10 km of a point by Kupyansk', { latitude: 49.7, longitude: 37.6 }, 10],
    ['95 km of a point by Kupyansk', { latitude: 49.7, longitude: 37.6 }, 95],
    ['300 km of a point in central Ukraine', { latitude: 48.5, longitude: 33.0 }, 300],
    ['1 km of the antipode of Kupyansk', { latitude: -49.7106, longitude: -142.3844 }, 1],
  ])('within %s', async (_name, point, radiusKm) => {
    const expected = placesNear(point, radiusKm);
    expect(await placeIds({ near: { point, radiusKm } })).toEqual(expected);
  });

  it('the expectations above keep some places and drop others', () => {
    const kept = placesNear({ latitude: 49.7, longitude: 37.6 }, 95);
    expect(kept.length).toBeGreaterThan(placesNear({ latitude: 49.7, longitude: 37.6 }, 10).length);
    expect(kept.length).toBeLessThan(places.length);
  });

  it.each([
    [KUPYANSK, 2],
    [KUPYANSK, 120],
    ['place:kharkiv', 50],
    ['place:kharkiv-province', 70],
    [KUPYANSK, 20000],
  ])('within %s, %d km (the place itself is at 0 km)', async (placeId, radiusKm) => {
    const expected = placesNear(locationOf(placeId), radiusKm);
    expect(expected).toContain(placeId);
    expect(await placeIds({ near: { placeId, radiusKm } })).toEqual(expected);
  });

  it('combines with other filters', async () => {
    const near = placesNear(locationOf(KUPYANSK), 120);
    const expected = near.filter((id) => ['CITY', 'PROVINCE'].includes(sampleNode(id).properties.kind));
    expect(expected.length).toBeGreaterThan(1);
    expect(await placeIds({ near: { placeId: KUPYANSK, radiusKm: 120 }, kind: { in: ['CITY', 'PROVINCE'] } })).toEqual(expected);
    expect(await placeIds({ NOT: { near: { placeId: KUPYANSK, radiusKm: 120 } } })).toEqual(
      places.map((p) => p.id).filter((id) => !near.includes(id)).sort(byId),
    );
  });

  it('an unknown (well-formed) place id as centre finds nothing', async () => {
    expect(await placeIds({ near: { placeId: 'place:atlantis', radiusKm: 20000 } })).toEqual([]);
  });

  it('as a relationship filter: statements about a place within 2 km of the Kupyansk sign', async () => {
    const nearSign = placesNear(locationOf('place:kupyansk-southwest-entrance'), 2);
    const expected = sampleNodesOf('Statement')
      .filter((s) => sample.edges.some((e) => e.type === 'ABOUT' && e.from === s.id && nearSign.includes(e.to)))
      .map((s) => s.id)
      .sort(byId);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(sampleNodesOf('Statement').length);
    const data = await h.data(`{
      statements(first: 100, where: {about: {some: {node: {place: {near: {placeId: "place:kupyansk-southwest-entrance", radiusKm: 2}}}}}}) { edges { node { id } } }
    }`);
    expect(data.statements.edges.map((e: any) => e.node.id)).toEqual(expected);
  });
});

describe('inBox', () => {
  const inBox = (b: { south: number; west: number; north: number; east: number }) =>
    places
      .filter((p) => {
        const { latitude, longitude } = p.properties.location;
        return latitude > b.south && latitude < b.north && longitude > b.west && longitude < b.east;
      })
      .map((p) => p.id)
      .sort(byId);

  it.each([
    ['around Kupyansk, north edge below the northern districts', { south: 49.69, west: 37.58, north: 49.72, east: 37.62 }],
    ['Kupyansk and its northern districts only', { south: 49.7, west: 37.6, north: 49.73, east: 37.62 }],
    ['eastern Ukraine', { south: 49.0, west: 35.0, north: 51.0, east: 38.0 }],
    ['all of Ukraine and more', { south: 44.0, west: 22.0, north: 53.0, east: 41.0 }],
    ['the whole world', { south: -90, west: -180, north: 90, east: 180 }],
    ['the South Atlantic', { south: -40, west: -30, north: -20, east: -10 }],
  ])('%s', async (_name, box) => {
    for (const p of places) {
      const { latitude, longitude } = p.properties.location;
      // No place on an edge of the box.
      expect([box.south, box.north]).not.toContain(latitude);
      expect([box.west, box.east]).not.toContain(longitude);
    }
    expect(await placeIds({ inBox: box })).toEqual(inBox(box));
  });

  it('a box around Kupyansk keeps its parts and drops the region and the countries', async () => {
    const found = await placeIds({ inBox: { south: 49.69, west: 37.58, north: 49.72, east: 37.62 } });
    expect(found).toContain(KUPYANSK);
    expect(found).toContain('place:kupyansk-southwest-entrance');
    expect(found).not.toContain('place:kupyansk-northern-districts');
    expect(found).not.toContain('place:ukraine');
  });
});

describe('within (PART_OF at any depth)', () => {
  it.each([
    ['place:kharkiv-province', true],
    ['place:kharkiv-province', false],
    ['place:ukraine', true],
    ['place:ukraine', false],
    [KUPYANSK, false],
    ['place:kupyansk-city-cemetery', true],
    ['place:kupyansk-city-cemetery', false],
  ] as const)('%s, includeSelf %s', async (placeId, includeSelf) => {
    expect(await placeIds({ within: { placeId, includeSelf } })).toEqual(placesWithin(placeId, includeSelf));
  });

  it('includeSelf defaults to true', async () => {
    const expected = placesWithin('place:kharkiv-province', true);
    expect(expected).toEqual(
      expect.arrayContaining(['place:kharkiv-province', 'place:kharkiv', KUPYANSK, 'place:kupyansk-city-cemetery', 'place:yubileiny-street-kupyansk']),
    );
    expect(expected).not.toContain('place:ukraine');
    expect(expected).not.toContain('place:northeast-ukraine');
    expect(await placeIds({ within: { placeId: 'place:kharkiv-province' } })).toEqual(expected);
  });

  it('an unknown (well-formed) place has nothing within', async () => {
    expect(await placeIds({ within: { placeId: 'place:atlantis' } })).toEqual([]);
  });

  it('within and near together', async () => {
    const expected = placesWithin('place:kharkiv-province', true).filter((id) => placesNear(locationOf(KUPYANSK), 2).includes(id));
    expect(await placeIds({ within: { placeId: 'place:kharkiv-province' }, near: { placeId: KUPYANSK, radiusKm: 2 } })).toEqual(expected);
  });
});

describe('distanceKm', () => {
  it('from a point and from a place, for every place, in one query', async () => {
    const point = { latitude: 50.45, longitude: 30.52 };
    const data = await h.data(
      `query ($point: GeoPointInput!) { places(first: 100) { edges { node {
        id
        fromPoint: distanceKm(from: $point)
        fromKharkiv: distanceKm(fromPlace: "place:kharkiv")
        fromKupyansk: distanceKm(fromPlace: "place:kupyansk")
      } } } }`,
      { point },
    );
    expect(data.places.edges).toHaveLength(places.length);
    for (const { node } of data.places.edges) {
      const here = locationOf(node.id);
      expectDistance(node.fromPoint, haversineKm(point, here), `${node.id} from the point`);
      expectDistance(node.fromKharkiv, haversineKm(locationOf('place:kharkiv'), here), `${node.id} from Kharkiv`);
      expectDistance(node.fromKupyansk, haversineKm(locationOf(KUPYANSK), here), `${node.id} from Kupyansk`);
    }
  });

  it('Kharkiv is about 100 km from Kupyansk, as the report says', async () => {
    const data = await h.data(`{ place(id: "place:kharkiv") { distanceKm(fromPlace: "place:kupyansk") } }`);
    expect(data.place.distanceKm).toBeGreaterThan(90);
    expect(data.place.distanceKm).toBeLessThan(115);
  });

  it('on nested places, with literal arguments', async () => {
    const data = await h.data(`{
      place(id: "place:kupyansk") {
        children(first: 100) { edges { node { id distanceKm(from: {latitude: 49.7106, longitude: 37.6156}) parent { id distanceKm(fromPlace: "place:kharkiv") } } } }
      }
    }`);
    const children = sample.edges.filter((e) => e.type === 'PART_OF' && e.to === KUPYANSK).map((e) => e.from);
    expect(data.place.children.edges.map((e: any) => e.node.id)).toEqual([...children].sort(byId));
    for (const { node } of data.place.children.edges) {
      expectDistance(node.distanceKm, haversineKm(locationOf(KUPYANSK), locationOf(node.id)), node.id);
      expectDistance(node.parent.distanceKm, haversineKm(locationOf('place:kharkiv'), locationOf(KUPYANSK)), `${node.id} parent`);
    }
  });

  it('from an unknown (well-formed) place is null', async () => {
    const data = await h.data(`{ place(id: "place:kupyansk") { distanceKm(fromPlace: "place:atlantis") } }`);
    expect(data.place.distanceKm).toBeNull();
  });
});

describe('orderBy DISTANCE', () => {
  it.each([
    ['from Kupyansk, ASC', { placeId: KUPYANSK, radiusKm: 20000 }, locationOf(KUPYANSK), 'ASC'],
    ['from Kupyansk, DESC', { placeId: KUPYANSK, radiusKm: 20000 }, locationOf(KUPYANSK), 'DESC'],
    ['from a point east of Kupyansk, ASC', { point: EAST_OF_KUPYANSK, radiusKm: 20000 }, EAST_OF_KUPYANSK, 'ASC'],
    ['from a point east of Kupyansk, DESC', { point: EAST_OF_KUPYANSK, radiusKm: 20000 }, EAST_OF_KUPYANSK, 'DESC'],
  ] as const)('%s', async (_name, near, centre, direction) => {
    const expected = placesByDistance(centre, direction);
    expect(await placeIds({ near }, [{ field: 'DISTANCE', direction }])).toEqual(expected);
  });

  it('places at the same spot tie, broken by id in the direction of the order', async () => {
    // Kupyansk and its cemetery share coordinates in the sample.
    expect(locationOf(KUPYANSK)).toEqual(locationOf('place:kupyansk-city-cemetery'));
    const asc = await placeIds({ near: { placeId: KUPYANSK, radiusKm: 20000 } }, [{ field: 'DISTANCE' }]);
    const desc = await placeIds({ near: { placeId: KUPYANSK, radiusKm: 20000 } }, [{ field: 'DISTANCE', direction: 'DESC' }]);
    expect(asc.slice(0, 2)).toEqual([KUPYANSK, 'place:kupyansk-city-cemetery']);
    expect(desc.slice(-2)).toEqual(['place:kupyansk-city-cemetery', KUPYANSK]);
  });

  it('with a radius: only the places inside, nearest first, then by name', async () => {
    const expected = placesByDistance(EAST_OF_KUPYANSK, 'ASC').filter((id) => placesNear(EAST_OF_KUPYANSK, 120).includes(id));
    expect(await placeIds({ near: { point: EAST_OF_KUPYANSK, radiusKm: 120 } }, [{ field: 'DISTANCE' }, { field: 'NAME' }])).toEqual(expected);
  });

  it('pages with first: 2 like one big page, with distanceKm along', async () => {
    const Q = `query ($after: String, $first: Int) {
      places(first: $first, after: $after, where: {near: {point: {latitude: 49.7, longitude: 37.7}, radiusKm: 20000}}, orderBy: [{field: DISTANCE, direction: DESC}]) {
        pageInfo { hasNextPage endCursor } edges { cursor node { id distanceKm(from: {latitude: 49.7, longitude: 37.7}) } }
      }
    }`;
    const all = (await h.data(Q, { first: 100 })).places.edges;
    expect(all.map((e: any) => e.node.id)).toEqual(placesByDistance(EAST_OF_KUPYANSK, 'DESC'));
    for (let i = 1; i < all.length; i++) expect(all[i].node.distanceKm).toBeLessThanOrEqual(all[i - 1].node.distanceKm);
    const walked: any[] = [];
    let after: string | null = null;
    for (let i = 0; i < 50; i++) {
      const p: any = (await h.data(Q, { first: 2, after })).places;
      walked.push(...p.edges);
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    expect(walked.map((e) => e.node.id)).toEqual(all.map((e: any) => e.node.id));
    // A page taken directly after the 7th item.
    const direct = (await h.data(Q, { first: 2, after: all[6].cursor })).places.edges;
    expect(direct.map((e: any) => e.node.id)).toEqual(all.slice(7, 9).map((e: any) => e.node.id));
  });

  it('on a nested connection, measured from its where.node.near', async () => {
    const data = await h.data(`{
      source(id: "source:zelensky-video-2024-12-12") {
        asc: geolocatedAt(where: {node: {near: {point: {latitude: 49.7, longitude: 37.7}, radiusKm: 50}}}, orderBy: [{field: DISTANCE}]) { edges { offsetM node { id } } }
        desc: geolocatedAt(where: {node: {near: {point: {latitude: 49.7, longitude: 37.7}, radiusKm: 50}}}, orderBy: [{field: DISTANCE, direction: DESC}]) { edges { node { id } } }
      }
    }`);
    const geolocated = sample.edges.filter((e) => e.type === 'GEOLOCATED_AT' && e.from === 'source:zelensky-video-2024-12-12').map((e) => e.to);
    const expected = placesByDistance(EAST_OF_KUPYANSK, 'ASC').filter((id) => geolocated.includes(id));
    expect(expected.length).toBe(2);
    expect(data.source.asc.edges.map((e: any) => e.node.id)).toEqual(expected);
    expect(data.source.desc.edges.map((e: any) => e.node.id)).toEqual([...expected].reverse());
  });

  it('a cursor taken under DISTANCE from one centre is refused under DISTANCE from another', async () => {
    // Its key is a distance from the first centre: read against the second it would skip or repeat places.
    const Q = `query ($after: String, $centre: ID!) {
      places(first: 3, after: $after, where: {near: {placeId: $centre, radiusKm: 20000}}, orderBy: [{field: DISTANCE}]) { pageInfo { endCursor } edges { node { id } } }
    }`;
    const cursor = (await h.data(Q, { centre: KUPYANSK })).places.pageInfo.endCursor;
    const error = await expectRefused(Q, { centre: 'place:kharkiv', after: cursor });
    expect(error.extensions?.argument).toBe('after');
  });
});

describe('bad spatial input is BAD_USER_INPUT naming the argument, before any query', () => {
  const PLACES = `query ($where: PlaceWhere, $orderBy: [PlaceOrder!]) { places(where: $where, orderBy: $orderBy) { edges { node { id } } } }`;
  const point = { latitude: 49.7, longitude: 37.6 };

  it.each([
    ['radiusKm 0', { near: { point, radiusKm: 0 } }, 'where.near.radiusKm'],
    ['radiusKm -1', { near: { point, radiusKm: -1 } }, 'where.near.radiusKm'],
    ['radiusKm 20001', { near: { placeId: KUPYANSK, radiusKm: 20001 } }, 'where.near.radiusKm'],
    ['latitude 91', { near: { point: { latitude: 91, longitude: 37.6 }, radiusKm: 10 } }, 'where.near.point'],
    ['latitude -90.5', { near: { point: { latitude: -90.5, longitude: 37.6 }, radiusKm: 10 } }, 'where.near.point'],
    ['longitude -181', { near: { point: { latitude: 49.7, longitude: -181 }, radiusKm: 10 } }, 'where.near.point'],
    ['placeId of an actor', { near: { placeId: 'actor:russia', radiusKm: 10 } }, 'where.near.placeId'],
    ['placeId that is no id at all', { near: { placeId: 'Kupyansk', radiusKm: 10 } }, 'where.near.placeId'],
    ['inBox with south > north', { inBox: { south: 50, west: 37, north: 49, east: 38 } }, 'where.inBox'],
    ['inBox with latitude 91', { inBox: { south: 49, west: 37, north: 91, east: 38 } }, 'where.inBox'],
    ['inBox across the antimeridian', { inBox: { south: 49, west: 170, north: 50, east: -170 } }, 'where.inBox'],
    ['within a unit id', { within: { placeId: 'unit:western-group-of-forces' } }, 'where.within.placeId'],
    ['within a malformed id', { within: { placeId: 'place:Kupyansk' } }, 'where.within.placeId'],
    ['near inside OR', { OR: [{ kind: { eq: 'CITY' } }, { near: { point, radiusKm: 0 } }] }, 'where.near.radiusKm'],
  ])('%s', async (_name, where, argument) => {
    const error = await expectRefused(PLACES, { where });
    expect(error.extensions?.argument).toBe(argument);
    expect(error.extensions?.field).toBe('Query.places');
  });

  it.each([
    ['both point and placeId', { point, placeId: KUPYANSK, radiusKm: 10 }],
    ['neither point nor placeId', { radiusKm: 10 }],
  ])('near with %s', async (_name, near) => {
    const error = await expectRefused(PLACES, { where: { near } });
    expect(error.extensions?.argument).toMatch(/^where\.near(\.point|\.placeId)?$/);
    expect(error.message).toMatch(/point/);
    expect(error.message).toMatch(/placeId/);
  });

  it('(control) radiusKm 20000 and the extreme coordinates are accepted', async () => {
    expect((await placeIds({ near: { placeId: KUPYANSK, radiusKm: 20000 } })).length).toBe(places.length);
    await placeIds({ near: { point: { latitude: -90, longitude: 180 }, radiusKm: 0.001 } });
    await placeIds({ inBox: { south: -90, west: -180, north: 90, east: 180 } });
  });

  it('orderBy DISTANCE without near names orderBy', async () => {
    const error = await expectRefused(PLACES, { orderBy: [{ field: 'DISTANCE' }] });
    expect(error.extensions?.argument).toBe('orderBy');
    const nested = await expectRefused(`{ place(id: "place:kupyansk") { children(orderBy: [{field: DISTANCE}]) { edges { node { id } } } } }`);
    expect(nested.extensions?.argument).toBe('orderBy');
    expect(nested.extensions?.field).toBe('Place.children');
  });

  it('orderBy DISTANCE with a bad near centre', async () => {
    const error = await expectRefused(PLACES, { where: { near: { placeId: 'statement:x', radiusKm: 5 } }, orderBy: [{ field: 'DISTANCE' }] });
    expect(error.extensions?.argument).toBe('where.near.placeId');
  });

  it('a bad near on a nested connection names the field', async () => {
    const error = await expectRefused(
      `{ place(id: "place:kupyansk") { children(where: {node: {near: {point: {latitude: 49.7, longitude: 37.6}, radiusKm: 0}}}) { edges { node { id } } } } }`,
    );
    expect(error.extensions?.argument).toMatch(/^where\.(node\.)?near\.radiusKm$/);
    expect(error.extensions?.field).toBe('Place.children');
  });

  it('a bad near inside a relationship filter', async () => {
    const error = await expectRefused(
      `{ statements(where: {about: {some: {node: {place: {near: {placeId: "place:kupyansk", radiusKm: -5}}}}}}) { edges { node { id } } } }`,
    );
    expect(error.extensions?.argument).toMatch(/near\.radiusKm$/);
  });

  it.each([
    ['neither from nor fromPlace', '', 'from'],
    ['both from and fromPlace', '(from: {latitude: 49.7, longitude: 37.6}, fromPlace: "place:kharkiv")', 'from'],
    ['from latitude 91', '(from: {latitude: 91, longitude: 37.6})', 'from'],
    ['from longitude 181', '(from: {latitude: 49, longitude: 181})', 'from'],
    ['fromPlace an actor', '(fromPlace: "actor:russia")', 'fromPlace'],
  ])('distanceKm with %s', async (_name, args, argument) => {
    const error = await expectRefused(`{ places(first: 3) { edges { node { id distanceKm${args} } } } }`);
    expect(error.extensions?.argument).toBe(argument);
  });

  it('distanceKm with a bad argument on a place by id', async () => {
    const error = await expectRefused(`{ place(id: "place:kupyansk") { distanceKm(fromPlace: "kharkiv") } }`);
    expect(error.extensions?.argument).toBe('fromPlace');
  });
});

describe('bad dates are BAD_USER_INPUT naming the argument, before any query', () => {
  it('the impossible literal "2024-02-30"', async () => {
    const error = await expectRefused(`{ statements(where: {statedAt: {overlaps: {from: "2024-02-30", to: "2024-03-10"}}}) { edges { node { id } } } }`);
    expect(error.extensions?.argument).toBe('where.statedAt.overlaps.from');
  });

  it('an impossible onOrBefore literal on a nested connection', async () => {
    const error = await expectRefused(
      `{ place(id: "place:kupyansk") { statements(where: {node: {statedAt: {onOrBefore: "2023-02-29"}}}) { edges { node { id } } } } }`,
    );
    expect(error.extensions?.argument).toBe('where.node.statedAt.onOrBefore');
  });

  it('the impossible date in a variable', async () => {
    await expectRefused(`query ($where: StatementWhere) { statements(where: $where) { edges { node { id } } } }`, {
      where: { statedAt: { overlaps: { from: '2024-02-30' } } },
    });
  });

  it.each([
    ['overlaps', { statedAt: { overlaps: { from: '2024-12-16', to: '2024-12-01' } } }],
    ['within', { statedAt: { within: { from: '2024-12-16', to: '2024-12-15' } } }],
    ['overlaps on validFrom', { validFrom: { overlaps: { from: '2025-01-01', to: '2024-01-01' } } }],
  ])('%s with from after to', async (_name, where) => {
    const error = await expectRefused(`query ($where: StatementWhere) { statements(where: $where) { edges { node { id } } } }`, { where });
    expect(error.extensions?.argument).toMatch(/^where(\.|$)/);
    expect(error.extensions?.field).toBe('Query.statements');
  });

  it('(control) from equal to to is a one-day range', async () => {
    const data = await h.data(`{ statements(first: 100, where: {statedAt: {within: {from: "2024-12-13", to: "2024-12-13"}}}) { edges { node { id } } } }`);
    const expected = sampleNodesOf('Statement')
      .filter((s) => s.properties.statedAt.start >= '2024-12-13' && s.properties.statedAt.end <= '2024-12-13')
      .map((s) => s.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(data.statements.edges.map((e: any) => e.node.id)).toEqual(expected.sort(byId));
  });
});
