import { Link } from 'react-router';
import type { ApiError } from '../api/client';
import type { PartialDate, Ref } from '../api/queries';

export function Loading({ what }: { what?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      Loading{what ? ` ${what}` : ''}…
    </p>
  );
}

/** An error as the API gave it: its code first (UNAUTHENTICATED, BAD_USER_INPUT, …), then the message. */
export function ErrorBox({ error }: { error: ApiError }) {
  return (
    <div className="error" role="alert" data-code={error.code}>
      <code className="error-code">{error.code}</code> {error.message}
      {error.details.some((d) => d.argument) && (
        <div className="error-argument">argument: {error.details.map((d) => d.argument).filter(Boolean).join(', ')}</div>
      )}
    </div>
  );
}

/** The states a list can be in, and its "more" button (cursor paging). */
export function PagedFooter({ loading, error, hasMore, loadMore, shown, total }: { loading: boolean; error: ApiError | null; hasMore: boolean; loadMore: () => void; shown: number; total: number | null }) {
  return (
    <div className="paged-footer">
      {error && <ErrorBox error={error} />}
      {loading && <Loading />}
      {total !== null && !loading && (
        <span className="count">
          {shown} of {total}
        </span>
      )}
      {hasMore && !loading && (
        <button type="button" onClick={loadMore}>
          Load more
        </button>
      )}
    </div>
  );
}

export const labelOf = (n: Pick<Ref, 'name' | 'title' | 'text' | 'id'>): string => n.name ?? n.title ?? n.text ?? n.id;

/** The explorer page of any node. */
export const entityPath = (id: string): string => `/entity/${encodeURIComponent(id)}`;

export function NodeLink({ node, children }: { node: Pick<Ref, 'id' | 'name' | 'title' | 'text'>; children?: React.ReactNode }) {
  return <Link to={entityPath(node.id)}>{children ?? labelOf(node)}</Link>;
}

const SIDES: Record<string, string> = { RU: 'Russia', UA: 'Ukraine', NEUTRAL: 'neutral', UNKNOWN: 'unknown side' };
export const sideClass = (side: string | null | undefined): string => `side-${(side ?? 'UNKNOWN').replace(/[^A-Z]/gi, '') || 'UNKNOWN'}`;

export function SideBadge({ side }: { side: string | null | undefined }) {
  const s = side ?? 'UNKNOWN';
  return (
    <span className={`side ${sideClass(s)}`} title={SIDES[s] ?? s}>
      {s}
    </span>
  );
}

/** A partial date as reporting gave it, with the span it can mean. */
export function DateText({ date }: { date: PartialDate | null | undefined }) {
  if (!date) return <span className="muted">—</span>;
  const span = date.start === date.end ? date.start : `${date.start} – ${date.end}`;
  return (
    <span className="date" title={`${date.precision}: ${span}`}>
      {date.raw ? `${date.raw} ` : ''}
      <span className="muted">
        ({span}, {date.precision.toLowerCase()})
      </span>
    </span>
  );
}

export function Properties({ rows }: { rows: Array<[string, React.ReactNode]> }) {
  return (
    <dl className="properties">
      {rows
        .filter(([, v]) => v !== null && v !== undefined && v !== '')
        .map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
    </dl>
  );
}
