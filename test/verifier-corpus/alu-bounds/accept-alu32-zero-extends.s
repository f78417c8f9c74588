# type: xdp
# maps: hash key=4 value=64 entries=4
# expect: accept
# kernel: accept
# kernel-stats: processed=16 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=8
# what: a 32-bit ALU op clears the upper half: w1 &= 63 bounds the full 64-bit r1 even though r1
#   was an unknown 64-bit value
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r6 = r0
call 5
r1 = r0
w1 &= 63
r6 += r1
r0 = *(u8 *)(r6 + 0)
out:
r0 = 2
exit
