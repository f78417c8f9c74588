// Kernel-driver mode of the miniature (design B.c): the v1 interpreter runs as part of
// "sim_sensor.sys" with no verifier, on a paged kernel address space laid out like this:
//
//   nonpaged pool (one 4 KiB page)
//     interp_state        16 B   the interpreter's cursor              (driver)
//     ipc_inputs         160 B   20 raw pointers to the event strings  (driver)
//     Ntfs pool block     64 B   ANOTHER driver's allocation           (kernel)  <- inputs[20] reads here
//     ipc event strings  320 B   20 x 16-byte strings                  (driver)
//     free pool ...
//   paged pool (two pages)
//     C-00000291          4160 B the channel file as loaded from disk   (driver)
//
// The 8 bytes after the pointer array belong to the neighbour; in the default seed they hold
// 0xffffd6030000006a, the value in the RCA's dump. Each other seed gives another garbage value
// (always unmapped). With `ubRoulette` the garbage happens to point at mapped memory (design's
// optional toggle, not from the RCA): no crash, a silent wrong match.

import { type DriverLayout, type DriverResult, type FaultContextInfo, poolHeader, runDriver } from '../driver/index.js';
import { HEADER_SIZE, decode, instanceSize, versionName } from './bcf1.js';
import { DEFAULT_EVENT, FIELD_SLOT, type IpcEvent, rng } from './ipc.js';
import { CONTENT_MAP_SIZE, loadInterpreter, mapValue } from './programs.js';

export const RCA_GARBAGE = 0xffffd6030000006an;
export const DRIVER_MODULE = 'sim_sensor.sys (content interpreter)';
export const NEIGHBOUR = 'Ntfs pool block';

/** The seeded garbage value after the 20th pointer (seed 0 / undefined: the RCA's value). */
export function garbageFor(seed: number | undefined): bigint {
  if (seed === undefined || seed === 0) return RCA_GARBAGE;
  const r = rng(seed);
  const hi = BigInt(Math.floor(r() * 0x10000)) | 0x8000n;
  const lo = BigInt(Math.floor(r() * 0x100000000));
  // bits 63..47 set: a kernel-half address that nothing maps in the simulated machine
  return (0xffffn << 48n) | (hi << 32n) | lo;
}

export interface ContentDriverOptions {
  event?: IpcEvent;
  /** Seed of the garbage value after the pointer array (default: the RCA's value). */
  seed?: number;
  /** The garbage points at mapped memory instead (the "UB roulette" toggle; off by default). */
  ubRoulette?: boolean;
  recordAccesses?: boolean;
  trace?: boolean;
  /** Label for the panel's content line (default: the version in the file). */
  contentLabel?: string;
}

export function cf291Layout(content: Uint8Array, event: IpcEvent, garbage: bigint | 'roulette'): DriverLayout {
  return {
    mappings: [
      {
        name: 'nonpaged pool',
        objects: [
          { name: 'interp_state', owner: 'driver', size: 16, map: 'interp_state', what: 'the interpreter\'s cursor: instances left, field index f, last match' },
          {
            name: 'ipc_inputs', owner: 'driver', size: 160, map: 'ipc_inputs', what: 'the sensor glue\'s input array: 20 raw pointers, one per supplied field',
            fill: (b, ctx) => {
              const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
              const strings = ctx.addressOf('ipc event strings');
              for (let i = 0; i < 20; i++) v.setBigUint64(i * 8, BigInt(strings + i * FIELD_SLOT), true);
            },
          },
          {
            name: NEIGHBOUR, owner: 'kernel', size: 64, what: 'an allocation of another driver that happens to follow the input array',
            fields: [
              { name: 'Data[0]', off: 0, size: 8, kind: 'u64' },
              { name: 'POOL_HEADER (next)', off: 8, size: 8, kind: 'bytes' },
              { name: 'Data', off: 16, size: 48, kind: 'bytes' },
            ],
            fill: (b, ctx) => {
              const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
              const value = garbage === 'roulette' ? BigInt(ctx.addressOf('ipc event strings')) : garbage;
              v.setBigUint64(0, value, true);
              poolHeader(b.subarray(8), 'Ntfs', 3);
              for (let i = 16; i < 64; i++) b[i] = (i * 37) & 0xff;
            },
          },
          {
            name: 'ipc event strings', owner: 'driver', size: 20 * FIELD_SLOT, what: 'the strings of the IPC event, 16 bytes each',
            fill: (b) => {
              for (let i = 0; i < 20; i++) {
                const s = event[i] ?? '';
                for (let j = 0; j < Math.min(s.length, FIELD_SLOT - 1); j++) b[i * FIELD_SLOT + j] = s.charCodeAt(j) & 0xff;
              }
            },
          },
        ],
      },
      {
        name: 'paged pool',
        objects: [
          { name: 'C-00000291', owner: 'driver', size: CONTENT_MAP_SIZE, map: 'content', what: 'Channel File 291 as loaded from disk', fill: (b) => b.set(content.subarray(0, b.length)) },
        ],
      },
    ],
  };
}

/** Which instance and criterion the interpreter is on, from its registers (r8 = &instance, r7 = f). */
export function interpreterPosition(info: FaultContextInfo, content: Uint8Array): { index: number; id: number; f: number } | null {
  const base = info.machine.object('C-00000291')?.address;
  if (base === undefined) return null;
  const typeFields = content[0x0e] ?? 21;
  const off = Number(info.registers[8]! - BigInt(base)) - HEADER_SIZE;
  if (off < 0) return null;
  const index = Math.floor(off / instanceSize(typeFields));
  const at = HEADER_SIZE + index * instanceSize(typeFields);
  if (at + 4 > content.length) return null;
  const id = new DataView(content.buffer, content.byteOffset, content.byteLength).getUint32(at, true);
  return { index, id, f: Number(info.registers[7]!) };
}

/** Runs the driver build on one IPC event with a channel file loaded. */
export function runContentDriver(content: Uint8Array, opts: ContentDriverOptions = {}): DriverResult {
  const v1 = loadInterpreter('v1');
  const event = opts.event ?? DEFAULT_EVENT;
  const garbage = opts.ubRoulette ? 'roulette' : garbageFor(opts.seed);
  const d = decode(content);
  const label = opts.contentLabel ?? (d.ok ? `C-00000291 ${versionName(d.value.file.contentVer)}` : 'C-00000291 (undecodable)');
  return runDriver(v1.asm.program, {
    progType: 'raw', maps: v1.maps, layout: cf291Layout(content, event, garbage),
    mapValues: { content: mapValue(content, CONTENT_MAP_SIZE) },
    module: DRIVER_MODULE, recordAccesses: opts.recordAccesses ?? false, trace: opts.trace ?? false,
    workloads: ['lsass.exe (authentication)', 'sqlservr.exe (database)', 'w3wp.exe (web server)', 'explorer.exe (desktop)'],
    panelContext: (info) => {
      const pos = interpreterPosition(info, content);
      const lines = [`r7 (field index) = 0x${info.registers[7]!.toString(16)}`];
      if (pos) lines.push(`content: ${label}, instance 0x${pos.id.toString(16).toUpperCase()}, criterion ${pos.f + 1}`);
      return lines;
    },
  });
}
