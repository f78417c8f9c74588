# type: kprobe
# expect: reject pc=0
# kernel: reject pc=0 errno=EACCES
# kernel-message: invalid bpf_context access off=164 size=8
# kernel-stats: processed=1 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: an 8-byte read at 164 would straddle the end (and is misaligned)
r0 = *(u64 *)(r1 + 164)
r0 = 0
exit
