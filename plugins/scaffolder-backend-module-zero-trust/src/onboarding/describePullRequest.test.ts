import { promises as fs } from 'node:fs';
import {
  escapeMarkdown,
  explainNetworkPolicy,
  parseOnboardingRequest,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { onboardRepository } from '@zero-trust/backstage-plugin-zero-trust-node';
import {
  flatGitops,
  removeTemporaryFolders,
  temporaryFolder,
} from '../__testUtils__/repositories';
import {
  branchName,
  commitMessage,
  describePullRequest,
} from './describePullRequest';

// Builds descriptions for very large changes to check GitHub's size limit: CPU-bound, slow on a busy machine.
jest.setTimeout(60_000);

async function inventoryOnboarding(
  mtlsMode: 'STRICT' | 'PERMISSIVE',
  request: Record<string, unknown> = {},
) {
  const root = await temporaryFolder();
  await fs.cp(flatGitops, root, { recursive: true });
  return onboardRepository({
    root,
    dryRun: true,
    request: parseOnboardingRequest({
      service: 'inventory-api',
      namespace: 'inventory',
      cluster: 'backend',
      mtlsMode,
      allowedCallers: [{ workload: 'bookinfo/productpage' }],
      ...request,
    }),
  });
}

describe('describePullRequest', () => {
  afterAll(removeTemporaryFolders);

  it('escapes what users type, so it renders as text and not as links or HTML', async () => {
    const result = await inventoryOnboarding('STRICT');
    const body = describePullRequest({
      ...result,
      component: 'component:default/x](https://evil.example) <img src=x>',
      owner: 'group:default/team | injected | cell',
      requestedBy: 'user:default/guest',
    });
    expect(body).not.toContain('](https://evil.example)');
    expect(body).not.toMatch(/(?<!\\)<img/);
    expect(body).toContain('\\]\\(https://evil\\.example\\) \\<img src=x\\>');
    // A pipe cannot open a table cell of its own.
    const ownerRow = body.split('\n').find(l => l.startsWith('| Owner |'))!;
    expect(ownerRow.split(/(?<!\\)\|/).length).toBe(4);
  });

  it('says a dry-run rollout is logged, not enforced, and whom it would deny once enforced', async () => {
    const enforced = await inventoryOnboarding('STRICT');
    expect(describePullRequest(enforced)).not.toContain('## Dry run');
    expect(describePullRequest(enforced)).toContain('| Rollout | enforced |');

    const result = await inventoryOnboarding('STRICT', { rollout: 'dry-run' });
    const body = describePullRequest(result);
    expect(body).toContain(
      '| Rollout | dry-run: the AuthorizationPolicies are logged, not enforced |',
    );
    const section = body.slice(body.indexOf('## Dry run'));
    expect(section).toContain(
      '`inventory/inventory-api-callers`, `inventory/allow-nothing` carry `istio.io/dry-run: "true"`',
    );
    expect(section).toContain('"Enforce dry-run policies" template');
    const wouldDeny = result.preview.after.dryRun!.wouldDeny;
    expect(section).toContain(
      wouldDeny.length
        ? `- Once enforced, they would deny: ${wouldDeny
            .map(c => `\`${c}\``)
            .join(', ')}.`
        : '- Once enforced, they would deny no caller that may call it today.',
    );
    // The same request on the service's own policies, enforced, would change who may call it.
    expect(result.preview.after.dryRun!.policies).toContain(
      'inventory/inventory-api-callers',
    );
  });

  it('explains the external hosts, the timeout, the retries and the outlier detection', async () => {
    const root = await temporaryFolder();
    await fs.cp(flatGitops, root, { recursive: true });
    const result = await onboardRepository({
      root,
      dryRun: true,
      request: parseOnboardingRequest({
        service: 'inventory-api',
        namespace: 'inventory',
        cluster: 'backend',
        ports: [{ port: 8080, protocol: 'HTTP' }],
        allowedCallers: [{ workload: 'bookinfo/productpage' }],
        egress: [{ host: 'api.stripe.com', ports: [443] }],
        traffic: {
          timeout: '30s',
          retries: {
            attempts: 3,
            perTryTimeout: '10s',
            retryOn: '5xx,reset,connect-failure',
          },
          outlierDetection: { consecutive5xxErrors: 5 },
        },
      }),
    });
    const body = describePullRequest(result);
    const section = body.slice(
      body.indexOf('## External hosts and routes'),
      body.indexOf('##', body.indexOf('## External hosts and routes') + 2),
    );
    expect(section).toContain(
      '- `inventory-api` may call `api.stripe.com` on `443`: a ServiceEntry registers the host for namespace `inventory` only',
    );
    expect(section).toContain(
      '- Callers give up after `30s` for the whole request, retries included',
    );
    expect(section).toContain(
      '- Up to 3 retries, each try at most `10s`, on `5xx,reset,connect-failure`.',
    );
    expect(section).toContain('`consecutive5xxErrors: 5`');
    expect(result.changes.map(c => c.path.split('/').pop()).sort()).toEqual(
      expect.arrayContaining([
        'service-entry-inventory-api-egress-api-stripe-com.yaml',
        'virtual-service-inventory-api.yaml',
      ]),
    );
    // Without egress or traffic, no such section.
    const plain = await inventoryOnboarding('STRICT');
    expect(describePullRequest(plain)).not.toContain('## External hosts');
  });

  it("lists the plan's notes under what to check", async () => {
    const permissive = await inventoryOnboarding('PERMISSIVE');
    expect(permissive.plan.notes.length).toBeGreaterThan(0);
    const body = describePullRequest(permissive);
    const checks = body.slice(body.indexOf('## What to check'));
    expect(checks).toMatch(/PERMISSIVE/);
    expect(body).toContain('| mTLS mode | PERMISSIVE |');
  });

  it('explains the NetworkPolicy part with networkPolicy: true', async () => {
    const result = await inventoryOnboarding('STRICT', {
      networkPolicy: true,
    });
    const body = describePullRequest(result);
    const section = body.slice(
      body.indexOf('## NetworkPolicy'),
      body.indexOf('\n## ', body.indexOf('## NetworkPolicy') + 1),
    );
    expect(section.split('\n').filter(l => l.startsWith('- '))).toEqual(
      explainNetworkPolicy(result.preview.networkPolicy!).map(
        l => `- ${escapeMarkdown(l)}`,
      ),
    );
    // Which pods it admits on which port, and the namespace's default deny it adds.
    expect(explainNetworkPolicy(result.preview.networkPolicy!)).toEqual([
      'NetworkPolicy inventory/inventory-api-ingress admits pods labelled app=productpage,backstage.io/kubernetes-id=productpage,version=v1 in namespace bookinfo (today: backend/bookinfo/productpage) on TCP 8080.',
      'NetworkPolicy inventory/default-deny is added: every pod of namespace inventory then accepts only the connections a NetworkPolicy admits.',
    ]);
    expect(body).toContain(
      'adds the mTLS and authorization policies, and Kubernetes NetworkPolicies, for one service.',
    );

    const without = describePullRequest(await inventoryOnboarding('STRICT'));
    expect(without).not.toContain('## NetworkPolicy');
  });

  it('names the branch and commit after the service', async () => {
    const { plan } = await inventoryOnboarding('STRICT');
    expect(branchName(plan)).toBe(
      'zero-trust/onboard-backend-inventory-inventory-api',
    );
    expect(commitMessage(plan, 'user:default/guest')).toMatch(
      /^Onboard inventory\/inventory-api to the mesh in backend\n\nSPIFFE ID: spiffe:\/\/internal\.example\/ns\/inventory\/sa\/inventory\n/,
    );
  });

  it('stays under the size GitHub accepts', async () => {
    const result = await inventoryOnboarding('STRICT');
    const body = describePullRequest({
      ...result,
      changes: Array.from({ length: 3000 }, (_, i) => ({
        path: `clusters/backend/namespaces/inventory/file-${i}.yaml`,
        action: 'create' as const,
      })),
    });
    expect(body.length).toBeLessThan(65536);
    expect(body).toContain('cut short');
  });
});
