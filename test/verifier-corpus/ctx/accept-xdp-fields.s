# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=7 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: every field of struct xdp_md a plain XDP program may read, as u32
r2 = *(u32 *)(r1 + 0)
r2 = *(u32 *)(r1 + 4)
r2 = *(u32 *)(r1 + 8)
r2 = *(u32 *)(r1 + 12)
r2 = *(u32 *)(r1 + 16)
r0 = 2
exit
