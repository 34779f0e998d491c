/**
 * Render benchmark of the Security tab in a real browser (not jsdom): a production
 * bundle of bench/page.tsx served over HTTP, the real ZeroTrustClient fetching a
 * Security answer with CALLERS callers and FINDINGS findings built by the engine, and
 * headless Chromium timing from the click that opens the tab to the first painted
 * frame with both tables in it; then the same for switching to the callers graph.
 *
 *   node -r @backstage/cli-node/config/nodeTransform.cjs bench/render.bench.ts [callers] [findings] [runs] [--base PATH]
 *
 * `--base PATH` also bundles bench/page.tsx of another checkout of this repository
 * (PATH is its root, installed with `yarn install`; its page imports its own sources
 * and packages) and runs both pages alternately in one browser session, against the
 * same answer, so the two builds are compared under the same load: the report has
 * each one's medians and their ratio (this build over the base).
 *
 * Tooling comes from the workspace root: esbuild (the Backstage CLI's bundler
 * toolchain) and @playwright/test driving the system Chromium (ZERO_TRUST_CHROMIUM,
 * else /usr/bin/chromium). SCREENSHOT=path saves a picture of this build's last run;
 * PROFILE=path saves a CPU profile (Chrome DevTools format) of its tab render.
 */
/* eslint-disable @backstage/no-undeclared-imports, no-console */
import { Browser, chromium } from '@playwright/test';
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { largeEntitySecurity } from '../src/__fixtures__/large';
import { workloadFindings } from '../src/components/shared/findings';

/** Positional numbers, and `--base PATH`. */
function parseArgs(argv: string[]) {
  const numbers: number[] = [];
  let base: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--base') {
      base = argv[++i];
      if (!base) throw new Error('--base needs the path of a checkout');
    } else if (/^\d+$/.test(argv[i])) {
      numbers.push(Number(argv[i]));
    } else {
      throw new Error(
        `unknown argument ${argv[i]}: [callers] [findings] [runs] [--base PATH]`,
      );
    }
  }
  const [callers = 500, findings = 50, runs = 7] = numbers;
  if (runs < 2) throw new Error('runs: at least 2 (the first is a warm-up)');
  return { callers, findings, runs, base: base && resolve(base) };
}

const { callers, findings, runs, base } = parseArgs(process.argv.slice(2));

/** Bundles `page` (a bench/page.tsx) with the packages of its own checkout. */
async function bundle(page: string, outdir: string): Promise<string> {
  await build({
    entryPoints: [page],
    bundle: true,
    minifySyntax: true,
    minifyWhitespace: true,
    // Readable function names in a profile.
    minifyIdentifiers: !process.env.PROFILE,
    format: 'esm',
    splitting: true,
    outdir,
    jsx: 'automatic',
    define: {
      'process.env.NODE_ENV': '"production"',
      'process.env': '{}',
      global: 'globalThis',
    },
    loader: { '.svg': 'dataurl', '.png': 'dataurl' },
    logLevel: 'error',
  });
  return outdir;
}

/** What the page reports for one click: to the painted frame, and from the answer. */
interface Result {
  name: string;
  ms: number;
  renderMs?: number;
  /** The renderer's main thread's CPU time over the same span (Chrome's ThreadTime). */
  cpuMs?: number;
  /** Of it: scripts, style recalculation, layout. */
  scriptMs?: number;
  styleMs?: number;
  layoutMs?: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.floor(s.length / 2)]);
}

/** Waits until the page has reported `count` results, failing on a page error or after a minute. */
async function waitForResults(
  results: unknown[],
  count: number,
  errors: string[],
) {
  const deadline = Date.now() + 60_000;
  while (results.length < count) {
    if (errors.length) throw new Error(errors.join('\n'));
    if (Date.now() > deadline) throw new Error('no result from the page');
    await new Promise(r => setTimeout(r, 20));
  }
}

/**
 * One run in a fresh page: the click that opens the tab, then the one that switches to
 * the graph; the page reports each time to the server. Returns both, in ms.
 */
async function measure(
  browser: Browser,
  url: string,
  results: Result[],
  options: { profile?: string; screenshot?: string },
): Promise<[Result, Result]> {
  const page = await browser.newPage({
    viewport: { width: 1440, height: 900 },
  });
  const errors: string[] = [];
  page.on('pageerror', e => errors.push(String(e)));
  page.on('console', m => {
    if (m.type() === 'error') errors.push(m.text());
  });
  const failed = async (e: unknown) => {
    if (options.screenshot) {
      await page.screenshot({ path: options.screenshot, fullPage: true });
    }
    throw new Error(
      `${e}\n${errors.join('\n')}\n${(await page.content())
        .replace(/<style[^]*?<\/style>/g, '')
        .slice(0, 3000)}`,
    );
  };
  await page.goto(url);
  await page
    .waitForFunction(() => (window as any).benchReady, undefined, {
      timeout: 30_000,
    })
    .catch(failed);
  const before = results.length;
  // Thread time, not wall time, for the metrics: what the page itself cost, which the
  // other work on a shared machine changes less than it changes the wall clock.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const metrics = async () =>
    Object.fromEntries(
      (await cdp.send('Performance.getMetrics')).metrics.map(m => [
        m.name,
        m.value,
      ]),
    );
  const m0 = await metrics();
  const profiler = options.profile
    ? await page.context().newCDPSession(page)
    : undefined;
  if (profiler) {
    await profiler.send('Profiler.enable');
    await profiler.send('Profiler.setSamplingInterval', { interval: 100 });
    await profiler.send('Profiler.start');
  }
  await page.click('#show-tab', { timeout: 30_000 }).catch(failed);
  await waitForResults(results, before + 1, errors).catch(failed);
  const m1 = await metrics();
  const delta = (k: string) => (m1[k] - m0[k]) * 1000;
  Object.assign(results[before], {
    cpuMs: delta('ThreadTime'),
    scriptMs: delta('ScriptDuration'),
    styleMs: delta('RecalcStyleDuration'),
    layoutMs: delta('LayoutDuration'),
  });
  if (profiler) {
    const { profile } = await profiler.send('Profiler.stop');
    writeFileSync(options.profile!, JSON.stringify(profile));
  }
  await page.click('#show-graph');
  await waitForResults(results, before + 2, errors).catch(failed);
  if (options.screenshot) {
    await page.click('button:has-text("Table")');
    await page.screenshot({ path: options.screenshot, fullPage: true });
  }
  await page.close();
  return [results[before], results[before + 1]];
}

/** One page under test: this build's, or the base's. */
interface Variant {
  name: 'new' | 'base';
  page: string;
}

/** Medians of one variant's runs from one starting point, the warm-up apart. */
function summarise(from: string, tab: Result[], graph: Result[]) {
  const out: Record<string, number> = {};
  // The first run loads and compiles the bundle; report it apart.
  const warm = tab.slice(1);
  if (from === 'start') out.tabFirstMs = Math.round(tab[0].ms);
  out[`tabFrom_${from}_MedianMs`] = median(warm.map(r => r.ms));
  // From the answer's arrival: the rendering alone, without the request.
  out[`tabFrom_${from}_RenderMedianMs`] = median(
    warm.map(r => r.renderMs ?? NaN),
  );
  out[`graphFrom_${from}_MedianMs`] = median(graph.slice(1).map(r => r.ms));
  for (const k of ['cpuMs', 'scriptMs', 'styleMs', 'layoutMs'] as const) {
    out[`tabFrom_${from}_${k}`] = median(warm.map(r => r[k] ?? NaN));
  }
  return out;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'zt-render-bench-'));
  try {
    const variants: Variant[] = [
      { name: 'new', page: join(__dirname, 'page.tsx') },
    ];
    if (base) {
      variants.push({
        name: 'base',
        page: join(base, 'plugins/zero-trust/bench/page.tsx'),
      });
    }
    for (const v of variants) await bundle(v.page, join(dir, v.name));
    const security = largeEntitySecurity(callers, findings);
    const cluster = security.clusters[0];
    const workload = cluster.workloads[0];
    // What the tab's two titles will count.
    const shown = {
      callers: workload.allowedCallers.length,
      findings: workloadFindings(workload, cluster.namespaceFindings).length,
    };
    const body = JSON.stringify(security);
    const results: Result[] = [];
    const server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://bench');
      if (url.pathname === '/result') {
        let data = '';
        req.on('data', c => (data += c));
        req.on('end', () => {
          results.push(JSON.parse(data));
          res.end();
        });
      } else if (url.pathname === '/api/zero-trust/onboarding/requests') {
        // The tab also lists the entity's onboarding requests: none here.
        res.setHeader('content-type', 'application/json');
        res.end('{"items":[]}');
      } else if (url.pathname.startsWith('/api/zero-trust/entities/')) {
        res.setHeader('content-type', 'application/json');
        res.end(body);
      } else {
        // /new/… and /base/…: each variant's page and chunks.
        const [, name, file] = url.pathname.split('/');
        if (!variants.some(v => v.name === name)) {
          // The favicon: none (a 404 would be a console error, failing the run).
          res.statusCode = 204;
          res.end();
        } else if (file?.endsWith('.js')) {
          res.setHeader('content-type', 'text/javascript');
          res.end(readFileSync(join(dir, name, file)));
        } else {
          res.setHeader('content-type', 'text/html');
          res.end(
            `<!doctype html><html><body><div id="root"></div><script type="module" src="/${name}/page.js"></script></body></html>`,
          );
        }
      }
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const browser = await chromium.launch({
      executablePath: process.env.ZERO_TRUST_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu'],
    });
    const query = `?callers=${shown.callers}&findings=${shown.findings}`;
    const out: Record<string, Record<string, number>> = {};
    try {
      for (const from of ['start', 'overview'] as const) {
        const tab = new Map<string, Result[]>(variants.map(v => [v.name, []]));
        const graph = new Map<string, Result[]>(
          variants.map(v => [v.name, []]),
        );
        for (let i = 0; i < runs; i++) {
          // Alternate which build goes first, so neither always follows the other.
          const order = i % 2 ? [...variants].reverse() : variants;
          for (const v of order) {
            const last = i === runs - 1 && from === 'start' && v.name === 'new';
            const [t, g] = await measure(
              browser,
              `http://127.0.0.1:${port}/${v.name}/${query}&from=${from}`,
              results,
              {
                profile: last ? process.env.PROFILE : undefined,
                screenshot: last ? process.env.SCREENSHOT : undefined,
              },
            );
            tab.get(v.name)!.push(t);
            graph.get(v.name)!.push(g);
          }
        }
        for (const v of variants) {
          out[v.name] = {
            ...out[v.name],
            ...summarise(from, tab.get(v.name)!, graph.get(v.name)!),
          };
        }
      }
    } finally {
      await browser.close();
      server.close();
    }
    const ratio = out.base
      ? Object.fromEntries(
          Object.entries(out.new).map(([k, v]) => [
            k,
            Math.round((v / out.base[k]) * 100) / 100,
          ]),
        )
      : undefined;
    console.log(
      JSON.stringify(
        {
          ...shown,
          runs,
          responseBytes: body.length,
          responseGzipBytes: gzipSync(body).length,
          ...(base
            ? {
                basePath: base,
                new: out.new,
                base: out.base,
                newOverBase: ratio,
              }
            : out.new),
        },
        null,
        2,
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
