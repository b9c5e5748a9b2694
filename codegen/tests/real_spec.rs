//! The committed spec/ (or the directory in `SPEC_DIR`) passes every check and generates.
use std::path::PathBuf;

#[test]
fn committed_spec_generates() {
    let spec_dir = std::env::var_os("SPEC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec"));
    match wechat_invoice_codegen::generate_dir(&spec_dir) {
        Ok(output) => assert!(!output.api.endpoints.is_empty()),
        Err((failure, _)) => panic!("\n{}", failure.render()),
    }
}
