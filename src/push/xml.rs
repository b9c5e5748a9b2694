//! The XML of a push: a flat `<xml>` document of elements holding text or CDATA, read with
//! quick-xml into [`Elements`] and written back the way WeChat writes it.

use quick_xml::Reader;
use quick_xml::events::Event as XmlEvent;

use super::error::{PushError, excerpt};

/// The child elements of a push's `<xml>` root, in the order sent: element name and text.
///
/// Text and CDATA are joined and entity references resolved. An element holding elements of
/// its own keeps its inner XML unchanged as its text, so nothing sent is lost.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Elements(Vec<(String, String)>);

impl Elements {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// The text of the first element called `name`, if any.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(element, _)| element == name)
            .map(|(_, text)| text.as_str())
    }

    /// Every element as (name, text), in the order sent.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .map(|(name, text)| (name.as_str(), text.as_str()))
    }

    /// How many elements there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds an element at the end.
    pub fn push(&mut self, name: impl Into<String>, text: impl Into<String>) {
        self.0.push((name.into(), text.into()));
    }

    /// Removes every element called one of `names` (a name and its aliases) and returns the
    /// first non-empty text; WeChat's empty CDATA means absent.
    pub(crate) fn take(&mut self, names: &[&str]) -> Option<String> {
        let mut found = None;
        self.0.retain_mut(|(name, text)| {
            if !names.contains(&name.as_str()) {
                return true;
            }
            if found.is_none() && !text.is_empty() {
                found = Some(std::mem::take(text));
            }
            false
        });
        found
    }

    /// Like [`Elements::take`], for an integer; `event` and the first name say where a bad
    /// value was found.
    pub(crate) fn take_integer(
        &mut self,
        names: &[&'static str],
        event: &'static str,
    ) -> Result<Option<i64>, PushError> {
        match self.take(names) {
            None => Ok(None),
            Some(text) => text
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| PushError::InvalidField {
                    event,
                    element: names.first().copied().unwrap_or_default(),
                    expected: "an integer",
                }),
        }
    }

    /// Adds `name` with `text` when there is a value (absent values are left out).
    pub(crate) fn put(&mut self, name: &str, text: Option<&str>) {
        if let Some(text) = text {
            self.push(name, text);
        }
    }

    /// Appends every element of `other`.
    pub(crate) fn extend(&mut self, other: &Elements) {
        self.0.extend(other.0.iter().cloned());
    }
}

/// The envelope every push carries: who sent it to whom, when, and which event it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Envelope {
    /// `ToUserName`: the receiving account's original id (`gh_…`).
    pub to_user_name: Option<String>,
    /// `FromUserName`: the sender, a user's OpenID or a system account.
    pub from_user_name: Option<String>,
    /// `CreateTime`: when WeChat created the message, in Unix seconds.
    pub create_time: Option<u64>,
    /// `MsgType`: `event` for events.
    pub msg_type: Option<String>,
    /// `Event`: which event this is (`user_authorize_invoice`…).
    pub event: Option<String>,
}

impl Envelope {
    /// The envelope of an `event` (`MsgType` `event` and `Event` set, the rest empty), as the
    /// builders of event structs start with.
    pub fn of(event: &str) -> Self {
        Self {
            msg_type: Some("event".to_string()),
            event: Some(event.to_string()),
            ..Self::default()
        }
    }

    /// Takes the envelope's elements out of `elements`.
    pub(crate) fn take_from(elements: &mut Elements) -> Result<Self, PushError> {
        let create_time = take_create_time(elements)?;
        Ok(Self {
            to_user_name: elements.take(&["ToUserName"]),
            from_user_name: elements.take(&["FromUserName"]),
            create_time,
            msg_type: elements.take(&["MsgType"]),
            event: elements.take(&["Event"]),
        })
    }

    /// Writes the envelope's elements, in WeChat's order.
    pub(crate) fn put_into(&self, elements: &mut Elements) {
        elements.put("ToUserName", self.to_user_name.as_deref());
        elements.put("FromUserName", self.from_user_name.as_deref());
        let create_time = self.create_time.map(|time| time.to_string());
        elements.put("CreateTime", create_time.as_deref());
        elements.put("MsgType", self.msg_type.as_deref());
        elements.put("Event", self.event.as_deref());
    }
}

/// Takes `CreateTime` (Unix seconds), shared by both envelopes.
pub(crate) fn take_create_time(elements: &mut Elements) -> Result<Option<u64>, PushError> {
    match elements.take(&["CreateTime"]) {
        None => Ok(None),
        Some(text) => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| PushError::InvalidField {
                event: "(envelope)",
                element: "CreateTime",
                expected: "a number of seconds",
            }),
    }
}

/// Reads a flat XML document into its root's child elements.
pub(crate) fn parse(xml: &[u8], what: &'static str) -> Result<Elements, PushError> {
    let text = std::str::from_utf8(xml).map_err(|_| PushError::NotUtf8(what))?;
    let mut reader = Reader::from_str(text);
    let mut elements = Elements::new();
    let mut depth = 0usize;
    let mut seen_root = false;
    // The element being read at depth 1: name, text so far, where its content starts, and
    // whether it holds elements (then its inner XML is kept instead).
    let mut current: Option<(String, String, usize, bool)> = None;
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = reader.read_event().map_err(|err| xml_error(&err))?;
        match event {
            XmlEvent::DocType(_) => return Err(PushError::Doctype),
            XmlEvent::Start(start) => {
                depth += 1;
                match depth {
                    1 if seen_root => {
                        return Err(PushError::Xml("more than one root element".into()));
                    }
                    1 => seen_root = true,
                    2 => {
                        let name = start.name().as_ref().to_string();
                        let content =
                            usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
                        current = Some((name, String::new(), content, false));
                    }
                    _ => {
                        if let Some(open) = current.as_mut() {
                            open.3 = true;
                        }
                    }
                }
            }
            XmlEvent::Empty(start) => match depth {
                0 if seen_root => return Err(PushError::Xml("more than one root element".into())),
                0 => seen_root = true,
                1 => elements.push(start.name().as_ref().to_string(), ""),
                _ => {
                    if let Some(open) = current.as_mut() {
                        open.3 = true;
                    }
                }
            },
            XmlEvent::End(_) => {
                if depth == 2
                    && let Some((name, value, content, nested)) = current.take()
                {
                    let value = if nested {
                        text.get(content..before).unwrap_or_default().to_string()
                    } else {
                        value
                    };
                    elements.push(name, value);
                }
                depth = depth.saturating_sub(1);
            }
            XmlEvent::Text(content) => {
                if depth == 2
                    && let Some(open) = current.as_mut()
                {
                    open.1.push_str(&content.into_inner());
                } else if depth == 0 && !content.into_inner().trim().is_empty() {
                    return Err(PushError::Xml("text outside the root element".into()));
                }
            }
            XmlEvent::CData(content) => {
                if depth == 2
                    && let Some(open) = current.as_mut()
                {
                    open.1.push_str(&content.into_inner());
                }
            }
            XmlEvent::GeneralRef(reference) => {
                if depth == 2
                    && let Some(open) = current.as_mut()
                {
                    let resolved = match reference.resolve_char_ref() {
                        Ok(Some(ch)) => ch,
                        Ok(None) => predefined_entity(&reference.into_inner())?,
                        Err(_) => {
                            return Err(PushError::Xml("an invalid character reference".into()));
                        }
                    };
                    open.1.push(resolved);
                }
            }
            XmlEvent::Eof => break,
            XmlEvent::Decl(_) | XmlEvent::PI(_) | XmlEvent::Comment(_) => {}
        }
    }
    if !seen_root {
        return Err(PushError::Xml("no root element".into()));
    }
    if depth != 0 {
        return Err(PushError::Xml("the document ends inside an element".into()));
    }
    Ok(elements)
}

fn predefined_entity(name: &str) -> Result<char, PushError> {
    Ok(match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "apos" => '\'',
        "quot" => '"',
        other => {
            return Err(PushError::Xml(format!(
                "unknown entity `&{};`",
                excerpt(other, 32)
            )));
        }
    })
}

fn xml_error(err: &quick_xml::Error) -> PushError {
    PushError::Xml(excerpt(&err.to_string(), 200))
}

/// Writes elements as WeChat does: `<xml>` with each value in CDATA (a `]]>` inside a value
/// is split across two sections, so any text survives).
pub(crate) fn write(elements: &Elements) -> String {
    let mut out = String::from("<xml>");
    for (name, text) in elements.iter() {
        out.push('<');
        out.push_str(name);
        out.push('>');
        push_cdata(&mut out, text);
        out.push_str("</");
        out.push_str(name);
        out.push('>');
    }
    out.push_str("</xml>");
    out
}

pub(crate) fn push_cdata(out: &mut String, text: &str) {
    out.push_str("<![CDATA[");
    out.push_str(&text.replace("]]>", "]]]]><![CDATA[>"));
    out.push_str("]]>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdata_text_entities_and_nested_elements_are_kept() {
        let xml = b"<xml>\n<A><![CDATA[x]]></A>\n<B>1 &lt; 2 &#x41;</B><C><D>in</D></C><E/><F><![CDATA[]]></F></xml>";
        let elements = parse(xml, "body").unwrap();
        let all: Vec<_> = elements.iter().collect();
        assert_eq!(
            all,
            [
                ("A", "x"),
                ("B", "1 < 2 A"),
                ("C", "<D>in</D>"),
                ("E", ""),
                ("F", "")
            ]
        );
    }

    #[test]
    fn doctype_and_broken_documents_are_refused() {
        let doctype = b"<!DOCTYPE xml [<!ENTITY a \"b\">]><xml><A>&a;</A></xml>";
        assert_eq!(parse(doctype, "body"), Err(PushError::Doctype));
        for broken in [
            &b""[..],
            b"<xml>",
            b"<xml><A></B></xml>",
            b"<xml/><xml/>",
            b"junk",
            b"<xml><A>&bogus;</A></xml>",
        ] {
            assert!(
                parse(broken, "body").is_err(),
                "{:?}",
                String::from_utf8_lossy(broken)
            );
        }
        assert_eq!(
            parse(&[0xff, 0xfe], "body"),
            Err(PushError::NotUtf8("body"))
        );
    }

    #[test]
    fn written_xml_reads_back_even_with_cdata_terminators() {
        let mut elements = Elements::new();
        elements.push("A", "x]]>y<z>&");
        elements.push("B", "");
        assert_eq!(
            parse(write(&elements).as_bytes(), "body").unwrap(),
            elements
        );
    }

    #[test]
    fn take_removes_aliases_and_treats_empty_as_absent() {
        let mut elements = Elements::new();
        elements.push("AppId", "");
        elements.push("AuthorizeAppId", "wx1");
        elements.push("Other", "o");
        assert_eq!(
            elements.take(&["AuthorizeAppId", "AppId"]).as_deref(),
            Some("wx1")
        );
        assert_eq!(elements.len(), 1);
        assert_eq!(elements.take(&["Missing"]), None);
    }
}
