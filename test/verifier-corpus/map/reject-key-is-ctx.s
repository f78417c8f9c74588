# type: xdp
# maps: hash key=4 value=8 entries=16
# expect: reject pc=3
# kernel: reject pc=3 errno=EACCES
# kernel-message: R2 type=ctx expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_
# kernel-stats: processed=3 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: the key argument must point to memory (stack, map value, packet...), not the context
r2 = r1
r1 = map_fd(0) ll
call 1
r0 = 2
exit
