# type: socket_filter
# expect: reject pc=3
# kernel: reject pc=3 errno=EACCES
# kernel-message: variable ctx access var_off=(0x0; 0x4) disallowed
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a context access through a variable offset
r2 = *(u32 *)(r1 + 0)
r2 &= 4
r1 += r2
r0 = *(u32 *)(r1 + 48)
exit
