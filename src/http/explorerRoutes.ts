import { existsSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ErrorCode } from '../errors.js';
import { sendError } from './httpErrors.js';

/**
 * The explorer (web/, built by Vite into web/dist) served by claimgraph itself:
 *   GET /            the explorer; its client-side routes (/search, /entity/…, /graph, /map, …) get index.html
 *   GET /graphiql    GraphiQL, bundled (no CDN)
 *   GET /assets/…    the built scripts, styles and map data (content-hashed, cached for a year)
 * The API's own paths (/graphql, /export, /import, /health…) are never answered here, whatever order
 * the routes are mounted in.
 */

/** Where `npm run dev` / `npm run build:explorer` put the build. */
export const EXPLORER_DIST = path.resolve(import.meta.dirname, '../../web/dist');

/** Paths that belong to the API: the explorer's fallback never shadows them. */
const API_PATHS = [/^\/graphql(\/|$)/, /^\/export(\/|$)/, /^\/import(\/|$)/, /^\/health/];

/**
 * Everything the explorer loads comes from this server: the browser is told so, and refuses anything
 * else (a stray CDN link would fail loudly instead of leaking requests off the machine).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'self'",
].join('; ');

export interface ExplorerRouteOptions {
  /** The build to serve (default web/dist). */
  dist?: string;
}

const notFound = (res: express.Response, message: string) => sendError(res, 404, ErrorCode.NOT_FOUND, message);

function sendPage(res: express.Response, file: string) {
  res.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.set('Cache-Control', 'no-cache');
  res.sendFile(file);
}

export function mountExplorerRoutes(app: express.Express, options: ExplorerRouteOptions = {}): void {
  const dist = options.dist ?? EXPLORER_DIST;
  const built = () => existsSync(path.join(dist, 'index.html'));

  app.use(
    '/assets',
    express.static(path.join(dist, 'assets'), { index: false, redirect: false, immutable: true, maxAge: '365d', fallthrough: true }),
    (req, res) => notFound(res, `No explorer asset at ${req.originalUrl.split('?')[0]}.`),
  );
  app.use(express.static(dist, { index: false, redirect: false, fallthrough: true }));

  app.get(/.*/, (req, res, next) => {
    if (API_PATHS.some((p) => p.test(req.path))) return next();
    // A file name that is not there (/favicon.png, /x.js) is a 404, not the app.
    if (path.extname(req.path) && req.path !== '/graphiql') return next();
    if (!built()) {
      return notFound(res, 'The explorer is not built: run `npm run build:explorer` (or `npm run dev`, which builds it).');
    }
    sendPage(res, path.join(dist, req.path === '/graphiql' || req.path === '/graphiql/' ? 'graphiql.html' : 'index.html'));
  });
}

/**
 * The landing page Apollo shows a browser at GET /graphql. Apollo Sandbox loads from a CDN, so it is shown
 * only when asked for (CLAIMGRAPH_SANDBOX=on); otherwise the browser is sent to the bundled GraphiQL.
 */
export function landingPagePlugin(sandbox: 'on' | 'off'): ApolloServerPlugin {
  if (sandbox === 'on') return ApolloServerPluginLandingPageLocalDefault({ embed: true });
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return {
            html: '<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0; url=/graphiql"><title>claimgraph</title><a href="/graphiql">GraphiQL</a>',
          };
        },
      };
    },
  };
}
