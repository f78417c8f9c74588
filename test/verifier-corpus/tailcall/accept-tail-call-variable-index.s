# type: xdp
# maps: prog_array key=4 value=4 entries=4
# expect: accept
# kernel: accept
# kernel-stats: processed=8 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: the index may be any value (out-of-range indices make the call return)
r6 = r1
call 7
r3 = r0
r1 = r6
r2 = map_fd(0) ll
call 12
r0 = 2
exit
