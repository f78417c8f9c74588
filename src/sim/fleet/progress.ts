// Terminal progress bar for long fleet runs (cli-progress). Shown only on a TTY and never with
// --json; otherwise the returned onProgress does nothing, so callers can always pass it.

import cliProgress from 'cli-progress';
import { type FleetConfig, type PresetName, fleetPreset, type DeepPartial, PRESET_NAMES } from './config.js';
import { type FleetResult, type SimulateOptions, simulateFleet } from './simulate.js';

export interface FleetProgressOptions {
  /** --json output: never draw */
  json?: boolean;
  /** where to draw (default process.stderr, so stdout stays clean) */
  stream?: NodeJS.WriteStream;
  /** text before the bar */
  label?: string;
}

export interface FleetProgress {
  onProgress(fraction: number): void;
  /** remove the bar (call once the run is over, also on errors) */
  stop(): void;
  readonly enabled: boolean;
}

export function fleetProgressBar(opts: FleetProgressOptions = {}): FleetProgress {
  // `process` may be absent or shimmed (the web page bundles this module).
  const stream = opts.stream ?? (typeof process !== 'undefined' ? process.stderr : undefined);
  const enabled = !opts.json && stream !== undefined && stream.isTTY === true;
  if (!enabled || stream === undefined) return { onProgress: () => {}, stop: () => {}, enabled: false };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${opts.label ?? 'fleet'} [{bar}] {percentage}%`,
      clearOnComplete: true,
      hideCursor: true,
      fps: 15,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    enabled: true,
    onProgress(f: number) {
      if (!started) {
        bar.start(1000, 0);
        started = true;
      }
      bar.update(Math.round(f * 1000));
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

/**
 * Run several presets with the same overrides (e.g. hosts and seed), each labelled with its name,
 * ready for formatFleetTable / renderFleetChartSvg. Progress covers all runs together.
 */
export function runFleetPresets(
  names: readonly PresetName[] = PRESET_NAMES,
  overrides?: DeepPartial<FleetConfig>,
  opts: SimulateOptions = {},
): (FleetResult & { label: string })[] {
  return names.map((name, i) =>
    ({
      label: name,
      ...simulateFleet(fleetPreset(name, overrides), {
        ...opts,
        onProgress: opts.onProgress ? (f) => opts.onProgress!((i + f) / names.length) : undefined,
      }),
    }),
  );
}
