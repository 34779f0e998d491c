import path from 'node:path';
import {
  Finding,
  FindingCode,
  Severity,
  SourcedObject,
  findingCatalogue,
} from '@zero-trust/backstage-plugin-zero-trust-common';

type Json = Record<string, any>;

// GitHub code scanning sorts by `security-severity` (0-10) and shows `level`
// (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning#reportingdescriptor-object).
const levels: Record<Severity, { level: string; score: string }> = {
  high: { level: 'error', score: '8.0' },
  medium: { level: 'warning', score: '5.0' },
  low: { level: 'note', score: '2.0' },
};

/** Where each object came from, by cluster, kind, namespace and name. */
export function sourceIndex(
  objects: Map<string, SourcedObject[]>,
): Map<string, SourcedObject> {
  const index = new Map<string, SourcedObject>();
  for (const [cluster, list] of objects) {
    for (const o of list) {
      const obj = o.object as Json;
      if (!o.file || typeof obj?.kind !== 'string') continue;
      const k = [
        cluster,
        obj.kind,
        obj.metadata?.namespace ?? (obj.kind === 'Namespace' ? '' : 'default'),
        obj.metadata?.name,
      ].join('|');
      if (!index.has(k)) index.set(k, o);
    }
  }
  return index;
}

/** A file as the repository names it: relative to the working folder, `/`-separated. */
function uri(file: string): string {
  const relative = path.isAbsolute(file)
    ? path.relative(process.cwd(), file)
    : file;
  return relative.split(path.sep).join('/');
}

/**
 * Findings as SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html),
 * each with the file and line of the object it concerns where that object was read from
 * a file, so that code scanning shows it on the pull request.
 */
export function findingsToSarif(
  findings: Finding[],
  sources: Map<string, SourcedObject>,
): Json {
  const codes = [...new Set(findings.map(f => f.code))].sort();
  const rules = codes.map(code => {
    const d = findingCatalogue[code as FindingCode];
    return {
      id: code,
      name: d.title.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string) =>
        c ? c.toUpperCase() : '',
      ),
      shortDescription: { text: d.title },
      help: { text: d.remediation },
      helpUri: d.docs,
      defaultConfiguration: { level: levels[d.severity].level },
      properties: {
        tags: ['security', 'istio', ...d.controls],
        'security-severity': levels[d.severity].score,
      },
    };
  });
  const results = findings.map(f => {
    const r = f.resource;
    const source = sources.get(
      [
        r.cluster,
        r.kind,
        r.namespace ?? (r.kind === 'Namespace' ? '' : 'default'),
        r.name,
      ].join('|'),
    );
    const logical = {
      fullyQualifiedName: `${r.cluster}/${r.kind}/${
        r.namespace ? `${r.namespace}/` : ''
      }${r.name}`,
      kind: 'resource',
    };
    return {
      ruleId: f.code,
      ruleIndex: codes.indexOf(f.code),
      level: levels[f.severity].level,
      message: { text: `${f.message} Fix: ${f.remediation}` },
      locations: [
        {
          ...(source?.file
            ? {
                physicalLocation: {
                  artifactLocation: { uri: uri(source.file) },
                  region: { startLine: source.line ?? 1 },
                },
              }
            : {}),
          logicalLocations: [logical],
        },
      ],
    };
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'zero-trust',
            rules,
          },
        },
        results,
      },
    ],
  };
}
