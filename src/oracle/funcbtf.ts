// The smallest BTF a program with subprograms needs in the kernel. The kernel insists on
// func_info (one BTF FUNC per function, at each function's first instruction) for some
// programs, e.g. those passing a callback to bpf_loop ("missing btf func_info"). bpfbox's
// loaded objects keep no raw BTF, so the oracle writes its own: an `int` type, a `void *`, one
// prototype `int (void *ctx)` and a FUNC of that prototype per function (the first one global,
// the rest static, whose arguments the kernel does not check against BTF).

const BTF_MAGIC = 0xeb9f;
const KIND_INT = 1;
const KIND_PTR = 2;
const KIND_FUNC = 12;
const KIND_FUNC_PROTO = 13;
const INT_SIGNED = 1;

export interface FuncBtf {
  /** raw BTF for BPF_BTF_LOAD */
  btf: Uint8Array;
  /** struct bpf_func_info records for BPF_PROG_LOAD, sorted by instruction */
  funcInfo: Uint8Array;
}

/** BTF and func_info for functions starting at the given slots (slot 0 = the program itself). */
export function funcBtf(functions: ReadonlyMap<number, string>): FuncBtf {
  const starts = [...functions.entries()].sort((a, b) => a[0] - b[0]);
  if (starts.length === 0 || starts[0]![0] !== 0) starts.unshift([0, 'prog']);
  const strings: number[] = [0];
  const str = (s: string): number => {
    const off = strings.length;
    for (const ch of Buffer.from(s, 'utf8')) strings.push(ch);
    strings.push(0);
    return off;
  };
  const words: number[] = [];
  const info = (kind: number, vlen: number) => ((kind << 24) | vlen) >>> 0;
  // 1: int
  words.push(str('int'), info(KIND_INT, 0), 4, ((INT_SIGNED << 24) | 32) >>> 0);
  // 2: void *
  words.push(0, info(KIND_PTR, 0), 0);
  // 3: int (void *ctx)
  words.push(0, info(KIND_FUNC_PROTO, 1), 1, str('ctx'), 2);
  // 4...: the functions (names must be C identifiers for the kernel)
  const seen = new Set<string>();
  const records: number[] = [];
  starts.forEach(([slot, name], i) => {
    let ident = name.replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-Za-z_]/.test(ident)) ident = `f_${ident}`;
    while (seen.has(ident)) ident = `${ident}_`;
    seen.add(ident);
    words.push(str(ident), info(KIND_FUNC, i === 0 ? 1 : 0), 3);
    records.push(slot, 4 + i);
  });
  const typeLen = words.length * 4;
  const strLen = strings.length;
  const btf = new Uint8Array(24 + typeLen + strLen);
  const v = new DataView(btf.buffer);
  v.setUint16(0, BTF_MAGIC, true);
  btf[2] = 1; // version
  btf[3] = 0; // flags
  v.setUint32(4, 24, true); // header length
  v.setUint32(8, 0, true); // type_off
  v.setUint32(12, typeLen, true);
  v.setUint32(16, typeLen, true); // str_off
  v.setUint32(20, strLen, true);
  words.forEach((w, i) => v.setUint32(24 + i * 4, w, true));
  btf.set(strings, 24 + typeLen);
  const funcInfo = new Uint8Array(records.length * 4);
  const f = new DataView(funcInfo.buffer);
  records.forEach((w, i) => f.setUint32(i * 4, w, true));
  return { btf, funcInfo };
}
