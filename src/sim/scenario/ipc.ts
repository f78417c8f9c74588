// The IPC Template Type: the two sources of truth (design B.a), and IPC events.
//
// programs/cf291/ipc-template-type.json     what the Template Type DEFINITION declares: 21 fields
// programs/cf291/sensor-ipc-integration.json what the sensor's integration code SUPPLIES: 20 fields
//
// They are kept as two separate files on purpose: the Channel File 291 defect was exactly that
// these two disagreed (RCA). Field names are made up (CrowdStrike never published its own).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** programs/cf291/ (the same relative path from src/ and from dist/). */
export const CF291_DIR = fileURLToPath(new URL('../../../programs/cf291/', import.meta.url));

export interface FieldDef {
  readonly index: number;
  readonly name: string;
}

export interface TemplateTypeDef {
  readonly templateType: number;
  readonly name: string;
  readonly channel: number;
  readonly fields: readonly FieldDef[];
}

export interface SensorIntegration {
  readonly templateType: number;
  readonly channel: number;
  readonly sensor: string;
  readonly suppliedFields: readonly FieldDef[];
}

let tt: TemplateTypeDef | undefined;
let si: SensorIntegration | undefined;

/** Artifact 1: the Template Type definition (21 fields). */
export function templateTypeDefinition(): TemplateTypeDef {
  tt ??= JSON.parse(readFileSync(CF291_DIR + 'ipc-template-type.json', 'utf8')) as TemplateTypeDef;
  return tt;
}

/** Artifact 2: the sensor integration (20 supplied fields). */
export function sensorIntegration(): SensorIntegration {
  si ??= JSON.parse(readFileSync(CF291_DIR + 'sensor-ipc-integration.json', 'utf8')) as SensorIntegration;
  return si;
}

/** Bytes of one input field: up to 15 characters and a terminating zero. */
export const FIELD_SLOT = 16;

/** An IPC event: one string per SUPPLIED field (20). */
export type IpcEvent = readonly string[];

/** A deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIPES = ['mojo.5524.1812.', 'lsass', 'wkssvc', 'srvsvc', 'spoolss', 'eventlog', 'PSHost.1337.', 'msagent_', 'postex_', 'status_'];
const IMAGES = ['chrome.exe', 'svchost.exe', 'explorer.exe', 'rundll32.exe', 'powershell.exe', 'spoolsv.exe', 'Teams.exe'];

/** A plausible everyday IPC event (seeded); pipe names of C2 frameworks appear now and then. */
export function syntheticEvent(seed: number): IpcEvent {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const hex = (n: number) => Math.floor(r() * 16 ** n).toString(16).padStart(n, '0');
  let pipe = pick(PIPES);
  if (pipe.endsWith('.') || pipe.endsWith('_')) pipe += hex(pipe.length > 10 ? 2 : 4);
  const server = pick(IMAGES);
  const client = pick(IMAGES);
  return [
    pipe.slice(0, 15), server, client, 'services.exe', 'explorer.exe', 'SYSTEM', 'alice', 'system', 'medium',
    '0x12019f', 'OPEN_EXISTING', 'MESSAGE', '255', r() < 0.1 ? '1' : '0', hex(8), hex(8),
    'Microsoft', r() < 0.8 ? 'Microsoft' : 'unsigned', `0x${hex(6)}`, `t${hex(3)}`,
  ].map((s) => s.slice(0, 15));
}

/** The event used when none is given: a Chrome Mojo pipe, as named pipes are everyday traffic. */
export const DEFAULT_EVENT: IpcEvent = [
  'mojo.5524.1812', 'chrome.exe', 'chrome.exe', 'explorer.exe', 'chrome.exe', 'alice', 'alice', 'medium', 'low',
  '0x12019f', 'OPEN_EXISTING', 'MESSAGE', '255', '0', '9c41f02b', '77e1a0c3', 'Google LLC', 'Google LLC', '0x3e7a21', 't0412',
];

/** Encodes an event as the sandbox build gets it: 20 x 16 bytes inline (320 bytes). */
export function inlineInputs(ev: IpcEvent, fields = 20): Uint8Array {
  const out = new Uint8Array(fields * FIELD_SLOT);
  for (let i = 0; i < fields; i++) {
    const s = ev[i] ?? '';
    for (let j = 0; j < Math.min(s.length, FIELD_SLOT - 1); j++) out[i * FIELD_SLOT + j] = s.charCodeAt(j) & 0xff;
  }
  return out;
}
