// The verifier's view of the program the page shows, computed in a Web Worker (a long walk, e.g.
// an endless loop run to the 1,000,000-instruction limit, must not freeze the page): the same
// verifyBytes call and level-2 log as src/debug's verifierView, split per instruction with its
// parseVerifierLog and pathToEnd.
import { type LogEntry, parseVerifierLog, pathToEnd } from '../../debug/verifier.js';
import type { LoadedProgram } from '../../input/load.js';
import type { ProgTypeName } from '../../runtime/progtypes.js';
import { ask, busy, restart } from './work.js';
import { LOG_LIMIT } from './worker.js';

export interface WebVerifier {
  accepted: boolean;
  rejection: { pc: number; code: string; message: string; explanation: string } | null;
  processed: number;
  /** False when the walk was too long to log (only the verdict and the kept states are shown). */
  logged: boolean;
  entries: LogEntry[];
  logAt(pc: number): LogEntry[];
  statesAt(pc: number): string[];
  path: LogEntry[] | null;
  ms: number;
}

export { LOG_LIMIT };

export function verifyInWorker(loaded: LoadedProgram, progType: ProgTypeName, memSize: number): Promise<WebVerifier> {
  if (busy('verify')) restart('verify');
  return new Promise((resolve, reject) => {
    ask({ kind: 'verify', bytes: loaded.bytes, maps: [...loaded.maps], progType, memSize }, (m) => {
      if (m.kind === 'error') {
        reject(new Error(m.message));
        return true;
      }
      if (m.kind !== 'verify') return false;
      const entries = m.log !== null ? parseVerifierLog(m.log) : [];
      const byPc = new Map<number, LogEntry[]>();
      for (const e of entries) byPc.set(e.pc, [...(byPc.get(e.pc) ?? []), e]);
      resolve({
        accepted: m.accepted, rejection: m.error, processed: m.processed, logged: m.log !== null, entries,
        logAt: (pc) => byPc.get(pc) ?? [],
        statesAt: (pc) => m.states[pc] ?? [],
        path: m.accepted || m.log === null ? null : pathToEnd(entries),
        ms: m.ms,
      });
      return true;
    }, 'verify');
  });
}
