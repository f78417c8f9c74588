# type: raw
# mem-size: 16
# what: a well-behaved program (adds two u64 of its input). Both modes agree: outcome ok.
# mem: 01 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00
r0 = *(u64 *)(r1 + 0)
r2 = *(u64 *)(r1 + 8)
r0 += r2
exit
