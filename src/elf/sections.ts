// Which program type a section name selects, as libbpf's section table does (SEC("xdp"),
// SEC("kprobe/..."), ...), with the kernel's enum bpf_prog_type and enum bpf_attach_type numbers
// (include/uapi/linux/bpf.h). Old objects use names libbpf no longer guesses ("socket1", "xdp1",
// "from-netdev"): the libbpf < 1.0 prefix rule covers the first kind; the rest stay 'unspec'.

export const PROG_TYPE_IDS = {
  unspec: 0, socket_filter: 1, kprobe: 2, sched_cls: 3, sched_act: 4, tracepoint: 5, xdp: 6, perf_event: 7,
  cgroup_skb: 8, cgroup_sock: 9, lwt_in: 10, lwt_out: 11, lwt_xmit: 12, sock_ops: 13, sk_skb: 14,
  cgroup_device: 15, sk_msg: 16, raw_tracepoint: 17, cgroup_sock_addr: 18, lwt_seg6local: 19, lirc_mode2: 20,
  sk_reuseport: 21, flow_dissector: 22, cgroup_sysctl: 23, raw_tracepoint_writable: 24, cgroup_sockopt: 25,
  tracing: 26, struct_ops: 27, ext: 28, lsm: 29, sk_lookup: 30, syscall: 31, netfilter: 32,
} as const;

export type KernelProgType = keyof typeof PROG_TYPE_IDS;

/** enum bpf_attach_type values the section table uses. */
export const ATTACH = {
  NONE: 0,
  CGROUP_INET_INGRESS: 0, CGROUP_INET_EGRESS: 1, CGROUP_INET_SOCK_CREATE: 2, CGROUP_SOCK_OPS: 3,
  SK_SKB_STREAM_PARSER: 4, SK_SKB_STREAM_VERDICT: 5, CGROUP_DEVICE: 6, SK_MSG_VERDICT: 7,
  CGROUP_INET4_BIND: 8, CGROUP_INET6_BIND: 9, CGROUP_INET4_CONNECT: 10, CGROUP_INET6_CONNECT: 11,
  CGROUP_INET4_POST_BIND: 12, CGROUP_INET6_POST_BIND: 13, CGROUP_UDP4_SENDMSG: 14, CGROUP_UDP6_SENDMSG: 15,
  LIRC_MODE2: 16, FLOW_DISSECTOR: 17, CGROUP_SYSCTL: 18, CGROUP_UDP4_RECVMSG: 19, CGROUP_UDP6_RECVMSG: 20,
  CGROUP_GETSOCKOPT: 21, CGROUP_SETSOCKOPT: 22, TRACE_RAW_TP: 23, TRACE_FENTRY: 24, TRACE_FEXIT: 25,
  MODIFY_RETURN: 26, LSM_MAC: 27, TRACE_ITER: 28, CGROUP_INET4_GETPEERNAME: 29, CGROUP_INET6_GETPEERNAME: 30,
  CGROUP_INET4_GETSOCKNAME: 31, CGROUP_INET6_GETSOCKNAME: 32, XDP_DEVMAP: 33, CGROUP_INET_SOCK_RELEASE: 34,
  XDP_CPUMAP: 35, SK_LOOKUP: 36, XDP: 37, SK_REUSEPORT_SELECT: 39, SK_REUSEPORT_SELECT_OR_MIGRATE: 40,
  TRACE_KPROBE_MULTI: 42, LSM_CGROUP: 43, TCX_INGRESS: 46, TCX_EGRESS: 47, TRACE_UPROBE_MULTI: 48,
} as const;

/**
 * `name` matches exactly; `name+` matches `name` or `name/...`; `name/` matches `name/...` only
 * (libbpf's sec_def_matches rules).
 */
interface SecDef {
  readonly sec: string;
  readonly type: KernelProgType;
  readonly attach: number;
}

const D = (sec: string, type: KernelProgType, attach: number = ATTACH.NONE): SecDef => ({ sec, type, attach });

/** Order matters: the first match wins (longer, more specific names first, as in libbpf). */
const SECTION_DEFS: readonly SecDef[] = [
  D('socket+', 'socket_filter'),
  D('sk_reuseport/migrate', 'sk_reuseport', ATTACH.SK_REUSEPORT_SELECT_OR_MIGRATE),
  D('sk_reuseport', 'sk_reuseport', ATTACH.SK_REUSEPORT_SELECT),
  D('kprobe.multi+', 'kprobe', ATTACH.TRACE_KPROBE_MULTI),
  D('kretprobe.multi+', 'kprobe', ATTACH.TRACE_KPROBE_MULTI),
  D('uprobe.multi+', 'kprobe', ATTACH.TRACE_UPROBE_MULTI),
  D('uretprobe.multi+', 'kprobe', ATTACH.TRACE_UPROBE_MULTI),
  D('kprobe+', 'kprobe'), D('uprobe+', 'kprobe'), D('uprobe.s+', 'kprobe'),
  D('kretprobe+', 'kprobe'), D('uretprobe+', 'kprobe'), D('uretprobe.s+', 'kprobe'),
  D('ksyscall+', 'kprobe'), D('kretsyscall+', 'kprobe'), D('usdt+', 'kprobe'),
  D('tc/ingress', 'sched_cls', ATTACH.TCX_INGRESS), D('tc/egress', 'sched_cls', ATTACH.TCX_EGRESS),
  D('tcx/ingress', 'sched_cls', ATTACH.TCX_INGRESS), D('tcx/egress', 'sched_cls', ATTACH.TCX_EGRESS),
  // libbpf matches "tc" exactly; cilium's loader (and bpfbox) also take "tc/<anything>".
  D('tc+', 'sched_cls'), D('classifier+', 'sched_cls'), D('action+', 'sched_act'),
  D('tracepoint+', 'tracepoint'), D('tp+', 'tracepoint'),
  D('raw_tracepoint+', 'raw_tracepoint'), D('raw_tp+', 'raw_tracepoint'),
  D('raw_tracepoint.w+', 'raw_tracepoint_writable'), D('raw_tp.w+', 'raw_tracepoint_writable'),
  D('tp_btf+', 'tracing', ATTACH.TRACE_RAW_TP),
  D('fentry+', 'tracing', ATTACH.TRACE_FENTRY), D('fmod_ret+', 'tracing', ATTACH.MODIFY_RETURN),
  D('fexit+', 'tracing', ATTACH.TRACE_FEXIT), D('fentry.s+', 'tracing', ATTACH.TRACE_FENTRY),
  D('fmod_ret.s+', 'tracing', ATTACH.MODIFY_RETURN), D('fexit.s+', 'tracing', ATTACH.TRACE_FEXIT),
  D('freplace+', 'ext'), D('lsm+', 'lsm', ATTACH.LSM_MAC), D('lsm.s+', 'lsm', ATTACH.LSM_MAC),
  D('lsm_cgroup+', 'lsm', ATTACH.LSM_CGROUP), D('iter+', 'tracing', ATTACH.TRACE_ITER),
  D('iter.s+', 'tracing', ATTACH.TRACE_ITER), D('syscall', 'syscall'),
  D('xdp.frags/devmap', 'xdp', ATTACH.XDP_DEVMAP), D('xdp/devmap', 'xdp', ATTACH.XDP_DEVMAP),
  D('xdp.frags/cpumap', 'xdp', ATTACH.XDP_CPUMAP), D('xdp/cpumap', 'xdp', ATTACH.XDP_CPUMAP),
  D('xdp.frags+', 'xdp', ATTACH.XDP),
  // libbpf matches "xdp" exactly; multi-stage loaders (cilium) use "xdp/<stage>".
  D('xdp+', 'xdp', ATTACH.XDP),
  D('perf_event', 'perf_event'),
  D('lwt_in', 'lwt_in'), D('lwt_out', 'lwt_out'), D('lwt_xmit', 'lwt_xmit'), D('lwt_seg6local', 'lwt_seg6local'),
  D('sockops', 'sock_ops', ATTACH.CGROUP_SOCK_OPS),
  D('sk_skb/stream_parser', 'sk_skb', ATTACH.SK_SKB_STREAM_PARSER),
  D('sk_skb/stream_verdict', 'sk_skb', ATTACH.SK_SKB_STREAM_VERDICT),
  D('sk_skb', 'sk_skb'), D('sk_msg', 'sk_msg', ATTACH.SK_MSG_VERDICT),
  D('lirc_mode2', 'lirc_mode2', ATTACH.LIRC_MODE2), D('flow_dissector', 'flow_dissector', ATTACH.FLOW_DISSECTOR),
  D('cgroup_skb/ingress', 'cgroup_skb', ATTACH.CGROUP_INET_INGRESS),
  D('cgroup_skb/egress', 'cgroup_skb', ATTACH.CGROUP_INET_EGRESS),
  D('cgroup/skb', 'cgroup_skb'),
  D('cgroup/sock_create', 'cgroup_sock', ATTACH.CGROUP_INET_SOCK_CREATE),
  D('cgroup/sock_release', 'cgroup_sock', ATTACH.CGROUP_INET_SOCK_RELEASE),
  D('cgroup/sock', 'cgroup_sock', ATTACH.CGROUP_INET_SOCK_CREATE),
  D('cgroup/post_bind4', 'cgroup_sock', ATTACH.CGROUP_INET4_POST_BIND),
  D('cgroup/post_bind6', 'cgroup_sock', ATTACH.CGROUP_INET6_POST_BIND),
  D('cgroup/bind4', 'cgroup_sock_addr', ATTACH.CGROUP_INET4_BIND),
  D('cgroup/bind6', 'cgroup_sock_addr', ATTACH.CGROUP_INET6_BIND),
  D('cgroup/connect4', 'cgroup_sock_addr', ATTACH.CGROUP_INET4_CONNECT),
  D('cgroup/connect6', 'cgroup_sock_addr', ATTACH.CGROUP_INET6_CONNECT),
  D('cgroup/sendmsg4', 'cgroup_sock_addr', ATTACH.CGROUP_UDP4_SENDMSG),
  D('cgroup/sendmsg6', 'cgroup_sock_addr', ATTACH.CGROUP_UDP6_SENDMSG),
  D('cgroup/recvmsg4', 'cgroup_sock_addr', ATTACH.CGROUP_UDP4_RECVMSG),
  D('cgroup/recvmsg6', 'cgroup_sock_addr', ATTACH.CGROUP_UDP6_RECVMSG),
  D('cgroup/getpeername4', 'cgroup_sock_addr', ATTACH.CGROUP_INET4_GETPEERNAME),
  D('cgroup/getpeername6', 'cgroup_sock_addr', ATTACH.CGROUP_INET6_GETPEERNAME),
  D('cgroup/getsockname4', 'cgroup_sock_addr', ATTACH.CGROUP_INET4_GETSOCKNAME),
  D('cgroup/getsockname6', 'cgroup_sock_addr', ATTACH.CGROUP_INET6_GETSOCKNAME),
  D('cgroup/sysctl', 'cgroup_sysctl', ATTACH.CGROUP_SYSCTL),
  D('cgroup/getsockopt', 'cgroup_sockopt', ATTACH.CGROUP_GETSOCKOPT),
  D('cgroup/setsockopt', 'cgroup_sockopt', ATTACH.CGROUP_SETSOCKOPT),
  D('cgroup/dev', 'cgroup_device', ATTACH.CGROUP_DEVICE),
  D('struct_ops+', 'struct_ops'), D('struct_ops.s+', 'struct_ops'),
  D('sk_lookup', 'sk_lookup', ATTACH.SK_LOOKUP), D('netfilter', 'netfilter'),
];

function matches(def: string, name: string): boolean {
  if (def.endsWith('/')) return name.startsWith(def);
  if (def.endsWith('+')) {
    const base = def.slice(0, -1);
    return name === base || name.startsWith(base + '/');
  }
  return name === def;
}

export interface SectionProgType {
  readonly kernelType: KernelProgType;
  readonly kernelTypeId: number;
  readonly expectedAttachType: number;
  /** How the type was found: libbpf's table, the old prefix rule, or not at all. */
  readonly how: 'table' | 'prefix' | 'unknown';
}

/** Old libbpf (< 1.0) and samples/bpf matched any section starting with these names. */
const SLOPPY_PREFIXES: readonly SecDef[] = [
  D('socket', 'socket_filter'), D('kprobe', 'kprobe'), D('kretprobe', 'kprobe'), D('tracepoint', 'tracepoint'),
  D('raw_tracepoint', 'raw_tracepoint'), D('xdp', 'xdp', ATTACH.XDP), D('perf_event', 'perf_event'),
  D('classifier', 'sched_cls'), D('action', 'sched_act'), D('cgroup_skb', 'cgroup_skb'), D('sockops', 'sock_ops', ATTACH.CGROUP_SOCK_OPS),
  D('sk_skb', 'sk_skb'), D('sk_msg', 'sk_msg', ATTACH.SK_MSG_VERDICT), D('lwt_in', 'lwt_in'), D('lwt_out', 'lwt_out'),
  D('lwt_xmit', 'lwt_xmit'),
];

/** The program type a section name selects. */
export function progTypeOfSection(name: string): SectionProgType {
  const hit = SECTION_DEFS.find((d) => matches(d.sec, name));
  if (hit) return { kernelType: hit.type, kernelTypeId: PROG_TYPE_IDS[hit.type], expectedAttachType: hit.attach, how: 'table' };
  const old = SLOPPY_PREFIXES.find((d) => name.startsWith(d.sec));
  if (old) return { kernelType: old.type, kernelTypeId: PROG_TYPE_IDS[old.type], expectedAttachType: old.attach, how: 'prefix' };
  return { kernelType: 'unspec', kernelTypeId: 0, expectedAttachType: 0, how: 'unknown' };
}

/** The bpfbox program type (run/verify) for a kernel type, or null when bpfbox cannot run it yet. */
export function bpfboxTypeOf(kernelType: string): 'xdp' | 'socket_filter' | 'kprobe' | null {
  if (kernelType === 'xdp' || kernelType === 'socket_filter' || kernelType === 'kprobe') return kernelType;
  return null;
}
