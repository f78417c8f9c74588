// The plugin protocol of the upstream `bpf_conformance_runner`: the program arrives on stdin as
// hex text, the memory (if any) as the first argument that does not start with `--`; the plugin
// prints r0 in hex and exits 0, or exits non-zero with a message.

import { decode } from '../isa/encoding.js';
import { parseHexBytes } from '../input/load.js';
import { formatDiagnostic } from '../util/diagnostics.js';
import { run } from '../vm/index.js';

export interface PluginResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export function runPlugin(stdin: string, args: readonly string[]): PluginResult {
  const failWith = (msg: string): PluginResult => ({ stdout: '', stderr: msg + '\n', exitCode: 1 });
  if (args.includes('--elf')) return failWith('ELF input is not supported by the bpfbox plugin yet');
  const memArg = args.find((a) => a !== '' && !a.startsWith('--'));
  let mem: Uint8Array | undefined;
  if (memArg !== undefined) {
    const m = parseHexBytes(memArg, 'memory');
    if (!m.ok) return failWith(m.errors.map(formatDiagnostic).join('; '));
    mem = m.value;
  }
  const bytes = parseHexBytes(stdin, 'stdin');
  if (!bytes.ok) return failWith(bytes.errors.map(formatDiagnostic).join('; '));
  const program = decode(bytes.value);
  if (!program.ok) return failWith(program.errors.map(formatDiagnostic).join('; '));
  const r = run(program.value, { mem });
  if (r.fault) return failWith(`${r.fault.message} at insn ${r.fault.pc} [${r.fault.code}]`);
  return { stdout: r.r0.toString(16) + '\n', stderr: '', exitCode: 0 };
}
