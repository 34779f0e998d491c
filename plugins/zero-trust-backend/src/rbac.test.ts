import { resourceKinds } from '@zero-trust/backstage-plugin-zero-trust-common';
import { loadManifests } from '@zero-trust/backstage-plugin-zero-trust-node';
import { LiveClusterSource } from '@zero-trust/backstage-plugin-zero-trust-node/live';
import { startTestApiServer } from '@zero-trust/backstage-plugin-zero-trust-node/testing';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from './__fixtures__/catalog';

// Reads and parses deploy/rbac.yaml and the kinds table; slow to start on a busy machine.
jest.setTimeout(30_000);

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** The rules of deploy/rbac.yaml, each with the namespace it is bound in (none: cluster-wide). */
function rbacRules(): { namespace?: string; rule: Rule }[] {
  const docs = parseAllDocuments(
    fs.readFileSync(path.join(repoRoot, 'deploy/rbac.yaml'), 'utf8'),
  ).map(d => d.toJS());
  return docs
    .filter(d => d.kind === 'ClusterRole' || d.kind === 'Role')
    .flatMap(d =>
      (d.rules as Rule[]).map(rule => ({
        namespace: d.metadata.namespace,
        rule,
      })),
    );
}

/** `/apis/apps/v1/deployments` or `/api/v1/namespaces/istio-system/configmaps`. */
function parse(requestPath: string) {
  const m =
    /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)$/.exec(
      requestPath,
    );
  if (!m) throw new Error(`unexpected request ${requestPath}`);
  return { group: m[1] ?? '', namespace: m[2], resource: m[3] };
}

describe('deploy/rbac.yaml', () => {
  it('grants get, list and watch on each watched kind of the kinds table, and nothing else', () => {
    const grants = (rules: { namespace?: string; rule: Rule }[]) =>
      rules
        .flatMap(({ namespace, rule }) =>
          rule.apiGroups.flatMap(group =>
            rule.resources.map(resource => ({
              group,
              resource,
              ...(namespace ? { namespace } : {}),
              ...(rule.resourceNames ? { names: rule.resourceNames } : {}),
              verbs: [...rule.verbs].sort(),
            })),
          ),
        )
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const expected = resourceKinds
      .filter(kind => kind.watched !== false)
      .flatMap(kind =>
        (kind.only ?? [undefined]).map(object => ({
          namespace: object?.namespace,
          rule: {
            apiGroups: [kind.group],
            resources: [kind.plural],
            verbs: ['get', 'list', 'watch'],
            ...(object ? { resourceNames: [object.name] } : {}),
          },
        })),
      );
    expect(grants(rbacRules())).toEqual(grants(expected));
  });

  it('grants exactly what the live source asks for, and never Secrets', async () => {
    const objects = await loadManifests(
      path.join(repoRoot, 'examples/clusters/backend'),
    );
    const server = await startTestApiServer({
      objects: objects.map(o => o.object),
    });
    const source = new LiveClusterSource(server.connection('backend'));
    try {
      await source.start();
      await source.waitForSync(10_000);
    } finally {
      await source.stop();
      await server.close();
    }

    const rules = rbacRules();
    const used = new Set<Rule>();
    for (const req of server.requests) {
      const { group, namespace, resource } = parse(req.path);
      const verb = req.query.watch === 'true' ? 'watch' : 'list';
      const name = /^metadata\.name=(.+)$/.exec(
        req.query.fieldSelector ?? '',
      )?.[1];
      const grant = rules.find(
        ({ namespace: ns, rule }) =>
          (!ns || ns === namespace) &&
          rule.apiGroups.includes(group) &&
          rule.resources.includes(resource) &&
          rule.verbs.includes(verb) &&
          (!rule.resourceNames || (name && rule.resourceNames.includes(name))),
      );
      expect({ request: `${verb} ${req.path}`, granted: !!grant }).toEqual({
        request: `${verb} ${req.path}`,
        granted: true,
      });
      used.add(grant!.rule);
    }
    // Nothing granted that the source does not use.
    expect(rules.filter(r => !used.has(r.rule))).toEqual([]);
    expect(rules.flatMap(r => r.rule.resources)).not.toContain('secrets');
  }, 20_000);
});
