import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

// Spawns the real `zero-trust` bin four times per Node (a process each, compiling the
// TypeScript sources on the fly): over 30 s per test at a load average of 30 on 2 cores.
jest.setTimeout(120_000);

const run = promisify(execFile);
const bin = path.resolve(__dirname, '../bin/zero-trust');
const backend = path.resolve(__dirname, '../../../examples/clusters/backend');

// The contract: the command runs without a build step on the Node that runs the
// tests and on the system's Node (20 or newer) where one is installed.
const nodes = [...new Set([process.execPath, '/usr/bin/node'])].filter(
  existsSync,
);

async function zeroTrust(node: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(node, [bin, ...args]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const error = e as { code: number; stdout: string; stderr: string };
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

describe.each(nodes)('bin/zero-trust on %s', node => {
  it('analyzes a snapshot and exits with the contract status codes', async () => {
    const ok = await zeroTrust(
      node,
      'check',
      backend,
      '--from',
      'plaintext',
      '--to',
      'bookinfo/ratings',
      '--format',
      'json',
    );
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      decision: 'DENY',
      mtls: false,
    });

    expect(
      (await zeroTrust(node, 'analyze', backend, '--fail-on', 'high')).code,
    ).toBe(3);

    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zero-trust-bin-'));
    const bad = path.join(dir, 'bad.yaml');
    await fs.writeFile(bad, 'kind: Namespace\nmetadata: {name: x\n');
    const failed = await zeroTrust(node, 'analyze', bad);
    await fs.rm(dir, { recursive: true });
    expect(failed.code).toBe(2);
    expect(failed.stderr.trim().split('\n')).toHaveLength(1);
    expect(failed.stderr).toContain(`${bad}:`);
  });
});
