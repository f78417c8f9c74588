// bpf_trace_printk's formatting (helper 6; also bpf_trace_vprintk, 177): the kernel's
// bpf_bprintf_prepare checks, then vsprintf-style output of the subset it accepts.
//
// Checks, as kernel/bpf/helpers.c bpf_bprintf_prepare (Linux 6.x): the format must hold a NUL
// within fmt_size; every character before it must be printable ASCII or white space; at most
// `maxArgs` conversions (3 for trace_printk); a conversion is % [flags 0 + - space]* [width] then
// one of: d i u x X with an optional l or ll; c; s; p alone (followed by the end, space or
// punctuation); pK px ps pS pB; pks pus; pi4 pI4 pi6 pI6. `%%` prints `%`. Anything else (a
// precision, `%lu` is fine but `%hd`, `%f`, `%n`, `%5` at the end...) is -EINVAL.
//
// Output as the kernel's vsprintf for those conversions: int-sized conversions take the low 32
// bits, `l` and `ll` all 64. Pointers: the kernel prints plain %p and %pK hashed (or zeros) and
// %px raw; bpfbox has no secret to hash with and prints all three as the raw address in 16 hex
// digits (documented deviation). %pB prints the address in hex (bpfbox has no symbols). %s, %pks,
// %pus read a NUL-terminated string of at most 511 bytes from the sandbox's memory; an address
// that cannot be read prints as an empty string, as the kernel's copy does.

import { EINVAL } from './helperimpl/errno.js';

/** Longest output the kernel formats (MAX_BPRINTF_BUF); the return value counts past it. */
export const MAX_BPRINTF_BUF = 1024;
/** trace_printk's argument limit (MAX_TRACE_PRINTK_VARARGS). */
export const MAX_TRACE_PRINTK_VARARGS = 3;
/** Per-string limit of %s (the kernel's shared 512-byte argument buffer less the NUL). */
const MAX_STRING = 511;

export type PrintkResult = { ok: true; text: string; length: number } | { ok: false; errno: number; message: string };

/** Reads guest memory for %s / %pI4: the bytes, or null when the address cannot be read. */
export type ReadMemory = (address: bigint, size: number) => Uint8Array | null;

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
/** C isspace: space, \t \n \v \f \r. */
const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);
/** C ispunct (ASCII): printable, not alphanumeric, not space. */
const isPunct = (c: number): boolean =>
  (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);

interface Spec {
  left: boolean;
  plus: boolean;
  space: boolean;
  zero: boolean;
  width: number;
}

function pad(body: string, spec: Spec, numeric: boolean): string {
  if (body.length >= spec.width) return body;
  const fill = spec.width - body.length;
  if (spec.left) return body + ' '.repeat(fill);
  if (spec.zero && numeric) {
    // Zeros go after a sign.
    const sign = body[0] === '-' || body[0] === '+' || body[0] === ' ' ? body[0] : '';
    return sign + '0'.repeat(fill) + body.slice(sign.length);
  }
  return ' '.repeat(fill) + body;
}

function readString(read: ReadMemory, address: bigint): string {
  let out = '';
  for (let i = 0; i < MAX_STRING; i++) {
    const b = read(address + BigInt(i), 1);
    if (!b) return ''; // the kernel's copy fails as a whole: an empty string
    if (b[0] === 0) return out;
    out += String.fromCharCode(b[0]!);
  }
  return out;
}

/**
 * Formats like bpf_trace_printk. `fmt` is the format memory (fmt_size bytes), `args` the raw
 * 64-bit arguments. On success `text` is the output (cut to 1023 characters as the kernel's
 * buffer) and `length` what the helper returns (the untruncated length, as vsnprintf).
 */
export function formatPrintk(fmt: Uint8Array, args: readonly bigint[], read: ReadMemory, maxArgs = MAX_TRACE_PRINTK_VARARGS): PrintkResult {
  const end = fmt.indexOf(0);
  if (end < 0) return { ok: false, errno: EINVAL, message: 'the format string has no terminating NUL within its size' };
  const bad = (message: string): PrintkResult => ({ ok: false, errno: EINVAL, message });
  const at = (i: number): number => (i < end ? fmt[i]! : 0);
  let out = '';
  let used = 0;
  for (let i = 0; i < end; i++) {
    const c = fmt[i]!;
    if ((!(c >= 0x20 && c <= 0x7e) && !isSpace(c)) || c > 0x7f) {
      return bad(`the format string holds a byte that is neither printable nor white space (0x${c.toString(16)} at ${i})`);
    }
    if (c !== 0x25) {
      out += String.fromCharCode(c);
      continue;
    }
    if (at(i + 1) === 0x25) {
      out += '%';
      i++;
      continue;
    }
    if (used >= maxArgs) return bad(`more than ${maxArgs} conversions in the format string`);
    const start = i;
    i++;
    const spec: Spec = { left: false, plus: false, space: false, zero: false, width: 0 };
    for (;;) {
      const f = at(i);
      if (f === 0x30) spec.zero = true;
      else if (f === 0x2b) spec.plus = true;
      else if (f === 0x2d) spec.left = true;
      else if (f === 0x20) spec.space = true;
      else break;
      i++;
    }
    if (at(i) >= 0x31 && at(i) <= 0x39) {
      let w = 0;
      while (isDigit(at(i))) {
        w = Math.min(w * 10 + (at(i) - 0x30), 4096);
        i++;
      }
      spec.width = w;
    }
    const arg = BigInt.asUintN(64, args[used] ?? 0n);
    const conv = at(i);
    if (conv === 0x70 /* p */) {
      const next = at(i + 1);
      const hex16 = arg.toString(16).padStart(16, '0');
      if (next === 0 || isSpace(next) || isPunct(next)) {
        out += pad(hex16, spec, false);
      } else if ((next === 0x6b || next === 0x75) && at(i + 2) === 0x73) {
        // %pks / %pus: a kernel or user string
        const after = at(i + 3);
        if (after !== 0 && !isSpace(after) && !isPunct(after)) return bad(`%p${String.fromCharCode(next)}s must be followed by the end, a space or punctuation`);
        out += pad(readString(read, arg), spec, false);
        i += 2;
      } else if (next === 0x4b || next === 0x78 || next === 0x73 || next === 0x53 || next === 0x42) {
        // %pK %px %ps %pS %pB: printed as the raw address (see the top of the file)
        out += pad(hex16, spec, false);
        i++;
      } else if ((next === 0x69 || next === 0x49) && (at(i + 2) === 0x34 || at(i + 2) === 0x36)) {
        const v6 = at(i + 2) === 0x36;
        const bytes = read(arg, v6 ? 16 : 4);
        let text: string;
        if (!bytes) text = '';
        else if (!v6) text = Array.from(bytes, (b) => (next === 0x69 ? String(b).padStart(3, '0') : String(b))).join('.');
        else {
          const groups: string[] = [];
          for (let k = 0; k < 16; k += 2) groups.push(((bytes[k]! << 8) | bytes[k + 1]!).toString(16).padStart(next === 0x69 ? 4 : 1, '0'));
          text = next === 0x69 ? groups.join('') : groups.join(':');
        }
        out += pad(text, spec, false);
        i += 2;
      } else {
        return bad(`unsupported pointer conversion %p${String.fromCharCode(next)} (only %p, %pK, %px, %ps, %pS, %pB, %pks, %pus, %pi4, %pI4, %pi6, %pI6)`);
      }
      used++;
      continue;
    }
    if (conv === 0x73 /* s */) {
      const after = at(i + 1);
      if (after !== 0 && !isSpace(after) && !isPunct(after)) return bad('%s must be followed by the end, a space or punctuation');
      out += pad(readString(read, arg), spec, false);
      used++;
      continue;
    }
    if (conv === 0x63 /* c */) {
      out += pad(String.fromCharCode(Number(arg & 0xffn)), spec, false);
      used++;
      continue;
    }
    let long = false;
    if (at(i) === 0x6c) {
      long = true;
      i++;
      if (at(i) === 0x6c) i++;
    }
    const k = at(i);
    if (k !== 0x69 && k !== 0x64 && k !== 0x75 && k !== 0x78 && k !== 0x58) {
      const shown = String.fromCharCode(...fmt.subarray(start, Math.min(i + 1, end)));
      return bad(`unsupported conversion "${shown}" (bpf_trace_printk takes %d %i %u %x %X with l/ll, %c, %s, %p forms, %%)`);
    }
    const bits = long ? 64 : 32;
    const v = BigInt.asUintN(bits, arg);
    let body: string;
    if (k === 0x64 || k === 0x69) {
      const sv = BigInt.asIntN(bits, v);
      body = sv < 0n ? sv.toString() : (spec.plus ? '+' : spec.space ? ' ' : '') + sv.toString();
    } else if (k === 0x75) body = v.toString();
    else if (k === 0x78) body = v.toString(16);
    else body = v.toString(16).toUpperCase();
    out += pad(body, spec, true);
    used++;
  }
  const length = out.length;
  return { ok: true, text: length > MAX_BPRINTF_BUF - 1 ? out.slice(0, MAX_BPRINTF_BUF - 1) : out, length };
}
