import { parseAllDocuments } from 'yaml';
import { componentCatalogInfo } from '../__testUtils__/componentRepository';
import {
  EntityFileError,
  addAnnotations,
  findEntityDocument,
} from './entityDocument';

// Edits real YAML documents; slow on a busy machine.
jest.setTimeout(30_000);

const inventory = {
  kind: 'Component',
  namespace: 'default',
  name: 'inventory-api',
};
const wanted = {
  'backstage.io/kubernetes-label-selector': 'app=inventory-api,tier=api',
  'backstage.io/kubernetes-namespace': 'inventory',
  'backstage.io/kubernetes-cluster': 'backend',
};

const documents = (text: string) =>
  Array.from(parseAllDocuments(text)).map(d => d.toJS());

/** Adds the entries to the entity's document, as the action does. */
function annotate(text: string, entries: Record<string, string> = wanted) {
  const { index } = findEntityDocument(text, 'catalog-info.yaml', inventory);
  return addAnnotations(text, 'catalog-info.yaml', index, entries);
}

describe('findEntityDocument', () => {
  it('finds the entity by kind, name and namespace, without case, and reads its annotations', () => {
    const found = findEntityDocument(componentCatalogInfo, 'x.yaml', {
      kind: 'component',
      namespace: 'DEFAULT',
      name: 'Inventory-API',
    });
    expect(found.index).toBe(1);
    expect(found.annotations).toEqual({
      'github.com/project-slug': 'example-org/inventory',
    });
  });

  it.each([
    ['another kind', { ...inventory, kind: 'System' }],
    ['another name', { ...inventory, name: 'inventory' }],
    ['another namespace', { ...inventory, namespace: 'supply' }],
  ])('names the file when no document is %s', (_, entity) => {
    expect(() =>
      findEntityDocument(
        componentCatalogInfo,
        'repo/catalog-info.yaml',
        entity,
      ),
    ).toThrow(
      `repo/catalog-info.yaml holds no document for ${entity.kind.toLowerCase()}:${
        entity.namespace
      }/${entity.name}`,
    );
  });

  it('names the file that does not parse', () => {
    const broken = `${componentCatalogInfo}---\nkind: Component\nmetadata: [unclosed\n`;
    expect(() =>
      findEntityDocument(broken, 'repo/catalog-info.yaml', inventory),
    ).toThrow(/^repo\/catalog-info\.yaml does not parse as YAML: /);
  });

  it('refuses a file that defines the entity twice', () => {
    const twice = `${componentCatalogInfo}---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: inventory-api\n`;
    expect(() => findEntityDocument(twice, 'c.yaml', inventory)).toThrow(
      EntityFileError,
    );
    expect(() => findEntityDocument(twice, 'c.yaml', inventory)).toThrow(
      /holds 2 documents for component:default\/inventory-api/,
    );
  });
});

describe('addAnnotations', () => {
  it('adds lines after the last annotation and changes no other byte', () => {
    const edited = annotate(componentCatalogInfo);
    const slug =
      '    github.com/project-slug: example-org/inventory # where the code lives\n';
    expect(componentCatalogInfo).toContain(slug);
    expect(edited).toBe(
      componentCatalogInfo.replace(
        slug,
        `${slug}    backstage.io/kubernetes-label-selector: app=inventory-api,tier=api\n    backstage.io/kubernetes-namespace: inventory\n    backstage.io/kubernetes-cluster: backend\n`,
      ),
    );
    const [system, component] = documents(edited);
    expect(system).toEqual(documents(componentCatalogInfo)[0]);
    expect(component.metadata.annotations).toEqual({
      'github.com/project-slug': 'example-org/inventory',
      ...wanted,
    });
  });

  it("creates the map at the file's own indentation after metadata's last entry", () => {
    const text = [
      '# four-space indentation',
      'kind: Component',
      'metadata:',
      '    name: inventory-api',
      '    tags:',
      '        - kotlin',
      '    # trailing comment stays where it is',
      'spec:',
      '    type: service',
      '',
    ].join('\n');
    expect(annotate(text, { 'backstage.io/kubernetes-namespace': 'inventory' }))
      .toBe(`# four-space indentation
kind: Component
metadata:
    name: inventory-api
    tags:
        - kotlin
    annotations:
        backstage.io/kubernetes-namespace: inventory
    # trailing comment stays where it is
spec:
    type: service
`);
  });

  it('fills an empty annotations key and a flow map', () => {
    const empty =
      'kind: Component\nmetadata:\n  name: inventory-api\n  annotations:\n  title: Inventory\n';
    expect(annotate(empty, { a: 'b' })).toBe(
      'kind: Component\nmetadata:\n  name: inventory-api\n  annotations:\n    a: b\n  title: Inventory\n',
    );
    const flow =
      'kind: Component\nmetadata:\n  name: inventory-api\n  annotations: {x: y}  # flow\n';
    const edited = annotate(flow);
    expect(edited).toBe(
      'kind: Component\nmetadata:\n  name: inventory-api\n  annotations: {x: y, backstage.io/kubernetes-label-selector: "app=inventory-api,tier=api", backstage.io/kubernetes-namespace: inventory, backstage.io/kubernetes-cluster: backend}  # flow\n',
    );
    expect(documents(edited)[0].metadata.annotations).toEqual({
      x: 'y',
      ...wanted,
    });
  });

  it('quotes values that would read back as numbers, booleans or null', () => {
    const text = 'kind: Component\nmetadata:\n  name: inventory-api\n';
    const entries = {
      'backstage.io/kubernetes-namespace': '123',
      'backstage.io/kubernetes-cluster': 'true',
      'backstage.io/kubernetes-label-selector': 'null',
    };
    expect(documents(annotate(text, entries))[0].metadata.annotations).toEqual(
      entries,
    );
  });

  it('keeps Windows line endings', () => {
    const crlf = componentCatalogInfo.replace(/\n/g, '\r\n');
    const edited = annotate(crlf);
    expect(edited.replace(/\r\n/g, '')).not.toContain('\n');
    expect(edited.replace(/\r\n/g, '\n')).toBe(annotate(componentCatalogInfo));
  });

  it('refuses annotations that are not a map, naming the file', () => {
    const text =
      'kind: Component\nmetadata:\n  name: inventory-api\n  annotations: [a]\n';
    expect(() => annotate(text)).toThrow(
      /^catalog-info\.yaml: the annotations cannot be added in place \(metadata\.annotations is not a map\); add them by hand$/,
    );
  });
});
