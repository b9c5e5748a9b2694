//! The parts of [`crate::Event`] that are not generated: events the spec does not describe,
//! and the envelope's share of the dedup identity.

use super::xml::{Elements, Envelope};

/// An event (or message) the spec does not describe, with every element it carried.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OtherEvent {
    /// Who sent it to whom, when, and which event it is.
    pub envelope: Envelope,
    /// Every other element, as sent.
    pub elements: Elements,
}

impl OtherEvent {
    /// The envelope's identity and every element: two pushes differ in some element unless
    /// one is a retry of the other.
    pub(crate) fn identity(&self) -> Vec<String> {
        let mut parts = envelope_identity(&self.envelope);
        parts.extend(
            self.elements
                .iter()
                .map(|(name, text)| format!("{name}={text}")),
        );
        parts
    }
}

/// WeChat's suggested dedup key for events: `FromUserName` and `CreateTime`, plus the
/// `Event` value.
pub(crate) fn envelope_identity(envelope: &Envelope) -> Vec<String> {
    vec![
        format!(
            "FromUserName={}",
            envelope.from_user_name.as_deref().unwrap_or_default()
        ),
        format!(
            "CreateTime={}",
            envelope
                .create_time
                .map(|t| t.to_string())
                .unwrap_or_default()
        ),
        format!("Event={}", envelope.event.as_deref().unwrap_or_default()),
    ]
}
