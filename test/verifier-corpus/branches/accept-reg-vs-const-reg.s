# type: xdp
# maps: hash key=4 value=64 entries=4
# expect: accept
# kernel: accept
# kernel-stats: processed=17 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=8
# what: a compare against a register holding a constant refines like an immediate
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r1 = *(u64 *)(r0 + 0)
r2 = 64
if r1 >= r2 goto out
r0 += r1
r0 = *(u8 *)(r0 + 0)
out:
r0 = 2
exit
