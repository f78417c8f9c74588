# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=8 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: bpf_xdp_adjust_meta (54) and bpf_xdp_adjust_tail (65) take the context and a delta
r6 = r1
r2 = -8
call 54
r1 = r6
r2 = -4
call 65
r0 = 2
exit
