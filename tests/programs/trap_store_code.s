# W^X: a store into the code region traps.
# run: trap store_fault pc=0x4 addr=0x0
    .text
    .global _start
_start:
    addi r5, r0, 1
    stw r0+0, r5
    li r1, 0
    halt
