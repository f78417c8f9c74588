# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=6 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=24
# what: a stack pointer moved by constants stays a stack pointer with a known offset
r1 = r10
r1 += -32
r1 += 8
*(u64 *)(r1 + 0) = 1
r0 = *(u64 *)(r10 - 24)
exit
