const units: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/**
 * A Go duration (`24h`, `2160h0m0s`, `1h30m`, `90s`), as Istio's environment and
 * cert-manager's fields write them, in seconds; undefined where it is not one.
 *
 * @public
 */
export function parseGoDuration(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const value = text.trim();
  if (value === '0') return 0;
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (!parts.length || parts.map(p => p[0]).join('') !== value) {
    return undefined;
  }
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * units[unit], 0);
}

/** Seconds as a person reads them: `24h`, `90d`, `1h30m`. @public */
export function formatDuration(seconds: number): string {
  if (seconds >= 7 * 86400 && seconds % 86400 === 0) {
    return `${seconds / 86400}d`;
  }
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  return (
    [h ? `${h}h` : '', m ? `${m}m` : '', s ? `${s}s` : ''].join('') || '0s'
  );
}
