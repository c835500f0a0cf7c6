# A register pair that compiled code keeps as an f64 (FP use in a loop)
# moved by two word accesses (one 8-byte access when the address is
# 8-aligned, both words then in one page), where both words unmapped, in one page: the trap is the first load's.
# run: trap load_fault pc=0x00000030 addr=0xf0000010
    .text
    .global _start
_start:
    .include "include/f64_pair_warm.inc"
    lui r20, 0xF0000            # unmapped
    li r22, 2
again:
    ldw r12, r20+16
    ldw r13, r20+20
    fadd.d r14, r14, r12
    addi r22, r22, -1
    bne r22, r0, again
    li r1, 0
    halt
