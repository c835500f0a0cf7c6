# Running off the bottom of the stack traps at the faulting store. The
# stack is mapped from stack_end (0x0FFEFFF0 here) rounded down to its
# page, so the first address that faults is 0x0FFEEFFC, as on the
# reference interpreter (slow32: "Failed to write 4 bytes at 0x0FFEEFFC
# (PC=0x00000008 ...)").
# run: trap store_fault pc=0x8 addr=0x0ffeeffc
    .text
    .global _start
_start:
    addi r6, r0, 7
push:
    addi sp, sp, -4
    stw sp+0, r6
    j push
