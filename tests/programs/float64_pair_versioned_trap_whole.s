# A block with several moves of an f64-resident pair through one base,
# 8-aligned: compiled code tests the base once and makes each move one
# 8-byte access. The last pair lies wholly outside guest memory: the trap
# is its first store's, after the pair before it has been stored (the
# memory hash shows it).
# run: trap store_fault pc=0x00000048 addr=0x10000000
    .text
    .global _start
_start:
    .include "include/f64_pair_warm.inc"
    lui r20, 0x10000
    addi r20, r20, -8           # the last 8 bytes of guest memory
    li r22, 2
again:
    ldw r12, r20+0
    ldw r13, r20+4
    fadd.d r14, r14, r12
    stw r20+0, r14
    stw r20+4, r15
    stw r20+8, r12              # 0x10000000: outside guest memory
    stw r20+12, r13
    addi r22, r22, -1
    bne r22, r0, again
    li r1, 0
    halt
