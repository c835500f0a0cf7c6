//! Builds `fast32-aot-runtime` as a static library and leaves it in
//! `OUT_DIR`, where `src/link.rs` embeds it: `fast32 compile` links AOT
//! executables against it, so fast32 needs nothing but a C compiler on
//! the machine where it compiles, and the executables need nothing.
//!
//! Cargo cannot depend on another crate's staticlib artifact (artifact
//! dependencies are unstable), so this runs a nested `cargo rustc
//! --crate-type staticlib` with its own target directory (sharing the outer
//! one would deadlock on its lock). Its jobserver is the outer build's.

use std::env;
use std::path::PathBuf;
use std::process::Command;

/// Used when rustc's `native-static-libs` note cannot be read.
const DEFAULT_NATIVE_LIBS: &str = "-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc";

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let here = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let root = here.parent().expect("workspace root").to_path_buf();
    for dep in ["aot-runtime", "runtime-lib", "jit", "isa"] {
        println!(
            "cargo:rerun-if-changed={}",
            root.join(dep).join("src").display()
        );
        println!(
            "cargo:rerun-if-changed={}",
            root.join(dep).join("Cargo.toml").display()
        );
    }
    println!(
        "cargo:rerun-if-changed={}",
        root.join("Cargo.lock").display()
    );
    println!("cargo:rerun-if-changed=build.rs");

    let target_dir = out.join("rt-target");
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.arg("rustc")
        .arg("--release")
        .arg("--lib")
        .args(["--crate-type", "staticlib"])
        .arg("--manifest-path")
        .arg(root.join("aot-runtime").join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir)
        .args(["--", "--print", "native-static-libs"])
        .env_remove("CARGO_TARGET_DIR")
        // Instrumentation flags of the outer build (cargo-fuzz) do not
        // belong in a library linked into executables.
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("RUSTFLAGS")
        // Executables need no debug info from the runtime; this keeps the
        // embedded library (and fast32) smaller.
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false");
    if env::var_os("CARGO_NET_OFFLINE").is_some() {
        cmd.arg("--offline");
    }
    // Cargo feeds its rustc probe from /dev/null. On machines where
    // /dev/null is a regular file (seen in CI containers), it holds whatever
    // another process last "discarded" into it, and the probe fails to parse
    // that text. The content changes as other processes write or truncate
    // it, so a few attempts usually pass; the message names the cause.
    let mut attempt = 0;
    let stderr = loop {
        attempt += 1;
        let output = cmd
            .output()
            .expect("cannot run cargo to build the AOT runtime");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        if output.status.success() {
            break stderr;
        }
        let bad_null =
            stderr.contains("to learn about target-specific information") && !dev_null_is_device();
        if bad_null && attempt < 5 {
            std::thread::sleep(std::time::Duration::from_millis(500 * attempt));
            continue;
        }
        let hint = if bad_null {
            "\n/dev/null on this machine is a regular file, not the null device, and \
             cargo's rustc probe read text from it; recreate it with \
             `mknod -m 666 /dev/null c 1 3`"
        } else {
            ""
        };
        panic!("building the AOT runtime library failed:\n{stderr}{hint}");
    };
    let lib = target_dir.join("release").join("libfast32_aot_runtime.a");
    std::fs::copy(&lib, out.join("libfast32_aot_runtime.a"))
        .unwrap_or_else(|e| panic!("cannot copy {}: {e}", lib.display()));
    let libs_file = out.join("native_libs.txt");
    let libs = stderr.lines().find_map(|l| {
        l.split_once("native-static-libs:")
            .map(|(_, v)| v.trim().to_string())
    });
    match libs {
        Some(l) => std::fs::write(&libs_file, l).expect("write native_libs.txt"),
        None if libs_file.exists() => {}
        None => std::fs::write(&libs_file, DEFAULT_NATIVE_LIBS).expect("write native_libs.txt"),
    }
}

/// Whether /dev/null is the character device it should be.
fn dev_null_is_device() -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        std::fs::metadata("/dev/null")
            .map(|m| m.file_type().is_char_device())
            .unwrap_or(false)
    }
    #[cfg(not(unix))]
    {
        true
    }
}
