import { Config } from '@backstage/config';

/** `zeroTrust.tracking` (see config.d.ts). */
export interface TrackingConfig {
  frequencySeconds: number;
  convergeWithinMinutes: number;
}

function positive(config: Config, key: string, fallback: number): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!(value > 0)) {
    throw new Error(`${key} must be a positive number, not ${value}`);
  }
  return value;
}

export function readTrackingConfig(config: Config): TrackingConfig {
  return {
    frequencySeconds: positive(
      config,
      'zeroTrust.tracking.frequencySeconds',
      60,
    ),
    convergeWithinMinutes: positive(
      config,
      'zeroTrust.tracking.convergeWithinMinutes',
      10,
    ),
  };
}
