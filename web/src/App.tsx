import { useEffect, useState } from 'react';
import { NavLink, Route, Routes, useNavigate } from 'react-router';
import { getApiKey, onApiKeyChange } from './api/apiKey';
import { ContestedView } from './views/ContestedView';
import { EntityView } from './views/EntityView';
import { GraphView } from './graph/GraphView';
import { HomeView } from './views/HomeView';
import { MapView } from './map/MapView';
import { SearchView } from './views/SearchView';
import { SettingsView } from './views/SettingsView';

function NotFound() {
  return (
    <p role="alert">
      <code>NOT_FOUND</code> There is no explorer page here.
    </p>
  );
}

export function App() {
  const navigate = useNavigate();
  const [hasKey, setHasKey] = useState(Boolean(getApiKey()));
  useEffect(() => onApiKeyChange(() => setHasKey(Boolean(getApiKey()))), []);
  // "/" anywhere outside a text field jumps to search.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (e.key === '/' && !['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName) && !t.isContentEditable) {
        e.preventDefault();
        navigate('/search');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate]);

  return (
    <>
      <header className="top">
        <NavLink to="/" className="brand">
          claimgraph
        </NavLink>
        <nav aria-label="Views">
          <NavLink to="/search">Search</NavLink>
          <NavLink to="/graph">Graph</NavLink>
          <NavLink to="/map">Map</NavLink>
          <NavLink to="/contested">Contested</NavLink>
          <a href="/graphiql">GraphiQL</a>
          <NavLink to="/settings" className={hasKey ? 'key-set' : undefined} title={hasKey ? 'An API key is set' : 'No API key set'}>
            {hasKey ? 'Key ✓' : 'Settings'}
          </NavLink>
        </nav>
      </header>
      <main>
        <Routes>
          <Route path="/" element={<HomeView />} />
          <Route path="/search" element={<SearchView />} />
          <Route path="/entity/:id" element={<EntityView />} />
          <Route path="/graph" element={<GraphView />} />
          <Route path="/map" element={<MapView />} />
          <Route path="/contested" element={<ContestedView />} />
          <Route path="/settings" element={<SettingsView />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </main>
    </>
  );
}
