# type: kprobe
# expect: accept
# kernel: accept
# kernel-stats: processed=3 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: read the first argument register (pt_regs->di, offset 112)
r0 = *(u64 *)(r1 + 112)
r0 = 0
exit
