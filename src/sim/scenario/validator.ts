// The simulated Content Validator, the static test corpus and the release gate (design B.b).
//
// The validator checks what the real one was described as checking: magic, CRC, opcodes,
// n_criteria == type_fields (against the Template Type DEFINITION: 21 == 21), pattern lengths. It
// does not compare with the 20 fields the sensor supplies. The test corpus has 12 static
// instances, all with a wildcard in field 21, run through the driver build of the interpreter.
// Two toggles fix it, each on its own: the validator uses the sensor's input count (RCA finding 4),
// and a test with a non-wildcard criterion in field 21 (RCA finding 3).

import { type Criterion, MAX_PATTERN, OP, type TemplateInstance, decode, encode } from './bcf1.js';
import { contentBytes, contentVersion, TYPE_FIELDS } from './content.js';
import { runContentDriver } from './driver.js';
import { DEFAULT_EVENT, type IpcEvent, sensorIntegration, templateTypeDefinition } from './ipc.js';

export interface ValidatorOptions {
  /** Fix toggle (RCA finding 4): reject criteria on fields the sensor does not supply. */
  fixValidator?: boolean;
}

export interface ValidationIssue {
  readonly offset: number;
  readonly message: string;
}

export interface ValidationResult {
  readonly ok: boolean;
  readonly issues: readonly ValidationIssue[];
  /** The field count the validator judged instances against. */
  readonly fieldsCheckedAgainst: number;
  readonly checks: readonly string[];
}

export function validateContent(bytes: Uint8Array, opts: ValidatorOptions = {}): ValidationResult {
  const definition = templateTypeDefinition().fields.length; // 21
  const supplied = sensorIntegration().suppliedFields.length; // 20
  const checks = ['magic', 'crc32', 'channel and template type', 'opcodes', `n_criteria == type_fields (${definition})`, 'pattern lengths'];
  if (opts.fixValidator) checks.push(`non-wildcard criteria only on supplied fields (#1-#${supplied})`);
  const d = decode(bytes);
  if (!d.ok) return { ok: false, issues: d.problems, fieldsCheckedAgainst: definition, checks };
  const f = d.value.file;
  const issues: ValidationIssue[] = [];
  if (f.channel !== 291) issues.push({ offset: 6, message: `channel ${f.channel}, expected 291` });
  if (f.templateType !== 1) issues.push({ offset: 0x0c, message: `template type ${f.templateType}, expected 1 (IPC)` });
  if (f.typeFields !== definition) issues.push({ offset: 0x0e, message: `type_fields ${f.typeFields}, the IPC Template Type defines ${definition}` });
  const isz = 8 + 16 * f.typeFields;
  f.instances.forEach((inst, k) => {
    const at = 32 + k * isz;
    if ((inst.nCriteria ?? inst.criteria.length) !== f.typeFields) {
      issues.push({ offset: at + 5, message: `instance 0x${inst.id.toString(16)}: n_criteria ${inst.nCriteria} != type_fields ${f.typeFields}` });
    }
    if (inst.action > 2) issues.push({ offset: at + 4, message: `instance 0x${inst.id.toString(16)}: unknown action ${inst.action}` });
    inst.criteria.forEach((c, i) => {
      const off = at + 8 + 16 * i;
      if (c.op > OP.CONTAINS) issues.push({ offset: off, message: `instance 0x${inst.id.toString(16)} criterion #${i + 1}: unknown opcode ${c.op}` });
      const len = c.len ?? c.pattern.length;
      if (c.op === OP.WILDCARD) {
        if (len !== 0) issues.push({ offset: off + 1, message: `instance 0x${inst.id.toString(16)} criterion #${i + 1}: a wildcard has pattern length ${len}` });
      } else if (len < 1 || len > MAX_PATTERN || len !== c.pattern.length) {
        issues.push({ offset: off + 1, message: `instance 0x${inst.id.toString(16)} criterion #${i + 1}: pattern length ${len} (pattern ${JSON.stringify(c.pattern)})` });
      }
      if (opts.fixValidator && c.op !== OP.WILDCARD && i >= supplied) {
        issues.push({
          offset: off,
          message: `instance 0x${inst.id.toString(16)} criterion #${i + 1} matches input field #${i + 1}; the sensor supplies ${supplied} fields (#1-#${supplied})`,
        });
      }
    });
  });
  return { ok: issues.length === 0, issues, fieldsCheckedAgainst: opts.fixValidator ? supplied : definition, checks };
}

// ---- the static test corpus ----

export interface ContentTest {
  readonly name: string;
  readonly instance: TemplateInstance;
  readonly event: IpcEvent;
  readonly expectMatch: boolean;
}

function testInstance(id: number, set: Record<number, Criterion>): TemplateInstance {
  const criteria: Criterion[] = [];
  for (let i = 0; i < TYPE_FIELDS; i++) criteria.push(set[i] ?? { op: OP.WILDCARD, pattern: '' });
  return { id, action: 1, criteria };
}

function ev(changes: Record<number, string>): IpcEvent {
  return DEFAULT_EVENT.map((s, i) => changes[i] ?? s);
}

const EQ = (p: string): Criterion => ({ op: OP.EQUALS, pattern: p });
const PRE = (p: string): Criterion => ({ op: OP.PREFIX, pattern: p });

/** The 12 static test instances of sensor 7.11's automated tests (number: RCA, secondary): all wildcard in field 21. */
export const STATIC_TESTS: readonly ContentTest[] = [
  { name: 'pipe name equals', instance: testInstance(0x101, { 0: EQ('msagent_01') }), event: ev({ 0: 'msagent_01' }), expectMatch: true },
  { name: 'pipe name prefix', instance: testInstance(0x102, { 0: PRE('postex_') }), event: ev({ 0: 'postex_1a2b' }), expectMatch: true },
  { name: 'pipe name prefix, no match', instance: testInstance(0x103, { 0: PRE('postex_') }), event: ev({}), expectMatch: false },
  { name: 'server image', instance: testInstance(0x104, { 1: EQ('svchost.exe') }), event: ev({ 1: 'svchost.exe' }), expectMatch: true },
  { name: 'client image', instance: testInstance(0x105, { 2: EQ('rundll32.exe') }), event: ev({ 2: 'rundll32.exe' }), expectMatch: true },
  { name: 'server user', instance: testInstance(0x106, { 5: EQ('SYSTEM') }), event: ev({ 5: 'SYSTEM' }), expectMatch: true },
  { name: 'access mask', instance: testInstance(0x107, { 9: EQ('0x12019f') }), event: ev({}), expectMatch: true },
  { name: 'remote flag, no match', instance: testInstance(0x108, { 13: EQ('1') }), event: ev({}), expectMatch: false },
  { name: 'client signer', instance: testInstance(0x109, { 17: EQ('unsigned') }), event: ev({ 17: 'unsigned' }), expectMatch: true },
  { name: 'time bucket prefix (field 20)', instance: testInstance(0x10a, { 19: PRE('t0') }), event: ev({}), expectMatch: true },
  { name: 'all wildcards', instance: testInstance(0x10b, {}), event: ev({}), expectMatch: true },
  { name: 'two fields', instance: testInstance(0x10c, { 0: PRE('status_'), 16: EQ('Microsoft') }), event: ev({ 0: 'status_7f', 16: 'Microsoft' }), expectMatch: true },
];

/** Fix toggle (RCA finding 3): a test with a non-wildcard criterion in field 21. */
export const FIELD21_TEST: ContentTest = {
  name: 'field 21 non-wildcard', instance: testInstance(0x10d, { 20: EQ('test') }), event: ev({}), expectMatch: false,
};

export interface TestRun {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

/** Runs one test: a channel file holding the test instance, evaluated by the driver build. */
export function runContentTest(t: ContentTest): TestRun {
  const bytes = encode({ formatVer: 1, channel: 291, contentVer: 0x07110000, templateType: 1, typeFields: TYPE_FIELDS, flags: 0, instances: [t.instance] });
  const r = runContentDriver(bytes, { event: t.event, contentLabel: `test instance 0x${t.instance.id.toString(16)}` });
  if (r.outcome !== 'ok') {
    return { name: t.name, passed: false, detail: `the interpreter crashed the test machine: ${r.bugcheck ? `STOP 0x${r.bugcheck.code.toString(16).toUpperCase()} ${r.bugcheck.name} at insn ${r.bugcheck.pc}` : r.outcome}` };
  }
  const matched = r.r0 === BigInt(t.instance.id);
  return {
    name: t.name, passed: matched === t.expectMatch,
    detail: matched === t.expectMatch ? (matched ? 'matched, as expected' : 'no match, as expected') : `expected ${t.expectMatch ? 'a match' : 'no match'}`,
  };
}

export interface ReleaseToggles {
  /** The validator judges against the sensor's 20 supplied fields (RCA finding 4). */
  fixValidator?: boolean;
  /** Add the field-21 non-wildcard test (RCA finding 3). */
  testField21?: boolean;
}

export interface ReleaseResult {
  readonly version: string;
  readonly tests: readonly TestRun[];
  readonly testsPassed: boolean;
  readonly validation: ValidationResult;
  readonly released: boolean;
  /** What stopped the release (empty: it shipped). */
  readonly caughtBy: readonly ('tests' | 'validator')[];
}

/** CI + validator for one content version, as the 2024 pipeline (plus the optional fixes). */
export function releaseGate(version: string, toggles: ReleaseToggles = {}): ReleaseResult {
  contentVersion(version);
  const tests = [...STATIC_TESTS, ...(toggles.testField21 ? [FIELD21_TEST] : [])].map(runContentTest);
  const testsPassed = tests.every((t) => t.passed);
  const validation = validateContent(contentBytes(version), { fixValidator: toggles.fixValidator ?? false });
  const caughtBy: ('tests' | 'validator')[] = [];
  if (!testsPassed) caughtBy.push('tests');
  if (!validation.ok) caughtBy.push('validator');
  return { version, tests, testsPassed, validation, released: caughtBy.length === 0, caughtBy };
}
