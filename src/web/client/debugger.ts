// The step debugger tab: editor (assembled as you type), listing with the verifier's log, step
// controls and timeline, registers with old -> new, the memory map with pointer arrows, the stack
// and the bytes of the last access. Everything comes from src/debug's DebugSession (the same core
// as `bpfbox step`), running in this page.

import type { DebugMode, DebugSession, StepRecord } from '../../debug/index.js';
import { stackSlots } from '../../debug/index.js';
import type { Diagnostic } from '../../util/diagnostics.js';
import { type OpenedSession, type WebProgramContent, hex64, openSession } from '../session.js';
import { $, el, esc, hex2, setStatus } from './dom.js';
import { EXAMPLES, exampleByPath, fillProgramSelect, objectBytes } from './programs.js';
import { LOG_LIMIT, type WebVerifier, verifyInWorker } from './verifier-view.js';

/** Longest timeline the page measures (an endless loop stops here). */
export const TIMELINE_LIMIT = 20_000;

interface DebugState {
  opened: OpenedSession | null;
  content: WebProgramContent | null;
  mode: DebugMode;
  total: number;
  totalCapped: boolean;
  /** Instruction whose verifier state is shown (null: follow the current one). */
  selected: number | null;
  errors: Diagnostic[];
  stale: boolean;
  /** The verifier's view (computed in a worker; null while it runs). */
  verifier: WebVerifier | null;
}

const st: DebugState = {
  opened: null, content: null, mode: 'sandbox', total: 0, totalCapped: false, selected: null, errors: [], stale: false, verifier: null,
};

/** For the tests: the verifier's view once computed. */
export function currentVerifier(): WebVerifier | null {
  return st.verifier;
}

/** For the tests: the page's session (window.__bpfbox). */
export function currentSession(): DebugSession | null {
  return st.opened?.session ?? null;
}

const REG_NAMES = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10'];

// ---------------------------------------------------------------------------------------------
// Loading

export function initDebugger(): void {
  const sel = $<HTMLSelectElement>('#program-select');
  fillProgramSelect(sel);
  // A pending re-assembly of the editor must not replace a program picked or uploaded after it.
  let timer = 0;
  sel.addEventListener('change', () => {
    window.clearTimeout(timer);
    void loadExample(sel.value);
  });
  $<HTMLSelectElement>('#mode-select').addEventListener('change', (e) => {
    st.mode = (e.target as HTMLSelectElement).value as DebugMode;
    reopen();
  });
  $<HTMLInputElement>('#upload').addEventListener('change', (e) => {
    const input = e.target as HTMLInputElement;
    const f = input.files?.[0];
    if (!f) return;
    window.clearTimeout(timer);
    void f.arrayBuffer().then((buf) => loadObject(new Uint8Array(buf), f.name));
    input.value = ''; // so choosing the same file again fires `change` again
  });
  const src = $<HTMLTextAreaElement>('#source');
  src.addEventListener('input', () => {
    renderHighlight();
    window.clearTimeout(timer);
    timer = window.setTimeout(() => assembleEditor(), 250);
  });
  src.addEventListener('scroll', syncScroll);
  src.addEventListener('keydown', (e) => {
    if (e.key === 'Tab') {
      e.preventDefault();
      src.setRangeText('        ', src.selectionStart, src.selectionEnd, 'end');
      src.dispatchEvent(new Event('input'));
    }
  });
  $('#btn-step').addEventListener('click', () => act('step'));
  $('#btn-back').addEventListener('click', () => act('back'));
  $('#btn-continue').addEventListener('click', () => act('continue'));
  $('#btn-reset').addEventListener('click', () => act('reset'));
  $('#btn-goto').addEventListener('click', () => gotoStep(Number($<HTMLInputElement>('#goto-input').value)));
  $<HTMLInputElement>('#goto-input').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') gotoStep(Number((e.target as HTMLInputElement).value));
  });
  $<HTMLInputElement>('#scrubber').addEventListener('input', (e) => gotoStep(Number((e.target as HTMLInputElement).value)));
  document.addEventListener('keydown', (e) => {
    if ($('#tab-debug').hidden) return;
    const t = e.target as HTMLElement;
    if (t.closest('textarea, input, select') || e.ctrlKey || e.metaKey || e.altKey) return;
    const k = e.key;
    if (k === 's' || k === 'ArrowRight') act('step');
    else if (k === 'b' || k === 'ArrowLeft') act('back');
    else if (k === 'c') act('continue');
    else if (k === 'r') act('reset');
    else if (k === 'g') $<HTMLInputElement>('#goto-input').focus();
    else return;
    e.preventDefault();
  });
  window.addEventListener('resize', () => drawArrows());
  $('#listing').addEventListener('click', (e) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('.lrow[data-slot]');
    if (!row) return;
    const slot = Number(row.dataset.slot);
    if ((e.target as HTMLElement).classList.contains('bp')) {
      st.opened?.session.toggleBreakpoint(slot);
    } else {
      st.selected = st.selected === slot ? null : slot;
    }
    render();
  });
  $('#diagnostics').addEventListener('click', (e) => {
    const d = (e.target as HTMLElement).closest<HTMLElement>('[data-line]');
    if (d) focusLine(Number(d.dataset.line));
  });
  const first = exampleByPath('programs/examples/checksum.s') ?? EXAMPLES[0];
  if (first) {
    sel.value = first.path;
    void loadExample(first.path);
  }
}

export async function loadExample(path: string): Promise<void> {
  const e = exampleByPath(path);
  if (!e) return;
  $<HTMLSelectElement>('#program-select').value = path;
  if (e.kind === 'asm') {
    setSource(e.text ?? '');
    open({ kind: 'asm', text: e.text ?? '', file: e.path });
  } else {
    loadObject(await objectBytes(e), e.path);
  }
}

function loadObject(bytes: Uint8Array, file: string): void {
  const c: WebProgramContent = { kind: 'elf', bytes, file };
  open(c);
  if (st.opened) {
    // Show the object's instructions as text: editing them assembles a new program.
    const lines: string[] = [`# ${file}: ${st.opened.input.note}`, '# (disassembled from the object; edit to assemble it as text)'];
    for (const l of st.opened.session.listing()) {
      if (l.cLine && l.cLine.text) lines.push(`# ${l.cLine.file.slice(l.cLine.file.lastIndexOf('/') + 1)}:${l.cLine.line}: ${l.cLine.text.trim()}`);
      if (l.label) lines.push(`${l.label}:`);
      lines.push(`    ${l.insn.llvm}`);
    }
    setSource(lines.join('\n'));
  }
}

function setSource(text: string): void {
  const src = $<HTMLTextAreaElement>('#source');
  src.value = text;
  src.scrollTop = 0;
  renderHighlight();
}

function assembleEditor(): void {
  const text = $<HTMLTextAreaElement>('#source').value;
  const file = st.content?.kind === 'asm' ? st.content.file : 'editor.s';
  open({ kind: 'asm', text, file });
}

function reopen(): void {
  if (st.content) open(st.content);
}

function open(c: WebProgramContent): void {
  const t0 = performance.now();
  const r = openSession(c, st.mode, {}, { noVerifier: true });
  if (!r.ok) {
    st.errors = r.errors;
    st.stale = st.opened !== null;
    renderDiagnostics();
    renderHighlight();
    render();
    setStatus(`${r.errors.length} error${r.errors.length === 1 ? '' : 's'}: ${r.errors[0]?.message ?? ''}`);
    return;
  }
  st.errors = [];
  st.stale = false;
  st.content = c;
  st.opened = r;
  st.selected = null;
  st.verifier = null;
  const memSize = r.input.progType === 'raw' ? r.input.mem?.length ?? 0 : 0;
  verifyInWorker(r.loaded, r.input.progType, memSize).then((v) => {
    if (st.opened !== r) return;
    st.verifier = v;
    buildListing();
    render();
  }, (e: unknown) => setStatus(`verifier failed: ${e instanceof Error ? e.message : String(e)}`));
  // Measure the timeline: run to the end (capped), then back to step 0.
  const s = r.session;
  s.runToEnd(TIMELINE_LIMIT);
  st.total = s.stepCount;
  st.totalCapped = s.running;
  s.goto(0);
  buildListing();
  renderDiagnostics();
  renderHighlight();
  render();
  setStatus(`${c.file}: ${st.total}${st.totalCapped ? '+' : ''} steps (${Math.round(performance.now() - t0)} ms)`);
}

// ---------------------------------------------------------------------------------------------
// Actions

type Action = 'step' | 'back' | 'continue' | 'reset';

export function act(a: Action): void {
  const s = st.opened?.session;
  if (!s) return;
  if (a === 'step') s.step();
  else if (a === 'back') s.back();
  else if (a === 'reset') s.reset();
  else s.continue(TIMELINE_LIMIT);
  st.selected = null;
  render();
}

export function gotoStep(n: number): void {
  const s = st.opened?.session;
  if (!s || !Number.isFinite(n)) return;
  s.goto(Math.max(0, Math.min(n, st.totalCapped ? n : st.total)));
  st.selected = null;
  render();
}

// ---------------------------------------------------------------------------------------------
// Rendering

function render(): void {
  const s = st.opened?.session;
  const scr = $<HTMLInputElement>('#scrubber');
  const label = $('#step-label');
  const rs = $('#run-state');
  if (!s) {
    label.textContent = 'no program';
    return;
  }
  const n = s.stepCount;
  const max = Math.max(st.total, n);
  scr.max = String(max);
  scr.value = String(n);
  $<HTMLInputElement>('#goto-input').max = String(max);
  label.textContent = `step ${n} / ${max}${st.totalCapped ? '+' : ''}`;
  rs.className = 'run-state ' + s.status;
  rs.textContent = s.status === 'exited' ? `exited: r0 = ${s.registers()[0]!.toString()}`
    : s.status === 'faulted' ? faultText(s)
      : `next: insn ${s.pc}`;
  if (st.stale) rs.textContent += ' (editor has errors: showing the last good program)';
  $('#input-note').textContent = `Input: ${st.opened!.input.note}. Keys: s step, b back, c continue, r reset, g go to step; click ● to set a breakpoint.`;
  $('#syntax-label').textContent = st.opened!.loaded.syntax ? `${st.opened!.loaded.syntax === 'llvm' ? 'pseudo-C' : 'mnemonic'} syntax, assembled as you type` : `${st.opened!.loaded.kind} input`;
  renderListingState(s);
  renderHighlight();
  renderRegisters(s);
  renderMemory(s);
  renderVerifierState(s);
  requestAnimationFrame(() => drawArrows());
  (window as unknown as { __bpfboxRendered?: number }).__bpfboxRendered = n;
}

function faultText(s: DebugSession): string {
  if (s.mode === 'driver') {
    const b = s.driverResult()?.bugcheck;
    if (b) return `bug check at insn ${b.pc ?? s.fault?.pc ?? '?'}: STOP 0x${b.code.toString(16).toUpperCase().padStart(2, '0')} ${b.name}`;
  }
  return `fault at insn ${s.fault?.pc ?? '?'}`;
}

// ---- editor ---------------------------------------------------------------------------------

function syncScroll(): void {
  const src = $<HTMLTextAreaElement>('#source');
  const hl = $('#highlight');
  hl.style.transform = `translate(${-src.scrollLeft}px, ${-src.scrollTop}px)`;
  $('#gutter').style.transform = `translateY(${-src.scrollTop}px)`;
}

function renderHighlight(): void {
  const src = $<HTMLTextAreaElement>('#source');
  const lines = src.value.split('\n');
  const s = st.opened?.session;
  const curLine = s && !st.stale && st.content?.kind === 'asm' && s.running ? s.asmLineAt(s.pc) : null;
  const errByLine = new Map<number, Diagnostic[]>();
  for (const e of st.errors) if (e.line) errByLine.set(e.line, [...(errByLine.get(e.line) ?? []), e]);
  const html: string[] = [];
  const gut: string[] = [];
  lines.forEach((line, i) => {
    const ln = i + 1;
    const errs = errByLine.get(ln);
    let body = esc(line) || ' ';
    if (errs) {
      const e = errs[0]!;
      const col = Math.max(1, e.column ?? 1) - 1;
      const len = Math.max(1, e.text ? e.text.length : line.length - col);
      body = esc(line.slice(0, col)) + `<span class="err" title="${esc(e.message)}">${esc(line.slice(col, col + len)) || ' '}</span>` + esc(line.slice(col + len));
    }
    html.push(`<span class="ln${ln === curLine ? ' cur' : ''}${errs ? ' errline' : ''}">${body}</span>`);
    gut.push(ln === curLine ? `<span class="cur">${ln}</span>` : String(ln));
  });
  $('#highlight').innerHTML = html.join('');
  $('#gutter').innerHTML = gut.join('\n');
  // the textarea grows with its text; the pane scrolls
  src.style.height = '0px';
  src.style.height = `${Math.max(src.scrollHeight, (src.parentElement?.clientHeight ?? 0))}px`;
  src.style.width = '0px';
  src.style.width = `${src.scrollWidth}px`;
  if (curLine !== null) scrollEditorTo(curLine);
}

function scrollEditorTo(line: number): void {
  const ed = $('#editor');
  const lh = parseFloat(getComputedStyle(ed).lineHeight) || 19;
  const y = 4 + (line - 1) * lh;
  if (y < ed.scrollTop + lh || y > ed.scrollTop + ed.clientHeight - 2 * lh) ed.scrollTop = Math.max(0, y - ed.clientHeight / 3);
}

function focusLine(line: number): void {
  const src = $<HTMLTextAreaElement>('#source');
  const lines = src.value.split('\n');
  let pos = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) pos += lines[i]!.length + 1;
  src.focus();
  src.setSelectionRange(pos, pos + (lines[line - 1]?.length ?? 0));
  scrollEditorTo(line);
}

function renderDiagnostics(): void {
  const d = $('#diagnostics');
  d.textContent = '';
  for (const e of st.errors.slice(0, 30)) {
    const at = e.line ? `line ${e.line}${e.column ? `:${e.column}` : ''}: ` : '';
    d.append(el('div', { 'data-line': String(e.line ?? '') }, `${at}${e.message}`));
  }
}

// ---- listing --------------------------------------------------------------------------------

function vlogSummary(slot: number): { text: string; cls: string } {
  const v = st.verifier;
  if (!v) return { text: 'verifying…', cls: 'vlog none' };
  if (!v.logged) return { text: v.statesAt(slot).length ? 'state kept (log not written)' : '', cls: 'vlog none' };
  if (v.rejection && v.rejection.pc === slot) return { text: `✗ ${v.rejection.message}`, cls: 'vlog' };
  const entries = v.logAt(slot).filter((e) => e.kind === 'insn');
  if (!entries.length) return { text: v.rejection ? 'not reached by the verifier' : 'not reached (dead code)', cls: 'vlog none' };
  const first = entries[0]!.text;
  const semi = first.indexOf(';');
  const effect = semi >= 0 ? first.slice(semi + 1).trim() : '';
  const more = entries.length > 1 ? `  (${entries.length} visits)` : '';
  return { text: (effect || '—') + more, cls: 'vlog' };
}

function buildListing(): void {
  const s = st.opened!.session;
  const box = $('#listing');
  box.textContent = '';
  const v = st.verifier;
  $('#verdict').innerHTML = !v ? 'verifying…' : v.accepted
    ? `<b style="color:var(--ok)">✓ accepted</b> (${v.processed} insns processed)`
    : `<b style="color:var(--bad)">✗ rejected at insn ${v.rejection?.pc ?? '?'}</b>`;
  let lastC = '';
  for (const l of s.listing()) {
    if (l.label) box.append(el('div', { class: 'lrow labelrow' }, el('span'), el('span'), el('span', { class: 'label' }, `${l.label}:`)));
    if (l.cLine && l.cLine.text && l.cLine.text !== lastC) {
      lastC = l.cLine.text;
      box.append(el('div', { class: 'lrow labelrow' }, el('span'), el('span'), el('span', { class: 'cline', title: `${l.cLine.file}:${l.cLine.line}` }, `${l.cLine.line}: ${l.cLine.text.trim()}`)));
    }
    const vs = vlogSummary(l.slot);
    const row = el('div', { class: 'lrow' + (v?.rejection?.pc === l.slot ? ' reject' : ''), 'data-slot': String(l.slot), role: 'listitem' },
      el('span', { class: 'bp', title: 'breakpoint' }),
      el('span', { class: 'pc' }, String(l.slot)),
      el('span', { class: 'insn', title: l.insn.mnemonic }, l.insn.llvm),
      el('span', { class: vs.cls, title: v ? v.logAt(l.slot).map((e) => e.text).join('\n') : '' }, vs.text));
    box.append(row);
  }
}

function renderListingState(s: DebugSession): void {
  const cur = s.running ? s.pc : s.fault ? s.fault.pc : -1;
  const bps = new Set(s.breakpoints().map((b) => b.slot));
  let curRow: HTMLElement | null = null;
  for (const row of document.querySelectorAll<HTMLElement>('#listing .lrow[data-slot]')) {
    const slot = Number(row.dataset.slot);
    row.classList.toggle('cur', slot === cur);
    row.classList.toggle('sel', slot === st.selected);
    row.classList.toggle('has-bp', bps.has(slot));
    if (slot === cur) curRow = row;
  }
  if (curRow) {
    const box = $('#listing');
    const top = curRow.offsetTop - box.offsetTop;
    if (top < box.scrollTop || top > box.scrollTop + box.clientHeight - 40) box.scrollTop = Math.max(0, top - box.clientHeight / 3);
  }
}

// ---- registers ------------------------------------------------------------------------------

interface PointerTarget {
  reg: number;
  /** Region name, or a gap next to it, or wild. */
  kind: 'in' | 'after' | 'before' | 'wild';
  region: string | null;
  offset: number;
  text: string;
}

const WINDOW = 1 << 24;

function pointerTarget(s: DebugSession, reg: number, v: bigint): PointerTarget | null {
  const a = BigInt.asUintN(64, v);
  if (reg === 10 || a === 0n) return reg === 10 ? inRegion(s, reg, a) : null;
  const inR = inRegion(s, reg, a);
  if (inR) return inR;
  const desc = s.describeAddress(a);
  if (a < 1n << 32n && a >= BigInt(WINDOW)) {
    const n = Number(a);
    const regions = s.regions();
    const here = regions.find((r) => n >= r.base && n < r.base + WINDOW);
    // One past the last byte (data_end, a loop's end pointer) is a legal pointer to hold, not a fault.
    if (here && n === here.base + here.size) return { reg, kind: 'in', region: here.name, offset: here.size, text: desc ?? `${here.name} end (one past its last byte)` };
    if (here) return { reg, kind: 'after', region: here.name, offset: n - here.base, text: desc ?? `${here.name} +${n - here.base}: past its end (${here.size} bytes)` };
    const next = regions.find((r) => n < r.base && n >= r.base - WINDOW);
    if (next) return { reg, kind: 'before', region: next.name, offset: n - next.base, text: desc ?? `${next.name} ${n - next.base}: before its start` };
    return null;
  }
  if (a >= 0xffff800000000000n) return { reg, kind: 'wild', region: null, offset: 0, text: desc ?? 'unmapped kernel address' };
  return null;
}

function inRegion(s: DebugSession, reg: number, a: bigint): PointerTarget | null {
  const w = s.whereIs(a);
  if (!w) {
    if (reg === 10) {
      const r = s.regions().find((x) => x.base + x.size === Number(a));
      if (r) return { reg, kind: 'in', region: r.name, offset: r.size, text: `${r.name} top (frame pointer)` };
    }
    return null;
  }
  const desc = s.describeAddress(a);
  return { reg, kind: 'in', region: w.region, offset: w.offset, text: desc ?? `${w.region} +${w.offset}` };
}

let pointers: PointerTarget[] = [];

function shortTarget(p: PointerTarget): string {
  if (p.kind === 'wild') return 'unmapped';
  if (p.kind === 'after') return `${p.region} +${p.offset}: past end`;
  if (p.kind === 'before') return `${p.region} ${p.offset}: before start`;
  return p.region && /^stack\d$/.test(p.region) ? `fp${p.offset - 512 === 0 ? '' : p.offset - 512}` : `${p.region} +${p.offset}`;
}

function renderRegisters(s: DebugSession): void {
  const regs = s.registers();
  const last: StepRecord | null = s.lastStep();
  const changed = new Set(last?.changed ?? []);
  const reads = new Set(last?.regReads ?? []);
  pointers = [];
  const rows: HTMLElement[] = [];
  for (let i = 0; i < regs.length; i++) {
    const v = regs[i]!;
    const p = pointerTarget(s, i, v);
    if (p) pointers.push(p);
    const valCell = el('td', { class: 'val' });
    const signed = BigInt.asIntN(64, v);
    let tip = `${REG_NAMES[i]} = ${hex64(v)} = ${signed}`;
    if (changed.has(i) && last) {
      valCell.append(el('span', { class: 'old' }, hex64(last.regsBefore[i]!)), el('span', { class: 'arrow-txt' }, '→'));
      tip += ` (was ${hex64(last.regsBefore[i]!)} before step ${last.index})`;
    }
    valCell.append(el('span', { class: 'now', 'data-reg': String(i) }, hex64(v)));
    if (p) tip += `; points to ${p.text}`;
    const dec = p ? el('span', { class: 'ptr' + (p.kind === 'in' ? '' : ' oob') }, p.kind === 'in' ? shortTarget(p) : `✗ ${shortTarget(p)}`)
      : el('span', { class: 'dec' }, signed > -100000n && signed < 1000000000n ? signed.toString() : '');
    rows.push(el('tr', { class: (changed.has(i) ? 'changed' : '') + (reads.has(i) ? ' read' : ''), id: `reg-${i}`, title: tip },
      el('td', { class: 'rn' }, REG_NAMES[i]!), valCell, el('td', {}, dec)));
  }
  const box = $('#regs');
  box.textContent = '';
  box.append(el('table', { 'aria-label': 'Registers' }, el('tbody', {}, ...rows)));
  const legend = el('div', { class: 'legend' });
  legend.innerHTML = '<span class="sw" style="background:var(--write-bg);outline:1px solid var(--write)"></span>written (old → new)'
    + '<span class="sw" style="background:var(--read-bg);outline:1px solid var(--read)"></span>read';
  if (last) legend.append(el('div', {}, `last step ${last.index}: insn ${last.pc}  ${last.insn.llvm}`));
  box.append(legend);
}

// ---- memory map, stack, bytes ---------------------------------------------------------------

function regionKind(name: string): string {
  return /^stack\d/.test(name) ? 'stack' : '';
}

function renderMemory(s: DebugSession): void {
  const mm = $('#memmap');
  mm.textContent = '';
  mm.append(el('div', { class: 'mm-title' }, s.mode === 'driver' ? 'Kernel address space (simulated)' : 'Memory map'));
  const depth = s.vm.depth;
  const last = s.lastStep();
  const touched = new Set((last?.accesses ?? []).map((a) => a.region).filter((x): x is string => x !== null));
  const regions = s.regions().filter((r) => {
    const m = /^stack(\d)$/.exec(r.name);
    return !m || Number(m[1]) <= depth;
  }).sort((a, b) => a.base - b.base);
  const targets = new Map<string, PointerTarget[]>();
  for (const p of pointers) {
    const key = p.kind === 'wild' ? 'wild' : `${p.kind === 'in' ? 'in' : p.kind}:${p.region}`;
    targets.set(key, [...(targets.get(key) ?? []), p]);
  }
  for (const r of regions) {
    const beforeKey = `before:${r.name}`;
    if (targets.has(beforeKey)) mm.append(el('div', { class: 'mmgap target', 'data-target': beforeKey }, `unmapped, before ${r.name}`));
    const box = el('div', { class: `mmregion ${regionKind(r.name)}${touched.has(r.name) ? ' touched' : ''}`, 'data-target': `in:${r.name}`, 'data-size': String(r.size) },
      el('span', { class: 'nm' }, r.name),
      el('span', { class: 'ad', title: `${hex64(BigInt(r.base))}..${hex64(BigInt(r.base + r.size))}` }, `${hex64(BigInt(r.base))} · ${r.size} B${r.writable ? '' : ' · ro'}`));
    box.style.minHeight = `${Math.min(70, 30 + Math.log2(Math.max(2, r.size)) * 2)}px`;
    mm.append(box);
    mm.append(el('div', { class: 'mmgap' + (targets.has(`after:${r.name}`) ? ' target' : ''), 'data-target': `after:${r.name}` },
      targets.has(`after:${r.name}`) ? `out of bounds: past the end of ${r.name}` : 'unmapped'));
  }
  mm.append(el('div', { class: 'mmgap mmwild' + (targets.has('wild') ? ' target' : ''), 'data-target': 'wild' }, 'unmapped / non-canonical addresses'));

  // stack
  const stack = $('#stack');
  stack.textContent = '';
  stack.append(el('h3', {}, `Stack frame ${depth} (8-byte slots in use)`));
  const slots = stackSlots(s);
  const wrote = new Set<number>();
  for (const a of last?.accesses ?? []) if (a.kind === 'write' && a.region === `stack${depth}` && a.offset !== null) wrote.add(a.offset - (a.offset % 8) - 512);
  if (!slots.length) stack.append(el('div', { class: 'empty' }, 'Nothing stored on the stack yet.'));
  for (const sl of slots) {
    const row = el('div', { class: 'hexrow' + (wrote.has(sl.fpOff) ? ' slot-changed' : '') },
      el('span', { class: 'off' }, `fp${sl.fpOff}`.padEnd(8)), Array.from(sl.bytes, hex2).join(' '), `  ${sl.kinds}`);
    stack.append(row);
  }
  stack.append(el('div', { class: 'legend' }, 'kinds: m data, 0 zero, r spilled register, ? uninitialised (verifier), w written'));

  // bytes of the last access (or the input memory)
  const mv = $('#memview');
  mv.textContent = '';
  const acc = last?.accesses[0] ?? null;
  const fault = s.status === 'faulted' ? s.fault : null;
  if (acc && acc.region) {
    const r = s.regions().find((x) => x.name === acc.region)!;
    mv.append(el('h3', {}, `${acc.kind === 'write' ? 'Wrote' : 'Read'} ${acc.size} B at ${acc.region} +${acc.offset} (step ${last!.index})`));
    hexRows(mv, r.bytes, r.size, acc.offset ?? 0, acc.size, acc.kind === 'write' ? 'b-write' : 'b-read', acc.old);
  } else if (acc && !acc.region) {
    mv.append(el('h3', {}, `${acc.kind} of ${acc.size} B at ${hex64(acc.address)}: nothing mapped there`));
    const near = pointerTarget(s, 0, acc.address);
    mv.append(el('div', { class: 'hexrow b-fault' }, ` ${near?.text ?? 'unmapped'} `));
  } else if (fault) {
    mv.append(el('h3', {}, `Fault at insn ${fault.pc}`));
    mv.append(el('div', { class: 'hexrow b-fault' }, ` ${fault.message} `));
  } else {
    const r = s.regions().find((x) => x.name === 'mem' || x.name === 'packet' || x.name.includes('input'));
    if (r) {
      mv.append(el('h3', {}, `${r.name}: ${r.size} bytes`));
      hexRows(mv, r.bytes, r.size, 0, 0, '', null);
    } else mv.append(el('h3', {}, 'No memory access yet'));
  }
  if (fault && acc) mv.append(el('div', { class: 'hexrow b-fault' }, ` ${fault.message} `));
}

function hexRows(box: HTMLElement, bytes: Uint8Array, size: number, at: number, n: number, cls: string, old: Uint8Array | null): void {
  const from = Math.max(0, Math.floor(at / 16) * 16 - 32);
  const to = Math.min(Math.max(size, at + n), from + 16 * 8);
  for (let off = from; off < to; off += 16) {
    const row = el('div', { class: 'hexrow' }, el('span', { class: 'off' }, `+${off.toString(16).padStart(4, '0')} `));
    for (let i = off; i < off + 16 && i < to; i++) {
      const inAcc = n > 0 && i >= at && i < at + n;
      const oob = i >= size;
      const text = oob ? '--' : hex2(bytes[i]!);
      const span = el('span', { class: oob ? 'b-oob' : inAcc ? cls : '' }, text);
      if (inAcc && old && !oob) span.title = `was ${hex2(old[i - at]!)}`;
      row.append(span, ' ');
    }
    box.append(row);
  }
  if (at + n > size) box.append(el('div', { class: 'hexrow b-oob' }, ` -- : past the end of the ${size}-byte region `));
}

// ---- verifier state at the selected instruction ---------------------------------------------

function renderVerifierState(s: DebugSession): void {
  const box = $('#vstate');
  box.textContent = '';
  const v = st.verifier;
  const pc = st.selected ?? (s.running ? s.pc : s.fault?.pc ?? s.pc);
  if (!v) {
    box.append(el('div', { class: 'legend' }, 'The verifier is working on this program…'));
    return;
  }
  if (v.rejection) {
    const r = el('div', { class: 'reject-box' });
    r.innerHTML = `<b>Rejected at insn ${v.rejection.pc}:</b> <code>${esc(v.rejection.message)}</code><br>${esc(v.rejection.explanation)}`;
    if (v.path && v.path.length) {
      const steps = v.path.filter((e) => e.kind === 'insn').map((e) => e.pc);
      r.append(el('div', { class: 'legend' }, `path to the rejection: insn ${steps.slice(-14).join(' → ')}`));
    }
    box.append(r);
  }
  box.append(el('h3', {}, `Verifier at insn ${pc}${st.selected !== null ? ' (selected; click again to follow the run)' : ' (the next instruction)'}`));
  if (st.selected === null && s.running) {
    const o = s.obligation();
    if (o) box.append(el('div', { class: 'oblig ' + (o.holds ? 'holds' : 'fails') }, `${o.holds ? '✓' : '✗'} ${o.formula}`), el('div', { class: 'legend' }, o.text));
  }
  const states = v.statesAt(pc);
  if (!states.length) box.append(el('div', { class: 'legend' }, 'The verifier kept no state here (not reached, or pruned).'));
  for (const x of states.slice(0, 4)) box.append(el('div', { class: 'stline' }, `${pc}:${x}`));
  if (states.length > 4) box.append(el('div', { class: 'legend' }, `... ${states.length - 4} more states`));
  if (!v.logged) box.append(el('div', { class: 'legend' }, `The verifier walked ${v.processed.toLocaleString('en-US')} instructions: too many to write its level-2 log here (limit ${LOG_LIMIT}); use bpfbox verify --log-level 2.`));
  const log = v.logAt(pc);
  if (log.length) {
    box.append(el('h3', {}, `Log lines for insn ${pc} (level 2)`));
    for (const e of log.slice(0, 8)) box.append(el('div', { class: 'stline' }, e.text));
    if (log.length > 8) box.append(el('div', { class: 'legend' }, `... ${log.length - 8} more lines`));
  }
}

// ---- pointer arrows -------------------------------------------------------------------------

function drawArrows(): void {
  const svg = document.querySelector<SVGSVGElement>('#arrows');
  const machine = document.querySelector<HTMLElement>('.machine');
  if (!svg || !machine || $('#tab-debug').hidden) return;
  svg.setAttribute('width', String(machine.scrollWidth));
  svg.setAttribute('height', String(machine.scrollHeight));
  svg.innerHTML = '<defs><marker id="ah" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1f5fbf"/></marker>'
    + '<marker id="ahx" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#b3261e"/></marker></defs>';
  const base = machine.getBoundingClientRect();
  const ox = machine.scrollLeft - base.left;
  const oy = machine.scrollTop - base.top;
  pointers.forEach((p, idx) => {
    const from = document.querySelector<HTMLElement>(`#reg-${p.reg} .now`);
    const key = p.kind === 'wild' ? 'wild' : p.kind === 'in' ? `in:${p.region}` : `${p.kind}:${p.region}`;
    const to = machine.querySelector<HTMLElement>(`[data-target="${CSS.escape(key)}"]`);
    if (!from || !to) return;
    const a = from.getBoundingClientRect();
    const b = to.getBoundingClientRect();
    const regs = document.querySelector<HTMLElement>('#regs')!.getBoundingClientRect();
    const x1 = regs.right + ox + 2;
    const y1 = a.top + a.height / 2 + oy;
    let frac = 0.5;
    if (p.kind === 'in') frac = Math.min(0.95, Math.max(0.08, p.offset / Math.max(1, Number(to.dataset.size ?? 1))));
    const x2 = b.left + ox - 1;
    const y2 = b.top + oy + b.height * frac;
    const dx = Math.max(18, (x2 - x1) / 2) + (idx % 3) * 4;
    const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('d', `M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}`);
    path.setAttribute('class', p.kind === 'in' ? 'in' : 'out');
    path.setAttribute('marker-end', p.kind === 'in' ? 'url(#ah)' : 'url(#ahx)');
    const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    title.textContent = `r${p.reg} → ${p.text}`;
    path.append(title);
    svg.append(path);
  });
}
