import { parsePrincipal } from '../engine/identity';
import {
  MeshModel,
  UnknownReferenceError,
  WorkloadModel,
} from '../engine/MeshModel';
import { CallerRule } from './manifests';
import { Planner } from './Planner';
import { isHttp } from './resolveTarget';
import {
  OnboardingCaller,
  OnboardingRequest,
  ResolvedOnboardingPort,
} from './types';

const entityRefMessage =
  'entityRef callers need Backstage; use workload, principal or namespace (Backstage resolves an entityRef through the catalog before planning)';

/** A caller's source in the ALLOW rule, or undefined where it resolves to nothing. */
function callerSource(
  p: Planner,
  model: MeshModel,
  caller: OnboardingCaller,
  path: string,
): Pick<CallerRule, 'principals' | 'namespaces'> | undefined {
  if ('entityRef' in caller) {
    p.issue({ path: `${path}.entityRef`, message: entityRefMessage });
    return undefined;
  }
  if ('workload' in caller) {
    const parts = caller.workload.split('/');
    if (parts.length === 3 && !model.cluster(parts[0])) {
      p.issue({
        path: `${path}.workload`,
        message: `no cluster "${parts[0]}" (clusters: ${model.clusters
          .map(c => c.name)
          .join(', ')})`,
      });
      return undefined;
    }
    let workload: WorkloadModel;
    try {
      workload = model.resolveWorkload(caller.workload);
    } catch (e) {
      if (!(e instanceof UnknownReferenceError)) throw e;
      p.issue({ path: `${path}.workload`, message: e.message });
      return undefined;
    }
    if (!workload.inMesh) {
      p.note(
        `Caller ${workload.id} is outside the mesh (${workload.membership.reason}): it has no identity to present, so it is denied until it joins.`,
      );
    }
    // Its identity in its own cluster's trust domain, as its certificate carries it.
    return { principals: [workload.principal] };
  }
  if ('principal' in caller) {
    if (model.workloadsWithPrincipal(caller.principal).length === 0) {
      const parsed = parsePrincipal(caller.principal);
      p.note(
        `No known workload presents ${caller.principal}${
          parsed ? ` (trust domain ${parsed.trustDomain})` : ''
        }; the rule admits it once one does.`,
      );
    }
    return { principals: [caller.principal] };
  }
  if (!model.clusters.some(c => c.hasNamespace(caller.namespace))) {
    p.note(
      `No cluster has a namespace ${caller.namespace} yet; the rule admits its workloads once they exist.`,
    );
  }
  return { namespaces: [caller.namespace] };
}

export function callerRules(
  p: Planner,
  model: MeshModel,
  request: OnboardingRequest,
  ports: ResolvedOnboardingPort[],
): CallerRule[] {
  const rules: CallerRule[] = [];
  request.allowedCallers.forEach((caller, i) => {
    const path = `allowedCallers[${i}]`;
    const source = callerSource(p, model, caller, path);
    const rulePorts = caller.ports ?? ports.map(port => port.port);
    // A rule on a port the workload does not serve admits nobody: refused, not written.
    if (ports.length) {
      caller.ports?.forEach((n, j) => {
        if (ports.some(port => port.port === n)) return;
        p.issue({
          path: `${path}.ports[${j}]`,
          message: `${n} is not a port ${
            request.service
          } serves (its target ports: ${ports
            .map(port => port.port)
            .join(', ')}); a rule for it would admit nobody`,
        });
      });
    }
    const httpFields = caller.methods || caller.paths;
    if (httpFields) {
      const protocols = rulePorts.map(
        n => ports.find(port => port.port === n)?.protocol,
      );
      // An ALLOW rule with HTTP fields is ignored on a TCP port
      // (https://istio.io/latest/docs/ops/configuration/security/security-policy-examples/),
      // so a caller narrowed that way on TCP ports only could never get in.
      if (protocols.length && protocols.every(pr => pr && !isHttp(pr))) {
        p.issue({
          path: `${path}.${caller.methods ? 'methods' : 'paths'}`,
          message: `port${rulePorts.length > 1 ? 's' : ''} ${rulePorts.join(
            ', ',
          )} ${
            rulePorts.length > 1 ? 'are' : 'is'
          } TCP or TLS, where Istio ignores an ALLOW rule with methods or paths; leave them out, or use an HTTP port`,
        });
      }
    }
    if (!source) return;
    rules.push({
      ...source,
      ports: rulePorts,
      ...(caller.methods ? { methods: caller.methods } : {}),
      ...(caller.paths ? { paths: caller.paths } : {}),
    });
  });
  return rules;
}
