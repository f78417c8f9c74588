# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: a privileged loader (root, CAP_PERFMON) may read stack it never wrote; the value is an
#   unknown scalar (an unprivileged loader is refused)
r0 = *(u64 *)(r10 - 8)
exit
