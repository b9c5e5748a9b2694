//! `generated/` is the code `build.rs` emitted, byte for byte, so a PR shows the Rust change
//! next to the spec change. When it is stale this test writes the fresh copy (like prost's
//! bootstrap test) and fails: review the diff and commit it.

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(root: &Path, dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(root, &path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path.strip_prefix(root).expect("inside root").to_path_buf());
        }
    }
}

fn listing(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    rust_files(dir, dir, &mut found);
    found.sort();
    found
}

#[test]
fn generated_dir_is_what_build_rs_emitted() {
    let emitted = Path::new(env!("OUT_DIR")).join("generated");
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("generated");
    let emitted_files = listing(&emitted);
    let mut stale = Vec::new();
    for name in &emitted_files {
        let fresh = fs::read_to_string(emitted.join(name)).expect("build.rs output is readable");
        let current = fs::read_to_string(committed.join(name)).ok();
        if current.as_deref() != Some(fresh.as_str()) {
            let target = committed.join(name);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent).expect("can create generated/");
            }
            fs::write(&target, fresh).expect("can write generated/");
            stale.push(name.display().to_string());
        }
    }
    for name in listing(&committed) {
        if !emitted_files.contains(&name) {
            fs::remove_file(committed.join(&name)).expect("can remove a stale file");
            stale.push(format!("{} (no longer generated)", name.display()));
        }
    }
    assert!(
        stale.is_empty(),
        "generated/ was out of date with spec/ in: {}.\nThe fresh copy has been written; review it with \
         `git diff generated/` and commit it (or run `cargo run -p wxinvoice -- generate`).",
        stale.join(", ")
    );
}
