# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=16 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: after bpf_xdp_adjust_head the program reloads data/data_end and checks again
r6 = r1
r2 = -4
call 44
if r0 != 0 goto drop
r2 = *(u32 *)(r6 + 0)
r3 = *(u32 *)(r6 + 4)
r4 = r2
r4 += 4
if r4 > r3 goto drop
*(u32 *)(r2 + 0) = 0
r0 = 2
exit
drop:
r0 = 1
exit
