#![doc = include_str!("../docs/guide.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod builder;
mod client;
pub mod component;
mod credential;
mod de;
pub mod dynamic;
mod endpoint;
mod enums;
mod envelope;
pub mod error;
mod error_serde;
pub mod push;
mod raw;
mod redact;
mod retry;
mod schema;
mod ticket;
mod token;
mod transport;
mod types;
mod wire;

pub use client::{
    Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT,
};
pub use endpoint::{BodyKind, Endpoint, HttpMethod, Operation, decode_response};
pub use error::{AnyApiError, ApiError, BuildError, DecodeKind, Error, ErrorInfo};
pub use raw::{RawBody, RawError, UnknownField, WithRaw};
pub use redact::hide_secrets;
pub use retry::RetryPolicy;
pub use ticket::{CARD_TICKET_REJECTED, CardTicket, UsesCardTicket};
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use token::RedisStore;
pub use token::{
    AccessToken, AppSecret, AuthorizerToken, FixedToken, IssuedToken, MAX_TOKEN_BYTES,
    MAX_TOKEN_LIFETIME, MemoryStore, StoreFuture, TokenCacheConfig, TokenEndpoint, TokenError,
    TokenFuture, TokenProvider, TokenStore,
};
pub use types::{Decimal, DecimalError, FilePart, FormValue, IntegerOrString};

/// The code generated from `spec/` (a copy is committed in `generated/`).
mod generated {
    include!(concat!(env!("OUT_DIR"), "/generated/mod.rs"));
}

pub use generated::*;
