//! The merchant's invoice flow, against the built-in mock of WeChat:
//!
//! 1. `get_ticket`: the `wx_card` api_ticket that authorization links need (cache it: it lives
//!    two hours and its quota is small);
//! 2. `get_auth_url`: the link that asks the user to authorize invoicing for an order and to
//!    pick an invoice title (`auth_type` 1: a title is required);
//! 3. `get_auth_data`: after the user authorized, the title they chose, in `user_auth_info`
//!    (`biz_field` for a company, `user_field` for a person);
//! 4. `insert_invoice` to put the issued invoice into the user's card holder, or
//!    `reject_insert` to tell the user why the invoice will not be issued.
//!
//! This merchant issues company invoices only: order "223456" (the user picked a company
//! title with a tax number) is inserted, order "323456" (a personal title) is rejected. The
//! mock answers the documented example whose request matches, so each order gets its own
//! title.
//!
//! Run: `cargo run --example merchant_flow` (`cargo test --example merchant_flow` runs it as a
//! test).

use std::time::{SystemTime, UNIX_EPOCH};

use wechat_invoice::{
    Client, GetAuthDataRequest, GetAuthDataResponseUserAuthInfoBizField, GetAuthUrlRequest,
    GetTicketRequest, InsertInvoiceRequest, InvoiceAuthSource, InvoiceAuthType, InvoiceCardExt,
    InvoiceItem, InvoiceUserCard, InvoiceUserData, RejectInsertRequest,
};
use wechat_invoice_mock::MockServer;

/// The merchant's appid (`s_pappid`), as WeChat's invoice platform assigned it.
const S_PAPPID: &str = "wx123456";

type Failure = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let server = MockServer::start().await?;
    println!("mock WeChat listening on {}", server.base_url());
    run(&server).await
}

/// What happened to one order.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// The invoice is in the user's card holder under this card code.
    Inserted { code: String },
    /// The user was told why no invoice comes.
    Rejected { reason: String },
}

/// The whole flow for the two orders; `Err` when anything differs from what the flow expects.
async fn run(server: &MockServer) -> Result<(), Failure> {
    let client = Client::builder()
        .base_url(server.base_url())
        .access_token("ACCESS_TOKEN")
        .build()?;

    // 1. One ticket serves every authorization link for two hours.
    let ticket = client.get_ticket(&GetTicketRequest {}).await?;
    println!("ticket valid for {} s", ticket.expires_in);

    let mut outcomes = Vec::new();
    for order_id in ["223456", "323456"] {
        // 2. The link the user opens (in a web page here) to authorize and pick a title.
        let request = GetAuthUrlRequest::builder()
            .s_pappid(S_PAPPID)
            .order_id(order_id)
            .money(12_800) // in fen: 128.00 yuan
            .timestamp(unix_now())
            .source(InvoiceAuthSource::Web)
            .redirect_url("https://shop.example.com/invoice/done")
            .ticket(ticket.ticket.clone())
            .auth_type(InvoiceAuthType::FillInTitle) // the user must pick a title
            .build();
        let link = client.get_auth_url(&request).await?;
        println!("order {order_id}: send the user to {}", link.auth_url);

        // 3. Once WeChat calls back (or the user returns), read what they authorized.
        let auth = client
            .get_auth_data(&GetAuthDataRequest {
                s_pappid: S_PAPPID.into(),
                order_id: order_id.into(),
            })
            .await?;
        let company = auth
            .user_auth_info
            .as_ref()
            .and_then(|info| info.biz_field.as_ref());
        let outcome = match company {
            // 4a. A company title: issue the invoice to it and insert it.
            Some(company) => insert(&client, order_id, company).await?,
            // 4b. A personal title (`user_field`): this merchant cannot issue it.
            None => reject(&client, order_id).await?,
        };
        println!("order {order_id}: {outcome:?}");
        outcomes.push(outcome);
    }

    check(server, &outcomes)?;
    println!("merchant flow against the mock: ok");
    Ok(())
}

/// Inserts the invoice issued to `company` into the user's card holder.
async fn insert(
    client: &Client,
    order_id: &str,
    company: &GetAuthDataResponseUserAuthInfoBizField,
) -> Result<Outcome, Failure> {
    let title = company.title.clone().ok_or("a company title has a name")?;
    // Builders: a required field left out does not compile; `nonce_str` is filled in.
    let item = InvoiceItem::builder()
        .name("牙膏")
        .price(6_400)
        .num(2)
        .unit("个")
        .build();
    let mut invoice = InvoiceUserData::builder()
        .fee(12_800)
        .title(title)
        .billing_time(unix_now())
        .billing_no("4545145712")
        .billing_code("4541212454512")
        .fee_without_tax(11_327)
        .tax(1_473)
        .s_pdf_media_id("s_pdf_media_id_abc123") // from platform_set_pdf
        .info(vec![item]);
    if let Some(tax_no) = &company.tax_no {
        invoice = invoice.buyer_number(tax_no.as_str());
    }
    let card_ext = InvoiceCardExt::builder()
        .user_card(
            InvoiceUserCard::builder()
                .invoice_user_data(invoice.build())
                .build(),
        )
        .build();
    let request = InsertInvoiceRequest::builder()
        .order_id(order_id)
        .card_id("pjZ8Yt9WoOePThU0NfUKz5-tBEWU") // from platform_create_card
        .appid(S_PAPPID)
        .card_ext(card_ext)
        .build();
    let inserted = client.insert_invoice(&request).await?;
    Ok(Outcome::Inserted {
        code: inserted.code,
    })
}

/// Tells the user why no invoice comes for `order_id`.
async fn reject(client: &Client, order_id: &str) -> Result<Outcome, Failure> {
    let reason = "本店仅开具企业抬头发票，请选择企业抬头".to_string();
    client
        .reject_insert(&RejectInsertRequest {
            s_pappid: S_PAPPID.into(),
            order_id: order_id.into(),
            reason: reason.clone(),
            url: Some("https://shop.example.com/invoice/help".into()),
        })
        .await?;
    Ok(Outcome::Rejected { reason })
}

/// The flow did what it should: one insert (for the company order, with the company's title
/// and tax number) and one rejection.
fn check(server: &MockServer, outcomes: &[Outcome]) -> Result<(), Failure> {
    let inserted = matches!(outcomes.first(), Some(Outcome::Inserted { .. }));
    let rejected = matches!(outcomes.get(1), Some(Outcome::Rejected { .. }));
    if !(inserted && rejected) {
        return Err(format!("expected an insert then a rejection, got {outcomes:?}").into());
    }
    let sent = server
        .deliveries()
        .into_iter()
        .find(|delivery| delivery.endpoint == "insert_invoice")
        .ok_or("the mock received the insert")?;
    let body: serde_json::Value = serde_json::from_slice(&sent.request.body)?;
    let data = &body["card_ext"]["user_card"]["invoice_user_data"];
    if data["title"] != "某某科技有限公司" || data["buyer_number"] != "91440300MA5EXAMPLE" {
        return Err(format!("the insert does not carry the user's company title: {data}").into());
    }
    if server.delivery_count("reject_insert") != 1 {
        return Err("the personal-title order was not rejected once".into());
    }
    Ok(())
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn the_merchant_flow_runs_against_the_mock() {
        let server = wechat_invoice_mock::MockServer::start()
            .await
            .expect("mock starts");
        super::run(&server).await.expect("the flow completes");
    }
}
