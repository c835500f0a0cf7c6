# A faulting load with a zero offset reports the exact address (the JIT
# indexes memory with the base register itself there).
# run: trap load_fault pc=0x4 addr=0xf0000000
    .text
    .global _start
_start:
    lui r5, 0xF0000
    ldw r6, r5+0
    li r1, 0
    halt
