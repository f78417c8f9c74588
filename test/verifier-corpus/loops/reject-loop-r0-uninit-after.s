# type: xdp
# expect: reject pc=5
# kernel: reject pc=5 errno=EACCES
# kernel-message: R0 !read_ok
# kernel-stats: processed=12 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: a bounded loop that never writes R0 before the exit
r1 = 0
loop:
r2 = r1
r1 += 1
if r1 < 3 goto loop
r2 = 0
exit
