# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=5 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: bpf_xdp_get_buff_len (188) returns the packet's total length
call 188
if r0 > 1500 goto +1
r0 = 2
exit
