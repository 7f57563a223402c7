import { useEffect } from 'react';

/** The document title, so tabs and history say which page is which. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · claimgraph`;
  }, [title]);
}
