# A store outside guest memory traps at its own PC with the address, and
# the memory it would have written is left alone.
# run: trap store_fault pc=0x8 addr=0xf0000010
    .text
    .global _start
_start:
    lui r5, 0xF0000
    addi r6, r0, 1
    stw r5+16, r6
    li r1, 0
    halt
