// The two builds of the content interpreter (programs/cf291/interpreter-v1.s and -v2.s), their
// maps, and their verifier verdicts (computed once per process: the v2 verification walks every
// (instance, field) pair and takes a moment).

import { readFileSync } from 'node:fs';
import { type AssembledProgram, assemble } from '../../asm/index.js';
import type { MapDef } from '../../runtime/maps/def.js';
import { type VerifyResult, verify } from '../../verifier/index.js';
import { parseProgramHeader } from '../compare/index.js';
import { CF291_DIR } from './ipc.js';

export interface InterpreterBuild {
  readonly name: 'v1' | 'v2';
  readonly file: string;
  readonly source: string;
  readonly asm: AssembledProgram;
  readonly maps: readonly MapDef[];
}

const builds = new Map<string, InterpreterBuild>();
const verdicts = new Map<string, VerifyResult>();

/** Size of the `content` map value: the format's largest instance (8 + 255 x 16) after the 32-byte header, rounded up to 64. */
export const CONTENT_MAP_SIZE = 4160;

export function loadInterpreter(name: 'v1' | 'v2'): InterpreterBuild {
  const cached = builds.get(name);
  if (cached) return cached;
  const file = `${CF291_DIR}interpreter-${name}.s`;
  const source = readFileSync(file, 'utf8');
  const a = assemble(source, { file });
  if (!a.ok) throw new Error(`${file}: ${a.errors.map((e) => e.message).join('; ')}`);
  const h = parseProgramHeader(source);
  const b: InterpreterBuild = { name, file, source, asm: a.value, maps: h.maps };
  builds.set(name, b);
  return b;
}

/** The verifier's verdict on a build, as the sandbox's loader would get it (program type socket_filter). */
export function verifyInterpreter(name: 'v1' | 'v2'): VerifyResult {
  const cached = verdicts.get(name);
  if (cached) return cached;
  const b = loadInterpreter(name);
  const v = verify(b.asm.program, { progType: 'socket_filter', maps: b.maps, logLevel: name === 'v1' ? 1 : 0 });
  verdicts.set(name, v);
  return v;
}

/** A map value of `size` bytes holding `bytes` at its start. */
export function mapValue(bytes: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(bytes.subarray(0, size));
  return out;
}
