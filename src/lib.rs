//! Typed bindings to WeChat's electronic-invoice API family (电子发票 and 财政电子票据),
//! generated at build time from the reviewed YAML spec in `spec/`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let client = wechat_invoice::Client::builder()
//!     .base_url("http://127.0.0.1:8080") // default https://api.weixin.qq.com
//!     .access_token("ACCESS_TOKEN")
//!     .build()?;
//! let request = wechat_invoice::GetAuthDataRequest {
//!     s_pappid: "wx123456".into(),
//!     order_id: "123456".into(),
//! };
//! match client.get_auth_data(&request).await {
//!     Ok(response) => println!("status: {:?}", response.invoice_status),
//!     Err(wechat_invoice::Error::Api(wechat_invoice::GetAuthDataError::InvoiceOrderNeverAuth { .. })) => {
//!         println!("the user has not authorized this order yet")
//!     }
//!     Err(other) => return Err(other.into()),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Every endpoint is a method on [`Client`] taking a `…Request` and returning the
//! `…Response` or an [`Error`] whose [`Error::Api`] holds the endpoint's `…Error` enum.

mod client;
pub mod dynamic;
mod endpoint;
pub mod error;
pub mod push;
mod redact;
mod retry;
mod token;
mod types;
mod wire;

pub use client::{
    Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT,
};
pub use endpoint::{BodyKind, Endpoint, HttpMethod, Operation, decode_response};
pub use error::{ApiError, BuildError, DecodeKind, Error, ErrorInfo};
pub use retry::RetryPolicy;
#[cfg(feature = "redis")]
pub use token::RedisStore;
pub use token::{
    AccessToken, AppSecret, AuthorizerToken, FixedToken, IssuedToken, MemoryStore, StoreFuture,
    TokenCacheConfig, TokenEndpoint, TokenError, TokenFuture, TokenProvider, TokenStore,
};
pub use types::{Decimal, DecimalError, FilePart, FormValue};

/// The code generated from `spec/` (a copy is committed in `generated/`).
mod generated {
    include!(concat!(env!("OUT_DIR"), "/generated/mod.rs"));
}

pub use generated::*;
