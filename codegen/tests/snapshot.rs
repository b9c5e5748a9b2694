//! Snapshots of the code emitted for a fixture spec that uses every construct of the language.
//! Review changes with `cargo insta review` (or `INSTA_UPDATE=always cargo test`).

use std::path::Path;

#[test]
fn kitchen_sink_emits_the_reviewed_code() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kitchen_sink");
    let output = match wechat_invoice_codegen::generate_dir(&spec) {
        Ok(output) => output,
        Err((failure, _)) => panic!("{}", failure.render()),
    };
    for file in &output.files {
        let name = file.name.replace('/', "__").replace(".rs", "");
        insta::assert_snapshot!(name, file.contents);
    }
}

#[test]
fn generation_is_deterministic() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kitchen_sink");
    let first = wechat_invoice_codegen::generate_dir(&spec)
        .map(|o| o.files)
        .ok();
    let second = wechat_invoice_codegen::generate_dir(&spec)
        .map(|o| o.files)
        .ok();
    assert!(first.is_some());
    assert_eq!(first, second);
}
