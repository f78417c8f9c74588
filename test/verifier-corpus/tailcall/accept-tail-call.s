# type: xdp
# maps: prog_array key=4 value=4 entries=4
# expect: accept
# kernel: accept
# kernel-stats: processed=5 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: bpf_tail_call(ctx, prog_array, index); when it returns (no program at the index) the
#   program goes on
r2 = map_fd(0) ll
r3 = 1
call 12
r0 = 2
exit
