import { Link } from 'react-router';
import { usePaged } from '../api/useApi';
import { SOURCE_STATEMENTS, TIMELINE, type SourceStatementsData, type TimelineClaim, type TimelineData } from '../api/queries';
import { DateText, entityPath, PagedFooter, SideBadge } from '../components/common';
import { Timeline, type StanceLink, type TimelineClaimView } from './Timeline';

/** Claims as the timeline draws them, and the stance edges among them. */
export function timelineOf(claims: TimelineClaim[]): { views: TimelineClaimView[]; stances: StanceLink[] } {
  const views = claims.map((c) => ({
    id: c.id,
    label: c.text,
    speaker: c.speaker?.name ?? 'unknown speaker',
    side: c.speaker?.side ?? null,
    start: c.statedAt.start,
    end: c.statedAt.end,
    precision: c.statedAt.precision,
    raw: c.statedAt.raw,
  }));
  const stances: StanceLink[] = claims.flatMap((c) => [
    ...c.contradicts.edges.map((e) => ({ from: c.id, to: e.node.id, kind: 'CONTRADICTS' as const, note: e.note })),
    ...c.disputes.edges.map((e) => ({ from: c.id, to: e.node.id, kind: 'DISPUTES' as const, note: e.note })),
    ...c.supports.edges.map((e) => ({ from: c.id, to: e.node.id, kind: 'SUPPORTS' as const, note: e.note })),
  ]);
  return { views, stances };
}

function ClaimTable({ rows }: { rows: Array<{ claim: TimelineClaim; extra?: React.ReactNode }> }) {
  return (
    <table className="claims">
      <thead>
        <tr>
          <th>stated</th>
          <th>speaker</th>
          <th>claim</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ claim, extra }) => (
          <tr key={claim.id} data-id={claim.id}>
            <td>
              <DateText date={claim.statedAt} />
            </td>
            <td>
              {claim.speaker ? <Link to={entityPath(claim.speaker.id)}>{claim.speaker.name}</Link> : '—'} <SideBadge side={claim.speaker?.side} />
            </td>
            <td>
              <Link to={entityPath(claim.id)}>{claim.text}</Link> <span className="muted">{claim.kind.toLowerCase()}</span>
              {extra}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The timeline of a place, actor or unit (the API's `timeline`, with contained places and sub-units). */
export function TimelineSection({ id }: { id: string }) {
  const page = usePaged<TimelineData, TimelineData['timeline']['edges'][number]>(TIMELINE, { id }, (d) => d.timeline);
  const claims = page.edges.map((e) => e.node);
  const { views, stances } = timelineOf(claims);
  return (
    <section aria-labelledby="timeline-h">
      <h2 id="timeline-h">Timeline</h2>
      {views.length > 0 && <Timeline claims={views} stances={stances} />}
      {!page.loading && !page.error && views.length === 0 && <p className="muted">No statements.</p>}
      <ClaimTable rows={page.edges.map((e) => ({ claim: e.node, extra: e.links.includes('ABOUT_CONTAINED') && !e.links.includes('ABOUT') ? <span className="tag">about a place within</span> : null }))} />
      <PagedFooter {...page} shown={page.edges.length} total={page.totalCount} />
    </section>
  );
}

/** The statements a source reports, on a timeline, with the quoted words. */
export function SourceTimelineSection({ id }: { id: string }) {
  const page = usePaged<SourceStatementsData, NonNullable<SourceStatementsData['source']>['statements']['edges'][number]>(SOURCE_STATEMENTS, { id }, (d) => d.source?.statements);
  const { views, stances } = timelineOf(page.edges.map((e) => e.node));
  return (
    <section aria-labelledby="timeline-h">
      <h2 id="timeline-h">Statements reported here</h2>
      {views.length > 0 && <Timeline claims={views} stances={stances} />}
      {!page.loading && !page.error && views.length === 0 && <p className="muted">No statements.</p>}
      <ClaimTable rows={page.edges.map((e) => ({ claim: e.node, extra: e.quote ? <blockquote className="quote">“{e.quote}”</blockquote> : null }))} />
      <PagedFooter {...page} shown={page.edges.length} total={page.totalCount} />
    </section>
  );
}
