// The whole Channel File 291 story as data (what `bpfbox demo` prints), and its text.

import { type MapDef, mapTypeId } from '../../runtime/maps/def.js';
import { type BugCheck, type DriverResult, bugcheckPanelLines, formatBugcheckPanel } from '../driver/index.js';
import { type FieldChange, criterionOffset, diffFiles, formatDiff, hexDump } from './bcf1.js';
import { type BootResult, formatBoot, runBootSequence } from './boot.js';
import { BAD_VERSION, LAST_GOOD_VERSION, VERSIONS, contentBytes, contentVersion } from './content.js';
import { runContentDriver } from './driver.js';
import { type E0Result, type E1Result, type E2Result, compileContent, formatE0, formatE1, formatE2, runE0, runE1, runE2 } from './ebpf.js';
import { sensorIntegration, templateTypeDefinition } from './ipc.js';
import { cite } from './facts.js';
import { loadInterpreter } from './programs.js';
import { type ReleaseResult, releaseGate } from './validator.js';

export interface StoryLine {
  readonly text: string;
  /** Source tags of the real-world numbers on this line (empty: our simulation). */
  readonly sources: readonly string[];
}

export interface StorySection {
  readonly title: string;
  readonly lines: readonly StoryLine[];
}

export interface Cf291StoryOptions {
  /** Seed of the driver's garbage value, the boot race and the synthetic events (default 1: the garbage is then the RCA's value). */
  seed?: number;
  pSync?: number;
  bitlocker?: boolean;
  keyAvailable?: boolean;
}

export interface Cf291Story {
  readonly seed: number;
  readonly update: {
    readonly from: string;
    readonly to: string;
    readonly diff: readonly FieldChange[];
    readonly release: ReleaseResult;
  };
  readonly driver: { readonly crash: DriverResult; readonly panel: string; readonly boot: BootResult };
  readonly ebpf: { readonly e0: E0Result; readonly e1: E1Result; readonly e2: E2Result };
  readonly fixes: { readonly fixValidator: ReleaseResult; readonly testField21: ReleaseResult };
  readonly sections: readonly StorySection[];
}

const L = (text: string, ...sources: string[]): StoryLine => ({ text, sources });

function tags(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\[([A-Z0-9, ;-]+?)(?:; [a-z ]+)*\]/g)) {
    for (const t of m[1]!.split(/[,;]\s*/)) if (/^[A-Z][A-Z0-9-]+$/.test(t)) out.push(t);
  }
  return out;
}

/** A line whose real-world numbers come from `cite()`; the tags are collected from the text. */
const C = (text: string): StoryLine => ({ text, sources: tags(text) });

export function runCf291Story(opts: Cf291StoryOptions = {}): Cf291Story {
  const seed = opts.seed ?? 1;
  const garbageSeed = seed === 1 ? 0 : seed;
  const from = LAST_GOOD_VERSION;
  const to = BAD_VERSION;
  const diff = diffFiles(contentBytes(from), contentBytes(to));
  const release = releaseGate(to);
  const crash = runContentDriver(contentBytes(to), { seed: garbageSeed, trace: true });
  const panel = crash.bugcheck ? formatBugcheckPanel(crash.bugcheck) : '(no crash)';
  const boot = runBootSequence({ seed, pSync: opts.pSync, bitlocker: opts.bitlocker, keyAvailable: opts.keyAvailable });
  const e0 = runE0();
  const e1 = runE1(from, to);
  const e2 = runE2(from, to, seed);
  const fixValidator = releaseGate(to, { fixValidator: true });
  const testField21 = releaseGate(to, { testField21: true });
  const tt = templateTypeDefinition();
  const si = sensorIntegration();
  const bad = contentVersion(to);
  const badIndex = bad.file.instances.findIndex((i) => i.id === 0x2a);
  const off = criterionOffset(bad.file.typeFields, badIndex, 20);

  const sections: StorySection[] = [
    {
      title: '1. The content update',
      lines: [
        C(`Sensor 7.11 (GA ${cite('sensor-ga')}) brought the IPC Template Type.`),
        C(`  Template Type definition (programs/cf291/ipc-template-type.json): ${tt.fields.length} fields ${cite('template-fields').slice(cite('template-fields').indexOf('['))}`),
        C(`  sensor integration (programs/cf291/sensor-ipc-integration.json): ${si.suppliedFields.length} fields ${cite('supplied-fields').slice(cite('supplied-fields').indexOf('['))}`),
        C(`  ${cite('safe-instances')} IPC instances shipped fine first, all with a wildcard in field 21 (${VERSIONS.filter((v) => !v.bad && v.name < 'v07').map((v) => v.name).join(', ')}).`),
        C(`  2024-07-19 ${cite('release')}: ${to}. Diff against ${from}:`),
        ...formatDiff(diff).split('\n').map((t) => L(`    ${t}`)),
        L(`  the criterion that matters, at file offset 0x${off.toString(16)}:`),
        ...hexDump(contentBytes(to), { from: off, to: off + 16 }).split('\n').map((t) => L(`    ${t}`)),
        C(`  CI: ${release.tests.filter((t) => t.passed).length}/${release.tests.length} static tests pass ${cite('static-tests').slice(cite('static-tests').indexOf('['))}` +
          ` (all wildcard in field 21); validator: ${release.validation.ok ? 'PASS' : 'FAIL'} (checks n_criteria against the definition: ${release.validation.fieldsCheckedAgainst}); CRC ok.`),
        L(`  => ${release.released ? 'released to every online host' : 'held back'}`),
      ],
    },
    {
      title: '2. Kernel-driver mode: the sensor\'s interpreter runs unchecked in the kernel',
      lines: [
        L(`  loader: CRC and format ok; the first IPC event reaches instance 0x2A, criterion 21 (f = 20)`),
        ...crash.leaks.map((l) => L(`  insn ${l.pc}: ${l.insn}  reads inputs[20]: 8 bytes of "${l.object}" = ${l.value}`)),
        ...(crash.bugcheck ? panelLinesWithSources(crash.bugcheck, crash) : [L('  (no crash)')]),
        L(`  every workload on the machine: ${crash.machine.workloads.map((w) => `${w.name} ${w.state}`).join(', ')}`),
        C(`  real dumps: ${cite('stop-code')}, index register ${cite('index-register')}, bad pointer ${cite('garbage-pointer')}`),
        L('  reboot with the file on disk (boot loop until the content sync wins, or a person fixes it):'),
        ...formatBoot(boot).split('\n').map((t) => L(t)),
        C(`  real world: restarts helped some Azure VMs after ${cite('reboots')}; the revert came at ${cite('revert')} (window ${cite('window')})`),
      ],
    },
    {
      title: '3. The same update under the eBPF sandbox',
      lines: [
        ...formatE0(e0).split('\n').map((t) => L(t, 'KV')),
        C(`    (in 2024 the latent bug waited ${cite('latent')})`),
        ...formatE1(e1).split('\n').map((t) => L(t)),
        ...formatE2(e2).split('\n').map((t) => L(t)),
      ],
    },
    {
      title: '4. The two fixes of the release pipeline (each alone catches it)',
      lines: [
        L(`  fix validator (RCA finding 4): ${fixValidator.released ? 'released (NOT caught)' : `caught by the ${fixValidator.caughtBy.join(' and ')}: ${fixValidator.validation.issues[0]?.message ?? ''}`}`, 'RCA'),
        L(`  test field 21 with a non-wildcard (RCA finding 3): ${testField21.released ? 'released (NOT caught)' : `caught by the ${testField21.caughtBy.join(' and ')}: ${testField21.tests.find((t) => !t.passed)?.detail ?? ''}`}`, 'RCA', 'BC50'),
      ],
    },
    {
      title: '5. What eBPF mode does not fix',
      lines: [
        L('  protection gap: hosts stay up, but without the new detection until a fixed update arrives'),
        L('  logic errors: a valid but wrong instance (one that blocks every pipe) passes any verifier: stage rollouts anyway'),
        L('  verifiers have bugs too: CVE-2021-3490, a bounds-tracking flaw in the Linux eBPF verifier', 'CVE'),
        L('  scale: real Windows EDR would not be a bare eBPF program; Microsoft moved security products toward user mode', 'MS-WRI'),
        C(`  in 2024: ${cite('devices')} devices; ${cite('recovered')} of sensors back by 25 July`),
      ],
    },
  ];
  return {
    seed, update: { from, to, diff, release }, driver: { crash, panel, boot }, ebpf: { e0, e1, e2 },
    fixes: { fixValidator, testField21 }, sections,
  };
}

function panelLinesWithSources(b: BugCheck, d: DriverResult): StoryLine[] {
  const panel = formatBugcheckPanel(b).split('\n');
  void d;
  void bugcheckPanelLines;
  return panel.map((t) => L(`  ${t}`));
}

/** The story as terminal text. */
export function formatCf291Story(s: Cf291Story): string {
  const out: string[] = ['Channel File 291 (19 July 2024), in miniature', ''];
  for (const sec of s.sections) {
    out.push(sec.title);
    for (const l of sec.lines) out.push(l.text);
    out.push('');
  }
  out.push('Sources: see docs/cf291.md (tags in brackets). Numbers without a tag come from this simulation.');
  return out.join('\n');
}

export interface KernelCheck {
  readonly available: boolean;
  readonly reason: string | null;
  readonly v1: { accepted: boolean; pc: number | null; message: string | null } | null;
  readonly v2: { accepted: boolean; pc: number | null; message: string | null } | null;
  readonly e1Bad: { accepted: boolean; pc: number | null; message: string | null } | null;
  readonly e1Good: { accepted: boolean; pc: number | null; message: string | null } | null;
  /** v1 with a 2048-byte input array: the scalar dereference at insn 25. */
  readonly v1Big: { accepted: boolean; pc: number | null; message: string | null } | null;
}

/** The running kernel's verdicts on v1, v2 and the compiled contents (when the kernel oracle is available). */
export async function checkWithKernel(): Promise<KernelCheck> {
  const oracle = await import('../../oracle/index.js');
  const avail = oracle.kernelAvailable();
  if (!avail.ok) return { available: false, reason: avail.reason, v1: null, v2: null, e1Bad: null, e1Good: null, v1Big: null };
  const asOracle = (maps: readonly MapDef[]) => maps.map((m) => ({ type: mapTypeId(m), keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, name: m.name }));
  const one = (bytes: Uint8Array, maps: readonly MapDef[]) => {
    const k = oracle.kernelVerify(bytes, { progType: 'socket_filter', maps: asOracle(maps) });
    return { accepted: k.accepted, pc: k.error?.pc ?? null, message: k.error?.message ?? null };
  };
  const v1 = loadInterpreter('v1');
  const v2 = loadInterpreter('v2');
  const bad = compileContent(contentVersion(BAD_VERSION).file);
  const good = compileContent(contentVersion(LAST_GOOD_VERSION).file);
  return {
    available: true, reason: null,
    v1: one(v1.asm.bytes, v1.maps), v2: one(v2.asm.bytes, v2.maps), e1Bad: one(bad.asm.bytes, bad.maps), e1Good: one(good.asm.bytes, good.maps),
    v1Big: one(v1.asm.bytes, v1.maps.map((m) => (m.name === 'ipc_inputs' ? { ...m, valueSize: 2048 } : m))),
  };
}

/** A JSON-safe summary of the story (bigints as decimal strings), for `bpfbox demo --json`. */
export function cf291StoryToJson(s: Cf291Story): Record<string, unknown> {
  const d = s.driver.crash;
  const b = d.bugcheck;
  const json = {
    seed: s.seed,
    update: {
      from: s.update.from, to: s.update.to, changes: s.update.diff.length,
      tests: { passed: s.update.release.tests.filter((t) => t.passed).length, total: s.update.release.tests.length },
      validator: s.update.release.validation.ok, released: s.update.release.released,
    },
    driver: {
      outcome: d.outcome,
      leaks: d.leaks.map((l) => ({ pc: l.pc, object: l.object, value: l.value })),
      bugcheck: b ? { code: `0x${b.code.toString(16).toUpperCase()}`, name: b.name, pc: b.pc, insn: b.insnText, address: b.address, context: b.context } : null,
      workloads: d.machine.workloads,
      boot: { outcome: s.driver.boot.outcome, crashes: s.driver.boot.crashes, boots: s.driver.boot.boots.length, manualTouches: s.driver.boot.manualTouches },
    },
    ebpf: {
      e0: { accepted: s.ebpf.e0.accepted, pc: s.ebpf.e0.pc, message: s.ebpf.e0.message },
      e1: { accepted: s.ebpf.e1.accepted, pc: s.ebpf.e1.pc, kernelLine: s.ebpf.e1.kernelLine, reason: s.ebpf.e1.reason, origin: s.ebpf.e1.origin, decision: s.ebpf.e1.decision, active: s.ebpf.e1.active },
      e2: { v2Accepted: s.ebpf.e2.v2Accepted, errors: s.ebpf.e2.runtime.errors, dryRunRefused: s.ebpf.e2.dryRun.refused, active: s.ebpf.e2.active },
    },
    fixes: {
      fixValidator: { released: s.fixes.fixValidator.released, caughtBy: s.fixes.fixValidator.caughtBy },
      testField21: { released: s.fixes.testField21.released, caughtBy: s.fixes.testField21.caughtBy },
    },
  };
  return JSON.parse(JSON.stringify(json, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as Record<string, unknown>;
}
