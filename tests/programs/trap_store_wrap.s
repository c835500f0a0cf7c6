# A store whose base + offset wraps past 4 GiB lands in the code region,
# which W^X makes read-only: compiled code reaches the mirror of low
# memory above 4 GiB, which has the same protection.
# run: trap store_fault pc=0x4 addr=0x4
    .text
    .global _start
_start:
    li r5, 0xFFFFFFFC
    stw r5+8, r5
    li r1, 0
    halt
