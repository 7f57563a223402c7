import { authorizationHeaders } from './apiKey';

/**
 * The explorer's one way to claimgraph: POST /graphql (and /export), same origin, with the API key.
 * Errors come back in GraphQL's shape on every route ({errors: [{message, extensions: {code}}]}); they
 * are raised as ApiError carrying the first error's code, so every view can show it.
 */
export interface ApiErrorDetail {
  message: string;
  code: string;
  argument?: string;
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details: ApiErrorDetail[] = [],
  ) {
    super(message);
  }
}

interface ErrorBody {
  errors?: Array<{ message?: string; extensions?: { code?: string; argument?: string } }>;
}

function errorsOf(body: ErrorBody | null, status: number): ApiError | null {
  const errors = body?.errors;
  if (!errors?.length) return null;
  const details = errors.map((e) => ({ message: e.message ?? 'Unknown error', code: e.extensions?.code ?? 'UNKNOWN', argument: e.extensions?.argument }));
  return new ApiError(details[0].code, details.map((d) => d.message).join(' '), status, details);
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/** The raw GraphQL exchange (also GraphiQL's fetcher): the response body as the server sent it. */
export async function postGraphQL(
  body: { query: string; variables?: Record<string, unknown>; operationName?: string | null },
  signal?: AbortSignal,
  extraHeaders: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: { ...extraHeaders, 'content-type': 'application/json', accept: 'application/json', ...authorizationHeaders() },
      body: JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError('NETWORK_ERROR', 'claimgraph could not be reached.', 0);
  }
  return { status: response.status, body: await readJson(response) };
}

/** Runs a query; resolves with its data, or rejects with an ApiError naming the code. */
export async function graphql<T>(query: string, variables?: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
  const { status, body } = await postGraphQL({ query, variables }, signal);
  const error = errorsOf(body as ErrorBody, status);
  if (error) throw error;
  const data = (body as { data?: T } | null)?.data;
  if (status >= 400 || data === undefined || data === null) {
    throw new ApiError(status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_RESPONSE', `Unexpected answer from claimgraph (HTTP ${status}).`, status);
  }
  return data;
}

/** The formats GET|POST /export offers. */
export const EXPORT_FORMATS = ['json', 'ndjson', 'csv', 'graphml', 'gexf', 'cypher', 'cytoscape'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportSelection {
  seeds?: string[];
  depth?: number;
  labels?: string[];
  from?: string;
  to?: string;
  within?: string;
  /** 'none' exports exactly the selection; by default the server adds what makes it readable alone. */
  closure?: 'context' | 'none';
}

/** POST /export: the subgraph as a file (CSV comes as a ZIP), with the name the server gives it. */
export async function exportSubgraph(format: ExportFormat, selection: ExportSelection): Promise<{ blob: Blob; filename: string }> {
  let response: Response;
  try {
    response = await fetch('/export', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authorizationHeaders() },
      body: JSON.stringify({ format, selection }),
    });
  } catch {
    throw new ApiError('NETWORK_ERROR', 'claimgraph could not be reached.', 0);
  }
  if (!response.ok) {
    throw errorsOf((await readJson(response)) as ErrorBody, response.status) ?? new ApiError('BAD_RESPONSE', `Export failed (HTTP ${response.status}).`, response.status);
  }
  const disposition = response.headers.get('content-disposition') ?? '';
  const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? `claimgraph-export.${format === 'csv' ? 'zip' : format}`;
  return { blob: await response.blob(), filename };
}
