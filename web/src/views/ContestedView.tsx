import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { usePaged } from '../api/useApi';
import { CONTESTED, type ContestedData, type ContestedSide } from '../api/queries';
import { DateText, NodeLink, PagedFooter, SideBadge, entityPath } from '../components/common';
import { useTitle } from './useTitle';

type Pair = ContestedData['contestedClaims']['edges'][number];

function Claim({ side, label }: { side: ContestedSide; label: string }) {
  return (
    <div className="claim-card" data-id={side.id}>
      <div className="muted">
        claim {label} · {side.kind.toLowerCase()}
      </div>
      <p className="claim-text">
        <Link to={entityPath(side.id)}>{side.text}</Link>
      </p>
      <div>
        {side.speaker ? <NodeLink node={side.speaker} /> : 'unknown speaker'} <SideBadge side={side.speaker?.side} />
      </div>
      <div>
        <DateText date={side.statedAt} />
      </div>
      <ul className="sources">
        {side.sources.edges.map((e) => (
          <li key={e.node.id}>
            <Link to={entityPath(e.node.id)}>{e.node.title}</Link>
            {e.quote && <blockquote className="quote">“{e.quote}”</blockquote>}
          </li>
        ))}
        {side.sources.pageInfo.hasNextPage && (
          <li className="muted">
            … and more: <Link to={entityPath(side.id)}>all {side.sources.totalCount} sources</Link>
          </li>
        )}
      </ul>
    </div>
  );
}

/** /contested?about=…&from=…&to=… — rival claims about a subject in a period, side by side. */
export function ContestedView() {
  const [params, setParams] = useSearchParams();
  const about = params.get('about') ?? '';
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const [form, setForm] = useState({ about, from, to });
  useTitle(`Contested claims${about ? `: ${about}` : ''}`);
  const variables = { about: about || null, from: from || null, to: to || null };
  const page = usePaged<ContestedData, Pair>(CONTESTED, variables, (d) => d.contestedClaims);

  return (
    <div className="contested-view">
      <h1>Contested claims</h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          const next: Record<string, string> = {};
          if (form.about.trim()) next.about = form.about.trim();
          if (form.from) next.from = form.from;
          if (form.to) next.to = form.to;
          setParams(next);
        }}
      >
        <label>
          about (id)
          <input value={form.about} placeholder="place:kupyansk" onChange={(e) => setForm({ ...form, about: e.target.value })} />
        </label>
        <label>
          from
          <input type="date" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} />
        </label>
        <label>
          to
          <input type="date" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} />
        </label>
        <button type="submit">Show</button>
      </form>
      <p className="hint muted">
        Pairs of claims about the same subject (and the places within it) where one contradicts or disputes the other, or the speakers are on opposite sides and
        the periods overlap; a window keeps pairs where at least one claim falls in it.
      </p>
      <ol className="pairs">
        {page.edges.map(({ node: pair }) => (
          <li key={`${pair.a.id}|${pair.b.id}`} className="pair" data-a={pair.a.id} data-b={pair.b.id}>
            <div className="pair-head">
              {pair.reasons.map((r) => (
                <span key={r} className={`tag reason reason-${r}`}>
                  {r.replace('_', ' ').toLowerCase()}
                </span>
              ))}
              <span className="muted">{pair.overlapping ? 'periods overlap' : 'periods do not overlap'}</span>
              {pair.subjects.length > 0 && (
                <span className="muted">
                  {' '}
                  · about{' '}
                  {pair.subjects.map((s, i) => (
                    <span key={s.id}>
                      {i > 0 && ', '}
                      <NodeLink node={s} />
                    </span>
                  ))}
                </span>
              )}
            </div>
            {pair.stances.map((s, i) => (
              <p key={i} className="note">
                {s.direction === 'A_TO_B' ? 'A' : 'B'} {s.kind.toLowerCase()} {s.direction === 'A_TO_B' ? 'B' : 'A'}
                {s.note ? `: ${s.note}` : ''}
              </p>
            ))}
            <div className="side-by-side">
              <Claim side={pair.a} label="A" />
              <Claim side={pair.b} label="B" />
            </div>
          </li>
        ))}
      </ol>
      {!page.loading && !page.error && page.edges.length === 0 && <p>No contested claims{about ? ` about ${about}` : ''} in this period.</p>}
      <PagedFooter {...page} shown={page.edges.length} total={page.totalCount} />
    </div>
  );
}
