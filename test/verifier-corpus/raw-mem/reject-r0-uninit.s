# type: raw
# mem: 8
# expect: reject pc=1
# kernel: reject pc=1 errno=EACCES
# kernel-message: R0 !read_ok
# kernel-stats: processed=10 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: raw programs start with R0 uninitialized too
r2 = 0
exit
