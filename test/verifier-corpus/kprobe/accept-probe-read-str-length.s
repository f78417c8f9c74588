# type: kprobe
# expect: accept
# kernel: accept
# kernel-stats: processed=13 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=16
# what: bpf_probe_read_user_str returns at most the buffer size: a positive result indexes the
#   buffer it filled
r3 = *(u64 *)(r1 + 112)
r1 = r10
r1 += -16
r2 = 16
call 114
if r0 s< 1 goto out
r1 = r10
r1 += -17
r1 += r0
r0 = *(u8 *)(r1 + 0)
out:
r0 = 0
exit
