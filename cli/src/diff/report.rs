//! The three ways `wxinvoice diff` prints changes: text lines, a Markdown PR comment, JSON.

use wechat_invoice_codegen::spec::Method;

use super::change::{Bump, Change, Level, Rule, Scope, Tally};

/// The rule catalogue, one `id  direction  level` line each.
pub fn rules(all: &[&Rule]) -> String {
    all.iter()
        .map(|rule| {
            format!(
                "{:<36} {:<9} {}\n",
                rule.id,
                rule.direction.name(),
                rule.level
            )
        })
        .collect()
}

/// One line per change: `[breaking] get_auth_data: request field `order_id` removed`.
pub fn text(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "no changes\n".to_string();
    }
    let mut out = String::new();
    for change in changes {
        out.push_str(&format!(
            "[{}] {}: {}\n",
            change.level(),
            change.scope.label(),
            change.message
        ));
    }
    out
}

/// A report ready to paste as a PR comment: a summary, then a section per endpoint.
pub fn markdown(changes: &[Change]) -> String {
    let tally = Tally::of(changes);
    let mut out = format!("## Spec changes: {tally}\n");
    if changes.is_empty() {
        out.push_str("\nNo changes.\n");
        return out;
    }
    let mut current: Option<&Scope> = None;
    for change in changes {
        if current != Some(&change.scope) {
            out.push_str(&format!("\n### {}\n\n", heading(&change.scope)));
            current = Some(&change.scope);
        }
        out.push_str(&format!(
            "- {} **{}** {} (`{}`)\n",
            marker(change.level()),
            change.level(),
            change.message,
            change.rule.id
        ));
    }
    out
}

/// An array of `{id, level, direction, endpoint, event, message}` objects, pretty-printed
/// (`endpoint` and `event` are `null` where the change is not about one).
pub fn json(changes: &[Change]) -> String {
    let items: Vec<serde_json::Value> = changes
        .iter()
        .map(|change| {
            serde_json::json!({
                "id": change.rule.id,
                "level": change.level().name(),
                "direction": change.rule.direction.name(),
                "endpoint": change.scope.endpoint_name(),
                "event": change.scope.event_name(),
                "message": change.message,
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&serde_json::Value::Array(items))
        .unwrap_or_else(|_| "[]".to_string());
    text.push('\n');
    text
}

/// Whether a change belongs under a CHANGELOG heading.
type Belongs = fn(&Change) -> bool;

/// A CHANGELOG entry to edit and paste: the suggested bump, then the changes under the
/// Keep a Changelog headings (breaking changes first, as “Changed (breaking)”).
pub fn changelog(changes: &[Change]) -> String {
    let bump = Bump::for_changes(changes);
    let mut out = String::from("## [Unreleased]\n");
    let Some(bump) = bump else {
        out.push_str("\nNo spec changes.\n");
        return out;
    };
    out.push_str(&format!(
        "\n<!-- drafted by `wxinvoice diff --format changelog`; suggested version bump: {} -->\n",
        bump.name()
    ));
    let groups: [(&str, Belongs); 4] = [
        ("Changed (breaking)", |c| c.level() == Level::Breaking),
        ("Changed", |c| {
            c.level() == Level::Warning
                && !c.rule.id.contains("-without-example")
                && c.rule.id != "note-names-modelled"
        }),
        ("Added", |c| {
            c.level() == Level::Info && Bump::of(c) == Bump::Minor
        }),
        ("Documentation", |c| Bump::of(c) == Bump::Patch),
    ];
    for (title, belongs) in groups {
        let lines: Vec<String> = changes
            .iter()
            .filter(|change| belongs(change))
            .map(|change| format!("- {}: {}\n", change.scope.label(), change.message))
            .collect();
        if !lines.is_empty() {
            out.push_str(&format!("\n### {title}\n\n"));
            out.extend(lines);
        }
    }
    let review: Vec<&Change> = changes
        .iter()
        .filter(|c| c.rule.id.contains("-without-example") || c.rule.id == "note-names-modelled")
        .collect();
    if !review.is_empty() {
        out.push_str(&format!(
            "\n<!-- {} reviewer warning(s) left out of the entry: run `wxinvoice diff` to see them -->\n",
            review.len()
        ));
    }
    out
}

/// The `--semver` line: the bump the changes call for, and why.
pub fn semver_hint(changes: &[Change]) -> String {
    match Bump::for_changes(changes) {
        None => "semver: none (no changes)\n".to_string(),
        Some(bump) => {
            let why = match bump {
                Bump::Major => "a change breaks existing callers",
                Bump::Minor => "new API or changed behaviour, nothing breaks a compile",
                Bump::Patch => "documentation and examples only",
            };
            let zero = if bump == Bump::Major {
                " (before 1.0: bump the minor number)"
            } else {
                ""
            };
            format!("semver: {} ({why}){zero}\n", bump.name())
        }
    }
}

fn heading(scope: &Scope) -> String {
    match scope {
        Scope::Endpoint(endpoint) => {
            let method = match endpoint.method {
                Method::Get => "GET",
                Method::Post => "POST",
            };
            format!("{method} {} ({})", endpoint.path, endpoint.name)
        }
        Scope::Errors => "Error codes".to_string(),
        Scope::Types => "Shared types".to_string(),
        Scope::Event(event) => format!("Event `{event}`"),
    }
}

fn marker(level: Level) -> &'static str {
    match level {
        Level::Breaking => ":x:",
        Level::Warning => ":warning:",
        Level::Info => ":information_source:",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::change::EndpointRef;
    use crate::diff::rules;

    fn sample() -> Vec<Change> {
        let scope = Scope::Endpoint(EndpointRef {
            name: "get_auth_data".into(),
            method: Method::Post,
            path: "/card/invoice/getauthdata".into(),
        });
        vec![
            Change {
                rule: &rules::REQUEST_FIELD_REMOVED,
                scope: scope.clone(),
                message: "request field `order_id` removed".into(),
            },
            Change {
                rule: &rules::RESPONSE_FIELD_DOC_CHANGED,
                scope,
                message: "response field `x`: description changed".into(),
            },
        ]
    }

    #[test]
    fn text_is_one_line_per_change() {
        assert_eq!(
            text(&sample()),
            "[breaking] get_auth_data: request field `order_id` removed\n\
             [info] get_auth_data: response field `x`: description changed\n"
        );
    }

    #[test]
    fn markdown_groups_by_endpoint_under_a_summary() {
        let report = markdown(&sample());
        assert!(
            report.starts_with("## Spec changes: 1 breaking, 0 warnings, 1 info\n"),
            "{report}"
        );
        assert!(report.contains("### POST /card/invoice/getauthdata (get_auth_data)"));
        assert!(report.contains(
            "- :x: **breaking** request field `order_id` removed (`request-field-removed`)"
        ));
        assert_eq!(report.matches("### ").count(), 1);
    }

    #[test]
    fn semver_is_the_largest_bump() {
        assert!(semver_hint(&sample()).starts_with("semver: major"));
        assert!(semver_hint(&sample()[1..]).starts_with("semver: patch"));
        assert_eq!(semver_hint(&[]), "semver: none (no changes)\n");
    }

    #[test]
    fn changelog_groups_breaking_first() {
        let entry = changelog(&sample());
        assert!(entry.starts_with("## [Unreleased]\n"), "{entry}");
        assert!(entry.contains("suggested version bump: major"), "{entry}");
        let breaking = entry
            .find("### Changed (breaking)")
            .expect("breaking section");
        let docs = entry.find("### Documentation").expect("docs section");
        assert!(breaking < docs, "{entry}");
        assert!(entry.contains("- get_auth_data: request field `order_id` removed\n"));
    }

    #[test]
    fn json_has_the_five_keys() {
        let value: serde_json::Value = serde_json::from_str(&json(&sample())).expect("json");
        assert_eq!(value[0]["id"], "request-field-removed");
        assert_eq!(value[0]["direction"], "request");
        assert_eq!(value[1]["level"], "info");
        assert_eq!(value[1]["endpoint"], "get_auth_data");
    }
}
