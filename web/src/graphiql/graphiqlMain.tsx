// Monaco's workers, bundled by Vite (the package's esm.sh variant would load them from a CDN).
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { postGraphQL } from '../api/client';

const DEFAULT_QUERY = `# claimgraph's GraphQL API. Ctrl-Enter runs the query; the Docs pane shows the schema.
# The API key set in the explorer's Settings is sent with every request.
{
  search(query: "Kupiansk", first: 5) {
    totalCount
    edges { node { __typename id ... on Place { name kind parent { name } } } }
  }
}
`;

/** GraphiQL against this server's /graphql, through the explorer's client (same origin, with the API key). */
async function fetcher(params: { query: string; operationName?: string | null; variables?: Record<string, unknown> }, opts?: { headers?: Record<string, unknown> }) {
  const headers = Object.fromEntries(Object.entries(opts?.headers ?? {}).map(([k, v]) => [k, String(v)]));
  const { body } = await postGraphQL(params, undefined, headers);
  return body as Record<string, unknown>;
}

createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} />
  </StrictMode>,
);
