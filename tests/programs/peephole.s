# Peephole fusions: an SLT-like result branched on against r0 (BEQ/BNE,
# either operand order) uses the compare's flags; LUI + ADDI/ORI is one
# constant. Every case is checked both ways, and rd keeps its value.
# (SLTIU's immediate is zero-extended.)
# run: exit 0
    .text
    .global _start
_start:
    li r6, -1
    li r7, 1
    slt r5, r6, r7
    bne r5, r0, t1
    j fail
t1:
    li r8, 1
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    slt r5, r6, r7
    beq r5, r0, t2
    j ok2
t2:
    j fail
ok2:
    li r8, 1
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    slt r5, r6, r7
    bne r0, r5, t3
    j fail
t3:
    li r8, 1
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    slt r5, r6, r7
    beq r0, r5, t4
    j ok4
t4:
    j fail
ok4:
    li r8, 1
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    slt r5, r6, r7
    bne r5, r0, t5
    j ok5
t5:
    j fail
ok5:
    li r8, 0
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    slt r5, r6, r7
    beq r5, r0, t6
    j fail
t6:
    li r8, 0
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    slt r5, r6, r7
    bne r0, r5, t7
    j ok7
t7:
    j fail
ok7:
    li r8, 0
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    slt r5, r6, r7
    beq r0, r5, t8
    j fail
t8:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    slt r5, r6, r7
    bne r5, r0, t9
    j ok9
t9:
    j fail
ok9:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    slt r5, r6, r7
    beq r5, r0, t10
    j fail
t10:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    slt r5, r6, r7
    bne r0, r5, t11
    j ok11
t11:
    j fail
ok11:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    slt r5, r6, r7
    beq r0, r5, t12
    j fail
t12:
    li r8, 0
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    slt r5, r6, r7
    bne r5, r0, t13
    j fail
t13:
    li r8, 1
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    slt r5, r6, r7
    beq r5, r0, t14
    j ok14
t14:
    j fail
ok14:
    li r8, 1
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    slt r5, r6, r7
    bne r0, r5, t15
    j fail
t15:
    li r8, 1
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    slt r5, r6, r7
    beq r0, r5, t16
    j ok16
t16:
    j fail
ok16:
    li r8, 1
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    slt r5, r6, r7
    bne r5, r0, t17
    j fail
t17:
    li r8, 1
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    slt r5, r6, r7
    beq r5, r0, t18
    j ok18
t18:
    j fail
ok18:
    li r8, 1
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    slt r5, r6, r7
    bne r0, r5, t19
    j fail
t19:
    li r8, 1
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    slt r5, r6, r7
    beq r0, r5, t20
    j ok20
t20:
    j fail
ok20:
    li r8, 1
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sltu r5, r6, r7
    bne r5, r0, t21
    j ok21
t21:
    j fail
ok21:
    li r8, 0
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sltu r5, r6, r7
    beq r5, r0, t22
    j fail
t22:
    li r8, 0
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sltu r5, r6, r7
    bne r0, r5, t23
    j ok23
t23:
    j fail
ok23:
    li r8, 0
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sltu r5, r6, r7
    beq r0, r5, t24
    j fail
t24:
    li r8, 0
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sltu r5, r6, r7
    bne r5, r0, t25
    j fail
t25:
    li r8, 1
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sltu r5, r6, r7
    beq r5, r0, t26
    j ok26
t26:
    j fail
ok26:
    li r8, 1
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sltu r5, r6, r7
    bne r0, r5, t27
    j fail
t27:
    li r8, 1
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sltu r5, r6, r7
    beq r0, r5, t28
    j ok28
t28:
    j fail
ok28:
    li r8, 1
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sltu r5, r6, r7
    bne r5, r0, t29
    j ok29
t29:
    j fail
ok29:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sltu r5, r6, r7
    beq r5, r0, t30
    j fail
t30:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sltu r5, r6, r7
    bne r0, r5, t31
    j ok31
t31:
    j fail
ok31:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sltu r5, r6, r7
    beq r0, r5, t32
    j fail
t32:
    li r8, 0
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sltu r5, r6, r7
    bne r5, r0, t33
    j fail
t33:
    li r8, 1
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sltu r5, r6, r7
    beq r5, r0, t34
    j ok34
t34:
    j fail
ok34:
    li r8, 1
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sltu r5, r6, r7
    bne r0, r5, t35
    j fail
t35:
    li r8, 1
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sltu r5, r6, r7
    beq r0, r5, t36
    j ok36
t36:
    j fail
ok36:
    li r8, 1
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sltu r5, r6, r7
    bne r5, r0, t37
    j fail
t37:
    li r8, 1
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sltu r5, r6, r7
    beq r5, r0, t38
    j ok38
t38:
    j fail
ok38:
    li r8, 1
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sltu r5, r6, r7
    bne r0, r5, t39
    j fail
t39:
    li r8, 1
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sltu r5, r6, r7
    beq r0, r5, t40
    j ok40
t40:
    j fail
ok40:
    li r8, 1
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sgt r5, r6, r7
    bne r5, r0, t41
    j ok41
t41:
    j fail
ok41:
    li r8, 0
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sgt r5, r6, r7
    beq r5, r0, t42
    j fail
t42:
    li r8, 0
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sgt r5, r6, r7
    bne r0, r5, t43
    j ok43
t43:
    j fail
ok43:
    li r8, 0
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sgt r5, r6, r7
    beq r0, r5, t44
    j fail
t44:
    li r8, 0
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sgt r5, r6, r7
    bne r5, r0, t45
    j fail
t45:
    li r8, 1
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sgt r5, r6, r7
    beq r5, r0, t46
    j ok46
t46:
    j fail
ok46:
    li r8, 1
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sgt r5, r6, r7
    bne r0, r5, t47
    j fail
t47:
    li r8, 1
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sgt r5, r6, r7
    beq r0, r5, t48
    j ok48
t48:
    j fail
ok48:
    li r8, 1
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sgt r5, r6, r7
    bne r5, r0, t49
    j ok49
t49:
    j fail
ok49:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sgt r5, r6, r7
    beq r5, r0, t50
    j fail
t50:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sgt r5, r6, r7
    bne r0, r5, t51
    j ok51
t51:
    j fail
ok51:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sgt r5, r6, r7
    beq r0, r5, t52
    j fail
t52:
    li r8, 0
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sgt r5, r6, r7
    bne r5, r0, t53
    j ok53
t53:
    j fail
ok53:
    li r8, 0
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sgt r5, r6, r7
    beq r5, r0, t54
    j fail
t54:
    li r8, 0
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sgt r5, r6, r7
    bne r0, r5, t55
    j ok55
t55:
    j fail
ok55:
    li r8, 0
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sgt r5, r6, r7
    beq r0, r5, t56
    j fail
t56:
    li r8, 0
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sgt r5, r6, r7
    bne r5, r0, t57
    j ok57
t57:
    j fail
ok57:
    li r8, 0
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sgt r5, r6, r7
    beq r5, r0, t58
    j fail
t58:
    li r8, 0
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sgt r5, r6, r7
    bne r0, r5, t59
    j ok59
t59:
    j fail
ok59:
    li r8, 0
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sgt r5, r6, r7
    beq r0, r5, t60
    j fail
t60:
    li r8, 0
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sgtu r5, r6, r7
    bne r5, r0, t61
    j fail
t61:
    li r8, 1
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sgtu r5, r6, r7
    beq r5, r0, t62
    j ok62
t62:
    j fail
ok62:
    li r8, 1
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sgtu r5, r6, r7
    bne r0, r5, t63
    j fail
t63:
    li r8, 1
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sgtu r5, r6, r7
    beq r0, r5, t64
    j ok64
t64:
    j fail
ok64:
    li r8, 1
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sgtu r5, r6, r7
    bne r5, r0, t65
    j ok65
t65:
    j fail
ok65:
    li r8, 0
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sgtu r5, r6, r7
    beq r5, r0, t66
    j fail
t66:
    li r8, 0
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sgtu r5, r6, r7
    bne r0, r5, t67
    j ok67
t67:
    j fail
ok67:
    li r8, 0
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sgtu r5, r6, r7
    beq r0, r5, t68
    j fail
t68:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sgtu r5, r6, r7
    bne r5, r0, t69
    j ok69
t69:
    j fail
ok69:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sgtu r5, r6, r7
    beq r5, r0, t70
    j fail
t70:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sgtu r5, r6, r7
    bne r0, r5, t71
    j ok71
t71:
    j fail
ok71:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sgtu r5, r6, r7
    beq r0, r5, t72
    j fail
t72:
    li r8, 0
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sgtu r5, r6, r7
    bne r5, r0, t73
    j ok73
t73:
    j fail
ok73:
    li r8, 0
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sgtu r5, r6, r7
    beq r5, r0, t74
    j fail
t74:
    li r8, 0
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sgtu r5, r6, r7
    bne r0, r5, t75
    j ok75
t75:
    j fail
ok75:
    li r8, 0
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sgtu r5, r6, r7
    beq r0, r5, t76
    j fail
t76:
    li r8, 0
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sgtu r5, r6, r7
    bne r5, r0, t77
    j ok77
t77:
    j fail
ok77:
    li r8, 0
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sgtu r5, r6, r7
    beq r5, r0, t78
    j fail
t78:
    li r8, 0
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sgtu r5, r6, r7
    bne r0, r5, t79
    j ok79
t79:
    j fail
ok79:
    li r8, 0
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sgtu r5, r6, r7
    beq r0, r5, t80
    j fail
t80:
    li r8, 0
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sle r5, r6, r7
    bne r5, r0, t81
    j fail
t81:
    li r8, 1
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sle r5, r6, r7
    beq r5, r0, t82
    j ok82
t82:
    j fail
ok82:
    li r8, 1
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sle r5, r6, r7
    bne r0, r5, t83
    j fail
t83:
    li r8, 1
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sle r5, r6, r7
    beq r0, r5, t84
    j ok84
t84:
    j fail
ok84:
    li r8, 1
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sle r5, r6, r7
    bne r5, r0, t85
    j ok85
t85:
    j fail
ok85:
    li r8, 0
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sle r5, r6, r7
    beq r5, r0, t86
    j fail
t86:
    li r8, 0
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sle r5, r6, r7
    bne r0, r5, t87
    j ok87
t87:
    j fail
ok87:
    li r8, 0
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sle r5, r6, r7
    beq r0, r5, t88
    j fail
t88:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sle r5, r6, r7
    bne r5, r0, t89
    j fail
t89:
    li r8, 1
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sle r5, r6, r7
    beq r5, r0, t90
    j ok90
t90:
    j fail
ok90:
    li r8, 1
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sle r5, r6, r7
    bne r0, r5, t91
    j fail
t91:
    li r8, 1
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sle r5, r6, r7
    beq r0, r5, t92
    j ok92
t92:
    j fail
ok92:
    li r8, 1
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sle r5, r6, r7
    bne r5, r0, t93
    j fail
t93:
    li r8, 1
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sle r5, r6, r7
    beq r5, r0, t94
    j ok94
t94:
    j fail
ok94:
    li r8, 1
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sle r5, r6, r7
    bne r0, r5, t95
    j fail
t95:
    li r8, 1
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sle r5, r6, r7
    beq r0, r5, t96
    j ok96
t96:
    j fail
ok96:
    li r8, 1
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sle r5, r6, r7
    bne r5, r0, t97
    j fail
t97:
    li r8, 1
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sle r5, r6, r7
    beq r5, r0, t98
    j ok98
t98:
    j fail
ok98:
    li r8, 1
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sle r5, r6, r7
    bne r0, r5, t99
    j fail
t99:
    li r8, 1
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sle r5, r6, r7
    beq r0, r5, t100
    j ok100
t100:
    j fail
ok100:
    li r8, 1
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sleu r5, r6, r7
    bne r5, r0, t101
    j ok101
t101:
    j fail
ok101:
    li r8, 0
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sleu r5, r6, r7
    beq r5, r0, t102
    j fail
t102:
    li r8, 0
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sleu r5, r6, r7
    bne r0, r5, t103
    j ok103
t103:
    j fail
ok103:
    li r8, 0
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sleu r5, r6, r7
    beq r0, r5, t104
    j fail
t104:
    li r8, 0
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sleu r5, r6, r7
    bne r5, r0, t105
    j fail
t105:
    li r8, 1
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sleu r5, r6, r7
    beq r5, r0, t106
    j ok106
t106:
    j fail
ok106:
    li r8, 1
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sleu r5, r6, r7
    bne r0, r5, t107
    j fail
t107:
    li r8, 1
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sleu r5, r6, r7
    beq r0, r5, t108
    j ok108
t108:
    j fail
ok108:
    li r8, 1
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sleu r5, r6, r7
    bne r5, r0, t109
    j fail
t109:
    li r8, 1
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sleu r5, r6, r7
    beq r5, r0, t110
    j ok110
t110:
    j fail
ok110:
    li r8, 1
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sleu r5, r6, r7
    bne r0, r5, t111
    j fail
t111:
    li r8, 1
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sleu r5, r6, r7
    beq r0, r5, t112
    j ok112
t112:
    j fail
ok112:
    li r8, 1
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sleu r5, r6, r7
    bne r5, r0, t113
    j fail
t113:
    li r8, 1
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sleu r5, r6, r7
    beq r5, r0, t114
    j ok114
t114:
    j fail
ok114:
    li r8, 1
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sleu r5, r6, r7
    bne r0, r5, t115
    j fail
t115:
    li r8, 1
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sleu r5, r6, r7
    beq r0, r5, t116
    j ok116
t116:
    j fail
ok116:
    li r8, 1
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sleu r5, r6, r7
    bne r5, r0, t117
    j fail
t117:
    li r8, 1
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sleu r5, r6, r7
    beq r5, r0, t118
    j ok118
t118:
    j fail
ok118:
    li r8, 1
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sleu r5, r6, r7
    bne r0, r5, t119
    j fail
t119:
    li r8, 1
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sleu r5, r6, r7
    beq r0, r5, t120
    j ok120
t120:
    j fail
ok120:
    li r8, 1
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sge r5, r6, r7
    bne r5, r0, t121
    j ok121
t121:
    j fail
ok121:
    li r8, 0
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sge r5, r6, r7
    beq r5, r0, t122
    j fail
t122:
    li r8, 0
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sge r5, r6, r7
    bne r0, r5, t123
    j ok123
t123:
    j fail
ok123:
    li r8, 0
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sge r5, r6, r7
    beq r0, r5, t124
    j fail
t124:
    li r8, 0
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sge r5, r6, r7
    bne r5, r0, t125
    j fail
t125:
    li r8, 1
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sge r5, r6, r7
    beq r5, r0, t126
    j ok126
t126:
    j fail
ok126:
    li r8, 1
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sge r5, r6, r7
    bne r0, r5, t127
    j fail
t127:
    li r8, 1
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sge r5, r6, r7
    beq r0, r5, t128
    j ok128
t128:
    j fail
ok128:
    li r8, 1
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sge r5, r6, r7
    bne r5, r0, t129
    j fail
t129:
    li r8, 1
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sge r5, r6, r7
    beq r5, r0, t130
    j ok130
t130:
    j fail
ok130:
    li r8, 1
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sge r5, r6, r7
    bne r0, r5, t131
    j fail
t131:
    li r8, 1
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sge r5, r6, r7
    beq r0, r5, t132
    j ok132
t132:
    j fail
ok132:
    li r8, 1
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sge r5, r6, r7
    bne r5, r0, t133
    j ok133
t133:
    j fail
ok133:
    li r8, 0
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sge r5, r6, r7
    beq r5, r0, t134
    j fail
t134:
    li r8, 0
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sge r5, r6, r7
    bne r0, r5, t135
    j ok135
t135:
    j fail
ok135:
    li r8, 0
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sge r5, r6, r7
    beq r0, r5, t136
    j fail
t136:
    li r8, 0
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sge r5, r6, r7
    bne r5, r0, t137
    j ok137
t137:
    j fail
ok137:
    li r8, 0
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sge r5, r6, r7
    beq r5, r0, t138
    j fail
t138:
    li r8, 0
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sge r5, r6, r7
    bne r0, r5, t139
    j ok139
t139:
    j fail
ok139:
    li r8, 0
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sge r5, r6, r7
    beq r0, r5, t140
    j fail
t140:
    li r8, 0
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sgeu r5, r6, r7
    bne r5, r0, t141
    j fail
t141:
    li r8, 1
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sgeu r5, r6, r7
    beq r5, r0, t142
    j ok142
t142:
    j fail
ok142:
    li r8, 1
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sgeu r5, r6, r7
    bne r0, r5, t143
    j fail
t143:
    li r8, 1
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sgeu r5, r6, r7
    beq r0, r5, t144
    j ok144
t144:
    j fail
ok144:
    li r8, 1
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sgeu r5, r6, r7
    bne r5, r0, t145
    j ok145
t145:
    j fail
ok145:
    li r8, 0
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sgeu r5, r6, r7
    beq r5, r0, t146
    j fail
t146:
    li r8, 0
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sgeu r5, r6, r7
    bne r0, r5, t147
    j ok147
t147:
    j fail
ok147:
    li r8, 0
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sgeu r5, r6, r7
    beq r0, r5, t148
    j fail
t148:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sgeu r5, r6, r7
    bne r5, r0, t149
    j fail
t149:
    li r8, 1
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sgeu r5, r6, r7
    beq r5, r0, t150
    j ok150
t150:
    j fail
ok150:
    li r8, 1
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sgeu r5, r6, r7
    bne r0, r5, t151
    j fail
t151:
    li r8, 1
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sgeu r5, r6, r7
    beq r0, r5, t152
    j ok152
t152:
    j fail
ok152:
    li r8, 1
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sgeu r5, r6, r7
    bne r5, r0, t153
    j ok153
t153:
    j fail
ok153:
    li r8, 0
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sgeu r5, r6, r7
    beq r5, r0, t154
    j fail
t154:
    li r8, 0
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sgeu r5, r6, r7
    bne r0, r5, t155
    j ok155
t155:
    j fail
ok155:
    li r8, 0
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sgeu r5, r6, r7
    beq r0, r5, t156
    j fail
t156:
    li r8, 0
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sgeu r5, r6, r7
    bne r5, r0, t157
    j ok157
t157:
    j fail
ok157:
    li r8, 0
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sgeu r5, r6, r7
    beq r5, r0, t158
    j fail
t158:
    li r8, 0
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sgeu r5, r6, r7
    bne r0, r5, t159
    j ok159
t159:
    j fail
ok159:
    li r8, 0
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sgeu r5, r6, r7
    beq r0, r5, t160
    j fail
t160:
    li r8, 0
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    seq r5, r6, r7
    bne r5, r0, t161
    j ok161
t161:
    j fail
ok161:
    li r8, 0
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    seq r5, r6, r7
    beq r5, r0, t162
    j fail
t162:
    li r8, 0
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    seq r5, r6, r7
    bne r0, r5, t163
    j ok163
t163:
    j fail
ok163:
    li r8, 0
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    seq r5, r6, r7
    beq r0, r5, t164
    j fail
t164:
    li r8, 0
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    seq r5, r6, r7
    bne r5, r0, t165
    j ok165
t165:
    j fail
ok165:
    li r8, 0
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    seq r5, r6, r7
    beq r5, r0, t166
    j fail
t166:
    li r8, 0
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    seq r5, r6, r7
    bne r0, r5, t167
    j ok167
t167:
    j fail
ok167:
    li r8, 0
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    seq r5, r6, r7
    beq r0, r5, t168
    j fail
t168:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    seq r5, r6, r7
    bne r5, r0, t169
    j fail
t169:
    li r8, 1
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    seq r5, r6, r7
    beq r5, r0, t170
    j ok170
t170:
    j fail
ok170:
    li r8, 1
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    seq r5, r6, r7
    bne r0, r5, t171
    j fail
t171:
    li r8, 1
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    seq r5, r6, r7
    beq r0, r5, t172
    j ok172
t172:
    j fail
ok172:
    li r8, 1
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    seq r5, r6, r7
    bne r5, r0, t173
    j ok173
t173:
    j fail
ok173:
    li r8, 0
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    seq r5, r6, r7
    beq r5, r0, t174
    j fail
t174:
    li r8, 0
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    seq r5, r6, r7
    bne r0, r5, t175
    j ok175
t175:
    j fail
ok175:
    li r8, 0
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    seq r5, r6, r7
    beq r0, r5, t176
    j fail
t176:
    li r8, 0
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    seq r5, r6, r7
    bne r5, r0, t177
    j ok177
t177:
    j fail
ok177:
    li r8, 0
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    seq r5, r6, r7
    beq r5, r0, t178
    j fail
t178:
    li r8, 0
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    seq r5, r6, r7
    bne r0, r5, t179
    j ok179
t179:
    j fail
ok179:
    li r8, 0
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    seq r5, r6, r7
    beq r0, r5, t180
    j fail
t180:
    li r8, 0
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sne r5, r6, r7
    bne r5, r0, t181
    j fail
t181:
    li r8, 1
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sne r5, r6, r7
    beq r5, r0, t182
    j ok182
t182:
    j fail
ok182:
    li r8, 1
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sne r5, r6, r7
    bne r0, r5, t183
    j fail
t183:
    li r8, 1
    assert_eq r5, r8
    li r6, -1
    li r7, 1
    sne r5, r6, r7
    beq r0, r5, t184
    j ok184
t184:
    j fail
ok184:
    li r8, 1
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sne r5, r6, r7
    bne r5, r0, t185
    j fail
t185:
    li r8, 1
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sne r5, r6, r7
    beq r5, r0, t186
    j ok186
t186:
    j fail
ok186:
    li r8, 1
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sne r5, r6, r7
    bne r0, r5, t187
    j fail
t187:
    li r8, 1
    assert_eq r5, r8
    li r6, 1
    li r7, -1
    sne r5, r6, r7
    beq r0, r5, t188
    j ok188
t188:
    j fail
ok188:
    li r8, 1
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sne r5, r6, r7
    bne r5, r0, t189
    j ok189
t189:
    j fail
ok189:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sne r5, r6, r7
    beq r5, r0, t190
    j fail
t190:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sne r5, r6, r7
    bne r0, r5, t191
    j ok191
t191:
    j fail
ok191:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    li r7, 5
    sne r5, r6, r7
    beq r0, r5, t192
    j fail
t192:
    li r8, 0
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sne r5, r6, r7
    bne r5, r0, t193
    j fail
t193:
    li r8, 1
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sne r5, r6, r7
    beq r5, r0, t194
    j ok194
t194:
    j fail
ok194:
    li r8, 1
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sne r5, r6, r7
    bne r0, r5, t195
    j fail
t195:
    li r8, 1
    assert_eq r5, r8
    li r6, 0
    li r7, 7
    sne r5, r6, r7
    beq r0, r5, t196
    j ok196
t196:
    j fail
ok196:
    li r8, 1
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sne r5, r6, r7
    bne r5, r0, t197
    j fail
t197:
    li r8, 1
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sne r5, r6, r7
    beq r5, r0, t198
    j ok198
t198:
    j fail
ok198:
    li r8, 1
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sne r5, r6, r7
    bne r0, r5, t199
    j fail
t199:
    li r8, 1
    assert_eq r5, r8
    li r6, -8
    li r7, -3
    sne r5, r6, r7
    beq r0, r5, t200
    j ok200
t200:
    j fail
ok200:
    li r8, 1
    assert_eq r5, r8
    li r6, -1
    slti r5, r6, 1
    bne r5, r0, t201
    j fail
t201:
    li r8, 1
    assert_eq r5, r8
    li r6, -1
    slti r5, r6, 1
    beq r5, r0, t202
    j ok202
t202:
    j fail
ok202:
    li r8, 1
    assert_eq r5, r8
    li r6, -1
    slti r5, r6, 1
    bne r0, r5, t203
    j fail
t203:
    li r8, 1
    assert_eq r5, r8
    li r6, -1
    slti r5, r6, 1
    beq r0, r5, t204
    j ok204
t204:
    j fail
ok204:
    li r8, 1
    assert_eq r5, r8
    li r6, 1
    slti r5, r6, -1
    bne r5, r0, t205
    j ok205
t205:
    j fail
ok205:
    li r8, 0
    assert_eq r5, r8
    li r6, 1
    slti r5, r6, -1
    beq r5, r0, t206
    j fail
t206:
    li r8, 0
    assert_eq r5, r8
    li r6, 1
    slti r5, r6, -1
    bne r0, r5, t207
    j ok207
t207:
    j fail
ok207:
    li r8, 0
    assert_eq r5, r8
    li r6, 1
    slti r5, r6, -1
    beq r0, r5, t208
    j fail
t208:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    slti r5, r6, 5
    bne r5, r0, t209
    j ok209
t209:
    j fail
ok209:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    slti r5, r6, 5
    beq r5, r0, t210
    j fail
t210:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    slti r5, r6, 5
    bne r0, r5, t211
    j ok211
t211:
    j fail
ok211:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    slti r5, r6, 5
    beq r0, r5, t212
    j fail
t212:
    li r8, 0
    assert_eq r5, r8
    li r6, 0
    slti r5, r6, 7
    bne r5, r0, t213
    j fail
t213:
    li r8, 1
    assert_eq r5, r8
    li r6, 0
    slti r5, r6, 7
    beq r5, r0, t214
    j ok214
t214:
    j fail
ok214:
    li r8, 1
    assert_eq r5, r8
    li r6, 0
    slti r5, r6, 7
    bne r0, r5, t215
    j fail
t215:
    li r8, 1
    assert_eq r5, r8
    li r6, 0
    slti r5, r6, 7
    beq r0, r5, t216
    j ok216
t216:
    j fail
ok216:
    li r8, 1
    assert_eq r5, r8
    li r6, -8
    slti r5, r6, -3
    bne r5, r0, t217
    j fail
t217:
    li r8, 1
    assert_eq r5, r8
    li r6, -8
    slti r5, r6, -3
    beq r5, r0, t218
    j ok218
t218:
    j fail
ok218:
    li r8, 1
    assert_eq r5, r8
    li r6, -8
    slti r5, r6, -3
    bne r0, r5, t219
    j fail
t219:
    li r8, 1
    assert_eq r5, r8
    li r6, -8
    slti r5, r6, -3
    beq r0, r5, t220
    j ok220
t220:
    j fail
ok220:
    li r8, 1
    assert_eq r5, r8
    li r6, -1
    sltiu r5, r6, 1
    bne r5, r0, t221
    j ok221
t221:
    j fail
ok221:
    li r8, 0
    assert_eq r5, r8
    li r6, -1
    sltiu r5, r6, 1
    beq r5, r0, t222
    j fail
t222:
    li r8, 0
    assert_eq r5, r8
    li r6, -1
    sltiu r5, r6, 1
    bne r0, r5, t223
    j ok223
t223:
    j fail
ok223:
    li r8, 0
    assert_eq r5, r8
    li r6, -1
    sltiu r5, r6, 1
    beq r0, r5, t224
    j fail
t224:
    li r8, 0
    assert_eq r5, r8
    li r6, 1
    sltiu r5, r6, 4095
    bne r5, r0, t225
    j fail
t225:
    li r8, 1
    assert_eq r5, r8
    li r6, 1
    sltiu r5, r6, 4095
    beq r5, r0, t226
    j ok226
t226:
    j fail
ok226:
    li r8, 1
    assert_eq r5, r8
    li r6, 1
    sltiu r5, r6, 4095
    bne r0, r5, t227
    j fail
t227:
    li r8, 1
    assert_eq r5, r8
    li r6, 1
    sltiu r5, r6, 4095
    beq r0, r5, t228
    j ok228
t228:
    j fail
ok228:
    li r8, 1
    assert_eq r5, r8
    li r6, 5
    sltiu r5, r6, 5
    bne r5, r0, t229
    j ok229
t229:
    j fail
ok229:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    sltiu r5, r6, 5
    beq r5, r0, t230
    j fail
t230:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    sltiu r5, r6, 5
    bne r0, r5, t231
    j ok231
t231:
    j fail
ok231:
    li r8, 0
    assert_eq r5, r8
    li r6, 5
    sltiu r5, r6, 5
    beq r0, r5, t232
    j fail
t232:
    li r8, 0
    assert_eq r5, r8
    li r6, 0
    sltiu r5, r6, 7
    bne r5, r0, t233
    j fail
t233:
    li r8, 1
    assert_eq r5, r8
    li r6, 0
    sltiu r5, r6, 7
    beq r5, r0, t234
    j ok234
t234:
    j fail
ok234:
    li r8, 1
    assert_eq r5, r8
    li r6, 0
    sltiu r5, r6, 7
    bne r0, r5, t235
    j fail
t235:
    li r8, 1
    assert_eq r5, r8
    li r6, 0
    sltiu r5, r6, 7
    beq r0, r5, t236
    j ok236
t236:
    j fail
ok236:
    li r8, 1
    assert_eq r5, r8
    li r6, -8
    sltiu r5, r6, 4093
    bne r5, r0, t237
    j ok237
t237:
    j fail
ok237:
    li r8, 0
    assert_eq r5, r8
    li r6, -8
    sltiu r5, r6, 4093
    beq r5, r0, t238
    j fail
t238:
    li r8, 0
    assert_eq r5, r8
    li r6, -8
    sltiu r5, r6, 4093
    bne r0, r5, t239
    j ok239
t239:
    j fail
ok239:
    li r8, 0
    assert_eq r5, r8
    li r6, -8
    sltiu r5, r6, 4093
    beq r0, r5, t240
    j fail
t240:
    li r8, 0
    assert_eq r5, r8
    li r9, 0x12345678
    srli r10, r9, 16
    li r11, 0x1234
    assert_eq r10, r11
    andi r10, r9, 0xff
    li r11, 0x78
    assert_eq r10, r11
    li r9, 0xdeadbeef
    srli r10, r9, 16
    li r11, 0xdead
    assert_eq r10, r11
    andi r10, r9, 0xff
    li r11, 0xef
    assert_eq r10, r11
    li r9, 0xf800
    srli r10, r9, 16
    li r11, 0x0
    assert_eq r10, r11
    andi r10, r9, 0xff
    li r11, 0x0
    assert_eq r10, r11
    li r9, 0x7ffff800
    srli r10, r9, 16
    li r11, 0x7fff
    assert_eq r10, r11
    andi r10, r9, 0xff
    li r11, 0x0
    assert_eq r10, r11
    lui r12, 0x12345
    ori r12, r12, 0x678
    li r11, 0x12345678
    assert_eq r12, r11
    lui r13, 0x1
    addi r13, r13, -1
    li r11, 0xfff
    assert_eq r13, r11
    lui r14, 0x2
    addi r15, r14, 4
    li r11, 0x2004
    assert_eq r15, r11
    li r1, 0
    halt
fail:
    li r1, 1
    halt
