# type: raw
# mem-size: 16
# what: dereferences a null pointer. Driver mode: page fault on the null page, bug check 0x50.
#   Sandbox: the verifier rejects a load through a scalar.
r2 = 0
r0 = *(u64 *)(r2 + 8)
exit
