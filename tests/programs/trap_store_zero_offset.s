# A faulting store with a zero offset reports the exact address.
# run: trap store_fault pc=0x8 addr=0x00000010
    .text
    .global _start
_start:
    addi r5, r0, 16
    addi r6, r0, 1
    stw r5+0, r6
    li r1, 0
    halt
