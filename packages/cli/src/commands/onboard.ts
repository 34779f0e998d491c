import { promises as fs } from 'node:fs';
import {
  OnboardingRequest,
  OnboardingRequestError,
  parseOnboardingRequest,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import {
  GitopsLayout,
  onboardRepository,
} from '@zero-trust/backstage-plugin-zero-trust-node';
import { parseCommandArgs } from '../args';
import { UsageError, exitCodes } from '../errors';
import { CliIo } from '../io';
import { readJsonFile } from '../jsonFile';

export const onboardUsage = `Usage:
  zero-trust onboard --repo DIR --request FILE.json [--dry-run] [--cluster NAME]
                     [--layout-namespace-file TEMPLATE] [--layout-service-dir TEMPLATE]
                     [--repo-url URL]

Writes a service's onboarding into a GitOps checkout (a folder or a git work tree;
no commit, no push): the namespace's injection label, set on the repository's own
Namespace manifest, the DestinationRule, the PeerAuthentication where needed, the
ALLOW AuthorizationPolicy with one rule per caller and the namespace's allow-nothing
policy; with "egress", a ServiceEntry per external host (exported to the namespace
only); with "traffic", a VirtualService with the timeout and retries and the
DestinationRule's outlier detection; each new file listed in the nearest
kustomization.yaml. Existing YAML is
edited in place: comments and key order are kept. Prints the changed files; with
--dry-run, prints them and the diff, and writes nothing. Running it again changes
nothing.

The request is the scaffolder action's input; every field is in
plugins/zero-trust-common/README.md ("The onboarding request"):
  { "service": "ratings", "namespace": "bookinfo",
    "allowedCallers": [ { "workload": "bookinfo/productpage", "methods": ["GET"] } ],
    "egress": [ { "host": "api.stripe.com", "ports": [443], "protocol": "TLS" } ],
    "traffic": { "timeout": "30s", "retries": { "attempts": 3, "perTryTimeout": "10s",
                 "retryOn": "5xx,reset,connect-failure" } } }

Options:
  --repo DIR                        the GitOps checkout; each folder under clusters/
                                    is a cluster, else the whole folder is one
  --request FILE.json               the onboarding request
  --dry-run                         print the change and its diff, write nothing
  --cluster NAME                    the cluster, where the request names none
  --layout-namespace-file TEMPLATE  where a new Namespace goes (default
                                    clusters/{cluster}/namespaces/{namespace}/namespace.yaml)
  --layout-service-dir TEMPLATE     where the service's files go (default
                                    clusters/{cluster}/namespaces/{namespace}/{service}/)
  --repo-url URL                    another URL the checkout is known by (repeatable):
                                    Argo CD Applications and Flux Kustomizations whose
                                    source is it, or the checkout's origin remote, are
                                    followed to their paths
`;

async function readRequest(file: string): Promise<OnboardingRequest> {
  const input = await readJsonFile(file);
  try {
    return parseOnboardingRequest(input);
  } catch (e) {
    if (e instanceof OnboardingRequestError) {
      throw new UsageError(`${file}: ${e.message}`);
    }
    throw e;
  }
}

export async function runOnboard(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    repo: { type: 'string' },
    request: { type: 'string' },
    'dry-run': { type: 'boolean' },
    cluster: { type: 'string' },
    'layout-namespace-file': { type: 'string' },
    'layout-service-dir': { type: 'string' },
    'repo-url': { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(onboardUsage);
    return exitCodes.ok;
  }
  if (positionals.length) {
    throw new UsageError(
      `onboard takes no positional argument (got "${positionals[0]}"); use --repo DIR --request FILE.json`,
    );
  }
  if (!values.repo) throw new UsageError('--repo DIR is required');
  if (!values.request) throw new UsageError('--request FILE.json is required');

  const layout: GitopsLayout = {
    ...(values['layout-namespace-file'] !== undefined
      ? { namespaceFile: values['layout-namespace-file'] }
      : {}),
    ...(values['layout-service-dir'] !== undefined
      ? { serviceDir: values['layout-service-dir'] }
      : {}),
  };
  const repoIsDir = await fs
    .stat(values.repo)
    .then(s => s.isDirectory())
    .catch(() => false);
  if (!repoIsDir) throw new UsageError(`--repo ${values.repo}: no such folder`);

  let request = await readRequest(values.request);
  if (values.cluster) {
    if (request.cluster && request.cluster !== values.cluster) {
      throw new UsageError(
        `--cluster ${values.cluster} contradicts the request's cluster "${request.cluster}"`,
      );
    }
    request = { ...request, cluster: values.cluster };
  }

  let result;
  try {
    result = await onboardRepository({
      root: values.repo,
      request,
      layout,
      dryRun: values['dry-run'] === true,
      ...(values['repo-url']?.length ? { repoUrls: values['repo-url'] } : {}),
    });
  } catch (e) {
    if (!(e instanceof OnboardingRequestError)) throw e;
    // onboardRepository checks the layout before it reads anything: named as the flags.
    const flags: Record<string, string> = {
      'layout.namespaceFile': '--layout-namespace-file',
      'layout.serviceDir': '--layout-service-dir',
    };
    if (e.issues.every(i => i.path in flags)) {
      throw new UsageError(
        e.issues.map(i => `${flags[i.path]}: ${i.message}`).join('; '),
      );
    }
    throw new UsageError(`${values.request}: ${e.message}`);
  }

  for (const note of result.plan.notes) io.stderr(`note: ${note}\n`);
  if (!result.changes.length) {
    io.stderr(
      'zero-trust onboard: nothing to change: the repository already holds this onboarding\n',
    );
    return exitCodes.ok;
  }
  for (const c of result.changes) io.stdout(`${c.action} ${c.path}\n`);
  if (values['dry-run']) {
    io.stdout(`\n${result.diff}`);
    io.stderr('zero-trust onboard: dry run: nothing was written\n');
  }
  return exitCodes.ok;
}
