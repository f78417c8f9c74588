# type: xdp
# maps: prog_array key=4 value=4 entries=4
# expect: reject pc=4
# kernel: reject pc=4 errno=EACCES
# kernel-message: R0 !read_ok
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: bpf_tail_call returns nothing: R0 is uninitialized after it
r2 = map_fd(0) ll
r3 = 1
call 12
exit
