# A threaded interpreter, as Forth kernels are built: NEXT loads the next
# cell of a thread (an offset, so that no code address appears in the
# program, and no symbol names a primitive: discovery cannot know them), adds the primitives'
# base and jumps there; each primitive jumps back to NEXT. The primitives
# sit after a called function, so discovery puts them in another function
# than NEXT. A profile-guided build must find them from the profile's
# block counts (more entries than any known edge explains) and lower them
# inside NEXT's function; every engine must compute the same.
# Thread: r20 = 0; r21 = 3000; loop: r20 += r21 * 3 + 1; r21 -= 1; until 0.
# run: reg r20 0x00ce1bac
# run: reg r21 0x00000000
# run: exit 0
    .text
    .global _start
_start:
    call setup                 # makes `setup` (and what follows) a function
    la r28, thread
    mv r26, r28                # IP
    li r20, 0                  # accumulator
    li r21, 3000               # counter
next:
    ldw r25, r26+0             # the cell: an offset from `prims`
    addi r26, r26, 4
    add r24, r27, r25
    jalr r0, r24, 0

setup:
    la r27, prims              # the primitives' base, kept in r27
    jalr r0, r31, 0

prims:                         # the primitives: no labels (no symbols)
    add r22, r21, r21          # +0: r22 = r21 * 3
    add r22, r22, r21
    j next
    addi r22, r22, 1           # +12: r22 += 1
    j next
    add r20, r20, r22          # +20: r20 += r22
    j next
    addi r21, r21, -1          # +28: r21 -= 1
    j next
    beq r21, r0, 1f            # +36: back to the thread's start while r21 != 0
    mv r26, r28
1:  j next
    li r1, 0                   # +48: the end
    halt

    .data
thread:
    .word 0, 12, 20, 28, 36, 48
