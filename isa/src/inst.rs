//! The SLOW-32 instruction table and the one decoder every consumer uses.
//!
//! Every fact about an opcode (number, mnemonic, operand format, visitor
//! method) lives in exactly one row of [`for_each_instruction!`]; the
//! `Opcode` enum, the decoder, the encoder, the disassembler and the
//! [`InstructionVisitor`] trait are all generated from it, so adding an
//! instruction cannot leave one consumer behind.

use std::fmt;

/// Operand layout of an instruction word.
///
/// The layout decides both how bits are placed (R/I/S/B/U/J, RISC-V style)
/// and how the immediate is extended: `Iz` is an I-type whose 12-bit
/// immediate is *zero*-extended (ORI, ANDI, XORI, SLTIU on SLOW-32).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// `rd, rs1, rs2`
    R,
    /// `rd, rs1` (unary FP ops and conversions; rs2 is ignored)
    R2,
    /// `rs1` only (DEBUG)
    R1,
    /// `rs1, rs2` with no destination (ASSERT_EQ)
    Rcmp,
    /// `rd, rs1, imm12` sign-extended (ADDI, shifts, SLTI, JALR, loads)
    I,
    /// `rd, rs1, imm12` zero-extended (ORI, ANDI, XORI, SLTIU)
    Iz,
    /// `rs2 -> imm(rs1)` stores
    S,
    /// `rs1, rs2, offset` branches; offset is relative to PC+4
    B,
    /// `rd, imm20` (LUI); the value is `imm20 << 12`
    U,
    /// `rd, offset` (JAL); offset is relative to the JAL itself
    J,
    /// no operands (NOP, YIELD, HALT)
    N,
}

/// The operands of one decoded instruction, format-independent.
///
/// Unused fields are zero. `imm` is already extended and, for LUI, already
/// shifted into place, so consumers never re-derive it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Operands {
    pub rd: u8,
    pub rs1: u8,
    pub rs2: u8,
    pub imm: i32,
}

/// A decoded instruction: opcode plus operands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Inst {
    pub op: Opcode,
    pub rd: u8,
    pub rs1: u8,
    pub rs2: u8,
    /// Sign- or zero-extended immediate (see [`Format`]); LUI holds the
    /// final 32-bit value, branches and JAL hold the byte offset.
    pub imm: i32,
}

impl Inst {
    pub fn operands(&self) -> Operands {
        Operands {
            rd: self.rd,
            rs1: self.rs1,
            rs2: self.rs2,
            imm: self.imm,
        }
    }
}

/// Why a word did not decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("unknown opcode 0x{opcode:02X} in word 0x{word:08X}")]
    UnknownOpcode { opcode: u8, word: u32 },
}

/// Invokes `$m!` with the whole instruction table.
///
/// Row: `(Variant, opcode, "mnemonic", Format, visitor_method)`.
#[macro_export]
macro_rules! for_each_instruction {
    ($m:ident) => {
        $m! {
            (Add, 0x00, "add", R, visit_add),
            (Sub, 0x01, "sub", R, visit_sub),
            (Xor, 0x02, "xor", R, visit_xor),
            (Or, 0x03, "or", R, visit_or),
            (And, 0x04, "and", R, visit_and),
            (Sll, 0x05, "sll", R, visit_sll),
            (Srl, 0x06, "srl", R, visit_srl),
            (Sra, 0x07, "sra", R, visit_sra),
            (Slt, 0x08, "slt", R, visit_slt),
            (Sltu, 0x09, "sltu", R, visit_sltu),
            (Mul, 0x0A, "mul", R, visit_mul),
            (Mulh, 0x0B, "mulh", R, visit_mulh),
            (Div, 0x0C, "div", R, visit_div),
            (Rem, 0x0D, "rem", R, visit_rem),
            (Seq, 0x0E, "seq", R, visit_seq),
            (Sne, 0x0F, "sne", R, visit_sne),
            (Addi, 0x10, "addi", I, visit_addi),
            (Ori, 0x11, "ori", Iz, visit_ori),
            (Andi, 0x12, "andi", Iz, visit_andi),
            (Slli, 0x13, "slli", I, visit_slli),
            (Srli, 0x14, "srli", I, visit_srli),
            (Srai, 0x15, "srai", I, visit_srai),
            (Slti, 0x16, "slti", I, visit_slti),
            (Sltiu, 0x17, "sltiu", Iz, visit_sltiu),
            (Sgt, 0x18, "sgt", R, visit_sgt),
            (Sgtu, 0x19, "sgtu", R, visit_sgtu),
            (Sle, 0x1A, "sle", R, visit_sle),
            (Sleu, 0x1B, "sleu", R, visit_sleu),
            (Sge, 0x1C, "sge", R, visit_sge),
            (Sgeu, 0x1D, "sgeu", R, visit_sgeu),
            (Xori, 0x1E, "xori", Iz, visit_xori),
            (Mulhu, 0x1F, "mulhu", R, visit_mulhu),
            (Lui, 0x20, "lui", U, visit_lui),
            (Ldb, 0x30, "ldb", I, visit_ldb),
            (Ldh, 0x31, "ldh", I, visit_ldh),
            (Ldw, 0x32, "ldw", I, visit_ldw),
            (Ldbu, 0x33, "ldbu", I, visit_ldbu),
            (Ldhu, 0x34, "ldhu", I, visit_ldhu),
            (Stb, 0x38, "stb", S, visit_stb),
            (Sth, 0x39, "sth", S, visit_sth),
            (Stw, 0x3A, "stw", S, visit_stw),
            (AssertEq, 0x3F, "assert_eq", Rcmp, visit_assert_eq),
            (Jal, 0x40, "jal", J, visit_jal),
            (Jalr, 0x41, "jalr", I, visit_jalr),
            (Beq, 0x48, "beq", B, visit_beq),
            (Bne, 0x49, "bne", B, visit_bne),
            (Blt, 0x4A, "blt", B, visit_blt),
            (Bge, 0x4B, "bge", B, visit_bge),
            (Bltu, 0x4C, "bltu", B, visit_bltu),
            (Bgeu, 0x4D, "bgeu", B, visit_bgeu),
            (Nop, 0x50, "nop", N, visit_nop),
            (Yield, 0x51, "yield", N, visit_yield),
            (Debug, 0x52, "debug", R1, visit_debug),
            (FaddS, 0x53, "fadd.s", R, visit_fadd_s),
            (FsubS, 0x54, "fsub.s", R, visit_fsub_s),
            (FmulS, 0x55, "fmul.s", R, visit_fmul_s),
            (FdivS, 0x56, "fdiv.s", R, visit_fdiv_s),
            (FsqrtS, 0x57, "fsqrt.s", R2, visit_fsqrt_s),
            (FeqS, 0x58, "feq.s", R, visit_feq_s),
            (FltS, 0x59, "flt.s", R, visit_flt_s),
            (FleS, 0x5A, "fle.s", R, visit_fle_s),
            (FcvtWS, 0x5B, "fcvt.w.s", R2, visit_fcvt_w_s),
            (FcvtWuS, 0x5C, "fcvt.wu.s", R2, visit_fcvt_wu_s),
            (FcvtSW, 0x5D, "fcvt.s.w", R2, visit_fcvt_s_w),
            (FcvtSWu, 0x5E, "fcvt.s.wu", R2, visit_fcvt_s_wu),
            (FnegS, 0x5F, "fneg.s", R2, visit_fneg_s),
            (FabsS, 0x60, "fabs.s", R2, visit_fabs_s),
            (FaddD, 0x61, "fadd.d", R, visit_fadd_d),
            (FsubD, 0x62, "fsub.d", R, visit_fsub_d),
            (FmulD, 0x63, "fmul.d", R, visit_fmul_d),
            (FdivD, 0x64, "fdiv.d", R, visit_fdiv_d),
            (FsqrtD, 0x65, "fsqrt.d", R2, visit_fsqrt_d),
            (FeqD, 0x66, "feq.d", R, visit_feq_d),
            (FltD, 0x67, "flt.d", R, visit_flt_d),
            (FleD, 0x68, "fle.d", R, visit_fle_d),
            (FcvtWD, 0x69, "fcvt.w.d", R2, visit_fcvt_w_d),
            (FcvtWuD, 0x6A, "fcvt.wu.d", R2, visit_fcvt_wu_d),
            (FcvtDW, 0x6B, "fcvt.d.w", R2, visit_fcvt_d_w),
            (FcvtDWu, 0x6C, "fcvt.d.wu", R2, visit_fcvt_d_wu),
            (FcvtDS, 0x6D, "fcvt.d.s", R2, visit_fcvt_d_s),
            (FcvtSD, 0x6E, "fcvt.s.d", R2, visit_fcvt_s_d),
            (FnegD, 0x6F, "fneg.d", R2, visit_fneg_d),
            (FabsD, 0x70, "fabs.d", R2, visit_fabs_d),
            (FcvtLS, 0x71, "fcvt.l.s", R2, visit_fcvt_l_s),
            (FcvtLuS, 0x72, "fcvt.lu.s", R2, visit_fcvt_lu_s),
            (FcvtSL, 0x73, "fcvt.s.l", R2, visit_fcvt_s_l),
            (FcvtSLu, 0x74, "fcvt.s.lu", R2, visit_fcvt_s_lu),
            (FcvtLD, 0x75, "fcvt.l.d", R2, visit_fcvt_l_d),
            (FcvtLuD, 0x76, "fcvt.lu.d", R2, visit_fcvt_lu_d),
            (FcvtDL, 0x77, "fcvt.d.l", R2, visit_fcvt_d_l),
            (FcvtDLu, 0x78, "fcvt.d.lu", R2, visit_fcvt_d_lu),
            (Halt, 0x7F, "halt", N, visit_halt),
        }
    };
}

macro_rules! define_opcodes {
    ($(($name:ident, $num:expr, $mn:expr, $fmt:ident, $visit:ident)),* $(,)?) => {
        /// A SLOW-32 opcode (bits [6:0] of the instruction word).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum Opcode {
            $($name = $num,)*
        }

        impl Opcode {
            /// Every opcode, in numeric order.
            pub const ALL: &'static [Opcode] = &[$(Opcode::$name,)*];

            /// The opcode with this 7-bit number, if one is defined.
            pub const fn from_u7(n: u8) -> Option<Opcode> {
                match n {
                    $($num => Some(Opcode::$name),)*
                    _ => None,
                }
            }

            /// Lower-case assembler mnemonic.
            pub const fn mnemonic(self) -> &'static str {
                match self {
                    $(Opcode::$name => $mn,)*
                }
            }

            pub const fn format(self) -> Format {
                match self {
                    $(Opcode::$name => Format::$fmt,)*
                }
            }

            /// Looks an opcode up by its mnemonic (case-insensitive).
            pub fn from_mnemonic(s: &str) -> Option<Opcode> {
                let lower = s.to_ascii_lowercase();
                match lower.as_str() {
                    $($mn => Some(Opcode::$name),)*
                    _ => None,
                }
            }
        }

        /// One method per instruction, called by [`visit`] with the decoded
        /// operands. Interpreter pre-decoding, disassembly, JIT emission and
        /// AOT lowering all implement it, so the compiler proves that each
        /// handles every instruction.
        pub trait InstructionVisitor {
            type Output;
            $(fn $visit(&mut self, ops: Operands) -> Self::Output;)*
        }

        /// Calls the visitor method that matches `inst`.
        #[inline]
        pub fn visit<V: InstructionVisitor + ?Sized>(inst: &Inst, v: &mut V) -> V::Output {
            let ops = inst.operands();
            match inst.op {
                $(Opcode::$name => v.$visit(ops),)*
            }
        }
    };
}

for_each_instruction!(define_opcodes);

impl fmt::Display for Opcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.mnemonic())
    }
}

impl Opcode {
    /// Does this instruction end a basic block (may change PC non-sequentially
    /// or stop the machine)?
    pub const fn ends_block(self) -> bool {
        matches!(
            self,
            Opcode::Jal
                | Opcode::Jalr
                | Opcode::Beq
                | Opcode::Bne
                | Opcode::Blt
                | Opcode::Bge
                | Opcode::Bltu
                | Opcode::Bgeu
                | Opcode::Halt
        )
    }

    pub const fn is_branch(self) -> bool {
        matches!(self.format(), Format::B)
    }

    pub const fn is_load(self) -> bool {
        matches!(
            self,
            Opcode::Ldb | Opcode::Ldh | Opcode::Ldw | Opcode::Ldbu | Opcode::Ldhu
        )
    }

    pub const fn is_store(self) -> bool {
        matches!(self, Opcode::Stb | Opcode::Sth | Opcode::Stw)
    }

    /// Access size in bytes for loads and stores.
    pub const fn mem_size(self) -> u32 {
        match self {
            Opcode::Ldb | Opcode::Ldbu | Opcode::Stb => 1,
            Opcode::Ldh | Opcode::Ldhu | Opcode::Sth => 2,
            Opcode::Ldw | Opcode::Stw => 4,
            _ => 0,
        }
    }

    /// Does the instruction write `rd`?
    pub const fn writes_rd(self) -> bool {
        !matches!(
            self.format(),
            Format::S | Format::B | Format::N | Format::R1 | Format::Rcmp
        )
    }
}

#[inline]
fn sext(value: u32, bits: u32) -> i32 {
    let shift = 32 - bits;
    ((value << shift) as i32) >> shift
}

/// Decodes one 32-bit instruction word.
///
/// Bits that a format does not use are ignored, as the reference emulator
/// ignores them; re-encoding therefore yields the canonical word.
#[inline]
pub fn decode(word: u32) -> Result<Inst, DecodeError> {
    let opcode = (word & 0x7F) as u8;
    let op = Opcode::from_u7(opcode).ok_or(DecodeError::UnknownOpcode { opcode, word })?;
    let rd = ((word >> 7) & 0x1F) as u8;
    let rs1 = ((word >> 15) & 0x1F) as u8;
    let rs2 = ((word >> 20) & 0x1F) as u8;
    let (rd, rs1, rs2, imm) = match op.format() {
        Format::R => (rd, rs1, rs2, 0),
        Format::R2 => (rd, rs1, 0, 0),
        Format::R1 => (0, rs1, 0, 0),
        Format::Rcmp => (0, rs1, rs2, 0),
        Format::I => (rd, rs1, 0, (word as i32) >> 20),
        Format::Iz => (rd, rs1, 0, (word >> 20) as i32),
        Format::S => {
            let imm = ((word >> 7) & 0x1F) | ((word >> 25) << 5);
            (0, rs1, rs2, sext(imm, 12))
        }
        Format::B => {
            let imm = (((word >> 8) & 0xF) << 1)
                | (((word >> 25) & 0x3F) << 5)
                | (((word >> 7) & 1) << 11)
                | ((word >> 31) << 12);
            (0, rs1, rs2, sext(imm, 13))
        }
        Format::U => (rd, 0, 0, (word & 0xFFFF_F000) as i32),
        Format::J => {
            let imm = (((word >> 21) & 0x3FF) << 1)
                | (((word >> 20) & 1) << 11)
                | (((word >> 12) & 0xFF) << 12)
                | ((word >> 31) << 20);
            (rd, 0, 0, sext(imm, 21))
        }
        Format::N => (0, 0, 0, 0),
    };
    Ok(Inst {
        op,
        rd,
        rs1,
        rs2,
        imm,
    })
}

/// Why an instruction cannot be encoded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    #[error("register r{0} does not exist (r0..r31)")]
    BadRegister(u8),
    #[error("{op}: immediate {imm} does not fit in {bits} bits")]
    ImmOutOfRange { op: Opcode, imm: i64, bits: u32 },
    #[error("{op}: offset {imm} is odd; branch and jump offsets must be even")]
    OddOffset { op: Opcode, imm: i64 },
    #[error("lui: value 0x{0:08X} has non-zero low 12 bits")]
    LuiLowBits(u32),
}

fn check_reg(r: u8) -> Result<u32, EncodeError> {
    if r < 32 {
        Ok(r as u32)
    } else {
        Err(EncodeError::BadRegister(r))
    }
}

/// Encodes an instruction; the inverse of [`decode`] on canonical words.
///
/// For `I` format the immediate must be in -2048..=2047, for `Iz` in
/// 0..=4095 (a negative value in -2048..=-1 is accepted and stored as its
/// low 12 bits, which is what assemblers conventionally do). For `U` the
/// immediate is the final value, whose low 12 bits must be zero.
pub fn encode(inst: &Inst) -> Result<u32, EncodeError> {
    let op = inst.op;
    let opc = op as u32;
    let rd = check_reg(inst.rd)?;
    let rs1 = check_reg(inst.rs1)?;
    let rs2 = check_reg(inst.rs2)?;
    let imm = inst.imm as i64;
    let range = |lo: i64, hi: i64, bits: u32| {
        if imm < lo || imm > hi {
            Err(EncodeError::ImmOutOfRange { op, imm, bits })
        } else {
            Ok(())
        }
    };
    Ok(match op.format() {
        Format::R => opc | rd << 7 | rs1 << 15 | rs2 << 20,
        Format::R2 => opc | rd << 7 | rs1 << 15,
        Format::R1 => opc | rs1 << 15,
        Format::Rcmp => opc | rs1 << 15 | rs2 << 20,
        Format::I => {
            range(-2048, 2047, 12)?;
            opc | rd << 7 | rs1 << 15 | ((imm as u32) & 0xFFF) << 20
        }
        Format::Iz => {
            range(-2048, 4095, 12)?;
            opc | rd << 7 | rs1 << 15 | ((imm as u32) & 0xFFF) << 20
        }
        Format::S => {
            range(-2048, 2047, 12)?;
            let i = imm as u32;
            opc | (i & 0x1F) << 7 | rs1 << 15 | rs2 << 20 | ((i >> 5) & 0x7F) << 25
        }
        Format::B => {
            range(-4096, 4094, 13)?;
            if imm & 1 != 0 {
                return Err(EncodeError::OddOffset { op, imm });
            }
            let i = imm as u32;
            opc | ((i >> 11) & 1) << 7
                | ((i >> 1) & 0xF) << 8
                | rs1 << 15
                | rs2 << 20
                | ((i >> 5) & 0x3F) << 25
                | ((i >> 12) & 1) << 31
        }
        Format::U => {
            let v = inst.imm as u32;
            if v & 0xFFF != 0 {
                return Err(EncodeError::LuiLowBits(v));
            }
            opc | rd << 7 | v
        }
        Format::J => {
            range(-(1 << 20), (1 << 20) - 2, 21)?;
            if imm & 1 != 0 {
                return Err(EncodeError::OddOffset { op, imm });
            }
            let i = imm as u32;
            opc | rd << 7
                | ((i >> 12) & 0xFF) << 12
                | ((i >> 11) & 1) << 20
                | ((i >> 1) & 0x3FF) << 21
                | ((i >> 20) & 1) << 31
        }
        Format::N => opc,
    })
}

/// Control-flow successor of an instruction at `pc`, statically known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Falls through to `pc + 4`.
    Next,
    /// Conditional branch: taken target, else `pc + 4`.
    Branch { taken: u32 },
    /// Unconditional direct jump (JAL); `link` says whether rd != r0.
    Jump { target: u32, link: bool },
    /// Indirect jump (JALR); target known only at run time.
    Indirect { link: bool },
    /// Stops the machine (HALT).
    Stop,
}

impl Inst {
    /// Static successor information for the instruction at `pc`.
    pub fn flow(&self, pc: u32) -> Flow {
        match self.op {
            Opcode::Jal => Flow::Jump {
                target: pc.wrapping_add(self.imm as u32),
                link: self.rd != 0,
            },
            Opcode::Jalr => Flow::Indirect { link: self.rd != 0 },
            Opcode::Halt => Flow::Stop,
            op if op.is_branch() => Flow::Branch {
                taken: pc.wrapping_add(4).wrapping_add(self.imm as u32),
            },
            _ => Flow::Next,
        }
    }
}
