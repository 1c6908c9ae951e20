import { useEffect, useState } from 'preact/hooks';
import { api, onDataChanged } from './api';

/** Loads a GET path; `reload` fetches again (after a form saves, for example). */
export function useApi<T>(path: string | null): { data: T | null; error: unknown; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>({ data: null, error: null, loading: !!path });
  const [n, setN] = useState(0);
  useEffect(() => {
    if (!path) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    api
      .get<T>(path)
      .then((data) => live && setState({ data, error: null, loading: false }))
      .catch((error) => live && setState({ data: null, error, loading: false }));
    return () => {
      live = false;
    };
  }, [path, n]);
  // After a sync that stored or brought records, the page shows the new state (a worklist item done).
  useEffect(() => onDataChanged(() => setN((x) => x + 1)), []);
  return { ...state, reload: () => setN((x) => x + 1) };
}
