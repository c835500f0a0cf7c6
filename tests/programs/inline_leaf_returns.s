# Recursion and small callees whose leaf paths the AOT compiler copies per
# call site (the copy knows the link register, so its return is a jump):
# a leaf as the branch's fall-through and as its target, a leaf that reads
# the link register, mutual recursion, a one-block callee called from
# several sites, and a callee whose entry writes the link register (not
# copied). Results identical on every engine.
# run: exit 0x46c8f5c0
    .text
    .global _start
_start:
    li s0, 0
    li s1, 0
1:  mv a0, s1
    call fib
    add s0, s0, rv
    slli s0, s0, 1
    mv a0, s1
    call leaf_on_target
    add s0, s0, rv
    mv a0, s1
    call link_reader
    xor s0, s0, rv
    mv a0, s1
    call is_even
    add s0, s0, rv
    mv a0, s1
    call twice
    add s0, s0, rv
    mv a0, s0
    call twice
    xor s0, s0, rv
    mv a0, s1
    call sets_link
    add s0, s0, rv
    addi s1, s1, 1
    li t0, 14
    bne s1, t0, 1b
    mv rv, s0
    li t0, 0
    li a0, 0
    li a1, 0
    halt

# fib(a0): the leaf (n < 2) is the fall-through.
fib:
    sltiu t0, a0, 2
    beqz t0, 1f
    mv rv, a0
    ret
1:  addi sp, sp, -12
    stw sp+0, lr
    stw sp+4, s0
    stw sp+8, s1
    mv s0, a0
    addi a0, a0, -1
    call fib
    mv s1, rv
    addi a0, s0, -2
    call fib
    add rv, rv, s1
    ldw lr, sp+0
    ldw s0, sp+4
    ldw s1, sp+8
    addi sp, sp, 12
    ret

# Sum a0 + (a0-1) + ... by recursion; the leaf is the branch target.
leaf_on_target:
    beqz a0, 2f
    addi sp, sp, -8
    stw sp+0, lr
    stw sp+4, s0
    mv s0, a0
    addi a0, a0, -1
    call leaf_on_target
    add rv, rv, s0
    ldw lr, sp+0
    ldw s0, sp+4
    addi sp, sp, 8
    ret
2:  li rv, 0
    ret

# The leaf returns its own return address plus a0.
link_reader:
    bnez a0, 1f
    mv rv, lr
    ret
1:  add rv, lr, a0
    ret

is_even:
    bnez a0, 1f
    li rv, 1
    ret
1:  addi sp, sp, -4
    stw sp+0, lr
    addi a0, a0, -1
    call is_odd
    ldw lr, sp+0
    addi sp, sp, 4
    ret

is_odd:
    bnez a0, 1f
    li rv, 0
    ret
1:  addi sp, sp, -4
    stw sp+0, lr
    addi a0, a0, -1
    call is_even
    ldw lr, sp+0
    addi sp, sp, 4
    ret

# One block: rv = 2 * a0 + 1.
twice:
    add rv, a0, a0
    addi rv, rv, 1
    ret

# The entry moves the link register: returns through another register
# value (lr kept in r20, then lr restored).
sets_link:
    mv r20, lr
    li lr, 0
    beqz a0, 1f
    mv lr, r20
    addi rv, a0, 7
    ret
1:  mv lr, r20
    li rv, 3
    ret
