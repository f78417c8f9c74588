# type: raw
# mem-size: 64
# what: strides through memory after the buffer, 4 KiB at a time, until it runs off the mapped
#   pool page. Driver mode: the first reads leak, then the guard page faults: bug check 0x50.
#   Sandbox: rejected at load.
r3 = 0
r0 = 0
loop:
r4 = r1
r4 += r3
r5 = *(u64 *)(r4 + 0)
r0 += r5
r3 += 1024
if r3 < 16384 goto loop
exit
