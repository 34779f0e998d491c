import {
  OnboardingCaller,
  OnboardingRequestError,
  parseOnboardingRequest,
} from '@zero-trust/backstage-plugin-zero-trust-common';

/** What kind of caller it is, and the value that names it. */
export function callerKind(caller: OnboardingCaller): {
  kind: 'entityRef' | 'principal' | 'namespace' | 'workload';
  value: string;
} {
  if ('entityRef' in caller)
    return { kind: 'entityRef', value: caller.entityRef };
  if ('principal' in caller)
    return { kind: 'principal', value: caller.principal };
  if ('namespace' in caller)
    return { kind: 'namespace', value: caller.namespace };
  return { kind: 'workload', value: caller.workload };
}

const kindNames = {
  entityRef: 'an entity reference',
  principal: 'a principal',
  namespace: 'a namespace',
  workload: 'a workload',
};

/** A caller as a chip shows it. */
export function callerLabel(caller: OnboardingCaller): string {
  const { kind, value } = callerKind(caller);
  switch (kind) {
    case 'namespace':
      return `any workload in namespace ${value}`;
    case 'workload':
      return `workload ${value}`;
    default:
      return value;
  }
}

/** Two callers name the same source (narrowing aside). */
export function sameCaller(a: OnboardingCaller, b: OnboardingCaller): boolean {
  const x = callerKind(a);
  const y = callerKind(b);
  return x.kind === y.kind && x.value === y.value;
}

/**
 * Why these callers are not valid, per caller index, by the same validator the backend,
 * the CLI and the scaffolder action run (so the form refuses exactly what they would).
 */
export function callerProblems(callers: OnboardingCaller[]): string[] {
  try {
    parseOnboardingRequest({
      service: 'caller-check',
      namespace: 'caller-check',
      allowedCallers: callers,
    });
    return [];
  } catch (error) {
    if (!(error instanceof OnboardingRequestError)) throw error;
    return error.issues
      .filter(i => i.path.startsWith('allowedCallers'))
      .map(
        i => `${i.path.replace(/^allowedCallers/, 'caller ')}: ${i.message}`,
      );
  }
}

/**
 * Reads what a user typed as a caller: a SPIFFE ID or principal
 * (`TRUST_DOMAIN/ns/NS/sa/SA`), `namespace:NAME` or a bare namespace name, a workload
 * (`NAMESPACE/NAME`, `CLUSTER/NAMESPACE/NAME`), or an entity reference (`kind:ns/name`).
 * Returns the caller, or why the text is none of these.
 */
export function parseCallerText(
  text: string,
): { caller: OnboardingCaller } | { error: string } {
  const t = text.trim();
  let caller: OnboardingCaller;
  if (t.startsWith('spiffe://')) {
    caller = { principal: t.slice('spiffe://'.length) };
  } else if (/^[^/]+\/ns\/[^/]+\/sa\/[^/]+$/.test(t)) {
    caller = { principal: t };
  } else if (t.startsWith('namespace:')) {
    caller = { namespace: t.slice('namespace:'.length) };
  } else if (/^[a-z][a-z0-9-]*:/i.test(t)) {
    caller = { entityRef: t };
  } else if (t.includes('/')) {
    caller = { workload: t };
  } else {
    caller = { namespace: t };
  }
  const [problem] = callerProblems([caller]);
  if (problem) {
    const { kind } = callerKind(caller);
    return {
      error: `"${t}" read as ${kindNames[kind]}: ${problem.replace(
        /^caller \[0\]\.\w+: /,
        '',
      )}`,
    };
  }
  return { caller };
}
