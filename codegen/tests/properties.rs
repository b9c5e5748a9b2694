//! The loader and validator never panic: arbitrary YAML and real spec files mutated at random
//! either load or yield diagnostics that name the file and a position in it.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use wechat_invoice_codegen::{Failure, SourceFile, load, resolve};

fn real_spec() -> &'static [SourceFile] {
    static SPEC: OnceLock<Vec<SourceFile>> = OnceLock::new();
    SPEC.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
        load::read_dir(&dir).unwrap_or_else(|problems| panic!("{problems:?}"))
    })
}

/// Loads, validates and resolves; fails the property when a diagnostic lacks its file or
/// position. (Emitting a validated spec is covered by the snapshot and real-spec tests.)
fn check_outcome(sources: &[SourceFile]) -> Result<(), TestCaseError> {
    match resolve(sources) {
        Ok(_) => Ok(()),
        Err(Failure::Spec { diagnostics, .. }) => {
            prop_assert!(!diagnostics.is_empty(), "a failure without diagnostics");
            for diagnostic in diagnostics.iter() {
                prop_assert!(
                    sources.iter().any(|s| s.path == diagnostic.file),
                    "diagnostic names an unknown file: {diagnostic}"
                );
                prop_assert!(
                    diagnostic.position.is_known(),
                    "diagnostic without a position: {diagnostic}"
                );
                prop_assert!(!diagnostic.message.is_empty());
            }
            Ok(())
        }
        Err(Failure::Emit(err)) => Err(TestCaseError::fail(format!(
            "emitter failed on a validated spec: {err}"
        ))),
    }
}

/// Text that looks like YAML: keys of the spec language, indentation, flow syntax, scalars.
fn yamlish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("endpoint: "),
        Just("type: "),
        Just("fields:"),
        Just("items:"),
        Just("values:"),
        Just("request:"),
        Just("response:"),
        Just("errors: "),
        Just("examples:"),
        Just("- "),
        Just("code: "),
        Just("variant: "),
        Just("http:"),
        Just("  "),
        Just("\n"),
        Just("{"),
        Just("}"),
        Just("["),
        Just("]"),
        Just(", "),
        Just("\""),
        Just("'"),
        Just("&a "),
        Just("*a"),
        Just("!tag "),
        Just("string"),
        Just("object"),
        Just("array"),
        Just("-1"),
        Just("72038"),
        Just("true"),
        Just("~"),
        Just("# c"),
        Just("|\n"),
        Just(">-\n"),
        Just("x"),
        Just("发票"),
        Just(": "),
    ];
    prop::collection::vec(token, 0..60).prop_map(|parts| parts.concat())
}

/// A real spec file changed in one of the ways a human breaks files.
#[derive(Debug, Clone)]
enum Mutation {
    RemoveLine(usize),
    CutAt(usize),
    DuplicateLine(usize),
    SwapWord(usize, &'static str),
    Indent(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let words = prop::sample::select(vec![
        "strin", "integer", "objet", "array", "Named", "true", "-", "[", "type",
    ]);
    prop_oneof![
        any::<usize>().prop_map(Mutation::RemoveLine),
        any::<usize>().prop_map(Mutation::CutAt),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), words).prop_map(|(i, w)| Mutation::SwapWord(i, w)),
        any::<usize>().prop_map(Mutation::Indent),
    ]
}

fn apply(text: &str, mutation: &Mutation) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        return text.to_string();
    }
    let pick = |i: usize| i % lines.len();
    match mutation {
        Mutation::RemoveLine(i) => {
            let index = pick(*i);
            lines.remove(index);
        }
        Mutation::CutAt(i) => {
            let mut end = i % (text.len() + 1);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            return text[..end].to_string();
        }
        Mutation::DuplicateLine(i) => {
            let index = pick(*i);
            let line = lines[index].clone();
            lines.insert(index, line);
        }
        Mutation::SwapWord(i, word) => {
            let index = pick(*i);
            let line = &lines[index];
            lines[index] = match line.split_once(": ") {
                Some((key, _)) => format!("{key}: {word}"),
                None => format!("{line} {word}"),
            };
        }
        Mutation::Indent(i) => {
            let index = pick(*i);
            lines[index] = format!("   {}", lines[index]);
        }
    }
    lines.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_yaml_loads_or_is_located(text in yamlish(), folder in prop::sample::select(vec!["endpoints", "types", "errors"])) {
        let mut sources: Vec<SourceFile> =
            real_spec().iter().filter(|s| s.path.to_string_lossy().contains("errors")).cloned().collect();
        sources.push(SourceFile { path: PathBuf::from(format!("spec/{folder}/fuzzed.yaml")), text });
        check_outcome(&sources)?;
    }

    #[test]
    fn arbitrary_bytes_as_text_load_or_are_located(text in "\\PC{0,200}") {
        let sources = vec![SourceFile { path: PathBuf::from("spec/endpoints/any.yaml"), text }];
        check_outcome(&sources)?;
    }

    #[test]
    fn mutated_real_files_load_or_are_located(file in any::<usize>(), mutations in prop::collection::vec(mutation(), 1..4)) {
        let mut sources = real_spec().to_vec();
        let index = file % sources.len();
        for mutation in &mutations {
            sources[index].text = apply(&sources[index].text, mutation);
        }
        check_outcome(&sources)?;
    }
}
