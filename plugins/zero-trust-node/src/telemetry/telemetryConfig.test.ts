import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { parsePrometheusDuration } from './duration';
import { readTelemetryConfig } from './telemetryConfig';

const read = (telemetry: JsonObject) =>
  readTelemetryConfig(new ConfigReader({ zeroTrust: { telemetry } }));

describe('readTelemetryConfig', () => {
  it('defaults to a week and no Prometheus', () => {
    const c = readTelemetryConfig(new ConfigReader({}));
    expect(c.window).toBe('7d');
    expect(c.endpoints.size).toBe(0);
    expect(c.errors).toEqual([]);
  });

  it('reads each cluster, its token, and names a bad entry in one line', () => {
    const c = read({
      window: '36h',
      clusters: [
        {
          name: 'prod',
          prometheusUrl: 'https://prom.example/',
          bearerToken: 't0k',
        },
        { name: 'dev', prometheusUrl: 'ftp://nope' },
        { name: 'prod', prometheusUrl: 'http://again' },
      ],
    });
    expect(c.window).toBe('36h');
    expect([...c.endpoints.values()]).toEqual([
      { cluster: 'prod', url: 'https://prom.example', bearerToken: 't0k' },
    ]);
    expect(c.errors).toEqual([
      "zeroTrust.telemetry.clusters[1]: prometheusUrl 'ftp://nope' must be http or https",
      "zeroTrust.telemetry.clusters[2]: cluster 'prod' is named by an earlier entry",
    ]);
  });

  it('refuses a window Prometheus would not read', () => {
    expect(() => read({ window: 'a week' })).toThrow(
      "zeroTrust.telemetry.window 'a week' is not a Prometheus duration (such as 7d or 36h)",
    );
    expect(parsePrometheusDuration('1d12h')).toBe(36 * 3_600_000);
  });
});
