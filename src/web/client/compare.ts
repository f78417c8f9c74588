// "Run in sandbox" and "run as kernel driver" side by side: the same bytecode and input, two
// sessions of the stepping core (sandbox mode, where the verifier decides first; driver mode, where
// nothing checks), stepped in lock step. The driver side ends in the bug-check screen when the
// simulated kernel halts (src/sim/driver's panel).

import type { DebugSession, StepRecord } from '../../debug/index.js';
import { bugcheckPanelLines } from '../../sim/driver/bugcheck.js';
import type { DriverResult } from '../../sim/driver/run.js';
import { type OpenedSession, type WebProgramContent, hex64, openSession } from '../session.js';
import { $, el, esc, setStatus } from './dom.js';
import { exampleByPath, fillProgramSelect, objectBytes } from './programs.js';
import { type WebVerifier, verifyInWorker } from './verifier-view.js';

const LIMIT = 20_000;

interface CmpState {
  sandbox: OpenedSession | null;
  driver: OpenedSession | null;
  /** The verifier accepted: the sandbox runs the program; else nothing runs there. */
  loaded: boolean;
  driverResult: DriverResult | null;
  dismissed: boolean;
  verdict: WebVerifier | null;
}

const cs: CmpState = { sandbox: null, driver: null, loaded: false, driverResult: null, dismissed: false, verdict: null };

export function initCompare(): void {
  const sel = $<HTMLSelectElement>('#cmp-select');
  fillProgramSelect(sel);
  sel.value = 'programs/cf291/interpreter-v1.s';
  sel.addEventListener('change', () => void prepare(sel.value));
  $('#cmp-run').addEventListener('click', () => {
    void prepare(sel.value, true);
  });
  $('#cmp-step').addEventListener('click', () => stepBoth());
  $('#cmp-back').addEventListener('click', () => backBoth());
  $('#cmp-reset').addEventListener('click', () => {
    cs.sandbox?.session.reset();
    cs.driver?.session.reset();
    cs.dismissed = false;
    render();
  });
  $('#cmp-end').addEventListener('click', () => runBoth());
  $('#bugcheck').addEventListener('click', (e) => {
    const t = e.target as HTMLElement;
    const line = t.closest<HTMLElement>('[data-step]');
    if (t.id === 'bsod-close' || line) {
      cs.dismissed = true;
      if (line && cs.driver) {
        // go to the step before the fatal one: its instruction is the next to run
        const n = Number(line.dataset.step);
        cs.driver.session.goto(Math.max(0, n - 1));
        cs.sandbox?.session.goto(Math.max(0, n - 1));
      }
      render();
    } else if (t.id === 'bsod-reboot') {
      cs.sandbox?.session.reset();
      cs.driver?.session.reset();
      cs.dismissed = false;
      render();
      setStatus('rebooted: the same driver loads the same input again at the next boot, and crashes again');
    }
  });
  void prepare(sel.value);
}

async function contentOf(path: string): Promise<WebProgramContent | null> {
  const e = exampleByPath(path);
  if (!e) return null;
  if (e.kind === 'asm') return { kind: 'asm', text: e.text ?? '', file: e.path };
  return { kind: 'elf', bytes: await objectBytes(e), file: e.path };
}

export async function prepare(path: string, run = false): Promise<void> {
  const c = await contentOf(path);
  if (!c) return;
  const a = openSession(c, 'sandbox', {}, { noVerifier: true });
  const b = openSession(c, 'driver', {}, { noVerifier: true });
  if (!a.ok || !b.ok) {
    setStatus(`cannot open ${path}: ${(!a.ok ? a.errors : !b.ok ? b.errors : [])[0]?.message ?? ''}`);
    return;
  }
  cs.sandbox = a;
  cs.driver = b;
  cs.verdict = null;
  cs.loaded = false;
  cs.driverResult = null;
  cs.dismissed = false;
  if (run) b.session.runToEnd(LIMIT);
  render();
  const memSize = a.input.progType === 'raw' ? a.input.mem?.length ?? 0 : 0;
  const v = await verifyInWorker(a.loaded, a.input.progType, memSize);
  if (cs.sandbox !== a) return;
  cs.verdict = v;
  cs.loaded = v.accepted;
  if (run && cs.loaded) a.session.runToEnd(LIMIT);
  render();
}

function stepBoth(): void {
  if (cs.loaded) cs.sandbox?.session.step();
  cs.driver?.session.step();
  cs.dismissed = false;
  render();
}

function backBoth(): void {
  if (cs.loaded) cs.sandbox?.session.back();
  cs.driver?.session.back();
  cs.dismissed = true;
  render();
}

export function runBoth(): void {
  if (cs.loaded) cs.sandbox?.session.runToEnd(LIMIT);
  cs.driver?.session.runToEnd(LIMIT);
  cs.dismissed = false;
  render();
}

function driverResult(): DriverResult | null {
  if (!cs.driver) return null;
  cs.driverResult ??= cs.driver.session.driverResult();
  return cs.driverResult;
}

function traceRows(s: DebugSession, box: HTMLElement, other: DebugSession | null): void {
  box.textContent = '';
  const h = s.history();
  const regs = s.registers();
  const last = s.lastStep();
  const line = el('div', { class: 'regline' });
  line.innerHTML = regs.map((v, i) => {
    const t = `r${i}=${hex64(v)}`;
    return last?.changed.includes(i) ? `<span class="chg">${esc(t)}</span>` : esc(t);
  }).join('  ');
  box.append(line);
  const from = Math.max(0, h.length - 400);
  const oh = other?.history() ?? [];
  for (let i = from; i < h.length; i++) {
    const r: StepRecord = h[i]!;
    const o = oh[i];
    const diverged = other !== null && (!o || o.pc !== r.pc);
    const acc = r.accesses[0];
    const note = r.fault ? `✗ ${r.fault.message}`
      : acc ? `${acc.kind} ${acc.size} B ${acc.region ? `${acc.region} +${acc.offset}` : `at ${hex64(acc.address)} (unmapped)`}` : '';
    box.append(el('div', { class: 'lrow' + (diverged ? ' diverge' : '') + (i === h.length - 1 ? ' cur' : '') },
      el('span', { class: 'pc' }, String(r.pc)), el('span', { class: 'insn' }, r.insn.llvm), el('span', { class: 'vlog' + (r.fault ? '' : ' none') }, note)));
  }
  if (s.running) {
    box.append(el('div', { class: 'lrow' }, el('span', { class: 'pc' }, String(s.pc)), el('span', { class: 'insn' }, s.insnText(s.pc).llvm), el('span', { class: 'vlog none' }, 'next')));
  }
  box.scrollTop = box.scrollHeight;
}

function render(): void {
  const a = cs.sandbox;
  const b = cs.driver;
  if (!a || !b) return;
  const sv = $('#cmp-sandbox-verdict');
  const dv = $('#cmp-driver-verdict');
  const v = cs.verdict;
  const n = Math.max(a.session.stepCount, b.session.stepCount);
  $('#cmp-step-label').textContent = `step ${n}`;

  // sandbox side
  if (!v) {
    sv.className = 'verdict-box';
    sv.innerHTML = '<div class="big">The verifier is checking the program…</div>';
    $('#cmp-sandbox-trace').textContent = '';
  } else if (!cs.loaded) {
    sv.className = 'verdict-box good';
    sv.innerHTML = `<div class="big">Not loaded: the verifier rejected it. The kernel keeps running.</div>
      <table><tr><td>verifier</td><td class="mono">insn ${v.rejection?.pc}: ${esc(v.rejection?.message ?? '')}</td></tr>
      <tr><td>why</td><td>${esc(v.rejection?.explanation ?? '')}</td></tr>
      <tr><td>input</td><td>${esc(a.input.note)}</td></tr></table>`;
    const tr = $('#cmp-sandbox-trace');
    tr.innerHTML = '<div class="regline">Nothing ran: a rejected program is never attached. Every workload on the machine keeps running. The verifier\'s path to the rejection:</div>';
    for (const e of (v.path ?? []).slice(-60)) {
      tr.append(el('div', { class: 'lrow' + (e.pc === v.rejection?.pc ? ' reject' : '') }, el('span', { class: 'pc' }, String(e.pc)), el('span', { class: 'insn' }, e.text.replace(/^\d+: /, '')), el('span', {})));
    }
  } else {
    const s = a.session;
    const st = s.status;
    sv.className = 'verdict-box ' + (st === 'faulted' ? 'bad' : 'good');
    const outcome = st === 'exited' ? `returned r0 = ${s.registers()[0]!.toString()}`
      : st === 'faulted' ? `stopped at insn ${s.fault?.pc}: ${s.fault?.message ?? ''} (the fault is contained)`
        : `running: step ${s.stepCount}`;
    sv.innerHTML = `<div class="big">Verifier accepted it. ${esc(outcome)}</div>
      <table><tr><td>verifier</td><td>every access proved in bounds (${v.processed} insns processed)</td></tr>
      <tr><td>machine</td><td>keeps running</td></tr><tr><td>input</td><td>${esc(a.input.note)}</td></tr></table>`;
    traceRows(s, $('#cmp-sandbox-trace'), null);
  }

  // driver side
  const d = b.session;
  const ended = !d.running;
  const res = ended ? driverResult() : null;
  dv.className = 'verdict-box ' + (res && res.outcome !== 'ok' ? 'bad' : '');
  if (res) {
    const rows = [
      ['outcome', res.outcome],
      ['machine', res.machine.summary || res.machine.state],
      ...res.leaks.slice(0, 3).map((l) => ['leak', `insn ${l.pc}: read ${l.size} B of ${l.object} +0x${l.objectOffset.toString(16)}${l.fields.length ? ` [${l.fields.join(', ')}]` : ''} = ${l.bytes}${l.secret ? ' (secret!)' : ''}`]),
      ...res.corruptions.slice(0, 3).map((c) => ['corruption', `insn ${c.pc}: wrote ${c.size} B of ${c.object} +0x${c.objectOffset.toString(16)}: ${c.before} → ${c.after}`]),
      ['workloads', res.machine.workloads.map((w) => `${w.name}: ${w.state}`).join(', ')],
    ];
    dv.innerHTML = `<div class="big">${esc(res.summary)}</div><table>${rows.map(([k, x]) => `<tr><td>${esc(k!)}</td><td>${esc(x!)}</td></tr>`).join('')}</table>`;
  } else {
    dv.innerHTML = `<div class="big">Running unchecked: step ${d.stepCount}</div><table><tr><td>input</td><td>${esc(b.input.note)}</td></tr></table>`;
  }
  traceRows(d, $('#cmp-driver-trace'), cs.loaded ? a.session : null);

  // the bug check
  const bsod = $('#bugcheck');
  const bc = res?.bugcheck ?? null;
  if (bc && !cs.dismissed) {
    bsod.hidden = false;
    bsod.innerHTML = '';
    bsod.append(el('div', { class: 'face' }, ':('), el('div', { class: 'line' }, 'Your simulated machine ran into a problem and halted.'));
    let regs: HTMLElement | null = null;
    for (const l of bugcheckPanelLines(bc)) {
      if (!l.text || l.text.startsWith(':(')) continue;
      if (/^r\d+=/.test(l.text)) {
        if (!regs) bsod.append((regs = el('div', { class: 'regsgrid' })));
        for (const r of l.text.trim().split(/\s+/)) regs.append(el('span', {}, r));
        continue;
      }
      const isStop = l.text.startsWith('STOP ');
      const attrs: Record<string, string> = { class: 'line' + (isStop ? ' stop' : '') };
      if (l.step !== null) {
        attrs['data-step'] = String(l.step);
        attrs.title = `step ${l.step}: click to go there`;
      }
      bsod.append(el('div', attrs, l.text));
    }
    const reboot = el('div', { class: 'reboot' },
      el('button', { id: 'bsod-reboot' }, 'Reboot'), el('button', { id: 'bsod-close' }, 'Back to the trace'),
      ' The driver loads the same input at the next boot and crashes again: a boot loop.');
    bsod.append(reboot);
  } else {
    bsod.hidden = true;
  }
}
