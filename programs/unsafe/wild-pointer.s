# type: raw
# mem-size: 16
# what: follows a made-up kernel address (canonical, but nothing is mapped there).
#   Driver mode: page fault, bug check 0x50. Sandbox: rejected at load.
r2 = 0xffff888012345678 ll
r0 = *(u8 *)(r2 + 0)
exit
