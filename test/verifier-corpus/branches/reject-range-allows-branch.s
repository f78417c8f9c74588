# type: xdp
# expect: reject pc=5
# kernel: reject pc=5 errno=EACCES
# kernel-message: invalid bpf_context access off=64 size=4
# kernel-stats: processed=6 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: x & 15 may exceed 7, so the branch to the invalid context read is walked
r2 = *(u32 *)(r1 + 16)
r2 &= 15
if r2 > 7 goto bad
r0 = 2
exit
bad:
r0 = *(u32 *)(r1 + 64)
exit
