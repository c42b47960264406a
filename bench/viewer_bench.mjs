// The viewer's redraw when the cursor moves, measured in Debian's Chromium (playwright-core from
// tests/browser): for a run file, the time from setting the cursor to the lattice snapshot
// fetched from `confsim view` and painted, charts and event list included, over random moves.
// By default the page fetches a snapshot at the resolution it shows it (one cell in two for 1000
// cells at 480 pixels); `every-cell` ticks the page's box that fetches every cell.
//   node bench/viewer_bench.mjs CONFSIM RUN.h5 [MOVES] [every-cell]
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'tests', 'browser', 'package.json'));
const { chromium } = require('playwright-core');
const [confsim, runFile, movesArg, mode] = process.argv.slice(2);
const moves = Number(movesArg || 40);

const server = spawn(confsim, ['view', runFile, '--no-browser', '--port', '0']);
let out = '';
server.stdout.on('data', (d) => { out += d; });
const url = await new Promise((resolve, reject) => {
  const t = setInterval(() => {
    const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
    if (m) { clearInterval(t); resolve(m[1]); } else if (server.exitCode !== null) { clearInterval(t); reject(new Error('confsim view failed')); }
  }, 50);
});
const browser = await chromium.launch({ executablePath: process.env.CONFSIM_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
const loadStart = Date.now();
await page.goto(url);
await page.waitForSelector('body[data-ready="true"]', { timeout: 600000 });
const loadSeconds = (Date.now() - loadStart) / 1000;
if (mode === 'every-cell') await page.check('#every-cell');
const result = await page.evaluate(async (n) => {
  const v = window.confsimViewer;
  const ticks = v.loaded.get(v.a).series.tick.length;
  let seed = 12345;
  const random = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const times = [], sync = [], slow = [];
  for (let k = 0; k < n; ++k) {
    const before = v.latticesDrawn;
    v.lastFetchMs = 0;  // stays 0 when the snapshot was in the page's cache
    const started = performance.now();
    v.setCursor(Math.floor(random() * ticks));
    sync.push(v.lastRedrawMs);
    while (v.latticesDrawn === before) await new Promise((r) => setTimeout(r, 1));
    const total = performance.now() - started;
    times.push(total);
    if (total > 100) slow.push({ total: Math.round(total), sync: Math.round(v.lastRedrawMs),
      fetch: Math.round(v.lastFetchMs), read_by_command: Math.round(v.lastReadMs), paint: Math.round(v.lastPaintMs) });
  }
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const worst = (xs) => Math.max(...xs);
  const meta = v.loaded.get(v.a).meta;
  const sorted = times.slice().sort((a, b) => a - b);
  return { ticks, snapshots: meta.snapshot_time.length, lattice: meta.snapshots.map((s) => `${s.width}x${s.height}`),
           median_ms: median(times), p90_ms: sorted[Math.floor(0.9 * (sorted.length - 1))], worst_ms: worst(times),
           moves_over_100_ms: times.filter((t) => t > 100).length, slow_moves: slow, sync_median_ms: median(sync), sync_worst_ms: worst(sync) };
}, moves);
console.log(JSON.stringify({ run_file: runFile, moves, every_cell: mode === 'every-cell', page_load_seconds: loadSeconds, ...result }));
await browser.close();
server.kill('SIGINT');
