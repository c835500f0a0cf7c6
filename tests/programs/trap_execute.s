# Jumping outside the code region traps at the target.
# run: trap execute_fault pc=0xf0000000
    .text
    .global _start
_start:
    lui r5, 0xF0000
    jalr r0, r5, 0
