//! Names: spec names to Rust names, and the rules an identifier must follow.

/// Words Rust reserves; a field or endpoint with such a name needs `rust_name`.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop",
    "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "self",
    "Self", "static", "struct", "super", "trait", "true", "try", "type", "typeof", "union",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield", "abstract", "become",
];

/// The method that finishes every generated builder (`X::builder()…build()`): a field of that
/// name would make its setter clash with it, so it needs `rust_name`.
pub const BUILDER_FINISH: &str = "build";

/// Whether `name` is a Rust keyword (strict or reserved).
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Whether `name` is a snake_case Rust identifier that is not a keyword.
pub fn is_snake_case(name: &str) -> bool {
    let mut chars = name.chars();
    let starts_well = matches!(chars.next(), Some('a'..='z'));
    starts_well
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.contains("__")
        && !name.ends_with('_')
        && !is_keyword(name)
}

/// Whether `name` is a PascalCase Rust identifier.
pub fn is_pascal_case(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('A'..='Z'))
        && chars.all(|c| c.is_ascii_alphanumeric())
        && !is_keyword(name)
}

/// `get_auth_data` → `GetAuthData`; also accepts names with digits (`e01_x` → `E01X`).
pub fn pascal_case(snake: &str) -> String {
    snake
        .split(['_', '-', ' '])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// Suggests the closest of `candidates` to `word`, when one is close enough to be a typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (edit_distance(word, candidate), candidate))
        .filter(|(distance, candidate)| *distance <= 2.max(candidate.len() / 3))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_case_joins_words() {
        assert_eq!(pascal_case("get_auth_data"), "GetAuthData");
        assert_eq!(pascal_case("nontax_insert_bill"), "NontaxInsertBill");
    }

    #[test]
    fn keywords_are_not_snake_case_identifiers() {
        assert!(is_snake_case("order_id"));
        assert!(!is_snake_case("type"));
        assert!(!is_snake_case("Order"));
        assert!(!is_snake_case("scan_ text"));
    }

    #[test]
    fn closest_finds_typos_only() {
        assert_eq!(closest("strng", ["string", "integer"]), Some("string"));
        assert_eq!(closest("qwerty", ["string", "integer"]), None);
    }

    #[test]
    fn pascal_case_names_start_with_a_capital_and_hold_only_letters_and_digits() {
        assert!(is_pascal_case("GetAuthData"));
        assert!(is_pascal_case("E01"));
        assert!(!is_pascal_case("getAuthData"));
        assert!(!is_pascal_case("Get_Auth"));
        assert!(!is_pascal_case("get_auth"));
        assert!(!is_pascal_case(""));
        assert!(!is_pascal_case("Self"), "a keyword");
    }

    #[test]
    fn edit_distance_counts_insertions_deletions_and_substitutions() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("ab", "ba"), 2);
        assert_eq!(edit_distance("string", "strng"), 1);
    }

    #[test]
    fn closest_allows_more_typos_in_longer_words() {
        assert_eq!(edit_distance("descripshun", "description"), 3);
        assert_eq!(closest("descripshun", ["description"]), Some("description"));
        assert_eq!(closest("abc", ["xyz"]), None, "3 edits in a 3-letter word");
        assert_eq!(
            closest("integr", ["integer", "intege"]),
            Some("integer"),
            "the nearest of several"
        );
    }
}
