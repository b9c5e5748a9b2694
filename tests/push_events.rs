//! Every example of `spec/events/` as a test (generated into `event_example_tests.rs`), plus
//! the event decoding rules: empty CDATA is absent, aliases, unknown events and elements kept.

use wechat_invoice::Event;
use wechat_invoice::push::{Elements, PushError};

/// Writing an event and reading it back gives the same event.
fn check_round_trip(event: &Event) {
    let again = Event::from_xml(event.to_xml().as_bytes()).expect("written XML decodes");
    assert_eq!(&again, event);
}

include!(concat!(
    env!("OUT_DIR"),
    "/generated/event_example_tests.rs"
));

const AUTHORIZED: &str = "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><CreateTime>1475134700</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[user_authorize_invoice]]></Event><SuccOrderId><![CDATA[order-1]]></SuccOrderId><FailOrderId><![CDATA[]]></FailOrderId><AuthorizeAppId><![CDATA[wx1]]></AuthorizeAppId><Source><![CDATA[web]]></Source><NewThing><![CDATA[kept]]></NewThing></xml>";

#[test]
fn empty_cdata_is_none_and_the_envelope_is_reachable() {
    let event = Event::from_xml(AUTHORIZED.as_bytes()).unwrap();
    let Event::UserAuthorizeInvoice(e) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(e.succ_order_id.as_deref(), Some("order-1"));
    assert_eq!(e.fail_order_id, None);
    assert_eq!(e.authorize_app_id.as_deref(), Some("wx1"));
    let envelope = event.envelope();
    assert_eq!(envelope.to_user_name.as_deref(), Some("gh_1"));
    assert_eq!(envelope.from_user_name.as_deref(), Some("o1"));
    assert_eq!(envelope.create_time, Some(1_475_134_700));
    assert_eq!(envelope.msg_type.as_deref(), Some("event"));
    assert_eq!(envelope.event.as_deref(), Some("user_authorize_invoice"));
    assert_eq!(
        e.other.get("NewThing"),
        Some("kept"),
        "an undescribed element is kept"
    );
    assert_eq!(e.other.len(), 1);
}

#[test]
fn an_undescribed_event_keeps_every_element() {
    let xml = "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qr]]></EventKey><ScanCodeInfo><ScanType>qrcode</ScanType></ScanCodeInfo></xml>";
    let event = Event::from_xml(xml.as_bytes()).unwrap();
    let Event::Other(other) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(other.envelope.event.as_deref(), Some("subscribe"));
    let all: Vec<_> = other.elements.iter().collect();
    assert_eq!(
        all,
        [
            ("EventKey", "qr"),
            ("ScanCodeInfo", "<ScanType>qrcode</ScanType>")
        ]
    );
    check_round_trip(&Event::Other(wechat_invoice::push::OtherEvent {
        envelope: other.envelope.clone(),
        elements: {
            let mut elements = Elements::new();
            elements.push("EventKey", "qr");
            elements
        },
    }));
}

#[test]
fn a_wrong_integer_or_time_is_a_typed_error() {
    let xml = "<xml><MsgType>event</MsgType><Event>cloud_invoice_invoiceresult_event</Event><status>two</status></xml>";
    assert_eq!(
        Event::from_xml(xml.as_bytes()),
        Err(PushError::InvalidField {
            event: "cloud_invoice_invoiceresult_event",
            element: "status",
            expected: "an integer"
        })
    );
    let xml = "<xml><CreateTime>yesterday</CreateTime></xml>";
    assert!(matches!(
        Event::from_xml(xml.as_bytes()),
        Err(PushError::InvalidField {
            element: "CreateTime",
            ..
        })
    ));
}

#[test]
fn update_invoice_status_fields_are_named_as_the_contract_says() {
    let xml = "<xml><MsgType>event</MsgType><Event>update_invoice_status</Event><CardId>c</CardId><Code>k</Code><Status>INVOICE_REIMBURSE_CLOSURE</Status></xml>";
    let Event::UpdateInvoiceStatus(e) = Event::from_xml(xml.as_bytes()).unwrap() else {
        panic!("not update_invoice_status")
    };
    let (card_id, code, status): (Option<&str>, Option<&str>, Option<&str>) =
        (e.card_id.as_deref(), e.code.as_deref(), e.status.as_deref());
    assert_eq!(
        (card_id, code, status),
        (Some("c"), Some("k"), Some("INVOICE_REIMBURSE_CLOSURE"))
    );
}
