# type: socket_filter
# expect: reject pc=1
# kernel: reject pc=1 errno=EACCES
# kernel-message: R7 !read_ok
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: BPF_LD_IND's index register is uninitialized
r6 = r1
r0 = *(u8 *)skb[r7 + 0]
exit
