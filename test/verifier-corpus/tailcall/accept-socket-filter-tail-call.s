# type: socket_filter
# maps: prog_array key=4 value=4 entries=4
# expect: accept
# kernel: accept
# kernel-stats: processed=5 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: socket filters may tail-call too
r2 = map_fd(0) ll
r3 = 0
call 12
r0 = 0
exit
