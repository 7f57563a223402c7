import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, graphql } from './client';
import { onApiKeyChange } from './apiKey';
import type { Connection } from './queries';

/** Re-runs queries when the API key changes: what is shown is always what the current key may see. */
function useApiKeyVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => onApiKeyChange(() => setVersion((v) => v + 1)), []);
  return version;
}

export interface QueryState<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
}

const asApiError = (error: unknown): ApiError =>
  error instanceof ApiError ? error : new ApiError('CLIENT_ERROR', error instanceof Error ? error.message : String(error), 0);

/** One query, re-run when its variables (or the key) change; the previous run is aborted. */
export function useQuery<T>(query: string, variables: Record<string, unknown>, options: { skip?: boolean } = {}): QueryState<T> {
  const keyVersion = useApiKeyVersion();
  const [state, setState] = useState<QueryState<T>>({ data: null, error: null, loading: !options.skip });
  const vars = JSON.stringify(variables);
  useEffect(() => {
    if (options.skip) {
      setState({ data: null, error: null, loading: false });
      return;
    }
    const controller = new AbortController();
    setState((s) => ({ data: s.data, error: null, loading: true }));
    graphql<T>(query, JSON.parse(vars) as Record<string, unknown>, controller.signal).then(
      (data) => !controller.signal.aborted && setState({ data, error: null, loading: false }),
      (error: unknown) => !controller.signal.aborted && setState({ data: null, error: asApiError(error), loading: false }),
    );
    return () => controller.abort();
  }, [query, vars, options.skip, keyVersion]);
  return state;
}

export interface PagedState<E> {
  edges: E[];
  totalCount: number | null;
  hasMore: boolean;
  loading: boolean;
  error: ApiError | null;
  loadMore: () => void;
}

/**
 * A cursor-paged list: the first page on mount (and when the variables change), the next page on
 * loadMore(), with `after` set to the last page's endCursor. `pick` finds the connection in the data.
 */
export function usePaged<T, E>(query: string, variables: Record<string, unknown>, pick: (data: T) => Connection<E> | null | undefined, options: { skip?: boolean } = {}): PagedState<E> {
  const keyVersion = useApiKeyVersion();
  const vars = JSON.stringify(variables);
  const [edges, setEdges] = useState<E[]>([]);
  const [totalCount, setTotal] = useState<number | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(!options.skip);
  const [error, setError] = useState<ApiError | null>(null);
  const generation = useRef(0);
  const pickRef = useRef(pick);
  pickRef.current = pick;

  const fetchPage = useCallback(
    (after: string | null, reset: boolean) => {
      const mine = reset ? ++generation.current : generation.current;
      setLoading(true);
      setError(null);
      graphql<T>(query, { ...(JSON.parse(vars) as Record<string, unknown>), after }).then(
        (data) => {
          if (mine !== generation.current) return;
          const connection = pickRef.current(data);
          const page = connection?.edges ?? [];
          setEdges((previous) => (reset ? page : [...previous, ...page]));
          setTotal(connection?.totalCount ?? 0);
          setCursor(connection?.pageInfo.endCursor ?? null);
          setHasMore(Boolean(connection?.pageInfo.hasNextPage));
          setLoading(false);
        },
        (e: unknown) => {
          if (mine !== generation.current) return;
          setError(asApiError(e));
          setLoading(false);
        },
      );
    },
    [query, vars],
  );

  useEffect(() => {
    if (options.skip) {
      generation.current++;
      setEdges([]);
      setTotal(null);
      setHasMore(false);
      setLoading(false);
      return;
    }
    setEdges([]);
    fetchPage(null, true);
  }, [fetchPage, options.skip, keyVersion]);

  const loadMore = useCallback(() => {
    if (hasMore && !loading) fetchPage(cursor, false);
  }, [hasMore, loading, cursor, fetchPage]);

  return { edges, totalCount, hasMore, loading, error, loadMore };
}
