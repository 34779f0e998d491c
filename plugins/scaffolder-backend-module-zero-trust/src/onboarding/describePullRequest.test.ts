import { promises as fs } from 'node:fs';
import { parseOnboardingRequest } from '@zero-trust/backstage-plugin-zero-trust-common';
import { onboardRepository } from '@zero-trust/backstage-plugin-zero-trust-node';
import {
  examplesGitops,
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

async function inventoryOnboarding(mtlsMode: 'STRICT' | 'PERMISSIVE') {
  const root = await temporaryFolder();
  await fs.cp(examplesGitops, root, { recursive: true });
  return onboardRepository({
    root,
    dryRun: true,
    request: parseOnboardingRequest({
      service: 'inventory-api',
      namespace: 'inventory',
      cluster: 'backend',
      mtlsMode,
      allowedCallers: [{ workload: 'bookinfo/productpage' }],
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

  it("lists the plan's notes under what to check", async () => {
    const permissive = await inventoryOnboarding('PERMISSIVE');
    expect(permissive.plan.notes.length).toBeGreaterThan(0);
    const body = describePullRequest(permissive);
    const checks = body.slice(body.indexOf('## What to check'));
    expect(checks).toMatch(/PERMISSIVE/);
    expect(body).toContain('| mTLS mode | PERMISSIVE |');
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
