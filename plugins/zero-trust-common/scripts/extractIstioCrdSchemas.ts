/**
 * Keeps the OpenAPI schemas of the Istio CRDs the engine reads, from the
 * `crd-all.gen.yaml` of a named Istio release, as data the schema check validates with:
 *
 *   git -C ISTIO show REF:manifests/charts/base/files/crd-all.gen.yaml > crd-all.gen.yaml
 *   yarn schemas:istio crd-all.gen.yaml "1.31.0-rc.0 (release-1.31 a8d7012191eb)"
 *   yarn prettier --write src/model/istioCrds/schemas.json
 *
 * Only `spec` of each served version is kept; where every version has the same schema
 * (Istio generates them from one proto), it is kept once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

const kinds = [
  'security.istio.io/AuthorizationPolicy',
  'security.istio.io/PeerAuthentication',
  'networking.istio.io/DestinationRule',
];

function main([file, release]: string[]) {
  if (!file || !release) {
    throw new Error('usage: extractIstioCrdSchemas CRD_ALL_YAML RELEASE');
  }
  const out: Record<string, unknown> = {};
  for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
    const crd = doc.toJS();
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    const key = `${crd.spec.group}/${crd.spec.names.kind}`;
    if (!kinds.includes(key)) continue;
    const versions: Record<string, unknown> = {};
    for (const v of crd.spec.versions) {
      if (!v.served) continue;
      versions[v.name] = v.schema.openAPIV3Schema.properties.spec;
    }
    const schemas = Object.values(versions).map(s => JSON.stringify(s));
    const same = schemas.every(s => s === schemas[0]);
    out[key] = same
      ? { versions: Object.keys(versions), spec: Object.values(versions)[0] }
      : { versions: Object.keys(versions), specByVersion: versions };
  }
  const missing = kinds.filter(k => !out[k]);
  if (missing.length) throw new Error(`not in ${file}: ${missing.join(', ')}`);
  const target = path.resolve(__dirname, '../src/model/istioCrds/schemas.json');
  fs.writeFileSync(
    target,
    `${JSON.stringify({ istio: release, kinds: out }, null, 2)}\n`,
  );
  process.stdout.write(`wrote ${target}\n`);
}

main(process.argv.slice(2));
