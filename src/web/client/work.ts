// The page's Web Workers: one lane for the verifier (restarted when a newer request replaces a
// pending one), one for the CF291 computations (story, fleet).
import type { WorkerReply, WorkerRequest } from './worker.js';

type Lane = 'verify' | 'cf291';
export type Request = WorkerRequest extends infer T ? (T extends unknown ? Omit<T, 'id'> : never) : never;

const workers = new Map<Lane, Worker>();
const pending = new Map<number, { lane: Lane; cb: (m: WorkerReply) => boolean }>();
let nextId = 1;

function worker(lane: Lane): Worker {
  let w = workers.get(lane);
  if (!w) {
    w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    w.addEventListener('message', (e: MessageEvent<WorkerReply>) => {
      const p = pending.get(e.data.id);
      if (p && p.cb(e.data)) pending.delete(e.data.id);
    });
    workers.set(lane, w);
  }
  return w;
}

/** Sends a request; `onMessage` sees every reply (progress too) until it returns true. */
export function ask(req: Request, onMessage: (m: WorkerReply) => boolean, lane: Lane = 'cf291'): void {
  const id = nextId++;
  pending.set(id, { lane, cb: onMessage });
  worker(lane).postMessage({ ...req, id } as WorkerRequest);
}

/** Stops the lane's worker and drops its pending requests (a new one starts on the next ask). */
export function restart(lane: Lane): void {
  const w = workers.get(lane);
  if (!w) return;
  w.terminate();
  workers.delete(lane);
  for (const [id, p] of pending) if (p.lane === lane) pending.delete(id);
}

export function busy(lane: Lane): boolean {
  for (const p of pending.values()) if (p.lane === lane) return true;
  return false;
}
