//! Unified diffs of text files, as `git diff` prints them, for `generate --check`.

use similar::TextDiff;

/// The unified diff turning `old` into `new`, with `---`/`+++` headers naming the files.
///
/// A missing side is named `/dev/null`, like git does for created and deleted files.
pub fn unified(old_name: &str, old: &str, new_name: &str, new: &str) -> String {
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(old_name, new_name)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::unified;

    #[test]
    fn shows_changed_lines_with_headers() {
        let diff = unified("generated/a.rs", "a\nb\n", "generated/a.rs", "a\nc\n");
        assert!(
            diff.starts_with("--- generated/a.rs\n+++ generated/a.rs\n"),
            "{diff}"
        );
        assert!(diff.contains("-b\n+c\n"), "{diff}");
    }

    #[test]
    fn identical_texts_give_no_hunk() {
        assert_eq!(unified("a", "x\n", "a", "x\n").lines().count(), 0);
    }
}
