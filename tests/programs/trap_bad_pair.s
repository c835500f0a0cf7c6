# f64 instructions need an even register pair.
# run: trap bad_register_pair pc=0x0 addr=0x7
    .text
    .global _start
_start:
    fcvt.w.d r1, r7
    li r1, 0
    halt
