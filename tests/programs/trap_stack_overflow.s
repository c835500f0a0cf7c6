# Running off the bottom of the stack traps.
# run: trap store_fault
    .text
    .global _start
_start:
push:
    addi sp, sp, -2048
    addi sp, sp, -2048
    stw sp+0, r0
    j push
