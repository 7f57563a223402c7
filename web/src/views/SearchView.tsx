import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { usePaged } from '../api/useApi';
import { SEARCH, kindOf, type Ref, type SearchData } from '../api/queries';
import { PagedFooter, SideBadge, entityPath, labelOf } from '../components/common';
import { useTitle } from './useTitle';

type Hit = SearchData['search']['edges'][number]['node'] & { aliases?: string[]; parent?: { name: string } | null; statedAt?: { raw: string | null }; speaker?: { name: string } | null };
const GROUPS: Array<[Ref['__typename'], string]> = [
  ['Place', 'Places'],
  ['Actor', 'Actors'],
  ['Unit', 'Units'],
  ['Source', 'Sources'],
  ['Statement', 'Statements'],
];

function detail(hit: Hit): string {
  switch (hit.__typename) {
    case 'Place':
      return [hit.placeKind?.toLowerCase(), hit.parent ? `in ${hit.parent.name}` : null].filter(Boolean).join(', ');
    case 'Statement':
      return [hit.speaker?.name, hit.statedAt?.raw].filter(Boolean).join(', ');
    default:
      return kindOf(hit).toLowerCase().replace('_', ' ');
  }
}

/** Moves focus through the result links with the arrow keys (and from the box to the first result). */
function moveFocus(container: HTMLElement | null, step: 1 | -1) {
  const links = [...(container?.querySelectorAll<HTMLAnchorElement>('a.result') ?? [])];
  if (!links.length) return;
  const at = links.indexOf(document.activeElement as HTMLAnchorElement);
  links[at < 0 ? (step === 1 ? 0 : links.length - 1) : (at + step + links.length) % links.length].focus();
}

/** /search?q=… — the API's search in any spelling, results grouped by type. */
export function SearchView() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  const results = useRef<HTMLDivElement>(null);
  useTitle(q ? `Search: ${q}` : 'Search');
  useEffect(() => setText(q), [q]);
  // Typing updates the URL (so a search can be shared) after a short pause.
  useEffect(() => {
    if (text === q) return;
    const t = setTimeout(() => setParams(text.trim() ? { q: text } : {}, { replace: true }), 300);
    return () => clearTimeout(t);
  }, [text, q, setParams]);

  const page = usePaged<SearchData, SearchData['search']['edges'][number]>(SEARCH, { query: q.trim(), first: 50 }, (d) => d.search, { skip: !q.trim() });
  const hits = page.edges.map((e) => e.node as Hit);

  return (
    <div className="search-view">
      <h1>Search</h1>
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setParams(text.trim() ? { q: text } : {});
        }}
      >
        <input
          type="search"
          name="q"
          aria-label="Search names, aliases, statements and source titles in any spelling"
          placeholder="Kupiansk, Куп'янськ, Kharkov, Zelensky…"
          value={text}
          autoFocus
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              moveFocus(results.current, 1);
            }
          }}
        />
        <button type="submit">Search</button>
      </form>
      <p className="hint muted">Any spelling: case, diacritics and apostrophes do not matter; ↓/↑ move through the results, Enter opens one.</p>
      <div
        ref={results}
        className="results"
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            moveFocus(results.current, e.key === 'ArrowDown' ? 1 : -1);
          }
        }}
      >
        {GROUPS.map(([type, title]) => {
          const group = hits.filter((h) => h.__typename === type);
          if (!group.length) return null;
          return (
            <section key={type} data-testid={`results-${type}`} aria-labelledby={`h-${type}`}>
              <h2 id={`h-${type}`}>
                {title} <span className="muted">({group.length})</span>
              </h2>
              <ul>
                {group.map((hit) => (
                  <li key={hit.id}>
                    <Link className="result" to={entityPath(hit.id)} data-id={hit.id}>
                      <span className="result-name">{labelOf(hit)}</span>
                    </Link>{' '}
                    <span className="muted">{detail(hit)}</span> {'side' in hit && hit.side !== undefined && <SideBadge side={hit.side} />}
                    {hit.aliases && hit.aliases.length > 0 && <div className="aliases muted">{hit.aliases.slice(0, 6).join(' · ')}</div>}
                  </li>
                ))}
              </ul>
            </section>
          );
        })}
        {q.trim() && !page.loading && !page.error && hits.length === 0 && <p>Nothing matches “{q}”.</p>}
      </div>
      {q.trim() && <PagedFooter {...page} shown={hits.length} total={page.totalCount} />}
    </div>
  );
}
