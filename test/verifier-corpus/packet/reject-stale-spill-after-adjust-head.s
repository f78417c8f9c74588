# type: xdp
# expect: reject pc=11
# kernel: reject pc=11 errno=EACCES
# kernel-message: R7 invalid mem access 'scalar'
# kernel-stats: processed=12 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=8
# what: a packet pointer spilled to the stack is invalidated by bpf_xdp_adjust_head as well:
#   filling it after the call gives a scalar
r6 = r1
r7 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r7
r4 += 8
r0 = 2
if r4 > r3 goto out
*(u64 *)(r10 - 8) = r7
r2 = 4
call 44
r7 = *(u64 *)(r10 - 8)
r0 = *(u8 *)(r7 + 0)
out:
exit
