//! The reimburser's flow (an expense system that accepts invoices from WeChat's card holder),
//! against the built-in mock of WeChat:
//!
//! 1. the employee picks invoices in WeChat (JS-SDK `chooseInvoice`); the page hands the
//!    expense system a `card_id` and an `encrypt_code` per invoice;
//! 2. `reimburse_get_invoice_info` reads one invoice (title, amount, PDF link…), and
//!    `reimburse_get_invoice_batch` several in one call;
//! 3. `reimburse_update_invoice_status` locks each one (`INVOICE_REIMBURSE_LOCK`) so no other
//!    company reimburses it meanwhile, then, once paid, closes it
//!    (`INVOICE_REIMBURSE_CLOSURE`: the card leaves the employee's card holder).
//!
//! An invoice another company has already locked answers 72023 (`InvoiceLockedByOthers`): the
//! flow leaves it out and tells the employee. The mock plays that company for the second
//! invoice here.
//!
//! Run: `cargo run --example reimburser_flow` (`cargo test --example reimburser_flow` runs it
//! as a test).

use wechat_invoice::{
    Client, Error, InvoiceCardRef, ReimburseGetInvoiceBatchRequest, ReimburseGetInvoiceInfoRequest,
    ReimburseStatus, ReimburseUpdateInvoiceStatusError, ReimburseUpdateInvoiceStatusRequest,
};
use wechat_invoice_mock::{MockServer, Reply};

type Failure = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let server = MockServer::start().await?;
    println!("mock WeChat listening on {}", server.base_url());
    run(&server).await
}

/// What the employee submitted: one `card_id` and `encrypt_code` per chosen invoice.
fn chosen_invoices() -> Vec<InvoiceCardRef> {
    vec![
        InvoiceCardRef {
            card_id: "pjZ8Yt5crPbAouhFqFf6JFgZv4Lc".into(),
            encrypt_code: "fbdt/fWy1VitQwhbKtSjNeR3BJyfpeJXfZjjGsdCXiM=".into(),
        },
        InvoiceCardRef {
            card_id: "pjZ8Yt1XGILfi-FUsewpnnolGgZk".into(),
            encrypt_code: "O/mPnGTpBu22a1szmK2OgzX7PyPzSJgVaTnp1QezsFI=".into(),
        },
    ]
}

/// The whole flow; `Err` when anything differs from what the flow expects.
async fn run(server: &MockServer) -> Result<(), Failure> {
    let client = Client::builder()
        .base_url(server.base_url())
        .access_token("ACCESS_TOKEN")
        .build()?;
    let chosen = chosen_invoices();

    // 2. One invoice in detail…
    let first = chosen.first().ok_or("the employee chose an invoice")?;
    let info = client
        .reimburse_get_invoice_info(&ReimburseGetInvoiceInfoRequest {
            card_id: first.card_id.clone(),
            encrypt_code: first.encrypt_code.clone(),
        })
        .await?;
    println!(
        "{}: title {:?}, {} fen, PDF {:?}",
        info.card_id, info.user_info.title, info.user_info.fee, info.user_info.pdf_url
    );
    // …or all of them in one call.
    let batch = client
        .reimburse_get_invoice_batch(&ReimburseGetInvoiceBatchRequest {
            item_list: chosen.clone(),
        })
        .await?;
    let total: i64 = batch.item_list.iter().map(|item| item.user_info.fee).sum();
    println!(
        "{} invoices read, {total} fen in all",
        batch.item_list.len()
    );

    // 3. Lock each invoice before paying; one locked elsewhere is left out.
    server.respond_once(
        "reimburse_update_invoice_status",
        Reply::Example, // the first lock goes through
    );
    server.respond_once("reimburse_update_invoice_status", Reply::Error(72023));
    let mut locked = Vec::new();
    for invoice in &chosen {
        match set_status(&client, invoice, ReimburseStatus::Lock).await {
            Ok(()) => locked.push(invoice),
            Err(Error::Api(ReimburseUpdateInvoiceStatusError::InvoiceLockedByOthers {
                ..
            })) => {
                println!(
                    "{}: another company is reimbursing it; tell the employee",
                    invoice.card_id
                );
            }
            Err(other) => return Err(other.into()),
        }
    }

    // … the expense is paid …
    for invoice in &locked {
        set_status(&client, invoice, ReimburseStatus::Closure).await?;
        println!("{}: reimbursed and closed", invoice.card_id);
    }

    check(server, locked.len())?;
    println!("reimburser flow against the mock: ok");
    Ok(())
}

/// Sets one invoice's reimbursement status.
async fn set_status(
    client: &Client,
    invoice: &InvoiceCardRef,
    status: ReimburseStatus,
) -> Result<(), Error<ReimburseUpdateInvoiceStatusError>> {
    client
        .reimburse_update_invoice_status(&ReimburseUpdateInvoiceStatusRequest {
            card_id: invoice.card_id.clone(),
            encrypt_code: invoice.encrypt_code.clone(),
            reimburse_status: status,
        })
        .await?;
    Ok(())
}

/// One invoice locked and closed, the other left out after its refused lock.
fn check(server: &MockServer, locked: usize) -> Result<(), Failure> {
    let statuses: Vec<String> = server
        .deliveries()
        .into_iter()
        .filter(|delivery| delivery.endpoint == "reimburse_update_invoice_status")
        .filter_map(|delivery| {
            let body: serde_json::Value = serde_json::from_slice(&delivery.request.body).ok()?;
            Some(body["reimburse_status"].as_str()?.to_string())
        })
        .collect();
    let expected = [
        "INVOICE_REIMBURSE_LOCK",
        "INVOICE_REIMBURSE_LOCK",
        "INVOICE_REIMBURSE_CLOSURE",
    ];
    if locked != 1 || statuses != expected {
        return Err(format!("expected two locks and one closure, sent {statuses:?}").into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn the_reimburser_flow_runs_against_the_mock() {
        let server = wechat_invoice_mock::MockServer::start()
            .await
            .expect("mock starts");
        super::run(&server).await.expect("the flow completes");
    }
}
