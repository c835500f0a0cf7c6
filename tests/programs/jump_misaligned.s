# A jump to a misaligned address does not trap in SLOW-32: JALR clears
# bit 0, and with bit 1 set the instruction is fetched across two
# half-words. The reference interpreter (slow32) and the DBT exit 44
# here (slow32-fast runs the aligned-down word and faults instead); every
# engine must agree with slow32.
# run: exit 44
# run: reg r20 0x00000001
    .text
    .global _start
_start:
    la r5, l1
    jalr r0, r5, 1          # bit 0 is cleared: lands on l1
    halt                    # not reached
l1:
    addi r20, r0, 1
    la r5, halves
    jalr r0, r5, 2          # bit 1 set: fetch across halves+2..halves+5
    halt                    # not reached
halves:
    .word 0x00900000        # high half: low half of "addi r1, r0, 44"
    .word 0x007f02c0        # its high half, then the low half of "halt"
    .word 0x00000000        # the high half of "halt"
