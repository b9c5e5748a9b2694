//! `events.rs`: one struct per described event and the `Event` enum over them; and
//! `event_example_tests.rs`, each example as a test. The runtime items they use
//! (`crate::push::Elements`, `Envelope`, `OtherEvent`, `PushError`) are hand-written.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::{EventField, EventModel, FieldType};
use crate::emit::{EmitError, GeneratedFile};

/// The generated library file.
pub const EVENTS: &str = "events.rs";
/// The generated test file (for `tests/push_events.rs`).
pub const EVENT_EXAMPLE_TESTS: &str = "event_example_tests.rs";

/// Adds the event files to `files` and includes the library one from `mod.rs`. Nothing is
/// added for a spec without events.
pub fn add_files(events: &[EventModel], files: &mut Vec<GeneratedFile>) -> Result<(), EmitError> {
    if events.is_empty() {
        return Ok(());
    }
    files.push(crate::emit::render(EVENTS, emit_events(events))?);
    files.push(crate::emit::render(
        EVENT_EXAMPLE_TESTS,
        emit_example_tests(events),
    )?);
    if let Some(module) = files.iter_mut().find(|file| file.name == "mod.rs") {
        module
            .contents
            .push_str(&format!("include!(\"{EVENTS}\");\n"));
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(())
}

fn doc_lines(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = format!(" {line}");
        quote! { #[doc = #line] }
    });
    quote! { #(#lines)* }
}

fn field_doc(field: &EventField) -> String {
    let mut doc = format!("`{}`: {}", field.element, field.description);
    if !field.aliases.is_empty() {
        let aliases: Vec<String> = field.aliases.iter().map(|a| format!("`{a}`")).collect();
        doc.push_str(&format!("\n\nAlso read from {}.", aliases.join(", ")));
    }
    if !field.values.is_empty() {
        let values: Vec<String> = field.values.iter().map(|v| format!("`{v}`")).collect();
        doc.push_str(&format!("\n\nKnown values: {}.", values.join(", ")));
    }
    if field.identity {
        doc.push_str("\n\nPart of the event's dedup key.");
    }
    doc
}

fn names(field: &EventField) -> TokenStream {
    let names = std::iter::once(&field.element).chain(&field.aliases);
    quote! { &[#(#names),*] }
}

fn emit_struct(event: &EventModel) -> TokenStream {
    let name = format_ident!("{}", event.struct_name);
    let value = &event.event;
    let doc = doc_lines(&format!(
        "{}\n\n{}\n\nWeChat's documentation: <{}>",
        event.title, event.description, event.doc
    ));
    let const_doc = format!(" The `Event` value: `{value}`.");
    let fields = event.fields.iter().map(|field| {
        let ident = format_ident!("{}", field.rust_name);
        let doc = doc_lines(&field_doc(field));
        let ty = match field.ty {
            FieldType::String => quote! { Option<String> },
            FieldType::Integer => quote! { Option<i64> },
        };
        quote! { #doc pub #ident: #ty, }
    });
    let reads = event.fields.iter().map(|field| {
        let ident = format_ident!("{}", field.rust_name);
        let names = names(field);
        match field.ty {
            FieldType::String => quote! { #ident: elements.take(#names), },
            FieldType::Integer => quote! { #ident: elements.take_integer(#names, Self::EVENT)?, },
        }
    });
    let writes = event.fields.iter().map(|field| {
        let ident = format_ident!("{}", field.rust_name);
        let element = &field.element;
        match field.ty {
            FieldType::String => quote! { elements.put(#element, self.#ident.as_deref()); },
            FieldType::Integer => quote! {
                elements.put(#element, self.#ident.map(|value| value.to_string()).as_deref());
            },
        }
    });
    let identity = event.fields.iter().filter(|field| field.identity).map(|field| {
        let ident = format_ident!("{}", field.rust_name);
        let format = format!("{}={{}}", field.element);
        match field.ty {
            FieldType::String => quote! {
                parts.push(format!(#format, self.#ident.as_deref().unwrap_or_default()));
            },
            FieldType::Integer => quote! {
                parts.push(format!(#format, self.#ident.map(|value| value.to_string()).unwrap_or_default()));
            },
        }
    });
    let identity_body = if event.fields.iter().any(|field| field.identity) {
        quote! {
            let mut parts = crate::push::envelope_identity(&self.envelope);
            #(#identity)*
            parts
        }
    } else {
        quote! { crate::push::envelope_identity(&self.envelope) }
    };
    quote! {
        #doc
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct #name {
            /// Who sent it to whom, and when.
            pub envelope: crate::push::Envelope,
            #(#fields)*
            /// Elements the spec does not describe for this event, as sent.
            pub other: crate::push::Elements,
        }

        impl #name {
            #[doc = #const_doc]
            pub const EVENT: &'static str = #value;

            fn from_elements(
                envelope: crate::push::Envelope,
                mut elements: crate::push::Elements,
            ) -> Result<Self, crate::push::PushError> {
                Ok(Self {
                    #(#reads)*
                    envelope,
                    other: elements,
                })
            }

            fn write_elements(&self, elements: &mut crate::push::Elements) {
                #(#writes)*
                elements.extend(&self.other);
            }

            fn identity(&self) -> Vec<String> {
                #identity_body
            }
        }
    }
}

fn emit_events(events: &[EventModel]) -> TokenStream {
    let structs = events.iter().map(emit_struct);
    let variants = events.iter().map(|event| {
        let variant = format_ident!("{}", event.variant);
        let name = format_ident!("{}", event.struct_name);
        let doc = format!(" `{}`: {}", event.event, event.title);
        quote! { #[doc = #doc] #variant(#name), }
    });
    let idents: Vec<_> = events
        .iter()
        .map(|event| {
            (
                format_ident!("{}", event.variant),
                format_ident!("{}", event.struct_name),
            )
        })
        .collect();
    let decode = idents.iter().map(|(variant, name)| {
        quote! { Some(#name::EVENT) => Ok(Event::#variant(#name::from_elements(envelope, elements)?)), }
    });
    let envelope = idents
        .iter()
        .map(|(variant, _)| quote! { Event::#variant(event) => &event.envelope, });
    let write = idents.iter().map(
        |(variant, _)| quote! { Event::#variant(event) => event.write_elements(&mut elements), },
    );
    let identity = idents
        .iter()
        .map(|(variant, _)| quote! { Event::#variant(event) => event.identity(), });
    quote! {
        #(#structs)*

        /// An event WeChat pushed: one variant per event described in `spec/events/`, and
        /// [`Event::Other`] for any other, with all its elements.
        ///
        /// `#[non_exhaustive]`: a `match` needs a `_` arm, so an event added to the spec is a
        /// new variant without breaking callers (its pushes stop arriving as `Other`).
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum Event {
            #(#variants)*
            /// An event (or message) the spec does not describe, kept whole.
            Other(crate::push::OtherEvent),
        }

        impl Event {
            /// Decodes a push's (decrypted) XML. No signature is checked here: use
            /// [`crate::push::Receiver::receive`] for what arrives over the network.
            pub fn from_xml(xml: &[u8]) -> Result<Self, crate::push::PushError> {
                Self::from_elements(crate::push::parse_xml(xml, "message")?)
            }

            /// Decodes the elements of a push's XML.
            pub fn from_elements(mut elements: crate::push::Elements) -> Result<Self, crate::push::PushError> {
                let envelope = crate::push::Envelope::take_from(&mut elements)?;
                match envelope.event.as_deref() {
                    #(#decode)*
                    _ => Ok(Event::Other(crate::push::OtherEvent { envelope, elements })),
                }
            }

            /// The envelope: `ToUserName`, `FromUserName`, `CreateTime`, `MsgType`, `Event`.
            pub fn envelope(&self) -> &crate::push::Envelope {
                match self {
                    #(#envelope)*
                    Event::Other(event) => &event.envelope,
                }
            }

            /// The push's XML as WeChat writes it (each value in CDATA); absent fields are
            /// left out.
            pub fn to_xml(&self) -> String {
                let mut elements = crate::push::Elements::new();
                self.envelope().put_into(&mut elements);
                match self {
                    #(#write)*
                    Event::Other(event) => elements.extend(&event.elements),
                }
                crate::push::write_xml(&elements)
            }

            /// What identifies this event among retries: sender, time, event name and the
            /// event's own ids (every element for an undescribed event).
            pub fn identity(&self) -> Vec<String> {
                match self {
                    #(#identity)*
                    Event::Other(event) => event.identity(),
                }
            }
        }
    }
}

fn emit_example_tests(events: &[EventModel]) -> TokenStream {
    let tests = events.iter().flat_map(|event| {
        event.examples.iter().map(move |example| {
            let test = format_ident!("{}_example_{}", event.event, example.name);
            let variant = format_ident!("{}", event.variant);
            let xml = &example.xml;
            let checks = example.expect.iter().filter_map(|(element, value)| {
                let field = event.field(element)?;
                let ident = format_ident!("{}", field.rust_name);
                Some(match field.ty {
                    FieldType::String => quote! { assert_eq!(decoded.#ident.as_deref(), Some(#value)); },
                    FieldType::Integer => {
                        let number = Literal::i64_unsuffixed(value.trim().parse().unwrap_or_default());
                        quote! { assert_eq!(decoded.#ident, Some(#number)); }
                    }
                })
            });
            quote! {
                #[test]
                fn #test() {
                    let event = wechat_invoice::Event::from_xml(#xml.as_bytes()).expect("the example decodes");
                    let wechat_invoice::Event::#variant(decoded) = &event else {
                        panic!("decoded as another event: {event:?}");
                    };
                    #(#checks)*
                    assert_eq!(decoded.envelope.msg_type.as_deref(), Some("event"));
                    check_round_trip(&event);
                }
            }
        })
    });
    quote! { #(#tests)* }
}
