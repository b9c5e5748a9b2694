//! Proxies (issue 11, item 3): the environment's `HTTP_PROXY`, `http_proxy` and `ALL_PROXY`
//! never see a call or a token fetch (they would get `?access_token=…` and `secret=…` in plain
//! text, and their answer would be believed) unless the builder asks for them; a proxy given
//! on the builder is used, except for loopback base URLs, which are always reached directly.
//!
//! One test function: it sets process-wide environment variables, which would leak into any
//! other test of this binary running beside it.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wechat_invoice::{Client, GetAuthDataRequest, TokenEndpoint};
use wechat_invoice_mock::MockServer;

const TOKEN: &str = "PROXY-TEST-TOKEN-31d7";
const APPID: &str = "wx-proxy-appid";
const SECRET: &str = "APP-SECRET-proxy-8e02";
/// A host that does not resolve: without a proxy, a call to it fails before sending anything.
const REMOTE: &str = "http://wechat-invoice-proxy-test.invalid";

fn request() -> GetAuthDataRequest {
    GetAuthDataRequest {
        s_pappid: "wx123456".into(),
        order_id: "123456".into(),
    }
}

/// A forward proxy on loopback that records each request's head and answers every request
/// with a successful `getauthdata` answer (or a token, for token requests).
struct Proxy {
    url: String,
    heads: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let heads = Arc::new(Mutex::new(Vec::new()));
        let recorded = heads.clone();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let recorded = recorded.clone();
                tokio::spawn(async move {
                    let mut received = Vec::new();
                    let mut buffer = [0u8; 4096];
                    while !received.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => received.extend_from_slice(&buffer[..n]),
                        }
                    }
                    let head = String::from_utf8_lossy(&received).into_owned();
                    let body = if head.contains("token") {
                        r#"{"access_token":"PROXY-FORGED-TOKEN","expires_in":7200}"#
                    } else {
                        r#"{"errcode":0,"invoice_status":"auth success","auth_time":1}"#
                    };
                    recorded
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(head);
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                         content-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(answer.as_bytes()).await;
                });
            }
        });
        Self { url, heads }
    }

    fn heads(&self) -> Vec<String> {
        self.heads
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

#[tokio::test]
async fn proxies_are_used_only_when_asked_for_and_never_for_loopback() {
    let proxy = Proxy::start().await;
    // SAFETY: the only test of this binary; nothing else reads the environment meanwhile.
    unsafe {
        for name in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
            std::env::set_var(name, &proxy.url);
        }
        for name in ["NO_PROXY", "no_proxy"] {
            std::env::remove_var(name);
        }
    }
    let server = MockServer::start().await.expect("mock starts");
    server.app_credentials(APPID, SECRET);

    // The environment's proxy is ignored: for a remote host (the call fails without sending,
    // the host does not resolve), for a token fetch, and for loopback.
    let remote = Client::builder()
        .base_url(REMOTE)
        .allow_insecure_http(true)
        .access_token(TOKEN)
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client builds");
    let err = remote
        .get_auth_data(&request())
        .await
        .expect_err("no proxy");
    assert!(
        matches!(err, wechat_invoice::Error::Transport { .. }),
        "{err:?}"
    );
    let classic = Client::builder()
        .base_url(REMOTE)
        .allow_insecure_http(true)
        .app_credentials(APPID, SECRET)
        .token_endpoint(TokenEndpoint::Classic)
        .build()
        .expect("client builds");
    let err = classic.access_token().await.expect_err("no proxy");
    assert!(!err.to_string().contains(SECRET), "{err}");
    let local = Client::builder()
        .base_url(server.base_url())
        .app_credentials(APPID, SECRET)
        .build()
        .expect("client builds");
    local.get_auth_data(&request()).await.expect("direct");
    assert_eq!(proxy.heads(), Vec::<String>::new(), "the proxy saw nothing");

    // A proxy asked for on the builder is used for remote hosts…
    let explicit = Client::builder()
        .base_url(REMOTE)
        .allow_insecure_http(true)
        .access_token(TOKEN)
        .proxy(reqwest::Proxy::all(&proxy.url).expect("proxy URL"))
        .build()
        .expect("client builds");
    explicit.get_auth_data(&request()).await.expect("proxied");
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(
        heads[0].contains("wechat-invoice-proxy-test.invalid"),
        "{heads:?}"
    );
    // … so is the environment's, when asked for …
    let from_env = Client::builder()
        .base_url(REMOTE)
        .allow_insecure_http(true)
        .access_token(TOKEN)
        .system_proxy(true)
        .build()
        .expect("client builds");
    from_env.get_auth_data(&request()).await.expect("proxied");
    assert_eq!(proxy.heads().len(), 2);
    // … but never for loopback.
    let fetches = server.token_fetches();
    for builder in [
        Client::builder().proxy(reqwest::Proxy::all(&proxy.url).expect("proxy URL")),
        Client::builder().system_proxy(true),
    ] {
        let client = builder
            .base_url(server.base_url())
            .app_credentials(APPID, SECRET)
            .token_endpoint(TokenEndpoint::Classic)
            .build()
            .expect("client builds");
        client.get_auth_data(&request()).await.expect("direct");
    }
    assert_eq!(server.token_fetches(), fetches + 2, "tokens from the mock");
    assert_eq!(proxy.heads().len(), 2, "loopback went direct");
}
