//! The main job end to end, with no credentials: starts the built-in mock of WeChat (driven by
//! `spec/`), calls `getauthdata` through the generated client, then makes the mock answer
//! errcode 72038 and shows the typed error.
//!
//! Run: `cargo run --example quickstart`

use wechat_invoice::{Client, Error, GetAuthDataError, GetAuthDataRequest};
use wechat_invoice_mock::{MockServer, Reply};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await?;
    println!("mock WeChat listening on {}", server.base_url());

    let client = Client::builder()
        .base_url(server.base_url())
        .access_token("ACCESS_TOKEN")
        .build()?;
    let request = GetAuthDataRequest {
        s_pappid: "wx123456".into(),
        order_id: "123456".into(),
    };

    let response = client.get_auth_data(&request).await?;
    println!("get_auth_data -> {response:?}");

    server.respond_once("get_auth_data", Reply::Error(72038));
    match client.get_auth_data(&request).await {
        Err(Error::Api(GetAuthDataError::InvoiceOrderNeverAuth { errmsg })) => {
            println!("get_auth_data -> InvoiceOrderNeverAuth ({errmsg})");
        }
        other => return Err(format!("expected errcode 72038, got {other:?}").into()),
    }
    println!("getauthdata end to end against the mock: ok");
    Ok(())
}
