//! An invoicing platform serving merchants as a WeChat third-party platform, end to end
//! against the built-in mock: the pushed verify ticket, a merchant's authorization link and
//! authorization, then `insert_invoice` for that merchant with its own token. Every token is
//! cached (here in memory; give the builder a `RedisStore` to share them between instances and
//! keep refresh tokens across restarts). Then a merchant's own authorization link, with the
//! card ticket filled by the client.
//!
//! Run: `cargo run --example platform`

use wechat_invoice::component::ComponentClient;
use wechat_invoice::{Client, GetAuthUrlRequest, InsertInvoiceRequest, InvoiceAuthSource};
use wechat_invoice_mock::MockServer;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await?;
    let platform = ComponentClient::builder("wxCOMPONENT_APPID", "COMPONENT_APPSECRET")
        .base_url(server.base_url())
        .build()?;

    // 1. The push handler decrypted a `component_verify_ticket` event (every 10 minutes).
    platform
        .store_verify_ticket("ticket@@@from-the-push")
        .await?;

    // 2. A merchant's administrator opens this link and authorizes the platform.
    let link = platform
        .authorization_link("https://platform.example/wechat/authorized")
        .await?;
    println!("authorization link: {link}");

    // 3. The redirect (or the `authorized` push) brings the authorization code.
    let authorization = platform.authorized("auth_code_value").await?;
    println!(
        "merchant {} authorized; invoices allowed: {}",
        authorization.authorizer_appid,
        authorization.grants_invoices()
    );

    // 4. Invoice calls for that merchant are the usual ones, on its client.
    let merchant = platform.authorizer(&authorization.authorizer_appid)?;
    let insert = server
        .api()
        .endpoints
        .iter()
        .find(|endpoint| endpoint.name == "insert_invoice")
        .and_then(|endpoint| endpoint.examples.first())
        .and_then(|example| example.request.clone())
        .ok_or("the spec has an insert_invoice example")?;
    let request: InsertInvoiceRequest = serde_json::from_value(insert)?;
    let inserted = merchant.insert_invoice(&request).await?;
    println!("insert_invoice for the merchant -> {inserted:?}");

    // 5. A merchant on its own: the authorization link's ticket comes from the client.
    server.app_credentials("wxMERCHANT_APPID", "MERCHANT_SECRET");
    let own = Client::builder()
        .base_url(server.base_url())
        .app_credentials("wxMERCHANT_APPID", "MERCHANT_SECRET")
        .build()?;
    let link = own
        .send_with_card_ticket(GetAuthUrlRequest {
            s_pappid: "wxPLATFORM_S_PAPPID".into(),
            order_id: "order-1".into(),
            money: 1000,
            timestamp: 1_700_000_000,
            source: InvoiceAuthSource::Web,
            redirect_url: None,
            ticket: String::new(), // filled from client.card_ticket()
            auth_type: 1,
        })
        .await?;
    println!("the merchant's own authorization link: {}", link.auth_url);
    println!(
        "get_ticket calls: {}; component tokens fetched: {}",
        server.delivery_count("get_ticket"),
        server.delivery_count("api_component_token")
    );
    Ok(())
}
