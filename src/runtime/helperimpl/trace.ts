// bpf_trace_printk (6) and bpf_trace_vprintk (177): formatted lines collected per run (the kernel
// writes them to the trace pipe). The formatting and its checks are in ../printk.ts.

import type { HelperContext, HelperFn } from '../../vm/helpers.js';
import { formatPrintk } from '../printk.js';
import { EINVAL } from './errno.js';

export const HELPER_TRACE_PRINTK = 6;
export const HELPER_TRACE_VPRINTK = 177;
/** bpf_trace_vprintk / bpf_snprintf argument limit (MAX_BPRINTF_VARARGS). */
export const MAX_BPRINTF_VARARGS = 12;

function readMemory(ctx: HelperContext) {
  return (address: bigint, size: number): Uint8Array | null => {
    const r = ctx.memory.read(address, size);
    return r instanceof Uint8Array ? r : null;
  };
}

function emit(ctx: HelperContext, out: string[], fmtSize: number, args: bigint[], maxArgs: number, name: string): void {
  const fmt = ctx.memory.read(ctx.arg(1), fmtSize);
  if (!(fmt instanceof Uint8Array)) return ctx.fault(fmt.code, `bpf_${name}: ${fmt.message}`);
  const r = formatPrintk(fmt, args, readMemory(ctx), maxArgs);
  if (!r.ok) return ctx.setReturn(-r.errno);
  // One trace event per call; its line ends at the text's own newline, if any.
  out.push(r.text.endsWith('\n') ? r.text.slice(0, -1) : r.text);
  ctx.setReturn(r.length);
}

/** bpf_trace_printk(fmt, fmt_size, arg1, arg2, arg3): appends the line to `out`, returns its length. */
export function tracePrintkHelper(out: string[]): HelperFn {
  return (ctx) => emit(ctx, out, ctx.argLo(2), [ctx.arg(3), ctx.arg(4), ctx.arg(5)], 3, 'trace_printk');
}

/** bpf_trace_vprintk(fmt, fmt_size, data, data_len): the arguments are u64s at `data`. */
export function traceVprintkHelper(out: string[]): HelperFn {
  return (ctx) => {
    const dataLen = ctx.argLo(4);
    if (dataLen % 8 !== 0 || dataLen > MAX_BPRINTF_VARARGS * 8 || (dataLen !== 0 && ctx.arg(3) === 0n)) {
      return ctx.setReturn(-EINVAL);
    }
    const args: bigint[] = [];
    if (dataLen > 0) {
      const data = ctx.memory.read(ctx.arg(3), dataLen);
      if (!(data instanceof Uint8Array)) return ctx.fault(data.code, `bpf_trace_vprintk: ${data.message}`);
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      for (let i = 0; i < dataLen; i += 8) args.push(view.getBigUint64(i, true));
    }
    emit(ctx, out, ctx.argLo(2), args, dataLen / 8, 'trace_vprintk');
  };
}
