//! The invoice family as the spec describes it: the counts the project promises, the flags
//! that drive retries, and the one multipart endpoint checked part by part.

use std::collections::BTreeMap;
use std::path::Path;

use wechat_invoice::{Client, FilePart, PlatformSetPdfRequest};
use wechat_invoice_codegen::model::Api;
use wechat_invoice_codegen::spec::{BodyKind, Group, Method};
use wechat_invoice_mock::MockServer;

fn api() -> Api {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("spec");
    wechat_invoice_codegen::load_api(&spec).unwrap_or_else(|failure| panic!("{}", failure.render()))
}

#[test]
fn the_spec_has_the_29_endpoints_of_the_family_by_group() {
    let api = api();
    // The 29 of the invoice family, and the third-party platform's 5 (issue 14).
    assert_eq!(api.endpoints.len(), 29 + 5);
    let mut groups: BTreeMap<Group, Vec<&str>> = BTreeMap::new();
    for endpoint in &api.endpoints {
        groups
            .entry(endpoint.group)
            .or_default()
            .push(&endpoint.name);
    }
    let count = |group| groups.get(&group).map_or(0, Vec::len);
    assert_eq!(count(Group::Merchant), 10, "{groups:?}");
    assert_eq!(count(Group::Platform), 6, "{groups:?}");
    assert_eq!(count(Group::SelfBuilt), 3, "{groups:?}");
    assert_eq!(count(Group::Reimburser), 4, "{groups:?}");
    assert_eq!(count(Group::Title), 3, "{groups:?}");
    assert_eq!(count(Group::Fiscal), 3, "{groups:?}");
    assert_eq!(count(Group::Component), 5, "{groups:?}");
    for endpoint in &api.endpoints {
        assert!(
            !endpoint.examples.is_empty(),
            "{} has no example",
            endpoint.name
        );
        assert!(
            endpoint
                .doc_url
                .starts_with("https://developers.weixin.qq.com/"),
            "{}",
            endpoint.name
        );
    }
}

#[test]
fn the_six_setbizattr_actions_share_one_path() {
    let api = api();
    let actions: Vec<&str> = api
        .endpoints
        .iter()
        .filter(|e| e.path == "/card/invoice/setbizattr")
        .flat_map(|e| {
            e.query
                .iter()
                .filter(|(k, _)| k == "action")
                .map(|(_, v)| v.as_str())
        })
        .collect();
    let mut sorted = actions.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [
            "get_auth_field",
            "get_contact",
            "get_pay_mch",
            "set_auth_field",
            "set_contact",
            "set_pay_mch"
        ]
    );
}

#[test]
fn transport_quirks_are_in_the_spec() {
    let api = api();
    let find = |name: &str| api.endpoints.iter().find(|e| e.name == name).expect(name);
    let ticket = find("get_ticket");
    assert_eq!((ticket.method, ticket.body), (Method::Get, BodyKind::None));
    assert_eq!(ticket.query, [("type".to_string(), "wx_card".to_string())]);
    assert_eq!(find("platform_set_pdf").body, BodyKind::Multipart);
    assert_eq!(
        find("query_invoice_info").path,
        "/card/invoice/queryinvoceinfo"
    );
    let get_pdf = find("platform_get_pdf");
    let action = get_pdf
        .request
        .fields
        .iter()
        .find(|f| f.wire_name == "action")
        .expect("action");
    assert_eq!(action.constant, Some(serde_json::json!("get_url")));
    for name in [
        "scan_title",
        "get_ticket",
        "nontax_get_bill_auth_url",
        "nontax_create_bill_card",
        "nontax_insert_bill",
    ] {
        assert!(
            find(name).permission_sets.is_empty(),
            "{name} is not callable by third parties"
        );
    }
}

#[test]
fn retry_flags_follow_the_docs() {
    let api = api();
    let retryable: Vec<i64> = api
        .errors
        .values()
        .filter(|c| c.retryable)
        .map(|c| c.code)
        .collect();
    assert_eq!(retryable, [-1, 45011, 72036]);
    let uncertain: Vec<i64> = api
        .errors
        .values()
        .filter(|c| c.may_have_succeeded)
        .map(|c| c.code)
        .collect();
    assert_eq!(uncertain, [73100, 73105, 73107]);
    let token: Vec<i64> = api
        .errors
        .values()
        .filter(|c| c.invalidates_token)
        .map(|c| c.code)
        .collect();
    assert_eq!(token, [40001, 40014, 42001]);
    let mut not_idempotent: Vec<&str> = api
        .endpoints
        .iter()
        .filter(|e| !e.idempotent)
        .map(|e| e.name.as_str())
        .collect();
    not_idempotent.sort_unstable();
    assert_eq!(
        not_idempotent,
        [
            "api_query_auth",
            "clear_out_invoice",
            "insert_invoice",
            "make_out_invoice",
            "nontax_create_bill_card",
            "nontax_insert_bill",
            "platform_create_card",
            "platform_set_pdf"
        ]
    );
}

/// The user guide (`docs/guide.md`, the crate root's rustdoc) has every method in its
/// endpoint tables.
#[test]
fn the_guide_lists_every_method() {
    let guide =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/guide.md"))
            .expect("docs/guide.md");
    for endpoint in api().endpoints {
        assert!(
            guide.contains(&format!("`{}`", endpoint.name)),
            "docs/guide.md misses `{}`",
            endpoint.name
        );
    }
}

#[tokio::test]
async fn setpdf_uploads_one_pdf_part() {
    let server = MockServer::start().await.expect("mock starts");
    let client = Client::builder()
        .base_url(server.base_url())
        .access_token("ACCESS_TOKEN")
        .build()
        .expect("client builds");
    let pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let request = PlatformSetPdfRequest {
        pdf: FilePart::pdf("发票.pdf", pdf.clone()),
    };
    let response = client
        .platform_set_pdf(&request)
        .await
        .expect("upload succeeds");
    assert!(!response.s_media_id.is_empty());

    let deliveries = server.deliveries();
    assert_eq!(deliveries.len(), 1);
    let delivery = &deliveries[0];
    assert_eq!(delivery.request.path, "/card/invoice/platform/setpdf");
    let content_type = delivery
        .request
        .header("content-type")
        .expect("content type");
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    assert_eq!(delivery.parts.len(), 1, "{:?}", delivery.parts);
    let part = &delivery.parts[0];
    assert_eq!(part.name, "pdf");
    assert_eq!(part.file_name.as_deref(), Some("发票.pdf"));
    assert_eq!(part.content_type.as_deref(), Some("application/pdf"));
    assert_eq!(part.bytes, pdf);
}
