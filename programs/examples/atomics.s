# Atomic read-modify-write on the stack, mnemonic (conformance-suite) syntax.
# The slot goes 10 -> 15 (add) -> 22 (fetch add; r3 gets the old 15) -> 100 (cmpxchg succeeds because
# it holds r0 = 22; r0 gets the old value 22). r0 = 22 + 100 = 122.
mov %r1, 10
stxdw [%r10-8], %r1
mov %r2, 5
lock add [%r10-8], %r2
mov %r3, 7
lock fetch add [%r10-8], %r3
mov %r0, 22
mov %r4, 100
lock cmpxchg [%r10-8], %r4
ldxdw %r5, [%r10-8]
add %r0, %r5
exit
