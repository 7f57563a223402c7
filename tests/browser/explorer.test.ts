import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createHarness, startTestServer, testKey, type Harness } from '../harness.js';
import type { RunningServer } from '../../src/server.js';
import { ensureExplorerBuilt, isFresh } from '../../web/scripts/buildExplorer.js';
import { DESKTOP, PHONE, haveChromium, openBrowser, screenshot, type Browser } from './chromium.js';

/**
 * The explorer in a real headless Chromium against the real server and Neo4j with the Kupyansk sample,
 * walking the path: search "Kupiansk" → Kupyansk → its timeline → the full-control claim → graph
 * → map → contested claims. Every request the page makes is recorded: none may leave the server.
 */
const FULL_CONTROL = 'statement:wgf-full-control-2024-12-16';
const COUNTER_CLAIM = 'statement:ngc2-recaptured-northern-districts-2024-w50';

describe.skipIf(!haveChromium)('the explorer in Chromium', () => {
  let h: Harness;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let origin: string;
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  /** Console errors a step expects (an HTTP 400 it provoked on purpose); cleared after that step. */
  let expectedErrors: RegExp | null = null;

  beforeAll(async () => {
    await ensureExplorerBuilt({ log: () => {} });
    h = await createHarness();
    // The browser is anonymous (a reader) until the key test enters a real key in Settings.
    server = await startTestServer(h, 'anonymous');
    origin = server.url.replace(/\/graphql$/, '');
    browser = await openBrowser();
    page = browser.page;
    browser.context.on('request', (r) => requests.push(r.url()));
    const onConsole = (text: string) => {
      if (!expectedErrors?.test(text)) consoleErrors.push(text);
    };
    page.on('console', (m) => m.type() === 'error' && onConsole(`${m.text()} @ ${m.location().url}`));
    page.on('pageerror', (e) => onConsole(`page error: ${e.message}`));
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await new Promise((resolve) => server?.httpServer.close(resolve));
    await h?.close();
  });

  const at = (path: string) => `${origin}${path}`;

  /** The same view at phone size, screenshotted; the page must not scroll sideways. */
  async function phoneShot(name: string, ready: string) {
    await page.setViewportSize(PHONE);
    await page.reload();
    await page.locator(ready).first().waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, `${name}-phone`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${name} scrolls sideways on a phone`).toBeLessThanOrEqual(1);
    await page.setViewportSize(DESKTOP);
    await page.reload();
    await page.locator(ready).first().waitFor();
  }

  it('builds only when stale', async () => {
    expect(isFresh()).toBe(true);
    expect(await ensureExplorerBuilt({ log: () => {} })).toBe(false);
  });

  it('search "Kupiansk" finds Kupyansk, grouped by type, and opens it from the keyboard', async () => {
    await page.goto(at('/'));
    await page.getByRole('searchbox', { name: 'Search' }).fill('Kupiansk');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/search\?q=Kupiansk/);
    const places = page.getByTestId('results-Place');
    await places.locator('a.result[data-id="place:kupyansk"]').waitFor();
    expect(await page.getByTestId('results-Statement').count()).toBe(1);
    expect(await page.getByTestId('results-Source').count()).toBe(1);
    // Places come first, Kupyansk first among them.
    expect(await page.locator('a.result').first().getAttribute('data-id')).toBe('place:kupyansk');
    await screenshot(page, '1-search');
    await phoneShot('1-search', 'a.result[data-id="place:kupyansk"]');

    // ↓ from the search box focuses the first result, Enter opens it.
    await page.locator('input[name="q"]').focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-id'))).toBe('place:kupyansk');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-id'))).not.toBe('place:kupyansk');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/entity\/place%3Akupyansk$/);
  });

  it('the Kupyansk page: hierarchy, aliases, and a timeline with the full-control claim and the claim contradicting it', async () => {
    await page.getByRole('heading', { level: 1, name: /Kupyansk/ }).waitFor();
    const crumbs = await page.getByRole('navigation', { name: 'Hierarchy' }).innerText();
    expect(crumbs).toMatch(/Ukraine.*Kharkiv province.*Kupyansk/s);
    expect(await page.locator('.aliases').first().innerText()).toContain('Куп');
    await page.getByTestId('places-within').getByText('Yubileiny Street (Kupyansk)').waitFor();

    const timeline = page.getByTestId('timeline');
    const claim = timeline.locator(`a.claim[data-id="${FULL_CONTROL}"]`);
    await claim.waitFor();
    expect(await claim.getAttribute('data-start')).toBe('2024-12-16');
    expect(await claim.getAttribute('data-precision')).toBe('DAY');
    expect(await claim.getAttribute('data-side')).toBe('RU');
    const counter = timeline.locator(`a.claim[data-id="${COUNTER_CLAIM}"]`);
    expect(await counter.getAttribute('data-precision')).toBe('WEEK');
    expect(await counter.getAttribute('data-side')).toBe('UA');
    // The stance edge between them is drawn, from the counter-claim to the claim it contradicts.
    expect(await timeline.locator(`path.stance[data-kind="CONTRADICTS"][data-from="${COUNTER_CLAIM}"][data-to="${FULL_CONTROL}"]`).count()).toBe(1);
    // All 16 claims, each over its span: a month is drawn wider than a week, a week wider than a day.
    expect(await timeline.locator('a.claim').count()).toBe(16);
    const width = (id: string) => timeline.locator(`a.claim[data-id="${id}"] rect`).evaluate((r) => (r as SVGRectElement).getBBox().width);
    const [day, week, month] = [await width(FULL_CONTROL), await width(COUNTER_CLAIM), await width('statement:ru-kupyansk-captured-2024-11')];
    expect(week).toBeGreaterThan(day * 3);
    expect(month).toBeGreaterThan(week * 3);
    expect(await timeline.locator('a.claim.precision-MONTH').count()).toBeGreaterThan(0);
    await screenshot(page, '2-place');
    await phoneShot('2-place', `a.claim[data-id="${FULL_CONTROL}"]`);
  });

  it("the full-control claim's page: speaker, sources with quotes, relay chain to the origin, corroboration, contradicting claims", async () => {
    await page.getByTestId('timeline').locator(`a.claim[data-id="${FULL_CONTROL}"]`).click();
    await page.waitForURL(/\/entity\/statement%3Awgf-full-control-2024-12-16$/);
    await page.getByRole('heading', { level: 1, name: "Russia's 6th Combined Arms Army has full control of Kupyansk." }).waitFor();
    expect(await page.getByTestId('speaker').innerText()).toContain('Leonid Sharov');

    const sources = page.getByTestId('sources');
    await sources.locator('li[data-id="source:report-kupyansk"]').waitFor();
    expect(await sources.locator('li[data-id="source:report-kupyansk"] blockquote').innerText()).toContain('6th Combined Arms Army has full control of Kupyansk city');
    expect(await sources.locator('li').count()).toBe(5);

    const chains = page.getByTestId('relay-chains').locator('li.chain');
    expect(await chains.count()).toBe(3);
    for (const relay of ['AFP', 'RIA Novosti', 'TASS']) {
      const chain = chains.filter({ hasText: relay });
      const steps = await chain.locator('ol.chain-steps > li').allInnerTexts();
      expect(steps).toHaveLength(3);
      expect(steps[0]).toContain('Kupyansk report by Nguyen Tien');
      expect(steps[2]).toContain('Western Group of Forces press service statement, 16/12/2024');
      expect(steps[2]).toContain('origin');
    }
    expect(await page.getByTestId('corroboration').innerText()).toMatch(/5 sources, resting on 1 independent origin/);
    const contradictedBy = page.getByTestId('stance-contradicted-by');
    expect(await contradictedBy.locator(`li[data-id="${COUNTER_CLAIM}"]`).count()).toBe(1);
    expect(await page.getByTestId('stance-disputed-by').locator('li').count()).toBe(2);
    await screenshot(page, '3-statement');
    await phoneShot('3-statement', 'li.chain');

    // A deep link survives a reload: the server answers client-side routes with the app.
    await page.reload();
    await page.getByTestId('relay-chains').waitFor();
  });

  it('the graph view draws the neighbourhood, expands a node on click, opens a page on double click, exports what is shown', async () => {
    await page.goto(at('/entity/place%3Akupyansk'));
    await page.getByRole('article').getByRole('link', { name: 'Graph', exact: true }).click();
    await page.waitForURL(/\/graph\?id=place%3Akupyansk/);
    const canvas = page.getByTestId('graph-canvas');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="graph-canvas"]')?.getAttribute('data-nodes')) > 1);
    const before = Number(await canvas.getAttribute('data-nodes'));
    expect(await page.locator('.graph-nodes li[data-id="place:kharkiv-province"]').count()).toBe(1);
    expect(await page.locator('.graph-nodes li[data-id="place:ukraine"]').count()).toBe(0);

    // Click Kharkiv province on the canvas: its neighbourhood (Ukraine, Kharkiv city …) is added.
    const spot = async (id: string) => {
      await page.waitForTimeout(200);
      return canvas.evaluate((el, nodeId) => {
        const cy = (el as HTMLElement & { cy: { getElementById(id: string): { renderedPosition(): { x: number; y: number } } } }).cy;
        const p = cy.getElementById(nodeId).renderedPosition();
        const box = el.getBoundingClientRect();
        return { x: box.left + p.x, y: box.top + p.y };
      }, id);
    };
    let p = await spot('place:kharkiv-province');
    await page.mouse.click(p.x, p.y);
    await page.waitForURL(/expand=place%3Akharkiv-province/);
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="graph-canvas"]')?.getAttribute('data-nodes')) > n, before);
    await page.locator('.graph-nodes li[data-id="place:ukraine"]').waitFor();
    await screenshot(page, '4-graph');

    // Export exactly the nodes shown, in each format the API offers.
    const shown = Number(await canvas.getAttribute('data-nodes'));
    for (const format of ['graphml', 'gexf', 'json', 'ndjson', 'csv', 'cypher', 'cytoscape']) {
      await page.getByLabel('export format').selectOption(format);
      const [download, response] = await Promise.all([
        page.waitForEvent('download'),
        page.waitForResponse((r) => r.url() === at('/export') && r.request().method() === 'POST'),
        page.getByRole('button', { name: 'Export shown' }).click(),
      ]);
      expect(response.status()).toBe(200);
      const body = response.request().postDataJSON() as { format: string; selection: { seeds: string[]; depth: number; closure?: string } };
      expect(body.format).toBe(format);
      expect(body.selection.depth).toBe(0);
      expect(body.selection.closure, 'exactly the nodes shown, without the export closure').toBe('none');
      expect(body.selection.seeds).toHaveLength(shown);
      expect(download.suggestedFilename()).toMatch(format === 'csv' ? /\.zip$/ : new RegExp(`\\.${format === 'cytoscape' ? 'json' : format === 'cypher' ? 'cypher' : format}$`));
      const file = readFileSync(await download.path());
      if (format === 'json') {
        const bundle = JSON.parse(file.toString('utf8')) as { nodes: Array<{ id: string }> };
        expect(bundle.nodes.map((n) => n.id).sort()).toEqual([...body.selection.seeds].sort());
      }
      if (format === 'graphml') expect(file.toString('utf8')).toContain('<node id="place:kharkiv-province">');
      if (format === 'gexf') expect(file.toString('utf8')).toContain('<node id="place:kharkiv-province" label="Kharkiv province">');
      if (format === 'csv') expect(file.subarray(0, 2).toString()).toBe('PK');
    }

    await phoneShot('4-graph', '.graph-nodes li[data-id="place:ukraine"]');
    // Reloaded from its URL, the expansion is still there; a double click opens the node's page.
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="graph-canvas"]')?.getAttribute('data-nodes')) === n, shown);
    p = await spot('place:ukraine');
    await page.mouse.dblclick(p.x, p.y);
    await page.waitForURL(/\/entity\/place%3Aukraine$/);
    await page.getByRole('heading', { level: 1, name: /Ukraine/ }).waitFor();
  });

  it('the map shows Kupyansk inside Kharkiv province, with its precision circle, and opens its page on click', async () => {
    await page.goto(at('/map'));
    await page.getByLabel('within').selectOption('place:kharkiv-province');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/within=place%3Akharkiv-province/);
    const marker = page.locator('a.place[data-id="place:kupyansk"]');
    await marker.waitFor();
    await page.locator('path.province[data-name="Kharkiv"]').waitFor();
    expect(await marker.getAttribute('data-province')).toBe('Kharkiv');
    expect(await marker.locator('path.precision').count()).toBe(1);
    // Geometry, not just a label: the drawn marker lies inside the drawn Kharkiv province, not its neighbours.
    const inside = await page.evaluate(() => {
      const m = document.querySelector('a.place[data-id="place:kupyansk"]')!;
      const point = new DOMPoint(Number(m.getAttribute('data-x')), Number(m.getAttribute('data-y')));
      const fill = (sel: string) => (document.querySelector(sel) as SVGGeometryElement).isPointInFill(point);
      return { kharkiv: fill('path.province[data-name="Kharkiv"]'), luhansk: fill('path.province[data-name="Luhans\'k"]'), belgorod: fill('path.province[data-name="Belgorod"]') };
    });
    expect(inside).toEqual({ kharkiv: true, luhansk: false, belgorod: false });
    // Places elsewhere are filtered out by the hierarchy.
    expect(await page.locator('a.place').count()).toBeGreaterThan(3);
    expect(await page.locator('a.place[data-id="place:ukraine"]').count()).toBe(0);
    await screenshot(page, '5-map');
    await phoneShot('5-map', 'a.place[data-id="place:kupyansk"]');

    // A date window keeps the places spoken of in it.
    await page.goto(at('/map?within=place%3Akharkiv-province&from=2024-11-01&to=2024-11-30'));
    await marker.waitFor();
    expect(await page.locator('a.place').count()).toBe(1);

    await marker.locator('circle.dot').click();
    await page.waitForURL(/\/entity\/place%3Akupyansk$/);
  });

  it('the contested view lists the pair side by side, with reasons and the sources of each', async () => {
    await page.getByRole('link', { name: 'Contested claims' }).click();
    await page.waitForURL(/\/contested\?about=place%3Akupyansk/);
    await page.locator('li.pair').first().waitFor();
    const all = await page.locator('li.pair').count();
    await page.getByLabel('from').fill('2024-12-16');
    await page.getByLabel('to').fill('2024-12-16');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/from=2024-12-16&to=2024-12-16/);
    // 12 pairs on that day (the README's answer), paged 10 at a time.
    await page.locator('.paged-footer .count', { hasText: '10 of 12' }).waitFor();
    const pair = page.locator(`li.pair[data-a="${COUNTER_CLAIM}"][data-b="${FULL_CONTROL}"]`);
    await pair.waitFor();
    // The analyst's CONTRADICTS edge; the sides differ too, but the periods do not overlap, so that is no reason.
    expect(await pair.locator('.reason').allInnerTexts()).toEqual(['contradicts']);
    expect(await pair.locator(`.claim-card[data-id="${FULL_CONTROL}"] blockquote`).first().innerText()).toContain('full control of Kupyansk city');
    expect(await pair.locator(`.claim-card[data-id="${COUNTER_CLAIM}"] blockquote`).first().innerText()).toContain('recaptured some northern districts');
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.waitForFunction(() => document.querySelectorAll('li.pair').length === 12);
    expect(all).toBeGreaterThan(0);
    await screenshot(page, '6-contested');
    await phoneShot('6-contested', `li.pair[data-a="${COUNTER_CLAIM}"]`);
  });

  it('GraphiQL is bundled at /graphiql and runs queries against the API', async () => {
    await page.goto(at('/graphiql'));
    // Roomy waits: GraphiQL is a large bundle and its first query is planned by Neo4j on first use; a busy
    // machine takes its time over both (this checks that it works, not how fast).
    await page.locator('.graphiql-container').waitFor({ timeout: 90_000 });
    // A click while GraphiQL is still loading the schema can run nothing: then it is clicked once more.
    const answer = page.locator('.result-window').getByText('place:kupyansk').first();
    const run = async (timeout: number) => {
      await page.locator('.graphiql-execute-button').click();
      await answer.waitFor({ timeout });
    };
    await run(45_000).catch(() => run(90_000));
    await screenshot(page, '7-graphiql');
  });

  it('the API key is sent as a bearer token on every request, and can be cleared', async () => {
    const { key } = await testKey(h.db, 'reader', 'GREEN', 'explorer-analyst');
    await page.goto(at('/settings'));
    await page.locator('input[name="apiKey"]').fill(key);
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await page.getByTestId('key-status').innerText()).toContain(`…${key.slice(-4)}`);
    const sent: Array<string | undefined> = [];
    const listener = (r: import('playwright-core').Request) => {
      if (r.url().startsWith(at('/graphql')) || r.url().startsWith(at('/export'))) sent.push(r.headers().authorization);
    };
    page.on('request', listener);
    await page.goto(at('/entity/place%3Akupyansk'));
    await page.getByTestId('timeline').waitFor();
    await page.goto(at('/graphiql'));
    await page.locator('.graphiql-execute-button').click();
    await page.locator('.result-window').getByText('place:kupyansk').first().waitFor({ timeout: 90_000 });
    expect(sent.length).toBeGreaterThan(3);
    expect(new Set(sent)).toEqual(new Set([`Bearer ${key}`]));
    await page.goto(at('/settings'));
    await screenshot(page, '8-settings');
    await page.getByRole('button', { name: 'Clear' }).click();
    sent.length = 0;
    await page.goto(at('/search?q=Kharkov'));
    await page.locator('a.result[data-id="place:kharkiv"]').waitFor();
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((h) => h === undefined)).toBe(true);
    page.off('request', listener);
  });

  it("shows the API's error code when a request fails", async () => {
    expectedErrors = /status of 400/;
    try {
      await page.goto(at('/entity/place%3ANot%20An%20Id'));
      const error = page.getByRole('alert');
      await error.waitFor();
      expect(await error.getAttribute('data-code')).toBe('BAD_USER_INPUT');
      expect(await error.innerText()).toContain('BAD_USER_INPUT');
      await page.goto(at('/graph?id=place%3Akupyansk&depth=1&expand=nope'));
      expect(await page.getByRole('alert').first().getAttribute('data-code')).toBe('BAD_USER_INPUT');
    } finally {
      expectedErrors = null;
    }
    await page.goto(at('/entity/place%3Anowhere-at-all'));
    await page.getByText('Nothing has the id').waitFor();
    await page.goto(at('/no/such/view'));
    await page.getByText('There is no explorer page here').waitFor();
  });

  it('made no request anywhere but the claimgraph server, and logged no console error', () => {
    expect(requests.length).toBeGreaterThan(50);
    const elsewhere = requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:'));
    expect(elsewhere).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
