# A register pair that compiled code keeps as an f64 (FP use in a loop)
# moved by two word accesses (one 8-byte access when the address is
# 8-aligned, both words then in one page), where the first word is the last of guest memory, the second is outside it: the
# trap is the second load's, after the first has loaded.
# run: trap load_fault pc=0x00000038 addr=0x10000000
    .text
    .global _start
_start:
    .include "include/f64_pair_warm.inc"
    lui r20, 0x10000
    addi r20, r20, -4           # the last word of guest memory
    li r22, 2
again:
    ldw r12, r20+0
    ldw r13, r20+4              # 0x10000000: outside guest memory
    fadd.d r14, r14, r12
    addi r22, r22, -1
    bne r22, r0, again
    li r1, 0
    halt
