# type: xdp
# maps: ringbuf key=0 value=0 entries=4096
# expect: accept
# kernel: accept
# kernel-stats: processed=10 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: bpf_ringbuf_output copies 8 bytes of initialized stack into the ring buffer
r1 = 42
*(u64 *)(r10 - 8) = r1
r2 = r10
r2 += -8
r1 = map_fd(0) ll
r3 = 8
r4 = 0
call 130
r0 = 2
exit
