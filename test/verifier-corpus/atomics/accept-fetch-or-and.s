# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=6 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=16
# what: 64-bit fetch-or and fetch-and
*(u64 *)(r10 - 16) = 3
r1 = 4
r1 = atomic_fetch_or((u64 *)(r10 - 16), r1)
r1 = atomic_fetch_and((u64 *)(r10 - 16), r1)
r0 = r1
exit
