# dispatch: a bytecode interpreter loop (indirect-jump heavy).
#
# Usage: dispatch N (the bytecode's loop count; work is linear in N).
# Prints "dispatch checksum 0x%08x" (the bytecode's result).
# Equivalent C, and the bytecode program explained: dispatch.c.
#
# Instructions are 32-bit words: opcode in bits 0-7, a signed operand in
# bits 8-31. The handlers are reached through a jump table in .rodata;
# every handler ends with its own copy of the dispatch sequence (threaded
# code): fetch, decode, table load, indirect jump.
#
# VM registers:
#   s0 vpc (address of the next instruction)   s1 operand stack pointer
#   s2 locals of the current frame (8 words)   s3 return stack pointer
#   s4 jump table                              s5 code base
#   t0 the current operand (after dispatch)

        .equ OP_HALT, 0
        .equ OP_PUSH, 1
        .equ OP_LOAD, 2
        .equ OP_STORE, 3
        .equ OP_ADD, 4
        .equ OP_SUB, 5
        .equ OP_MUL, 6
        .equ OP_AND, 7
        .equ OP_OR, 8
        .equ OP_XOR, 9
        .equ OP_SHL, 10
        .equ OP_SHR, 11
        .equ OP_LT, 12
        .equ OP_JMP, 13
        .equ OP_JZ, 14
        .equ OP_JNZ, 15
        .equ OP_CALL, 16
        .equ OP_RET, 17
        .equ OP_DUP, 18
        .equ OP_POP, 19
        .equ OP_ADDI, 20
        .equ OP_INC, 21
        .equ OP_EQ, 22

        .text
        .globl main
        .type main, @function
main:
        addi    sp, sp, -28
        stw     sp+0, lr
        stw     sp+4, s0
        stw     sp+8, s1
        stw     sp+12, s2
        stw     sp+16, s3
        stw     sp+20, s4
        stw     sp+24, s5
        li      a2, 1                   # n (default 1)
        li      t0, 2
        blt     a0, t0, 1f
        ldw     a0, a1+4
        call    atoi
        mv      a2, rv
1:      la      s5, vm_code
        mv      s0, s5
        la      s1, vm_stack
        stw     s1+0, a2                # the stack holds n
        addi    s1, s1, 4
        la      s2, vm_frames
        la      s3, vm_rstack
        la      s4, vm_table
        # first dispatch
        ldw     t0, s0+0
        addi    s0, s0, 4
        andi    a0, t0, 255
        slli    a0, a0, 2
        add     a0, a0, s4
        ldw     a0, a0+0
        srai    t0, t0, 8
        jr      a0

# HALT: the result is on top of the stack
op_halt:
        ldw     s1, s1-4
        la      a0, dispatch_msg
        call    print_str
        mv      a0, s1
        call    print_hex
        li      a0, 10
        call    print_char
        li      rv, 0
        ldw     lr, sp+0
        ldw     s0, sp+4
        ldw     s1, sp+8
        ldw     s2, sp+12
        ldw     s3, sp+16
        ldw     s4, sp+20
        ldw     s5, sp+24
        addi    sp, sp, 28
        ret

op_push:
        stw     s1+0, t0
        addi    s1, s1, 4
        ldw     t0, s0+0
        addi    s0, s0, 4
        andi    a0, t0, 255
        slli    a0, a0, 2
        add     a0, a0, s4
        ldw     a0, a0+0
        srai    t0, t0, 8
        jr      a0

op_load:
        slli    t0, t0, 2
        add     t0, t0, s2
        ldw     a1, t0+0
        stw     s1+0, a1
        addi    s1, s1, 4
        ldw     t0, s0+0
        addi    s0, s0, 4
        andi    a0, t0, 255
        slli    a0, a0, 2
        add     a0, a0, s4
        ldw     a0, a0+0
        srai    t0, t0, 8
        jr      a0

op_store:
        addi    s1, s1, -4
        ldw     a1, s1+0
        slli    t0, t0, 2
        add     t0, t0, s2
        stw     t0+0, a1
        ldw     t0, s0+0
        addi    s0, s0, 4
        andi    a0, t0, 255
        slli    a0, a0, 2
        add     a0, a0, s4
        ldw     a0, a0+0
        srai    t0, t0, 8
        jr      a0

op_add:
        addi    s1, s1, -4
        ldw     a1, s1+0
        ldw     a2, s1-4
        add     a2, a2, a1
        stw     s1-4, a2
        ldw     t0, s0+0
        addi    s0, s0, 4
        andi    a0, t0, 255
        slli    a0, a0, 2
        add     a0, a0, s4
        ldw     a0, a0+0
        srai    t0, t0, 8
        jr      a0

op_sub:
        addi    s1, s1, -4
        ldw     a1, s1+0
        ldw     a2, s1-4
        sub     a2, a2, a1
        stw     s1-4, a2
        ldw     t0, s0+0
        addi    s0, s0, 4
        andi    a0, t0, 255
        slli    a0, a0, 2
        add     a0, a0, s4
        ldw     a0, a0+0
        srai    t0, t0, 8
        jr      a0

op_mul:
        addi    s1, s1, -4
        ldw     a1, s1+0
        ldw     a2, s1-4
        mul     a2, a2, a1
        stw     s1-4, a2
        ldw     t0, s0+0
        addi    s0, s0, 4
        andi    a0, t0, 255
        slli    a0, a0, 2
        add     a0, a0, s4
        ldw     a0, a0+0
        srai    t0, t0, 8
        jr      a0

op_and:
        addi    s1, s1, -4
        ldw     a1, s1+0
        ldw     a2, s1-4
        and     a2, a2, a1
        stw     s1-4, a2
        ldw     t0, s0+0
        addi    s0, s0, 4
        andi    a0, t0, 255
        slli    a0, a0, 2
        add     a0, a0, s4
        ldw     a0, a0+0
        srai    t0, t0, 8
        jr      a0

op_or:
        addi    s1, s1, -4
        ldw     a1, s1+0
        ldw     a2, s1-4
        or      a2, a2, a1
        stw     s1-4, a2
        ldw     t0, s0+0
        addi    s0, s0, 4
        andi    a0, t0, 255
        slli    a0, a0, 2
        add     a0, a0, s4
        ldw     a0, a0+0
        srai    t0, t0, 8
        jr      a0

op_xor:
        addi    s1, s1, -4
        ldw     a1, s1+0
        ldw     a2, s1-4
        xor     a2, a2, a1
        stw     s1-4, a2
        ldw     t0, s0+0
        addi    s0, s0, 4
        andi    a0, t0, 255
        slli    a0, a0, 2
        add     a0, a0, s4
        ldw     a0, a0+0
        srai    t0, t0, 8
        jr      a0

op_shl:
        ldw     a1, s1-4
        sll     a1, a1, t0
        stw     s1-4, a1
        ldw     t0, s0+0
        addi    s0, s0, 4
        andi    a0, t0, 255
        slli    a0, a0, 2
        add     a0, a0, s4
        ldw     a0, a0+0
        srai    t0, t0, 8
        jr      a0

op_shr:
        ldw     a1, s1-4
        srl     a1, a1, t0
        stw     s1-4, a1
        ldw     t0, s0+0
        addi    s0, s0, 4
        andi    a0, t0, 255
        slli    a0, a0, 2
        add     a0, a0, s4
        ldw     a0, a0+0
        srai    t0, t0, 8
        jr      a0

op_lt:
        addi    s1, s1, -4
        ldw     a1, s1+0
        ldw     a2, s1-4
        slt     a2, a2, a1
        stw     s1-4, a2
        ldw     t0, s0+0
        addi    s0, s0, 4
        andi    a0, t0, 255
        slli    a0, a0, 2
        add     a0, a0, s4
        ldw     a0, a0+0
        srai    t0, t0, 8
        jr      a0

op_eq:
        addi    s1, s1, -4
        ldw     a1, s1+0
        ldw     a2, s1-4
        seq     a2, a2, a1
        stw     s1-4, a2
        ldw     t0, s0+0
        addi    s0, s0, 4
        andi    a0, t0, 255
        slli    a0, a0, 2
        add     a0, a0, s4
        ldw     a0, a0+0
        srai    t0, t0, 8
        jr      a0

op_jmp:
        slli    t0, t0, 2
        add     s0, s5, t0
        ldw     t0, s0+0
        addi    s0, s0, 4
        andi    a0, t0, 255
        slli    a0, a0, 2
        add     a0, a0, s4
        ldw     a0, a0+0
        srai    t0, t0, 8
        jr      a0

op_jz:
        addi    s1, s1, -4
        ldw     a1, s1+0
        bnez    a1, 1f
        slli    t0, t0, 2
        add     s0, s5, t0
1:      ldw     t0, s0+0
        addi    s0, s0, 4
        andi    a0, t0, 255
        slli    a0, a0, 2
        add     a0, a0, s4
        ldw     a0, a0+0
        srai    t0, t0, 8
        jr      a0

op_jnz:
        addi    s1, s1, -4
        ldw     a1, s1+0
        beqz    a1, 1f
        slli    t0, t0, 2
        add     s0, s5, t0
1:      ldw     t0, s0+0
        addi    s0, s0, 4
        andi    a0, t0, 255
        slli    a0, a0, 2
        add     a0, a0, s4
        ldw     a0, a0+0
        srai    t0, t0, 8
        jr      a0

op_call:
        stw     s3+0, s0                # return address
        addi    s3, s3, 4
        addi    s2, s2, 32              # next frame
        slli    t0, t0, 2
        add     s0, s5, t0
        ldw     t0, s0+0
        addi    s0, s0, 4
        andi    a0, t0, 255
        slli    a0, a0, 2
        add     a0, a0, s4
        ldw     a0, a0+0
        srai    t0, t0, 8
        jr      a0

op_ret:
        addi    s2, s2, -32
        addi    s3, s3, -4
        ldw     s0, s3+0
        ldw     t0, s0+0
        addi    s0, s0, 4
        andi    a0, t0, 255
        slli    a0, a0, 2
        add     a0, a0, s4
        ldw     a0, a0+0
        srai    t0, t0, 8
        jr      a0

op_dup:
        ldw     a1, s1-4
        stw     s1+0, a1
        addi    s1, s1, 4
        ldw     t0, s0+0
        addi    s0, s0, 4
        andi    a0, t0, 255
        slli    a0, a0, 2
        add     a0, a0, s4
        ldw     a0, a0+0
        srai    t0, t0, 8
        jr      a0

op_pop:
        addi    s1, s1, -4
        ldw     t0, s0+0
        addi    s0, s0, 4
        andi    a0, t0, 255
        slli    a0, a0, 2
        add     a0, a0, s4
        ldw     a0, a0+0
        srai    t0, t0, 8
        jr      a0

op_addi:
        ldw     a1, s1-4
        add     a1, a1, t0
        stw     s1-4, a1
        ldw     t0, s0+0
        addi    s0, s0, 4
        andi    a0, t0, 255
        slli    a0, a0, 2
        add     a0, a0, s4
        ldw     a0, a0+0
        srai    t0, t0, 8
        jr      a0

op_inc:
        slli    t0, t0, 2
        add     t0, t0, s2
        ldw     a1, t0+0
        addi    a1, a1, 1
        stw     t0+0, a1
        ldw     t0, s0+0
        addi    s0, s0, 4
        andi    a0, t0, 255
        slli    a0, a0, 2
        add     a0, a0, s4
        ldw     a0, a0+0
        srai    t0, t0, 8
        jr      a0

# an opcode without a handler: stop with a recognisable result
op_bad:
        li      a1, 0xDEADDEAD
        stw     s1+0, a1
        addi    s1, s1, 4
        j       op_halt
        .size main, . - main

        .rodata
        .align  2
# The jump table: 256 entries, one per opcode byte (23 handlers, then
# op_bad; .fill cannot repeat an address).
vm_table:
        .word   op_halt, op_push, op_load, op_store, op_add, op_sub, op_mul
        .word   op_and, op_or, op_xor, op_shl, op_shr, op_lt, op_jmp, op_jz
        .word   op_jnz, op_call, op_ret, op_dup, op_pop, op_addi, op_inc, op_eq
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad, op_bad
        .word   op_bad

# The bytecode program (see dispatch.c for the same words, commented).
# Code indices: loop 5, end 15, f 17, inner 29, g 46, g_even 55.
vm_code:
        # main: the stack holds n
        .word   OP_STORE | (0 << 8), OP_PUSH | (0 << 8), OP_STORE | (1 << 8)
        .word   OP_PUSH | (12345 << 8), OP_STORE | (2 << 8)
        # 5 loop
        .word   OP_LOAD | (1 << 8), OP_LOAD | (0 << 8), OP_LT, OP_JZ | (15 << 8)
        .word   OP_LOAD | (2 << 8), OP_LOAD | (1 << 8), OP_CALL | (17 << 8)
        .word   OP_STORE | (2 << 8), OP_INC | (1 << 8), OP_JMP | (5 << 8)
        # 15 end
        .word   OP_LOAD | (2 << 8), OP_HALT
        # 17 f(acc, i)
        .word   OP_STORE | (1 << 8), OP_STORE | (0 << 8)
        .word   OP_LOAD | (0 << 8), OP_PUSH | (31 << 8), OP_MUL
        .word   OP_LOAD | (1 << 8), OP_ADD, OP_STORE | (0 << 8)
        .word   OP_LOAD | (1 << 8), OP_PUSH | (7 << 8), OP_AND, OP_STORE | (2 << 8)
        # 29 inner
        .word   OP_LOAD | (0 << 8), OP_DUP, OP_SHL | (5 << 8), OP_XOR
        .word   OP_LOAD | (2 << 8), OP_ADD, OP_CALL | (46 << 8), OP_STORE | (0 << 8)
        .word   OP_LOAD | (2 << 8), OP_ADDI | ((-1 << 8) & 0xFFFFFF00), OP_DUP
        .word   OP_STORE | (2 << 8), OP_PUSH | (0 << 8), OP_LT, OP_JZ | (29 << 8)
        .word   OP_LOAD | (0 << 8), OP_RET
        # 46 g(x)
        .word   OP_DUP, OP_SHR | (3 << 8), OP_XOR, OP_DUP, OP_PUSH | (16 << 8)
        .word   OP_AND, OP_JZ | (55 << 8), OP_ADDI | (0x79b9 << 8), OP_RET
        # 55
        .word   OP_RET
        # unused opcodes keep the table honest
        .word   OP_SUB, OP_OR, OP_JNZ, OP_POP, OP_EQ

dispatch_msg:
        .asciz  "dispatch checksum "

        .bss
        .align  2
vm_stack:       .space 4 * 256
vm_frames:      .space 4 * 8 * 64
vm_rstack:      .space 4 * 64
