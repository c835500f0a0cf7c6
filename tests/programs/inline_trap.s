# A load fault inside a small function the AOT compiler lowers inside its
# caller: the trap names the callee's instruction, on the second call
# (the first one's pointer is good).
# run: trap load_fault pc=0x00000040 addr=0xf0000008
    .text
    .global _start
_start:
    la r3, word
    call peek
    mv r20, r1
    lui r3, 0xF0000
    call peek
    mv r20, r1
    li r1, 0
    halt
    nop
    nop
    nop
    nop
    nop
    nop

# r1 = the word at r3 + 8.
peek:
    addi r1, r3, 0
    ldw r1, r1+8
    ret

    .data
word:
    .word 1, 2, 3, 4
