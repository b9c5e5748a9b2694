//! `events.rs`: one struct per described event (`#[non_exhaustive]`, with a builder), the
//! `Event` enum over the pushes named by `Event` and the `ComponentEvent` enum over a
//! third-party platform's pushes named by `InfoType`; and `event_example_tests.rs`, each example as a test. The runtime items they
//! use (`crate::push::Elements`, `Envelope`, `ComponentEnvelope`, `OtherEvent`,
//! `OtherComponentEvent`, `PushError`) are hand-written.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::{Discriminator, EventField, EventModel, FieldType};
use crate::emit::{EmitError, GeneratedFile};

/// What differs between the two enums of pushes.
struct Family {
    /// The enum (`Event`, `ComponentEvent`).
    name: &'static str,
    /// Its envelope type in `crate::push`.
    envelope: &'static str,
    /// Its type for undescribed pushes in `crate::push`.
    other: &'static str,
    /// The function of `crate::push` giving the envelope's share of the dedup key.
    envelope_identity: &'static str,
    /// The envelope's field holding the discriminating value.
    discriminating_field: &'static str,
    /// The enum's documentation.
    doc: &'static str,
    /// The envelope's documentation in `envelope()`.
    envelope_doc: &'static str,
}

impl Family {
    const fn of(discriminator: Discriminator) -> Self {
        match discriminator {
            Discriminator::Event => Family {
                name: "Event",
                envelope: "Envelope",
                other: "OtherEvent",
                envelope_identity: "envelope_identity",
                discriminating_field: "event",
                doc: "An event WeChat pushed to an account's server URL: one variant per event \
                      described in `spec/events/`, and [`Event::Other`] for any other, with all \
                      its elements.",
                envelope_doc: "The envelope: `ToUserName`, `FromUserName`, `CreateTime`, \
                               `MsgType`, `Event`.",
            },
            Discriminator::InfoType => Family {
                name: "ComponentEvent",
                envelope: "ComponentEnvelope",
                other: "OtherComponentEvent",
                envelope_identity: "component_envelope_identity",
                discriminating_field: "info_type",
                doc: "A push WeChat sent to a third-party platform's authorization-event URL \
                      (named by `InfoType`): one variant per push described in `spec/events/` \
                      with `discriminator: InfoType`, and [`ComponentEvent::Other`] for any \
                      other, with all its elements.",
                envelope_doc: "The envelope: `AppId` (the platform's), `CreateTime`, `InfoType`.",
            },
        }
    }

    fn ident(&self) -> proc_macro2::Ident {
        format_ident!("{}", self.name)
    }

    fn envelope_path(&self) -> TokenStream {
        let envelope = format_ident!("{}", self.envelope);
        quote! { crate::push::#envelope }
    }
}

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
    files.push(GeneratedFile {
        name: EVENTS.to_string(),
        contents: format!("{}{}", crate::emit::HEADER, emit_events(events)?),
    });
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
    if field.secret {
        doc.push_str("\n\nA secret: `Debug` shows `\"***\"` in its place.");
    }
    doc
}

fn names(field: &EventField) -> TokenStream {
    let names = std::iter::once(&field.element).chain(&field.aliases);
    quote! { &[#(#names),*] }
}

fn emit_struct(event: &EventModel) -> TokenStream {
    let family = Family::of(event.discriminator);
    let envelope = family.envelope_path();
    let envelope_identity = format_ident!("{}", family.envelope_identity);
    let name = format_ident!("{}", event.struct_name);
    let value = &event.event;
    let doc = doc_lines(&format!(
        "{}\n\n{}\n\nWeChat's documentation: <{}>",
        event.title, event.description, event.doc
    ));
    let const_doc = format!(" The `{}` value: `{value}`.", event.discriminator.element());
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
            let mut parts = crate::push::#envelope_identity(&self.envelope);
            #(#identity)*
            parts
        }
    } else {
        quote! { crate::push::#envelope_identity(&self.envelope) }
    };
    let (derive_debug, debug_impl) = if event.fields.iter().any(|field| field.secret) {
        let struct_name = &event.struct_name;
        let shown = event.fields.iter().map(|field| {
            let ident = format_ident!("{}", field.rust_name);
            let label = &field.rust_name;
            if field.secret {
                quote! { .field(#label, &crate::redact::Redacted::of(&self.#ident)) }
            } else {
                quote! { .field(#label, &self.#ident) }
            }
        });
        let debug = quote! {
            impl std::fmt::Debug for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.debug_struct(#struct_name)
                        .field("envelope", &self.envelope)
                        #(#shown)*
                        .field("other", &self.other)
                        .finish()
                }
            }
        };
        (quote! {}, debug)
    } else {
        (quote! { Debug, }, quote! {})
    };
    quote! {
        #doc
        #[derive(#derive_debug Clone, Default, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct #name {
            /// Who sent it to whom, and when.
            pub envelope: #envelope,
            #(#fields)*
            /// Elements the spec does not describe for this event, as sent.
            pub other: crate::push::Elements,
        }

        impl #name {
            #[doc = #const_doc]
            pub const EVENT: &'static str = #value;

            fn from_elements(
                envelope: #envelope,
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

        #debug_impl
    }
}

/// The events' file: each struct followed by its builder, then the two enums.
fn emit_events(events: &[EventModel]) -> Result<String, EmitError> {
    let mut text = String::new();
    for event in events {
        text.push_str(&crate::emit::unparse(EVENTS, emit_struct(event))?);
        text.push('\n');
        text.push_str(&builder_call(event));
        text.push('\n');
    }
    let enums = [Discriminator::Event, Discriminator::InfoType].map(|discriminator| {
        let members: Vec<&EventModel> = events
            .iter()
            .filter(|event| event.discriminator == discriminator)
            .collect();
        emit_enum(&Family::of(discriminator), &members)
    });
    text.push_str(&crate::emit::unparse(EVENTS, quote! { #(#enums)* })?);
    Ok(text)
}

/// The `builder!` call of an event's struct (see `src/builder.rs`): every field is optional,
/// and the envelope starts as the event's own (its `MsgType` and `Event`, or `InfoType`), so a
/// test fake built with it decodes back as the same event.
fn builder_call(event: &EventModel) -> String {
    let family = Family::of(event.discriminator);
    let filled = vec![
        format!(
            "envelope: crate::push::{0} = crate::push::{0}::of({1}::EVENT)",
            family.envelope, event.struct_name
        ),
        "other: crate::push::Elements = crate::push::Elements::new()".to_string(),
    ];
    let optional = event
        .fields
        .iter()
        .map(|field| {
            let ty = match field.ty {
                FieldType::String => "String",
                FieldType::Integer => "i64",
            };
            format!("{}: {ty}", field.rust_name)
        })
        .collect();
    crate::emit::builder_text(
        &event.struct_name,
        [
            ("required", Vec::new()),
            ("filled", filled),
            ("optional", optional),
        ],
    )
}

/// One enum of pushes, over the events of its family (possibly none: then only `Other`).
fn emit_enum(family: &Family, events: &[&EventModel]) -> TokenStream {
    let name = family.ident();
    let envelope_type = family.envelope_path();
    let other = format_ident!("{}", family.other);
    let field = format_ident!("{}", family.discriminating_field);
    let doc = doc_lines(family.doc);
    let envelope_doc = format!(" {}", family.envelope_doc);
    let other_doc = format!(
        " A push the spec does not describe, kept whole (`{}`).",
        family.other
    );
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
    let decode = idents.iter().map(|(variant, event)| {
        quote! { Some(#event::EVENT) => Ok(#name::#variant(#event::from_elements(envelope, elements)?)), }
    });
    let envelope = idents
        .iter()
        .map(|(variant, _)| quote! { #name::#variant(event) => &event.envelope, });
    let write = idents.iter().map(
        |(variant, _)| quote! { #name::#variant(event) => event.write_elements(&mut elements), },
    );
    let identity = idents
        .iter()
        .map(|(variant, _)| quote! { #name::#variant(event) => event.identity(), });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #[doc = #other_doc]
            Other(crate::push::#other),
        }

        impl #name {
            /// Decodes a push's (decrypted) XML. No signature is checked here: use
            /// [`crate::push::Receiver`] for what arrives over the network.
            pub fn from_xml(xml: &[u8]) -> Result<Self, crate::push::PushError> {
                Self::from_elements(crate::push::parse_xml(xml, "message")?)
            }

            /// Decodes the elements of a push's XML.
            pub fn from_elements(mut elements: crate::push::Elements) -> Result<Self, crate::push::PushError> {
                let envelope = #envelope_type::take_from(&mut elements)?;
                match envelope.#field.as_deref() {
                    #(#decode)*
                    _ => Ok(#name::Other(crate::push::#other { envelope, elements })),
                }
            }

            #[doc = #envelope_doc]
            pub fn envelope(&self) -> &#envelope_type {
                match self {
                    #(#envelope)*
                    #name::Other(event) => &event.envelope,
                }
            }

            /// The push's XML as WeChat writes it (each value in CDATA); absent fields are
            /// left out.
            pub fn to_xml(&self) -> String {
                let mut elements = crate::push::Elements::new();
                self.envelope().put_into(&mut elements);
                match self {
                    #(#write)*
                    #name::Other(event) => elements.extend(&event.elements),
                }
                crate::push::write_xml(&elements)
            }

            /// What identifies this push among retries: its envelope's sender (or platform),
            /// time and name, and the event's own ids (every element for an undescribed one).
            pub fn identity(&self) -> Vec<String> {
                match self {
                    #(#identity)*
                    #name::Other(event) => event.identity(),
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
            let family = Family::of(event.discriminator);
            let enum_name = family.ident();
            let value = &event.event;
            let envelope_check = match event.discriminator {
                Discriminator::Event => quote! {
                    assert_eq!(decoded.envelope.msg_type.as_deref(), Some("event"));
                    check_round_trip(&event);
                },
                Discriminator::InfoType => quote! {
                    assert_eq!(decoded.envelope.info_type.as_deref(), Some(#value));
                    let again = wechat_invoice::ComponentEvent::from_xml(event.to_xml().as_bytes())
                        .expect("written XML decodes");
                    assert_eq!(again, event);
                },
            };
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
                    let event = wechat_invoice::#enum_name::from_xml(#xml.as_bytes()).expect("the example decodes");
                    let wechat_invoice::#enum_name::#variant(decoded) = &event else {
                        panic!("decoded as another event: {event:?}");
                    };
                    #(#checks)*
                    #envelope_check
                }
            }
        })
    });
    quote! { #(#tests)* }
}
