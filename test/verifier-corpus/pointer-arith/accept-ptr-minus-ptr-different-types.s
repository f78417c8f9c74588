# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=5 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: privileged: even pointers of different types (stack - ctx) may be subtracted; the result
#   is an unknown scalar
r2 = r10
r2 -= r1
r0 = r2
r0 = 2
exit
