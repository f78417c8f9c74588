# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=8 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=16
# what: bpf_xdp_load_bytes (189) copies packet bytes into an uninitialized stack buffer (an
#   uninit-mem argument: the helper writes it), which may then be read
r2 = 0
r3 = r10
r3 += -16
r4 = 16
call 189
r0 = *(u64 *)(r10 - 8)
r0 = 2
exit
