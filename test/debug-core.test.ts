// The stepping core: exact step back on every example program (registers, every memory region and
// every map compared with the forward run), goto, breakpoints by label and C line, watchpoints,
// trace round trips, verifier views and rejected programs' paths.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DebugSession, type FullState, type RunInput, loadTrace, parseVerifierLog, saveTrace, stateDifference } from '../src/debug/index.js';
import { type LoadedProgram, loadProgramBytes, loadProgramFile } from '../src/input/load.js';
import { runProgram } from '../src/runtime/context.js';
import { parseProgramHeader } from '../src/sim/compare/index.js';
import { ROOT, cli } from './helpers.js';

/** An Ethernet + IPv4 + TCP SYN packet (60 bytes) to 10.0.0.2:80. */
function tcpSyn(): Uint8Array {
  const p = new Uint8Array(60);
  p.set([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00], 0);
  p.set([0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2], 14);
  p.set([0x30, 0x39, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0x20, 0, 0, 0, 0, 0], 34);
  return p;
}

interface Case {
  name: string;
  loaded: LoadedProgram;
  input: RunInput;
}

function asmCase(file: string, mode: 'sandbox' | 'driver' = 'sandbox'): Case {
  const text = readFileSync(file, 'utf8');
  const h = parseProgramHeader(text);
  const r = loadProgramFile(file);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  let loaded = r.value;
  if (loaded.maps.length === 0 && h.maps.length > 0) loaded = { ...loaded, maps: h.maps };
  const progType = h.progType ?? (loaded.section === 'xdp' ? 'xdp' : 'raw');
  const mem = progType === 'raw' ? (h.mem ?? new Uint8Array(h.memSize ?? 16)) : undefined;
  const mmem = mem && h.memSize && mem.length < h.memSize ? Uint8Array.from({ length: h.memSize }, (_, i) => mem[i] ?? 0) : mem;
  return {
    name: `${file.replace(ROOT + '/', '')} (${mode})`, loaded,
    input: { progType, mode, ...(mmem ? { mem: mmem } : {}), ...(progType !== 'raw' ? { packet: tcpSyn() } : {}), maxInsns: 5000 },
  };
}

function objCases(file: string): Case[] {
  const first = loadProgramFile(file, {});
  const names = first.ok ? [undefined] : (() => {
    const o = loadProgramBytes(readFileSync(file), 'elf', file, { program: '__none__' });
    const m = o.ok ? [] : /has: (.*)$/.exec(o.errors[0]!.message);
    return m ? m[1]!.split(', ').map((x) => x.split(' ')[0]!) : [];
  })();
  return names.map((program) => {
    const r = loadProgramFile(file, program !== undefined ? { program } : {});
    if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
    const kt = r.value.elf!.program.kernelType;
    const progType = kt === 'xdp' ? 'xdp' : kt === 'socket_filter' ? 'socket_filter' : kt === 'kprobe' ? 'kprobe' : 'raw';
    return {
      name: `${file.replace(ROOT + '/', '')}${program ? ':' + program : ''}`, loaded: r.value,
      input: {
        progType, mode: 'sandbox' as const, maxInsns: 100_000,
        ...(progType === 'xdp' || progType === 'socket_filter' ? { packet: tcpSyn() } : progType === 'kprobe' ? { regs: [1n, 2n, 3n] } : {}),
        ...(program ? { programName: program } : {}),
      },
    };
  });
}

const dir = (d: string, ext: string) => readdirSync(join(ROOT, d)).filter((f) => f.endsWith(ext)).sort().map((f) => join(ROOT, d, f));

const CASES: Case[] = [
  ...dir('programs/examples', '.s').map((f) => asmCase(f)),
  ...dir('programs/unsafe', '.s').map((f) => asmCase(f)),
  ...dir('programs/unsafe', '.s').filter((f) => !f.includes('xdp')).map((f) => asmCase(f, 'driver')),
  ...dir('programs/c', '.o').flatMap((f) => objCases(f)),
];

/** Steps forward up to `max` steps recording the state after each; then back to 0 and forward again. */
function roundTrip(s: DebugSession, max: number): void {
  const states: FullState[] = [s.fullState()];
  const records = [];
  while (s.running && s.stepCount < max) {
    const rec = s.step();
    if (!rec) break;
    records.push(rec);
    states.push(s.fullState());
  }
  const n = s.stepCount;
  expect(n).toBeGreaterThan(0);
  for (let k = n - 1; k >= 0; k--) {
    expect(s.back()).toBe(true);
    const d = stateDifference(s.fullState(), states[k]!);
    if (d) throw new Error(`after stepping back to ${k}: ${d}`);
  }
  expect(s.back()).toBe(false);
  for (let k = 1; k <= n; k++) {
    const rec = s.step()!;
    expect(rec.regsAfter).toEqual(records[k - 1]!.regsAfter);
    const d = stateDifference(s.fullState(), states[k]!);
    if (d) throw new Error(`after stepping forward to ${k}: ${d}`);
  }
  // goto in both directions
  for (const k of [Math.floor(n / 2), 0, n, 1, Math.floor(n / 3)]) {
    s.goto(k);
    const d = stateDifference(s.fullState(), states[k]!);
    if (d) throw new Error(`after goto ${k}: ${d}`);
  }
}

describe('step back N then forward N gives identical states', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const s = DebugSession.create(c.loaded, c.input, { noVerifier: true });
      roundTrip(s, 400);
    });
  }
});

function load(file: string, opts: { program?: string } = {}): LoadedProgram {
  const r = loadProgramFile(join(ROOT, file), opts);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r.value;
}

const CHECKSUM_MEM = Uint8Array.from([0x45, 0, 0, 0x1c, 0, 0, 0x40, 0, 0x40, 0x11, 0, 0, 0xc0, 0xa8, 0, 1, 0xc0, 0xa8, 0, 0xc7]);

describe('breakpoints', () => {
  it('runs to a label, again and again, and removes it', () => {
    const s = DebugSession.create(load('programs/examples/checksum.s'), { progType: 'raw', mode: 'sandbox', mem: CHECKSUM_MEM });
    expect(s.addBreakpoint('next_pair')).toEqual([3]);
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = s.continue();
      expect(r).toEqual({ reason: 'breakpoint', slot: 3 });
      expect(s.pc).toBe(3);
      seen.push(s.stepCount);
    }
    // each lap of the loop is 8 instructions (3..10)
    expect(seen).toEqual([3, 11, 19]);
    s.removeBreakpoint('next_pair');
    const end = s.continue();
    expect(end.reason).toBe('exit');
    expect(s.registers()[0]).toBe(runProgram(s.loaded.program, { mem: CHECKSUM_MEM }).r0);
  });

  it('runs to a C source line of an object (xdp_firewall.c:39, the map lookup)', () => {
    const s = DebugSession.create(load('programs/c/xdp_firewall.o'), { progType: 'xdp', mode: 'sandbox', packet: tcpSyn() });
    const slots = s.addBreakpoint('xdp_firewall.c:39');
    expect(slots.length).toBeGreaterThan(0);
    const r = s.continue();
    expect(r.reason).toBe('breakpoint');
    expect(s.cLineAt(s.pc)?.line).toBe(39);
    expect(s.cLineAt(s.pc)?.text).toContain('bpf_map_lookup_elem');
    // the same by `c:LINE`
    const t = DebugSession.create(load('programs/c/xdp_firewall.o'), { progType: 'xdp', mode: 'sandbox', packet: tcpSyn() });
    expect(t.addBreakpoint('c:39')).toEqual(slots);
  });

  it('an assembly line (s:LINE) and an instruction index', () => {
    const s = DebugSession.create(load('programs/examples/checksum.s'), { progType: 'raw', mode: 'sandbox', mem: CHECKSUM_MEM });
    expect(s.addBreakpoint('s:11')).toEqual([6]); // r5 = *(u16 *)(r1 + 0)
    expect(s.addBreakpoint(10)).toEqual([10]);
    expect(s.continue()).toEqual({ reason: 'breakpoint', slot: 6 });
    expect(s.continue()).toEqual({ reason: 'breakpoint', slot: 10 });
    expect(s.addBreakpoint('no_such_label')).toEqual([]);
  });
});

describe('watchpoints', () => {
  it('stops when a register is written and when it is read', () => {
    const s = DebugSession.create(load('programs/examples/checksum.s'), { progType: 'raw', mode: 'sandbox', mem: CHECKSUM_MEM });
    s.addWatchpoint({ kind: 'reg', reg: 5, on: 'write' });
    const r = s.continue();
    expect(r.reason).toBe('watchpoint');
    const rec = s.lastStep()!;
    expect(rec.pc).toBe(6); // r5 = *(u16 *)(r1 + 0)
    expect(rec.regsAfter[5]).toBe(0x0045n);
    if (r.reason === 'watchpoint') expect(r.detail).toBe('r5 changed 0x0 -> 0x45');
    s.removeWatchpoint(0);
    s.addWatchpoint({ kind: 'reg', reg: 3, on: 'read' });
    const r2 = s.continue();
    expect(r2.reason).toBe('watchpoint');
    expect(s.lastStep()!.pc).toBe(5); // if r4 > r3
  });

  it('stops on a memory write and a memory read', () => {
    const s = DebugSession.create(load('programs/c/xdp_firewall.o'), { progType: 'xdp', mode: 'sandbox', packet: tcpSyn() });
    // fp-4 of frame 0
    const fp = BigInt(s.vm.stackTop(0));
    s.addWatchpoint({ kind: 'mem', address: fp - 4n, size: 4, on: 'write' });
    const r = s.continue();
    expect(r.reason).toBe('watchpoint');
    const w = s.lastStep()!.accesses.find((a) => a.kind === 'write')!;
    expect(w.region).toBe('stack0');
    expect(w.offset).toBe(508);
    expect(Array.from(w.bytes!)).toEqual([10, 0, 0, 1]); // saddr 10.0.0.1
    expect(Array.from(w.old!)).toEqual([0, 0, 0, 0]);
    // the map lookup helper reads the key: not an instruction access, so a read watch on the key
    // stops at the ldx of ... nothing else reads fp-4; the run exits
    s.removeWatchpoint(0);
    s.addWatchpoint({ kind: 'mem', address: fp - 4n, size: 4, on: 'read' });
    expect(s.continue().reason).toBe('exit');
  });
});

describe('trace files', () => {
  const roundTrip = (s: DebugSession) => {
    const json = JSON.parse(JSON.stringify(saveTrace(s)));
    const t = loadTrace(json, { load: (c, k, f, o) => loadProgramBytes(c, k, f, o) });
    expect(stateDifference(t.fullState(), s.fullState())).toBeNull();
    expect(t.breakpoints().map((b) => b.slot)).toEqual(s.breakpoints().map((b) => b.slot));
    expect(t.watchpoints()).toEqual(s.watchpoints());
    expect(t.history().map((r) => r.regsAfter)).toEqual(s.history().map((r) => r.regsAfter));
    return t;
  };

  it('assembly with memory input, breakpoints and watchpoints', () => {
    const file = join(ROOT, 'programs/examples/checksum.s');
    const content = readFileSync(file);
    const r = loadProgramBytes(content, 'asm', file);
    if (!r.ok) throw new Error('load');
    const s = DebugSession.create(r.value, { progType: 'raw', mode: 'sandbox', mem: CHECKSUM_MEM }, { content, kind: 'asm' });
    s.addBreakpoint('next_pair');
    s.addWatchpoint({ kind: 'reg', reg: 0, on: 'write' });
    s.goto(17);
    const t = roundTrip(s);
    expect(t.listing()[3]!.label).toBe('next_pair'); // the source came along
  });

  it('an object with maps and helper calls, stepped past the map update', () => {
    const file = join(ROOT, 'programs/c/xdp_firewall.o');
    const content = readFileSync(file);
    const r = loadProgramBytes(content, 'elf', file);
    if (!r.ok) throw new Error('load');
    const s = DebugSession.create(r.value, {
      progType: 'xdp', mode: 'sandbox', packet: tcpSyn(), seed: 7,
      mapJson: { blocked: [{ key: '0a000001', value: 5 }] },
    }, { content, kind: 'elf' });
    s.runToEnd();
    expect(s.status).toBe('exited');
    expect(s.registers()[0]).toBe(1n); // XDP_DROP: 10.0.0.1 is blocked
    const t = roundTrip(s);
    expect(JSON.stringify(t.mapsJson())).toContain('"valueInt":6');
  });

  it('driver mode', () => {
    const c = asmCase(join(ROOT, 'programs/unsafe/oob-write-uid.s'), 'driver');
    const s = DebugSession.create(c.loaded, c.input, { content: readFileSync(join(ROOT, 'programs/unsafe/oob-write-uid.s')), kind: 'asm' });
    s.goto(3);
    roundTrip(s);
  });

  it('refuses a trace that is not one', () => {
    expect(() => loadTrace({ format: 'x' }, { load: (c, k, f, o) => loadProgramBytes(c, k, f, o) })).toThrow(/bpfbox-trace/);
  });
});

describe('the verifier at each instruction', () => {
  // What `bpfbox verify --log-level 2` prints, per instruction, is what the session shows.
  const files: [string, string[]][] = [
    ['programs/examples/checksum.s', ['--mem-size', '20']],
    ['programs/examples/xdp-drop-ipv4.s', ['--type', 'xdp']],
    ['programs/examples/call.s', []],
    ['programs/unsafe/oob-read-after.s', ['--mem-size', '64']],
    ['programs/unsafe/safe-sum.s', ['--mem-size', '16']],
    ['programs/c/xdp_firewall.o', []],
    ['programs/c/loop_stats.o', []],
    ['programs/c/sock_filter.o', []],
    ['programs/c/proto_counter.o', []],
  ];
  for (const [file, flags] of files) {
    it(file, () => {
      const out = cli(['verify', file, '--log-level', '2', ...flags]);
      expect(out.stderr).toBe('');
      // the verdict lines after the statistics are the CLI's, not the log's
      const log = out.stdout.slice(0, out.stdout.search(/^(accepted|rejected at insn)/m));
      const cliEntries = parseVerifierLog(log);
      const loaded = load(file);
      const memSize = flags[0] === '--mem-size' ? Number(flags[1]) : 0;
      const progType = flags[0] === '--type' ? flags[1]! : file.endsWith('.o') ? (file.includes('sock') ? 'socket_filter' : 'xdp') : 'raw';
      const s = DebugSession.create(loaded, { progType: progType as 'raw', mode: 'sandbox', ...(memSize ? { mem: new Uint8Array(memSize) } : {}) });
      const v = s.verifier();
      expect(v.entries.map((e) => e.text)).toEqual(cliEntries.map((e) => e.text));
      for (let pc = 0; pc < loaded.program.slotCount; pc++) {
        expect(v.logAt(pc).map((e) => e.text)).toEqual(cliEntries.filter((e) => e.pc === pc).map((e) => e.text));
        // every full state the log prints at pc is one of the states the session shows there
        const shown = new Set(v.statesAt(pc).map((x) => x.text));
        if (v.statesAt(pc).length < 16) {
          for (const e of cliEntries) {
            if (e.pc !== pc || (e.kind !== 'state' && e.kind !== 'branch') || / safe$/.test(e.text)) continue;
            const text = e.text.replace(/^(from \d+ to )?\d+:/, '');
            expect(shown.has(text), `${file} insn ${pc}: ${e.text}`).toBe(true);
          }
        }
      }
    });
  }
});

describe('a rejected program', () => {
  it('shows the rejection and the path to it (straight line)', () => {
    const s = DebugSession.create(load('programs/unsafe/oob-read-after.s'), { progType: 'raw', mode: 'sandbox', mem: new Uint8Array(64) });
    const v = s.verifier();
    expect(v.accepted).toBe(false);
    expect(v.rejection!.message).toContain('invalid access to memory, mem_size=64 off=64 size=8');
    expect(v.rejection!.explanation.length).toBeGreaterThan(20);
    expect(v.path!.map((e) => e.text)).toEqual(['0: R1=mem(sz=64) R2=64 R10=fp0', '0: (79) r0 = *(u64 *)(r1 +64)']);
    // the sandbox still steps it (as `run --no-verify`) and shows the failing obligation first
    const o = s.obligation()!;
    expect(o.formula).toBe('off + size <= mem_size: 64 + 8 <= 64 fails');
    expect(o.holds).toBe(false);
    expect(o.verifierReg).toBe('R1=mem(sz=64)');
    const rec = s.step()!;
    expect(rec.fault?.code).toBe('E_OUT_OF_BOUNDS');
  });

  it('shows the path through branches and loop laps to a rejection deep in a loop', () => {
    const s = DebugSession.create(load('programs/examples/checksum.s'), { progType: 'raw', mode: 'sandbox', mem: CHECKSUM_MEM });
    const v = s.verifier();
    expect(v.accepted).toBe(false);
    expect(v.rejection!.pc).toBe(6);
    const path = v.path!;
    expect(path[0]!.text).toBe('0: R1=mem(sz=20) R2=20 R10=fp0');
    expect(path[path.length - 1]!.pc).toBe(6);
    // a walk: every instruction follows the one before (next slot or a jump target)
    const insns = path.filter((e) => e.kind === 'insn');
    for (let i = 1; i < insns.length; i++) {
      const a = insns[i - 1]!.pc;
      const b = insns[i]!.pc;
      const insn = s.loaded.program.insns[s.loaded.program.insnAtSlot[a]!]!;
      const targets = [a + insn.op.slots];
      if (insn.op.kind === 'ja' || insn.op.kind === 'jcond') targets.push(a + 1 + insn.off);
      expect(targets, `${insns[i - 1]!.text} -> ${insns[i]!.text}`).toContain(b);
    }
    // ten laps of the 2-byte loop before the load that runs off the end
    expect(insns.filter((e) => e.pc === 6).length).toBe(11);
  });
});

describe('obligations with real numbers', () => {
  it('packet loads in an XDP program', () => {
    const s = DebugSession.create(load('programs/c/xdp_firewall.o'), { progType: 'xdp', mode: 'sandbox', packet: tcpSyn() });
    s.goto(6); // at insn 6: r3 = *(u8 *)(r1 + 13)
    expect(s.pc).toBe(6);
    const o = s.obligation()!;
    expect(o.target).toBe('packet');
    expect(o.formula).toBe('data + off + size <= data_end: off = 13, 13 + 1 <= 60 holds; the verifier proved r=14 bytes from off=0: 13 + 1 <= 14 holds');
    expect(o.verifierReg).toBe('R1=pkt(r=14)');
  });

  it('context, stack and map values', () => {
    const s = DebugSession.create(load('programs/c/xdp_firewall.o'), { progType: 'xdp', mode: 'sandbox', packet: tcpSyn(), mapJson: { blocked: [{ key: '0a000001', value: 5 }] } });
    expect(s.obligation()).toBeNull(); // r0 = 2
    s.step();
    expect(s.obligation()!.formula).toBe('a readable context field at off 4 size 4: xdp_md.data_end holds');
    s.addBreakpoint(15);
    s.continue();
    expect(s.obligation()!.formula).toBe('-512 <= off, off + size <= 0: off = -4, -4 + 4 <= 0 holds');
    s.addBreakpoint(26);
    s.continue();
    expect(s.obligation()!.formula).toBe('off + size <= value_size: 0 + 8 <= 8 holds');
    expect(s.obligation()!.verifierReg).toBe('R1=map_value(map=blocked,ks=4,vs=8)');
  });
});

describe('exact step back: budget faults and the CF291 scenario', () => {
  it('a budget fault (endless loop, budget 50) steps back and forward', () => {
    const c = asmCase(join(ROOT, 'programs/examples/endless.s'));
    const s = DebugSession.create(c.loaded, { ...c.input, maxInsns: 50 }, { noVerifier: true });
    roundTrip(s, 400);
    s.runToEnd();
    expect(s.status).toBe('faulted');
    expect(s.fault?.code).toBe('E_BUDGET');
  });

  it('CF291, driver mode: v1 over the bad content, to the bug check and back', async () => {
    const sc = await import('../src/sim/scenario/index.js');
    const content = sc.contentBytes(sc.BAD_VERSION);
    const v1 = sc.loadInterpreter('v1');
    const r = loadProgramBytes(new TextEncoder().encode(v1.source), 'asm', v1.file);
    if (!r.ok) throw new Error('load');
    const s = DebugSession.create({ ...r.value, maps: v1.maps }, { progType: 'raw', mode: 'driver' }, {
      noVerifier: true,
      driverExtra: {
        maps: v1.maps, layout: sc.cf291Layout(content, sc.DEFAULT_EVENT, sc.garbageFor(0)),
        mapValues: { content: sc.mapValue(content, sc.CONTENT_MAP_SIZE) }, module: sc.DRIVER_MODULE,
      },
    });
    roundTrip(s, 1000);
    s.runToEnd();
    expect(s.status).toBe('faulted');
    expect(s.registers()[7]).toBe(20n); // the field index: inputs[20]
    expect(s.fault?.address).toBe('0xffffd6030000006a');
    expect(s.describeAddress(s.history()[s.stepCount - 2]!.accesses[0]!.address)).toBe('Ntfs pool block +0x0');
    const d = s.driverResult()!;
    expect(d.outcome).toBe('panic');
    expect(d.insns).toBe(s.stepCount);
  });

  it('CF291, sandbox mode: v2 with its maps filled, to the field error', async () => {
    const sc = await import('../src/sim/scenario/index.js');
    const content = sc.contentBytes(sc.BAD_VERSION);
    const v2 = sc.loadInterpreter('v2');
    const r = loadProgramBytes(new TextEncoder().encode(v2.source), 'asm', v2.file);
    if (!r.ok) throw new Error('load');
    const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    const s = DebugSession.create({ ...r.value, maps: v2.maps }, {
      progType: 'socket_filter', mode: 'sandbox', packet: tcpSyn(),
      mapJson: {
        content: [{ key: 0, value: hex(sc.mapValue(content, sc.CONTENT_MAP_SIZE)) }],
        ipc_inputs: [{ key: 0, value: hex(sc.inlineInputs(sc.DEFAULT_EVENT)) }],
      },
    }, { noVerifier: true });
    roundTrip(s, 1000);
    s.runToEnd();
    expect(s.status).toBe('exited');
    const errors = (s.mapsJson() as { maps: { name: string; entries: { valueInt: number }[] }[] }).maps.find((m) => m.name === 'errors')!;
    expect(errors.entries[0]!.valueInt).toBe(1);
  });
});
