// `compare`, `demo` and `fleet`: the CLI shells over src/sim (driver mode side by side with the
// sandbox, the Channel File 291 miniature, the fleet-rollout simulation).

import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import type { LoadedProgram } from '../input/load.js';
import type { MapDef } from '../runtime/maps/def.js';
import type { ProgTypeName } from '../runtime/progtypes.js';
// The simulation modules (Observable Plot, linkedom, the scenario's files) load only when a
// command needs them: every other command starts faster.
import { FLEET_PRESETS, PRESET_NAMES, type FleetConfig, type PresetName } from '../sim/fleet/config.js';
import type { FleetResult } from '../sim/fleet/index.js';
import type { Diagnostic } from '../util/diagnostics.js';

/** What the sim commands need from main.ts (its private helpers). */
export interface SimCliContext {
  loadOrExit(file: string, syntax: string | undefined, program?: string): LoadedProgram;
  readTextOrExit(file: string): string;
  memoryFromFlags(argv: { mem?: string; 'mem-file'?: string }): Uint8Array | null;
  packetFromFlags(argv: { 'packet-hex'?: string; packet?: string }): Uint8Array | null;
  programTypeOf(p: LoadedProgram, type: string | undefined): ProgTypeName;
  badInput(errors: readonly Diagnostic[]): never;
  out(s: string): void;
}

/** Scenarios `bpfbox demo` knows. */
export const DEMO_SCENARIOS = [
  {
    name: 'cf291',
    title: 'Channel File 291 (19 July 2024) in miniature',
    what: 'a content update crashes a kernel-mode driver and boot-loops it; the same update under the eBPF sandbox (E0/E1/E2); then the rollout across a fleet, presets S1-S5',
  },
] as const;

type FleetModule = typeof import('../sim/fleet/index.js');

const DEFAULT_DEMO_HOSTS = 8_500_000;
const DEFAULT_CHART = 'bpfbox-fleet.svg';

function presetLabel(name: PresetName): string {
  return `${name} ${FLEET_PRESETS[name].title}`;
}

/** The time series trimmed for JSON output (one sample every 10 minutes). */
function fleetJson(fl: FleetModule, r: FleetResult & { label: string }): Record<string, unknown> {
  const series = fl.thinFleetSeries(r.series, 10);
  return {
    label: r.label, config: r.config, metrics: r.metrics, perRing: r.perRing, elapsedMs: r.elapsedMs,
    series: { everyMin: 10, tMin: series.tMin, down: series.down },
  };
}

/** Writes the chart where asked, else to the current directory, else to the temp directory. */
function writeChart(svg: string, requested: string | undefined, ctx: SimCliContext): string {
  const candidates = requested !== undefined ? [requested] : [DEFAULT_CHART, join(tmpdir(), DEFAULT_CHART)];
  for (const file of candidates) {
    try {
      writeFileSync(file, svg);
      return resolve(file);
    } catch (e) {
      if (requested !== undefined) {
        ctx.badInput([{ code: 'E_FILE', file, message: `cannot write the chart (${(e as NodeJS.ErrnoException).code ?? 'error'})` }]);
      }
    }
  }
  return '(not written: no writable location)';
}

function checkHosts(hosts: number, ctx: SimCliContext): void {
  if (!Number.isInteger(hosts) || hosts < 1 || hosts > 100_000_000) {
    ctx.badInput([{ code: 'E_USAGE', message: `--hosts must be an integer from 1 to 100,000,000, got ${String(hosts)}` }]);
  }
}

function checkSeed(seed: number, ctx: SimCliContext): void {
  if (!Number.isInteger(seed)) ctx.badInput([{ code: 'E_USAGE', message: `--seed must be an integer, got ${String(seed)}` }]);
}

/** The results table with short column heads (S1...) and a legend: fits a 100-column terminal. */
function fleetTable(fl: FleetModule, names: readonly PresetName[], results: readonly FleetResult[]): string {
  const legend = names.map((n) => `  ${n}  ${FLEET_PRESETS[n].title}: ${FLEET_PRESETS[n].description}`);
  return legend.join('\n') + '\n\n' + fl.formatFleetTable(results.map((r, i) => ({ label: names[i]!, metrics: r.metrics })));
}

function runPresets(fl: FleetModule, names: readonly PresetName[], overrides: Partial<FleetConfig>, json: boolean): (FleetResult & { label: string })[] {
  const bar = fl.fleetProgressBar({ json, label: 'fleet' });
  try {
    return names.map((name, i) => {
      const result = fl.simulateFleet(fl.fleetPreset(name, overrides), {
        onProgress: (f: number) => bar.onProgress((i + f) / names.length),
      });
      return { ...result, label: presetLabel(name) };
    });
  } finally {
    bar.stop();
  }
}

export function registerSimCommands(y: Argv, ctx: SimCliContext): Argv {
  return y
    .command(
      'compare <file>',
      'verifier verdict, sandboxed run and unchecked kernel-driver run of the same program and input, side by side',
      (a) => a
        .positional('file', { type: 'string', demandOption: true, describe: '.s/.asm/.data/.bin/.hex/.o program' })
        .option('type', { choices: ['raw', 'xdp', 'socket_filter', 'kprobe'] as const, describe: 'program type (default: the file header / ELF section, else raw)' })
        .option('program', { type: 'string', describe: 'ELF objects: the program to use' })
        .option('mem', { type: 'string', describe: 'raw: input memory as hex bytes' })
        .option('mem-file', { type: 'string', describe: 'raw: input memory from a binary file' })
        .option('packet-hex', { type: 'string', describe: 'xdp/socket_filter: the packet as hex' })
        .option('packet', { type: 'string', describe: 'xdp/socket_filter: the packet from a binary file' })
        .option('input', { type: 'string', describe: 'the input from a binary file: the memory of a raw program, the packet of an xdp/socket_filter program' })
        .option('run-rejected', { type: 'boolean', default: false, describe: 'run the sandbox even when the verifier rejects (as if the verifier had a bug)' })
        .option('json', { type: 'boolean', default: false, describe: 'print one JSON object {verifier, sandbox, driver}' })
        .option('syntax', { choices: ['llvm', 'mnemonic'] as const, type: 'string', describe: 'force the assembly syntax' }),
      async (argv) => {
        const { compareRun, compareToJson, formatCompare, parseProgramHeader } = await import('../sim/compare/index.js');
        const p = ctx.loadOrExit(argv.file, argv.syntax, argv.program);
        // Assembly files may carry a `# type:` / `# mem-size:` / `# maps:` header (programs/unsafe).
        const header = p.kind === 'asm' ? parseProgramHeader(ctx.readTextOrExit(argv.file)) : null;
        const type = argv.type ?? header?.progType ?? ctx.programTypeOf(p, undefined);
        if (argv.input !== undefined && [argv.mem, argv['mem-file'], argv['packet-hex'], argv.packet].some((x) => x !== undefined)) {
          ctx.badInput([{ code: 'E_USAGE', message: 'give --input or one of --mem/--mem-file/--packet-hex/--packet, not both' }]);
        }
        const fromInput = argv.input !== undefined ? (type === 'raw' ? { 'mem-file': argv.input } : { packet: argv.input }) : {};
        const flagMem = ctx.memoryFromFlags({ ...argv, ...fromInput });
        const packet = ctx.packetFromFlags({ ...argv, ...fromInput });
        if (type === 'raw' && packet) ctx.badInput([{ code: 'E_USAGE', message: '--packet/--packet-hex are for xdp or socket_filter programs' }]);
        if (type !== 'raw' && flagMem) ctx.badInput([{ code: 'E_USAGE', message: '--mem/--mem-file are for raw programs' }]);
        let mem = flagMem ?? p.mem ?? header?.mem ?? undefined;
        if (!mem && type === 'raw' && header?.memSize) mem = new Uint8Array(header.memSize);
        const maps: MapDef[] = p.maps.length > 0 ? [...p.maps] : header?.maps ?? [];
        const r = compareRun(p.program, {
          progType: type, ...(mem ? { mem } : {}), ...(packet ? { packet } : {}), maps, runRejected: argv['run-rejected'],
        });
        if (argv.json) ctx.out(JSON.stringify(compareToJson(r), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
        else ctx.out(formatCompare(r, { width: Math.min(140, process.stdout.columns || 110) }));
      },
    )
    .command(
      'demo [scenario]',
      'the whole story: a content update crashes a kernel driver, the sandbox contains it, then a fleet rollout (default: cf291)',
      (a) => a
        .positional('scenario', { type: 'string', default: 'cf291', describe: 'scenario name (see --list)' })
        .option('list', { type: 'boolean', default: false, describe: 'list the scenarios and presets' })
        .option('preset', { choices: PRESET_NAMES, describe: 'run one fleet preset only (S1-S5)' })
        .option('hosts', { type: 'number', default: DEFAULT_DEMO_HOSTS, describe: 'simulated fleet size' })
        .option('seed', { type: 'number', default: 1, describe: 'seed of every random choice (same seed, same run)' })
        .option('chart', { type: 'string', describe: `where to write the SVG chart of hosts down over time (default ./${DEFAULT_CHART})` })
        .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' }),
      async (argv) => {
        if (argv.list) {
          for (const s of DEMO_SCENARIOS) ctx.out(`${s.name}  ${s.title}\n    ${s.what}`);
          ctx.out('\nfleet presets (--preset):');
          for (const n of PRESET_NAMES) ctx.out(`  ${n}  ${FLEET_PRESETS[n].title}: ${FLEET_PRESETS[n].description}`);
          return;
        }
        if (!DEMO_SCENARIOS.some((s) => s.name === argv.scenario)) {
          ctx.badInput([{ code: 'E_USAGE', message: `unknown scenario '${argv.scenario}' (known: ${DEMO_SCENARIOS.map((s) => s.name).join(', ')}; see --list)` }]);
        }
        checkHosts(argv.hosts, ctx);
        checkSeed(argv.seed, ctx);
        const sc = await import('../sim/scenario/index.js');
        const fl = await import('../sim/fleet/index.js');
        const story = sc.runCf291Story({ seed: argv.seed });
        const names = argv.preset ? [argv.preset] : PRESET_NAMES;
        const results = runPresets(fl, names, { hosts: argv.hosts, seed: argv.seed }, argv.json);
        const chart = writeChart(fl.renderFleetChartSvg(results), argv.chart, ctx);
        if (argv.json) {
          ctx.out(JSON.stringify({ scenario: argv.scenario, story: sc.cf291StoryToJson(story), fleet: results.map((r) => fleetJson(fl, r)), chart }));
          return;
        }
        ctx.out(sc.formatCf291Story(story));
        ctx.out('');
        ctx.out(`The rollout across a fleet of ${argv.hosts.toLocaleString('en-US')} hosts (seed ${argv.seed}), ${names.length === 1 ? 'one preset' : 'presets S1-S5'}:`);
        ctx.out(fleetTable(fl, names, results));
        ctx.out('');
        ctx.out(`chart of hosts down over time: ${chart}`);
        ctx.out('Real-world numbers and their sources: docs/cf291.md and docs/fleet.md. Everything else is simulation output.');
      },
    )
    .command(
      'fleet',
      'the fleet-rollout simulation alone: one or more presets, a results table, JSON and an SVG chart',
      (a) => a
        .option('preset', { choices: PRESET_NAMES, array: true, describe: 'presets to run (default: all five)' })
        .option('hosts', { type: 'number', default: DEFAULT_DEMO_HOSTS, describe: 'simulated fleet size' })
        .option('seed', { type: 'number', default: 1, describe: 'seed' })
        .option('chart', { type: 'string', describe: 'write the SVG chart to this file' })
        .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' }),
      async (argv) => {
        checkHosts(argv.hosts, ctx);
        checkSeed(argv.seed, ctx);
        const fl = await import('../sim/fleet/index.js');
        const names = (argv.preset && argv.preset.length > 0 ? argv.preset : PRESET_NAMES) as readonly PresetName[];
        const results = runPresets(fl, names, { hosts: argv.hosts, seed: argv.seed }, argv.json);
        const chart = argv.chart !== undefined ? writeChart(fl.renderFleetChartSvg(results), argv.chart, ctx) : null;
        if (argv.json) {
          ctx.out(JSON.stringify({ fleet: results.map((r) => fleetJson(fl, r)), chart }));
          return;
        }
        ctx.out(fleetTable(fl, names, results));
        if (chart) ctx.out(`\nchart: ${chart}`);
      },
    );
}
