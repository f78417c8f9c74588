# type: raw
# mem: 8
# expect: reject pc=0
# kernel: reject pc=0 errno=EACCES
# kernel-message: R3 !read_ok
# kernel-stats: processed=9 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: only R1 (memory), R2 (size) and R10 are set at entry
r0 = r3
exit
