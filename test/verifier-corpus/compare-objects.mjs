#!/usr/bin/env node
// Compares bpfbox's verifier with the running kernel's on the real-world objects of
// ../shared/corpus (samples/**/*.o and modern/*.o).
//
//   npx tsc -p . && sudo node test/verifier-corpus/compare-objects.mjs [--json out.json] [filter]
//
// For every program of every object whose type bpfbox supports (bpfboxTypeOf: xdp,
// socket_filter, kprobe) it asks
//   * the kernel (src/oracle kernelRunObject with no packets: maps created, global data stored,
//     .rodata frozen, func_info BTF for subprograms, object license; the program is only loaded,
//     never attached or run). If the object oracle cannot set the object up (map-in-map...),
//     kernelVerify with the object's maps is used instead (column "via").
//   * bpfbox (verifyBytes(bytes, { progType, maps, logLevel: 0 })) in a worker thread with a
//     20 s limit; programs over 100,000 instructions are skipped on both sides.
// and prints one row per program: verdict + processed insns on each side, error pc/message, and
// whether verdict and processed count agree. Programs of other types are listed as skipped.
// Reads only; writes nothing unless --json is given.

import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const dist = (p) => join(root, 'dist', p);
const MAX_INSNS = 100_000;
const BPFBOX_TIME_LIMIT_MS = 20_000;

// ---- worker: bpfbox verification of one program ----------------------------------------------
if (!isMainThread) {
  const { file, index, progType } = workerData;
  const { loadObject } = await import(dist('elf/index.js'));
  const { verifyBytes } = await import(dist('verifier/index.js'));
  const loaded = loadObject(new Uint8Array(readFileSync(file)), { file });
  const obj = loaded.value;
  const prog = obj.programs[index];
  const t0 = performance.now();
  try {
    const r = verifyBytes(prog.bytes, { progType, maps: obj.maps, logLevel: 0 });
    parentPort.postMessage({
      accepted: r.accepted,
      error: r.error ? { pc: r.error.pc, code: r.error.code, message: r.error.message } : null,
      processed: r.stats.processedInsns,
      ms: performance.now() - t0,
    });
  } catch (e) {
    parentPort.postMessage({ crash: String(e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e), ms: performance.now() - t0 });
  }
} else {
  await main();
}

function bpfboxInWorker(file, index, progType) {
  return new Promise((res) => {
    const w = new Worker(fileURLToPath(import.meta.url), { workerData: { file, index, progType } });
    const timer = setTimeout(() => {
      w.terminate();
      res({ timeout: true });
    }, BPFBOX_TIME_LIMIT_MS);
    w.once('message', (m) => {
      clearTimeout(timer);
      w.terminate();
      res(m);
    });
    w.once('error', (e) => {
      clearTimeout(timer);
      res({ crash: String(e) });
    });
  });
}

function listObjects(corpus) {
  const out = [];
  const walk = (d) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.o')) out.push(p);
    }
  };
  walk(join(corpus, 'samples'));
  walk(join(corpus, 'modern'));
  return out;
}

function kernelSide(oracle, obj, prog, index) {
  // Preferred: the object oracle (global data, frozen .rodata, func_info), load only.
  try {
    const run = oracle.kernelRunObject(obj, { program: prog.name, packets: [] });
    const load = run.loads.find((l) => l.program === prog.name) ?? run.loads[0];
    if (run.ok || load) {
      let processed = load.verifiedInsns;
      let pc = null;
      if (!load.accepted) {
        const m = /processed (\d+) insns/.exec(load.logTail);
        processed = m ? Number(m[1]) : null;
        const pcs = [...load.logTail.matchAll(/^(\d+): \(/gm)].map((x) => Number(x[1]));
        pc = pcs.length ? pcs[pcs.length - 1] : null;
        const inMsg = /(?:insn|from insn) (\d+)/.exec(load.error[0] ?? '');
        if (inMsg) pc = Number(inMsg[1]);
      }
      return { via: 'object', accepted: load.accepted, errno: load.errnoName, processed, pc, message: (load.error[0] ?? '').replace(/verification time \d+ usec.*$/, '') };
    }
  } catch (e) {
    if (!(e instanceof oracle.OracleMapError)) throw e;
    // fall through: kernelVerify with the maps only
  }
  const v = oracle.kernelVerify(prog.bytes, {
    progType: prog.kernelTypeId,
    expectedAttachType: prog.expectedAttachType,
    license: obj.license ?? 'GPL',
    maps: obj.maps,
    logLevel: 0,
  });
  return {
    via: 'verify',
    accepted: v.accepted,
    errno: v.errnoName,
    processed: v.accepted ? (v.verifiedInsns ?? v.stats?.processedInsns ?? null) : (v.stats?.processedInsns ?? null),
    pc: v.firstErrorPc,
    message: v.firstErrorLine ?? '',
  };
}

// The maps as the kernel is given them. The object oracle creates every map of the object, so
// two kinds it cannot create would stop programs that never touch them: a map-in-map the program
// does not reference becomes a 1-entry array (same index; the program's verdict cannot depend on
// it), and a perf_event_array with max_entries 0 gets one entry per possible CPU, as libbpf does.
function kernelMaps(oracle, obj, prog) {
  const used = new Set(prog.mapsUsed);
  return obj.maps.map((m, i) => {
    if ((m.inner || m.type === 'array_of_maps' || m.type === 'hash_of_maps') && !used.has(i)) {
      return { name: m.name, type: 'array', keySize: 4, valueSize: 4, maxEntries: 1 };
    }
    if (m.type === 'perf_event_array' && !m.maxEntries) return { ...m, maxEntries: oracle.possibleCpus() };
    return m;
  });
}

function readmeVerdicts(corpus) {
  const map = new Map();
  try {
    for (const line of readFileSync(join(corpus, 'README.md'), 'utf8').split('\n')) {
      const cells = line.split('|').map((c) => c.trim());
      if (cells.length > 10 && /\.o$/.test(cells[1]) && /^\d+\/\d+/.test(cells[9] ?? '')) map.set(cells[1], cells[9]);
    }
  } catch { /* no README */ }
  return map;
}

async function main() {
  const args = process.argv.slice(2);
  const jsonAt = args.indexOf('--json');
  const jsonOut = jsonAt >= 0 ? args[jsonAt + 1] : null;
  const filter = args.filter((a, i) => !a.startsWith('--') && (jsonAt < 0 || i !== jsonAt + 1))[0] ?? '';
  const corpus = resolve(root, '../shared/corpus');
  const { loadObject, bpfboxTypeOf } = await import(dist('elf/index.js'));
  const oracle = await import(dist('oracle/index.js'));
  const avail = oracle.kernelAvailable();
  if (!avail.ok) {
    console.error(`kernel oracle unavailable: ${avail.reason}`);
    process.exit(2);
  }
  const readme = readmeVerdicts(corpus);
  const rows = [];
  const skipped = [];
  for (const file of listObjects(corpus)) {
    const name = relative(corpus, file).replace(/^samples\//, '');
    if (filter && !name.includes(filter)) continue;
    const loaded = loadObject(new Uint8Array(readFileSync(file)), { file });
    if (!loaded.ok) {
      skipped.push({ object: name, program: '-', why: `bpfbox loader: ${loaded.errors?.[0]?.message ?? 'failed'}` });
      continue;
    }
    const obj = loaded.value;
    for (const [index, prog] of obj.programs.entries()) {
      // Sections libbpf cannot type (`test`, `.text`...) are loaded as socket filters, as the
      // README's raw loader did for them (type=socket); marked `socket_filter*` in the table.
      const guessed = prog.kernelType === 'unspec';
      const type = guessed ? 'socket_filter' : bpfboxTypeOf(prog.kernelType);
      const insns = prog.bytes.length / 8;
      if (!type) {
        skipped.push({ object: name, program: prog.name, why: `type ${prog.kernelType} (section ${prog.section}) not supported by bpfbox` });
        continue;
      }
      if (insns > MAX_INSNS) {
        skipped.push({ object: name, program: prog.name, why: `${insns} insns > ${MAX_INSNS}` });
        continue;
      }
      let k;
      const kprog = guessed ? { ...prog, kernelTypeId: 1, expectedAttachType: 0 } : prog;
      const kobj = { ...obj, programs: obj.programs.map((p, i) => (i === index ? kprog : p)), maps: kernelMaps(oracle, obj, prog) };
      try {
        k = kernelSide(oracle, kobj, kprog, index);
      } catch (e) {
        k = { via: 'error', accepted: null, processed: null, pc: null, message: String(e.message ?? e) };
      }
      const b = await bpfboxInWorker(file, index, type);
      const row = {
        object: name, program: prog.name, section: prog.section, type: guessed ? `${type}*` : type, insns,
        kernel: k,
        bpfbox: b.timeout ? { timeout: true } : b.crash ? { crash: b.crash } : {
          accepted: b.accepted, processed: b.processed, pc: b.error?.pc ?? null,
          message: b.error ? `${b.error.code}: ${b.error.message}` : '', ms: Math.round(b.ms),
        },
      };
      if (b.timeout) skipped.push({ object: name, program: prog.name, why: `bpfbox needed more than ${BPFBOX_TIME_LIMIT_MS / 1000} s` });
      row.verdictAgree = k.accepted !== null && row.bpfbox.accepted === k.accepted;
      row.processedAgree = row.verdictAgree && row.bpfbox.processed === k.processed;
      row.pcAgree = row.verdictAgree && (k.accepted || row.bpfbox.pc === k.pc);
      row.msgAgree = row.verdictAgree && (k.accepted || row.bpfbox.message.replace(/^E_[A-Z_]+: /, '').split('\n')[0] === k.message);
      rows.push(row);
      process.stderr.write('.');
    }
  }
  process.stderr.write('\n');

  const v = (s) => (s.accepted === true ? 'accept' : s.accepted === false ? 'reject' : s.timeout ? 'timeout' : s.crash ? 'crash' : '?');
  const cut = (s, n = 70) => (s.length > n ? s.slice(0, n - 1) + '…' : s).replace(/\|/g, '\\|');
  console.log('| object | program | type | insns | kernel | bpfbox | agree? | kernel error (pc) | bpfbox error (pc) |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const agree = r.kernel.accepted === null ? 'n/a (kernel setup)'
      : !r.verdictAgree ? '**NO (verdict)**'
      : [!r.processedAgree && 'count', !r.pcAgree && 'pc', !r.msgAgree && 'message'].filter(Boolean).map((x) => `${x} differs`).join(', ') || 'yes';
    const kerr = r.kernel.accepted === false || r.kernel.via === 'error' ? `${cut(r.kernel.message)} (${r.kernel.pc ?? '?'})` : '';
    const berr = r.bpfbox.accepted === false ? `${cut(r.bpfbox.message)} (${r.bpfbox.pc ?? '?'})` : r.bpfbox.crash ? cut(r.bpfbox.crash) : '';
    console.log(`| ${r.object} | ${r.program} | ${r.type} | ${r.insns} | ${v(r.kernel)} ${r.kernel.processed ?? '?'}${r.kernel.via === 'verify' ? ' (via kernelVerify)' : ''} | ${v(r.bpfbox)} ${r.bpfbox.processed ?? ''} | ${agree} | ${kerr} | ${berr} |`);
  }
  const all = rows;
  const count = (f, rs = all) => rs.filter(f).length;
  const kn = all.filter((r) => r.kernel.accepted !== null);
  console.log('');
  for (const [label, rs] of [['all types', kn], ['typed sections (xdp/socket_filter/kprobe)', kn.filter((r) => !r.type.endsWith('*'))], ['untyped sections loaded as socket_filter*', kn.filter((r) => r.type.endsWith('*'))]]) {
    console.log(`${label}: compared ${rs.length}; verdict agrees ${count((r) => r.verdictAgree, rs)}; verdict + processed agree ${count((r) => r.processedAgree, rs)}; ` +
      `both reject ${count((r) => r.verdictAgree && r.kernel.accepted === false, rs)} (same pc ${count((r) => r.verdictAgree && r.kernel.accepted === false && r.pcAgree, rs)}, same message ${count((r) => r.verdictAgree && r.kernel.accepted === false && r.msgAgree, rs)}); ` +
      `kernel accepts/bpfbox rejects ${count((r) => r.kernel.accepted === true && r.bpfbox.accepted === false, rs)}; kernel rejects/bpfbox accepts ${count((r) => r.kernel.accepted === false && r.bpfbox.accepted === true, rs)}`);
  }
  console.log(`kernel side could not be set up: ${count((r) => r.kernel.accepted === null)}`);
  const n = rows.length;
  console.log('');
  console.log(`rows: ${n} (${count((r) => r.kernel.accepted === null)} without a kernel verdict); verdict agrees: ${count((r) => r.verdictAgree)}; verdict + processed count agree: ${count((r) => r.processedAgree)}; ` +
    `both reject: ${count((r) => r.verdictAgree && r.kernel.accepted === false)}, of which same pc: ${count((r) => r.verdictAgree && r.kernel.accepted === false && r.pcAgree)}`);
  console.log(`kernel accepts, bpfbox rejects: ${count((r) => r.kernel.accepted === true && r.bpfbox.accepted === false)}; ` +
    `kernel rejects, bpfbox accepts: ${count((r) => r.kernel.accepted === false && r.bpfbox.accepted === true)}; bpfbox timeouts/crashes: ${count((r) => r.bpfbox.timeout || r.bpfbox.crash)}`);
  console.log('');
  console.log('Skipped:');
  for (const s of skipped) console.log(`- ${s.object} ${s.program}: ${s.why}`);
  // Cross-check with the README's kernel column (accepted/loaded per object, all program types).
  const perObj = new Map();
  for (const r of rows) {
    const e = perObj.get(r.object) ?? { acc: 0, n: 0 };
    e.n++;
    if (r.kernel.accepted) e.acc++;
    perObj.set(r.object, e);
  }
  const notes = [];
  for (const [o, e] of perObj) {
    const rd = readme.get(o);
    if (rd && rd.split(' ')[0] !== `${e.acc}/${e.n}`) notes.push(`- ${o}: README kernel ${rd}; this run ${e.acc}/${e.n} (supported types only)`);
  }
  if (notes.length) {
    console.log('');
    console.log('Kernel verdicts differing from the README column:');
    for (const l of notes) console.log(l);
  }
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ rows, skipped }, null, 1));
}
