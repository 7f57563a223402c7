/**
 * The API key a user enters in Settings: kept in this browser's localStorage and sent as
 * `Authorization: Bearer <key>` on every request to claimgraph (GraphQL and /export).
 */
const STORAGE_KEY = 'claimgraph.apiKey';
const CHANGED = 'claimgraph:api-key-changed';

export function getApiKey(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled: no key
  }
}

export function setApiKey(key: string): void {
  const trimmed = key.trim();
  if (trimmed) window.localStorage.setItem(STORAGE_KEY, trimmed);
  else window.localStorage.removeItem(STORAGE_KEY);
  window.dispatchEvent(new Event(CHANGED));
}

export function clearApiKey(): void {
  setApiKey('');
}

/** Calls `listener` when the key changes in this tab or another. */
export function onApiKeyChange(listener: () => void): () => void {
  const onStorage = (e: StorageEvent) => e.key === STORAGE_KEY && listener();
  window.addEventListener(CHANGED, listener);
  window.addEventListener('storage', onStorage);
  return () => {
    window.removeEventListener(CHANGED, listener);
    window.removeEventListener('storage', onStorage);
  };
}

export function authorizationHeaders(): Record<string, string> {
  const key = getApiKey();
  return key ? { authorization: `Bearer ${key}` } : {};
}
