import { Link } from 'react-router';
import { usePaged, useQuery } from '../api/useApi';
import { STATEMENT, STATEMENT_SOURCES, kindOf, type SourceRef, type StanceEdge, type StatementData, type StatementSourcesData } from '../api/queries';
import { DateText, ErrorBox, Loading, NodeLink, PagedFooter, Properties, SideBadge, entityPath } from '../components/common';
import { Timeline, type StanceLink, type TimelineClaimView } from '../timeline/Timeline';
import { useTitle } from './useTitle';

type Statement = NonNullable<StatementData['statement']>;
const STANCES = [
  ['contradicts', 'Contradicts', 'CONTRADICTS', 'out'],
  ['contradictedBy', 'Contradicted by', 'CONTRADICTS', 'in'],
  ['disputes', 'Disputes', 'DISPUTES', 'out'],
  ['disputedBy', 'Disputed by', 'DISPUTES', 'in'],
  ['supports', 'Supports', 'SUPPORTS', 'out'],
  ['supportedBy', 'Supported by', 'SUPPORTS', 'in'],
] as const;

function SourceName({ source }: { source: SourceRef }) {
  return (
    <>
      <Link to={entityPath(source.id)}>{source.title}</Link> <span className="muted">{source.kind.toLowerCase().replace('_', ' ')}</span>
      {source.publisher && (
        <span className="muted">
          {' '}
          · <Link to={entityPath(source.publisher.id)}>{source.publisher.name}</Link>
        </span>
      )}
    </>
  );
}

/** Every source the statement is reported in, with the quoted words (paged). */
function Sources({ id }: { id: string }) {
  const page = usePaged<StatementSourcesData, NonNullable<StatementSourcesData['statement']>['sources']['edges'][number]>(STATEMENT_SOURCES, { id }, (d) => d.statement?.sources);
  return (
    <section data-testid="sources" aria-labelledby="sources-h">
      <h2 id="sources-h">Sources</h2>
      <ul className="sources">
        {page.edges.map((e) => (
          <li key={e.node.id} data-id={e.node.id}>
            <SourceName source={e.node} />
            {e.quote ? <blockquote className="quote">“{e.quote}”</blockquote> : <div className="muted">no quote recorded</div>}
          </li>
        ))}
      </ul>
      <PagedFooter {...page} shown={page.edges.length} total={page.totalCount} />
    </section>
  );
}

function StanceList({ title, edges, total }: { title: string; edges: StanceEdge[]; total: number }) {
  if (!edges.length) return null;
  return (
    <div className="stance-list" data-testid={`stance-${title.toLowerCase().replace(/ /g, '-')}`}>
      <h3>
        {title} <span className="muted">({total})</span>
      </h3>
      <ul>
        {edges.map((e) => (
          <li key={e.node.id} data-id={e.node.id}>
            <Link to={entityPath(e.node.id)}>{e.node.text}</Link>{' '}
            <span className="muted">
              — {e.node.speaker?.name ?? 'unknown'} <SideBadge side={e.node.speaker?.side} />, <DateText date={e.node.statedAt} />
            </span>
            {e.note && <div className="note">{e.note}</div>}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** This claim and the claims it has a stance with, on one timeline. */
function stanceTimeline(s: Statement): { claims: TimelineClaimView[]; links: StanceLink[] } {
  const claims = new Map<string, TimelineClaimView>();
  const view = (id: string, text: string, speaker: Statement['speaker'] | StanceEdge['node']['speaker'], d: Statement['statedAt']) => ({
    id,
    label: text,
    speaker: speaker?.name ?? 'unknown speaker',
    side: speaker?.side ?? null,
    start: d.start,
    end: d.end,
    precision: d.precision,
    raw: d.raw,
  });
  claims.set(s.id, view(s.id, s.text, s.speaker, s.statedAt));
  const links: StanceLink[] = [];
  for (const [field, , kind, direction] of STANCES) {
    for (const e of s[field].edges) {
      claims.set(e.node.id, view(e.node.id, e.node.text, e.node.speaker, e.node.statedAt));
      links.push(direction === 'out' ? { from: s.id, to: e.node.id, kind, note: e.note } : { from: e.node.id, to: s.id, kind, note: e.note });
    }
  }
  const sorted = [...claims.values()].sort((a, b) => a.start.localeCompare(b.start) || a.end.localeCompare(b.end) || a.id.localeCompare(b.id));
  return { claims: sorted, links };
}

/** /entity/statement:… — who said it, about what, where it was reported, how it reached us, who disagrees. */
export function StatementPage({ id }: { id: string }) {
  const { data, error, loading } = useQuery<StatementData>(STATEMENT, { id });
  const s = data?.statement;
  useTitle(s ? s.text.slice(0, 60) : id);
  if (error) return <ErrorBox error={error} />;
  if (loading && !data) return <Loading what={id} />;
  if (!s) return <p role="alert">No statement has the id <code>{id}</code> (or your key may not see it).</p>;
  const p = data?.provenance;
  const timeline = stanceTimeline(s);

  return (
    <article className="entity statement" data-type="Statement">
      <p className="kind">statement · {s.kind.toLowerCase()}</p>
      <h1>{s.text}</h1>
      <div className="actions">
        <Link to={`/graph?id=${encodeURIComponent(id)}`}>Graph</Link>
      </div>
      {s.retractedAt && (
        <p className="retracted" role="note">
          Retracted {s.retractedAt}: {s.retractionReason}
        </p>
      )}
      <Properties
        rows={[
          ['id', <code>{s.id}</code>],
          ['stated', <DateText date={s.statedAt} />],
          [
            'speaker',
            s.speaker && (
              <span data-testid="speaker">
                <NodeLink node={s.speaker} /> <SideBadge side={s.speaker.side} />
              </span>
            ),
          ],
          ['on behalf of', s.onBehalfOf && <NodeLink node={s.onBehalfOf} />],
          ['valid from', s.validFrom && <DateText date={s.validFrom} />],
          ['valid to', s.validTo && <DateText date={s.validTo} />],
          ['credibility', s.credibility],
          ['note', s.note],
        ]}
      />
      <section aria-labelledby="about-h">
        <h2 id="about-h">About</h2>
        <ul className="subjects" data-testid="subjects">
          {s.about.edges.map((e) => (
            // One subject per line, with every role it plays in the statement.
            <li key={e.node.id}>
              {e.roles.map((role) => (
                <span key={role} className="tag">
                  {role.toLowerCase()}
                </span>
              ))}{' '}
              <NodeLink node={e.node} /> <span className="muted">{kindOf(e.node).toLowerCase()}</span>
            </li>
          ))}
        </ul>
      </section>
      <Sources id={id} />
      {p && (
        <section data-testid="provenance" aria-labelledby="provenance-h">
          <h2 id="provenance-h">How it reached us</h2>
          <p className="corroboration" data-testid="corroboration">
            Reported in <strong>{p.sourceCount}</strong> source{p.sourceCount === 1 ? '' : 's'}, resting on <strong>{p.independentOrigins}</strong> independent origin
            {p.independentOrigins === 1 ? '' : 's'}
            {p.independentOrigins === 1 && p.sourceCount > 1 ? ': the relays all lead back to one origin' : ''}.
          </p>
          <h3>Relay chains</h3>
          {p.chains.length === 0 && <p className="muted">No relay chain.</p>}
          <ol className="chains" data-testid="relay-chains">
            {p.chains.map((chain, i) => (
              <li key={i} className="chain">
                <ol className="chain-steps">
                  {chain.sources.map((src, j) => (
                    <li key={src.id} data-id={src.id}>
                      {j > 0 && <span className="cites" aria-hidden="true">↳ cites </span>}
                      <SourceName source={src} />
                      {j === chain.sources.length - 1 && <span className="tag origin">origin</span>}
                    </li>
                  ))}
                </ol>
              </li>
            ))}
          </ol>
          {p.truncated && <p className="muted">More chains exist than are listed.</p>}
          <h3>Independent origins</h3>
          <ul data-testid="origins">
            {p.origins.map((o, i) => (
              <li key={o.publisher?.id ?? `o${i}`}>
                {o.publisher ? <NodeLink node={o.publisher} /> : <span className="muted">unattributed</span>}:{' '}
                {o.sources.map((src, j) => (
                  <span key={src.id}>
                    {j > 0 && ', '}
                    <Link to={entityPath(src.id)}>{src.title}</Link>
                  </span>
                ))}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="stances-h">
        <h2 id="stances-h">Other claims</h2>
        {STANCES.every(([f]) => s[f].edges.length === 0) && <p className="muted">No claim contradicts, disputes or supports this one.</p>}
        {timeline.claims.length > 1 && <Timeline claims={timeline.claims} stances={timeline.links} highlight={s.id} />}
        <div className="columns">
          {STANCES.map(([field, title]) => (
            <StanceList key={field} title={title} edges={s[field].edges} total={s[field].totalCount} />
          ))}
        </div>
      </section>
    </article>
  );
}
