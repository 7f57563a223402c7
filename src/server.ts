import http from 'node:http';
import express from 'express';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLError, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Context } from './context.js';
import type { Database } from './neo4j/database.js';
import { DATABASE_RETRY_AFTER_SECONDS, ErrorCode, httpStatusOf } from './errors.js';
import { buildSchema, plannedFieldResolver } from './schema.js';
import { authenticationMiddleware, requestPrincipal } from './auth/authenticationMiddleware.js';
import { createAuthenticator } from './auth/authenticator.js';
import { rateLimitMiddleware } from './auth/rateLimitMiddleware.js';
import { argumentPathPlugin } from './guards/argumentPath.js';
import { guardsPlugin, NO_LIMITS } from './guards/guardsPlugin.js';
import { guardValidationRules } from './guards/validationRules.js';
import { requestLimitsOf } from './guards/requestLimits.js';
import { requestShapeGuard } from './guards/requestShapeGuard.js';
import { allowMethods, answerClientErrors, httpErrorHandler, mediaTypeOf, notFound, requestId, sendError, uriTooLong } from './http/httpErrors.js';
import { graphModelOf } from './model/graphModel.js';
import { mountExchangeRoutes } from './http/exchangeRoutes.js';
import { bookmarkPlugin, databaseOf, requestDatabase } from './http/bookmarkHeader.js';
import { landingPagePlugin, mountExplorerRoutes } from './http/explorerRoutes.js';

export interface ServerOptions {
  db: Database;
  log: Logger;
  config: Config;
  /** Development mode (Apollo Sandbox itself is CLAIMGRAPH_SANDBOX's). */
  development: boolean;
  schema?: GraphQLSchema;
  /**
   * The request guards (src/guards/); off only to measure what they cost (npm run bench). Roles are
   * checked either way.
   */
  guards?: boolean;
}

/** A GraphQL error's client-facing code, after Apollo's own labelling. */
const BAD_VARIABLE = /^Variable "\$(\w+)" (got invalid value|of required type|of non-null type|has invalid value)/;

/** Apollo's persisted-query errors, each under a code of its own. */
const PERSISTED_QUERY_CODES: Record<string, string> = {
  'provided sha does not match query': ErrorCode.PERSISTED_QUERY_HASH_MISMATCH,
  'Unsupported persisted query version': ErrorCode.PERSISTED_QUERY_VERSION_UNSUPPORTED,
};

/**
 * Errors a client may see. Errors raised on purpose carry a code and keep it (a guard's limit refusal,
 * filed by Apollo as a validation failure, becomes QUERY_TOO_COMPLEX again); a rejected variable is the
 * caller's input. Anything without a code is a broken invariant: shown without its message or stack (it
 * is logged in full with the request id, see errorLogging).
 */
export function formatError(formatted: GraphQLFormattedError, _error: unknown): GraphQLFormattedError {
  const { stacktrace: _omit, ...extensions } = formatted.extensions ?? {};
  const code = extensions.code as string | undefined;
  if (code === ErrorCode.GRAPHQL_VALIDATION_FAILED && extensions.limit) {
    return { ...formatted, extensions: { ...extensions, code: ErrorCode.QUERY_TOO_COMPLEX } };
  }
  if (code === ErrorCode.GRAPHQL_VALIDATION_FAILED && extensions.argument) {
    return { ...formatted, extensions: { code: ErrorCode.BAD_USER_INPUT, argument: extensions.argument } };
  }
  // A variable its type rejects (a Date scalar refusing 2024-02-30) is the caller's input, whatever code
  // the scalar's own error carried; name the variable as the argument.
  const badVariable = BAD_VARIABLE.exec(formatted.message);
  if (badVariable) {
    return { ...formatted, extensions: { code: ErrorCode.BAD_USER_INPUT, argument: `$${badVariable[1]}` } };
  }
  if (PERSISTED_QUERY_CODES[formatted.message]) {
    return { ...formatted, extensions: { code: PERSISTED_QUERY_CODES[formatted.message] } };
  }
  if (code && code !== ErrorCode.INTERNAL_SERVER_ERROR) return { ...formatted, extensions };
  return {
    message: 'Internal server error.',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

/** Whether an error (before formatting) is a broken invariant rather than something raised on purpose. */
function isInternal(error: GraphQLError): boolean {
  const code = error.extensions?.code;
  return !code || code === ErrorCode.INTERNAL_SERVER_ERROR;
}

/**
 * Internal errors are logged in full with the request id, and the id is put on the error the client sees
 * so a report can be matched to the log. The response's status is the highest of its errors' codes (the
 * status table in src/errors.ts): a BAD_USER_INPUT raised by a resolver is a 400 even beside fields that
 * succeeded, a missing persisted query is a 400 (Apollo would say 200), and a 503 says when to retry.
 */
const errorLogging = (log: Logger): ApolloServerPlugin<Context> => ({
  async requestDidStart({ contextValue }) {
    return {
      async didEncounterErrors({ errors }) {
        for (const error of errors) {
          if (isInternal(error)) log.error({ err: error.originalError ?? error, requestId: contextValue.requestId, path: error.path }, 'internal error');
        }
      },
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const errors = response.body.singleResult.errors;
        if (!errors) return;
        let status = 0;
        for (const error of errors) {
          const code = error.extensions?.code;
          if (code === ErrorCode.INTERNAL_SERVER_ERROR && contextValue.requestId) {
            (error.extensions as Record<string, unknown>).requestId = contextValue.requestId;
          }
          status = Math.max(status, httpStatusOf(code) ?? 0);
        }
        if (status && (!response.http.status || response.http.status === 200 || response.http.status < status)) response.http.status = status;
        if (status === 503 && !response.http.headers.get('retry-after')) response.http.headers.set('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
      },
    };
  },
});

const requestLogging = (log: Logger): ApolloServerPlugin<Context> => ({
  async requestDidStart({ request, contextValue }) {
    const started = process.hrtime.bigint();
    return {
      async willSendResponse({ errors }) {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        log.info(
          { operation: request.operationName ?? null, ms: Math.round(ms * 10) / 10, errors: errors?.length ?? 0, requestId: contextValue.requestId },
          'graphql',
        );
      },
    };
  },
});

export function createApolloServer(options: ServerOptions, httpServer?: http.Server): ApolloServer<Context> {
  const limits = requestLimitsOf(options.config);
  const guarded = options.guards !== false;
  return new ApolloServer<Context>({
    schema: options.schema ?? buildSchema(),
    fieldResolver: plannedFieldResolver,
    csrfPrevention: true,
    // main.ts stops everything in order on SIGINT/SIGTERM; Apollo's own handlers would race it and re-raise the signal.
    stopOnTerminationSignals: false,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // graphql-js's own token limit, behind the guard that checks it (with nesting) before parsing.
    parseOptions: guarded ? { maxTokens: limits.maxTokens } : {},
    validationRules: guarded ? guardValidationRules(limits) : [],
    formatError,
    plugins: [
      // No cache hints are used; Apollo's default cache-control plugin would wrap every resolver to collect them.
      ApolloServerPluginCacheControlDisabled(),
      ...(httpServer ? [ApolloServerPluginDrainHttpServer({ httpServer })] : []),
      landingPagePlugin(options.config.CLAIMGRAPH_SANDBOX),
      requestLogging(options.log),
      errorLogging(options.log),
      guardsPlugin(guarded ? limits : NO_LIMITS),
      argumentPathPlugin as ApolloServerPlugin<Context>,
      bookmarkPlugin as ApolloServerPlugin<Context>,
    ],
  });
}

export interface RunningServer {
  app: express.Express;
  httpServer: http.Server;
  apollo: ApolloServer<Context>;
  url: string;
  stop(): Promise<void>;
}

/** Express 5 with /graphql (Apollo Server 5) and /health, listening on host:port. */
export async function startServer(options: ServerOptions & { host: string; port: number }): Promise<RunningServer> {
  const app = express();
  const httpServer = http.createServer(app);
  const schema = options.schema ?? buildSchema();
  const apollo = createApolloServer({ ...options, schema }, httpServer);
  await apollo.start();

  app.disable('x-powered-by');
  // No ETag on API answers: each is computed fresh (a hash of every body for nothing); the explorer's files get theirs from express.static.
  app.set('etag', false);
  app.use(requestId, uriTooLong);
  // Liveness: the process answers, whatever Neo4j does. Readiness: Neo4j answers, as the background
  // monitor last saw it (or as a check made now shows within a second); /health is readiness.
  const monitor = options.db.watch(options.log);
  app.get('/health/live', (_req, res) => {
    res.status(200).json({ status: 'ok' });
  });
  const ready = async (_req: express.Request, res: express.Response) => {
    if (await monitor.ready()) {
      res.status(200).json({ status: 'ok', neo4j: 'up' });
      return;
    }
    res
      .status(503)
      .setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS))
      .json({
        status: 'unavailable',
        neo4j: 'down',
        errors: [{ message: 'The database is unavailable; try again shortly.', extensions: { code: ErrorCode.DATABASE_UNAVAILABLE } }],
      });
  };
  app.get('/health/ready', ready);
  app.get('/health', ready);
  // Everything that touches the graph needs a principal: authenticated before its body is read, then
  // counted against its rate limit. /health* and the explorer's static files stay open.
  const authenticator = await createAuthenticator({ db: options.db, config: options.config, log: options.log });
  const rateLimit = rateLimitMiddleware(options.config.CLAIMGRAPH_RATE_LIMIT_PER_MINUTE, options.log);
  app.use(['/graphql', '/export', '/import'], authenticationMiddleware(authenticator), ...(rateLimit ? [rateLimit] : []));
  app.use(
    '/graphql',
    allowMethods('GET', 'POST'),
    // GraphQL over HTTP takes JSON; anything else (a form, text/plain) is refused before it is read.
    (req, res, next) =>
      req.method !== 'POST' || mediaTypeOf(req) === 'application/json'
        ? next()
        : sendError(res, 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, `Send GraphQL requests as application/json (got ${mediaTypeOf(req) || 'no Content-Type'}).`),
    express.json({ limit: options.config.CLAIMGRAPH_MAX_BODY_BYTES }),
    ...(options.guards === false ? [] : [requestShapeGuard(requestLimitsOf(options.config))]),
    // Each request gets its own view of the database: a few transactions at once, never the whole pool,
    // begun with the bookmarks of its X-Claimgraph-Bookmark header (src/http/bookmarkHeader.ts).
    requestDatabase(options.db),
    expressMiddleware(apollo, {
      // The principal is the one authenticated above; the change log records its name, nothing the
      // request says about itself. The request's view of the database comes from requestDatabase above.
      context: async ({ res }) => ({
        db: databaseOf(res),
        log: options.log,
        config: options.config,
        principal: requestPrincipal(res),
        requestId: res.locals.requestId as string,
      }),
    }),
  );

  // Bulk import and streamed export (POST /import, GET|POST /export), each request with its own view too.
  app.use(['/import', '/export'], requestDatabase(options.db));
  mountExchangeRoutes(app, {
    db: options.db,
    model: graphModelOf(schema),
    log: options.log,
    maxBodyBytes: options.config.CLAIMGRAPH_MAX_BODY_BYTES,
    maxImportBytes: options.config.CLAIMGRAPH_MAX_IMPORT_BYTES,
  });
  // The explorer (web/dist) at / and GraphiQL at /graphiql; never in the way of the routes above.
  mountExplorerRoutes(app);

  // Anything else is a 404, and errors raised before GraphQL runs (a body that is not JSON, one over the
  // size limit) answer in GraphQL's error shape, never with Express's default page and its stack trace.
  app.use(notFound);
  app.use(httpErrorHandler(options.log));
  answerClientErrors(httpServer, options.log);

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => resolve());
  });
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/graphql`;
  return { app, httpServer, apollo, url, stop: () => apollo.stop() };
}
