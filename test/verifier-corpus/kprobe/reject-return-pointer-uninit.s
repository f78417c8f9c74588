# type: kprobe
# expect: reject pc=0
# kernel: reject pc=0 errno=EACCES
# kernel-message: R0 !read_ok
# kernel-stats: processed=1 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: R0 must be set before exit
exit
