# A block with several moves of an f64-resident pair through one base at
# 4 mod 8: the version without known alignment runs. The second pair's
# first word is the last of guest memory, its second outside: the trap is
# the second word's load, after the first has loaded. Made one 8-byte
# load, the pair would fault at its first load.
# run: trap load_fault pc=0x00000040 addr=0x10000000
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
    ldw r14, r20+8              # the last word of guest memory
    ldw r15, r20+12             # 0x10000000: outside
    fadd.d r14, r14, r12
    addi r22, r22, -1
    bne r22, r0, again
    li r1, 0
    halt
