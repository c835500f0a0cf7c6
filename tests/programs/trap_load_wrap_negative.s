# A negative offset from a small base wraps to the top of the 4 GiB space,
# which is unmapped: compiled code, which does not wrap the sum, reaches
# the guard below guest memory and must report the wrapped address.
# run: trap load_fault pc=0x4 addr=0xfffffffc
    .text
    .global _start
_start:
    addi r5, r0, 4
    ldw r6, r5+-8
    li r1, 0
    halt
