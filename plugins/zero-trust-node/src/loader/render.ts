import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { SourcedObject } from '@zero-trust/backstage-plugin-zero-trust-common';
import { isManifestFile } from './discover';
import type { Kustomization } from './discover';
import { isRemoteEntry } from './kustomization';
import { KustomizeProgram, kustomizeBuild } from './kustomizeBuild';

type Json = Record<string, any>;
type Parse = (text: string, file: string) => SourcedObject[];
type ReadText = (file: string) => Promise<string>;

function commonAncestor(paths: string[]): string {
  const holdsAll = (d: string) =>
    paths.every(p => p === d || p.startsWith(d + path.sep));
  let dir = paths[0];
  while (!holdsAll(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

async function copyTree(from: string, to: string) {
  await fs.cp(from, to, {
    recursive: true,
    filter: src => !['.git', 'node_modules'].includes(path.basename(src)),
  });
}

/** Drops what kustomize would fetch (remote resources, Helm charts) from a copied kustomization. */
async function stripRemote(file: string) {
  const doc = parseDocument(await fs.readFile(file, 'utf8'));
  for (const key of ['resources', 'bases', 'components']) {
    const list = doc.get(key) as any;
    if (!list?.items) continue;
    list.items = list.items.filter(
      (item: any) => !isRemoteEntry(String(item?.value ?? item)),
    );
  }
  doc.delete('helmCharts');
  doc.delete('helmGlobals');
  await fs.writeFile(file, doc.toString());
}

/**
 * Where each object a kustomization reads comes from, by kind and name, so that a
 * rendered object keeps the file and line it was written at.
 */
async function sourcesOf(k: Kustomization, parse: Parse, readText: ReadText) {
  const byKey = new Map<string, SourcedObject>();
  for (const ref of k.refs) {
    for (const p of ref.resources) {
      if (!isManifestFile(p)) continue;
      const text = await readText(p).catch(() => undefined);
      if (text === undefined) continue;
      let objects: SourcedObject[] = [];
      try {
        objects = parse(text, p);
      } catch {
        // kustomize itself reports what it cannot read.
      }
      for (const o of objects) {
        const obj = o.object as Json;
        const key = `${obj?.kind}|${obj?.metadata?.name}`;
        if (!byKey.has(key)) byKey.set(key, o);
      }
    }
  }
  return byKey;
}

function attribute(
  obj: Json,
  sources: Map<string, SourcedObject>,
  fallback: string,
): { file: string; line?: number } {
  const exact = sources.get(`${obj?.kind}|${obj?.metadata?.name}`);
  const name = String(obj?.metadata?.name ?? '');
  // A name prefix or suffix makes the rendered name longer than the written one.
  const renamed =
    exact ??
    [...sources.entries()]
      .filter(([key]) => {
        const [kind, written] = key.split('|');
        return kind === obj?.kind && written && name.includes(written);
      })
      .sort((a, b) => b[0].length - a[0].length)[0]?.[1];
  return renamed?.file
    ? { file: renamed.file, ...(renamed.line ? { line: renamed.line } : {}) }
    : { file: fallback };
}

/**
 * Renders one kustomization as `kustomize build` does. Remote resources and Helm charts
 * are left out (never fetched): the build then runs on a copy without them.
 */
export async function renderKustomization(
  program: NonNullable<KustomizeProgram>,
  k: Kustomization,
  parse: Parse,
  readText: ReadText,
): Promise<SourcedObject[]> {
  let text: string;
  if (k.refs.some(r => r.rewrite)) {
    const base = commonAncestor([...k.covers].map(p => path.resolve(p)));
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'zt-kustomize-'));
    try {
      await copyTree(base, tmp);
      for (const ref of k.refs) {
        if (ref.rewrite)
          await stripRemote(path.join(tmp, path.relative(base, ref.file)));
      }
      text = await kustomizeBuild(
        program,
        path.join(tmp, path.relative(base, k.dir)),
        k.dir,
      ).catch(e => {
        e.message = e.message.split(tmp).join(base);
        throw e;
      });
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  } else {
    text = await kustomizeBuild(program, k.dir);
  }
  const kustomizationFile = k.refs[0]?.file ?? k.dir;
  const sources = await sourcesOf(k, parse, readText);
  return parse(text, kustomizationFile).map(o => ({
    object: o.object,
    ...attribute(o.object as Json, sources, kustomizationFile),
  }));
}
