# type: xdp
# expect: reject pc=4
# kernel: reject pc=4 errno=EACCES
# kernel-message: R0 !read_ok
# kernel-stats: processed=7 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: R0 is written on one path only; the other path reaches the exit without it
r2 = *(u32 *)(r1 + 16)
if r2 == 0 goto +1
r0 = 1
r2 = 0
exit
