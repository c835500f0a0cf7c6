//! MMIO host services (being written).
