# Call depth beyond the JIT's native-frame limit, and returns that do not
# match their call (a longjmp-like escape), must behave exactly as on the
# interpreter.
# run: exit 0
# run: reg r20 0x00009c40
# run: reg r21 0x000003e8
    .text
    .global _start
_start:
    # Recursion 40000 deep (past the 256 KiB native-frame budget); link registers saved in an array, not the stack.
    la r10, links
    li r3, 40000
    li r20, 0
    jal r31, rec
    # 1000 escapes: esc is called, and jumps back to `back` instead of
    # returning; the native frame it leaves behind must not confuse later
    # returns.
    li r21, 0
    li r12, 1000
again:
    jal r31, esc
    # not reached: esc never returns here
    li r1, 1
    halt
back:
    addi r21, r21, 1
    addi r12, r12, -1
    bne r12, r0, again
    # A normal call still returns normally afterwards.
    jal r31, leaf
    li r1, 0
    halt

rec:
    beq r3, r0, rec_done
    slli r11, r3, 2
    add r11, r10, r11
    stw r11+0, r31
    addi r20, r20, 1
    addi r3, r3, -1
    jal r31, rec
    addi r3, r3, 1
    slli r11, r3, 2
    add r11, r10, r11
    ldw r31, r11+0
rec_done:
    ret

esc:
    la r13, back
    jalr r0, r13, 0

leaf:
    ret

    .bss
links:
    .zero 160016
