//! `generated/` is the code the generator writes for `spec/`, byte for byte, so a PR shows the
//! Rust change next to the spec change, and `build.rs` can copy it when the `regenerate`
//! feature is off. The generator runs here, in the test, so this holds with or without that
//! feature. When it is stale this test writes the fresh copy (like prost's bootstrap test) and
//! fails: review the diff and commit it.

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
fn generated_dir_is_what_the_generator_writes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = wechat_invoice_codegen::generate_dir(&root.join("spec"))
        .unwrap_or_else(|(failure, _)| panic!("{}", failure.render()));
    let committed = root.join("generated");
    let emitted_files: Vec<PathBuf> = output
        .files
        .iter()
        .map(|file| PathBuf::from(&file.name))
        .collect();
    let mut stale = Vec::new();
    for file in &output.files {
        let current = fs::read_to_string(committed.join(&file.name)).ok();
        if current.as_deref() != Some(file.contents.as_str()) {
            let target = committed.join(&file.name);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent).expect("can create generated/");
            }
            fs::write(&target, &file.contents).expect("can write generated/");
            stale.push(file.name.clone());
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
