// The Channel File 291 miniature (src/sim/scenario, programs/cf291): the BCF1 format, the two
// sources of truth, and every item of the design's fidelity checklist (B.f) except item 9 (the
// fleet), each as a test named after it.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import {
  BAD_VERSION, FACTS, cf291StoryToJson, FIELD21_TEST, OP, SOURCES, STATIC_TESTS, VERSIONS, checkWithKernel, compileContent, contentBytes, contentVersion,
  crc32, decode, diffFiles, encode, formatCf291Story, formatDiff, garbageFor, hexDump, inlineInputs, loadInterpreter, releaseGate,
  runBootSequence, runCf291Story, runContentDriver, runContentSandbox, runContentTest, runE0, runE1, runE2, sensorIntegration,
  syntheticEvent, templateTypeDefinition, validateContent, verifyInterpreter, RCA_GARBAGE,
} from '../src/sim/scenario/index.js';
import { runSandbox } from '../src/sim/compare/index.js';
import { verify } from '../src/verifier/index.js';
import { ROOT } from './helpers.js';

const EARLIER = VERSIONS.filter((v) => v.name !== BAD_VERSION);
const EVENTS = [1, 2, 3, 4, 5, 6, 7, 8].map(syntheticEvent);

describe('BCF1 format and the two artifacts', () => {
  it('CRC-32 is the IEEE one', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('encode/decode round trip for every version; header fields as designed', () => {
    for (const v of VERSIONS) {
      const b = encode(v.file);
      expect(String.fromCharCode(...b.subarray(0, 4))).toBe('BCF1');
      expect(b[0x0e]).toBe(21);
      expect(b.length).toBe(32 + v.file.instances.length * (8 + 16 * 21));
      const d = decode(b);
      expect(d.ok).toBe(true);
      if (d.ok) {
        expect(d.value.file.contentVer).toBe(v.contentVer);
        expect(d.value.file.instances.map((i) => i.id)).toEqual(v.file.instances.map((i) => i.id));
        expect(encode(d.value.file)).toEqual(b);
      }
    }
    expect(VERSIONS.map((v) => v.name)).toEqual(['v0305', 'v0408', 'v0416', 'v0424', 'v0719-0409', 'v0719-0527']);
  });

  it('a flipped byte fails the CRC', () => {
    const b = contentBytes('v0424').slice();
    b[100]! ^= 1;
    const d = decode(b);
    expect(d.ok).toBe(false);
  });

  it('hex dump shows decoded fields side by side; diff between two versions', () => {
    const dump = hexDump(contentBytes(BAD_VERSION));
    expect(dump).toMatch(/^00000000  42 43 46 31 .*magic="BCF1"/);
    expect(dump).toContain('instance[5] 0x2a.crit[20]=EQUALS "msagent_" (len 8)');
    const d = diffFiles(contentBytes(BAD_VERSION), contentBytes('v0719-0527'));
    expect(d.some((c) => c.name === 'instance[5] 0x2a.crit[20]' && c.after === null)).toBe(true);
    expect(formatDiff(d)).toContain('- 0x0820 instance[5] 0x2a.crit[20] = EQUALS "msagent_"');
  });

  it('two separate artifacts: the Template Type definition declares 21 fields, the sensor integration supplies 20', () => {
    expect(templateTypeDefinition().fields).toHaveLength(21);
    expect(sensorIntegration().suppliedFields).toHaveLength(20);
    const a = readFileSync(join(ROOT, 'programs/cf291/ipc-template-type.json'), 'utf8');
    const b = readFileSync(join(ROOT, 'programs/cf291/sensor-ipc-integration.json'), 'utf8');
    expect(a).not.toBe(b);
    expect(templateTypeDefinition().fields[20]!.name).toBe('client module');
  });

  it('content versions: every earlier version has WILDCARD in crit[20]; the bad one has EQUALS "msagent_" in instance 0x2A', () => {
    for (const v of EARLIER) for (const i of v.file.instances) expect(i.criteria[20]!.op).toBe(OP.WILDCARD);
    const bad = contentVersion(BAD_VERSION).file.instances.find((i) => i.id === 0x2a)!;
    expect(bad.criteria[20]).toEqual({ op: OP.EQUALS, pattern: 'msagent_' });
    // the revert: v0424 plus the other new instance
    expect(contentVersion('v0719-0527').file.instances.map((i) => i.id)).toEqual([...contentVersion('v0424').file.instances.map((i) => i.id), 0x29]);
  });

  it('the content compiler turns the bad criterion into r1 = *(u64 *)(r6 + 320)', () => {
    const c = compileContent(contentVersion(BAD_VERSION).file);
    expect(c.source).toContain('r1 = *(u64 *)(r6 + 320)  ; criterion 21 of instance 0x2a');
  });
});

describe('fidelity checklist (design B.f)', () => {
  it('1. the channel file that crashes the driver-mode host passes the CRC and format checks: well-formed, only semantically wrong', () => {
    const bytes = contentBytes(BAD_VERSION);
    const d = decode(bytes);
    expect(d.ok).toBe(true);
    if (d.ok) expect(d.value.crcStored).toBe(d.value.crcComputed);
    const v = validateContent(bytes);
    expect(v.ok).toBe(true);
    expect(v.fieldsCheckedAgainst).toBe(21);
    expect(runContentDriver(bytes).outcome).toBe('panic');
  });

  it('2. with crit[20] = WILDCARD, every earlier version runs in both modes without any read of input slot 20 (the trace proves it)', () => {
    const v2 = loadInterpreter('v2');
    const fieldError = v2.asm.labels.get('field_error')!;
    for (const v of EARLIER) {
      const bytes = contentBytes(v.name);
      for (const ev of EVENTS) {
        // driver mode: every access recorded; slot 20 is bytes 160..167 of ipc_inputs (the neighbour)
        const d = runContentDriver(bytes, { event: ev, recordAccesses: true });
        expect(d.outcome).toBe('ok');
        const inputReads = d.accesses.filter((a) => a.object === 'ipc_inputs' || a.object === 'Ntfs pool block');
        expect(inputReads.length).toBeGreaterThan(0);
        for (const a of inputReads) {
          expect(a.object).toBe('ipc_inputs');
          expect(a.objectOffset! / 8).toBeLessThan(20);
        }
        expect(d.leaks).toEqual([]);
        // sandbox (E2 build): no read of field 20 and the bounds-check branch is never taken
        const s = runContentSandbox(bytes, ev, { recordAccesses: true });
        expect(s.fault).toBeNull();
        expect(s.errors).toBe(0);
        expect(s.pcs).not.toContain(fieldError);
        const sandboxInputReads = s.accesses.filter((x) => x.region?.includes('ipc_inputs'));
        expect(sandboxInputReads.length).toBeGreaterThan(0);
        for (const a of sandboxInputReads) expect(Math.floor(a.offset! / 16)).toBeLessThan(20);
      }
      // sandbox (E1 build): the compiled content reads no offset >= 320 and verifies
      const c = compileContent(v.file);
      expect(verify(c.asm.program, { progType: 'socket_filter', maps: c.maps }).accepted).toBe(true);
      for (const ev of EVENTS.slice(0, 3)) {
        const s = runSandbox(c.asm.program, { progType: 'socket_filter', maps: c.maps, mapValues: { ipc_inputs: inlineInputs(ev) } }, { recordAccesses: true });
        expect(s.fault).toBeNull();
        const reads = s.accesses.filter((x) => x.region?.includes('ipc_inputs'));
        expect(reads.length).toBeGreaterThan(0);
        for (const a of reads) expect(a.offset!).toBeLessThan(320);
      }
    }
  });

  it('3. the 12 static test cases pass against the buggy interpreter', () => {
    expect(STATIC_TESTS).toHaveLength(12);
    for (const t of STATIC_TESTS) {
      expect(t.instance.criteria[20]!.op).toBe(OP.WILDCARD);
      const r = runContentTest(t);
      expect(r.passed, `${t.name}: ${r.detail}`).toBe(true);
    }
    expect(STATIC_TESTS.filter((t) => t.expectMatch).length).toBeGreaterThan(5);
  });

  it('4. driver mode: the fault is a read through a pointer obtained out of bounds; the panel shows index 0x14; rebooting with the file on disk crashes again unless the sync wins', () => {
    const r = runContentDriver(contentBytes(BAD_VERSION), { trace: true });
    // insn 24 reads inputs[20]: 8 bytes of the neighbouring allocation, the RCA's value
    expect(r.leaks).toHaveLength(1);
    expect(r.leaks[0]!.pc).toBe(24);
    expect(r.leaks[0]!.object).toBe('Ntfs pool block');
    expect(BigInt(r.leaks[0]!.value)).toBe(RCA_GARBAGE);
    // insn 25 dereferences it: a READ page fault at that address
    const b = r.bugcheck!;
    expect(r.outcome).toBe('panic');
    expect(b.code).toBe(0x50);
    expect(b.pc).toBe(25);
    expect(b.insnText).toBe('r2 = *(u8 *)(r1 + 0)');
    expect(b.access).toBe('read');
    expect(b.address).toBe('0xffffd6030000006a');
    expect(b.context).toContain('r7 (field index) = 0x14');
    expect(b.context).toContain('content: C-00000291 v0719-0409, instance 0x2A, criterion 21');
    expect(r.machine.workloads.every((w) => w.state === 'halted')).toBe(true);
    // each host's garbage is seeded; any of them faults
    const other = runContentDriver(contentBytes(BAD_VERSION), { seed: 7 });
    expect(garbageFor(7)).not.toBe(RCA_GARBAGE);
    expect(other.bugcheck?.address).toBe('0x' + garbageFor(7).toString(16));
    // the boot loop
    const never = runBootSequence({ pSync: 0, onRecovery: 'fix' });
    expect(never.boots[0]!.crashed).toBe(true);
    expect(never.boots[0]!.stages).toEqual(['POWER_ON', 'LOADER', 'DRIVER_INIT', 'SERVICES', 'BUGCHECK']);
    expect(never.boots[1]!.crashed).toBe(true); // same file on disk: crashes again
    expect(never.outcome).toBe('fixed_manually');
    expect(never.manualSteps.map((s) => s.step).join(' | ')).toContain('C-00000291*.sys');
    const always = runBootSequence({ pSync: 1 });
    expect(always.crashes).toBe(0);
    expect(always.boots[0]!.stages.at(-1)).toBe('RUNNING');
    let healed = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const b2 = runBootSequence({ seed });
      if (b2.outcome === 'self_healed') {
        healed++;
        const last = b2.boots.at(-1)!;
        expect(last.syncWon).toBe(true);
        expect(b2.boots.slice(0, -1).every((x) => x.crashed)).toBe(true);
      }
      expect(b2.boots.filter((x) => x.crashed).every((x) => x.bugcheck?.code === 0x50)).toBe(true);
    }
    expect(healed).toBeGreaterThan(20);
    // BitLocker without the key: stuck
    const stuck = runBootSequence({ pSync: 0, onRecovery: 'fix', bitlocker: true, keyAvailable: false });
    expect(stuck.outcome).toBe('stuck');
    // deterministic per seed
    expect(runBootSequence({ seed: 5 })).toEqual(runBootSequence({ seed: 5 }));
  });

  it('5. eBPF E0: the v1 interpreter is rejected at install, and the message names the instruction', () => {
    const e0 = runE0();
    expect(e0.accepted).toBe(false);
    expect(e0.pc).toBe(24);
    expect(e0.insn).toBe('r1 = *(u64 *)(r4 + 0)');
    expect(e0.line).toMatch(/^insn 24: invalid access to map value, value_size=160 off=\d+ size=8/);
    expect(e0.message).toContain('R4 max value is outside of the allowed memory range');
    expect(e0.v2Accepted).toBe(true);
    // the design's second objection: insn 25 dereferences a scalar loaded from memory
    expect(e0.scalarDeref.pc).toBe(25);
    expect(e0.scalarDeref.message).toBe("R1 invalid mem access 'scalar'");
    expect(verifyInterpreter('v1').log).toContain('24:');
  });

  it('6. eBPF E1: the update is rejected at load, the message names the instruction and the channel-file offset; the host reports it is still on the old version', () => {
    const e1 = runE1('v0424', BAD_VERSION);
    expect(e1.currentAccepted).toBe(true);
    expect(e1.accepted).toBe(false);
    expect(e1.kernelLine).toMatch(/^insn \d+: invalid access to map value, value_size=320 off=320 size=8$/);
    expect(e1.kernelLine).toContain(`insn ${e1.pc}:`);
    expect(e1.insn).toBe('r1 = *(u64 *)(r6 + 320)');
    expect(e1.reason).toBe('criterion #21 reads input field #21; the sensor supplies 20 fields (#1-#20)');
    expect(e1.fileOffset).toBe(0x820);
    expect(e1.origin).toBe('C-00000291 v0719-0409, instance 0x2A, file offset 0x820 (EQUALS "msagent_")');
    expect(e1.decision).toBe('update rejected; still running C-00000291 v0424');
    expect(e1.active).toBe('v0424');
    // the revert compiles and loads
    expect(runE1('v0424', 'v0719-0527').accepted).toBe(true);
  });

  it('7. eBPF E2: no crash, the error counter is at least 1, the dry run refuses the update, and the old content stays active', () => {
    const e2 = runE2('v0424', BAD_VERSION);
    expect(e2.v2Accepted).toBe(true);
    expect(e2.runtime.fault).toBeNull();
    expect(e2.runtime.errors).toBeGreaterThanOrEqual(1);
    expect(e2.dryRun.errors).toBeGreaterThanOrEqual(1);
    expect(e2.dryRun.refused).toBe(true);
    expect(e2.active).toBe('v0424');
    // a good update passes the dry run
    const ok = runE2('v0424', 'v0719-0527');
    expect(ok.dryRun.refused).toBe(false);
    expect(ok.active).toBe('v0719-0527');
  });

  it('8. fixing the validator (finding 4) or adding the field-21 non-wildcard test (finding 3) catches the bug before release, each on its own', () => {
    const replay = releaseGate(BAD_VERSION);
    expect(replay.released).toBe(true); // 2024: tests pass, validator passes
    const fixV = releaseGate(BAD_VERSION, { fixValidator: true });
    expect(fixV.released).toBe(false);
    expect(fixV.caughtBy).toEqual(['validator']);
    expect(fixV.validation.issues[0]!.message).toContain('criterion #21 matches input field #21; the sensor supplies 20 fields');
    const fixT = releaseGate(BAD_VERSION, { testField21: true });
    expect(fixT.released).toBe(false);
    expect(fixT.caughtBy).toEqual(['tests']);
    expect(fixT.tests.find((t) => t.name === FIELD21_TEST.name)?.detail).toContain('PAGE_FAULT_IN_NONPAGED_AREA');
    // the fixed validator does not block good content
    expect(releaseGate('v0719-0527', { fixValidator: true }).released).toBe(true);
  });

  it('10. every number shown to students that claims to be "real" traces back to a row in the Sources table', () => {
    const tags = new Set(SOURCES.map((s) => s.tag));
    const docs = readFileSync(join(ROOT, 'docs', 'cf291.md'), 'utf8');
    const design = new Set(['PIR', 'RCA', 'TECH', 'MS-0720', 'MS-0727', 'MS-WRI', 'AZ', 'REC', 'BC50', 'START', 'KV', 'SF', 'HN', 'CVE']);
    for (const s of SOURCES) {
      expect(design.has(s.tag), `${s.tag} is a key of the design's Sources table`).toBe(true);
      expect(docs).toContain(`| ${s.tag} |`);
      expect(docs).toContain(s.url);
    }
    for (const f of FACTS) {
      expect(f.sources.length).toBeGreaterThan(0);
      for (const t of f.sources) expect(tags.has(t)).toBe(true);
      expect(docs, `docs/cf291.md lists ${f.key}`).toContain(f.value);
    }
    const story = runCf291Story();
    for (const sec of story.sections) {
      for (const line of sec.lines) {
        for (const t of line.sources) expect(tags.has(t), `${t} in "${line.text}"`).toBe(true);
        // a line that shows a sourced real-world value names one of its sources
        for (const f of FACTS) {
          if (f.value.length >= 3 && line.text.includes(f.value) && !line.text.includes('programs/cf291') && !/^\s*(\||\+|insn|~|\d{8})/.test(line.text)) {
            expect(f.sources.some((t) => line.sources.includes(t)), `"${line.text}" shows ${f.value} without its source`).toBe(true);
          }
        }
      }
    }
  });
});

describe('the story', () => {
  it('runCf291Story returns the structured story and its text, deterministic per seed', () => {
    const s = runCf291Story({ seed: 3 });
    expect(s.sections.map((x) => x.title)).toHaveLength(5);
    expect(s.driver.crash.outcome).toBe('panic');
    expect(s.ebpf.e0.accepted).toBe(false);
    expect(s.ebpf.e1.active).toBe('v0424');
    expect(s.ebpf.e2.dryRun.refused).toBe(true);
    const text = formatCf291Story(s);
    expect(text).toContain('STOP 0x50 PAGE_FAULT_IN_NONPAGED_AREA');
    expect(text).toContain('still running C-00000291 v0424');
    expect(formatCf291Story(runCf291Story({ seed: 3 }))).toBe(text);
    const j = cf291StoryToJson(s) as { driver: { bugcheck: { code: string } }; ebpf: { e1: { active: string } } };
    expect(j.driver.bugcheck.code).toBe('0x50');
    expect(j.ebpf.e1.active).toBe('v0424');
  });

  it('UB roulette (optional, ours): a garbage pointer into mapped memory does not crash', () => {
    const r = runContentDriver(contentBytes(BAD_VERSION), { ubRoulette: true });
    expect(r.outcome).toBe('leak');
    expect(r.bugcheck).toBeNull();
  });
});

describe('the real kernel agrees (kernel oracle)', () => {
  it('Linux rejects v1 and the bad E1 content, accepts v2 and the good E1 content', async (ctx) => {
    const k = await checkWithKernel();
    if (!k.available) {
      console.warn(`kernel oracle unavailable, skipped: ${k.reason}`);
      ctx.skip();
      return;
    }
    expect(k.v1?.accepted).toBe(false);
    expect(k.v1?.pc).toBe(24);
    expect(k.v2?.accepted).toBe(true);
    expect(k.e1Bad?.accepted).toBe(false);
    expect(k.e1Bad?.message).toBe('invalid access to map value, value_size=320 off=320 size=8');
    expect(k.e1Bad?.pc).toBe(runE1().pc);
    expect(k.e1Good?.accepted).toBe(true);
    expect(k.v1Big?.pc).toBe(25);
    expect(k.v1Big?.message).toBe("R1 invalid mem access 'scalar'");
    // bpfbox's verifier says the same
    expect(runE0().message?.split('\n')[0]).toBe(k.v1?.message);
  });
});
