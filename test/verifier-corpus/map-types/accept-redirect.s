# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: bpf_redirect to an interface index
r1 = 1
r2 = 0
call 23
exit
