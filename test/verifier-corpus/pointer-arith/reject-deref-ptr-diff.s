# type: xdp
# expect: reject pc=3
# kernel: reject pc=3 errno=EACCES
# kernel-message: R3 invalid mem access 'scalar'
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: the difference of two pointers is a scalar and cannot be dereferenced
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r3 -= r2
r0 = *(u8 *)(r3 + 0)
exit
