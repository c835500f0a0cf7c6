# Jumping into data traps: nothing outside code is executable.
# run: trap execute_fault
    .text
    .global _start
_start:
    la r5, d
    jalr r0, r5, 0
    .data
d:
    .word 0x00000000
