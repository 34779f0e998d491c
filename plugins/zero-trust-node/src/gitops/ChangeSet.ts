import { promises as fs } from 'node:fs';
import path from 'node:path';
import { unifiedDiff } from '@zero-trust/backstage-plugin-zero-trust-common';
import { GitopsConflictError } from './GitopsConflictError';

interface FileChange {
  before: string | null;
  after: string;
}

async function exists(file: string): Promise<'file' | 'dir' | undefined> {
  try {
    const stat = await fs.stat(file);
    return stat.isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

/**
 * The whole change, in memory: files are read from the working copy (or from this
 * change where it already touched them) and written only by `commit`, once every edit
 * has succeeded.
 */
export class ChangeSet {
  private readonly files = new Map<string, FileChange>();

  constructor(
    private readonly root: string,
    private readonly known: Map<string, string>,
  ) {}

  private abs(rel: string): string {
    return path.join(this.root, ...rel.split('/'));
  }

  /** What is at `rel` now: in this change, else on disk. */
  async kind(rel: string): Promise<'file' | 'dir' | undefined> {
    if (this.files.has(rel)) return 'file';
    for (const file of this.files.keys()) {
      if (file.startsWith(`${rel}/`)) return 'dir';
    }
    return rel === '' ? 'dir' : exists(this.abs(rel));
  }

  /** Whether `rel` exists in the working copy as it was before this change. */
  async existedBefore(rel: string): Promise<boolean> {
    return rel === '' || (await exists(this.abs(rel))) !== undefined;
  }

  async read(rel: string): Promise<string | null> {
    const changed = this.files.get(rel);
    if (changed) return changed.after;
    const known = this.known.get(rel);
    if (known !== undefined) return known;
    try {
      return await fs.readFile(this.abs(rel), 'utf8');
    } catch {
      return null;
    }
  }

  /** Adds a new file; one that exists already is a conflict. */
  async create(rel: string, text: string, holds: string): Promise<void> {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if ((await this.kind(dir)) === 'file') {
        throw new GitopsConflictError(
          `${dir}: is a file, so ${rel} (for ${holds}) cannot be created; change the layout`,
          dir,
        );
      }
    }
    if (await this.kind(rel)) {
      throw new GitopsConflictError(
        `${rel}: exists but does not hold ${holds}; move it or change the layout`,
        rel,
      );
    }
    this.files.set(rel, { before: null, after: text });
  }

  /** Edits a file in memory; CRLF files keep their line endings. */
  async edit(rel: string, fn: (text: string) => string): Promise<void> {
    const current = await this.read(rel);
    if (current === null) {
      throw new GitopsConflictError(`${rel}: cannot be read`, rel);
    }
    const crlf = current.includes('\r\n');
    const lf = crlf ? current.replace(/\r\n/g, '\n') : current;
    const edited = fn(lf);
    if (edited === lf) return;
    const after = crlf ? edited.replace(/\r?\n/g, '\r\n') : edited;
    const previous = this.files.get(rel);
    this.files.set(rel, {
      before: previous ? previous.before : current,
      after,
    });
  }

  isCreated(rel: string): boolean {
    return this.files.get(rel)?.before === null;
  }

  /** Paths of the files this change creates, in the order it created them. */
  created(): string[] {
    return [...this.files.entries()]
      .filter(([, c]) => c.before === null)
      .map(([rel]) => rel);
  }

  changes(): { path: string; action: 'create' | 'modify' }[] {
    return [...this.files.entries()]
      .filter(([, c]) => c.before !== c.after)
      .map(([rel, c]) => ({
        path: rel,
        action: c.before === null ? ('create' as const) : ('modify' as const),
      }))
      .sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  diff(): string {
    return this.changes()
      .map(({ path: rel }) => {
        const c = this.files.get(rel)!;
        return unifiedDiff(rel, c.before, c.after);
      })
      .join('');
  }

  /**
   * Refuses a change that would write through a symbolic link to outside the root:
   * every target's nearest existing folder must resolve inside it.
   */
  async checkInsideRoot(): Promise<void> {
    const realRoot = await fs.realpath(this.root);
    for (const { path: rel } of this.changes()) {
      let dir = path.dirname(this.abs(rel));
      while (!(await exists(dir))) dir = path.dirname(dir);
      const real = await fs.realpath(dir);
      if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
        throw new GitopsConflictError(
          `${rel}: its folder leads outside the repository (a symbolic link); refusing to write there`,
          rel,
        );
      }
    }
  }

  /**
   * Writes every file: each to a temporary file beside it first, then all renamed into
   * place, so a failure while writing (a full disk, a read-only folder) leaves the
   * working copy as it was.
   */
  async commit(): Promise<void> {
    const temps: { temp: string; target: string }[] = [];
    const createdDirs: string[] = [];
    try {
      for (const { path: rel } of this.changes()) {
        const target = this.abs(rel);
        const missing: string[] = [];
        for (
          let dir = path.dirname(target);
          !(await exists(dir));
          dir = path.dirname(dir)
        ) {
          missing.unshift(dir);
        }
        for (const dir of missing) {
          await fs.mkdir(dir);
          createdDirs.push(dir);
        }
        const temp = path.join(
          path.dirname(target),
          `.${path.basename(target)}.zero-trust-${process.pid}.tmp`,
        );
        await fs.writeFile(temp, this.files.get(rel)!.after, { flag: 'wx' });
        temps.push({ temp, target });
        const mode = await fs
          .stat(target)
          .then(s => s.mode)
          .catch(() => undefined);
        if (mode !== undefined) await fs.chmod(temp, mode);
      }
      for (const { temp, target } of temps) await fs.rename(temp, target);
    } catch (e) {
      for (const { temp } of temps) await fs.rm(temp, { force: true });
      for (const dir of createdDirs.reverse()) {
        await fs.rmdir(dir).catch(() => undefined);
      }
      throw e;
    }
  }
}
