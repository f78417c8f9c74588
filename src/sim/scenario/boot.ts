// The boot sequence of one simulated Windows host in driver mode (design B.c):
//
//   POWER_ON -> LOADER -> DRIVER_INIT (sensor loads, reads channel files from disk)
//            -> SERVICES (first IPC events) -> NET_UP -> CONTENT_SYNC -> RUNNING
//
// With the bad file on disk, every boot is a race: if an IPC event is evaluated against the bad
// instance before CONTENT_SYNC fetches the revert, the machine crashes again (the boot loop). The
// sync wins with probability p_sync per boot (seeded). After k_fail consecutive crashes the host
// stops in the recovery environment, where a person either restarts it (another race; Azure's
// advice was to try "as many as 15" restarts) or does the manual fix.

import type { BugCheck } from '../driver/index.js';
import { BAD_VERSION, REVERT_VERSION, contentBytes } from './content.js';
import { runContentDriver } from './driver.js';
import { rng, syntheticEvent } from './ipc.js';

export const BOOT_STAGES = ['POWER_ON', 'LOADER', 'DRIVER_INIT', 'SERVICES', 'NET_UP', 'CONTENT_SYNC', 'RUNNING'] as const;
export type BootStage = (typeof BOOT_STAGES)[number] | 'BUGCHECK' | 'RECOVERY_ENVIRONMENT';

/**
 * Default p_sync: with 0.2 per boot, 1 - 0.8^15 = 96.5 % of hosts have healed within 15 boots, so the
 * tail reaches about 15 reboots (calibration target from AZ; the value itself is ours).
 */
export const DEFAULT_P_SYNC = 0.2;
export const DEFAULT_K_FAIL = 2;
export const DEFAULT_MAX_RESTARTS = 15;

export interface BootOptions {
  seed?: number;
  pSync?: number;
  kFail?: number;
  /** What the person at the recovery screen does: restart (another race) or the manual fix (default restart). */
  onRecovery?: 'restart' | 'fix';
  /** Restarts tried before the person does the manual fix anyway (default 15). */
  maxRestarts?: number;
  bitlocker?: boolean;
  /** Is the BitLocker recovery key at hand? (default true) */
  keyAvailable?: boolean;
  /** Version on disk at power-on (default the bad one). */
  onDisk?: string;
}

export interface BootRecord {
  readonly n: number;
  readonly stages: readonly BootStage[];
  readonly contentAtInit: string | null;
  readonly crashed: boolean;
  readonly syncWon: boolean;
  readonly bugcheck: BugCheck | null;
  readonly note: string;
}

export interface ManualStep {
  readonly step: string;
  readonly ok: boolean;
}

export interface BootResult {
  readonly boots: readonly BootRecord[];
  readonly crashes: number;
  readonly outcome: 'running' | 'self_healed' | 'fixed_manually' | 'stuck';
  readonly manualSteps: readonly ManualStep[];
  /** Times a person had to act (restart from the recovery screen or fix). */
  readonly manualTouches: number;
  readonly finalContent: string | null;
  readonly summary: string;
}

export function runBootSequence(opts: BootOptions = {}): BootResult {
  const r = rng(opts.seed ?? 1);
  const pSync = opts.pSync ?? DEFAULT_P_SYNC;
  const kFail = Math.max(1, opts.kFail ?? DEFAULT_K_FAIL);
  const maxRestarts = opts.maxRestarts ?? DEFAULT_MAX_RESTARTS;
  let onDisk: string | null = opts.onDisk ?? BAD_VERSION;
  const boots: BootRecord[] = [];
  let consecutive = 0;
  let touches = 0;
  let crashes = 0;
  const manualSteps: ManualStep[] = [];
  let outcome: BootResult['outcome'] = 'running';
  for (let n = 1; n <= 60; n++) {
    const stages: BootStage[] = ['POWER_ON', 'LOADER', 'DRIVER_INIT', 'SERVICES'];
    const atInit = onDisk;
    if (onDisk !== BAD_VERSION) {
      stages.push('NET_UP', 'CONTENT_SYNC', 'RUNNING');
      boots.push({ n, stages, contentAtInit: atInit, crashed: false, syncWon: true, bugcheck: null, note: atInit ? `content ${atInit} loads; no crash` : 'no channel file 291 on disk; the sync fetches the current one' });
      onDisk = REVERT_VERSION;
      if (outcome === 'running' && n > 1) outcome = 'self_healed';
      break;
    }
    const syncWon = r() < pSync;
    if (syncWon) {
      stages.push('NET_UP', 'CONTENT_SYNC', 'RUNNING');
      onDisk = REVERT_VERSION;
      boots.push({ n, stages, contentAtInit: atInit, crashed: false, syncWon: true, bugcheck: null, note: `the sync won the race: ${REVERT_VERSION} replaced the bad file before an IPC event reached instance 0x2A` });
      outcome = n === 1 ? 'running' : manualSteps.length > 0 ? 'fixed_manually' : 'self_healed';
      break;
    }
    // the first IPC event reaches the bad instance: the real crash, on this boot's event
    const d = runContentDriver(contentBytes(BAD_VERSION), { event: syntheticEvent((opts.seed ?? 1) * 1000 + n) });
    crashes++;
    consecutive++;
    stages.push('BUGCHECK');
    let note = `an IPC event was evaluated against instance 0x2A before the sync: ${d.bugcheck ? `STOP 0x${d.bugcheck.code.toString(16).toUpperCase()}` : d.outcome}`;
    if (consecutive >= kFail) {
      stages.push('RECOVERY_ENVIRONMENT');
      touches++;
      const restartsSoFar = boots.length + 1;
      if ((opts.onRecovery ?? 'restart') === 'restart' && restartsSoFar < maxRestarts) {
        note += `; ${consecutive} failed boots in a row: the recovery screen; a person restarts it`;
        consecutive = 0;
      } else {
        note += '; the recovery screen; a person does the manual fix';
        boots.push({ n, stages, contentAtInit: atInit, crashed: true, syncWon: false, bugcheck: d.bugcheck, note });
        manualSteps.push({ step: 'boot into Safe Mode or the Windows Recovery Environment', ok: true });
        if (opts.bitlocker) {
          const key = opts.keyAvailable ?? true;
          manualSteps.push({ step: key ? 'enter the BitLocker recovery key (looked up in the key escrow)' : 'enter the BitLocker recovery key: NOT AVAILABLE', ok: key });
          if (!key) {
            outcome = 'stuck';
            break;
          }
        }
        manualSteps.push({ step: 'delete C:\\Windows\\System32\\drivers\\CrowdStrike\\C-00000291*.sys', ok: true });
        manualSteps.push({ step: 'reboot', ok: true });
        onDisk = null;
        outcome = 'fixed_manually';
        continue;
      }
    }
    boots.push({ n, stages, contentAtInit: atInit, crashed: true, syncWon: false, bugcheck: d.bugcheck, note });
  }
  const finalContent = outcome === 'stuck' ? BAD_VERSION : onDisk;
  const summary = outcome === 'running' ? 'the host came up with good content'
    : outcome === 'self_healed' ? `self-healed after ${crashes} crash(es): the sync won on boot ${boots.length}` +
      (touches > 0 ? ` (a person restarted it from the recovery screen ${touches} time(s))` : '')
      : outcome === 'fixed_manually' ? `fixed by hand after ${crashes} crash(es) (${manualSteps.length} steps)`
        : `stuck after ${crashes} crash(es): the BitLocker recovery key is not available`;
  return { boots, crashes, outcome, manualSteps, manualTouches: touches, finalContent, summary };
}

export function formatBoot(b: BootResult): string {
  const out = b.boots.map((x) => `  boot ${String(x.n).padStart(2)}: ${x.stages.join(' -> ')}\n           ${x.note}`);
  if (b.manualSteps.length > 0) out.push('  manual fix:', ...b.manualSteps.map((s, i) => `    ${i + 1}. ${s.step}${s.ok ? '' : '  (stuck here)'}`));
  out.push(`  => ${b.summary}`);
  return out.join('\n');
}
