//! Handling errors, against the built-in mock of WeChat (told to fail in each way):
//!
//! - `Error::Api(e)` is WeChat's own answer: match the endpoint's flat error enum one level
//!   deep (`GetAuthDataError::InvoiceOrderNeverAuth { errmsg }`), with `Unknown { code,
//!   errmsg }` for codes the spec does not document; `e.code()`, `e.message()`,
//!   `e.solution()`, `e.is_retryable()` and `e.may_have_succeeded()` work on every variant;
//! - every other variant means no usable answer arrived: `Timeout`, `Transport` (a reset),
//!   `HttpStatus` (a gateway's HTML 502), `Decode` (HTML, truncated JSON…);
//! - the client already retries what is safe to retry (a `-1` "system busy", a reset) for
//!   idempotent calls, within its `RetryPolicy`; what reaches the caller is what is left.
//!
//! Run: `cargo run --example error_handling` (`cargo test --example error_handling` runs it
//! as a test).

use std::time::Duration;

use wechat_invoice::{
    Client, DecodeKind, Error, GetAuthDataError, GetAuthDataRequest, RetryPolicy,
};
use wechat_invoice_mock::{Behavior, MockServer, Reply};

type Failure = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let server = MockServer::start().await?;
    println!("mock WeChat listening on {}", server.base_url());
    run(&server).await
}

/// What the caller should do next.
#[derive(Debug, PartialEq)]
enum Next {
    /// The order is not authorized yet: send the user the authorization link again.
    AskTheUserToAuthorize,
    /// Try again later, the same request.
    RetryLater,
    /// A call that is not idempotent may have gone through: look before sending it again.
    CheckBeforeResending,
    /// A mistake to fix (the request, the account, the setup): WeChat's solution says how.
    Fix(String),
}

/// The decision for a failed `get_auth_data`: specific codes first, then the classification
/// every error carries.
fn next_step(error: &Error<GetAuthDataError>) -> Next {
    match error {
        Error::Api(GetAuthDataError::InvoiceOrderNeverAuth { .. }) => Next::AskTheUserToAuthorize,
        Error::Api(api) if api.is_retryable() => Next::RetryLater,
        Error::Api(api) if api.may_have_succeeded() => Next::CheckBeforeResending,
        Error::Api(GetAuthDataError::Unknown { code, errmsg }) => Next::Fix(format!(
            "undocumented errcode {code} ({errmsg}): ask WeChat support"
        )),
        Error::Api(api) => Next::Fix(api.solution().unwrap_or("see the message").to_string()),
        // No answer arrived: an idempotent call such as this one can simply be sent again.
        Error::Timeout { .. } | Error::Transport { .. } | Error::HttpStatus { .. } => {
            Next::RetryLater
        }
        other => Next::Fix(other.to_string()),
    }
}

/// One call, made to fail as `behavior` says; the error it ends with.
async fn fail_with(
    server: &MockServer,
    client: &Client,
    behavior: impl Into<Behavior>,
) -> Result<Error<GetAuthDataError>, Failure> {
    server.respond("get_auth_data", behavior);
    let request = GetAuthDataRequest {
        s_pappid: "wx123456".into(),
        order_id: "123456".into(),
    };
    let result = client.get_auth_data(&request).await;
    server.respond("get_auth_data", Reply::Example);
    match result {
        Ok(response) => Err(format!("expected an error, got {response:?}").into()),
        Err(error) => {
            println!("error: {error}\n  next: {:?}", next_step(&error));
            Ok(error)
        }
    }
}

/// Each kind of error, and what the caller does about it; `Err` when one comes out otherwise.
async fn run(server: &MockServer) -> Result<(), Failure> {
    // No retries and a short timeout, so each failure reaches the caller as it happened.
    let client = Client::builder()
        .base_url(server.base_url())
        .access_token("ACCESS_TOKEN")
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_millis(300))
        .build()?;

    // A documented code: its own variant.
    let error = fail_with(server, &client, Reply::Error(72038)).await?;
    let api = error.api().ok_or("an API error")?;
    expect(
        api.code() == 72038 && api.solution().is_some(),
        "72038 documented",
    )?;
    expect(
        next_step(&error) == Next::AskTheUserToAuthorize,
        "72038 asks for authorization",
    )?;

    // WeChat's "system busy": retryable.
    let error = fail_with(server, &client, Reply::Error(-1)).await?;
    expect(
        matches!(error, Error::Api(GetAuthDataError::SystemBusy { .. })),
        "-1 is SystemBusy",
    )?;
    expect(next_step(&error) == Next::RetryLater, "-1 is retried later")?;

    // A code no table lists: `Unknown`, with the code and message kept.
    let error = fail_with(server, &client, Reply::Error(48_001_999)).await?;
    expect(
        matches!(
            error,
            Error::Api(GetAuthDataError::Unknown {
                code: 48_001_999,
                ..
            })
        ),
        "an undocumented code is Unknown",
    )?;
    expect(
        matches!(next_step(&error), Next::Fix(_)),
        "Unknown needs a fix",
    )?;

    // No answer at all: a reset, a gateway's HTML page, a server too slow for the timeout.
    let error = fail_with(server, &client, Reply::Reset).await?;
    expect(
        matches!(error, Error::Transport { .. }),
        "a reset is Transport",
    )?;
    let html = Reply::Raw {
        status: 502,
        content_type: "text/html".into(),
        body: b"<html><title>502 Bad Gateway</title></html>".to_vec(),
    };
    let error = fail_with(server, &client, html).await?;
    expect(
        matches!(error, Error::HttpStatus { status: 502, .. }),
        "HTML 502 is HttpStatus",
    )?;
    let slow = Behavior::reply(Reply::Example).after(Duration::from_secs(2));
    let error = fail_with(server, &client, slow).await?;
    expect(
        matches!(error, Error::Timeout { .. }),
        "too slow is Timeout",
    )?;
    let error = fail_with(server, &client, Reply::TruncatedJson).await?;
    expect(
        matches!(
            error,
            Error::Decode {
                kind: DecodeKind::Truncated,
                ..
            }
        ),
        "half a JSON body is Decode",
    )?;

    // With the default retry policy, one "system busy" never reaches the caller: the client
    // sends this idempotent call again.
    let retrying = Client::builder()
        .base_url(server.base_url())
        .access_token("ACCESS_TOKEN")
        .build()?;
    let before = server.delivery_count("get_auth_data");
    server.respond_once("get_auth_data", Reply::Error(-1));
    let request = GetAuthDataRequest {
        s_pappid: "wx123456".into(),
        order_id: "123456".into(),
    };
    let response = retrying.get_auth_data(&request).await?;
    println!("after one retried -1: {:?}", response.invoice_status);
    expect(
        server.delivery_count("get_auth_data") == before + 2,
        "the busy answer was retried once",
    )?;
    println!("error handling against the mock: ok");
    Ok(())
}

fn expect(holds: bool, what: &str) -> Result<(), Failure> {
    if holds {
        Ok(())
    } else {
        Err(format!("not as expected: {what}").into())
    }
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn the_error_handling_runs_against_the_mock() {
        let server = wechat_invoice_mock::MockServer::start()
            .await
            .expect("mock starts");
        super::run(&server)
            .await
            .expect("every error is handled as shown");
    }
}
