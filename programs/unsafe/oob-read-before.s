# type: raw
# mem-size: 64
# what: reads 16 bytes in front of the input buffer, where another process's credentials live.
#   driver mode: leaks the session key of lsass.exe's token; sandbox: rejected at load (negative offset).
r0 = *(u64 *)(r1 - 56)
r3 = *(u64 *)(r1 - 48)
r0 ^= r3
exit
