/**
 * Kubernetes name and label syntax
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/ and
 * .../labels/#syntax-and-character-set). Anything that passes is safe to place in YAML
 * as a plain scalar and in Markdown after escaping: no spaces, quotes or control
 * characters can get through.
 */

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const labelName = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Why a value is not a DNS-1123 label, or undefined when it is one. */
export function dnsLabelProblem(value: string): string | undefined {
  if (value.length > 63 || !dns1123Label.test(value)) {
    return 'must be a DNS-1123 label: at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit';
  }
  return undefined;
}

/** Why a value is not a DNS-1123 subdomain (a Deployment's name may have dots). */
export function dnsSubdomainProblem(value: string): string | undefined {
  if (value.length > 253 || !dns1123Subdomain.test(value)) {
    return 'must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit';
  }
  return undefined;
}

/** Why a value is not a label key (`[prefix/]name`). */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const bad =
    name.length === 0 ||
    name.length > 63 ||
    !labelName.test(name) ||
    (prefix !== undefined && dnsSubdomainProblem(prefix) !== undefined);
  return bad
    ? 'must be a label key: an optional DNS subdomain prefix and "/", then at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit'
    : undefined;
}

/** Why a value is not a label value (empty is allowed). */
export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  return value.length > 63 || !labelName.test(value)
    ? 'must be a label value: at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit'
    : undefined;
}
