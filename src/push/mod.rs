//! Hearing WeChat: verify, decrypt and decode the events WeChat pushes to your server.
//!
//! WeChat calls the server URL set in the account's developer settings: a `GET` with
//! `echostr` when the URL is saved ([`Receiver::verify_url`]), then a `POST` per event
//! ([`Receiver::receive`]). Both work on the raw query string and the raw body bytes, so any
//! web framework (or none) can call them; the `axum` feature adds a ready handler.
//!
//! The three message-security modes of WeChat's settings are covered: plain (明文, no
//! EncodingAESKey configured here), compatible (兼容) and safe (安全) (an EncodingAESKey
//! configured: only encrypted messages are accepted, and in compatible mode the encrypted
//! copy is the one read). Every request's `signature` is checked; encrypted ones also carry
//! `msg_signature`, checked against the `Encrypt` value. Both comparisons take constant time.
//!
//! ```
//! use wechat_invoice::push::{PushConfig, Receiver};
//! # fn demo(query: &str, body: &[u8]) -> Result<(), wechat_invoice::push::PushError> {
//! let receiver = Receiver::new(
//!     PushConfig::new("TOKEN")
//!         .encoding_aes_key("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
//!         .appid("wxb11529c136998cb6"),
//! )?;
//! match receiver.receive(query, body)? {
//!     wechat_invoice::Event::UserAuthorizeInvoice(event) => {
//!         println!("order {:?} authorized", event.succ_order_id);
//!     }
//!     other => println!("event {:?}", other.envelope().event),
//! }
//! // Answer `success` (see `push::SUCCESS`) within 5 s, or WeChat sends the event again.
//! # Ok(())
//! # }
//! ```

#[cfg(feature = "axum")]
pub mod axum;
mod component;
mod config;
mod crypto;
mod dedup;
mod error;
mod event;
mod receiver;
mod signature;
mod xml;

pub(crate) use component::component_envelope_identity;
pub use component::{ComponentEnvelope, OtherComponentEvent};
pub use config::PushConfig;
#[cfg(feature = "redis")]
pub use dedup::RedisDedupStore;
pub use dedup::{
    DedupFuture, DedupStore, Deduplicator, MemoryDedupStore, component_dedup_key, dedup_key,
};
pub use error::{PushError, SignatureKind};
pub use event::OtherEvent;
pub(crate) use event::envelope_identity;
pub use receiver::{Mode, Receiver, SealedPush};
pub use signature::sign;
pub use xml::{Elements, Envelope};
pub(crate) use xml::{parse as parse_xml, write as write_xml};

/// The answer that tells WeChat a push was received (an empty body works too); without it
/// within 5 seconds, WeChat sends the push again, three attempts in all.
pub const SUCCESS: &str = "success";
