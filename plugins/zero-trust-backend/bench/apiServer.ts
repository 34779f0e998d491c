/**
 * The benchmark's API server: the test Kubernetes API server holding a synthetic mesh,
 * run in its own process so that the benchmark's memory figures are the backend's alone.
 * An optional second argument names its trust domain (default the generator's
 * `cluster.local`). It answers the parent's messages: `apply` (an object), `requests` (how many it served).
 */
import { startTestApiServer } from '@zero-trust/backstage-plugin-zero-trust-node/testing';
// The engine benchmark's generator, so both benchmarks measure the same meshes; it is a
// benchmark helper, not part of the common package's API.
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import { generateMesh } from '@zero-trust/backstage-plugin-zero-trust-common/bench/generateMesh';

/**
 * The mesh as a cluster of another trust domain would hold it (`--clusters`: each cluster
 * its own, so the same workloads have other identities): the mesh config's `trustDomain`
 * and every principal, which the generator writes as `cluster.local/ns/...`. Service
 * hosts (`*.svc.cluster.local`) are DNS names, not the trust domain, and stay.
 */
function inTrustDomain(objects: unknown[], trustDomain?: string): unknown[] {
  if (!trustDomain) return objects;
  return JSON.parse(
    JSON.stringify(objects)
      .replaceAll('"cluster.local/', `"${trustDomain}/`)
      .replaceAll(
        'trustDomain: cluster.local\\n',
        `trustDomain: ${trustDomain}\\n`,
      ),
  );
}

async function main() {
  const workloads = Number(process.argv[2] ?? 10_000);
  const mesh = generateMesh({ workloads, policiesPerWorkload: 2, seed: 7 });
  const server = await startTestApiServer({
    objects: inTrustDomain(
      mesh.objects.map(o => o.object),
      process.argv[3],
    ),
  });
  const policies = mesh.objects.filter(
    o => (o.object as { kind?: string }).kind === 'AuthorizationPolicy',
  ).length;
  process.on('message', (message: { type: string; object?: unknown }) => {
    if (message.type === 'apply') {
      server.apply(message.object);
      process.send!({ type: 'applied' });
    } else if (message.type === 'requests') {
      process.send!({ type: 'requests', count: server.requestCount });
    } else if (message.type === 'close') {
      server.close().then(() => process.exit(0));
    }
  });
  process.send!({
    type: 'ready',
    connection: server.connection('bench'),
    workloads: mesh.workloads,
    policies,
  });
}

main().catch(error => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
