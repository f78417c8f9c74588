// Fleet-rollout simulation: configuration, calibration defaults and the presets S1-S5 of
// ../shared/design/cf291.md part B.e. Every real-world number carries its source key from the
// design's Sources table (PIR, MS-0720, AZ, REC, TECH, SF); everything else is a named unknown
// ("not published") that the user can override. See docs/fleet.md.

/** Minutes from the incident clock t0 = 2024-07-19 04:09 UTC (PIR: release of the bad Channel File 291). */
export const INCIDENT_T0_UTC = '2024-07-19T04:09:00Z';
export const INCIDENT_T0_MS = Date.UTC(2024, 6, 19, 4, 9, 0);
/** Release to revert in 2024: 04:09 -> 05:27 UTC (PIR). */
export const REAL_EXPOSURE_WINDOW_MIN = 78;
/** Microsoft's estimate of affected devices (MS-0720). */
export const REAL_AFFECTED_DEVICES = 8_500_000;
/** "as many as 15" reboots reported to help (AZ). */
export const REAL_MAX_REBOOTS_REPORTED = 15;
/** >97 % of Windows sensors back online by 25 July 2024 (REC). */
export const REAL_RECOVERED_BY_JUL25 = 0.97;

/** Source keys of the design's Sources table (../shared/design/cf291.md). */
export type SourceKey = 'PIR' | 'RCA' | 'TECH' | 'MS-0720' | 'MS-0727' | 'MS-WRI' | 'AZ' | 'REC' | 'BC50' | 'START' | 'KV' | 'SF' | 'HN' | 'CVE';

export interface FleetFact {
  /** what the number is, as it may be shown to students */
  what: string;
  value: number | string;
  source: SourceKey;
  /** where it enters the model */
  usedAs: string;
  secondary?: boolean;
}

/**
 * Every real-world number the fleet model uses, with its source (design B.f item 10). Anything not
 * listed here is a model parameter or a model output, not a fact.
 */
export const FLEET_FACTS: readonly FleetFact[] = [
  { what: 'bad Channel File 291 released', value: INCIDENT_T0_UTC, source: 'PIR', usedAs: 't0 of the incident clock' },
  { what: 'content reverted at 05:27 UTC: minutes after release', value: REAL_EXPOSURE_WINDOW_MIN, source: 'PIR', usedAs: 'S1/S3 revertAtMin; monitor.humanRevertAfterMin' },
  { what: 'affected devices (Microsoft estimate)', value: REAL_AFFECTED_DEVICES, source: 'MS-0720', usedAs: 'default fleet size (hosts)' },
  { what: 'only Windows hosts with sensor 7.11 or later, online in the window, were affected; Mac and Linux were not', value: '7.11', source: 'PIR', usedAs: 'eligibility' },
  { what: 'reboots reported to help, up to', value: REAL_MAX_REBOOTS_REPORTED, source: 'AZ', usedAs: 'host.maxRebootsAfterRevert' },
  { what: 'Windows sensors back online by 25 July', value: '>97 %', source: 'REC', usedAs: 'calibration of manual.techsPer1000Hosts' },
  { what: 'manual fix: safe mode or WinRE, delete C-00000291*.sys, reboot', value: 'C-00000291*.sys', source: 'TECH', usedAs: 'manual recovery queue' },
  { what: 'pinning the sensor to N-1 did not hold back content', value: 'N-1', source: 'SF', usedAs: 'pinSensorNMinus1Share has no effect', secondary: true },
];

export type HostMode = 'driver' | 'ebpf-E1' | 'ebpf-E2';
export const HOST_MODES: readonly HostMode[] = ['driver', 'ebpf-E1', 'ebpf-E2'];

export type OrgPolicyKind = 'ga' | 'early' | 'delay' | 'pause';

export interface OrgPolicyShare {
  policy: OrgPolicyKind;
  /** share of eligible hosts whose org uses this content policy */
  share: number;
  /** only for 'delay' */
  delayHours?: number;
}

export interface ScheduleBucket {
  name: string;
  share: number;
  /** 'always': servers, VMs, kiosks, hospital and airport terminals; 'workday': Mon-Fri office hours */
  kind: 'always' | 'workday';
  /** UTC offset in hours (local time on 2024-07-19) */
  utcOffsetH: number;
  /** local hour when the first hosts come online (workday) */
  onLocalH?: number;
  /** local hour when the first hosts go offline (workday) */
  offLocalH?: number;
  /** arrivals and departures are spread evenly over this many minutes */
  spreadMin?: number;
}

export interface NetworkBucket {
  name: string;
  share: number;
  /** probability that, on one reboot after the revert, the content sync beats the crash (self-heal) */
  pSync: number;
  /** mean minutes for an online host to fetch published content */
  meanDeliveryMin: number;
}

export interface RingDef {
  name: string;
  /** share of eligible hosts in the ring (the last ring takes the rest) */
  share: number;
  /** minutes the ring bakes before the next ring is released (staged strategy) */
  bakeMin: number;
}

export type Strategy =
  | {
      kind: 'all-at-once';
      /** 'fixed': revert at revertAtMin (2024: 78 min, PIR); 'detection': alert + responseDelayMin */
      revert: 'fixed' | 'detection';
      revertAtMin: number;
      responseDelayMin: number;
    }
  | {
      kind: 'staged';
      /** minutes between the gate's halt and the rollback being published */
      rollbackDelayMin: number;
    }
  | {
      kind: 'customer';
      /** when 'ga' orgs get content after release (minutes) */
      gaAfterMin: number;
      /** vendor response after an alert: halt + revert this many minutes later */
      responseDelayMin: number;
    };

export type GateSignal = 'heartbeat' | 'crash_reports' | 'rejections';

export interface FleetConfig {
  seed: number;
  /** simulated fleet size (all OSes). The real fleet size was not published; 8.5 M is MS-0720's count of affected devices. */
  hosts: number;
  /** simulated minutes after t0 */
  horizonMin: number;
  /** time-series sample period in minutes */
  sampleEveryMin: number;
  /** the content released at t0: the bad Channel File 291 or a good update */
  content: 'bad' | 'good';
  /** also run the same configuration with a good update to measure time_to_protect */
  measureTimeToProtect: boolean;
  /** horizon of that good-update run (minutes) */
  goodRunHorizonMin: number;
  strategy: Strategy;
  /** share of eligible hosts in each mode (driver | eBPF E1 | eBPF E2); normalised */
  modes: Partial<Record<HostMode, number>>;

  fleet: {
    /** OS mix of the fleet (not published). Only Windows is affected (PIR). */
    osShares: { windows: number; mac: number; linux: number };
    /** Windows hosts still on a sensor older than 7.11 (not published; 7.11 GA 2024-02-28, PIR) */
    windowsSensorOlderThan711Share: number;
    /** share of eligible hosts whose org pins the sensor to N-1; has no effect on content (SF) */
    pinSensorNMinus1Share: number;
    schedules: ScheduleBucket[];
    network: NetworkBucket[];
    /** BitLocker: none, on with the recovery key escrowed, on without an escrowed key (not published) */
    bitlocker: { none: number; escrowed: number; notEscrowed: number };
    rings: RingDef[];
    orgPolicies: OrgPolicyShare[];
  };

  host: {
    /** mean minutes from loading the bad content to the first evaluated IPC event (bug check); not published */
    meanTriggerMin: number;
    /** minutes from one bug check to the next (reboot + load + crash); not published */
    rebootCycleMin: number;
    /** failed reboots after the revert before the host is handed to a technician (AZ: "as many as 15") */
    maxRebootsAfterRevert: number;
  };

  manual: {
    /** hands-on technicians per 1,000 eligible hosts of an org, working around the clock (not published; calibrated to REC) */
    techsPer1000Hosts: number;
    /** technicians start after this many minutes from the first crash (not published) */
    techStartAfterFirstCrashMin: number;
    /** safe mode / WinRE, delete C-00000291*.sys, reboot (TECH); minutes per host (not published) */
    minutesPerHost: number;
    /** extra minutes to look up an escrowed BitLocker recovery key (not published) */
    bitlockerLookupMin: number;
    /** extra minutes when the key is not escrowed: hunt for it or reimage (not published) */
    noEscrowExtraMin: number;
  };

  monitor: {
    /** signals the vendor's health gate watches */
    gateSignals: GateSignal[];
    /** alert when a ring's rate exceeds the control group's by this much (design default 0.5 %) */
    threshold: number;
    /** a silent host counts as heartbeat loss after this many minutes (not published) */
    heartbeatTimeoutMin: number;
    /** normal heartbeat loss rate of healthy hosts in any window (not published) */
    baselineHeartbeatLoss: number;
    /** normal crash-report rate of healthy hosts (not published) */
    baselineCrashReportRate: number;
    /** hosts in the control group (not updated) the gate compares against */
    controlGroupHosts: number;
    /** a ring is judged only once this many of its hosts received the update */
    gateMinExposed: number;
    /** minutes from a host's recovery to its crash report reaching the vendor */
    crashReportDelayMin: number;
    /** minutes from an eBPF rejection to the report reaching the vendor */
    rejectionReportDelayMin: number;
    /** share of boot-looping hosts that still manage to send a crash report per crash (design: none can) */
    crashReportFromLoopProb: number;
    /** people notice and revert this long after the first host received the bad content, whatever the gate says (2024: 78 min, PIR); null = never */
    humanRevertAfterMin: number | null;
  };

  /** minutes after t0 when fixed content with the new detection ships; ends the protection gap (not published) */
  fixedContentAfterMin: number;
}

export type PresetName = 'S1' | 'S2' | 'S3' | 'S4' | 'S5';

const DAY = 1440;

/** Calibration defaults. Unknowns are named and marked; see docs/fleet.md for each. */
export function defaultFleetConfig(): FleetConfig {
  return {
    seed: 1,
    hosts: 8_500_000,
    horizonMin: 10 * DAY,
    sampleEveryMin: 1,
    content: 'bad',
    measureTimeToProtect: true,
    goodRunHorizonMin: 2 * DAY,
    strategy: { kind: 'all-at-once', revert: 'fixed', revertAtMin: REAL_EXPOSURE_WINDOW_MIN, responseDelayMin: 15 },
    modes: { driver: 1 },
    fleet: {
      osShares: { windows: 0.8, mac: 0.12, linux: 0.08 },
      windowsSensorOlderThan711Share: 0.04,
      pinSensorNMinus1Share: 0.3,
      schedules: [
        { name: 'always-on', share: 0.4, kind: 'always', utcOffsetH: 0 },
        { name: 'Americas West (UTC-7)', share: 0.08, kind: 'workday', utcOffsetH: -7, onLocalH: 7, offLocalH: 17, spreadMin: 150 },
        { name: 'Americas East (UTC-4)', share: 0.17, kind: 'workday', utcOffsetH: -4, onLocalH: 7, offLocalH: 17, spreadMin: 150 },
        { name: 'Europe West (UTC+1)', share: 0.07, kind: 'workday', utcOffsetH: 1, onLocalH: 7, offLocalH: 17, spreadMin: 150 },
        { name: 'Europe Central (UTC+2)', share: 0.1, kind: 'workday', utcOffsetH: 2, onLocalH: 7, offLocalH: 17, spreadMin: 150 },
        { name: 'India (UTC+5:30)', share: 0.05, kind: 'workday', utcOffsetH: 5.5, onLocalH: 7, offLocalH: 17, spreadMin: 150 },
        { name: 'East Asia (UTC+8)', share: 0.06, kind: 'workday', utcOffsetH: 8, onLocalH: 7, offLocalH: 17, spreadMin: 150 },
        { name: 'Japan/Korea (UTC+9)', share: 0.04, kind: 'workday', utcOffsetH: 9, onLocalH: 7, offLocalH: 17, spreadMin: 150 },
        { name: 'Australia East (UTC+10)', share: 0.03, kind: 'workday', utcOffsetH: 10, onLocalH: 7, offLocalH: 17, spreadMin: 150 },
      ],
      network: [
        { name: 'good', share: 0.35, pSync: 0.25, meanDeliveryMin: 2 },
        { name: 'fair', share: 0.45, pSync: 0.08, meanDeliveryMin: 4 },
        { name: 'poor', share: 0.2, pSync: 0.01, meanDeliveryMin: 10 },
      ],
      bitlocker: { none: 0.4, escrowed: 0.55, notEscrowed: 0.05 },
      rings: [
        { name: 'internal', share: 0.001, bakeMin: 15 },
        { name: 'canary', share: 0.01, bakeMin: 30 },
        { name: 'early', share: 0.1, bakeMin: 60 },
        { name: 'ga', share: 0.889, bakeMin: 0 },
      ],
      orgPolicies: [
        { policy: 'ga', share: 0.7 },
        { policy: 'early', share: 0.1 },
        { policy: 'delay', share: 0.15, delayHours: 24 },
        { policy: 'pause', share: 0.05 },
      ],
    },
    host: { meanTriggerMin: 1.5, rebootCycleMin: 4, maxRebootsAfterRevert: REAL_MAX_REBOOTS_REPORTED },
    manual: {
      techsPer1000Hosts: 0.55,
      techStartAfterFirstCrashMin: 120,
      minutesPerHost: 20,
      bitlockerLookupMin: 10,
      noEscrowExtraMin: 240,
    },
    monitor: {
      gateSignals: ['heartbeat', 'crash_reports', 'rejections'],
      threshold: 0.005,
      heartbeatTimeoutMin: 10,
      baselineHeartbeatLoss: 0.002,
      baselineCrashReportRate: 0.0005,
      controlGroupHosts: 20_000,
      gateMinExposed: 50,
      crashReportDelayMin: 5,
      rejectionReportDelayMin: 1,
      crashReportFromLoopProb: 0,
      humanRevertAfterMin: REAL_EXPOSURE_WINDOW_MIN,
    },
    fixedContentAfterMin: DAY,
  };
}

export type DeepPartial<T> = T extends (infer U)[]
  ? U[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge; arrays and the strategy object are replaced as a whole. */
export function mergeConfig<T>(base: T, over: DeepPartial<T> | undefined): T {
  if (over === undefined) return structuredClone(base);
  const out = structuredClone(base) as Record<string, unknown>;
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) {
    if (v === undefined) continue;
    const cur = out[k];
    if (isPlainObject(v) && isPlainObject(cur) && k !== 'strategy' && k !== 'modes') {
      out[k] = mergeConfig(cur, v as DeepPartial<typeof cur>);
    } else if (k === 'strategy' && isPlainObject(v) && isPlainObject(cur) && v['kind'] === undefined) {
      out[k] = { ...cur, ...structuredClone(v) };
    } else {
      out[k] = structuredClone(v);
    }
  }
  return out as T;
}

export interface FleetPresetInfo {
  name: PresetName;
  title: string;
  description: string;
  overrides: DeepPartial<FleetConfig>;
}

/** The five presets of the design (B.e "Scenario presets"). */
export const FLEET_PRESETS: Readonly<Record<PresetName, FleetPresetInfo>> = {
  S1: {
    name: 'S1',
    title: 'Replay 2024',
    description: 'driver mode, all-at-once, revert at t0 + 78 min (PIR)',
    overrides: {
      modes: { driver: 1 },
      strategy: { kind: 'all-at-once', revert: 'fixed', revertAtMin: REAL_EXPOSURE_WINDOW_MIN, responseDelayMin: 15 },
    },
  },
  S2: {
    name: 'S2',
    title: 'Staged rings + health gate',
    description: 'driver mode, rings internal/canary/early/GA with bake 15/30/60 min, gate on heartbeat loss and crash reports',
    overrides: {
      modes: { driver: 1 },
      strategy: { kind: 'staged', rollbackDelayMin: 0 },
      monitor: { gateSignals: ['heartbeat', 'crash_reports', 'rejections'] },
    },
  },
  S3: {
    name: 'S3',
    title: 'eBPF E1, all-at-once',
    description: 'verified content, rejected at load; all-at-once, revert at t0 + 78 min',
    overrides: {
      modes: { 'ebpf-E1': 1 },
      strategy: { kind: 'all-at-once', revert: 'fixed', revertAtMin: REAL_EXPOSURE_WINDOW_MIN, responseDelayMin: 15 },
    },
  },
  S4: {
    name: 'S4',
    title: 'eBPF E2, staged rings',
    description: 'runtime bounds check + on-host dry run refuses the update; staged rings with health gate',
    overrides: {
      modes: { 'ebpf-E2': 1 },
      strategy: { kind: 'staged', rollbackDelayMin: 0 },
      monitor: { gateSignals: ['heartbeat', 'crash_reports', 'rejections'] },
    },
  },
  S5: {
    name: 'S5',
    title: 'Staged, gate on crash reports only',
    description: 'driver mode, staged rings, but the gate watches only crash reports: boot-looping hosts cannot report',
    overrides: {
      modes: { driver: 1 },
      strategy: { kind: 'staged', rollbackDelayMin: 0 },
      monitor: { gateSignals: ['crash_reports'] },
    },
  },
};

export const PRESET_NAMES: readonly PresetName[] = ['S1', 'S2', 'S3', 'S4', 'S5'];

/** A preset's full configuration, with optional overrides (deep-merged; arrays replaced). */
export function fleetPreset(name: PresetName, overrides?: DeepPartial<FleetConfig>): FleetConfig {
  const info = FLEET_PRESETS[name];
  if (!info) throw new Error(`unknown fleet preset ${String(name)} (expected one of ${PRESET_NAMES.join(', ')})`);
  const withPreset = mergeConfig(defaultFleetConfig(), info.overrides);
  return mergeConfig(withPreset, overrides);
}
