# ASSERT_EQ with unequal registers traps.
# run: trap assertion_failed pc=0x8
    .text
    .global _start
_start:
    addi r3, r0, 1
    addi r4, r0, 2
    assert_eq r3, r4
    li r1, 0
    halt
