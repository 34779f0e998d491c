/**
 * The checks Istio applies before an object takes effect, so that an object the API
 * server or istiod would reject is reported and left out instead of analysed as if it
 * worked:
 * - the OpenAPI schemas of Istio's own CRDs (`istioCrds/schemas.json`, extracted from a
 *   named release's manifests/charts/base/files/crd-all.gen.yaml by
 *   scripts/extractIstioCrdSchemas.ts), checked with ajv: field names, types, enums;
 * - the CRDs' CEL rules (`x-kubernetes-validations`), which no JSON Schema validator
 *   runs, as code below, each quoting its rule;
 * - the few checks of istiod's validating webhook (ValidateAuthorizationPolicy in
 *   pkg/config/validation/validation.go) that decide whether a policy means anything.
 */
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { isObject } from '../kinds/fields';
import crds from './istioCrds/schemas.json';

type Json = Record<string, unknown>;

/** The Istio release the schemas come from. */
export const istioSchemaRelease: string = crds.istio;

export const mtlsModes = ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT'];
export const clientTlsModes = ['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'];

/**
 * The API server rejects a field its structural schema does not declare (kubectl's
 * strict field validation), unless the schema preserves unknown fields: the same as
 * `additionalProperties: false` on every object that lists its properties.
 */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (!isObject(schema)) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) out[key] = closed(value);
  if (
    isObject(schema.properties) &&
    schema.additionalProperties === undefined &&
    schema['x-kubernetes-preserve-unknown-fields'] !== true
  ) {
    out.additionalProperties = false;
  }
  return out;
}

// The schemas use Kubernetes' own keywords and formats (int32, ...): ajv ignores them.
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
const validators = new Map<string, ValidateFunction>();

function validatorFor(kind: keyof typeof crds.kinds): ValidateFunction {
  let v = validators.get(kind);
  if (!v) {
    v = ajv.compile(closed(crds.kinds[kind].spec) as object);
    validators.set(kind, v);
  }
  return v;
}

/** `/rules/0/from` as `spec.rules[0].from` (array indexes in brackets, map keys dotted). */
function fieldPath(spec: unknown, pointer: string): string {
  let out = 'spec';
  let node: unknown = spec;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += Array.isArray(node) ? `[${segment}]` : `.${segment}`;
    node =
      isObject(node) || Array.isArray(node)
        ? (node as any)[segment]
        : undefined;
  }
  return out;
}

function describe(spec: unknown, e: ErrorObject): string {
  const at = fieldPath(spec, e.instancePath);
  switch (e.keyword) {
    case 'additionalProperties':
      return `unknown field "${at}.${e.params.additionalProperty}"`;
    case 'enum':
      return `"${at}" must be one of ${(
        e.params.allowedValues as unknown[]
      ).join(', ')}, not "${String(fieldValue(spec, e.instancePath))}"`;
    case 'required':
      return `"${at}.${e.params.missingProperty}" is required`;
    case 'type':
      return `"${at}" must be ${
        Array.isArray(e.params.type)
          ? e.params.type.join(' or ')
          : e.params.type
      }`;
    default:
      return `"${at}" ${e.message}`;
  }
}

function fieldValue(spec: unknown, pointer: string): unknown {
  let node: unknown = spec;
  for (const segment of pointer.split('/').slice(1)) {
    node =
      isObject(node) || Array.isArray(node)
        ? (node as any)[segment]
        : undefined;
  }
  return node;
}

/** The schema errors, without the noise of the alternatives inside a oneOf or anyOf. */
function schemaErrors(kind: keyof typeof crds.kinds, spec: unknown): string[] {
  const validate = validatorFor(kind);
  if (validate(spec)) return [];
  const errors = (validate.errors ?? []).filter(
    e => !/\/(oneOf|anyOf)\/\d+\//.test(e.schemaPath),
  );
  return [...new Set(errors.map(e => describe(spec, e)))];
}

// ---------------------------------------------------------------------------
// The CRDs' CEL rules, as code.

/**
 * `selector.matchLabels` (and DestinationRule's `workloadSelector.matchLabels`):
 * "self.all(key, key.size() != 0)", "self.all(key, !key.contains("*"))" and, on each
 * value, "!self.contains("*")".
 */
function checkMatchLabels(selector: unknown, where: string, errors: string[]) {
  const labels = isObject(selector) ? selector.matchLabels : undefined;
  if (!isObject(labels)) return;
  for (const [key, value] of Object.entries(labels)) {
    if (key.length === 0)
      errors.push(`"${where}.matchLabels": key must not be empty`);
    if (key.includes('*')) {
      errors.push(
        `"${where}.matchLabels": wildcard not allowed in label key match`,
      );
    }
    if (typeof value === 'string' && value.includes('*')) {
      errors.push(
        `"${where}.matchLabels.${key}": wildcard not allowed in label value match`,
      );
    }
  }
}

// The keys security.ValidateAttribute accepts (pilot/pkg/security/authz/model/model.go's
// attributes; https://istio.io/latest/docs/reference/config/security/conditions/).
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

/** AuthorizationPolicy spec: CEL rules, then istiod's webhook. */
function authorizationPolicyRules(spec: Json, errors: string[]) {
  // "(has(self.selector) ? 1 : 0) + (has(self.targetRef) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1"
  const set = ['selector', 'targetRef', 'targetRefs'].filter(
    k => spec[k] !== undefined,
  );
  if (set.length > 1)
    errors.push('only one of targetRefs or selector can be set');
  checkMatchLabels(spec.selector, 'spec.selector', errors);
  // targetRef(s).namespace: "self.size() == 0"
  const refs = [
    ...(isObject(spec.targetRef) ? [spec.targetRef] : []),
    ...(Array.isArray(spec.targetRefs) ? spec.targetRefs.filter(isObject) : []),
  ];
  if (
    refs.some(r => typeof r.namespace === 'string' && r.namespace.length > 0)
  ) {
    errors.push('cross namespace referencing is not currently supported');
  }
  const rules = Array.isArray(spec.rules) ? spec.rules : [];
  rules.forEach((rule, i) => {
    if (!isObject(rule)) return;
    (Array.isArray(rule.from) ? rule.from : []).forEach((from, j) => {
      const source = isObject(from) ? from.source : undefined;
      // ValidateAuthorizationPolicy: "`from.source` must not be nil".
      if (!isObject(source)) {
        errors.push(
          `"spec.rules[${i}].from[${j}]" must have a "source" object`,
        );
        return;
      }
      // "(has(self.serviceAccounts) || has(self.notServiceAccounts)) ? (!has(self.principals)
      // && !has(self.notPrincipals) && !has(self.namespaces) && !has(self.notNamespaces)) : true"
      if (
        (source.serviceAccounts !== undefined ||
          source.notServiceAccounts !== undefined) &&
        ['principals', 'notPrincipals', 'namespaces', 'notNamespaces'].some(
          k => source[k] !== undefined,
        )
      ) {
        errors.push(
          `"spec.rules[${i}].from[${j}].source": Cannot set serviceAccounts with namespaces or principals`,
        );
      }
    });
    (Array.isArray(rule.to) ? rule.to : []).forEach((to, j) => {
      const operation = isObject(to) ? to.operation : undefined;
      if (!isObject(operation)) {
        errors.push(
          `"spec.rules[${i}].to[${j}]" must have an "operation" object`,
        );
        return;
      }
      // security.ValidatePorts: each port a number in 1-65535.
      for (const key of ['ports', 'notPorts']) {
        const ports = operation[key];
        for (const port of Array.isArray(ports) ? ports : []) {
          const n = Number(port);
          if (
            typeof port === 'string' &&
            (!/^\d+$/.test(port) || n < 1 || n > 65535)
          ) {
            errors.push(
              `"spec.rules[${i}].to[${j}].operation.${key}" has an invalid port "${port}"`,
            );
          }
        }
      }
    });
    (Array.isArray(rule.when) ? rule.when : []).forEach((condition, j) => {
      if (!isObject(condition) || typeof condition.key !== 'string') return;
      if (!conditionKeyPatterns.some(p => p.test(condition.key as string))) {
        errors.push(
          `"spec.rules[${i}].when[${j}].key" is not a supported key: "${condition.key}"`,
        );
      }
    });
  });
  // ValidateAuthorizationPolicy: a CUSTOM policy names its provider; only it may.
  const action = spec.action ?? 'ALLOW';
  const provider = isObject(spec.provider) ? spec.provider.name : undefined;
  if (action === 'CUSTOM' && spec.rules !== undefined && !provider) {
    errors.push('a CUSTOM policy needs "spec.provider"');
  }
  if (action !== 'CUSTOM' && spec.provider !== undefined) {
    errors.push('"spec.provider" is only allowed with action CUSTOM');
  }
}

/** PeerAuthentication spec: its CEL rules. */
function peerAuthenticationRules(spec: Json, errors: string[]) {
  checkMatchLabels(spec.selector, 'spec.selector', errors);
  if (spec.portLevelMtls === undefined) return;
  // "has(self.portLevelMtls) ? (((has(self.selector) && has(self.selector.matchLabels)) ?
  // self.selector.matchLabels : {}).size() > 0) : true"
  const labels = isObject(spec.selector)
    ? spec.selector.matchLabels
    : undefined;
  if (!isObject(labels) || Object.keys(labels).length === 0) {
    errors.push('portLevelMtls requires selector');
  }
  // portLevelMtls: "self.all(key, 0 < int(key) && int(key) <= 65535)"
  if (isObject(spec.portLevelMtls)) {
    for (const port of Object.keys(spec.portLevelMtls)) {
      const n = Number(port);
      if (!/^\d+$/.test(port) || n < 1 || n > 65535) {
        errors.push(
          `"spec.portLevelMtls" has an invalid port "${port}": port must be between 1-65535`,
        );
      }
    }
  }
}

function checked(
  kind: keyof typeof crds.kinds,
  spec: unknown,
  rules: (spec: Json, errors: string[]) => void,
): string[] {
  if (!isObject(spec)) return ['"spec" must be an object'];
  const errors = schemaErrors(kind, spec);
  rules(spec, errors);
  return errors;
}

/** Errors Istio would report for an AuthorizationPolicy spec; empty when valid. */
export function validateAuthorizationPolicySpec(spec: unknown): string[] {
  if (spec === undefined || spec === null) return [];
  return checked(
    'security.istio.io/AuthorizationPolicy',
    spec,
    authorizationPolicyRules,
  );
}

/** Errors Istio would report for a PeerAuthentication spec; empty when valid. */
export function validatePeerAuthenticationSpec(spec: unknown): string[] {
  if (spec === undefined || spec === null) return [];
  return checked(
    'security.istio.io/PeerAuthentication',
    spec,
    peerAuthenticationRules,
  );
}

/** Errors Istio would report for a DestinationRule spec; empty when valid. */
export function validateDestinationRuleSpec(spec: unknown): string[] {
  return checked('networking.istio.io/DestinationRule', spec, (s, errors) =>
    checkMatchLabels(s.workloadSelector, 'spec.workloadSelector', errors),
  );
}
