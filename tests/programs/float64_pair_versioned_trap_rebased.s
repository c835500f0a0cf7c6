# A block whose first moves of an f64-resident pair go through an
# 8-aligned base (compiled code tests it once, at the block's entry),
# then moves the base to 4 mod 8 and loads a pair through it: the entry
# test does not cover that pair. Its first word is the last of guest
# memory, its second outside: the trap is the second word's load.
# run: trap load_fault pc=0x0000004c addr=0x10000000
    .text
    .global _start
_start:
    .include "include/f64_pair_warm.inc"
    lui r20, 0x10000
    addi r20, r20, -16          # 8-aligned
    li r22, 2
again:
    ldw r12, r20+0
    ldw r13, r20+4
    ldw r14, r20+8
    ldw r15, r20+12
    addi r20, r20, 4            # 4 mod 8
    ldw r12, r20+8              # the last word of guest memory
    ldw r13, r20+12             # 0x10000000: outside
    fadd.d r14, r14, r12
    addi r22, r22, -1
    bne r22, r0, again
    li r1, 0
    halt
