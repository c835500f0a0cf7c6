# An undefined opcode traps when executed, not when decoded.
# run: trap illegal_instruction pc=0xc addr=0x21
    .text
    .global _start
_start:
    addi r5, r0, 1
    beq r5, r5, over
    .word 0x7E
over:
    .word 0x21
    li r1, 0
    halt
