//! SLOW-32 assembler (being written).
