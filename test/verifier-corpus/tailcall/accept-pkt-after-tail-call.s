# type: xdp
# maps: prog_array key=4 value=4 entries=4
# expect: accept
# kernel: accept
# kernel-stats: processed=15 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: packet pointers survive a bpf_tail_call that returns (it does not count as changing
#   packet data in the main program on Linux 6.18)
r6 = r1
r7 = *(u32 *)(r1 + 0)
r8 = *(u32 *)(r1 + 4)
r1 = r7
r1 += 14
if r1 > r8 goto out
r1 = r6
r2 = map_fd(0) ll
r3 = 0
call 12
r0 = *(u8 *)(r7 + 0)
out:
r0 = 2
exit
