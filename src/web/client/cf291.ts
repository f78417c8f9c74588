// The Channel File 291 view: the channel file in hex and decoded side by side (colour-linked), the
// diff between two content versions, the whole story (src/sim/scenario's runCf291Story) and the
// fleet simulation (src/sim/fleet) with its chart, metrics and controls. The slow parts run in a
// Web Worker.

import * as Plot from '@observablehq/plot';
import { type FieldAt, describeFields, diffFiles } from '../../sim/scenario/bcf1.js';
import { BAD_VERSION, LAST_GOOD_VERSION, VERSIONS, contentBytes } from '../../sim/scenario/content.js';
import { FLEET_PRESETS, PRESET_NAMES, type PresetName } from '../../sim/fleet/config.js';
import { fleetChartSpec, formatMinutes } from '../../sim/fleet/report.js';
import type { FleetMetrics } from '../../sim/fleet/simulate.js';
import { $, el, esc, hex2, setStatus } from './dom.js';
import { ask } from './work.js';
import type { FleetOut } from './worker.js';

let started = false;

export function initCf291(): void {
  if (started) return;
  started = true;
  for (const b of document.querySelectorAll<HTMLButtonElement>('.subtabs [data-sub]')) {
    b.addEventListener('click', () => showSub(b.dataset.sub!));
  }
  const ver = $<HTMLSelectElement>('#cf-version');
  const da = $<HTMLSelectElement>('#cf-diff-a');
  const db = $<HTMLSelectElement>('#cf-diff-b');
  for (const s of [ver, da, db]) {
    for (const v of VERSIONS) s.append(el('option', { value: v.name }, `${v.name}${v.bad ? ' (bad)' : ''}`));
  }
  ver.value = BAD_VERSION;
  da.value = LAST_GOOD_VERSION;
  db.value = BAD_VERSION;
  ver.addEventListener('change', renderFile);
  da.addEventListener('change', () => {
    renderDiff();
    renderFile();
  });
  db.addEventListener('change', () => {
    ver.value = db.value;
    renderDiff();
    renderFile();
  });
  $<HTMLInputElement>('#cf-skip').addEventListener('change', renderFile);
  renderFile();
  renderDiff();

  // linked highlighting between bytes and fields
  const link = (e: Event, on: boolean): void => {
    const t = (e.target as HTMLElement).closest<HTMLElement>('[data-f]');
    if (!t) return;
    for (const x of document.querySelectorAll<HTMLElement>(`#tab-cf291 [data-f="${t.dataset.f}"]`)) x.classList.toggle('hl', on);
  };
  for (const id of ['#cf-hex', '#cf-decoded']) {
    $(id).addEventListener('mouseover', (e) => link(e, true));
    $(id).addEventListener('mouseout', (e) => link(e, false));
  }

  $('#cf-story-run').addEventListener('click', runStory);

  const presets = $('#fleet-presets');
  for (const p of PRESET_NAMES) {
    const info = FLEET_PRESETS[p];
    const cb = el('input', { type: 'checkbox', value: p, id: `preset-${p}` });
    if (p === 'S1' || p === 'S2' || p === 'S4') cb.checked = true;
    presets.append(el('label', { title: info.description, for: `preset-${p}` }, cb, ` ${p} ${info.title}`));
  }
  $('#fleet-run').addEventListener('click', runFleet);
  let t = 0;
  window.addEventListener('resize', () => {
    window.clearTimeout(t);
    t = window.setTimeout(drawChart, 150);
  });
  $<HTMLSelectElement>('#fleet-scale').addEventListener('change', drawChart);
}

function showSub(name: string): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>('.subtabs [data-sub]')) {
    const on = b.dataset.sub === name;
    b.setAttribute('aria-selected', String(on));
    $(`#cf-sub-${b.dataset.sub}`).hidden = !on;
  }
  if (name === 'fleet' && !fleetResults) runFleet();
  if (name === 'story' && !storyDone) runStory();
}

// ---- the file -------------------------------------------------------------------------------

function isWildcardCrit(f: FieldAt): boolean {
  return f.size === 16 && f.value === 'WILDCARD';
}

function changedNames(): Set<string> {
  const a = $<HTMLSelectElement>('#cf-diff-a').value;
  const b = $<HTMLSelectElement>('#cf-diff-b').value;
  if ($<HTMLSelectElement>('#cf-version').value !== b || a === b) return new Set();
  return new Set(diffFiles(contentBytes(a), contentBytes(b)).filter((c) => c.after !== null).map((c) => c.name));
}

function renderFile(): void {
  const name = $<HTMLSelectElement>('#cf-version').value;
  const v = VERSIONS.find((x) => x.name === name)!;
  const bytes = contentBytes(name);
  const fields = describeFields(bytes);
  const changed = changedNames();
  const skip = $<HTMLInputElement>('#cf-skip').checked;
  $('#cf-version-note').textContent = `${v.date}: ${v.note} (${bytes.length} bytes)`;
  const owner = new Int32Array(bytes.length).fill(-1);
  fields.forEach((f, i) => {
    for (let b = f.offset; b < f.offset + f.size && b < bytes.length; b++) {
      // criteria are the finest fields; instance header fields win over nothing
      owner[b] = i;
    }
  });
  // hex
  const hex = $('#cf-hex');
  hex.textContent = '';
  let skipped = 0;
  const flush = (): void => {
    if (skipped) hex.append(el('div', { class: 'row skip' }, `          … ${skipped} lines of WILDCARD criteria hidden`));
    skipped = 0;
  };
  for (let off = 0; off < bytes.length; off += 16) {
    const idx = Array.from({ length: Math.min(16, bytes.length - off) }, (_, i) => owner[off + i]!);
    if (skip && idx.every((i) => i >= 0 && isWildcardCrit(fields[i]!) && !changed.has(fields[i]!.name))) {
      skipped++;
      continue;
    }
    flush();
    const row = el('div', { class: 'row' }, el('span', { class: 'off' }, off.toString(16).padStart(6, '0') + '  '));
    let ascii = '';
    for (let i = 0; i < idx.length; i++) {
      const b = bytes[off + i]!;
      const f = idx[i]!;
      const fld = f >= 0 ? fields[f]! : null;
      const cls = ['bt', fld && changed.has(fld.name) ? 'changed' : '', off + i < 32 ? 'hdr' : ''].filter(Boolean).join(' ');
      const span = el('span', { class: cls, 'data-f': String(f), title: fld ? `0x${(off + i).toString(16)}: ${fld.name} = ${fld.value}` : '' }, hex2(b));
      row.append(span, i === 7 ? '  ' : ' ');
      ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    row.append(el('span', { class: 'off' }, ` |${ascii.padEnd(16)}|`));
    hex.append(row);
  }
  flush();
  // decoded
  const dec = $('#cf-decoded');
  dec.textContent = '';
  let wild = 0;
  const flushWild = (): void => {
    if (wild) dec.append(el('div', { class: 'fd' }, el('span', { class: 'o' }, ''), el('span', { class: 'n' }, `… ${wild} × WILDCARD`)));
    wild = 0;
  };
  let inst = '';
  fields.forEach((f, i) => {
    const m = /^instance\[(\d+)\] (0x[0-9a-f]+)\.(.*)$/.exec(f.name);
    const shortName = m ? m[3]! : f.name;
    if (m && m[2] !== inst) {
      flushWild();
      inst = m[2]!;
      dec.append(el('div', { class: 'inst' }, `Template instance ${m[1]} (id ${m[2]})`));
    }
    if (skip && isWildcardCrit(f) && !changed.has(f.name)) {
      wild++;
      return;
    }
    flushWild();
    const crit = /^crit\[(\d+)\]$/.exec(shortName);
    const label = crit ? `crit[${crit[1]}] field ${Number(crit[1]) + 1}` : shortName;
    dec.append(el('div', { class: 'fd' + (changed.has(f.name) ? ' changed' : '') + (crit && f.value !== 'WILDCARD' ? ' nonwild' : ''), 'data-f': String(i) },
      el('span', { class: 'o' }, `0x${f.offset.toString(16).padStart(3, '0')}`),
      el('span', {}, el('span', { class: 'n' }, `${label} = `), el('span', { class: 'v' }, f.value))));
  });
  flushWild();
}

function renderDiff(): void {
  const a = $<HTMLSelectElement>('#cf-diff-a').value;
  const b = $<HTMLSelectElement>('#cf-diff-b').value;
  const box = $('#cf-diff');
  box.textContent = '';
  const changes = diffFiles(contentBytes(a), contentBytes(b));
  const key = changes.find((c) => /crit\[20\]$/.test(c.name) && c.after !== null && c.after !== 'WILDCARD');
  const summary = el('div', { class: 'summary' });
  summary.innerHTML = `${changes.length} field changes from <b>${esc(a)}</b> to <b>${esc(b)}</b>.`
    + (key ? ` <b style="color:var(--bad)">${esc(key.name)}</b> (input field 21) is <b>${esc(key.after!)}</b>: the first criterion that makes the interpreter read a 21st input; the sensor supplies 20.` : ' No criterion in field 21 is anything but a wildcard.');
  box.append(summary);
  let wild = 0;
  let sign = '';
  const flush = (): void => {
    if (wild) box.append(el('div', { class: `chg ${sign === '+' ? 'add' : 'del'}` }, `${sign} … ${wild} × WILDCARD criteria`));
    wild = 0;
  };
  for (const c of changes) {
    const v = c.after ?? c.before;
    if ((c.before === null || c.after === null) && v === 'WILDCARD') {
      const s = c.before === null ? '+' : '-';
      if (wild && s !== sign) flush();
      sign = s;
      wild++;
      continue;
    }
    flush();
    const kind = c.before === null ? 'add' : c.after === null ? 'del' : 'mod';
    const text = kind === 'add' ? `+ ${c.name} = ${c.after}` : kind === 'del' ? `- ${c.name} = ${c.before}` : `~ ${c.name}: ${c.before} → ${c.after}`;
    box.append(el('div', { class: `chg ${kind}${c === key ? ' key' : ''}` }, el('span', { class: 'o' }, `0x${c.offset.toString(16).padStart(4, '0')} `), text));
  }
  flush();
}

// ---- the story ------------------------------------------------------------------------------

let storyDone = false;

function runStory(): void {
  const status = $('#cf-story-status');
  status.textContent = 'running the verifier, the driver and the sandbox in a worker…';
  $<HTMLButtonElement>('#cf-story-run').disabled = true;
  ask({ kind: 'story', seed: 1 }, (m) => {
    if (m.kind === 'progress') return false;
    $<HTMLButtonElement>('#cf-story-run').disabled = false;
    if (m.kind === 'error') {
      status.textContent = `failed: ${m.message}`;
      return true;
    }
    if (m.kind !== 'story') return true;
    storyDone = true;
    status.textContent = `computed in ${m.ms} ms`;
    const box = $('#cf-story');
    box.textContent = '';
    for (const sec of m.sections) {
      box.append(el('h3', {}, sec.title));
      for (const l of sec.lines) {
        const p = el('p', {}, l.text);
        if (l.sources.length) p.append(el('span', { class: 'src', title: 'sources (docs/cf291.md)' }, `[${l.sources.join(', ')}]`));
        box.append(p);
      }
    }
    const bsod = $('#cf-story-bugcheck');
    bsod.hidden = m.panel.length === 0;
    bsod.textContent = '';
    bsod.append(el('div', { class: 'face' }, ':('));
    bsod.append(el('div', { class: 'line' }, 'Your simulated machine ran into a problem and halted.'));
    let regs: HTMLElement | null = null;
    for (const l of m.panel) {
      if (!l.text || l.text.startsWith(':(')) continue;
      if (/^r\d+=/.test(l.text)) {
        if (!regs) bsod.append((regs = el('div', { class: 'regsgrid' })));
        for (const r of l.text.trim().split(/\s+/)) regs.append(el('span', {}, r));
        continue;
      }
      bsod.append(el('div', { class: 'line' + (l.text.startsWith('STOP') ? ' stop' : '') }, l.text));
    }
    bsod.append(el('div', { class: 'reboot' }, 'Driver mode, content v0719-0409: the machine halts at the first IPC event that reaches instance 0x2A, and again at every boot.'));
    return true;
  });
}

// ---- the fleet ------------------------------------------------------------------------------

let fleetResults: FleetOut[] | null = null;
let fleetHours = 24;

function runFleet(): void {
  const presets = [...document.querySelectorAll<HTMLInputElement>('#fleet-presets input:checked')].map((x) => x.value as PresetName);
  if (!presets.length) return;
  const hosts = Number($<HTMLSelectElement>('#fleet-hosts').value);
  const seed = Number($<HTMLInputElement>('#fleet-seed').value) || 0;
  const hours = Math.max(1, Math.min(240, Number($<HTMLInputElement>('#fleet-hours').value) || 24));
  const status = $('#fleet-status');
  const btn = $<HTMLButtonElement>('#fleet-run');
  btn.disabled = true;
  status.textContent = 'simulating…';
  const t0 = performance.now();
  ask({ kind: 'fleet', presets, hosts, seed, hours }, (m) => {
    if (m.kind === 'progress') {
      status.textContent = `simulating ${m.text}: ${Math.round(m.fraction * 100)} %`;
      return false;
    }
    btn.disabled = false;
    if (m.kind === 'error') {
      status.textContent = `failed: ${m.message}`;
      return true;
    }
    if (m.kind !== 'fleet') return true;
    fleetResults = m.results;
    fleetHours = hours;
    status.textContent = `${presets.length} scenario${presets.length > 1 ? 's' : ''}, ${hosts.toLocaleString('en-US')} hosts: ${((performance.now() - t0) / 1000).toFixed(1)} s`;
    setStatus('fleet simulation done');
    drawChart();
    renderMetrics();
    return true;
  });
}

function label(p: PresetName): string {
  return `${p} ${FLEET_PRESETS[p].title}`;
}

function drawChart(): void {
  const box = $('#fleet-chart');
  if (!fleetResults || box.clientWidth === 0) return;
  const width = Math.max(420, box.clientWidth - 16);
  const height = Math.max(260, Math.min(520, box.clientHeight - 16));
  const spec = fleetChartSpec(fleetResults.map((r) => ({ label: label(r.preset), series: r.series })), {
    hours: fleetHours, width, height, yScale: $<HTMLSelectElement>('#fleet-scale').value as 'symlog' | 'linear',
  });
  box.textContent = '';
  box.append(Plot.plot(spec) as unknown as Node);
}

const METRIC_ROWS: { name: string; get(m: FleetMetrics): string }[] = [
  { name: 'hosts eligible (Windows, sensor ≥ 7.11)', get: (m) => n(m.eligible) },
  { name: 'received the bad content', get: (m) => n(m.exposed) },
  { name: 'crashed', get: (m) => n(m.crashed_ever) },
  { name: 'blast radius', get: (m) => `${(m.blast_radius * 100).toFixed(2)} %` },
  { name: 'peak in boot loop', get: (m) => n(m.peak_in_boot_loop) },
  { name: 'self-healed by reboots', get: (m) => n(m.self_healed) },
  { name: 'manual touches (technician)', get: (m) => n(m.manual_touches) },
  { name: 'BitLocker key lookups', get: (m) => n(m.bitlocker_key_lookups) },
  { name: 'time to detect', get: (m) => formatMinutes(m.time_to_detect) },
  { name: 'first alert from', get: (m) => m.first_alert_signal ?? '—' },
  { name: 'time to halt', get: (m) => formatMinutes(m.time_to_halt) },
  { name: 'downtime (host-hours)', get: (m) => n(m.downtime_host_hours) },
  { name: '99 % of crashed hosts recovered', get: (m) => (m.crashed_ever === 0 ? 'n/a' : formatMinutes(m.time_to_99pct_recovered)) },
  { name: 'loads rejected (eBPF)', get: (m) => n(m.rejected_loads) },
  { name: 'protection gap (host-hours)', get: (m) => n(m.protection_gap_host_hours) },
  { name: 'time to protect (good update)', get: (m) => formatMinutes(m.time_to_protect) },
];

function n(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

function renderMetrics(): void {
  if (!fleetResults) return;
  const box = $('#fleet-metrics');
  box.textContent = '';
  const head = el('tr', {}, el('th', {}, 'metric'), ...fleetResults.map((r) => el('th', { title: FLEET_PRESETS[r.preset].description }, r.preset)));
  const body = METRIC_ROWS.map((row) => el('tr', {}, el('td', {}, row.name), ...fleetResults!.map((r) => el('td', {}, row.get(r.metrics)))));
  box.append(el('table', { 'aria-label': 'Fleet metrics' }, el('thead', {}, head), el('tbody', {}, ...body)));
  for (const r of fleetResults) box.append(el('div', { class: 'desc' }, `${label(r.preset)}: ${FLEET_PRESETS[r.preset].description}`));
}
