# A faulting load leaves its destination unchanged.
# run: trap load_fault pc=0x8
# run: reg r1 0x00000007
    .text
    .global _start
_start:
    addi r1, r0, 7
    lui r5, 0xF0000
    ldw r1, r5+0
    halt
