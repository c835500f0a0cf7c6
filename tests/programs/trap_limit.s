# The instruction limit stops a runaway loop at an exact PC.
# run: max-instructions 1001
# run: trap instruction_limit pc=0x4
    .text
    .global _start
_start:
    addi r5, r0, 0
spin:
    addi r5, r5, 1
    j spin
