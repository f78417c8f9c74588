// The errno values map operations return (negated), with the kernel's numbers (asm-generic).

export const EPERM = 1;
export const ENOENT = 2;
export const E2BIG = 7;
export const EBADF = 9;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EEXIST = 17;
export const EINVAL = 22;
export const EOPNOTSUPP = 95;
/** Kernel-internal "operation not supported" (what ringbuf maps answer to lookup/update/delete). */
export const ENOTSUPP = 524;

const NAMES = new Map<number, string>([
  [EPERM, 'EPERM'], [ENOENT, 'ENOENT'], [E2BIG, 'E2BIG'], [EBADF, 'EBADF'], [EAGAIN, 'EAGAIN'],
  [ENOMEM, 'ENOMEM'], [EEXIST, 'EEXIST'], [EINVAL, 'EINVAL'], [EOPNOTSUPP, 'EOPNOTSUPP'], [ENOTSUPP, 'ENOTSUPP'],
]);

/** `-17` or `17` -> `EEXIST`; unknown numbers as `errno N`. */
export function errnoName(err: number): string {
  const n = Math.abs(err);
  return NAMES.get(n) ?? `errno ${n}`;
}

/** Update flags (BPF_MAP_UPDATE_ELEM / bpf_map_update_elem). */
export const BPF_ANY = 0;
export const BPF_NOEXIST = 1;
export const BPF_EXIST = 2;
export const BPF_F_LOCK = 4;

/** Ring buffer helper flags. */
export const BPF_RB_NO_WAKEUP = 1;
export const BPF_RB_FORCE_WAKEUP = 2;
/** bpf_ringbuf_query flags. */
export const BPF_RB_AVAIL_DATA = 0;
export const BPF_RB_RING_SIZE = 1;
export const BPF_RB_CONS_POS = 2;
export const BPF_RB_PROD_POS = 3;
