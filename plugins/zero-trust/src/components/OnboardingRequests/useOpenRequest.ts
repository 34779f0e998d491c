import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';

/** The search parameter naming the request whose details are open. */
export const openRequestParam = 'onboardingRequest';

/**
 * Which request's details are open, kept in the URL (`?onboardingRequest=ID`) so that a
 * link to the page can open one request, and Back closes it.
 */
export function useOpenRequest(): [
  string | undefined,
  (id: string | undefined) => void,
] {
  const [params, setParams] = useSearchParams();
  const id = params.get(openRequestParam) || undefined;
  const setId = useCallback(
    (next: string | undefined) =>
      setParams(previous => {
        const updated = new URLSearchParams(previous);
        if (next) updated.set(openRequestParam, next);
        else updated.delete(openRequestParam);
        return updated;
      }),
    [setParams],
  );
  return [id, setId];
}
