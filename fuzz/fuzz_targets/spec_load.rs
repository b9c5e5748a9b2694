//! Spec loading and validation never panic: any bytes, read as an endpoint, types or errors
//! file next to the real error tables, either resolve or give located diagnostics.
#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use wechat_invoice_codegen::{Failure, SourceFile, resolve};

const GENERAL: &str = include_str!("../../spec/errors/general.yaml");
const INVOICE: &str = include_str!("../../spec/errors/invoice.yaml");

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let folder = ["endpoints", "types", "errors"][usize::from(selector) % 3];
    let sources = vec![
        SourceFile { path: PathBuf::from("spec/errors/general.yaml"), text: GENERAL.to_string() },
        SourceFile { path: PathBuf::from("spec/errors/invoice.yaml"), text: INVOICE.to_string() },
        SourceFile { path: PathBuf::from(format!("spec/{folder}/fuzzed.yaml")), text: String::from_utf8_lossy(rest).into_owned() },
    ];
    match resolve(&sources) {
        Ok(_) => {}
        Err(Failure::Spec { diagnostics, .. }) => {
            assert!(!diagnostics.is_empty());
            for diagnostic in diagnostics.iter() {
                assert!(diagnostic.position.is_known(), "unlocated: {diagnostic}");
            }
        }
        Err(Failure::Emit(err)) => panic!("emit failure from resolve: {err}"),
    }
});
