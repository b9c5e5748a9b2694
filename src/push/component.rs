//! The hand-written parts of [`crate::ComponentEvent`]: the envelope of a third-party
//! platform's authorization pushes (`AppId`, `CreateTime`, `InfoType` in place of the
//! account envelope's `ToUserName`, `FromUserName`, `MsgType`, `Event`), pushes the spec does
//! not describe, and the envelope's share of the dedup identity.

use super::error::PushError;
use super::xml::{Elements, take_create_time};

/// The envelope of a push to a third-party platform's authorization-event URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComponentEnvelope {
    /// `AppId`: the third-party platform's appid (`component_appid`).
    pub app_id: Option<String>,
    /// `CreateTime`: when WeChat created the push, in Unix seconds.
    pub create_time: Option<u64>,
    /// `InfoType`: which push this is (`component_verify_ticket`, `authorized`…).
    pub info_type: Option<String>,
}

impl ComponentEnvelope {
    /// The envelope of the push `info_type` (`InfoType` set, the rest empty), as the builders
    /// of push structs start with.
    pub fn of(info_type: &str) -> Self {
        Self {
            info_type: Some(info_type.to_string()),
            ..Self::default()
        }
    }

    /// Takes the envelope's elements out of `elements`.
    pub(crate) fn take_from(elements: &mut Elements) -> Result<Self, PushError> {
        Ok(Self {
            app_id: elements.take(&["AppId"]),
            create_time: take_create_time(elements)?,
            info_type: elements.take(&["InfoType"]),
        })
    }

    /// Writes the envelope's elements, in WeChat's order.
    pub(crate) fn put_into(&self, elements: &mut Elements) {
        elements.put("AppId", self.app_id.as_deref());
        let create_time = self.create_time.map(|time| time.to_string());
        elements.put("CreateTime", create_time.as_deref());
        elements.put("InfoType", self.info_type.as_deref());
    }
}

/// A push to a platform's authorization-event URL that the spec does not describe, with
/// every element it carried.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OtherComponentEvent {
    /// The platform, when, and which push it is.
    pub envelope: ComponentEnvelope,
    /// Every other element, as sent.
    pub elements: Elements,
}

impl OtherComponentEvent {
    /// The envelope's identity and every element.
    pub(crate) fn identity(&self) -> Vec<String> {
        let mut parts = component_envelope_identity(&self.envelope);
        parts.extend(
            self.elements
                .iter()
                .map(|(name, text)| format!("{name}={text}")),
        );
        parts
    }
}

/// The platform, the time and the `InfoType` value: the envelope's share of the dedup key.
pub(crate) fn component_envelope_identity(envelope: &ComponentEnvelope) -> Vec<String> {
    vec![
        format!("AppId={}", envelope.app_id.as_deref().unwrap_or_default()),
        format!(
            "CreateTime={}",
            envelope
                .create_time
                .map(|t| t.to_string())
                .unwrap_or_default()
        ),
        format!(
            "InfoType={}",
            envelope.info_type.as_deref().unwrap_or_default()
        ),
    ]
}
