// Exports the benchmark programs (bench/programs.js) as raw eBPF bytes, so other VMs can run
// exactly the same code: one <id>.prog.bin per case, its input memory as <id>.mem.bin (if any),
// and manifest.json with the instruction count and r0 of one run, checked with bpfbox's `run`.
//
//   node bench/export-programs.js <out-dir>
//
// The cases mirror bench/run.js (same sizes, same input memory).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from '../dist/isa/index.js';
import { run } from '../dist/vm/index.js';
import { aluLoop, checksumLoop, divLoop, hashLoop, spillLoop, tinyProgram } from './programs.js';

const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: node bench/export-programs.js <out-dir>');
  process.exit(2);
}

const checksumInput = new Uint8Array(2048);
for (let i = 0; i < checksumInput.length; i++) checksumInput[i] = (i * 131 + 7) & 0xff;

const CASES = [
  { id: 'alu', suite: 'ALU loop', name: 'alu64/alu32 x4 + jne, 100k iterations', program: aluLoop(100_000) },
  { id: 'hash', suite: '64-bit multiply / hash', name: 'FNV-1a + xorshift, 100k iterations', program: hashLoop(100_000) },
  {
    id: 'checksum', suite: 'byte checksum over 2 KiB', name: 'ldxb + 3 adds + jlt per byte, 16 passes',
    program: checksumLoop(16), mem: checksumInput,
  },
  { id: 'spill', suite: 'stack spill/fill', name: '2 stxdw + 2 ldxdw via r10, 100k iterations', program: spillLoop(100_000) },
  { id: 'div', suite: '64-bit div/mod mix', name: 'div, mod, sdiv, mod (full 64-bit), 20k iterations', program: divLoop(20_000) },
  { id: 'tiny', suite: 'per-run overhead', name: 'mov r0, 1; exit', program: tinyProgram(), perRun: true },
  {
    id: 'tiny_mem8', suite: 'per-run overhead', name: 'mov r0, 1; exit with 8 bytes of input memory',
    program: tinyProgram(), mem: new Uint8Array(8), perRun: true,
  },
];

mkdirSync(outDir, { recursive: true });
const manifest = [];
for (const c of CASES) {
  const res = run(c.program, c.mem ? { mem: c.mem } : {});
  if (res.fault) throw new Error(`${c.id}: ${res.fault.message}`);
  const insns = c.program.program.insns;
  const bytes = encode(insns);
  const prog = `${c.id}.prog.bin`;
  writeFileSync(join(outDir, prog), bytes);
  let mem = null;
  if (c.mem) {
    mem = `${c.id}.mem.bin`;
    writeFileSync(join(outDir, mem), c.mem);
  }
  manifest.push({
    id: c.id, suite: c.suite, name: c.name, perRun: c.perRun === true,
    prog, progSlots: bytes.length / 8, mem, memLen: c.mem ? c.mem.length : 0,
    insnsPerRun: res.insns,
    r0: BigInt.asUintN(64, res.r0).toString(),
    r0Hex: '0x' + BigInt.asUintN(64, res.r0).toString(16).padStart(16, '0'),
    opcodes: [...new Set(insns.map((i) => i.op.name))],
  });
}
writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
for (const m of manifest) console.log(`${m.id.padEnd(10)} ${String(m.progSlots).padStart(3)} slots  ${String(m.insnsPerRun).padStart(9)} insns/run  r0=${m.r0Hex}`);
