//! The real `build.rs` (with the `regenerate` feature), run by cargo in a throw-away crate: it regenerates when a spec file
//! changes or appears, does nothing when nothing changed, and fails a broken spec with a
//! located message instead of a panic.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A crate that uses this repository's `build.rs` and codegen on a spec of its own.
struct Consumer {
    dir: PathBuf,
}

impl Consumer {
    fn new(name: &str) -> Self {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("src")).expect("create crate");
        let manifest = format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\
             build = \"{root}/build.rs\"\n\n[workspace]\n\n[features]\ndefault = [\"regenerate\"]\nregenerate = []\n\n[build-dependencies]\n\
             wechat-invoice-codegen = {{ path = \"{root}/codegen\" }}\n",
            name = name.replace('_', "-"),
            root = ROOT
        );
        fs::write(dir.join("Cargo.toml"), manifest).expect("write manifest");
        fs::write(dir.join("src/lib.rs"), "").expect("write lib");
        fs::copy(Path::new(ROOT).join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy lock");
        for folder in ["errors", "endpoints", "types"] {
            fs::create_dir_all(dir.join("spec").join(folder)).expect("create spec");
        }
        for file in [
            "errors/general.yaml",
            "errors/invoice.yaml",
            "endpoints/get_auth_data.yaml",
            // `user_auth_info`'s custom fields use the shared `AuthCustomFieldValue`.
            "types/merchant.yaml",
        ] {
            fs::copy(
                Path::new(ROOT).join("spec").join(file),
                dir.join("spec").join(file),
            )
            .expect("copy spec");
        }
        Self { dir }
    }

    fn spec(&self, file: &str) -> PathBuf {
        self.dir.join("spec").join(file)
    }

    /// Runs `cargo build -v`; returns success and stderr.
    fn build(&self) -> (bool, String) {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let output = Command::new(cargo)
            .args(["build", "-v", "--offline"])
            .current_dir(&self.dir)
            .env(
                "CARGO_TARGET_DIR",
                Path::new(ROOT).join("target/build-script-tests"),
            )
            .env_remove("RUSTFLAGS")
            .output()
            .expect("cargo runs");
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// Whether the last build ran the build script.
    fn ran_build_script(stderr: &str) -> bool {
        stderr
            .lines()
            .any(|line| line.contains("Running") && line.contains("build-script-build"))
    }
}

#[test]
fn build_script_reruns_only_when_the_spec_changes() {
    let consumer = Consumer::new("rerun_consumer");
    let (ok, stderr) = consumer.build();
    assert!(ok, "first build fails:\n{stderr}");
    assert!(
        Consumer::ran_build_script(&stderr),
        "first build runs build.rs:\n{stderr}"
    );

    let (ok, stderr) = consumer.build();
    assert!(ok, "{stderr}");
    assert!(
        !Consumer::ran_build_script(&stderr),
        "a no-op rebuild must not run build.rs:\n{stderr}"
    );

    let endpoint = consumer.spec("endpoints/get_auth_data.yaml");
    let text = fs::read_to_string(&endpoint).expect("read") + "\n# touched\n";
    std::thread::sleep(std::time::Duration::from_millis(1100));
    fs::write(&endpoint, text).expect("touch");
    let (ok, stderr) = consumer.build();
    assert!(ok, "{stderr}");
    assert!(
        Consumer::ran_build_script(&stderr),
        "editing a spec file reruns build.rs:\n{stderr}"
    );

    std::thread::sleep(std::time::Duration::from_millis(1100));
    fs::create_dir_all(consumer.spec("types")).expect("types dir");
    fs::write(
        consumer.spec("types/extra.yaml"),
        "types:\n  Extra:\n    description: A new type.\n    fields:\n      a:\n        type: string\n        description: A.\n",
    )
    .expect("new file");
    let (ok, stderr) = consumer.build();
    assert!(ok, "{stderr}");
    assert!(
        Consumer::ran_build_script(&stderr),
        "a new spec file reruns build.rs:\n{stderr}"
    );
}

#[test]
fn a_broken_spec_fails_the_build_with_a_located_message() {
    let consumer = Consumer::new("broken_consumer");
    let endpoint = consumer.spec("endpoints/get_auth_data.yaml");
    let text = fs::read_to_string(&endpoint)
        .expect("read")
        .replace("    width: 64\n", "    width: 64\n    requird: false\n");
    fs::write(&endpoint, &text).expect("write");
    let line = text
        .lines()
        .position(|l| l.contains("requird"))
        .expect("inserted")
        + 1;

    let (ok, stderr) = consumer.build();
    assert!(!ok, "the build must fail");
    let located = format!(
        "spec/endpoints/get_auth_data.yaml:{line}:5: error[unknown-key]: unknown field `requird`"
    );
    assert!(
        stderr.contains(&located),
        "missing `{located}` in:\n{stderr}"
    );
    assert!(stderr.contains("help: remove the key"), "{stderr}");
    assert!(!stderr.contains("panicked"), "no panic:\n{stderr}");
    assert!(
        !stderr.contains("RUST_BACKTRACE"),
        "no backtrace hint:\n{stderr}"
    );

    let fixed = text.replace("    requird: false\n", "");
    fs::write(&endpoint, fixed).expect("fix");
    let (ok, stderr) = consumer.build();
    assert!(ok, "fixing the spec fixes the build:\n{stderr}");
}
