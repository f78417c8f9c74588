# type: xdp
# maps: array key=4 value=8 entries=1
# expect: reject pc=4
# kernel: reject pc=4 errno=EINVAL
# kernel-message: cannot pass map_type 2 into func bpf_ringbuf_reserve#131
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: bpf_ringbuf_reserve needs a ring buffer map
r1 = map_fd(0) ll
r2 = 8
r3 = 0
call 131
if r0 == 0 goto out
r1 = r0
r2 = 0
call 132
out:
r0 = 2
exit
