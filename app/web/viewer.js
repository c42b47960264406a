// confsim view: the page. Everything it shows comes from the run files through the command's
// small API (/api/...); nothing is fetched from anywhere else.
'use strict';

const COLOURS = {
  empty: [255, 255, 255], quiescent: [120, 170, 230], active: [220, 40, 40], jailed: [40, 40, 40],
  cop: [30, 160, 60], removed: [200, 200, 200],
};
const SPARE_COLOURS = [[230, 160, 30], [150, 80, 200], [0, 150, 150], [180, 120, 80], [240, 110, 180],
  [100, 100, 30], [90, 90, 200], [160, 200, 60]];

const state = {
  runs: [],          // from /api/runs: {label, path, error}
  loaded: new Map(), // run number -> {meta, series, events}
  a: null, b: null,  // run numbers shown, b for the comparison
  cursor: 0,         // index along run a's time axis
  playing: false, speed: 10,
  latticeVariable: null,
  eventKind: '', eventActor: '', selectedEvent: -1,
  lastRedrawMs: 0,    // the last cursor move's synchronous redraw
  latticesDrawn: 0, lastFetchMs: 0, lastReadMs: 0, lastPaintMs: 0,
};
window.confsimViewer = state;  // for tests and for measuring redraws

const $ = (id) => document.getElementById(id);

function message(text) {
  const p = document.createElement('p');
  p.className = 'message';
  p.textContent = text;
  $('messages').appendChild(p);
}

async function getJson(url) {
  let response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Error(`the viewer's command did not answer (${url}): is confsim view still running?`);
  }
  const text = await response.text();
  let body;
  try { body = JSON.parse(text); } catch (e) { throw new Error(`${url}: ${text.slice(0, 200)}`); }
  if (!response.ok) throw new Error(body.error || `${url}: HTTP ${response.status}`);
  return body;
}

function formatValue(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (Number.isInteger(v)) return String(v);
  const magnitude = Math.abs(v);
  if (magnitude >= 1000) return v.toFixed(1);
  if (magnitude >= 1) return v.toFixed(3);
  return v.toPrecision(3);
}

// Dates from the time axis's CF units, "days since YYYY-MM-DD" (other units shown as they are).
function dateOf(meta, time) {
  const m = /^days since (\d{4})-(\d\d)-(\d\d)/.exec(meta.time_units || '');
  if (!m) return `${time} ${meta.time_units || ''}`.trim();
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]) + time * 86400000);
  return d.toISOString().slice(0, 10);
}

// Series with a second dimension (regions, factions) are shown summed over it.
function seriesTotal(run, s, index) {
  const values = run.series.values[s.name];
  if (!s.labels) return values[index];
  const n = s.labels.length;
  let total = 0;
  for (let k = 0; k < n; ++k) total += values[index * n + k];
  return total;
}

function ticksOf(run) { return run.series.tick; }

// The index along run b's axis at run a's cursor: the same tick, or none.
function indexInRun(run, tick) {
  const ticks = ticksOf(run);
  let lo = 0, hi = ticks.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ticks[mid] === tick) return mid;
    if (ticks[mid] < tick) lo = mid + 1; else hi = mid - 1;
  }
  return -1;
}

async function loadRun(number) {
  if (state.loaded.has(number)) return state.loaded.get(number);
  const [meta, series] = await Promise.all([getJson(`/api/meta?run=${number}`), getJson(`/api/series?run=${number}`)]);
  const run = { number, meta, series, events: null, snapshots: new Map() };
  if (meta.events > 0) {
    try { run.events = await getJson(`/api/events?run=${number}`); } catch (e) { message(`events: ${e.message}`); }
  }
  state.loaded.set(number, run);
  return run;
}

function runA() { return state.loaded.get(state.a); }
function runB() { return state.b === null ? null : state.loaded.get(state.b); }

// ---------------------------------------------------------------- the cursor
function setCursor(index, { fromUrl = false } = {}) {
  const run = runA();
  if (!run) return;
  const last = run.series.tick.length - 1;
  state.cursor = Math.max(0, Math.min(last, Math.round(index)));
  if (!fromUrl) {
    const url = new URL(window.location.href);
    url.searchParams.set('tick', String(run.series.tick[state.cursor]));
    window.history.replaceState(null, '', url);
  }
  redraw();
}

function cursorTick() { return runA().series.tick[state.cursor]; }

function redraw() {
  const started = performance.now();
  const run = runA();
  const tick = run.series.tick[state.cursor];
  const date = dateOf(run.meta, run.series.time[state.cursor]);
  $('slider').value = String(state.cursor);
  $('cursor-label').textContent = `tick ${tick} of ${run.series.tick[run.series.tick.length - 1]} · ${date}`;
  $('readout-tick').textContent = String(tick);
  $('readout-date').textContent = `(${date})`;
  drawLattices();  // first: its snapshot's request is under way while the rest is drawn
  drawReadout();
  drawCursorOnCharts();
  placeTimelineCursor();
  drawEventTable();
  state.lastRedrawMs = performance.now() - started;
}

function startPlaying() {
  state.playing = true;
  $('play').textContent = 'Pause';
  let last = performance.now(), carried = 0;
  const step = (now) => {
    if (!state.playing) return;
    carried += (now - last) / 1000 * state.speed;
    last = now;
    if (carried >= 1) {
      const advance = Math.floor(carried);
      carried -= advance;
      const lastIndex = runA().series.tick.length - 1;
      if (state.cursor >= lastIndex) { stopPlaying(); return; }
      setCursor(state.cursor + advance);
    }
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
}
function stopPlaying() { state.playing = false; $('play').textContent = 'Play'; }

// ---------------------------------------------------------------- readout
function readoutSeries(run) {
  return run.meta.series.filter((s) => run.series.values[s.name]);
}

function drawReadout() {
  const a = runA(), b = runB();
  const table = $('readout');
  const rows = [];
  const header = b ? `<tr><th>series</th><th class="key-a">${escapeHtml(runLabel(state.a))}</th>` +
    `<th class="key-b">${escapeHtml(runLabel(state.b))}</th><th>difference</th></tr>`
    : '<tr><th>series</th><th>value</th></tr>';
  const bIndex = b ? indexInRun(b, cursorTick()) : -1;
  for (const s of readoutSeries(a)) {
    const va = seriesTotal(a, s, state.cursor);
    const name = s.labels ? `${s.name} (sum of ${s.labels.length})` : s.name;
    // Along a second dimension: each entry's value in the cell's tooltip.
    const parts = s.labels ? '\n' + s.labels.map((label, k) =>
      `${label}: ${formatValue(a.series.values[s.name][state.cursor * s.labels.length + k])}`).join('\n') : '';
    let cells = `<td title="${escapeHtml(s.long_name)}">${escapeHtml(name)}</td>` +
      `<td data-series="${s.name}" title="${escapeHtml(s.long_name + parts)}">${formatValue(va)}</td>`;
    if (b) {
      const sb = b.meta.series.find((x) => x.name === s.name);
      const vb = sb && bIndex >= 0 ? seriesTotal(b, sb, bIndex) : null;
      cells += `<td data-series-b="${s.name}">${formatValue(vb)}</td>` +
        `<td data-difference="${s.name}">${vb === null ? '–' : formatValue(vb - va)}</td>`;
    }
    rows.push(`<tr>${cells}</tr>`);
  }
  table.innerHTML = header + rows.join('');
}

function runLabel(number) { return state.runs[number] ? state.runs[number].label : `run ${number}`; }

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

// ---------------------------------------------------------------- lattices
function nearestSnapshot(run) {
  const times = run.meta.snapshot_time;
  if (!times || times.length === 0) return -1;
  const index = indexInRun(run, cursorTick());
  const now = index >= 0 ? run.series.time[index] : run.series.time[Math.min(state.cursor, run.series.time.length - 1)];
  let best = 0;
  for (let k = 1; k < times.length; ++k) if (Math.abs(times[k] - now) < Math.abs(times[best] - now)) best = k;
  return best;
}

function colourTable(variable) {
  const codes = Object.keys(variable.flags || {});
  const table = new Map();
  codes.forEach((code, i) => {
    const name = variable.flags[code];
    table.set(Number(code), COLOURS[name] || SPARE_COLOURS[i % SPARE_COLOURS.length]);
  });
  return table;
}

// A snapshot at the resolution it is shown at: every `every`-th cell of each row and column (the
// canvas is 240 or 480 pixels wide, so a 1000-cell side shows one cell in two or four anyway),
// every cell when asked. Resolves to {values, width, height}.
async function snapshotValues(run, variable, k, every) {
  const key = `${variable.name}/${k}/${every}`;
  if (run.snapshots.has(key)) return run.snapshots.get(key);
  const asked = performance.now();
  const response = await fetch(`/api/snapshot?run=${run.number}&name=${encodeURIComponent(variable.name)}&index=${k}&every=${every}`);
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(body.error || `snapshot ${key}: HTTP ${response.status}`);
  }
  const arrays = { int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array,
    uint32: Uint32Array, float32: Float32Array, float64: Float64Array };
  const contentType = response.headers.get('Content-Type') || '';
  const type = /x-confsim-(\w+)/.exec(contentType);
  const dimension = (name, fallback) => { const m = new RegExp(`${name}=(\\d+)`).exec(contentType); return m ? Number(m[1]) : fallback; };
  const snapshot = {
    values: new (arrays[type ? type[1] : ''] || Float64Array)(await response.arrayBuffer()),
    height: dimension('height', variable.height), width: dimension('width', variable.width), every,
  };
  state.lastFetchMs = performance.now() - asked;
  const timing = /dur=([\d.]+)/.exec(response.headers.get('Server-Timing') || '');
  state.lastReadMs = timing ? Number(timing[1]) : 0;
  run.snapshots.set(key, snapshot);
  // Keep the last few dozen: a 1000 × 1000 snapshot is 1 to 8 MB.
  if (run.snapshots.size > 24) run.snapshots.delete(run.snapshots.keys().next().value);
  return snapshot;
}

// One cell in `every` along each side, so that the snapshot has at least as many cells as the
// canvas has pixels.
function cellsPerPixel(variable, canvas) {
  if ($('every-cell').checked) return 1;
  const pixels = Math.max(1, Math.round((canvas.clientWidth || 480) * devicePixelRatio));
  return Math.max(1, Math.floor(Math.max(variable.width, variable.height) / pixels));
}

// Images kept per canvas between paints: a 1000 × 1000 lattice is 4 MB of pixels to allocate.
const images = new WeakMap();

function paint(canvas, variable, snapshot) {
  const { width, height, values } = snapshot;
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
    images.delete(canvas);
  }
  const context = canvas.getContext('2d');
  if (!images.has(canvas)) images.set(canvas, context.createImageData(width, height));
  const image = images.get(canvas);
  // One 32-bit store per pixel (RGBA in memory order is ABGR in a little-endian word).
  const pixels = new Uint32Array(image.data.buffer);
  const word = (rgb) => (255 << 24 | rgb[2] << 16 | rgb[1] << 8 | rgb[0]) >>> 0;
  const colours = colourTable(variable);
  if (colours.size > 0) {
    // Codes are small whole numbers: a direct table, no lookup per pixel.
    const lut = new Uint32Array(256).fill(0xFFFFFFFF);
    for (const [code, rgb] of colours) if (code >= 0 && code < 256) lut[code] = word(rgb);
    for (let i = 0, n = values.length; i < n; ++i) pixels[i] = lut[values[i] & 255];
  } else {
    let lo = Infinity, hi = -Infinity;
    for (const v of values) if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
    const span = hi > lo ? hi - lo : 1;
    for (let i = 0, n = values.length; i < n; ++i) {
      const g = Number.isFinite(values[i]) ? 255 - Math.round((values[i] - lo) / span * 255) : 255;
      pixels[i] = word([g, g, g]);
    }
  }
  context.putImageData(image, 0, 0);
}

let latticeGeneration = 0;
async function drawLattices() {
  const a = runA();
  if (!a || a.meta.snapshots.length === 0) { $('lattice-panel').hidden = true; return; }
  $('lattice-panel').hidden = false;
  const generation = ++latticeGeneration;
  const runs = [a, runB()].filter((r) => r);
  const holder = $('lattices');
  if (holder.children.length !== runs.length) {
    holder.innerHTML = runs.map(() => '<div class="lattice"><figure><canvas></canvas><figcaption></figcaption></figure></div>').join('');
  }
  [...holder.children].forEach((el) => el.classList.toggle('single', runs.length === 1));
  for (let r = 0; r < runs.length; ++r) {
    const run = runs[r];
    const variable = run.meta.snapshots.find((v) => v.name === state.latticeVariable) || run.meta.snapshots[0];
    const k = nearestSnapshot(run);
    const figure = holder.children[r];
    const caption = figure.querySelector('figcaption');
    if (k < 0) { caption.textContent = 'no snapshots'; continue; }
    try {
      const canvas = figure.querySelector('canvas');
      const snapshot = await snapshotValues(run, variable, k, cellsPerPixel(variable, canvas));
      if (generation !== latticeGeneration) return;  // the cursor moved on meanwhile
      const painting = performance.now();
      paint(canvas, variable, snapshot);
      state.lastPaintMs = performance.now() - painting;
      const snapshotTick = snapshotTickOf(run, k);
      caption.textContent = `${runs.length > 1 ? runLabel(run.number) + ': ' : ''}${variable.name}, snapshot at ` +
        `tick ${snapshotTick} (${dateOf(run.meta, run.meta.snapshot_time[k])}), the nearest to the cursor` +
        (snapshot.every > 1 ? `; one cell in ${snapshot.every} along each side, as many as the picture has pixels` : '');
    } catch (e) {
      caption.textContent = e.message;
    }
  }
  drawLegend(runs[0].meta.snapshots.find((v) => v.name === state.latticeVariable) || runs[0].meta.snapshots[0]);
  // Counted, so that bench/viewer_bench.mjs knows when a cursor move's snapshot is painted.
  state.latticesDrawn += 1;
}

function snapshotTickOf(run, k) {
  const time = run.meta.snapshot_time[k];
  const i = run.series.time.indexOf(time);
  return i >= 0 ? run.series.tick[i] : time;
}

function drawLegend(variable) {
  const colours = colourTable(variable);
  if (colours.size === 0) { $('legend').textContent = 'light: low, dark: high (this snapshot\'s range)'; return; }
  $('legend').innerHTML = [...colours].map(([code, rgb]) =>
    `<span><i style="background: rgb(${rgb.join(',')})"></i>${escapeHtml(variable.flags[code])}</span>`).join('');
}

// ---------------------------------------------------------------- charts
const charts = [];  // {series, canvas, difference, cursor}: the lines drawn once, the cursor a positioned line

function buildCharts() {
  const holder = $('charts');
  holder.innerHTML = '';
  charts.length = 0;
  const a = runA(), b = runB();
  for (const s of readoutSeries(a)) {
    const div = document.createElement('div');
    div.className = 'chart';
    const title = document.createElement('div');
    title.className = 'title';
    title.innerHTML = `<b>${escapeHtml(s.name)}</b>${s.labels ? ` (sum of ${s.labels.length})` : ''} — ${escapeHtml(s.long_name)}` +
      (b ? ` <span class="key-a">■ ${escapeHtml(runLabel(state.a))}</span> <span class="key-b">■ ${escapeHtml(runLabel(state.b))}</span>` : '');
    const plot = document.createElement('div');
    plot.className = 'plot';
    const canvas = document.createElement('canvas');
    const cursor = document.createElement('div');
    cursor.className = 'cursor-line';
    plot.append(canvas);
    let difference = null;
    if (b) {
      difference = document.createElement('canvas');
      difference.className = 'difference';
      difference.title = 'difference: compared run minus run';
      plot.append(difference);
    }
    plot.append(cursor);
    div.append(title, plot);
    holder.append(div);
    const chart = { series: s, canvas, difference, cursor };
    charts.push(chart);
    for (const c of [canvas, difference].filter((x) => x)) {
      c.addEventListener('mousemove', (e) => hover(chart, c, e));
      c.addEventListener('mouseleave', () => { $('tooltip').hidden = true; });
      c.addEventListener('click', (e) => setCursor(indexAt(c, e)));
    }
  }
  drawChartLines();
}

function indexAt(canvas, event) {
  const rect = canvas.getBoundingClientRect();
  const n = runA().series.tick.length;
  return Math.round((event.clientX - rect.left) / rect.width * (n - 1));
}

function hover(chart, canvas, event) {
  const a = runA(), b = runB();
  const i = Math.max(0, Math.min(a.series.tick.length - 1, indexAt(canvas, event)));
  const tick = a.series.tick[i];
  let text = `tick ${tick} (${dateOf(a.meta, a.series.time[i])})\n${chart.series.name}: ${formatValue(seriesTotal(a, chart.series, i))}`;
  if (b) {
    const j = indexInRun(b, tick);
    const sb = b.meta.series.find((x) => x.name === chart.series.name);
    if (j >= 0 && sb) {
      const vb = seriesTotal(b, sb, j);
      text += `\ncompared: ${formatValue(vb)}, difference ${formatValue(vb - seriesTotal(a, chart.series, i))}`;
    }
  }
  const tip = $('tooltip');
  tip.textContent = text;
  tip.style.left = `${event.clientX + 12}px`;
  tip.style.top = `${event.clientY + 12}px`;
  tip.hidden = false;
}

// Each chart's lines, drawn when the runs or the page's size change (the cursor is placed over them).
function drawChartLines() {
  const a = runA(), b = runB();
  const n = a.series.tick.length;
  for (const chart of charts) {
    const lines = [{ run: a, series: chart.series, colour: '#1f5fbf' }];
    if (b) {
      const sb = b.meta.series.find((x) => x.name === chart.series.name);
      if (sb) lines.push({ run: b, series: sb, colour: '#d0661b' });
    }
    const valuesOf = (line) => {
      const out = new Float64Array(n);
      for (let i = 0; i < n; ++i) {
        const j = line.run === a ? i : indexInRun(line.run, a.series.tick[i]);
        out[i] = j >= 0 ? seriesTotal(line.run, line.series, j) : NaN;
      }
      return out;
    };
    const drawn = lines.map((line) => ({ colour: line.colour, values: valuesOf(line) }));
    plotLines(chart.canvas, drawn);
    if (chart.difference && drawn.length === 2) {
      const d = new Float64Array(n);
      for (let i = 0; i < n; ++i) d[i] = drawn[1].values[i] - drawn[0].values[i];
      plotLines(chart.difference, [{ colour: '#555', values: d }], true);
    }
  }
}

function plotLines(canvas, lines, zeroLine = false) {
  const width = Math.max(200, Math.round(canvas.clientWidth * devicePixelRatio) || 600);
  const height = Math.max(30, Math.round(canvas.clientHeight * devicePixelRatio) || 110);
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext('2d');
  let lo = Infinity, hi = -Infinity;
  for (const line of lines) for (const v of line.values) if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
  if (zeroLine) { lo = Math.min(lo, 0); hi = Math.max(hi, 0); }
  if (hi === lo) { hi += 1; lo -= 1; }
  const pad = 4 * devicePixelRatio;
  const y = (v) => height - pad - (v - lo) / (hi - lo) * (height - 2 * pad);
  g.font = `${10 * devicePixelRatio}px sans-serif`;
  g.fillStyle = '#888';
  g.fillText(formatValue(hi), 3, 11 * devicePixelRatio);
  g.fillText(formatValue(lo), 3, height - 3);
  if (zeroLine) { g.strokeStyle = '#ccc'; g.beginPath(); g.moveTo(0, y(0)); g.lineTo(width, y(0)); g.stroke(); }
  for (const line of lines) {
    const n = line.values.length;
    g.strokeStyle = line.colour;
    g.lineWidth = devicePixelRatio;
    g.beginPath();
    // At most one vertex per pixel column: its range, so spikes stay visible.
    let started = false;
    for (let px = 0; px < width; ++px) {
      const i0 = Math.floor(px / width * n), i1 = Math.max(i0 + 1, Math.floor((px + 1) / width * n));
      let mn = Infinity, mx = -Infinity;
      for (let i = i0; i < Math.min(i1, n); ++i) { const v = line.values[i]; if (Number.isFinite(v)) { if (v < mn) mn = v; if (v > mx) mx = v; } }
      if (!Number.isFinite(mn)) { started = false; continue; }
      if (!started) { g.moveTo(px, y(mn)); started = true; } else g.lineTo(px, y(mn));
      if (mx !== mn) g.lineTo(px, y(mx));
    }
    g.stroke();
  }
}

// The charts' lines stay as drawn; the cursor is a line placed over them (no canvas redrawn).
function drawCursorOnCharts() {
  const n = runA().series.tick.length;
  const left = `${n > 1 ? state.cursor / (n - 1) * 100 : 0}%`;
  for (const chart of charts) chart.cursor.style.left = left;
}

// ---------------------------------------------------------------- events
function eventMatches(ev, i) {
  if (state.eventKind !== '' && ev.kind_names[ev.kind[i]] !== state.eventKind) return false;
  if (state.eventActor !== '' && ev.actor_names[ev.actor[i]] !== state.eventActor) return false;
  return true;
}

// The events that pass the filters, kept until the run or a filter changes (a cursor move
// redraws the list and the timeline, which need them).
let filtered = { key: null, events: [] };
function filteredEvents() {
  const ev = runA().events;
  if (!ev) return [];
  const key = `${state.a}|${state.eventKind}|${state.eventActor}`;
  if (filtered.key === key) return filtered.events;
  const out = [];
  for (let i = 0; i < ev.tick.length; ++i) if (eventMatches(ev, i)) out.push(i);
  filtered = { key, events: out };
  return out;
}

function setupEvents() {
  const ev = runA().events;
  $('events-panel').hidden = !ev;
  if (!ev) return;
  const fill = (select, names) => {
    const previous = select.value;
    select.innerHTML = '<option value="">(all)</option>' +
      [...new Set(names)].filter((n) => n !== '').sort().map((n) => `<option>${escapeHtml(n)}</option>`).join('');
    if ([...select.options].some((o) => o.value === previous)) select.value = previous;
  };
  fill($('event-kind'), ev.kind_names);
  fill($('event-actor'), ev.actor_names);
  state.eventKind = $('event-kind').value;
  state.eventActor = $('event-actor').value;
}

function drawTimeline() {
  const a = runA();
  const canvas = $('timeline');
  if (!a.events) return;
  const width = Math.max(200, Math.round(canvas.clientWidth * devicePixelRatio) || 800);
  const height = canvas.height;
  if (canvas.width !== width) canvas.width = width;
  const g = canvas.getContext('2d');
  g.clearRect(0, 0, width, height);
  const first = a.series.tick[0], last = a.series.tick[a.series.tick.length - 1];
  const span = Math.max(1, last - first);
  const counts = new Float64Array(width);
  const matching = filteredEvents();
  for (const i of matching) {
    const px = Math.min(width - 1, Math.floor((a.events.tick[i] - first) / span * (width - 1)));
    counts[px] += 1;
  }
  let top = 1;
  for (const c of counts) if (c > top) top = c;
  g.fillStyle = '#1f5fbf';
  for (let px = 0; px < width; ++px) if (counts[px] > 0) {
    const h = Math.max(1, counts[px] / top * (height - 4));
    g.fillRect(px, height - h, 1, h);
  }
  $('event-count').textContent = `${matching.length} of ${a.events.tick.length} match`;
  placeTimelineCursor();
}

function placeTimelineCursor() {
  const a = runA();
  if (!a.events) return;
  const first = a.series.tick[0], last = a.series.tick[a.series.tick.length - 1];
  $('timeline-cursor').style.left = `${(cursorTick() - first) / Math.max(1, last - first) * 100}%`;
}

function drawEventTable() {
  const a = runA();
  const ev = a.events;
  if (!ev) return;
  const matching = filteredEvents();
  // The events around the cursor: the 40 before it and the 40 from it on.
  const tick = cursorTick();
  let lo = 0, hi = matching.length;  // the first event at or after the cursor's tick
  while (lo < hi) { const mid = (lo + hi) >> 1; if (ev.tick[matching[mid]] < tick) lo = mid + 1; else hi = mid; }
  const at = lo;
  const shown = matching.slice(Math.max(0, at - 40), at + 40);
  const rows = shown.map((i) => {
    const cls = [i === state.selectedEvent ? 'selected' : '', ev.tick[i] > tick ? 'after-cursor' : ''].join(' ').trim();
    return `<tr data-event="${i}" class="${cls}"><td>${ev.tick[i]}</td><td>${escapeHtml(ev.kind_names[ev.kind[i]])}</td>` +
      `<td>${escapeHtml(ev.actor_names[ev.actor[i]])}</td><td>${escapeHtml(ev.target_names[ev.target[i]])}</td>` +
      `<td>${escapeHtml(ev.region_names[ev.region[i]])}</td><td>${ev.killed[i]}</td><td>${ev.wounded[i]}</td>` +
      `<td>${ev.arrested[i]}</td></tr>`;
  });
  $('events').innerHTML = '<tr><th>tick</th><th>kind</th><th>actor</th><th>target</th><th>region</th>' +
    '<th>killed</th><th>wounded</th><th>arrested</th></tr>' + rows.join('');
}

function selectEvent(i) {
  const a = runA();
  const ev = a.events;
  state.selectedEvent = i;
  const tick = ev.tick[i];
  const index = indexInRun(a, tick);
  const who = ev.actor_names[ev.actor[i]] || '(no actor)';
  const whom = [ev.target_names[ev.target[i]], ev.target_actor_names[ev.target_actor[i]]].filter((x) => x && x !== 'none').join(' of ') || '(no target)';
  const where = ev.region_names[ev.region[i]] || '(the whole lattice)';
  $('event-detail').innerHTML = `<b>${escapeHtml(ev.kind_names[ev.kind[i]])}</b> at tick ${tick}` +
    (index >= 0 ? ` (${dateOf(a.meta, a.series.time[index])})` : '') +
    ` — who: ${escapeHtml(who)}; whom: ${escapeHtml(whom)}; where: ${escapeHtml(where)}; ` +
    `killed ${ev.killed[i]}, wounded ${ev.wounded[i]}, arrested ${ev.arrested[i]}, participants ${ev.participants[i]}`;
  if (index >= 0) setCursor(index); else redraw();
}

// ---------------------------------------------------------------- sweep
async function setupSweep(sweep) {
  if (!sweep) return;
  $('sweep-panel').hidden = false;
  $('sweep-path').textContent = sweep.path;
  if (sweep.error) { message(sweep.error); return; }
  const table = await getJson('/api/sweep');
  const columns = table.columns.filter((c) => !['run_files'].includes(c.name));
  const head = '<tr><th></th>' + columns.map((c) => `<th>${escapeHtml(c.name)}</th>`).join('') + '</tr>';
  const rows = [];
  for (let r = 0; r < table.runs; ++r) {
    const cells = columns.map((c) => `<td>${escapeHtml(c.texts ? c.texts[r] : formatValue(c.numbers[r]))}</td>`).join('');
    rows.push(`<tr><td><button data-row="${r}" data-as="a">view</button> <button data-row="${r}" data-as="b">compare</button></td>${cells}</tr>`);
  }
  $('sweep-table').innerHTML = head + rows.join('');
  $('sweep-table').addEventListener('click', async (e) => {
    const button = e.target.closest('button[data-row]');
    if (!button) return;
    try {
      const opened = await getJson(`/api/open?row=${button.dataset.row}`);
      await refreshRunList();
      if (button.dataset.as === 'b' && state.a !== null) await chooseRuns(state.a, opened.run);
      else await chooseRuns(opened.run, state.b);
    } catch (err) { message(err.message); }
  });
}

// ---------------------------------------------------------------- runs
async function refreshRunList() {
  const listed = await getJson('/api/runs');
  state.runs = listed.runs;
  const options = state.runs.map((r, i) => `<option value="${i}"${r.error ? ' disabled' : ''}>${escapeHtml(r.label)}${r.error ? ' (cannot be read)' : ''}</option>`).join('');
  $('run-a').innerHTML = options;
  $('run-b').innerHTML = '<option value="">(none)</option>' + options;
  if (state.a !== null) $('run-a').value = String(state.a);
  $('run-b').value = state.b === null ? '' : String(state.b);
  return listed;
}

async function chooseRuns(a, b) {
  const tick = state.a !== null && runA() ? cursorTick() : null;
  const runA_ = await loadRun(a);
  state.a = a;
  state.b = null;
  if (b !== null && b !== undefined && b !== a) {
    try { await loadRun(b); state.b = b; } catch (e) { message(`${runLabel(b)}: ${e.message}`); }
  }
  $('run-a').value = String(state.a);
  $('run-b').value = state.b === null ? '' : String(state.b);
  const attrs = runA_.meta.attributes;
  $('run-info').textContent = `${attrs.scenario_name || ''} · ${attrs.model || ''}${attrs.preset ? ' (' + attrs.preset + ')' : ''} · seed ${attrs.seed || '?'} · confsim ${attrs.confsim_version || '?'}`;
  $('slider').max = String(runA_.series.tick.length - 1);
  const select = $('lattice-variable');
  select.innerHTML = runA_.meta.snapshots.map((v) => `<option>${escapeHtml(v.name)}</option>`).join('');
  if (runA_.meta.snapshots.some((v) => v.name === state.latticeVariable)) select.value = state.latticeVariable;
  state.latticeVariable = select.value || null;
  state.selectedEvent = -1;
  $('event-detail').textContent = '';
  setupEvents();
  buildCharts();
  drawTimeline();
  $('provenance').textContent = 'reading…';
  fetch(`/api/provenance?run=${a}`).then(async (r) => {
    const text = await r.text();
    $('provenance').textContent = r.ok ? text : (JSON.parse(text).error || text);
  }).catch((e) => { $('provenance').textContent = e.message; });
  const index = tick === null ? state.cursor : indexInRun(runA_, tick);
  setCursor(index >= 0 ? index : 0);
}

function wireControls() {
  $('slider').addEventListener('input', () => setCursor(Number($('slider').value)));
  $('step-back').addEventListener('click', () => setCursor(state.cursor - 1));
  $('step-forward').addEventListener('click', () => setCursor(state.cursor + 1));
  $('play').addEventListener('click', () => (state.playing ? stopPlaying() : startPlaying()));
  $('speed').addEventListener('change', () => { state.speed = Number($('speed').value); });
  $('run-a').addEventListener('change', () => chooseRuns(Number($('run-a').value), state.b).catch((e) => message(e.message)));
  $('run-b').addEventListener('change', () => {
    const v = $('run-b').value;
    chooseRuns(state.a, v === '' ? null : Number(v)).catch((e) => message(e.message));
  });
  $('lattice-variable').addEventListener('change', () => { state.latticeVariable = $('lattice-variable').value; drawLattices(); });
  $('every-cell').addEventListener('change', () => drawLattices());
  $('event-kind').addEventListener('change', () => { state.eventKind = $('event-kind').value; drawTimeline(); redraw(); });
  $('event-actor').addEventListener('change', () => { state.eventActor = $('event-actor').value; drawTimeline(); redraw(); });
  $('events').addEventListener('click', (e) => {
    const row = e.target.closest('tr[data-event]');
    if (row) selectEvent(Number(row.dataset.event));
  });
  $('timeline').addEventListener('click', (e) => {
    const a = runA();
    const rect = $('timeline').getBoundingClientRect();
    const first = a.series.tick[0], last = a.series.tick[a.series.tick.length - 1];
    const tick = Math.round(first + (e.clientX - rect.left) / rect.width * (last - first));
    let index = indexInRun(a, tick);
    if (index < 0) index = a.series.tick.findIndex((t) => t >= tick);
    setCursor(index >= 0 ? index : a.series.tick.length - 1);
  });
  document.addEventListener('keydown', (e) => {
    if (!runA() || e.target.matches('input, select, textarea')) return;
    if (e.key === 'ArrowRight') { setCursor(state.cursor + 1); e.preventDefault(); }
    else if (e.key === 'ArrowLeft') { setCursor(state.cursor - 1); e.preventDefault(); }
    else if (e.key === ' ') { (state.playing ? stopPlaying : startPlaying)(); e.preventDefault(); }
  });
  let resizeTimer = 0;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => { if (runA()) { drawChartLines(); drawTimeline(); redraw(); } }, 150);
  });
}

async function main() {
  wireControls();
  let listed;
  try {
    listed = await refreshRunList();
  } catch (e) {
    message(e.message);
    return;
  }
  for (const r of listed.runs) if (r.error) message(r.error);
  const readable = listed.runs.map((r, i) => (r.error ? -1 : i)).filter((i) => i >= 0);
  await setupSweep(listed.sweep).catch((e) => message(e.message));
  if (readable.length === 0) {
    if (!listed.sweep) message('None of the files given can be read.');
    else $('readout-panel').hidden = true;
    return;
  }
  const requested = new URL(window.location.href).searchParams.get('tick');
  try {
    await chooseRuns(readable[0], readable.length > 1 ? readable[1] : null);
  } catch (e) {
    message(`${runLabel(readable[0])}: ${e.message}`);
    return;
  }
  if (requested !== null) {
    const tick = Number(requested);
    const index = Number.isFinite(tick) ? indexInRun(runA(), tick) : -1;
    if (index >= 0) setCursor(index, { fromUrl: true });
    else message(`tick=${requested}: the run has no such tick (it has ${runA().series.tick[0]} to ${runA().series.tick[runA().series.tick.length - 1]})`);
  }
  document.body.dataset.ready = 'true';
}

state.setCursor = (index) => setCursor(index);
main();
