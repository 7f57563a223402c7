import { useEffect, useState } from 'react';
import { clearApiKey, getApiKey, onApiKeyChange, setApiKey } from '../api/apiKey';
import { useTitle } from './useTitle';

/** /settings — the API key this browser sends (kept in localStorage only). */
export function SettingsView() {
  useTitle('Settings');
  const [saved, setSaved] = useState(getApiKey());
  const [text, setText] = useState(saved ?? '');
  const [visible, setVisible] = useState(false);
  useEffect(() => onApiKeyChange(() => setSaved(getApiKey())), []);
  return (
    <div className="settings-view">
      <h1>Settings</h1>
      <section aria-labelledby="key-h">
        <h2 id="key-h">API key</h2>
        <p>
          Sent as <code>Authorization: Bearer …</code> with every request this explorer (and GraphiQL) makes to claimgraph, so you see only what the key may see once
          access control is on. It is kept in this browser’s local storage and nowhere else.
        </p>
        <form
          className="filters"
          onSubmit={(e) => {
            e.preventDefault();
            setApiKey(text);
          }}
        >
          <label>
            key
            <input name="apiKey" type={visible ? 'text' : 'password'} autoComplete="off" value={text} onChange={(e) => setText(e.target.value)} />
          </label>
          <label className="inline">
            <input type="checkbox" checked={visible} onChange={(e) => setVisible(e.target.checked)} /> show
          </label>
          <button type="submit">Save</button>
          <button
            type="button"
            onClick={() => {
              clearApiKey();
              setText('');
            }}
          >
            Clear
          </button>
        </form>
        <p role="status" data-testid="key-status">
          {saved ? `A key is set (…${saved.slice(-4)}).` : 'No key is set: requests go without one.'}
        </p>
      </section>
    </div>
  );
}
