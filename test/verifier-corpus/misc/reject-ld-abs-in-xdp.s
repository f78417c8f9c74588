# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EINVAL
# kernel-message: BPF_LD_[ABS|IND] instructions not allowed for this program type
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: BPF_LD_ABS exists for socket-buffer programs only
r6 = r1
r0 = *(u8 *)skb[12]
exit
