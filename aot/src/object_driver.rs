//! The object driver: compiles a whole program into a relocatable object
//! (cranelift-object) that, linked with the runtime library
//! ([`crate::link`]), is a standalone executable.
//!
//! Besides the guest functions and the entry table the object holds:
//!
//! - `fast32_aot_image`: the whole `.s32x`, read-only; the runtime loads
//!   guest memory from it exactly as `fast32 run` loads the file;
//! - `fast32_aot_funcs` / `fast32_aot_func_sizes`: every function's address
//!   and size, and `fast32_aot_sites`: fault sites as (function, offset)
//!   pairs, from which the runtime builds its host-PC → guest-PC table;
//! - `fast32_aot_descriptor`: an [`ExeDescriptor`] pointing at all of it;
//! - `main(argc, argv)`: calls `fast32_aot_main(argc, argv, &descriptor)`.
//!
//! [`ExeDescriptor`]: fast32_aot_runtime::exe::ExeDescriptor

use crate::discover::{discover, CodeImage};
use crate::driver;
use crate::jit_driver::{AotError, AotOptions};
use crate::lower;
use cranelift_codegen::ir::{types, AbiParam, InstBuilder, UserFuncName};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_module::{default_libcall_names, DataDescription, DataId, Linkage, Module};
use cranelift_object::{ObjectBuilder, ObjectModule};
use fast32_aot_runtime::exe::{descriptor_offsets as off, RawSite, DESCRIPTOR_MAGIC};
use fast32_isa::s32x::Image;
use std::time::{Duration, Instant};

/// An object file and what it took to make it.
pub struct ObjectOutput {
    pub bytes: Vec<u8>,
    pub phases: Phases,
    pub functions: u64,
    pub blocks: u64,
    pub guest_insns: u64,
    pub code_bytes: u64,
    /// What the profile changed.
    pub explain: crate::pgo::Explain,
}

/// Wall time of each compilation phase.
#[derive(Clone, Copy, Debug, Default)]
pub struct Phases {
    pub discovery: Duration,
    pub lowering: Duration,
    pub cranelift: Duration,
    pub emit: Duration,
    pub link: Duration,
}

fn merr(e: impl std::fmt::Display) -> AotError {
    AotError::Module(e.to_string())
}

fn define_bytes(
    m: &mut ObjectModule,
    name: &str,
    bytes: Vec<u8>,
    align: u64,
    writable: bool,
) -> Result<DataId, AotError> {
    let id = m
        .declare_data(name, Linkage::Local, writable, false)
        .map_err(merr)?;
    let mut d = DataDescription::new();
    d.define(bytes.into_boxed_slice());
    d.set_align(align);
    m.define_data(id, &d).map_err(merr)?;
    Ok(id)
}

/// Compiles `image` (whose file contents are `image_bytes`) to an object.
pub fn compile_object(
    image_bytes: &[u8],
    image: &Image,
    opts: &AotOptions,
) -> Result<ObjectOutput, AotError> {
    let mut phases = Phases::default();
    let t = Instant::now();
    let code = CodeImage::from_image(image);
    let mut prog = discover(&code, &opts.discover);
    if opts.inline {
        crate::inline::plan(&mut prog, &code, opts.hints.as_deref());
    }
    phases.discovery = t.elapsed();

    let isa = driver::host_isa(opts.opt_level, opts.verify, true, false)?;
    let builder = ObjectBuilder::new(isa, "fast32-guest", default_libcall_names()).map_err(merr)?;
    let mut m = ObjectModule::new(builder);
    let mut decls = lower::declare(&mut m, &prog, opts.interruptible).map_err(merr)?;
    decls.hints = opts.hints.clone();
    let live = std::sync::Arc::new(crate::liveness::analyze(&prog, &code));
    decls.live = Some(live.clone());
    lower::declare_twins(&mut m, &mut decls, &prog).map_err(merr)?;
    // An executable runs one machine: its memory can be at a fixed place.
    decls.fixed_mem_base = Some(fast32_aot_runtime::FIXED_MEM_BASE);
    decls.fixed_state = Some(fast32_aot_runtime::FIXED_STATE);
    let plan = opts.intrinsics.then(|| {
        std::sync::Arc::new(crate::intrinsics::plan(
            image,
            &code,
            &prog,
            &opts.discover,
            &live,
        ))
    });
    let report = plan
        .as_ref()
        .map(|p| p.render(opts.hints.as_deref()))
        .unwrap_or_else(|| "intrinsics: off\n".into());
    if let Some(p) = plan {
        decls.intrinsics = crate::intrinsics::declare(&mut m, p).map_err(merr)?;
    }
    lower::define_entry_table(&mut m, &decls, &prog, &code).map_err(merr)?;
    let mut actx = m.make_context();
    lower::define_adapter(&mut m, &decls, &mut actx).map_err(merr)?;
    let mut compiled =
        driver::compile_functions(&mut m, &decls, &prog, &code, opts.clif_dir.as_deref())?;
    compiled.explain.intrinsics = report;
    phases.lowering = compiled.lower_time;
    phases.cranelift = compiled.codegen_time;

    let t = Instant::now();
    // The functions, then their twins: the order of `compiled.sizes` and
    // `compiled.sites`.
    let all_funcs: Vec<_> = decls.funcs.iter().chain(&compiled.twins).copied().collect();
    let nfuncs = all_funcs.len();
    let image_id = define_bytes(&mut m, "fast32_aot_image", image_bytes.to_vec(), 16, false)?;
    // Function addresses: one relocated word each.
    let funcs_id = m
        .declare_data("fast32_aot_funcs", Linkage::Local, false, false)
        .map_err(merr)?;
    let mut d = DataDescription::new();
    d.define(vec![0u8; nfuncs.max(1) * 8].into_boxed_slice());
    d.set_align(8);
    for (i, &f) in all_funcs.iter().enumerate() {
        let r = m.declare_func_in_data(f, &mut d);
        d.write_function_addr((i * 8) as u32, r);
    }
    m.define_data(funcs_id, &d).map_err(merr)?;
    let sizes: Vec<u8> = compiled
        .sizes
        .iter()
        .flat_map(|s| s.to_le_bytes())
        .collect();
    let sizes_id = define_bytes(&mut m, "fast32_aot_func_sizes", sizes, 8, false)?;
    let mut sites = Vec::new();
    for (fi, ss) in compiled.sites.iter().enumerate() {
        for s in ss {
            sites.extend_from_slice(
                &RawSite {
                    func: fi as u32,
                    offset: s.offset,
                    guest_pc: s.guest_pc,
                    kind: s.kind as u32 as u8,
                    size: s.size,
                    _pad: 0,
                }
                .to_bytes(),
            );
        }
    }
    let nsites = sites.len() / RawSite::SIZE;
    let sites_id = define_bytes(&mut m, "fast32_aot_sites", sites, 8, false)?;

    // The descriptor.
    let desc_id = m
        .declare_data("fast32_aot_descriptor", Linkage::Local, false, false)
        .map_err(merr)?;
    let mut bytes = vec![0u8; off::SIZE];
    let mut put = |o: usize, v: u64| bytes[o..o + 8].copy_from_slice(&v.to_le_bytes());
    put(off::MAGIC, DESCRIPTOR_MAGIC);
    put(off::IMAGE_LEN, image_bytes.len() as u64);
    put(off::ENTRIES_LEN, code.words.len() as u64);
    put(off::NFUNCS, nfuncs as u64);
    put(off::NSITES, nsites as u64);
    put(off::MEM_BASE, decls.fixed_mem_base.unwrap_or(0));
    put(off::STATE, decls.fixed_state.unwrap_or(0));
    let mut d = DataDescription::new();
    d.define(bytes.into_boxed_slice());
    d.set_align(8);
    let addr = |d: &mut DataDescription, o: usize, id: DataId| {
        let gv = m.declare_data_in_data(id, d);
        d.write_data_addr(o as u32, gv, 0);
    };
    addr(&mut d, off::IMAGE, image_id);
    addr(&mut d, off::ENTRIES, decls.table);
    addr(&mut d, off::FUNCS, funcs_id);
    addr(&mut d, off::FUNC_SIZES, sizes_id);
    addr(&mut d, off::SITES, sites_id);
    let adapter = m.declare_func_in_data(decls.adapter, &mut d);
    d.write_function_addr(off::ADAPTER as u32, adapter);
    if let Some(slot) = decls.interrupt {
        addr(&mut d, off::INTERRUPT_SLOT, slot);
    }
    m.define_data(desc_id, &d).map_err(merr)?;

    // main(argc, argv) = fast32_aot_main(argc, argv, &descriptor)
    let mut sig = m.make_signature();
    sig.params.push(AbiParam::new(types::I32));
    sig.params.push(AbiParam::new(types::I64));
    sig.returns.push(AbiParam::new(types::I32));
    let mut rt_sig = sig.clone();
    rt_sig.params.push(AbiParam::new(types::I64));
    let main_id = m
        .declare_function("main", Linkage::Export, &sig)
        .map_err(merr)?;
    let rt_main = m
        .declare_function("fast32_aot_main", Linkage::Import, &rt_sig)
        .map_err(merr)?;
    let mut ctx = m.make_context();
    let config = m.target_config();
    ctx.func.signature = sig;
    ctx.func.name = UserFuncName::user(0, main_id.as_u32());
    {
        let mut fbc = FunctionBuilderContext::new();
        let mut b = FunctionBuilder::new(&mut ctx.func, &mut fbc);
        let blk = b.create_block();
        b.append_block_params_for_function_params(blk);
        b.switch_to_block(blk);
        let p = b.block_params(blk).to_vec();
        let callee = m.declare_func_in_func(rt_main, b.func);
        let gv = m.declare_data_in_func(desc_id, b.func);
        let dp = b.ins().symbol_value(types::I64, gv);
        let call = b.ins().call(callee, &[p[0], p[1], dp]);
        let r = b.inst_results(call)[0];
        b.ins().return_(&[r]);
        b.seal_all_blocks();
        b.finalize(config);
    }
    m.define_function(main_id, &mut ctx).map_err(merr)?;

    let bytes = m.finish().emit().map_err(merr)?;
    phases.emit = t.elapsed();
    Ok(ObjectOutput {
        bytes,
        phases,
        functions: nfuncs as u64,
        blocks: prog.blocks.len() as u64,
        guest_insns: prog.instruction_count(),
        code_bytes: compiled.sizes.iter().map(|&s| s as u64).sum(),
        explain: compiled.explain,
    })
}
