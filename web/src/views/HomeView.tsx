import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useTitle } from './useTitle';

export function HomeView() {
  useTitle('Explorer');
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  return (
    <div className="home">
      <h1>claimgraph explorer</h1>
      <p>Who said what, about which units and places, when, and according to which sources. Start with a name in any spelling:</p>
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (q.trim()) navigate(`/search?q=${encodeURIComponent(q.trim())}`);
        }}
      >
        <input type="search" aria-label="Search" placeholder="Kupiansk, Kharkov, Zelensky…" value={q} autoFocus onChange={(e) => setQ(e.target.value)} />
        <button type="submit">Search</button>
      </form>
      <ul className="views">
        <li>
          <Link to="/search">Search</Link>: names, aliases, statement text and source titles in every spelling, grouped by type.
        </li>
        <li>
          <strong>Entity pages</strong>: a place, actor, unit, source or statement with its hierarchy and its claims on a timeline coloured by side.
        </li>
        <li>
          <Link to="/graph">Graph</Link>: the neighbourhood of any node; click to expand, double-click to open, export what is shown.
        </li>
        <li>
          <Link to="/map">Map</Link>: places with their precision on an offline map of country and province borders.
        </li>
        <li>
          <Link to="/contested">Contested claims</Link>: rival claims side by side, with reasons and sources.
        </li>
        <li>
          <a href="/graphiql">GraphiQL</a>: write GraphQL against the API (bundled, works offline).
        </li>
      </ul>
    </div>
  );
}
