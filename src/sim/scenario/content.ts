// The content versions of the miniature (design B.b), numbered after the real history. The
// patterns are illustrative (pipe-name prefixes of the kind C2 frameworks use by default); the
// real instances were never published.

import { type ChannelFile, type Criterion, OP, type TemplateInstance, encode, versionName } from './bcf1.js';

export const TYPE_FIELDS = 21;

function instance(id: number, action: number, set: Record<number, Criterion>, note: string): TemplateInstance {
  const criteria: Criterion[] = [];
  for (let i = 0; i < TYPE_FIELDS; i++) criteria.push(set[i] ?? { op: OP.WILDCARD, pattern: '' });
  return { id, action, criteria, note };
}

const eq = (pattern: string): Criterion => ({ op: OP.EQUALS, pattern });
const prefix = (pattern: string): Criterion => ({ op: OP.PREFIX, pattern });

/** The instances, in the order they shipped. Field 21 (index 20) is a wildcard in all but 0x2A. */
export const INSTANCES = {
  i10: instance(0x10, 1, { 0: prefix('postex_') }, 'first production IPC instance (2024-03-05): post-exploitation pipe names'),
  i11: instance(0x11, 1, { 0: prefix('msagent_'), 2: eq('rundll32.exe') }, 'SMB beacon pipes opened by rundll32'),
  i12: instance(0x12, 1, { 0: prefix('status_'), 13: eq('1') }, 'remote status pipes'),
  i13: instance(0x13, 0, { 0: prefix('MSSE-'), 17: eq('unsigned') }, 'telemetry on MSSE- pipes from unsigned clients'),
  i29: instance(0x29, 1, { 0: prefix('win_svc'), 1: eq('svchost.exe') }, 'new on 2024-07-19: a C2 pipe name mimicking a service'),
  i2a: instance(0x2a, 2, { 20: eq('msagent_') }, 'new on 2024-07-19: the first instance with a non-wildcard criterion in field 21'),
} as const;

export interface ContentVersion {
  readonly name: string;
  readonly contentVer: number;
  readonly date: string;
  readonly file: ChannelFile;
  readonly note: string;
  readonly bad: boolean;
}

function version(contentVer: number, date: string, instances: TemplateInstance[], note: string, bad = false): ContentVersion {
  return {
    name: versionName(contentVer), contentVer, date, note, bad,
    file: { formatVer: 1, channel: 291, contentVer, templateType: 1, typeFields: TYPE_FIELDS, flags: 0, instances },
  };
}

const I = INSTANCES;

/** v0305, v0408, v0416, v0424, v0719-0409 (bad), v0719-0527 (revert). */
export const VERSIONS: readonly ContentVersion[] = [
  version(0x03050000, '2024-03-05', [I.i10], 'first IPC instance in production, after the staging stress test'),
  version(0x04080000, '2024-04-08', [I.i10, I.i11], 'one more IPC instance; field 21 wildcard'),
  version(0x04160000, '2024-04-16', [I.i10, I.i11, I.i12], 'one more IPC instance; field 21 wildcard'),
  version(0x04240000, '2024-04-24', [I.i10, I.i11, I.i12, I.i13], 'one more IPC instance; field 21 wildcard'),
  version(0x07190409, '2024-07-19 04:09 UTC', [I.i10, I.i11, I.i12, I.i13, I.i29, I.i2a], 'two new instances; 0x2A has a non-wildcard criterion in field 21', true),
  version(0x07190527, '2024-07-19 05:27 UTC', [I.i10, I.i11, I.i12, I.i13, I.i29], 'revert: v0424 plus the other new instance'),
];

export function contentVersion(name: string): ContentVersion {
  const v = VERSIONS.find((x) => x.name === name || x.name === `v${name}`);
  if (!v) throw new RangeError(`no content version ${name} (have ${VERSIONS.map((x) => x.name).join(', ')})`);
  return v;
}

export const BAD_VERSION = 'v0719-0409';
export const LAST_GOOD_VERSION = 'v0424';
export const REVERT_VERSION = 'v0719-0527';

/** The channel file bytes of a version. */
export function contentBytes(name: string): Uint8Array {
  return encode(contentVersion(name).file);
}
