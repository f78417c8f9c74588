# type: socket_filter
# expect: reject pc=2
# kernel: reject pc=2 errno=EACCES
# kernel-message: R1 !read_ok
# kernel-stats: processed=3 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: BPF_LD_ABS is a call in disguise: R1-R5 are clobbered
r6 = r1
r0 = *(u8 *)skb[12]
r2 = *(u32 *)(r1 + 0)
exit
