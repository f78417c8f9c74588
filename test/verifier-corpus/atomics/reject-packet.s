# type: xdp
# expect: reject pc=7
# kernel: reject pc=7 errno=EACCES
# kernel-message: BPF_ATOMIC stores into R2 pkt is not allowed
# kernel-stats: processed=8 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: atomic operations on packet memory are not allowed, even within the proven range
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r2
r4 += 8
r0 = 2
if r4 > r3 goto out
r5 = 1
lock *(u64 *)(r2 + 0) += r5
out:
exit
