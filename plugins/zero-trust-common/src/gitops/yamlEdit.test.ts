import { parseAllDocuments } from 'yaml';
import {
  YamlEditError,
  appendToSequence,
  removeMapEntry,
  replaceMapValue,
  setMapEntries,
} from './yamlEdit';

const labels = ['metadata', 'labels'];

describe('setMapEntries', () => {
  it('adds an entry after the last one of a block map, trailing comment and all', () => {
    const text =
      'kind: Namespace\nmetadata:\n  name: shop\n  labels:\n    team: shop # owner\n    # retired: yes\nspec: {}\n';
    expect(
      setMapEntries(text, 0, labels, { 'istio-injection': 'enabled' }),
    ).toBe(
      'kind: Namespace\nmetadata:\n  name: shop\n  labels:\n    team: shop # owner\n    istio-injection: enabled\n    # retired: yes\nspec: {}\n',
    );
  });

  it('replaces a differing value in place, keeping its quotes', () => {
    const text = "metadata:\n  labels:\n    istio.io/rev: '1-23' # canary\n";
    expect(setMapEntries(text, 0, labels, { 'istio.io/rev': '1-24' })).toBe(
      "metadata:\n  labels:\n    istio.io/rev: '1-24' # canary\n",
    );
  });

  it('quotes a value that would otherwise read back as a number or a boolean', () => {
    const edited = setMapEntries('metadata:\n  labels: {}\n', 0, labels, {
      a: '124',
      b: 'true',
    });
    expect(edited).toBe('metadata:\n  labels: {a: "124", b: "true"}\n');
  });

  it('returns the text untouched when every entry is already there', () => {
    const text = 'metadata:\n  labels:\n    istio-injection: "enabled"\n';
    expect(
      setMapEntries(text, 0, labels, { 'istio-injection': 'enabled' }),
    ).toBe(text);
  });

  it('creates the map under a key with no value', () => {
    expect(
      setMapEntries('metadata:\n  name: x\n  labels:\n', 0, labels, { a: 'b' }),
    ).toBe('metadata:\n  name: x\n  labels:\n    a: b\n');
  });

  it('edits only the document it is asked to', () => {
    const text =
      'metadata:\n  labels: {a: b}\n---\nmetadata:\n  labels: {a: b}\n';
    expect(setMapEntries(text, 1, labels, { c: 'd' })).toBe(
      'metadata:\n  labels: {a: b}\n---\nmetadata:\n  labels: {a: b, c: d}\n',
    );
  });

  it('handles a file without a final newline', () => {
    expect(
      setMapEntries('metadata:\n  labels:\n    a: b', 0, labels, { c: 'd' }),
    ).toBe('metadata:\n  labels:\n    a: b\n    c: d\n');
  });

  it('refuses shapes it cannot edit in place rather than guess', () => {
    for (const text of [
      'metadata:\n  labels: none\n',
      'metadata: {name: x}\n',
      'metadata:\n  labels:\n    a: [1]\n',
    ]) {
      const attempt = () =>
        setMapEntries(text, 0, labels, {
          a: 'b',
          'istio-injection': 'enabled',
        });
      expect(attempt).toThrow(YamlEditError);
    }
  });

  it('always reads back as the original plus the entries', () => {
    const block = [
      'metadata:\n  labels:\n    a: b\n',
      'metadata:\n   annotations: {x: y}\n   name: z\n',
      '# top\nmetadata: # meta\n  labels: # labels\n    a: b # a\n# end\n',
    ];
    const flow = [
      'metadata:\n  labels: { a: b }\n',
      'metadata:\n  labels: {a: b,}\n',
    ];
    for (const text of [...block, ...flow]) {
      const edited = setMapEntries(text, 0, labels, { c: 'd', e: '0' });
      const before = parseAllDocuments(text)[0].toJS();
      const after = parseAllDocuments(edited)[0].toJS();
      expect(after).toEqual({
        ...before,
        metadata: {
          ...before.metadata,
          labels: { ...before.metadata.labels, c: 'd', e: '0' },
        },
      });
    }
    for (const text of block) {
      // Block style: every original line is still there, in order.
      const edited = setMapEntries(text, 0, labels, { c: 'd', e: '0' });
      const lines = text.split('\n');
      let i = 0;
      for (const line of edited.split('\n')) if (line === lines[i]) i++;
      expect(i).toBe(lines.length);
    }
  });
});

describe('appendToSequence', () => {
  it('appends with the prefix the sequence already uses', () => {
    expect(
      appendToSequence(
        'resources:\n- a.yaml     # first\n- b.yaml\n',
        0,
        'resources',
        'c.yaml',
      ),
    ).toBe('resources:\n- a.yaml     # first\n- b.yaml\n- c.yaml\n');
    expect(
      appendToSequence(
        'resources:\n    -   a.yaml\nnamespace: x\n',
        0,
        'resources',
        'b',
      ),
    ).toBe('resources:\n    -   a.yaml\n    -   b\nnamespace: x\n');
  });

  it('appends to a flow sequence', () => {
    expect(
      appendToSequence('resources: [a.yaml]\n', 0, 'resources', 'b.yaml'),
    ).toBe('resources: [a.yaml, b.yaml]\n');
    expect(appendToSequence('resources: []\n', 0, 'resources', 'b.yaml')).toBe(
      'resources: [b.yaml]\n',
    );
  });

  it('adds the key where it is missing or empty', () => {
    expect(
      appendToSequence('kind: Kustomization\n', 0, 'resources', 'a.yaml'),
    ).toBe('kind: Kustomization\nresources:\n- a.yaml\n');
    expect(
      appendToSequence(
        'resources:\nkind: Kustomization\n',
        0,
        'resources',
        'a.yaml',
      ),
    ).toBe('resources:\n- a.yaml\nkind: Kustomization\n');
  });

  it('does not list an entry twice', () => {
    const text = 'resources:\n  - a.yaml\n';
    expect(appendToSequence(text, 0, 'resources', 'a.yaml')).toBe(text);
  });

  it("appends a map entry, as kustomize's patches list them", () => {
    const text = 'patches:\n  # first\n  - path: a.yaml\n';
    const edited = appendToSequence(text, 0, 'patches', { path: 'b.yaml' });
    expect(edited).toBe(`${text}  - path: b.yaml\n`);
    expect(appendToSequence(edited, 0, 'patches', { path: 'b.yaml' })).toBe(
      edited,
    );
    expect(
      appendToSequence('resources: [x]\n', 0, 'patches', {
        path: 'b.yaml',
        x: 'y',
      }),
    ).toBe('resources: [x]\npatches:\n- path: b.yaml\n  x: y\n');
    expect(
      appendToSequence('patches: [{path: a}]\n', 0, 'patches', { path: 'b' }),
    ).toBe('patches: [{path: a}, {path: b}]\n');
  });

  it('quotes an entry that would not read back as a string', () => {
    expect(appendToSequence('resources:\n- a\n', 0, 'resources', '123')).toBe(
      'resources:\n- a\n- "123"\n',
    );
  });
});

describe('removeMapEntry', () => {
  const policy = [
    '# who may call cart',
    'apiVersion: security.istio.io/v1',
    'kind: AuthorizationPolicy',
    'metadata:',
    '  name: cart-callers   # kept',
    '  annotations:',
    '    istio.io/dry-run: "true"',
    '  namespace: shop',
    'spec: {}',
    '',
  ].join('\n');

  it('removes the entry, and the map it leaves empty, keeping every other line', () => {
    const edited = removeMapEntry(
      policy,
      0,
      ['metadata', 'annotations'],
      'istio.io/dry-run',
    );
    expect(edited).toBe(
      policy.replace('  annotations:\n    istio.io/dry-run: "true"\n', ''),
    );
  });

  it('keeps the map where other entries remain, and changes nothing without the entry', () => {
    const two = policy.replace(
      '    istio.io/dry-run: "true"\n',
      '    istio.io/dry-run: "true"\n    team: shop\n',
    );
    expect(
      removeMapEntry(two, 0, ['metadata', 'annotations'], 'istio.io/dry-run'),
    ).toBe(
      policy.replace('    istio.io/dry-run: "true"\n', '    team: shop\n'),
    );
    expect(
      removeMapEntry(policy, 0, ['metadata', 'annotations'], 'other'),
    ).toBe(policy);
    expect(removeMapEntry(policy, 0, ['metadata', 'labels'], 'x')).toBe(policy);
  });

  it('refuses a flow map, which it cannot cut line by line', () => {
    const flow = policy.replace(
      '  annotations:\n    istio.io/dry-run: "true"\n',
      '  annotations: {istio.io/dry-run: "true", team: shop}\n',
    );
    expect(() =>
      removeMapEntry(flow, 0, ['metadata', 'annotations'], 'istio.io/dry-run'),
    ).toThrow(YamlEditError);
  });
});

describe('replaceMapValue', () => {
  const policy = [
    'apiVersion: security.istio.io/v1',
    'kind: AuthorizationPolicy',
    'metadata: {name: cart-callers, namespace: shop}',
    'spec:',
    '  # who may call',
    '  selector:',
    '    matchLabels: {app: cart}',
    '  rules:',
    '  - from:',
    '    - source: {principals: ["td/ns/web/sa/*"]}',
    '  action: ALLOW # kept',
    '',
  ].join('\n');

  it('writes the new value in place of the old lines, every other line kept', () => {
    const rules = [{ from: [{ source: { principals: ['td/ns/web/sa/a'] } }] }];
    const edited = replaceMapValue(policy, 0, ['spec'], 'rules', rules);
    expect(edited).toBe(
      policy.replace(
        '  rules:\n  - from:\n    - source: {principals: ["td/ns/web/sa/*"]}\n',
        '  rules:\n    - from:\n        - source:\n            principals:\n              - td/ns/web/sa/a\n',
      ),
    );
    expect(parseAllDocuments(edited)[0].toJS().spec.rules).toEqual(rules);
    expect(replaceMapValue(edited, 0, ['spec'], 'rules', rules)).toBe(edited);
    expect(replaceMapValue(policy, 0, ['spec'], 'rules', [])).toContain(
      '  rules: []\n  action: ALLOW # kept',
    );
  });

  it('refuses a flow map', () => {
    expect(() => replaceMapValue(policy, 0, ['metadata'], 'name', 'x')).toThrow(
      YamlEditError,
    );
  });
});
