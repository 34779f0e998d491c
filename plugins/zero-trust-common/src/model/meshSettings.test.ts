import { stringify } from 'yaml';
import { SourcedObject } from './buildClusterState';
import { readMeshSettings } from './meshSettings';

type Json = Record<string, any>;
const sourced = (...objects: Json[]): SourcedObject[] =>
  objects.map(object => ({ object }));

const configMap = (name: string, mesh: Json, namespace = 'istio-system') => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data: { mesh: stringify(mesh) },
});

const istiodValues = {
  revision: '1-24',
  revisionTags: ['stable'],
  meshConfig: {
    trustDomain: 'backend.example',
    trustDomainAliases: ['old.example'],
    outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
  },
  pilot: { env: { PILOT_SKIP_VALIDATE_TRUST_DOMAIN: 'true' } },
};

const expectedFromValues = {
  trustDomain: 'backend.example',
  trustDomainAliases: ['old.example'],
  rootNamespace: 'istio-system',
  enableAutoMtls: true,
  outboundTrafficPolicy: 'REGISTRY_ONLY',
  skipValidateTrustDomain: true,
  caCertificateTrustDomains: [],
  pathNormalization: 'BASE',
  revisions: ['1-24', 'default', 'stable'],
};

const helmRelease = (spec: Json) => ({
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  kind: 'HelmRelease',
  metadata: { name: 'istiod', namespace: 'istio-system' },
  spec: { chart: { spec: { chart: 'istiod' } }, ...spec },
});

const application = (source: Json, extra: Json = {}) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'istiod', namespace: 'argocd' },
  spec: {
    destination: { namespace: 'istio-system' },
    ...(source.sources ? source : { source }),
    ...extra,
  },
});

describe('readMeshSettings', () => {
  it('reads the istio ConfigMap first, before any other source', () => {
    const result = readMeshSettings(
      sourced(
        helmRelease({
          values: { meshConfig: { trustDomain: 'helm.example' } },
        }),
        configMap('istio', {
          trustDomain: 'cm.example',
          outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
        }),
      ),
    );
    expect(result.source).toBe('ConfigMap istio-system/istio');
    expect(result.mesh.trustDomain).toBe('cm.example');
    expect(result.mesh.outboundTrafficPolicy).toBe('REGISTRY_ONLY');
  });

  it('reads a revision ConfigMap istio-REVISION and counts its revision as installed', () => {
    const result = readMeshSettings(
      sourced(configMap('istio-1-24', { trustDomain: 'rev.example' })),
    );
    expect(result.mesh.trustDomain).toBe('rev.example');
    expect(result.mesh.revisions).toEqual(['1-24', 'default']);
  });

  it('reads an IstioOperator: spec.meshConfig, spec.revision, spec.values.pilot.env', () => {
    const result = readMeshSettings(
      sourced({
        apiVersion: 'install.istio.io/v1alpha1',
        kind: 'IstioOperator',
        metadata: { name: 'control-plane', namespace: 'istio-system' },
        spec: {
          revision: '1-24',
          meshConfig: istiodValues.meshConfig,
          values: {
            revisionTags: ['stable'],
            pilot: istiodValues.pilot,
          },
        },
      }),
    );
    expect(result.source).toBe('IstioOperator istio-system/control-plane');
    expect(result.mesh).toEqual(expectedFromValues);
  });

  it('reads a Flux HelmRelease of istiod: valuesFrom ConfigMaps in order, then spec.values over them', () => {
    const result = readMeshSettings(
      sourced(
        helmRelease({
          valuesFrom: [
            { kind: 'ConfigMap', name: 'istiod-base' },
            { kind: 'Secret', name: 'never-read' },
            {
              kind: 'ConfigMap',
              name: 'istiod-td',
              valuesKey: 'td',
              targetPath: 'meshConfig.trustDomain',
            },
          ],
          values: { pilot: istiodValues.pilot },
        }),
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'istiod-base', namespace: 'istio-system' },
          data: {
            'values.yaml': stringify({
              ...istiodValues,
              meshConfig: { ...istiodValues.meshConfig, trustDomain: 'x' },
              pilot: { env: { PILOT_SKIP_VALIDATE_TRUST_DOMAIN: 'false' } },
            }),
          },
        },
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'istiod-td', namespace: 'istio-system' },
          data: { td: 'backend.example' },
        },
      ),
    );
    expect(result.source).toBe('HelmRelease istio-system/istiod');
    expect(result.mesh).toEqual(expectedFromValues);
  });

  it('reads an Argo CD Application of the istiod chart: value files, then helm.values, then helm.valuesObject', () => {
    const result = readMeshSettings([
      {
        object: application({
          sources: [
            {
              repoURL: 'https://istio-release.storage.googleapis.com/charts',
              chart: 'istiod',
              helm: {
                valueFiles: ['$values/istiod/values.yaml'],
                values: stringify({ revisionTags: ['stable'] }),
                valuesObject: { pilot: istiodValues.pilot },
              },
            },
            { repoURL: 'https://git.example/gitops', ref: 'values' },
          ],
        }),
        valueFiles: {
          '$values/istiod/values.yaml': {
            ...istiodValues,
            revisionTags: ['old'],
            pilot: { env: { PILOT_SKIP_VALIDATE_TRUST_DOMAIN: 'false' } },
          },
        },
      },
    ]);
    expect(result.source).toBe('Application istiod');
    expect(result.mesh).toEqual(expectedFromValues);
  });

  it('takes the chart values global.trustDomain where meshConfig names none', () => {
    const result = readMeshSettings(
      sourced(
        application({
          chart: 'istiod',
          repoURL: 'https://istio-release.storage.googleapis.com/charts',
          helm: { valuesObject: { global: { trustDomain: 'global.example' } } },
        }),
      ),
    );
    expect(result.mesh.trustDomain).toBe('global.example');
  });

  it('counts every revision an istio.io/rev label names as installed', () => {
    const result = readMeshSettings(
      sourced(
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'a', labels: { 'istio.io/rev': 'canary' } },
        },
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'w', namespace: 'b' },
          spec: {
            template: { metadata: { labels: { 'istio.io/rev': '1-25' } } },
          },
        },
      ),
    );
    expect(result.source).toBeUndefined();
    expect(result.mesh.revisions).toEqual(['1-25', 'canary', 'default']);
  });

  it('gives the defaults without any source', () => {
    expect(readMeshSettings([]).mesh).toEqual({
      trustDomain: 'cluster.local',
      trustDomainAliases: [],
      rootNamespace: 'istio-system',
      enableAutoMtls: true,
      outboundTrafficPolicy: 'ALLOW_ANY',
      skipValidateTrustDomain: false,
      caCertificateTrustDomains: [],
      pathNormalization: 'BASE',
      revisions: ['default'],
    });
  });

  it('reports helm.values that is not YAML', () => {
    const result = readMeshSettings(
      sourced(
        application({
          chart: 'istiod',
          repoURL: 'https://charts.example',
          helm: { values: 'meshConfig: [unclosed' },
        }),
      ),
    );
    expect(result.problems).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/helm\.values is not valid YAML/),
      }),
    ]);
  });
});
