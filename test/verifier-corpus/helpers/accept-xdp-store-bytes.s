# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=8 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: bpf_xdp_store_bytes (190) writes from an initialized stack buffer into the packet
*(u64 *)(r10 - 8) = 0
r2 = 6
r3 = r10
r3 += -8
r4 = 6
call 190
r0 = 2
exit
