# HALT exits with r1; the process status is its low byte.
# run: exit 0x12345678
    .text
    .global _start
_start:
    li r1, 0x12345678
    halt
