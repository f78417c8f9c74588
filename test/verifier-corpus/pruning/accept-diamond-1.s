# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=10 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: one diamond (the jump skips insn 3): both paths are walked to the exit,
#   since the kernel stores no checkpoint at insn 4 so early (it adds one at a prune point only
#   after 2 jumps and 8 instructions since the last)
r6 = *(u32 *)(r1 + 16)
r0 = 2
if r6 & 1 goto +1
r7 = 1
r7 = 0
r0 = 2
exit
