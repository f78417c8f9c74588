# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EACCES
# kernel-message: R2 pointer += pointer prohibited
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: pointer + pointer is never allowed
r2 = *(u32 *)(r1 + 0)
r2 += r1
r0 = 2
exit
