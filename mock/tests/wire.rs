//! What each fault looks like on the wire, read from a raw socket: the mock's faults are
//! promises about bytes (a cut answer announces the whole body and sends half), so they are
//! checked as bytes.

mod support;

use serde_json::Value;
use wechat_invoice_mock::{Reply, ServerLimits, success_example};

use support::{GET_AUTH_DATA, auth_data_request, exchange, post, start};

#[tokio::test]
async fn each_fault_has_its_shape_on_the_wire() {
    let server = start(ServerLimits::default()).await;
    let request = post(GET_AUTH_DATA, &auth_data_request(&server));
    let example = server
        .api()
        .endpoints
        .iter()
        .find(|e| e.name == "get_auth_data")
        .map(success_example)
        .expect("get_auth_data");
    let whole = serde_json::to_vec(&example).expect("JSON");

    server.respond_once("get_auth_data", Reply::CutConnection);
    let cut = exchange(server.address(), &request).await;
    assert_eq!(cut.status(), Some(200), "{cut:?}");
    assert_eq!(cut.header("content-length"), Some(whole.len().to_string()));
    assert_eq!(cut.body(), &whole[..whole.len() / 2]);

    server.respond_once("get_auth_data", Reply::TruncatedJson);
    let truncated = exchange(server.address(), &request).await;
    assert_eq!(truncated.status(), Some(200));
    assert_eq!(
        truncated.header("content-length"),
        Some((whole.len() / 2).to_string())
    );
    assert_eq!(truncated.body(), &whole[..whole.len() / 2]);

    server.respond_once("get_auth_data", Reply::Reset);
    let reset = exchange(server.address(), &request).await;
    assert!(reset.bytes.is_empty(), "{reset:?}");

    server.respond_once(
        "get_auth_data",
        Reply::Raw {
            status: 502,
            content_type: "text/html".into(),
            body: b"<html>502 Bad Gateway</html>".to_vec(),
        },
    );
    let html = exchange(server.address(), &request).await;
    assert_eq!(html.status(), Some(502));
    assert_eq!(html.header("content-type").as_deref(), Some("text/html"));
    assert_eq!(html.body(), b"<html>502 Bad Gateway</html>");

    server.respond_once("get_auth_data", Reply::Error(72038));
    let error = exchange(server.address(), &request).await;
    let value: Value = serde_json::from_slice(error.body()).expect("JSON");
    assert_eq!(value["errcode"], 72038);

    let normal = exchange(server.address(), &request).await;
    let value: Value = serde_json::from_slice(normal.body()).expect("JSON");
    assert_eq!(value, example);
    assert_eq!(server.delivery_count("get_auth_data"), 6);
}
