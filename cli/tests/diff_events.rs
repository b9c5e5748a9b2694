//! `wxinvoice diff` on pushed events (`spec/events/`): every event rule, each tested with a
//! before/after pair of tiny specs, and the exit status `--fail-on` gives them.

mod common;

use common::{Spec, changes, code, message, only_change, run_in, stderr, stdout};
use serde_json::Value;

/// Asserts that `base` → `head` is exactly one change, of this rule, level and direction, about
/// the event `user_authorize_invoice` (and no endpoint); its message.
fn only(base: &Spec, head: &Spec, id: &str, level: &str, direction: &str) -> String {
    let change = only_change(base, head, id, level, direction);
    assert_eq!(change["endpoint"], Value::Null, "{change:#}");
    assert_eq!(change["event"], "user_authorize_invoice", "{change:#}");
    message(&change)
}

/// The tiny spec with the event `user_authorize_invoice`.
fn event() -> Spec {
    Spec::with_event()
}

/// The text `wxinvoice diff base head` prints (any format flags in `extra`) and its exit code.
fn diff_exit(base: &Spec, head: &Spec, extra: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    base.write(&dir.path().join("base"));
    head.write(&dir.path().join("head"));
    let mut args = vec!["diff", "base", "head"];
    args.extend_from_slice(extra);
    let output = run_in(dir.path(), &args);
    (code(&output), stdout(&output) + &stderr(&output))
}

#[test]
fn the_tiny_spec_with_an_event_is_valid() {
    let dir = tempfile::tempdir().expect("temp dir");
    event().write(&dir.path().join("spec"));
    let output = run_in(dir.path(), &["validate", "spec"]);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
}

#[test]
fn identical_events_have_no_changes() {
    assert!(changes(&event(), &event()).is_empty());
}

#[test]
fn event_added() {
    let message = only(&Spec::tiny(), &event(), "event-added", "warning", "event");
    assert!(
        message.contains("`Event::UserAuthorizeInvoice(UserAuthorizeInvoiceEvent)`"),
        "{message}"
    );
    assert!(message.contains("instead of `Event::Other`"), "{message}");
}

#[test]
fn event_removed() {
    let message = only(
        &event(),
        &Spec::tiny(),
        "event-removed",
        "breaking",
        "event",
    );
    assert!(
        message.contains("`Event::UserAuthorizeInvoice` and `UserAuthorizeInvoiceEvent` disappear"),
        "{message}"
    );
}

#[test]
fn event_value_changed_is_removed_plus_added() {
    let head = event().authorize(
        "event: user_authorize_invoice",
        "event: user_authorize_invoice_v2",
    );
    let head = head.authorize(
        "<Event><![CDATA[user_authorize_invoice]]></Event>",
        "<Event><![CDATA[user_authorize_invoice_v2]]></Event>",
    );
    let found = changes(&event(), &head);
    let ids: Vec<&str> = found.iter().filter_map(|c| c["id"].as_str()).collect();
    assert_eq!(ids, ["event-removed", "event-added"], "{found:#?}");
}

#[test]
fn event_element_added() {
    let head = event().authorize(
        "examples:\n",
        "  ItemCount:\n    type: integer\n    description: How many items.\nexamples:\n",
    );
    // Info: events are `#[non_exhaustive]`, so no caller's code stops compiling
    // (`cli/tests/diff_compile.rs` compiles one), and no `Default` advice is given.
    let message = only(&event(), &head, "event-element-added", "info", "event");
    assert!(
        message.contains("new field `UserAuthorizeInvoiceEvent.item_count: Option<i64>`"),
        "{message}"
    );
    assert!(
        message.contains("fakes built with `UserAuthorizeInvoiceEvent::builder()` keep compiling"),
        "{message}"
    );
    assert!(!message.contains("Default"), "{message}");
}

#[test]
fn event_element_removed() {
    let head = event().authorize(
        "  Source:\n    type: string\n    description: Where the user authorized.\n    values: [web, app]\n",
        "",
    );
    let message = only(
        &event(),
        &head,
        "event-element-removed",
        "breaking",
        "event",
    );
    assert!(
        message.contains(
            "element `Source` removed: the field `UserAuthorizeInvoiceEvent.source` and its setter disappear"
        ),
        "{message}"
    );
}

#[test]
fn event_element_renamed_keeping_the_old_name_as_an_alias() {
    // Another Rust field (`origin`); the old spelling is still read.
    let head = event().authorize("  Source:\n", "  Origin:\n").authorize(
        "    values: [web, app]\n",
        "    values: [web, app]\n    aliases: [Source]\n",
    );
    let message = only(
        &event(),
        &head,
        "event-element-renamed",
        "breaking",
        "event",
    );
    assert!(
        message.contains("element `Source` renamed `Origin`"),
        "{message}"
    );
    assert!(message.contains("becomes `origin`"), "{message}");
    assert!(
        message.contains("`Source` is still read as an alias"),
        "{message}"
    );
}

#[test]
fn an_element_renamed_without_an_alias_is_removed_plus_added() {
    // `Source` → `Origin`: another Rust field and no alias, so nothing links the two.
    let head = event().authorize("  Source:\n", "  Origin:\n");
    let mut ids: Vec<String> = changes(&event(), &head)
        .iter()
        .filter_map(|c| c["id"].as_str().map(str::to_string))
        .collect();
    ids.sort();
    assert_eq!(ids, ["event-element-added", "event-element-removed"]);
}

#[test]
fn event_element_respelled() {
    // `Source` → `source`: the same Rust field `source`, and the old spelling is not kept.
    let head = event().authorize("  Source:\n", "  source:\n");
    let message = only(
        &event(),
        &head,
        "event-element-respelled",
        "warning",
        "event",
    );
    assert!(
        message.contains("the field `UserAuthorizeInvoiceEvent.source` stays"),
        "{message}"
    );
    assert!(
        message.contains("pushes spelling it `Source` no longer fill it"),
        "{message}"
    );
}

#[test]
fn event_element_respelled_keeping_the_old_spelling_as_an_alias() {
    let head = event().authorize("  Source:\n", "  source:\n").authorize(
        "    values: [web, app]\n",
        "    values: [web, app]\n    aliases: [Source]\n",
    );
    let message = only(
        &event(),
        &head,
        "event-element-respelled",
        "warning",
        "event",
    );
    assert!(
        message.contains("`Source` is still read as an alias"),
        "{message}"
    );
}

#[test]
fn event_element_type_changed() {
    let head = event().authorize(
        "  SuccOrderId:\n    type: string\n",
        "  SuccOrderId:\n    type: integer\n",
    );
    let message = only(
        &event(),
        &head,
        "event-element-type-changed",
        "breaking",
        "event",
    );
    assert!(
        message.contains(
            "`UserAuthorizeInvoiceEvent.succ_order_id` changes from `Option<String>` to `Option<i64>`"
        ),
        "{message}"
    );
}

#[test]
fn event_element_alias_added_and_removed() {
    let more = event().authorize("    aliases: [AppId]\n", "    aliases: [AppId, appid]\n");
    let message = only(
        &event(),
        &more,
        "event-element-alias-added",
        "info",
        "event",
    );
    assert_eq!(
        message,
        "element `AuthorizeAppId` is also read from `appid`"
    );
    let message = only(
        &more,
        &event(),
        "event-element-alias-removed",
        "warning",
        "event",
    );
    assert!(
        message.contains("element `AuthorizeAppId` is no longer read from `appid`"),
        "{message}"
    );
    assert!(
        message.contains("leave `authorize_app_id` empty"),
        "{message}"
    );
}

#[test]
fn event_identity_changed() {
    let head = event().authorize(
        "    aliases: [AppId]\n",
        "    aliases: [AppId]\n    identity: true\n",
    );
    let message = only(
        &event(),
        &head,
        "event-identity-changed",
        "warning",
        "event",
    );
    assert!(
        message.contains("[SuccOrderId] → [SuccOrderId, AuthorizeAppId]"),
        "{message}"
    );
}

#[test]
fn event_doc_changed() {
    let head = event()
        .authorize(
            "title: The user authorized an order's invoice.",
            "title: The user finished authorizing.",
        )
        .authorize(
            "doc_url: https://example.com/user_authorize_invoice",
            "doc_url: https://example.com/push",
        );
    let message = only(&event(), &head, "event-doc-changed", "info", "event");
    assert_eq!(message, "title, doc_url changed");
}

#[test]
fn an_element_description_or_known_values_change_is_a_doc_change() {
    let described = event().authorize(
        "    description: Where the user authorized.\n",
        "    description: The page the user authorized on.\n",
    );
    let message = only(&event(), &described, "event-doc-changed", "info", "event");
    assert_eq!(
        message,
        "element `Source`: description or known values changed"
    );
    let values = event().authorize("values: [web, app]", "values: [web, app, wxa]");
    only(&event(), &values, "event-doc-changed", "info", "event");
}

#[test]
fn event_examples_changed() {
    let head = event()
        .authorize(
            "<SuccOrderId><![CDATA[1202933957956]]></SuccOrderId>",
            "<SuccOrderId><![CDATA[1202933957957]]></SuccOrderId>",
        )
        .authorize(
            "SuccOrderId: \"1202933957956\"",
            "SuccOrderId: \"1202933957957\"",
        );
    only(&event(), &head, "event-examples-changed", "info", "event");
}

#[test]
fn what_reaches_a_field_is_a_minor_change_and_text_is_a_patch() {
    // A new element or alias moves pushes' values from `other` into a field: new API and
    // changed behaviour, so minor (info, since nothing stops compiling).
    let element = event().authorize(
        "examples:\n",
        "  ItemCount:\n    type: integer\n    description: How many items.\nexamples:\n",
    );
    let alias = event().authorize("    aliases: [AppId]\n", "    aliases: [AppId, appid]\n");
    for head in [element, alias] {
        let (status, text) = diff_exit(&event(), &head, &["--semver"]);
        assert_eq!(status, 0, "{text}");
        assert!(text.contains("semver: minor"), "{text}");
    }
    let doc = event().authorize(
        "title: The user authorized an order's invoice.",
        "title: The user finished authorizing.",
    );
    let (_, text) = diff_exit(&event(), &doc, &["--semver"]);
    assert!(text.contains("semver: patch"), "{text}");
}

#[test]
fn a_breaking_event_change_fails_like_a_breaking_endpoint_change() {
    // `event-removed` is breaking: `--fail-on breaking` exits 1, as for endpoints.
    let (status, text) = diff_exit(&event(), &Spec::tiny(), &["--fail-on", "breaking"]);
    assert_eq!(status, 1, "{text}");
    assert!(
        text.contains("[breaking] user_authorize_invoice: event removed"),
        "{text}"
    );
    // Without --fail-on the report is printed and the exit is 0.
    let (status, text) = diff_exit(&event(), &Spec::tiny(), &[]);
    assert_eq!(status, 0, "{text}");
    assert!(text.contains("user_authorize_invoice"), "{text}");
    // `event-added` is a warning: `breaking` passes, `warning` fails.
    let (status, text) = diff_exit(&Spec::tiny(), &event(), &["--fail-on", "breaking"]);
    assert_eq!(status, 0, "{text}");
    let (status, text) = diff_exit(&Spec::tiny(), &event(), &["--fail-on", "warning"]);
    assert_eq!(status, 1, "{text}");
    // `event-doc-changed` is info: `warning` passes.
    let head = event().authorize(
        "title: The user authorized an order's invoice.",
        "title: The user finished authorizing.",
    );
    let (status, text) = diff_exit(&event(), &head, &["--fail-on", "warning"]);
    assert_eq!(status, 0, "{text}");
}
