/**
 * The few CRD checks Istio would apply to the fields the engine reads, so that an
 * object the API server or istiod would reject is reported and left out instead of
 * analysed as if it worked. Field names and enums follow istio/api
 * (security/v1beta1/authorization.proto, peer_authentication.proto,
 * networking/v1alpha3/destination_rule.proto) and the CRDs' CEL rules
 * (manifests/charts/base/files/crd-all.gen.yaml).
 */

type Json = Record<string, unknown>;

const authorizationSpecFields = [
  'selector',
  'targetRef',
  'targetRefs',
  'action',
  'provider',
  'rules',
];
const ruleFields = ['from', 'to', 'when'];
const sourceFields = [
  'principals',
  'notPrincipals',
  'requestPrincipals',
  'notRequestPrincipals',
  'namespaces',
  'notNamespaces',
  'ipBlocks',
  'notIpBlocks',
  'remoteIpBlocks',
  'notRemoteIpBlocks',
  'serviceAccounts',
  'notServiceAccounts',
  'trustDomains',
  'notTrustDomains',
];
const operationFields = [
  'hosts',
  'notHosts',
  'ports',
  'notPorts',
  'methods',
  'notMethods',
  'paths',
  'notPaths',
];
const conditionFields = ['key', 'values', 'notValues'];
const actions = ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'];

const peerAuthenticationSpecFields = [
  'selector',
  'targetRef',
  'targetRefs',
  'mtls',
  'portLevelMtls',
];
export const mtlsModes = ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT'];
export const clientTlsModes = ['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'];

// Condition keys from https://istio.io/latest/docs/reference/config/security/conditions/
const conditionKeyPatterns = [
  /^request\.headers\[[^\]]+\]$/,
  /^source\.(ip|namespace|principal|serviceAccount|trustDomain)$/,
  /^remote\.ip$/,
  /^request\.auth\.(principal|audiences|presenter)$/,
  /^request\.auth\.claims\[.+\]$/,
  /^destination\.(ip|port)$/,
  /^connection\.sni$/,
  /^request\.experimental\.regex\..+/,
  /^experimental\.envoy\.filters\..+/,
];

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownFields(
  value: Json,
  allowed: string[],
  where: string,
  errors: string[],
) {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) errors.push(`unknown field "${where}.${key}"`);
  }
}

function checkStringList(value: unknown, where: string, errors: string[]) {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some(v => typeof v !== 'string')) {
    errors.push(`"${where}" must be a list of strings`);
  }
}

function checkSelector(spec: Json, errors: string[]) {
  const selector = spec.selector;
  if (selector === undefined) return;
  if (!isObject(selector)) {
    errors.push('"spec.selector" must be an object');
    return;
  }
  unknownFields(selector, ['matchLabels'], 'spec.selector', errors);
  const labels = selector.matchLabels;
  if (labels !== undefined) {
    if (
      !isObject(labels) ||
      Object.values(labels).some(v => typeof v !== 'string')
    ) {
      errors.push(
        '"spec.selector.matchLabels" must map label names to strings',
      );
    }
  }
}

function checkTargetRefs(spec: Json, errors: string[]) {
  // CEL: "only one of targetRefs or selector can be set"
  if (
    spec.selector !== undefined &&
    (spec.targetRef !== undefined || spec.targetRefs !== undefined)
  ) {
    errors.push('only one of targetRefs or selector can be set');
  }
  if (spec.targetRef !== undefined && spec.targetRefs !== undefined) {
    errors.push('only one of targetRef or targetRefs can be set');
  }
}

function checkPorts(value: unknown, where: string, errors: string[]) {
  checkStringList(value, where, errors);
  if (!Array.isArray(value)) return;
  for (const port of value) {
    const n = Number(port);
    if (
      typeof port === 'string' &&
      (!/^\d+$/.test(port) || n < 1 || n > 65535)
    ) {
      errors.push(`"${where}" has an invalid port "${port}"`);
    }
  }
}

/** Errors Istio would report for an AuthorizationPolicy spec; empty when valid. */
export function validateAuthorizationPolicySpec(spec: unknown): string[] {
  const errors: string[] = [];
  if (spec === undefined || spec === null) return errors;
  if (!isObject(spec)) return ['"spec" must be an object'];
  unknownFields(spec, authorizationSpecFields, 'spec', errors);
  checkSelector(spec, errors);
  checkTargetRefs(spec, errors);
  const action = spec.action ?? 'ALLOW';
  if (typeof action !== 'string' || !actions.includes(action)) {
    errors.push(
      `"spec.action" must be one of ${actions.join(', ')}, not "${String(
        action,
      )}"`,
    );
  }
  if (action === 'CUSTOM' && !isObject(spec.provider)) {
    errors.push('a CUSTOM policy needs "spec.provider"');
  }
  if (action !== 'CUSTOM' && spec.provider !== undefined) {
    errors.push('"spec.provider" is only allowed with action CUSTOM');
  }
  if (spec.rules === undefined) return errors;
  if (!Array.isArray(spec.rules))
    return [...errors, '"spec.rules" must be a list'];
  spec.rules.forEach((rule, i) => {
    const at = `spec.rules[${i}]`;
    if (!isObject(rule)) {
      errors.push(`"${at}" must be an object`);
      return;
    }
    unknownFields(rule, ruleFields, at, errors);
    for (const [field, inner, allowed] of [
      ['from', 'source', sourceFields],
      ['to', 'operation', operationFields],
    ] as const) {
      const list = rule[field];
      if (list === undefined) continue;
      if (!Array.isArray(list)) {
        errors.push(`"${at}.${field}" must be a list`);
        continue;
      }
      list.forEach((item, j) => {
        const itemAt = `${at}.${field}[${j}]`;
        if (!isObject(item) || !isObject(item[inner])) {
          errors.push(`"${itemAt}" must have a "${inner}" object`);
          return;
        }
        unknownFields(item, [inner], itemAt, errors);
        const body = item[inner] as Json;
        unknownFields(body, allowed, `${itemAt}.${inner}`, errors);
        for (const key of allowed) {
          if (key === 'ports' || key === 'notPorts') {
            checkPorts(body[key], `${itemAt}.${inner}.${key}`, errors);
          } else {
            checkStringList(body[key], `${itemAt}.${inner}.${key}`, errors);
          }
        }
      });
    }
    if (rule.when !== undefined) {
      if (!Array.isArray(rule.when)) {
        errors.push(`"${at}.when" must be a list`);
        return;
      }
      rule.when.forEach((condition, j) => {
        const whenAt = `${at}.when[${j}]`;
        if (!isObject(condition) || typeof condition.key !== 'string') {
          errors.push(`"${whenAt}" must have a "key"`);
          return;
        }
        unknownFields(condition, conditionFields, whenAt, errors);
        if (!conditionKeyPatterns.some(p => p.test(condition.key as string))) {
          errors.push(
            `"${whenAt}.key" is not a supported key: "${condition.key}"`,
          );
        }
        checkStringList(condition.values, `${whenAt}.values`, errors);
        checkStringList(condition.notValues, `${whenAt}.notValues`, errors);
      });
    }
  });
  return errors;
}

function checkMode(value: unknown, where: string, errors: string[]) {
  if (!isObject(value)) {
    errors.push(`"${where}" must be an object`);
    return;
  }
  unknownFields(value, ['mode'], where, errors);
  if (value.mode !== undefined && !mtlsModes.includes(value.mode as string)) {
    errors.push(
      `"${where}.mode" must be one of ${mtlsModes.join(', ')}, not "${String(
        value.mode,
      )}"`,
    );
  }
}

/** Errors Istio would report for a PeerAuthentication spec; empty when valid. */
export function validatePeerAuthenticationSpec(spec: unknown): string[] {
  const errors: string[] = [];
  if (spec === undefined || spec === null) return errors;
  if (!isObject(spec)) return ['"spec" must be an object'];
  unknownFields(spec, peerAuthenticationSpecFields, 'spec', errors);
  checkSelector(spec, errors);
  checkTargetRefs(spec, errors);
  if (spec.mtls !== undefined) checkMode(spec.mtls, 'spec.mtls', errors);
  if (spec.portLevelMtls !== undefined) {
    if (!isObject(spec.portLevelMtls)) {
      errors.push('"spec.portLevelMtls" must map ports to modes');
    } else {
      // CEL: "portLevelMtls requires selector"
      if (
        spec.selector === undefined &&
        spec.targetRef === undefined &&
        spec.targetRefs === undefined
      ) {
        errors.push('portLevelMtls requires selector');
      }
      for (const [port, mode] of Object.entries(spec.portLevelMtls)) {
        const n = Number(port);
        if (!Number.isInteger(n) || n < 1 || n > 65535) {
          errors.push(`"spec.portLevelMtls" has an invalid port "${port}"`);
        }
        checkMode(mode, `spec.portLevelMtls.${port}`, errors);
      }
    }
  }
  return errors;
}

function checkTls(value: unknown, where: string, errors: string[]) {
  if (value === undefined) return;
  if (!isObject(value)) {
    errors.push(`"${where}" must be an object`);
    return;
  }
  if (
    value.mode !== undefined &&
    !clientTlsModes.includes(value.mode as string)
  ) {
    errors.push(
      `"${where}.mode" must be one of ${clientTlsModes.join(
        ', ',
      )}, not "${String(value.mode)}"`,
    );
  }
}

/** Errors Istio would report for the DestinationRule fields the engine reads. */
export function validateDestinationRuleSpec(spec: unknown): string[] {
  const errors: string[] = [];
  if (!isObject(spec)) return ['"spec" must be an object'];
  if (typeof spec.host !== 'string' || spec.host === '') {
    errors.push('"spec.host" is required');
  }
  const policy = spec.trafficPolicy;
  if (policy !== undefined) {
    if (!isObject(policy))
      return [...errors, '"spec.trafficPolicy" must be an object'];
    checkTls(policy.tls, 'spec.trafficPolicy.tls', errors);
    const portLevel = policy.portLevelSettings;
    if (portLevel !== undefined) {
      if (!Array.isArray(portLevel)) {
        errors.push('"spec.trafficPolicy.portLevelSettings" must be a list');
      } else {
        portLevel.forEach((setting, i) =>
          checkTls(
            isObject(setting) ? setting.tls : undefined,
            `spec.trafficPolicy.portLevelSettings[${i}].tls`,
            errors,
          ),
        );
      }
    }
  }
  return errors;
}
