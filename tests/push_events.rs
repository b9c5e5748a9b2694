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

const TICKET: &str = "<xml><AppId><![CDATA[wx-component]]></AppId><CreateTime>1413192605</CreateTime><InfoType><![CDATA[component_verify_ticket]]></InfoType><ComponentVerifyTicket><![CDATA[ticket@@@s3cret-ticket]]></ComponentVerifyTicket></xml>";

#[test]
fn a_platform_push_is_named_by_info_type_and_its_envelope_is_reachable() {
    let push = wechat_invoice::ComponentEvent::from_xml(TICKET.as_bytes()).unwrap();
    let wechat_invoice::ComponentEvent::ComponentVerifyTicket(ticket) = &push else {
        panic!("{push:?}")
    };
    assert_eq!(
        ticket.component_verify_ticket.as_deref(),
        Some("ticket@@@s3cret-ticket")
    );
    let envelope = push.envelope();
    assert_eq!(envelope.app_id.as_deref(), Some("wx-component"));
    assert_eq!(envelope.create_time, Some(1_413_192_605));
    assert_eq!(
        envelope.info_type.as_deref(),
        Some("component_verify_ticket")
    );
    // Read as an account's push, it is an undescribed event, kept whole.
    let Event::Other(other) = Event::from_xml(TICKET.as_bytes()).unwrap() else {
        panic!("not Other")
    };
    assert_eq!(
        other.elements.get("InfoType"),
        Some("component_verify_ticket")
    );
}

#[test]
fn secrets_of_platform_pushes_stay_out_of_debug() {
    let push = wechat_invoice::ComponentEvent::from_xml(TICKET.as_bytes()).unwrap();
    let shown = format!("{push:?}");
    assert!(!shown.contains("s3cret-ticket"), "{shown}");
    assert!(
        shown.contains("component_verify_ticket: \"***\""),
        "{shown}"
    );
    let authorized = "<xml><AppId>wx-component</AppId><CreateTime>1</CreateTime><InfoType>authorized</InfoType><AuthorizerAppid>wx-merchant</AuthorizerAppid><AuthorizationCode>queryauthcode@@@s3cret-code</AuthorizationCode></xml>";
    let push = wechat_invoice::ComponentEvent::from_xml(authorized.as_bytes()).unwrap();
    let shown = format!("{push:?}");
    assert!(!shown.contains("s3cret-code"), "{shown}");
    assert!(shown.contains("wx-merchant"), "{shown}");
    assert!(shown.contains("pre_auth_code: None"), "{shown}");
}

#[test]
fn an_unknown_info_type_keeps_every_element() {
    let xml = "<xml><AppId>wx-component</AppId><CreateTime>7</CreateTime><InfoType>notify_third_fasteregister</InfoType><appid>wx-new</appid><status>0</status><info><name>x</name></info></xml>";
    let push = wechat_invoice::ComponentEvent::from_xml(xml.as_bytes()).unwrap();
    let wechat_invoice::ComponentEvent::Other(other) = &push else {
        panic!("{push:?}")
    };
    assert_eq!(
        other.envelope.info_type.as_deref(),
        Some("notify_third_fasteregister")
    );
    let all: Vec<_> = other.elements.iter().collect();
    assert_eq!(
        all,
        [
            ("appid", "wx-new"),
            ("status", "0"),
            ("info", "<name>x</name>")
        ]
    );
    let again = wechat_invoice::ComponentEvent::from_xml(push.to_xml().as_bytes()).unwrap();
    assert_eq!(again, push);
    // Distinct pushes of one second get distinct dedup keys; a retry the same one.
    let mut other_status = other.clone();
    other_status.elements = wechat_invoice::push::Elements::new();
    let changed = wechat_invoice::ComponentEvent::Other(other_status);
    assert_ne!(
        wechat_invoice::push::component_dedup_key(&push),
        wechat_invoice::push::component_dedup_key(&changed)
    );
    assert_eq!(
        wechat_invoice::push::component_dedup_key(&push),
        wechat_invoice::push::component_dedup_key(&again)
    );
}

#[test]
fn a_fake_built_with_the_builder_decodes_back_as_the_same_event() {
    use wechat_invoice::{ComponentEvent, ComponentVerifyTicketEvent, UserAuthorizeInvoiceEvent};
    // The builder starts from the event's own envelope, so the fake is the push it names.
    let mut unknown = Elements::new();
    unknown.push("NewThing", "kept");
    let fake = UserAuthorizeInvoiceEvent::builder()
        .succ_order_id("order-1")
        .source("web")
        .other(unknown)
        .build();
    assert_eq!(fake.envelope.msg_type.as_deref(), Some("event"));
    assert_eq!(
        fake.envelope.event.as_deref(),
        Some(UserAuthorizeInvoiceEvent::EVENT)
    );
    assert_eq!(fake.fail_order_id, None);
    let event = Event::UserAuthorizeInvoice(fake);
    check_round_trip(&event);
    let Event::UserAuthorizeInvoice(decoded) = Event::from_xml(event.to_xml().as_bytes()).unwrap()
    else {
        panic!("{event:?}")
    };
    assert_eq!(decoded.succ_order_id.as_deref(), Some("order-1"));
    assert_eq!(decoded.other.get("NewThing"), Some("kept"));

    let ticket = ComponentVerifyTicketEvent::builder()
        .component_verify_ticket("ticket@@@fake")
        .build();
    assert_eq!(
        ticket.envelope.info_type.as_deref(),
        Some(ComponentVerifyTicketEvent::EVENT)
    );
    let event = ComponentEvent::ComponentVerifyTicket(ticket);
    let again = ComponentEvent::from_xml(event.to_xml().as_bytes()).expect("decodes");
    assert_eq!(again, event);
}
