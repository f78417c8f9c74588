#!/usr/bin/env node
// Refreshes the kernel ground truth of the verifier corpus (test/verifier-corpus/**/*.s).
//
// HOW TO RUN (Linux, as root, with the oracle's native addon built):
//
//   cd /work/main                 # the repository root
//   npx tsc -p .                  # the script uses ../../dist (the compiled assembler and oracle)
//   node test/verifier-corpus/refresh.mjs            # rewrite every file's kernel lines
//   node test/verifier-corpus/refresh.mjs loops/ map # only files whose path contains a filter
//   node test/verifier-corpus/refresh.mjs --check    # write nothing; exit 1 if a file would change
//   node test/verifier-corpus/refresh.mjs --objects  # objects/*.o only (see below)
//
// OBJECTS. test/verifier-corpus/objects/*.c are compiled by objects/build.sh (clang-19) into
// objects/*.o, which need what assembly cannot carry (BTF func_info for bpf_loop callbacks,
// frozen .rodata, maps in maps). Their truth comes from Debian's bpftool, which loads an object as
// libbpf does (`bpftool -d prog loadall OBJ DIR`, verifier log level 1+2+4), into a pin directory
// under /sys/fs/bpf that is removed right after. The verdict, error lines, error pc and
// statistics of every program go to objects/truth.json (never edited by hand).
//
// For every corpus file it assembles the program (pseudo-C), creates the maps of its `maps:`
// line, loads it into the RUNNING kernel through src/oracle (BPF_PROG_LOAD, log level 0 plus the
// level-1 load that locates an error) and REWRITES the header lines
//
//   # kernel: accept | reject pc=N errno=NAME
//   # kernel-message: <first error line>          (rejections only)
//   # kernel-message-2: <second error line>       (when the kernel prints one; -3... likewise)
//   # kernel-stats: processed=N total_states=N peak_states=N max_states_per_insn=N stack_depth=D
//
// Those lines are never written by hand. Every other line of the file is kept as it is. The
// hand-written `expect:` line states what the program was designed to do; the script reports
// every file where the kernel disagrees with it (and exits 1 when one does), so a program that
// does not break the rule it was meant to break is noticed.
//
// Header format: docs/verifier-corpus.md. The parser here mirrors test/verifier-corpus/corpus.ts
// (kept in plain JavaScript so that this script runs without a TypeScript loader).

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');

const { assemble } = await import(join(ROOT, 'dist', 'asm', 'index.js'));
const { kernelAvailable, kernelVerify } = await import(join(ROOT, 'dist', 'oracle', 'index.js'));

// ---- the format (mirrors corpus.ts) -------------------------------------------------------------

const KERNEL_KEY = /^kernel(-message(-\d+)?|-stats)?$/;
const HEADER_LINE_RE = /^#\s*([a-z][a-z0-9-]*):\s?(.*)$/;
/** `#` and at least two spaces: continues the previous key's value (never a key itself) */
const CONTINUATION = /^#\s{2,}\S/;
const HEADER_LINE = { exec: (l) => (CONTINUATION.test(l) ? null : HEADER_LINE_RE.exec(l)) };

function listFiles(dir = HERE) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else if (name.endsWith('.s')) out.push(p);
  }
  return out;
}

/** Header lines: the file's leading lines that start with `#`. */
function splitHeader(text) {
  const lines = text.split('\n');
  let n = 0;
  while (n < lines.length && lines[n].startsWith('#')) n++;
  return { header: lines.slice(0, n), body: lines.slice(n) };
}

function parseHeader(header) {
  const fields = new Map();
  for (const line of header) {
    const m = HEADER_LINE.exec(line);
    if (!m) continue;
    fields.set(m[1], (fields.has(m[1]) ? fields.get(m[1]) + ' ' : '') + m[2].trim());
  }
  return fields;
}

function parseMaps(spec) {
  if (!spec) return [];
  return spec.split(';').map((s) => s.trim()).filter(Boolean).map((s, i) => {
    const [type, ...kv] = s.split(/\s+/);
    const d = { type, name: `m${i}` };
    for (const p of kv) {
      const m = /^(key|value|entries|flags)=(\d+)$/.exec(p);
      if (!m) throw new Error(`bad map field '${p}' in '${s}'`);
      d[{ key: 'keySize', value: 'valueSize', entries: 'maxEntries', flags: 'flags' }[m[1]]] = Number(m[2]);
    }
    for (const k of ['keySize', 'valueSize', 'maxEntries']) {
      if (d[k] === undefined) throw new Error(`map '${s}' lacks ${k}`);
    }
    return d;
  });
}

/** `accept` or `reject pc=N` (pc may be omitted) */
function parseExpect(s) {
  const m = /^(accept|reject)(?:\s+pc=(\d+))?$/.exec(s ?? '');
  if (!m) return null;
  return { accepted: m[1] === 'accept', pc: m[2] === undefined ? null : Number(m[2]) };
}

// ---- kernel lines -------------------------------------------------------------------------------

function kernelLines(v) {
  const out = [];
  // errno 524 is the kernel-internal ENOTSUPP, which has no name in user space
  const errno = (v.errnoName || '?').replace(/^errno (\d+)$/, (_m, n) => (n === '524' ? 'ENOTSUPP' : `ERRNO_${n}`));
  out.push(v.accepted ? '# kernel: accept' : `# kernel: reject pc=${v.firstErrorPc ?? '?'} errno=${errno}`);
  if (!v.accepted) {
    const lines = v.error?.lines?.length ? v.error.lines : [v.firstErrorLine ?? ''];
    lines.forEach((l, i) => out.push(`# kernel-message${i === 0 ? '' : `-${i + 1}`}: ${l}`));
  }
  const s = v.stats;
  out.push(s
    ? `# kernel-stats: processed=${s.processedInsns} total_states=${s.totalStates} peak_states=${s.peakStates}` +
      ` max_states_per_insn=${s.maxStatesPerInsn} stack_depth=${s.stackDepthText ?? s.stackDepth ?? '?'}`
    : '# kernel-stats: none');
  return out;
}

/** The header with its kernel lines replaced: they go after `expect:` (else after the last setup line). */
function rewriteHeader(header, klines) {
  const kept = header.filter((l) => {
    const m = HEADER_LINE.exec(l);
    return !(m && KERNEL_KEY.test(m[1]));
  });
  let at = -1;
  kept.forEach((l, i) => {
    const m = HEADER_LINE.exec(l);
    if (m && ['type', 'maps', 'mem', 'expect'].includes(m[1])) at = i;
  });
  return [...kept.slice(0, at + 1), ...klines, ...kept.slice(at + 1)];
}

// ---- main ---------------------------------------------------------------------------------------

const args = process.argv.slice(2);
const check = args.includes('--check');

// ---- objects (bpftool) --------------------------------------------------------------------------

/** The kernel's verdict on every program of an object, from bpftool's libbpf debug output. */
function objectTruth(obj) {
  const pinDir = `/sys/fs/bpf/bpfbox-refresh-${process.pid}`;
  const r = spawnSync('bpftool', ['-d', 'prog', 'loadall', obj, pinDir], { encoding: 'utf8', timeout: 300_000 });
  rmSync(pinDir, { recursive: true, force: true });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const progs = {};
  const re = /libbpf: prog '([^']+)': -- BEGIN PROG LOAD LOG --\n([\s\S]*?)-- END PROG LOAD LOG --/g;
  for (let m; (m = re.exec(out)); ) {
    const lines = m[2].split('\n');
    const vt = lines.findIndex((l) => l.startsWith('verification time'));
    const stats = /processed (\d+) insns \(limit \d+\) max_states_per_insn (\d+) total_states (\d+) peak_states (\d+)/.exec(m[2]);
    const depth = /stack depth (\S+)/.exec(m[2]);
    const failed = new RegExp(`prog '${m[1]}': BPF program load failed`).test(out) || r.status !== 0;
    const entry = {
      accepted: !failed,
      stats: stats ? {
        processed: Number(stats[1]), maxStatesPerInsn: Number(stats[2]), totalStates: Number(stats[3]),
        peakStates: Number(stats[4]), stackDepth: depth ? depth[1] : '?',
      } : null,
    };
    if (failed && vt > 0) {
      // the error: the lines just before the statistics that are not instructions, states or
      // precision backtracking
      let i = vt - 1;
      const msg = [];
      while (i >= 0 && !/^(\d+: |mark_precise: |from \d+ to |\s)/.test(lines[i]) && lines[i] !== '') msg.unshift(lines[i--]);
      let pc = null;
      for (; i >= 0; i--) {
        const pm = /^(\d+): /.exec(lines[i]);
        if (pm) { pc = Number(pm[1]); break; }
      }
      entry.pc = pc;
      entry.messages = msg;
    }
    progs[m[1]] = entry;
  }
  return { status: r.status, programs: progs };
}

if (args.includes('--objects')) {
  const dir = join(HERE, 'objects');
  const truthFile = join(dir, 'truth.json');
  const truth = {};
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.o')).sort()) {
    truth[name] = objectTruth(join(dir, name)).programs;
    console.log(`${name}: ${JSON.stringify(truth[name])}`);
  }
  const text = JSON.stringify(truth, null, 2) + '\n';
  const old = existsSync(truthFile) ? readFileSync(truthFile, 'utf8') : '';
  if (check) process.exit(text === old ? 0 : 1);
  writeFileSync(truthFile, text);
  process.exit(0);
}
const filters = args.filter((a) => !a.startsWith('--'));

const avail = kernelAvailable();
if (!avail.ok) {
  console.error(`refresh: the kernel oracle is unavailable: ${avail.reason}`);
  process.exit(2);
}
console.log(`refresh: kernel ${avail.kernelRelease}, euid ${avail.euid}`);

let changed = 0;
let failures = 0;
const disagreements = [];
const files = listFiles().filter((f) => filters.length === 0 || filters.some((x) => relative(HERE, f).includes(x)));
for (const file of files) {
  const rel = relative(HERE, file);
  const text = readFileSync(file, 'utf8');
  const { header, body } = splitHeader(text);
  const fields = parseHeader(header);
  const type = fields.get('type');
  if (!['xdp', 'socket_filter', 'raw', 'kprobe'].includes(type)) {
    console.error(`${rel}: missing or bad 'type:' (${type})`);
    failures++;
    continue;
  }
  const asm = assemble(text, { syntax: 'llvm', file: rel });
  if (!asm.ok) {
    console.error(`${rel}: does not assemble:\n  ${asm.errors.map((e) => e.message).join('\n  ')}`);
    failures++;
    continue;
  }
  let maps;
  try {
    maps = parseMaps(fields.get('maps'));
  } catch (e) {
    console.error(`${rel}: ${e.message}`);
    failures++;
    continue;
  }
  const t0 = Date.now();
  const v = kernelVerify(asm.value.bytes, {
    progType: type,
    logLevel: 0,
    maps,
    ...(type === 'raw' ? { rawMemSize: Number(fields.get('mem') ?? 0) } : {}),
  });
  const ms = Date.now() - t0;
  const newHeader = rewriteHeader(header, kernelLines(v));
  const newText = [...newHeader, ...body].join('\n');
  const verdict = v.accepted ? 'accept' : `reject pc=${v.firstErrorPc} ${v.firstErrorLine}`;
  if (newText !== text) {
    changed++;
    const old = header.filter((l) => KERNEL_KEY.test(HEADER_LINE.exec(l)?.[1] ?? '')).join(' | ');
    console.log(`${check ? 'WOULD CHANGE' : 'updated'} ${rel} (${ms} ms): ${verdict}${old ? `\n    was: ${old}` : ''}`);
    if (!check) writeFileSync(file, newText);
  } else if (ms > 500) {
    console.log(`unchanged ${rel} (${ms} ms)`);
  }
  const exp = parseExpect(fields.get('expect'));
  if (!exp) {
    disagreements.push(`${rel}: no valid 'expect:' line`);
  } else if (exp.accepted !== v.accepted || (!exp.accepted && exp.pc !== null && v.firstErrorPc !== null && exp.pc !== v.firstErrorPc)) {
    disagreements.push(`${rel}: expected ${fields.get('expect')}, kernel says ${verdict}`);
  }
}

console.log(`refresh: ${files.length} files, ${changed} ${check ? 'would change' : 'updated'}, ${failures} failed`);
if (disagreements.length) {
  console.log(`the kernel disagrees with the design ('expect:') of ${disagreements.length} file(s):`);
  for (const d of disagreements) console.log(`  ${d}`);
}
process.exit(failures > 0 || disagreements.length > 0 || (check && changed > 0) ? 1 : 0);
