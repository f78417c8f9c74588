# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=10 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: the access sits on the taken branch of 'if data + 4 <= data_end'
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r2
r4 += 4
r0 = 2
if r4 <= r3 goto ok
exit
ok:
r0 = *(u32 *)(r2 + 0)
r0 = 2
exit
