# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=9 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=16
# what: a read through a stack pointer with a bounded variable offset (privileged loader)
*(u64 *)(r10 - 16) = 0
*(u64 *)(r10 - 8) = 0
r2 = *(u32 *)(r1 + 16)
r2 &= 7
r3 = r10
r3 += -16
r3 += r2
r0 = *(u8 *)(r3 + 0)
exit
