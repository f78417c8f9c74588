# type: xdp
# expect: reject pc=10
# kernel: reject pc=10 errno=EACCES
# kernel-message: R7 invalid mem access 'scalar'
# kernel-stats: processed=11 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: bpf_xdp_adjust_head (44) invalidates every packet pointer; the old r7 is used after it
r6 = r1
r7 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r7
r4 += 8
r0 = 2
if r4 > r3 goto out
r1 = r6
r2 = 4
call 44
r0 = *(u8 *)(r7 + 0)
out:
exit
