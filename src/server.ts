import http from 'node:http';
import express from 'express';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Context } from './context.js';
import type { Database } from './neo4j/database.js';
import { DATABASE_RETRY_AFTER_SECONDS, ErrorCode } from './errors.js';
import { buildSchema, plannedFieldResolver } from './schema.js';
import { badValuesPlugin } from './badValues.js';
import { costGuardPlugin } from './costGuard.js';
import { graphModelOf } from './model/graphModel.js';
import { mountExchangeRoutes } from './http/exchangeRoutes.js';

export interface ServerOptions {
  db: Database;
  log: Logger;
  config: Config;
  /** Sandbox landing page and error details for development. */
  development: boolean;
  schema?: GraphQLSchema;
}

/**
 * Errors a client may see: GraphQLErrors we raised on purpose keep their code; anything else is an
 * internal error, logged in full and shown without its message or stack.
 */
const BAD_VARIABLE = /^Variable "\$(\w+)" got invalid value/;

export function formatError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const code = formatted.extensions?.code as string | undefined;
    if (code === 'GRAPHQL_VALIDATION_FAILED' && formatted.extensions?.argument) {
      return { ...formatted, extensions: { code: ErrorCode.BAD_USER_INPUT, argument: formatted.extensions.argument } };
    }
    // A variable its type rejects (a Date scalar refusing 2024-02-30) is the caller's input, whatever code
    // the scalar's own error carried; name the variable as the argument.
    const badVariable = BAD_VARIABLE.exec(formatted.message);
    if (badVariable) {
      return { ...formatted, extensions: { code: ErrorCode.BAD_USER_INPUT, argument: `$${badVariable[1]}` } };
    }
    if (original instanceof GraphQLError || (code && code !== ErrorCode.INTERNAL_SERVER_ERROR)) {
      const { stacktrace: _omit, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    log.error({ err: original }, 'internal error');
    return {
      message: 'Internal server error.',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

const requestLogging = (log: Logger): ApolloServerPlugin<Context> => ({
  async requestDidStart({ request }) {
    const started = process.hrtime.bigint();
    return {
      async willSendResponse({ errors }) {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        log.info({ operation: request.operationName ?? null, ms: Math.round(ms * 10) / 10, errors: errors?.length ?? 0 }, 'graphql');
      },
    };
  },
});

export function createApolloServer(options: ServerOptions, httpServer?: http.Server): ApolloServer<Context> {
  return new ApolloServer<Context>({
    schema: options.schema ?? buildSchema(),
    fieldResolver: plannedFieldResolver,
    csrfPrevention: true,
    // main.ts stops everything in order on SIGINT/SIGTERM; Apollo's own handlers would race it and re-raise the signal.
    stopOnTerminationSignals: false,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError: formatError(options.log),
    plugins: [
      ...(httpServer ? [ApolloServerPluginDrainHttpServer({ httpServer })] : []),
      ...(options.development ? [] : [ApolloServerPluginLandingPageDisabled()]),
      requestLogging(options.log),
      badValuesPlugin as ApolloServerPlugin<Context>,
      costGuardPlugin({ maxCost: options.config.CLAIMGRAPH_MAX_COST, maxDepth: options.config.CLAIMGRAPH_MAX_DEPTH }) as ApolloServerPlugin<Context>,
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
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      // Who writes is recorded in the change log; there is no authentication yet, so the header is trusted.
      // Each request gets its own view of the database: a few transactions at once, never the whole pool.
      context: async ({ req }) => ({ db: options.db.forRequest(), log: options.log, config: options.config, user: req.header('x-claimgraph-user') ?? undefined }),
    }),
  );

  // Bulk import and streamed export (POST /import, GET|POST /export).
  mountExchangeRoutes(app, { db: options.db, model: graphModelOf(schema), log: options.log });

  // Errors before GraphQL runs (a body that is not JSON, one over the size limit) answer in GraphQL's
  // error shape, never with Express's default page and its stack trace.
  app.use((error: { status?: number; type?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) options.log.error({ err: error }, 'unhandled HTTP error');
    const message =
      error.type === 'entity.parse.failed'
        ? 'The request body is not valid JSON.'
        : error.type === 'entity.too.large'
          ? 'The request body is too large.'
          : status === 500
            ? 'Internal server error.'
            : 'Bad request.';
    res.status(status).json({ errors: [{ message, extensions: { code: status === 500 ? ErrorCode.INTERNAL_SERVER_ERROR : 'BAD_REQUEST' } }] });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => resolve());
  });
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/graphql`;
  return { app, httpServer, apollo, url, stop: () => apollo.stop() };
}
