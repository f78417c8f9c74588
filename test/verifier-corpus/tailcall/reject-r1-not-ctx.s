# type: xdp
# maps: prog_array key=4 value=4 entries=4
# expect: reject pc=4
# kernel: reject pc=4 errno=EACCES
# kernel-message: R1 type=scalar expected=ctx
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: bpf_tail_call passes the context on: R1 must be it
r1 = 0
r2 = map_fd(0) ll
r3 = 1
call 12
r0 = 2
exit
