# A switch masked to four slots (`andi 3`) whose table has three entries:
# the fourth slot reads the word after it, a value past the code region.
# Forty dispatches go through slots 0..2 (what the entries read stays
# live across the dispatch; the rest, such as r11, is dead there), then
# one through slot 3: fetching there traps before any register is read,
# and every engine must trap at that address.
# run: trap execute_fault pc=0x00F00000
    .text
    .global _start
_start:
    li r20, 0                   # checksum
    li r21, 0                   # i
    li r22, 40
loop:
    bge r21, r22, last
    li r6, 3
    rem r7, r21, r6
    li r11, 77                  # dead at the dispatch: every entry writes it first
    j dispatch
last:
    li r7, 3
dispatch:
    andi r8, r7, 3
    slli r8, r8, 2
    la r9, table
    add r8, r8, r9
    ldw r8, r8+0
    jalr r0, r8, 0
e0:
    li r11, 1
    slli r10, r20, 1
    add r20, r20, r10
    add r20, r20, r11
    addi r21, r21, 1
    j loop
e1:
    li r11, 2
    xori r20, r20, 0x5a5
    add r20, r20, r11
    addi r21, r21, 1
    j loop
e2:
    li r11, 3
    slli r10, r20, 3
    sub r20, r10, r20
    add r20, r20, r11
    addi r21, r21, 1
    j loop

    .rodata
    .align 4
table:
    .word e0, e1, e2
    .word 0x00F00000
