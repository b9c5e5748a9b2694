//! What this binary was built with: the repository's spec (embedded by the mock crate at build
//! time, the same files `build.rs` generated the compiled types from), and name suggestions
//! over it.

use wechat_invoice_codegen::Api;

use crate::outcome::CliError;

/// The spec `wxinvoice` was built from, resolved.
pub fn api() -> Result<Api, CliError> {
    wechat_invoice_mock::embedded_api().map_err(|failure| {
        CliError::new(format!(
            "the built-in spec does not load (a build problem):\n{}",
            failure.render()
        ))
    })
}

/// Names among `candidates` close to `word`: the typo-close one first, then those containing
/// it or contained in it (case-insensitive); at most `limit`.
pub fn close_names<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
    limit: usize,
) -> Vec<&'a str> {
    let lower = word.to_lowercase();
    let mut found: Vec<&str> = Vec::new();
    if let Some(typo) = wechat_invoice_codegen::naming::closest(word, candidates.clone()) {
        found.push(typo);
    }
    if !lower.is_empty() {
        for candidate in candidates {
            let other = candidate.to_lowercase();
            if (other.contains(&lower) || lower.contains(&other)) && !found.contains(&candidate) {
                found.push(candidate);
            }
        }
    }
    found.truncate(limit);
    found
}

/// `did you mean `a`, `b`?` when there are close names, else `hint`.
pub fn suggestion(close: &[&str], hint: &str) -> String {
    if close.is_empty() {
        return hint.to_string();
    }
    let names: Vec<String> = close.iter().map(|name| format!("`{name}`")).collect();
    format!("did you mean {}?", names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_find_typos_and_parts() {
        let names = ["GetAuthDataRequest", "GetAuthDataResponse", "SetUrlRequest"];
        assert_eq!(
            close_names("GetAuthDataRequst", names, 5),
            ["GetAuthDataRequest"]
        );
        assert_eq!(
            close_names("authdata", names, 5),
            ["GetAuthDataRequest", "GetAuthDataResponse"]
        );
        assert!(close_names("Zzz", names, 5).is_empty());
    }

    #[test]
    fn the_built_in_spec_loads() {
        let api = api().expect("embedded spec");
        assert!(!api.endpoints.is_empty());
    }
}
