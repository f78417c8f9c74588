// The kernel oracle (src/oracle): log parsing and map patching always; loads and test runs in the
// running kernel when it lets this process load programs (root, addon built), else SKIPPED with
// the reason printed.

import { describe, expect, it } from 'vitest';

import { assemble } from '../src/asm/index.js';
import {
  RAW_PROLOG_INSNS, errorLinesOf, errorPcFromBytes, errorPcFromPathLog, kernelAvailable, kernelTestRun,
  kernelVerify, parseKernelStats, patchMapReferences, rawProlog,
} from '../src/oracle/index.js';

function asm(text: string): Uint8Array {
  const r = assemble(text, { syntax: 'llvm' });
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.value.bytes;
}

function bytes(...slots: number[][]): Uint8Array {
  return Uint8Array.from(slots.flat());
}

const EXIT = [0x95, 0, 0, 0, 0, 0, 0, 0];

// ---- without the kernel -------------------------------------------------------------------------

describe('verifier log parsing', () => {
  const log = [
    '0: R1=ctx() R10=fp0',
    '0: (bf) r0 = r2',
    'R2 !read_ok',
    'verification time 44 usec',
    'stack depth 16+0',
    'processed 1 insns (limit 1000000) max_states_per_insn 3 total_states 7 peak_states 5 mark_read 2',
    '',
  ].join('\n');

  it('reads every statistic, keeping the raw stack-depth text and its sum', () => {
    expect(parseKernelStats(log)).toEqual({
      processedInsns: 1, insnLimit: 1000000, maxStatesPerInsn: 3, totalStates: 7, peakStates: 5, markRead: 2,
      verificationTimeUs: 44, stackDepth: 16, stackDepths: [16, 0], stackDepthText: '16+0',
    });
  });

  it('has no statistics without the processed line, and null time/depth without log_level 4', () => {
    expect(parseKernelStats('R2 !read_ok\n')).toBeNull();
    const s = parseKernelStats('processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0\n');
    expect(s).toMatchObject({ processedInsns: 2, markRead: null, verificationTimeUs: null, stackDepth: null });
  });

  it('takes the error text from a statistics-only log and the pc from a path log', () => {
    expect(errorLinesOf('invalid access to packet, off=0 size=4, R2(id=0,off=0,r=0)\nR2 offset is outside of the packet\n'
      + 'verification time 5 usec\nstack depth 0\nprocessed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 '
      + 'peak_states 0 mark_read 0\n')).toEqual([
      'invalid access to packet, off=0 size=4, R2(id=0,off=0,r=0)', 'R2 offset is outside of the packet',
    ]);
    expect(errorPcFromPathLog(log, 'R2 !read_ok')).toBe(0);
    expect(errorPcFromPathLog('0: (b7) r0 = 0\n1: (05) goto pc+1\n3: (95) exit\nR0 !read_ok\n', 'R0 !read_ok')).toBe(3);
  });

  it('finds the pc of an unknown opcode in the bytes, skipping lddw second slots', () => {
    const prog = bytes([0x18, 0, 0, 0, 0, 0, 0, 0], [0x8d, 0, 0, 0, 0, 0, 0, 0], [0x8d, 0, 0, 0, 0, 0, 0, 0], EXIT);
    expect(errorPcFromBytes('unknown opcode 8d', prog)).toBe(2);
  });
});

describe('map references and the raw prolog', () => {
  it('patches map_fd/map_value indexes to fds and passes map_idx through fd_array', () => {
    const prog = asm('r1 = map_fd(1) ll\nr2 = map_value(0, 8) ll\nr3 = map_idx(2) ll\nr4 = map_fd(7) ll\nr0 = 0\nexit');
    const { insns, fdArray, unresolved } = patchMapReferences(prog, [40, 41, 42]);
    const v = new DataView(insns.buffer);
    expect(v.getInt32(4, true)).toBe(41);
    expect(v.getInt32(16 + 4, true)).toBe(40);
    expect(v.getInt32(16 + 12, true)).toBe(8); // map_value offset untouched
    expect(v.getInt32(32 + 4, true)).toBe(2); // map_idx keeps its index
    expect(v.getInt32(48 + 4, true)).toBe(-1); // no map 7
    expect(fdArray).toEqual([40, 41, 42]);
    expect(unresolved).toEqual([{ pc: 6, src: 1, ref: 7 }]);
    expect(prog[4]).toBe(1); // input untouched
  });

  it('turns an unreachable map_idx into the fd form with fd -1', () => {
    const prog = asm('r1 = map_idx(100000) ll\nr0 = 0\nexit');
    const { insns, fdArray } = patchMapReferences(prog, []);
    expect(insns[1]! >> 4).toBe(1);
    expect(new DataView(insns.buffer).getInt32(4, true)).toBe(-1);
    expect(fdArray).toBeUndefined();
  });

  it('builds an 8-instruction prolog ending in r2 = size', () => {
    const p = rawProlog(12);
    expect(p.length).toBe(RAW_PROLOG_INSNS * 8);
    expect([...p.slice(56, 64)]).toEqual([0xb7, 2, 0, 0, 12, 0, 0, 0]);
  });
});

// ---- with the kernel ----------------------------------------------------------------------------

const avail = kernelAvailable();
if (!avail.ok) {
  console.warn(`\n*** kernel oracle tests are SKIPPED: ${avail.reason} ***\n`);
}

describe.skipIf(!avail.ok)('the running kernel', () => {
  it('accepts r0 = 0; exit with the kernel statistics', () => {
    const v = kernelVerify(asm('r0 = 0\nexit'), { progType: 'xdp' });
    expect(v.accepted).toBe(true);
    expect(v.errno).toBe(0);
    expect(v.error).toBeNull();
    expect(v.stats).toMatchObject({ processedInsns: 2, insnLimit: 1000000, totalStates: 0, peakStates: 0, stackDepth: 0 });
    expect(v.stats!.verificationTimeUs).toBeGreaterThanOrEqual(0);
    expect(v.verifiedInsns).toBe(2);
    expect(v.loads).toBe(1);
  });

  it('rejects reading an uninitialized register: R2 !read_ok at pc 0', () => {
    const v = kernelVerify(asm('r0 = r2\nexit'), { logLevel: 1 });
    expect(v.accepted).toBe(false);
    expect(v.errnoName).toBe('EACCES');
    expect(v.firstErrorLine).toBe('R2 !read_ok');
    expect(v.firstErrorPc).toBe(0);
    expect(v.log).toContain('0: (bf) r0 = r2\nR2 !read_ok\n');
    expect(v.stats!.processedInsns).toBe(1);
  });

  it('rejects exit with r0 unset: R0 !read_ok at the exit', () => {
    const v = kernelVerify(asm('r1 = 0\nexit'), { progType: 'socket_filter' });
    expect(v.accepted).toBe(false);
    expect(v.error).toMatchObject({ message: 'R0 !read_ok', pc: 1, fromLog: true });
    expect(v.log).not.toContain('(95) exit'); // level 0: error and statistics only
  });

  it('names the instruction of a packet access without a bounds check', () => {
    const v = kernelVerify(asm('r2 = *(u32 *)(r1 + 0)\nr0 = *(u32 *)(r2 + 0)\nexit'), { progType: 'xdp' });
    expect(v.error).toMatchObject({
      message: 'invalid access to packet, off=0 size=4, R2(id=0,off=0,r=0)',
      lines: ['invalid access to packet, off=0 size=4, R2(id=0,off=0,r=0)', 'R2 offset is outside of the packet'],
      pc: 1,
    });
  });

  it('rejects an unknown opcode (callx, 0x8d) as malformed, with the kernel message and its pc', () => {
    const v = kernelVerify(bytes([0xb7, 0, 0, 0, 0, 0, 0, 0], [0x8d, 0, 0, 0, 0, 0, 0, 0], EXIT));
    expect(v.accepted).toBe(false);
    expect(v.errnoName).toBe('EINVAL');
    expect(v.firstErrorLine).toBe('unknown opcode 8d');
    expect(v.firstErrorPc).toBe(1);
    expect(v.stats!.processedInsns).toBe(0);
  });

  it('reports control-flow errors with the pc from the message', () => {
    expect(kernelVerify(asm('r0 = 0\nexit\nr0 = 1\nexit'))).toMatchObject({
      accepted: false, firstErrorLine: 'unreachable insn 2', firstErrorPc: 2,
    });
    expect(kernelVerify(bytes([0x05, 0, 5, 0, 0, 0, 0, 0], [0xb7, 0, 0, 0, 0, 0, 0, 0], EXIT))).toMatchObject({
      accepted: false, firstErrorLine: 'jump out of range from insn 0 to 6', firstErrorPc: 0,
    });
  });

  it('test-runs an XDP program returning XDP_PASS on a 64-byte packet', () => {
    const packet = Uint8Array.from({ length: 64 }, (_, i) => i);
    const r = kernelTestRun(asm('r0 = 2\nexit'), { progType: 'xdp', packet });
    expect(r.verdict.accepted).toBe(true);
    expect(r.run).not.toBeNull();
    expect(r.run!.errno).toBe(0);
    expect(r.run!.retval).toBe(2);
    expect([...r.run!.dataOut]).toEqual([...packet]);
  });

  it('does not run a rejected program', () => {
    const r = kernelTestRun(asm('exit'), { progType: 'xdp' });
    expect(r.verdict.accepted).toBe(false);
    expect(r.run).toBeNull();
  });

  const lookup = (load: string, nullCheck: boolean): string => [
    '*(u32 *)(r10 - 4) = 0',
    'r2 = r10',
    'r2 += -4',
    `r1 = ${load} ll`,
    'call 1',
    ...(nullCheck ? ['if r0 == 0 goto +1'] : []),
    'r0 = *(u64 *)(r0 + 0)',
    'r0 = 2',
    'exit',
  ].join('\n');

  it('accepts an array-map lookup with a null check (map created, fd patched in)', () => {
    const v = kernelVerify(asm(lookup('map_fd(0)', true)), {
      maps: [{ type: 'array', keySize: 4, valueSize: 8, maxEntries: 1 }],
    });
    expect(v.accepted).toBe(true);
    expect(v.stats).toMatchObject({ processedInsns: 9, stackDepth: 8 });
  });

  it('rejects a hash-map lookup result used without a null check', () => {
    const v = kernelVerify(asm(lookup('map_fd(0)', false)), {
      maps: [{ type: 'hash', keySize: 4, valueSize: 8, maxEntries: 4 }],
    });
    expect(v.error).toMatchObject({ message: "R0 invalid mem access 'map_value_or_null'", pc: 6 });
  });

  it('resolves map_idx through fd_array', () => {
    const v = kernelVerify(asm(lookup('map_idx(1)', true)), {
      maps: [
        { type: 'hash', keySize: 8, valueSize: 8, maxEntries: 4 },
        { type: 'hash', keySize: 4, valueSize: 8, maxEntries: 4 },
      ],
    });
    expect(v.accepted).toBe(true);
  });

  it('rejects a reference to a map that was not defined, at its lddw', () => {
    const v = kernelVerify(asm('r0 = 0\nr1 = map_fd(3) ll\nexit'));
    expect(v.error).toMatchObject({ message: 'fd -1 is not pointing to valid bpf_map', pc: 1 });
  });

  it('runs a program that writes a map value and reads it back', () => {
    const prog = asm([
      '*(u32 *)(r10 - 4) = 0', 'r2 = r10', 'r2 += -4', 'r1 = map_fd(0) ll', 'call 1',
      'if r0 == 0 goto +3', 'r1 = *(u64 *)(r0 + 0)', 'r1 += 5', '*(u64 *)(r0 + 0) = r1',
      'r0 = 2', 'exit',
    ].join('\n'));
    const key = new Uint8Array(4);
    const value = Uint8Array.from([37, 0, 0, 0, 0, 0, 0, 0]);
    const r = kernelTestRun(prog, {
      maps: [{ type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, entries: [{ key, value }], readBack: [key] }],
    });
    expect(r.run!.retval).toBe(2);
    expect(r.maps).toHaveLength(1);
    expect([...r.maps[0]!.value!]).toEqual([42, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('loads raw programs behind the prolog: r1 = memory, r2 = size, pcs of the program itself', () => {
    const prog = asm('r0 = *(u32 *)(r1 + 0)\nr0 += r2\n*(u8 *)(r1 + 0) = 9\nexit');
    const r = kernelTestRun(prog, { progType: 'raw', packet: Uint8Array.from([1, 0, 0, 0]) });
    expect(r.verdict).toMatchObject({ accepted: true, pcOffset: RAW_PROLOG_INSNS, kernelProgType: 6 });
    expect(r.run!.retval).toBe(5);
    expect([...r.run!.dataOut]).toEqual([9, 0, 0, 0]);

    const past = kernelVerify(asm('r0 = 0\nr0 = *(u32 *)(r1 + 4)\nexit'), { progType: 'raw', rawMemSize: 4 });
    expect(past.error).toMatchObject({ pc: 1 });
    expect(past.firstErrorLine).toMatch(/^invalid access to packet, off=4 size=4/);

    // The prolog leaves r3-r9 and r0 uninitialized, as bpfbox's raw convention does.
    expect(kernelVerify(asm('r0 = r3\nexit'), { progType: 'raw' })).toMatchObject({
      firstErrorLine: 'R3 !read_ok', firstErrorPc: 0,
    });
  });

  it('prints the stack depth of each subprogram', () => {
    const v = kernelVerify(asm('call f\nexit\nf: r1 = 0\n*(u64 *)(r10 - 16) = r1\nr0 = 0\nexit'));
    expect(v.accepted).toBe(true);
    expect(v.stats).toMatchObject({ stackDepthText: '0+16', stackDepths: [0, 16], stackDepth: 16 });
  });

  it('still names the error and its pc with no log at all (stats: false, level 0)', () => {
    const v = kernelVerify(asm('r1 = 0\nr0 = r2\nexit'), { stats: false });
    expect(v.kernelLogLevel).toBe(0);
    expect(v.log).toBe('');
    expect(v.stats).toBeNull();
    expect(v.error).toMatchObject({ message: 'R2 !read_ok', pc: 1 });
  });

  it('grows the log buffer for a level-2 log that does not fit', () => {
    const prog = asm([...Array.from({ length: 3000 }, () => 'r0 = 0'), 'exit'].join('\n'));
    const v = kernelVerify(prog, { logLevel: 2, logSize: 1024 });
    expect(v.accepted).toBe(true);
    expect(v.loads).toBeGreaterThan(1);
    expect(v.logTruncated).toBe(false);
    expect(v.log).toContain('2999: (b7) r0 = 0');
    expect(v.stats!.processedInsns).toBe(3001);
  });
});
