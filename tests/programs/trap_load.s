# A load from unmapped memory traps at its own PC with the address.
# run: trap load_fault pc=0x4 addr=0xf0000010
    .text
    .global _start
_start:
    lui r5, 0xF0000
    ldw r6, r5+16
    li r1, 0
    halt
