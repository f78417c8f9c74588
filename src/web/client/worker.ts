// Web Worker: the slow computations of the CF291 view (fleet simulations, the whole story), off
// the page's main thread.
import './shims/process.js';
import { type PresetName, fleetPreset } from '../../sim/fleet/config.js';
import { type FleetMetrics, type FleetSeries, simulateFleet } from '../../sim/fleet/simulate.js';
import { bugcheckPanelLines } from '../../sim/driver/bugcheck.js';
import { runCf291Story } from '../../sim/scenario/story.js';
import type { MapDef } from '../../runtime/maps/def.js';
import type { ProgTypeName } from '../../runtime/progtypes.js';
import { verifyBytes } from '../../verifier/index.js';

export type WorkerRequest =
  | { id: number; kind: 'fleet'; presets: PresetName[]; hosts: number; seed: number; hours: number }
  | { id: number; kind: 'story'; seed: number }
  | { id: number; kind: 'verify'; bytes: Uint8Array; maps: MapDef[]; progType: ProgTypeName; memSize: number };

/** The level-2 log is only written for programs the verifier walks in at most this many instructions
 * (the log of a 1,000,000-instruction walk is too large to build and show). */
export const LOG_LIMIT = 50_000;

export interface VerifyOut {
  accepted: boolean;
  error: { pc: number; code: string; message: string; explanation: string } | null;
  processed: number;
  /** The level-2 log (as `bpfbox verify --log-level 2`), or null when the walk was too long to log. */
  log: string | null;
  /** The abstract states kept per instruction, formatted as in the log. */
  states: Record<number, string[]>;
  ms: number;
}

export interface FleetOut {
  preset: PresetName;
  series: FleetSeries;
  metrics: FleetMetrics;
  elapsedMs: number;
}

export type WorkerReply =
  | { id: number; kind: 'progress'; text: string; fraction: number }
  | { id: number; kind: 'fleet'; results: FleetOut[] }
  | { id: number; kind: 'story'; sections: { title: string; lines: { text: string; sources: string[] }[] }[]; panel: { text: string; step: number | null }[]; ms: number }
  | ({ id: number; kind: 'verify' } & VerifyOut)
  | { id: number; kind: 'error'; message: string };

/** One sample every `every` minutes up to `hours` (the chart needs no more). */
function thin(s: FleetSeries, every: number, hours: number): FleetSeries {
  const keep: number[] = [];
  let next = -Infinity;
  const limit = hours * 60;
  for (let i = 0; i < s.tMin.length; i++) {
    if (s.tMin[i]! > limit) break;
    if (s.tMin[i]! >= next) {
      keep.push(i);
      next = s.tMin[i]! + every;
    }
  }
  const counts = {} as FleetSeries['counts'];
  for (const [k, v] of Object.entries(s.counts) as [keyof FleetSeries['counts'], number[]][]) counts[k] = keep.map((i) => v[i]!);
  return { tMin: keep.map((i) => s.tMin[i]!), counts, down: keep.map((i) => s.down[i]!) };
}

const post = (m: WorkerReply): void => (self as unknown as { postMessage(m: WorkerReply): void }).postMessage(m);

self.addEventListener('message', (ev: MessageEvent<WorkerRequest>) => {
  const req = ev.data;
  try {
    if (req.kind === 'verify') {
      const t0 = performance.now();
      const opts = { progType: req.progType, memSize: req.memSize, maps: req.maps };
      let r = verifyBytes(req.bytes, { ...opts, logLevel: 0 });
      let log: string | null = null;
      if (r.stats.processedInsns <= LOG_LIMIT) {
        r = verifyBytes(req.bytes, { ...opts, logLevel: 2 });
        log = r.log;
      }
      const states: Record<number, string[]> = {};
      for (const [pc, list] of r.states) states[pc] = list.map((x) => r.formatState(x));
      post({
        id: req.id, kind: 'verify', accepted: r.accepted, error: r.error ? { ...r.error } : null, processed: r.stats.processedInsns,
        log, states, ms: Math.round(performance.now() - t0),
      });
    } else if (req.kind === 'fleet') {
      const results: FleetOut[] = [];
      req.presets.forEach((p, k) => {
        const cfg = fleetPreset(p, { hosts: req.hosts, seed: req.seed });
        const r = simulateFleet(cfg, {
          onProgress: (f) => post({ id: req.id, kind: 'progress', text: `${p} (${k + 1}/${req.presets.length})`, fraction: (k + f) / req.presets.length }),
        });
        const every = Math.max(1, Math.round((req.hours * 60) / 600));
        results.push({ preset: p, series: thin(r.series, every, req.hours), metrics: r.metrics, elapsedMs: r.elapsedMs });
      });
      post({ id: req.id, kind: 'fleet', results });
    } else {
      const t0 = performance.now();
      const s = runCf291Story({ seed: req.seed });
      const b = s.driver.crash.bugcheck;
      post({
        id: req.id, kind: 'story',
        sections: s.sections.map((x) => ({ title: x.title, lines: x.lines.map((l) => ({ text: l.text, sources: [...l.sources] })) })),
        panel: b ? bugcheckPanelLines(b).map((l) => ({ text: l.text, step: l.step })) : [],
        ms: Math.round(performance.now() - t0),
      });
    }
  } catch (e) {
    post({ id: req.id, kind: 'error', message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
  }
});
