import {
  MeshModel,
  OnboardingRequestRecord,
  buildClusterState,
  parseOnboardingRequest,
  planOnboarding,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { MeshView } from '../clusters/MeshView';
import {
  backendCluster,
  inventoryRequest,
  recordInput,
} from '../requests/__testUtils__/inventory';
import { TelemetryReading } from '../telemetry/ClusterTelemetry';
import { dryRunEvidence } from './dryRunEvidence';

const window = {
  duration: '7d',
  start: '2026-11-26T09:00:00.000Z',
  end: '2026-12-03T09:00:00.000Z',
};
const reading: TelemetryReading = {
  status: { state: 'ok', window, queriedAt: window.end },
  traffic: [],
  window,
  dryRun: [],
  stamp: 'ok',
};

describe('dryRunEvidence', () => {
  // The demo's backend cluster, where none of inventory-api's policies is dry-run.
  let view: MeshView;
  let record: (
    state: OnboardingRequestRecord['state'],
  ) => OnboardingRequestRecord;
  beforeAll(async () => {
    const model = new MeshModel([
      buildClusterState('backend', await backendCluster()),
    ]);
    view = new MeshView(model);
    const request = parseOnboardingRequest({
      ...inventoryRequest,
      rollout: 'dry-run',
    });
    const input = recordInput(planOnboarding(request, model), { request });
    record = state => ({
      ...input,
      id: 'r1',
      state,
      drift: [],
      createdAt: window.start,
      updatedAt: window.end,
    });
  });

  it('says a converged request whose policies are no longer dry-run is enforced', () => {
    expect(dryRunEvidence(record('converged'), view, reading)).toEqual({
      workloads: [],
      telemetry: reading.status,
      observations: [],
      wouldDeny: 0,
      wouldAllow: 0,
      note: 'Its policies are enforced now: the cluster holds them without istio.io/dry-run (a promotion was merged).',
      enforced: true,
    });
  });

  it('says an open request is not merged yet, and is not enforced', () => {
    const e = dryRunEvidence(record('open'), view, reading)!;
    expect(e.note).toBe(
      'The pull request is not merged: its dry-run policies are not in the cluster yet.',
    );
    expect(e.enforced).toBeUndefined();
  });

  it('gives nothing for an enforced rollout', () => {
    const r = record('converged');
    expect(
      dryRunEvidence({ ...r, request: inventoryRequest }, view, reading),
    ).toBeUndefined();
  });

  it('answers a failed read of the shadow stats as failed, though usage was read', () => {
    const e = dryRunEvidence(record('open'), view, {
      ...reading,
      dryRun: undefined,
      dryRunError: 'query timed out',
    })!;
    expect(e.telemetry).toEqual({
      state: 'failed',
      message: 'The dry-run results could not be read: query timed out',
    });
    expect(e.observations).toBeUndefined();
  });
});
