//! The baseline both benches measure the client against: `getauthdata` called with `reqwest`
//! and `serde` as a caller without this crate would write it (same body, same answer, URL
//! built once by the caller).

use serde::{Deserialize, Serialize};

/// The request as a hand-written caller would declare it.
#[derive(Serialize)]
struct HandRequest<'a> {
    s_pappid: &'a str,
    order_id: &'a str,
}

/// The answer as a hand-written caller would declare it.
#[derive(Deserialize)]
struct HandResponse {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    invoice_status: Option<String>,
}

/// One hand-written `getauthdata` call to `url`; the error says what went wrong.
pub async fn hand_written_call(http: &reqwest::Client, url: &str) -> Result<(), String> {
    let body = HandRequest {
        s_pappid: "wx123456",
        order_id: "123456",
    };
    let response = http
        .post(url)
        .json(&body)
        .send()
        .await
        .map_err(|_| "hand-written: transport".to_string())?;
    match response.json::<HandResponse>().await {
        Ok(answer) if answer.errcode == 0 && answer.invoice_status.is_some() => Ok(()),
        Ok(answer) => Err(format!("hand-written: errcode {}", answer.errcode)),
        Err(_) => Err("hand-written: decode".into()),
    }
}
