// Helper prototypes: one table shared by the verifier (argument and return checking) and, later,
// the interpreter. Ids, names and argument kinds follow include/uapi/linux/bpf.h and the kernel's
// bpf_func_proto declarations for each helper.

/** Argument kinds, named after the kernel's `enum bpf_arg_type`. */
export type HelperArg =
  | 'anything' // ARG_ANYTHING: any initialized value (no pointer leaks when unprivileged)
  | 'const_map_ptr' // ARG_CONST_MAP_PTR
  | 'map_key' // ARG_PTR_TO_MAP_KEY: initialized memory of the map's key_size
  | 'map_value' // ARG_PTR_TO_MAP_VALUE: initialized memory of the map's value_size
  | 'ptr_to_ctx' // ARG_PTR_TO_CTX
  | 'mem_rdonly' // ARG_PTR_TO_MEM | MEM_RDONLY: initialized memory, size in the next argument
  | 'mem_or_null_rdonly' // ARG_PTR_TO_MEM | PTR_MAYBE_NULL | MEM_RDONLY
  | 'mem_uninit' // ARG_PTR_TO_UNINIT_MEM: memory the helper writes, size in the next argument
  | 'const_size' // ARG_CONST_SIZE: size of the previous memory argument, > 0
  | 'const_size_or_zero' // ARG_CONST_SIZE_OR_ZERO
  | 'map_value_uninit' // ARG_PTR_TO_MAP_VALUE | MEM_UNINIT | MEM_WRITE: value_size bytes the helper writes
  | 'const_alloc_size_or_zero' // ARG_CONST_ALLOC_SIZE_OR_ZERO: a constant size of memory the helper returns
  | 'ringbuf_mem_release' // ARG_PTR_TO_RINGBUF_MEM | OBJ_RELEASE: a pointer from ringbuf_reserve, released
  | 'func' // ARG_PTR_TO_FUNC: a callback (lddw src=4, BPF_PSEUDO_FUNC)
  | 'stack_or_null'; // ARG_PTR_TO_STACK_OR_NULL: a stack pointer or NULL (callback context)

/**
 * Return kinds (`enum bpf_return_type`): `void` leaves R0 uninitialized; `ringbuf_mem_or_null`
 * (RET_PTR_TO_MEM | MEM_RINGBUF | PTR_MAYBE_NULL) is memory of the constant size argument that
 * the program must release (OBJ_RELEASE argument of submit/discard) before it exits.
 */
export type HelperRet = 'integer' | 'void' | 'map_value_or_null' | 'ringbuf_mem_or_null';

export interface HelperProto {
  readonly id: number;
  /** Kernel name without the `bpf_` prefix, e.g. `map_lookup_elem`. */
  readonly name: string;
  readonly args: readonly HelperArg[];
  readonly ret: HelperRet;
  /** The helper may move or resize the packet: every packet pointer is invalidated after it. */
  readonly changesPktData?: boolean;
  /** Kernel `gpl_only` flag (informational; bpfbox does not model licences). */
  readonly gplOnly?: boolean;
  /** A callback argument (bpf_loop): the callback's R1 is the iteration index, R2 the context. */
  readonly callback?: 'loop';
}

const P = (p: HelperProto): HelperProto => Object.freeze(p);

/** Every helper bpfbox knows, by id. */
export const HELPER_PROTOS: ReadonlyMap<number, HelperProto> = new Map(
  [
    P({ id: 1, name: 'map_lookup_elem', args: ['const_map_ptr', 'map_key'], ret: 'map_value_or_null' }),
    P({ id: 2, name: 'map_update_elem', args: ['const_map_ptr', 'map_key', 'map_value', 'anything'], ret: 'integer' }),
    P({ id: 3, name: 'map_delete_elem', args: ['const_map_ptr', 'map_key'], ret: 'integer' }),
    P({ id: 5, name: 'ktime_get_ns', args: [], ret: 'integer' }),
    P({ id: 6, name: 'trace_printk', args: ['mem_rdonly', 'const_size'], ret: 'integer', gplOnly: true }),
    P({ id: 7, name: 'get_prandom_u32', args: [], ret: 'integer' }),
    P({ id: 8, name: 'get_smp_processor_id', args: [], ret: 'integer' }),
    P({ id: 4, name: 'probe_read', args: ['mem_uninit', 'const_size_or_zero', 'anything'], ret: 'integer', gplOnly: true }),
    P({ id: 12, name: 'tail_call', args: ['ptr_to_ctx', 'const_map_ptr', 'anything'], ret: 'void' }),
    P({ id: 14, name: 'get_current_pid_tgid', args: [], ret: 'integer' }),
    P({ id: 15, name: 'get_current_uid_gid', args: [], ret: 'integer' }),
    P({ id: 16, name: 'get_current_comm', args: ['mem_uninit', 'const_size'], ret: 'integer' }),
    P({ id: 23, name: 'redirect', args: ['anything', 'anything'], ret: 'integer' }),
    P({ id: 26, name: 'skb_load_bytes', args: ['ptr_to_ctx', 'anything', 'mem_uninit', 'const_size'], ret: 'integer' }),
    P({ id: 27, name: 'get_stackid', args: ['ptr_to_ctx', 'const_map_ptr', 'anything'], ret: 'integer', gplOnly: true }),
    P({ id: 35, name: 'get_current_task', args: [], ret: 'integer', gplOnly: true }),
    P({ id: 45, name: 'probe_read_str', args: ['mem_uninit', 'const_size_or_zero', 'anything'], ret: 'integer', gplOnly: true }),
    P({ id: 46, name: 'get_socket_cookie', args: ['ptr_to_ctx'], ret: 'integer' }),
    P({ id: 47, name: 'get_socket_uid', args: ['ptr_to_ctx'], ret: 'integer' }),
    P({ id: 67, name: 'get_stack', args: ['ptr_to_ctx', 'mem_uninit', 'const_size_or_zero', 'anything'], ret: 'integer', gplOnly: true }),
    P({ id: 69, name: 'fib_lookup', args: ['ptr_to_ctx', 'mem_rdonly', 'const_size', 'anything'], ret: 'integer', gplOnly: true }),
    P({
      id: 25, name: 'perf_event_output',
      args: ['ptr_to_ctx', 'const_map_ptr', 'anything', 'mem_rdonly', 'const_size_or_zero'], ret: 'integer', gplOnly: true,
    }),
    P({
      id: 28, name: 'csum_diff',
      args: ['mem_or_null_rdonly', 'const_size_or_zero', 'mem_or_null_rdonly', 'const_size_or_zero', 'anything'],
      ret: 'integer',
    }),
    P({ id: 44, name: 'xdp_adjust_head', args: ['ptr_to_ctx', 'anything'], ret: 'integer', changesPktData: true }),
    P({ id: 51, name: 'redirect_map', args: ['const_map_ptr', 'anything', 'anything'], ret: 'integer' }),
    P({ id: 54, name: 'xdp_adjust_meta', args: ['ptr_to_ctx', 'anything'], ret: 'integer', changesPktData: true }),
    P({ id: 65, name: 'xdp_adjust_tail', args: ['ptr_to_ctx', 'anything'], ret: 'integer', changesPktData: true }),
    P({ id: 87, name: 'map_push_elem', args: ['const_map_ptr', 'map_value', 'anything'], ret: 'integer' }),
    P({ id: 88, name: 'map_pop_elem', args: ['const_map_ptr', 'map_value_uninit'], ret: 'integer' }),
    P({ id: 89, name: 'map_peek_elem', args: ['const_map_ptr', 'map_value_uninit'], ret: 'integer' }),
    P({ id: 112, name: 'probe_read_user', args: ['mem_uninit', 'const_size_or_zero', 'anything'], ret: 'integer', gplOnly: true }),
    P({ id: 113, name: 'probe_read_kernel', args: ['mem_uninit', 'const_size_or_zero', 'anything'], ret: 'integer', gplOnly: true }),
    P({ id: 114, name: 'probe_read_user_str', args: ['mem_uninit', 'const_size_or_zero', 'anything'], ret: 'integer', gplOnly: true }),
    P({ id: 115, name: 'probe_read_kernel_str', args: ['mem_uninit', 'const_size_or_zero', 'anything'], ret: 'integer', gplOnly: true }),
    P({ id: 125, name: 'ktime_get_boot_ns', args: [], ret: 'integer' }),
    P({ id: 130, name: 'ringbuf_output', args: ['const_map_ptr', 'mem_rdonly', 'const_size_or_zero', 'anything'], ret: 'integer' }),
    P({ id: 131, name: 'ringbuf_reserve', args: ['const_map_ptr', 'const_alloc_size_or_zero', 'anything'], ret: 'ringbuf_mem_or_null' }),
    P({ id: 132, name: 'ringbuf_submit', args: ['ringbuf_mem_release', 'anything'], ret: 'void' }),
    P({ id: 133, name: 'ringbuf_discard', args: ['ringbuf_mem_release', 'anything'], ret: 'void' }),
    P({ id: 134, name: 'ringbuf_query', args: ['const_map_ptr', 'anything'], ret: 'integer' }),
    P({ id: 160, name: 'ktime_get_coarse_ns', args: [], ret: 'integer' }),
    P({
      id: 177, name: 'trace_vprintk',
      args: ['mem_rdonly', 'const_size', 'mem_or_null_rdonly', 'const_size_or_zero'], ret: 'integer', gplOnly: true,
    }),
    P({ id: 181, name: 'loop', args: ['anything', 'func', 'stack_or_null', 'anything'], ret: 'integer', callback: 'loop' }),
    P({ id: 188, name: 'xdp_get_buff_len', args: ['ptr_to_ctx'], ret: 'integer' }),
    P({ id: 189, name: 'xdp_load_bytes', args: ['ptr_to_ctx', 'anything', 'mem_uninit', 'const_size'], ret: 'integer' }),
    P({ id: 190, name: 'xdp_store_bytes', args: ['ptr_to_ctx', 'anything', 'mem_rdonly', 'const_size'], ret: 'integer' }),
  ].map((p) => [p.id, p]),
);

export function helperProto(id: number): HelperProto | undefined {
  return HELPER_PROTOS.get(id);
}

/** `bpf_map_lookup_elem#1`, as the kernel prints calls in its log. */
export function helperLogName(id: number): string {
  const p = HELPER_PROTOS.get(id);
  return p ? `bpf_${p.name}#${id}` : `unknown#${id}`;
}

/** Maps handed to the verifier and the runtime: see ./maps/def.ts. */
export type { MapDef, MapType } from './maps/def.js';
