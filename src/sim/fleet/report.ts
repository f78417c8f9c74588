// Presentation of fleet results: a terminal table, an Observable Plot spec (pure, usable in the
// browser as Plot.plot(fleetChartSpec(...))) and a Node SVG renderer through linkedom.

import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import type { FleetMetrics, FleetSeries } from './simulate.js';

export interface FleetChartInput {
  label: string;
  series: FleetSeries;
}

export interface FleetChartOptions {
  /** show the first this many hours (default: the whole horizon of the longest series) */
  hours?: number;
  /** at most this many points per line (default 1500) */
  maxPoints?: number;
  width?: number;
  height?: number;
  title?: string;
  /** y scale: 'symlog' (default; S2's thousands and S1's millions on one chart) or 'linear' */
  yScale?: 'symlog' | 'linear';
}

export interface FleetChartPoint {
  label: string;
  hours: number;
  down: number;
}

/** Points of the "hosts down" lines (BOOT_LOOP + MANUAL_RECOVERY_QUEUE), thinned for drawing. */
export function fleetChartData(results: readonly FleetChartInput[], opts: FleetChartOptions = {}): FleetChartPoint[] {
  const maxPoints = Math.max(2, opts.maxPoints ?? 1500);
  const out: FleetChartPoint[] = [];
  for (const r of results) {
    const { tMin, down } = r.series;
    const limit = opts.hours !== undefined ? opts.hours * 60 : Infinity;
    let n = 0;
    while (n < tMin.length && tMin[n]! <= limit) n++;
    const step = Math.max(1, Math.ceil(n / maxPoints));
    for (let i = 0; i < n; i += step) out.push({ label: r.label, hours: tMin[i]! / 60, down: down[i]! });
    if (n > 0 && (n - 1) % step !== 0) out.push({ label: r.label, hours: tMin[n - 1]! / 60, down: down[n - 1]! });
  }
  return out;
}

/**
 * Observable Plot options for "hosts down over time", one line per result (strategy / mode).
 * Pure: no DOM access; pass `document` yourself in Node (see renderFleetChartSvg).
 */
export function fleetChartSpec(results: readonly FleetChartInput[], opts: FleetChartOptions = {}): Plot.PlotOptions {
  const data = fleetChartData(results, opts);
  const yScale = opts.yScale ?? 'symlog';
  const title = opts.title ?? 'Hosts down (boot loop + waiting for a technician)';
  const subtitle = 'x: hours after t0 = 04:09 UTC, 19 July 2024 (release of Channel File 291)';
  const labels = results.map((r) => r.label);
  const maxDown = data.reduce((m, d) => Math.max(m, d.down), 0);
  const ticks = [0];
  for (let v = 1; v <= Math.max(10, maxDown) * 10; v *= 10) ticks.push(v);
  // Title, subtitle and the legend are marks inside the <svg> (no <figure>, no HTML legend), so
  // the SVG file stands alone and the browser shows exactly the same picture.
  const fmt = (d: number): string =>
    d >= 1e6 ? `${d / 1e6}M` : d >= 1e3 ? `${d / 1e3}k` : String(d);
  const legend = labels.map((label, i) =>
    Plot.text([label], {
      frameAnchor: 'top-right',
      dx: -8,
      dy: 8 + i * 15,
      textAnchor: 'end',
      fill: () => label,
      fontWeight: 'bold',
      fontSize: 12,
    }),
  );
  return {
    ariaLabel: title,
    width: opts.width ?? 880,
    height: opts.height ?? 420,
    marginTop: 56,
    marginLeft: 56,
    marginRight: 24,
    style: { fontFamily: 'system-ui, sans-serif', fontSize: '12px', background: 'white', color: 'black' },
    x: { label: 'hours after t0', labelAnchor: 'right', grid: true },
    y:
      yScale === 'symlog'
        ? { label: null, type: 'symlog', grid: true, ticks: ticks.filter((v) => v <= Math.max(10, maxDown) * 1.5), tickFormat: fmt }
        : { label: null, type: 'linear', grid: true, tickFormat: fmt },
    color: { domain: labels },
    marks: [
      Plot.text([title], { frameAnchor: 'top-left', dy: -44, textAnchor: 'start', fontSize: 15, fontWeight: 'bold' }),
      Plot.text([subtitle], { frameAnchor: 'top-left', dy: -26, textAnchor: 'start', fontSize: 11 }),
      Plot.ruleY([0]),
      Plot.lineY(data, { x: 'hours', y: 'down', stroke: 'label', strokeWidth: 1.8 }),
      ...legend,
    ],
  };
}

/** Render the chart to a standalone SVG string in Node (linkedom provides the DOM). */
export function renderFleetChartSvg(results: readonly FleetChartInput[], opts: FleetChartOptions = {}): string {
  const { document } = parseHTML('<!DOCTYPE html><html><head></head><body></body></html>');
  const spec = { ...fleetChartSpec(results, opts), document: document as unknown as NonNullable<Plot.PlotOptions['document']> };
  type El = { tagName: string; outerHTML: string; setAttribute(k: string, v: string): void; querySelector(s: string): El | null };
  const node = Plot.plot(spec) as unknown as El;
  // The spec has no title/legend options, so Plot returns a bare <svg>; be tolerant of a <figure>.
  const svgEl = node.tagName.toLowerCase() === 'svg' ? node : node.querySelector('svg');
  if (!svgEl) throw new Error('Plot produced no <svg>');
  svgEl.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svgEl.outerHTML}\n`;
}

// ---------------------------------------------------------------------------------------------
// Terminal table

export interface FleetTableInput {
  label: string;
  metrics: FleetMetrics;
}

function num(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  return Math.round(n).toLocaleString('en-US');
}

function pct(x: number): string {
  if (x === 0) return '0 %';
  if (x < 0.001) return `${(x * 100).toFixed(3)} %`;
  return `${(x * 100).toFixed(2)} %`;
}

/** Minutes as "78 min", "2 h 20 m" or "3 d 4 h"; null as "—" (never / not within the horizon). */
export function formatMinutes(m: number | null): string {
  if (m === null) return '—';
  if (m < 120) return `${Math.round(m)} min`;
  if (m < 2 * 1440) return `${Math.floor(m / 60)} h ${Math.round(m % 60)} m`;
  return `${Math.floor(m / 1440)} d ${Math.round((m % 1440) / 60)} h`;
}

const ROWS: { name: string; get(m: FleetMetrics): string }[] = [
  { name: 'eligible hosts', get: (m) => num(m.eligible) },
  { name: 'exposed', get: (m) => num(m.exposed) },
  { name: 'crashed_ever', get: (m) => num(m.crashed_ever) },
  { name: 'blast_radius', get: (m) => pct(m.blast_radius) },
  { name: 'peak in_boot_loop', get: (m) => num(m.peak_in_boot_loop) },
  { name: 'self_healed', get: (m) => num(m.self_healed) },
  { name: 'manual_touches', get: (m) => num(m.manual_touches) },
  { name: '  BitLocker key lookups', get: (m) => num(m.bitlocker_key_lookups) },
  { name: '  keys not escrowed', get: (m) => num(m.bitlocker_keys_not_escrowed) },
  { name: 'time_to_detect', get: (m) => formatMinutes(m.time_to_detect) },
  { name: '  first alert from', get: (m) => m.first_alert_signal ?? '—' },
  { name: 'time_to_halt', get: (m) => formatMinutes(m.time_to_halt) },
  { name: 'time_to_revert', get: (m) => formatMinutes(m.time_to_revert) },
  { name: 'downtime_host_hours', get: (m) => num(m.downtime_host_hours) },
  { name: 'time_to_99pct_recovered', get: (m) => (m.crashed_ever === 0 ? 'n/a' : formatMinutes(m.time_to_99pct_recovered)) },
  { name: 'rejected_loads', get: (m) => num(m.rejected_loads) },
  { name: 'protection_gap_host_hours', get: (m) => num(m.protection_gap_host_hours) },
  { name: 'time_to_protect (good)', get: (m) => formatMinutes(m.time_to_protect) },
];

/** Side-by-side table of the key numbers, one column per result. Plain text, no colour codes. */
export function formatFleetTable(results: readonly FleetTableInput[]): string {
  const header = ['metric', ...results.map((r) => r.label)];
  const body = ROWS.map((row) => [row.name, ...results.map((r) => row.get(r.metrics))]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), sep, ...body.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Time and compact output

const T0_MS = Date.UTC(2024, 6, 19, 4, 9, 0);

/** Sim minutes as wall-clock time on the incident clock, e.g. 78 -> "2024-07-19 05:27 UTC". */
export function formatIncidentTime(tMin: number): string {
  const d = new Date(T0_MS + Math.round(tMin * 60_000));
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())} UTC`;
}

/** Keep one sample every `everyMin` minutes (and the last one): for --json and the web page. */
export function thinFleetSeries(series: FleetSeries, everyMin: number): FleetSeries {
  const keep: number[] = [];
  let next = -Infinity;
  for (let i = 0; i < series.tMin.length; i++) {
    if (series.tMin[i]! >= next) {
      keep.push(i);
      next = series.tMin[i]! + everyMin;
    }
  }
  const last = series.tMin.length - 1;
  if (last >= 0 && keep[keep.length - 1] !== last) keep.push(last);
  const counts = {} as FleetSeries['counts'];
  for (const [k, v] of Object.entries(series.counts) as [keyof FleetSeries['counts'], number[]][]) counts[k] = keep.map((i) => v[i]!);
  return { tMin: keep.map((i) => series.tMin[i]!), counts, down: keep.map((i) => series.down[i]!) };
}
