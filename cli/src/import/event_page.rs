//! Recognises a doc page that describes a pushed event rather than an endpoint, so that
//! `wxinvoice import` can skip it and say so: it writes endpoint files only for now, and event
//! files (`spec/events/`) are written by hand.

use super::page::Page;

/// What a page is, when it is an event page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventPage {
    /// The `Event` value its push sample sends (`user_authorize_invoice`), when it has one.
    pub event: Option<String>,
}

/// `Some` when `text` (read as `page`) describes a push: it has no HTTP call line, and it
/// shows a push sample (`<MsgType>` and `<Event>` elements) or a table of the push envelope
/// (`ToUserName`, `FromUserName`, `MsgType`, `Event`).
pub fn detect(text: &str, page: &Page) -> Option<EventPage> {
    if !page.calls.is_empty() || page.call.is_some() {
        return None;
    }
    let sample = text.contains("<MsgType>") && text.contains("<Event>");
    let envelope = ["ToUserName", "FromUserName", "MsgType", "Event"]
        .iter()
        .all(|name| text.contains(name));
    (sample || envelope).then(|| EventPage {
        event: event_value(text),
    })
}

/// The first `<Event>` element's value, CDATA or not.
fn event_value(text: &str) -> Option<String> {
    let start = text.find("<Event>")? + "<Event>".len();
    let rest = &text[start..];
    let end = rest.find("</Event>")?;
    let value = rest[..end].trim();
    let value = value
        .strip_prefix("<![CDATA[")
        .and_then(|inner| inner.strip_suffix("]]>"))
        .unwrap_or(value)
        .trim();
    let usable = !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    usable.then(|| value.to_string())
}

/// The note printed on stderr for a skipped page.
pub fn skipped_note(page_name: &str, found: &EventPage) -> String {
    let (what, file) = match &found.event {
        Some(event) => (
            format!("the pushed event `{event}`"),
            format!("{event}.yaml"),
        ),
        None => ("a pushed event".to_string(), "<event>.yaml".to_string()),
    };
    format!(
        "{page_name}: skipped: this page describes {what}, not an endpoint; `wxinvoice import` \
         does not write event files yet. Describe the event by hand in spec/events/{file} \
         (see spec/README.md, \"An event file\") and check it with `wxinvoice validate`.\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoint_page_is_not_an_event_page() {
        let text = "# getauthdata\n\nPOST https://api.weixin.qq.com/card/invoice/getauthdata?access_token=ACCESS_TOKEN\n\n<xml><MsgType>event</MsgType><Event>x</Event></xml>\n";
        assert_eq!(detect(text, &super::super::page::read(text)), None);
    }

    #[test]
    fn the_event_value_is_read_from_cdata_or_text() {
        assert_eq!(
            event_value("<Event><![CDATA[user_authorize_invoice]]></Event>").as_deref(),
            Some("user_authorize_invoice")
        );
        assert_eq!(
            event_value("<Event>update_invoice_status</Event>").as_deref(),
            Some("update_invoice_status")
        );
        assert_eq!(event_value("<Event><![CDATA[]]></Event>"), None);
        assert_eq!(event_value("<Event>no end"), None);
    }
}
