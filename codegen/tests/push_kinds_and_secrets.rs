//! Event files of both kinds (pushes named by `Event`, to an account's server URL, and by
//! `InfoType`, to a third-party platform's authorization-event URL) and the `secret` field flag of
//! event and endpoint files. Each mistake is a located diagnostic that says how to fix it.

use std::path::PathBuf;

use wechat_invoice_codegen::{Check, Diagnostic, Failure, SourceFile, generate};

const ERRORS: &str = "\
table: general
description: General codes.
inherited: true
errors:
  - code: -1
    variant: SystemBusy
    errmsg: system error
    description: Busy.
    solution: Retry later.
    retryable: true
";

const TICKET: &str = "\
event: component_verify_ticket
discriminator: InfoType
title: The ticket.
description: Pushed every 10 minutes.
doc_url: https://example.invalid/ticket
fields:
  ComponentVerifyTicket:
    type: string
    description: The ticket.
    secret: true
examples:
  - name: pushed
    xml: <xml><AppId>wx1</AppId><CreateTime>1</CreateTime><InfoType>component_verify_ticket</InfoType><ComponentVerifyTicket>t</ComponentVerifyTicket></xml>
    expect:
      ComponentVerifyTicket: t
";

fn spec_with(event: &str) -> Vec<SourceFile> {
    vec![
        SourceFile {
            path: PathBuf::from("spec/errors/general.yaml"),
            text: ERRORS.to_string(),
        },
        SourceFile {
            path: PathBuf::from("spec/events/component_verify_ticket.yaml"),
            text: event.to_string(),
        },
    ]
}

fn only_problem(event: &str) -> Diagnostic {
    match generate(&spec_with(event)) {
        Ok(_) => panic!("the spec was accepted"),
        Err(Failure::Spec { diagnostics, .. }) => {
            let mut found = diagnostics.0;
            assert_eq!(found.len(), 1, "expected one problem, got:\n{found:#?}");
            found.remove(0)
        }
        Err(other) => panic!("unexpected failure: {other}"),
    }
}

#[test]
fn an_info_type_push_generates_a_component_event_with_a_redacted_debug() {
    let (api, files) = generate(&spec_with(TICKET)).expect("valid");
    assert_eq!(api.events.len(), 1);
    let events = files
        .iter()
        .find(|file| file.name == "events.rs")
        .expect("events.rs");
    let code = &events.contents;
    assert!(code.contains("pub enum ComponentEvent"), "{code}");
    assert!(
        code.contains("ComponentVerifyTicket(ComponentVerifyTicketEvent)"),
        "{code}"
    );
    assert!(code.contains("envelope.info_type.as_deref()"), "{code}");
    assert!(
        code.contains("crate::redact::Redacted::of(&self.component_verify_ticket)"),
        "{code}"
    );
    // The `Event` enum still exists, with only its `Other` variant.
    assert!(code.contains("pub enum Event"), "{code}");
}

#[test]
fn an_unknown_discriminator_is_located_with_the_near_spelling() {
    let problem =
        only_problem(&TICKET.replace("discriminator: InfoType", "discriminator: Infotype"));
    assert_eq!(problem.check, Check::InvalidValue);
    assert_eq!(problem.position.line, 2);
    assert!(problem.message.contains("Infotype"), "{}", problem.message);
    let help = problem.help.unwrap_or_default();
    assert!(help.contains("did you mean `InfoType`"), "{help}");
}

#[test]
fn an_info_type_push_may_not_describe_its_envelope() {
    let text = TICKET.replace(
        "fields:\n",
        "fields:\n  AppId:\n    type: string\n    description: The platform.\n",
    );
    let problem = only_problem(&text);
    assert_eq!(problem.check, Check::DuplicateName);
    assert_eq!(problem.position.line, 7);
    assert!(
        problem
            .help
            .unwrap_or_default()
            .contains("ComponentEnvelope")
    );
}

#[test]
fn an_example_must_name_its_info_type() {
    let text = TICKET.replace(
        "<InfoType>component_verify_ticket</InfoType>",
        "<Event>component_verify_ticket</Event>",
    );
    let problem = only_problem(&text);
    assert_eq!(problem.check, Check::ExampleMismatch);
    assert!(
        problem.message.contains("`<InfoType>`"),
        "{}",
        problem.message
    );
}

#[test]
fn only_text_can_be_secret() {
    let text = TICKET
        .replace("    type: string\n", "    type: integer\n")
        .replace(">t<", ">1<")
        .replace("ComponentVerifyTicket: t", "ComponentVerifyTicket: \"1\"");
    let problem = only_problem(&text);
    assert_eq!(problem.check, Check::InvalidValue);
    assert!(problem.message.contains("secret"), "{}", problem.message);
}

#[test]
fn two_pushes_may_not_generate_one_struct() {
    let mut sources = spec_with(TICKET);
    sources.push(SourceFile {
        path: PathBuf::from("spec/events/component_verify_ticket_event.yaml"),
        text: TICKET
            .replace(
                "event: component_verify_ticket\n",
                "event: component_verify_ticket_event\n",
            )
            .replace("discriminator: InfoType\n", "")
            .replace(
                "<InfoType>component_verify_ticket</InfoType>",
                "<Event>component_verify_ticket_event</Event>",
            ),
    });
    let found = match generate(&sources) {
        Err(Failure::Spec { diagnostics, .. }) => diagnostics.0,
        other => panic!("expected diagnostics, got {:?}", other.map(|_| ())),
    };
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].check, Check::DuplicateName);
    assert!(
        found[0].message.contains("ComponentVerifyTicketEvent"),
        "{}",
        found[0].message
    );
}

const ENDPOINT: &str = "\
endpoint: api_component_token
wechat_name: api_component_token
title: Get the platform token.
description: Exchanges the ticket for the platform token.
doc_url: https://example.invalid/doc
group: platform
http:
  method: POST
  path: /cgi-bin/component/api_component_token
  body: json
auth:
  token: none
idempotent: true
request:
  component_appsecret:
    type: string
    required: true
    secret: true
    description: The AppSecret.
response:
  expires_in:
    type: integer
    description: Seconds.
examples:
  - name: ok
    request: {component_appsecret: s}
    response: {errcode: 0, errmsg: ok, expires_in: 7200}
";

fn endpoint_spec(endpoint: &str) -> Vec<SourceFile> {
    vec![
        SourceFile {
            path: PathBuf::from("spec/errors/general.yaml"),
            text: ERRORS.to_string(),
        },
        SourceFile {
            path: PathBuf::from("spec/endpoints/api_component_token.yaml"),
            text: endpoint.to_string(),
        },
    ]
}

#[test]
fn a_secret_endpoint_field_gets_a_redacted_debug() {
    let (_, files) = generate(&endpoint_spec(ENDPOINT)).expect("valid");
    let code = &files
        .iter()
        .find(|file| file.name == "endpoints/api_component_token.rs")
        .expect("generated")
        .contents;
    assert!(
        code.contains("crate::redact::Redacted::of(&self.component_appsecret)"),
        "{code}"
    );
    // A request with required fields has no `Default` (a forgotten field would go out empty)
    // and stays open to struct literals.
    assert!(
        code.contains(
            "    #[derive(Clone, PartialEq, Serialize)]\n    pub struct ApiComponentTokenRequest"
        ),
        "{code}"
    );
}

#[test]
fn a_secret_endpoint_field_must_be_text() {
    let text = ENDPOINT
        .replace(
            "  component_appsecret:\n    type: string\n",
            "  component_appsecret:\n    type: integer\n",
        )
        .replace("{component_appsecret: s}", "{component_appsecret: 1}");
    let found = match generate(&endpoint_spec(&text)) {
        Err(Failure::Spec { diagnostics, .. }) => diagnostics.0,
        other => panic!("expected diagnostics, got {:?}", other.map(|_| ())),
    };
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].check, Check::InvalidValue);
    assert_eq!(found[0].position.line, 18, "located at `secret: true`");
    assert!(found[0].message.contains("secret"), "{}", found[0].message);
}

#[test]
fn an_element_named_build_is_refused_as_the_builder_uses_it() {
    let text = TICKET
        .replace("  ComponentVerifyTicket:\n", "  Build:\n")
        .replace(
            "<ComponentVerifyTicket>t</ComponentVerifyTicket>",
            "<Build>t</Build>",
        )
        .replace("      ComponentVerifyTicket: t", "      Build: t");
    let problem = only_problem(&text);
    assert_eq!(problem.check, Check::InvalidIdentifier);
    assert_eq!(
        problem.message,
        "element `Build` would become the Rust field `build`, which cannot be used"
    );
}
