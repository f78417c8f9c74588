# type: xdp
# maps: ringbuf key=0 value=0 entries=4096
# expect: accept
# kernel: accept
# kernel-stats: processed=13 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: reserve a 16-byte ring buffer record, check it for NULL, fill it and submit it
r1 = map_fd(0) ll
r2 = 16
r3 = 0
call 131
if r0 == 0 goto out
r1 = 7
*(u64 *)(r0 + 8) = r1
r1 = r0
r2 = 0
call 132
out:
r0 = 2
exit
