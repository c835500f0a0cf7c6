# W^X: a store into read-only data traps.
# run: trap store_fault pc=0x8
    .text
    .global _start
_start:
    lui r5, %hi(ro)
    addi r5, r5, %lo(ro)
    stb r5+0, r0
    li r1, 0
    halt
    .rodata
ro:
    .word 1
