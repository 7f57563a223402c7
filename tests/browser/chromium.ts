import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * Debian's Chromium, driven by playwright-core (no browser can be downloaded from npm here). In CI
 * (CI=true) a missing browser fails the run; locally the browser tests are skipped with a message.
 */
export const CHROMIUM = process.env.CLAIMGRAPH_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const haveChromium = existsSync(CHROMIUM);
export const inCI = Boolean(process.env.CI) && process.env.CI !== 'false';

if (!haveChromium) {
  if (inCI) throw new Error(`The browser tests need Chromium at ${CHROMIUM} (apt-get install -y chromium); CI never skips them.`);
  console.warn(`\n  Skipping the browser tests: no Chromium at ${CHROMIUM}. Install it with: apt-get install -y chromium\n`);
}

/** Screenshots and other artefacts of the browser tests (git-ignored). */
export const OUTPUT = path.resolve(import.meta.dirname, '../../test-output/browser');

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** A fresh browser with a fresh profile, at a desktop size. */
export async function openBrowser(): Promise<Browser> {
  mkdirSync(OUTPUT, { recursive: true });
  const profile = mkdtempSync(path.join(tmpdir(), 'claimgraph-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(OUTPUT, `${name}.png`), fullPage: false });
}
