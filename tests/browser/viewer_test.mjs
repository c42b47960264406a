// confsim view in a real browser: Debian's Chromium driven by playwright-core. Real run files, a
// real server, values checked against the files as h5py reads them.
//   node tests/browser/viewer_test.mjs CONFSIM PROJECT_DIR WORK_DIR
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  console.error('playwright-core is not installed in tests/browser (bash scripts/install-deps.sh installs it)');
  process.exit(1);
}

const [confsim, project, work] = process.argv.slice(2);
const browserPath = process.env.CONFSIM_CHROMIUM || '/usr/bin/chromium';
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });

let failures = 0;
function check(condition, what) {
  console.log(`${condition ? 'ok  ' : 'FAIL'} ${what}`);
  if (!condition) failures += 1;
}

function confsimRun(args) {
  const r = spawnSync(confsim, args, { cwd: project, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`confsim ${args.join(' ')}: ${r.stderr}`);
}

// What h5py reads from a run file: the series the test checks, and the events' kinds and ticks.
function readWithPython(file) {
  const script = `
import h5py, json, sys
with h5py.File(sys.argv[1], "r") as f:
    def decoded(column):
        v = f["events/" + column]
        names = dict(zip([int(c) for c in v.attrs["flag_values"]], str(v.attrs["flag_meanings"]).split()))
        return [names[int(c)] for c in v[...]]
    print(json.dumps({"tick": [int(x) for x in f["tick"][...]],
                      "active": [int(x) for x in f["active"][...]] if "active" in f else [],
                      "jailed": [int(x) for x in f["jailed"][...]] if "jailed" in f else [],
                      "event_kind": decoded("kind"), "event_actor": decoded("actor"),
                      "snapshot_2": [int(x) for x in f["cell_state"][2].ravel()] if "cell_state" in f and len(f["cell_state"]) > 2 else [],
                      "snapshot_2_every_3": [int(x) for x in f["cell_state"][2][::3, ::3].ravel()] if "cell_state" in f and len(f["cell_state"]) > 2 else [],
                      "event_tick": [int(x) for x in f["events/tick"][...]]}))`;
  const r = spawnSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`h5py: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// Starts `confsim view` on a free port; resolves with its address once it prints it.
function startViewer(args) {
  const child = spawn(confsim, ['view', ...args, '--no-browser', '--port', '0'], { cwd: project });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const address = new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
      if (m) { clearInterval(poll); resolve(m[1]); }
      else if (child.exitCode !== null || Date.now() - started > 20000) {
        clearInterval(poll);
        reject(new Error(`confsim view did not start: ${stderr}`));
      }
    }, 50);
  });
  return { child, address, exited, output: () => ({ stdout, stderr }) };
}

async function stopViewer(viewer) {
  viewer.child.kill('SIGINT');
  const code = await Promise.race([viewer.exited, new Promise((r) => setTimeout(() => r('timeout'), 10000))]);
  return code;
}

const a = path.join(work, 'baseline.h5'), b = path.join(work, 'lower_legitimacy.h5');
confsimRun(['run', 'scenarios/epstein/run2.yaml', '-o', a, '--seed', '7', '--ticks', '300']);
confsimRun(['run', 'scenarios/epstein/run2.yaml', '-o', b, '--seed', '7', '--ticks', '300',
  '--set', 'government.legitimacy=0.78']);
const fileA = readWithPython(a), fileB = readWithPython(b);

const browser = await chromium.launch({
  executablePath: browserPath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));
const readout = async (selector) => (await page.textContent(selector)).trim();
const ready = () => page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });

try {
  // Two runs: readouts at ?tick=N, keyboard, slider, difference, events, screenshot.
  const viewer = startViewer([a, b]);
  const url = await viewer.address;
  // A connection that sends nothing (as a browser's speculative one) must not hold the others up.
  const idle = net.connect(Number(new URL(url).port), '127.0.0.1');
  await new Promise((resolve) => idle.on('connect', resolve));
  const askedAt = Date.now();
  const answered = await fetch(`${url}api/runs`).then((r) => r.ok);
  check(answered && Date.now() - askedAt < 2000, `a request is answered while another connection idles (${Date.now() - askedAt} ms)`);
  idle.destroy();

  // A snapshot through the command, whole and one cell in three, against the file.
  const snapshotOf = async (every) => {
    const r = await fetch(`${url}api/snapshot?run=0&name=cell_state&index=2&every=${every}`);
    return { type: r.headers.get('content-type'), values: [...new Int8Array(await r.arrayBuffer())] };
  };
  const whole = await snapshotOf(1), third = await snapshotOf(3);
  check(/int8; height=40; width=40/.test(whole.type) && JSON.stringify(whole.values) === JSON.stringify(fileA.snapshot_2),
    'a snapshot read through the command equals the file\'s (int8, 40 x 40)');
  check(/height=14; width=14/.test(third.type) && JSON.stringify(third.values) === JSON.stringify(fileA.snapshot_2_every_3),
    'one cell in three along each side: 14 x 14, the file\'s [::3, ::3]');
  await page.goto(`${url}?tick=120`);
  await ready();
  check(await readout('#readout-tick') === '120', '?tick=120 puts the cursor at tick 120');
  check(await readout('td[data-series="active"]') === String(fileA.active[120]) &&
        await readout('td[data-series="jailed"]') === String(fileA.jailed[120]),
        `readout at tick 120 equals the file: active ${fileA.active[120]}, jailed ${fileA.jailed[120]}`);
  check(await readout('td[data-series-b="jailed"]') === String(fileB.jailed[120]) &&
        await readout('td[data-difference="jailed"]') === String(fileB.jailed[120] - fileA.jailed[120]),
        `second run and difference at tick 120: ${fileB.jailed[120]}, ${fileB.jailed[120] - fileA.jailed[120]}`);

  await page.click('#readout-panel h2');  // focus on the page, not a control
  for (let i = 0; i < 5; ++i) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowLeft');
  check(await readout('#readout-tick') === '124' && await readout('td[data-series="active"]') === String(fileA.active[124]),
    'arrow keys move the cursor (5 on, 1 back: tick 124) and the readout follows');
  check(new URL(page.url()).searchParams.get('tick') === '124', 'the address follows the cursor (?tick=124)');

  await page.$eval('#slider', (el) => { el.value = '250'; el.dispatchEvent(new Event('input')); });
  check(await readout('#readout-tick') === '250' && await readout('td[data-series="jailed"]') === String(fileA.jailed[250]),
    'the slider moves the cursor to tick 250');
  await page.waitForFunction(() => /snapshot at tick 250/.test(document.querySelector('#lattices figcaption').textContent));
  check(true, 'the lattice shows the snapshot of tick 250, labelled');
  await page.$eval('#slider', (el) => { el.value = '120'; el.dispatchEvent(new Event('input')); });
  await page.waitForFunction(() => /snapshot at tick 100 .*nearest/.test(document.querySelector('#lattices figcaption').textContent));
  check(true, 'at tick 120 the nearest snapshot (tick 100) is shown and labelled as the nearest');

  // Moving the cursor: the page's own measure of a redraw, over ten moves.
  const redraws = [];
  for (let i = 0; i < 10; ++i) {
    await page.keyboard.press('ArrowRight');
    redraws.push(await page.evaluate(() => window.confsimViewer.lastRedrawMs));
  }
  redraws.sort((x, y) => x - y);
  console.log(`redraw on a cursor move at 40x40: median ${redraws[5].toFixed(1)} ms, slowest ${redraws[9].toFixed(1)} ms`);
  const firstRow = await page.$('#events tr[data-event]');
  const eventTick = Number(await firstRow.$eval('td', (td) => td.textContent));
  await firstRow.click();
  check(await readout('#readout-tick') === String(eventTick) && /who: .*whom: .*where: /.test(await readout('#event-detail')),
    `clicking an event moves the cursor to its tick (${eventTick}) and shows who, whom and where`);

  await page.click('#provenance-panel summary');
  await page.waitForFunction(() => /epstein_civil_violence/.test(document.querySelector('#provenance').textContent));
  check(true, 'the provenance panel shows the scenario explained');

  const shot = path.join(work, 'viewer.png');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: shot });
  check(fs.statSync(shot).size > 20000, `screenshot taken (${shot})`);
  check(pageErrors.length === 0, `no script errors in the page (${pageErrors.join('; ')})`);
  check(await stopViewer(viewer) === 0, 'Ctrl-C stops the viewer, exit 0');

  // Event filters, on a run with several kinds and actors (the Iraq scenario's first 120 days).
  const iraq = path.join(work, 'iraq.h5');
  confsimRun(['run', 'scenarios/iraq/baseline.yaml', '-o', iraq, '--ticks', '120']);
  const fileIraq = readWithPython(iraq);
  const kinds = [...new Set(fileIraq.event_kind)];
  const kind = kinds.find((k) => fileIraq.event_kind.filter((x) => x === k).length < fileIraq.event_kind.length) || kinds[0];
  const expectedCount = fileIraq.event_kind.filter((k) => k === kind).length;
  const iraqViewer = startViewer([iraq]);
  await page.goto(`${await iraqViewer.address}?tick=60`);
  await ready();
  await page.selectOption('#event-kind', kind);
  check((await readout('#event-count')).startsWith(`${expectedCount} of ${fileIraq.event_kind.length}`),
    `filtering events by kind "${kind}" leaves ${expectedCount} of ${fileIraq.event_kind.length}`);
  const rowKinds = await page.$$eval('#events tr[data-event] td:nth-child(2)', (tds) => tds.map((td) => td.textContent));
  check(rowKinds.length > 0 && rowKinds.every((k) => k === kind), 'every listed event is of that kind');
  const actor = fileIraq.event_actor.find((x, i) => fileIraq.event_kind[i] === kind && x !== '');
  const bothCount = fileIraq.event_kind.filter((k, i) => k === kind && fileIraq.event_actor[i] === actor).length;
  await page.selectOption('#event-actor', actor);
  const rowActors = await page.$$eval('#events tr[data-event] td:nth-child(3)', (tds) => tds.map((td) => td.textContent));
  check((await readout('#event-count')).startsWith(`${bothCount} of `) && rowActors.length > 0 &&
        rowActors.every((x) => x === actor), `and by actor "${actor}": ${bothCount} events, ${rowActors.length} listed`);
  await page.click('#events tr[data-event]');
  check((await page.$$('#lattices canvas')).length === 1 && (await page.$$('#lattice-variable option')).length > 1,
    'a multi-region run offers a lattice per region');
  await page.$eval('#events-panel', (el) => el.scrollIntoView());
  await page.screenshot({ path: path.join(work, 'viewer_iraq.png') });
  await stopViewer(iraqViewer);

  // Bad files: a truncated copy and a file that is not HDF5 beside a good one.
  const truncated = path.join(work, 'truncated.h5'), foreign = path.join(work, 'notes.h5');
  fs.writeFileSync(truncated, fs.readFileSync(a).subarray(0, 4096));
  fs.writeFileSync(foreign, 'not a run file\n');
  const missing = path.join(work, 'missing.h5');
  const mixed = startViewer([a, truncated, foreign, missing]);
  await page.goto(await mixed.address);
  await ready();
  const messages = await page.$$eval('#messages .message', (ps) => ps.map((p) => p.textContent));
  check(messages.length === 3 && messages.some((m) => m.includes('truncated.h5')) && messages.some((m) => m.includes('notes.h5')) &&
        messages.some((m) => m.includes('missing.h5: no such file')),
    `the page names the three bad files (${messages.join(' | ')})`);
  check(await readout('td[data-series="active"]') === String(fileA.active[0]), 'and still shows the good one');
  await stopViewer(mixed);
  const errorLines = mixed.output().stderr.trim().split('\n');
  check(errorLines.length === 3 && errorLines.every((l) => l.startsWith('confsim view: ')),
    `the command prints one line per bad file (${errorLines.join(' | ')})`);

  const onlyBad = spawnSync(confsim, ['view', foreign, '--no-browser', '--port', '0'], { encoding: 'utf8', timeout: 20000 });
  check(onlyBad.status === 2 && onlyBad.stderr.trim().split('\n').length === 1,
    `nothing readable: exit 2 and one line (${onlyBad.stderr.trim()})`);

  // A sweep directory: its manifest as a table, a click through to a run.
  const sweepFile = path.join(work, 'sweep.yaml');
  fs.writeFileSync(sweepFile, `confsim_sweep: 1
name: viewer-test
scenario: ${path.join(project, 'scenarios/epstein/run2.yaml')}
ticks: 60
design: grid
replicates: 1
master_seed: 3
parameters:
  government.legitimacy: {values: [0.8, 0.85]}
summaries:
  - name: mean_active
    series: {name: active, reduce: mean}
`);
  const sweepDir = path.join(work, 'sweep');
  confsimRun(['sweep', sweepFile, '-o', sweepDir, '--jobs', '2']);
  // Run 0's file damaged after the sweep: opening it from the table must say so, in the page and
  // from the command.
  const damaged = path.join(sweepDir, 'runs', 'run_000000.h5');
  fs.writeFileSync(damaged, fs.readFileSync(damaged).subarray(0, 2048));
  const sweepViewer = startViewer([sweepDir]);
  await page.goto(await sweepViewer.address);
  await page.waitForSelector('#sweep-table button[data-row="1"]');
  check((await page.$$('#sweep-table tr')).length === 3, 'the sweep table lists its 2 runs');
  await page.click('#sweep-table button[data-row="1"][data-as="a"]');
  await page.waitForFunction(() => document.querySelector('#readout-tick').textContent !== '');
  const run1 = readWithPython(path.join(sweepDir, 'runs', 'run_000001.h5'));
  const shownTick = Number(await readout('#readout-tick'));
  check(await readout('td[data-series="active"]') === String(run1.active[run1.tick.indexOf(shownTick)]),
    'a click on a sweep row opens that run, values as in its file');
  await page.click('#sweep-table button[data-row="0"][data-as="a"]');
  await page.waitForFunction(() => [...document.querySelectorAll('#messages .message')].some((m) => /run_000000\.h5/.test(m.textContent)));
  check(/run_000000\.h5/.test(sweepViewer.output().stderr), 'a damaged run opened from the table: a message in the page and a line from the command');
  await stopViewer(sweepViewer);
} catch (e) {
  console.log(`FAIL ${e.stack || e}`);
  failures += 1;
} finally {
  await browser.close();
}
console.log(failures === 0 ? 'viewer: all checks passed' : `viewer: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
