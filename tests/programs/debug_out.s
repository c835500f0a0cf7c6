# DEBUG writes the low byte of rs1 to stdout.
# run: exit 0
# run: stdout "AB\n"
    .text
    .global _start
_start:
    li r5, 0x141
    debug r5
    li r5, 0xFFFFFF42
    debug r5
    li r5, 0x80000A0A
    debug r5
    li r1, 0
    halt
