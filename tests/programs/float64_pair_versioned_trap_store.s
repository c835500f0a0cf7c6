# A block with several moves of an f64-resident pair through one base at
# 4 mod 8: the version without known alignment runs. The last pair's
# first word is the last of guest memory, its second outside: the trap is
# the second store's, after the first has stored (the memory hash shows
# it). Made one 8-byte store, the pair would fault at its first store.
# run: trap store_fault pc=0x0000004c addr=0x10000000
    .text
    .global _start
_start:
    .include "include/f64_pair_warm.inc"
    lui r20, 0x10000
    addi r20, r20, -12          # 4 mod 8
    li r22, 2
again:
    ldw r12, r20+0
    ldw r13, r20+4
    fadd.d r14, r14, r12
    stw r20+0, r14
    stw r20+4, r15
    stw r20+8, r12              # the last word of guest memory
    stw r20+12, r13             # 0x10000000: outside
    addi r22, r22, -1
    bne r22, r0, again
    li r1, 0
    halt
