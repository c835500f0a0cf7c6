/* dispatch: a bytecode interpreter loop (indirect-jump heavy).
 *
 * The C twin of dispatch.s: the same stack VM and the same bytecode
 * program. Usage: dispatch N (the bytecode's loop count; work is linear
 * in N). Prints "dispatch checksum 0x%08x" (the bytecode's result).
 *
 * Instructions are 32-bit words: opcode in bits 0-7, a signed operand in
 * bits 8-31 (an immediate, a local slot, or a code index). The VM has an
 * operand stack, 8 locals per call frame and a return stack. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum {
    HALT, PUSH, LOAD, STORE, ADD, SUB, MUL, AND, OR, XOR, SHL, SHR, LT,
    JMP, JZ, JNZ, CALL, RET, DUP, POP, ADDI, INC, EQ
};

#define I(op, arg) ((uint32_t)(op) | ((uint32_t)(int32_t)(arg) << 8))

/* Code indices: loop 5, end 15, f 17, inner 29, g 46, g_even 55. */
static const uint32_t code[] = {
    /* main: the stack holds n */
    I(STORE, 0), I(PUSH, 0), I(STORE, 1), I(PUSH, 12345), I(STORE, 2),
    /* 5 loop: while (i < n) acc = f(acc, i), i++ */
    I(LOAD, 1), I(LOAD, 0), I(LT, 0), I(JZ, 15),
    I(LOAD, 2), I(LOAD, 1), I(CALL, 17), I(STORE, 2), I(INC, 1), I(JMP, 5),
    /* 15 end */
    I(LOAD, 2), I(HALT, 0),
    /* 17 f(acc, i) */
    I(STORE, 1), I(STORE, 0),
    I(LOAD, 0), I(PUSH, 31), I(MUL, 0), I(LOAD, 1), I(ADD, 0), I(STORE, 0),
    I(LOAD, 1), I(PUSH, 7), I(AND, 0), I(STORE, 2),
    /* 29 inner: acc = g((acc ^ (acc << 5)) + k) for k = i & 7 down to 0 */
    I(LOAD, 0), I(DUP, 0), I(SHL, 5), I(XOR, 0), I(LOAD, 2), I(ADD, 0),
    I(CALL, 46), I(STORE, 0),
    I(LOAD, 2), I(ADDI, -1), I(DUP, 0), I(STORE, 2), I(PUSH, 0), I(LT, 0),
    I(JZ, 29),
    I(LOAD, 0), I(RET, 0),
    /* 46 g(x) = x ^ (x >> 3), plus 0x79b9 if bit 4 of that is set */
    I(DUP, 0), I(SHR, 3), I(XOR, 0), I(DUP, 0), I(PUSH, 16), I(AND, 0),
    I(JZ, 55), I(ADDI, 0x79b9), I(RET, 0),
    /* 55 */
    I(RET, 0),
    /* unused opcodes keep the table honest */
    I(SUB, 0), I(OR, 0), I(JNZ, 0), I(POP, 0), I(EQ, 0),
};

static uint32_t run(uint32_t n) {
    uint32_t stack[256], *sp = stack;
    uint32_t frames[8 * 64], *fp = frames;
    const uint32_t *rstack[64], **rsp = rstack;
    const uint32_t *pc = code;
    uint32_t a, b;
    *sp++ = n;
    for (;;) {
        uint32_t w = *pc++;
        int32_t arg = (int32_t)w >> 8;
        switch (w & 255) {
        case HALT: return sp[-1];
        case PUSH: *sp++ = (uint32_t)arg; break;
        case LOAD: *sp++ = fp[arg]; break;
        case STORE: fp[arg] = *--sp; break;
        case ADD: b = *--sp; sp[-1] += b; break;
        case SUB: b = *--sp; sp[-1] -= b; break;
        case MUL: b = *--sp; sp[-1] *= b; break;
        case AND: b = *--sp; sp[-1] &= b; break;
        case OR: b = *--sp; sp[-1] |= b; break;
        case XOR: b = *--sp; sp[-1] ^= b; break;
        case SHL: sp[-1] <<= arg; break;
        case SHR: sp[-1] >>= arg; break;
        case LT: b = *--sp; a = sp[-1]; sp[-1] = (int32_t)a < (int32_t)b; break;
        case JMP: pc = code + arg; break;
        case JZ: if (*--sp == 0) pc = code + arg; break;
        case JNZ: if (*--sp != 0) pc = code + arg; break;
        case CALL: *rsp++ = pc; fp += 8; pc = code + arg; break;
        case RET: fp -= 8; pc = *--rsp; break;
        case DUP: sp[0] = sp[-1]; sp++; break;
        case POP: sp--; break;
        case ADDI: sp[-1] += (uint32_t)arg; break;
        case INC: fp[arg] += 1; break;
        case EQ: b = *--sp; sp[-1] = sp[-1] == b; break;
        default: return 0xDEADDEAD;
        }
    }
}

int main(int argc, char **argv) {
    int32_t n = argc > 1 ? atoi(argv[1]) : 1;
    printf("dispatch checksum 0x%08x\n", run((uint32_t)n));
    return 0;
}
