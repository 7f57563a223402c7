import { usePaged } from '../api/useApi';
import { kindOf, type Connection, type Ref } from '../api/queries';
import { NodeLink, PagedFooter } from './common';

type Edge = { node: Ref; role?: string | null; by?: string | null; offsetM?: number | null; bearing?: number | null };

/** A paged list of nodes under an entity (children, members, citations …), each linking to its page. */
export function RefList<T>({ title, query, id, pick, empty = 'None.' }: { title: string; query: string; id: string; pick: (data: T) => Connection<Edge> | null | undefined; empty?: string }) {
  const page = usePaged<T, Edge>(query, { id }, pick);
  const testId = title.toLowerCase().replace(/[^a-z]+/g, '-');
  return (
    <section className="ref-list" data-testid={testId}>
      <h3>{title}</h3>
      {!page.loading && !page.error && page.edges.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ul>
          {page.edges.map((e) => (
            <li key={`${e.node.id}|${e.role ?? ''}`}>
              <NodeLink node={e.node} /> <span className="muted">{kindOf(e.node).toLowerCase().replace('_', ' ')}</span>
              {e.role && <span className="tag">{e.role}</span>}
              {e.by && (
                <span className="muted">
                  {' '}
                  by {e.by}
                  {e.offsetM ? `, ${e.offsetM} m` : ''}
                  {e.bearing !== null && e.bearing !== undefined ? ` at ${e.bearing}°` : ''}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      <PagedFooter {...page} shown={page.edges.length} total={page.totalCount} />
    </section>
  );
}
