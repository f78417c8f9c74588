# type: xdp
# expect: reject pc=3
# kernel: reject pc=3 errno=EACCES
# kernel-message: invalid write to stack R10 off=8 size=8
# kernel-stats: processed=3 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0+0
# what: a callee cannot reach its caller's frame through its own R10 (r10 + 8 is outside)
call f
exit
f:
r0 = 0
*(u64 *)(r10 + 8) = r0
exit
