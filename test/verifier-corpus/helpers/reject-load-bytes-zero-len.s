# type: xdp
# expect: reject pc=4
# kernel: reject pc=4 errno=EACCES
# kernel-message: R4 invalid zero-sized read: u64=[0,0]
# kernel-stats: processed=5 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: bpf_xdp_load_bytes's length must be positive (ARG_CONST_SIZE); 0 is refused
r2 = 0
r3 = r10
r3 += -8
r4 = 0
call 189
r0 = 2
exit
