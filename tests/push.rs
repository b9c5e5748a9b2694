//! `push::Receiver` against the public vectors of `push.md` (A, C, E and the plain
//! signatures), every refusal the research lists, and a property: whatever event is sealed
//! as WeChat would, `receive` gives it back.

use aes::Aes256;
use base64::Engine as _;
use cbc::cipher::block_padding::NoPadding;
use cbc::cipher::{BlockModeEncrypt, KeyIvInit};
use proptest::prelude::*;
use wechat_invoice::Event;
use wechat_invoice::push::{
    Elements, Envelope, Mode, OtherEvent, PushConfig, PushError, Receiver, SignatureKind, sign,
};

const KEY_A: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const KEY_E: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

fn receiver(token: &str, key: &str, appid: &str) -> Receiver {
    Receiver::new(PushConfig::new(token).encoding_aes_key(key).appid(appid))
        .expect("valid settings")
}

fn encrypted_body(encrypt: &str) -> String {
    format!(
        "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    )
}

// ---- Vector A (WxJava's ancestor; WeChat's Java sample) ----

const A_ENCRYPTED: &str =
    "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==";

#[test]
fn vector_a_encrypts_and_decrypts() {
    let receiver = receiver("pamtest", KEY_A, "wxb11529c136998cb6");
    let message = "我是中文abcd123";
    let encrypted = receiver
        .encrypt_with_random(message.as_bytes(), *b"aaaabbbbccccdddd")
        .unwrap();
    assert_eq!(encrypted, A_ENCRYPTED);
    assert_eq!(receiver.decrypt(A_ENCRYPTED).unwrap(), message.as_bytes());
}

// ---- Vector C (WeChat's Python sample) ----

const C_ENCRYPT: &str = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=";
const C_QUERY: &str = "signature=16120ec1b8dbb870f510d87ce6bc2463eae6ca1a&timestamp=1409735669&nonce=1320562132&openid=oUser&encrypt_type=aes&msg_signature=5d197aaffba7e9b25a30732f161a50dee96bd5fa";

fn receiver_c() -> Receiver {
    receiver("spamtest", KEY_A, "wx2c2769f8efd9abc2")
}

#[test]
fn vector_c_signatures_match_and_the_message_decodes() {
    assert_eq!(
        sign(&["spamtest", "1409735669", "1320562132"]),
        "16120ec1b8dbb870f510d87ce6bc2463eae6ca1a"
    );
    assert_eq!(
        sign(&["spamtest", "1409735669", "1320562132", C_ENCRYPT]),
        "5d197aaffba7e9b25a30732f161a50dee96bd5fa"
    );
    let receiver = receiver_c();
    let message = receiver
        .open(C_QUERY, encrypted_body(C_ENCRYPT).as_bytes())
        .unwrap();
    let text = String::from_utf8(message).unwrap();
    assert!(text.starts_with("<xml>") && text.contains('\n'), "{text}");
    let event = receiver
        .receive(C_QUERY, encrypted_body(C_ENCRYPT).as_bytes())
        .unwrap();
    let Event::Other(other) = &event else {
        panic!("a text message is not an event the spec describes: {event:?}")
    };
    assert_eq!(other.envelope.msg_type.as_deref(), Some("text"));
    assert!(other.envelope.create_time.is_some());
}

// ---- Vector E (the push-encryption doc's example; pad byte 22) ----

const E_ENCRYPT: &str = "D7yzvUNAL930rd28wf21s4hvXhz0L6Uit/p2Di6C5DHyYGpEgdBRnKjBec34JwoQXicwaZC7fOVihW80F4VtsdvE//1vr7oAbqjDv8KenVp+ajKYpJnyQ4zMRhIC+a31fCVOMC03FfzV/QuC94kBP55a+Za3sJgvAn+ZbsNqZI5DkyuzkhQN8OBqCzFhizGmy0xpM0MEA4agpvE+RuNO1rhHTtuJB5yltw1FiYzecSXJ+y/D2r81VkRn2eYjh2ltsoyfbDR7Is6ookXIFxTfyeNyeHxMeT4KN5WpCDmSbTcUYrbBUlkGLJ9n/rU8YOywma6G7aTb7KZKOqCxgfoUlYEZPk4FUL/TK7ShriFDMVCLyjQJ15Ob++agDWtcxhfUfe6HIoIpRW8mKNBQiY/Jd1svvuskA1wLef1RTtzKfMpagSCX/laZINmdnX4zrF6kIaR9P4xQrWXbsTFHTYe0Mg==";
const E_REPLY: &str = "hE8R6mGXHkJJjU72KxzKUd1GEkKJaEZq7vRL8XgK3o+00k8JGq6+pZJUIlTSyhsX+bxIBQ72g3GyvDdIZcr6+3HAZbSvPT9t/o11MI7d6WELwqrGd7jMnV0zv3Zc9Nq7";

fn receiver_e() -> Receiver {
    receiver("AAAAA", KEY_E, "wx134c8103faa5a59e")
}

fn query_e(msg_signature: &str) -> String {
    let signature = sign(&["AAAAA", "1715943329", "1590219412"]);
    format!(
        "signature={signature}&timestamp=1715943329&nonce=1590219412&encrypt_type=aes&msg_signature={msg_signature}"
    )
}

#[test]
fn vector_e_push_decodes_through_its_22_byte_padding() {
    assert_eq!(
        sign(&["AAAAA", "1715943329", "1590219412", E_ENCRYPT]),
        "6c12a4205838198b8fa631b3220723bb07f1015c"
    );
    let receiver = receiver_e();
    let query = query_e("6c12a4205838198b8fa631b3220723bb07f1015c");
    let event = receiver
        .receive(&query, encrypted_body(E_ENCRYPT).as_bytes())
        .unwrap();
    assert_eq!(event.envelope().event.as_deref(), Some("debug_demo"));
    let raw = base64::engine::general_purpose::STANDARD
        .decode(E_ENCRYPT)
        .unwrap();
    let message = receiver.decrypt(E_ENCRYPT).unwrap();
    // 16 random + 4 length + message + appid + 22 bytes of padding.
    assert_eq!(
        raw.len(),
        20 + message.len() + "wx134c8103faa5a59e".len() + 22
    );
}

#[test]
fn vector_e_reply_encrypts_as_the_doc_shows() {
    let receiver = receiver_e();
    let reply = "<xml><demo_resp>[CDATA[good luck]]</demo_resp></xml>";
    let encrypt = receiver
        .encrypt_with_random(reply.as_bytes(), *b"999951349e8ee746")
        .unwrap();
    assert_eq!(encrypt, E_REPLY);
    assert_eq!(
        sign(&["AAAAA", "1713424427", "415670741", &encrypt]),
        "03e0812039325c2712ef5f0f980fd14c70d6e307"
    );
    // The passive reply (random bytes from the system) decrypts back and is signed.
    let sealed = receiver
        .encrypt_reply(reply, 1_713_424_427, "415670741")
        .unwrap();
    let elements = wechat_invoice::Event::from_xml(sealed.as_bytes()).unwrap();
    let Event::Other(OtherEvent { elements, .. }) = elements else {
        panic!("a reply is no event")
    };
    let encrypt = elements.get("Encrypt").unwrap();
    assert_eq!(receiver.decrypt(encrypt).unwrap(), reply.as_bytes());
    assert_eq!(
        elements.get("MsgSignature"),
        Some(sign(&["AAAAA", "1713424427", "415670741", encrypt]).as_str())
    );
    assert_eq!(elements.get("TimeStamp"), Some("1713424427"));
    assert_eq!(elements.get("Nonce"), Some("415670741"));
}

// ---- The URL check and plain mode ----

#[test]
fn the_url_check_answers_echostr() {
    let receiver = Receiver::new(PushConfig::new("AAAAA")).unwrap();
    assert_eq!(receiver.mode(), Mode::Plain);
    let query = "signature=f464b24fc39322e44b38aa78f5edd27bd1441696&echostr=4375120948345356249&timestamp=1714036504&nonce=1514711492";
    assert_eq!(receiver.verify_url(query).unwrap(), "4375120948345356249");
    assert_eq!(
        receiver.verify_url(&query.replace("f464", "f465")),
        Err(PushError::SignatureMismatch(SignatureKind::Signature))
    );
    assert_eq!(
        receiver.verify_url(
            "signature=f7c3bc1d808e04732adf679965ccc34ca7ae3441&timestamp=456&nonce=123"
        ),
        Err(PushError::SignatureMismatch(SignatureKind::Signature)),
        "the token differs"
    );
    let other = Receiver::new(PushConfig::new("789")).unwrap();
    assert_eq!(
        other.verify_url(
            "signature=f7c3bc1d808e04732adf679965ccc34ca7ae3441&timestamp=456&nonce=123"
        ),
        Err(PushError::MissingParameter { name: "echostr" })
    );
    assert_eq!(
        other.verify_url("timestamp=456&nonce=123&echostr=1"),
        Err(PushError::MissingParameter { name: "signature" })
    );
}

#[test]
fn plain_mode_receives_a_signed_plain_event() {
    let receiver = Receiver::new(PushConfig::new("789")).unwrap();
    let xml = "<xml><MsgType>event</MsgType><Event>user_authorize_invoice</Event><SuccOrderId>o-1</SuccOrderId></xml>";
    let query = "signature=f7c3bc1d808e04732adf679965ccc34ca7ae3441&timestamp=456&nonce=123";
    let event = receiver.receive(query, xml.as_bytes()).unwrap();
    let Event::UserAuthorizeInvoice(e) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(e.succ_order_id.as_deref(), Some("o-1"));
}

// ---- Refusals (the Go port's suite and the research's list) ----

#[test]
fn a_key_that_is_not_43_characters_of_base64_is_refused() {
    for key in [
        "",
        &KEY_A[..42],
        &format!("{KEY_A}A"),
        &format!("{}=", &KEY_A[..42]),
        &KEY_A.replace('a', "!"),
    ] {
        let err =
            Receiver::new(PushConfig::new("t").encoding_aes_key(key).appid("wx1")).unwrap_err();
        assert!(
            matches!(err, PushError::InvalidKey { .. }),
            "{key}: {err:?}"
        );
    }
}

#[test]
fn a_wrong_msg_signature_is_refused() {
    let query = C_QUERY.replace("5d197aaf", "5d197aae");
    assert_eq!(
        receiver_c().receive(&query, encrypted_body(C_ENCRYPT).as_bytes()),
        Err(PushError::SignatureMismatch(SignatureKind::MsgSignature))
    );
    // Whitespace around the Encrypt value changes what is signed.
    let body = format!("<xml><Encrypt><![CDATA[ {C_ENCRYPT}]]></Encrypt></xml>");
    assert_eq!(
        receiver_c().receive(C_QUERY, body.as_bytes()),
        Err(PushError::SignatureMismatch(SignatureKind::MsgSignature))
    );
    let no_msg_signature = C_QUERY.replace(
        "&msg_signature=5d197aaffba7e9b25a30732f161a50dee96bd5fa",
        "",
    );
    assert_eq!(
        receiver_c().receive(&no_msg_signature, encrypted_body(C_ENCRYPT).as_bytes()),
        Err(PushError::MissingParameter {
            name: "msg_signature"
        })
    );
}

#[test]
fn a_wrong_signature_is_refused_before_anything_is_decrypted() {
    let query = C_QUERY.replace("16120ec1", "16120ec2");
    assert_eq!(
        receiver_c().receive(&query, b"not even xml"),
        Err(PushError::SignatureMismatch(SignatureKind::Signature))
    );
}

#[test]
fn another_appid_is_refused() {
    let receiver = receiver("spamtest", KEY_A, "wx_someone_else");
    let err = receiver
        .receive(C_QUERY, encrypted_body(C_ENCRYPT).as_bytes())
        .unwrap_err();
    assert_eq!(
        err,
        PushError::AppidMismatch {
            received: "wx2c2769f8efd9abc2".into()
        }
    );
}

#[test]
fn a_doctype_is_refused_in_the_body_and_in_the_decrypted_message() {
    let plain = Receiver::new(PushConfig::new("789")).unwrap();
    let query = "signature=f7c3bc1d808e04732adf679965ccc34ca7ae3441&timestamp=456&nonce=123";
    let body = "<!DOCTYPE xml [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><xml><A>&x;</A></xml>";
    assert_eq!(
        plain.receive(query, body.as_bytes()),
        Err(PushError::Doctype)
    );

    let receiver = receiver_c();
    let sealed = receiver.seal(body, 1, "n").unwrap();
    assert_eq!(
        receiver.receive(&sealed.query, sealed.body.as_bytes()),
        Err(PushError::Doctype)
    );
}

/// Encrypts `plaintext` as is (no WeChat framing, no padding added): for crafted messages.
fn raw_encrypt(key: &str, plaintext: &[u8]) -> String {
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
    );
    let key: [u8; 32] = engine
        .decode(format!("{key}="))
        .unwrap()
        .try_into()
        .unwrap();
    let mut iv = [0u8; 16];
    iv.copy_from_slice(&key[..16]);
    let mut buffer = plaintext.to_vec();
    let len = buffer.len();
    let ciphertext = cbc::Encryptor::<Aes256>::new(&key.into(), &iv.into())
        .encrypt_padded::<NoPadding>(&mut buffer, len)
        .unwrap()
        .to_vec();
    base64::engine::general_purpose::STANDARD.encode(ciphertext)
}

fn framed(declared: u32, message: &[u8], appid: &[u8], pad: u8, pad_len: usize) -> Vec<u8> {
    let mut plaintext = vec![b'r'; 16];
    plaintext.extend_from_slice(&declared.to_be_bytes());
    plaintext.extend_from_slice(message);
    plaintext.extend_from_slice(appid);
    plaintext.extend(std::iter::repeat_n(pad, pad_len));
    plaintext
}

#[test]
fn a_length_field_past_the_end_is_refused() {
    let receiver = receiver("spamtest", KEY_A, "wx1");
    // 16 + 4 + 5 + 3 = 28, padded with 4 × 4 to 32.
    let plaintext = framed(1000, b"<x/>!", b"wx1", 4, 4);
    assert_eq!(
        receiver.decrypt(&raw_encrypt(KEY_A, &plaintext)),
        Err(PushError::LengthField {
            declared: 1000,
            available: 8
        })
    );
    let plaintext = framed(u32::MAX, b"", b"", 12, 12);
    assert!(matches!(
        receiver.decrypt(&raw_encrypt(KEY_A, &plaintext)),
        Err(PushError::LengthField { .. })
    ));
}

#[test]
fn bad_padding_is_refused_byte_by_byte() {
    let receiver = receiver("spamtest", KEY_A, "wx1");
    let good = framed(5, b"<x/>!", b"wx1", 4, 4);
    assert_eq!(
        receiver.decrypt(&raw_encrypt(KEY_A, &good)).unwrap(),
        b"<x/>!"
    );
    let mut one_off = good.clone();
    one_off[29] = 5; // a pad byte that differs from the count
    assert_eq!(
        receiver.decrypt(&raw_encrypt(KEY_A, &one_off)),
        Err(PushError::Padding)
    );
    let zero = framed(5, b"<x/>!", b"wx1", 0, 4);
    assert_eq!(
        receiver.decrypt(&raw_encrypt(KEY_A, &zero)),
        Err(PushError::Padding)
    );
    let too_long = framed(0, b"", b"", 33, 12);
    assert_eq!(
        receiver.decrypt(&raw_encrypt(KEY_A, &too_long)),
        Err(PushError::Padding)
    );
    // Not base64, or not whole blocks.
    assert_eq!(receiver.decrypt("%%%"), Err(PushError::Base64));
    assert_eq!(
        receiver.decrypt("AAAA"),
        Err(PushError::CiphertextLength(3))
    );
}

#[test]
fn mode_mismatches_size_and_freshness_are_refused() {
    let receiver = receiver_c();
    let plain_query =
        "signature=16120ec1b8dbb870f510d87ce6bc2463eae6ca1a&timestamp=1409735669&nonce=1320562132";
    assert_eq!(
        receiver.receive(plain_query, b"<xml><MsgType>event</MsgType></xml>"),
        Err(PushError::NotEncrypted)
    );
    assert_eq!(
        receiver.receive(C_QUERY, b"<xml><ToUserName>gh</ToUserName></xml>"),
        Err(PushError::MissingEncrypt)
    );
    let plain = Receiver::new(PushConfig::new("spamtest")).unwrap();
    assert!(matches!(
        plain.receive(C_QUERY, encrypted_body(C_ENCRYPT).as_bytes()),
        Err(PushError::NoKey { .. })
    ));
    let small = Receiver::new(
        PushConfig::new("spamtest")
            .encoding_aes_key(KEY_A)
            .appid("wx2c2769f8efd9abc2")
            .max_body_bytes(100),
    )
    .unwrap();
    assert_eq!(
        small.receive(C_QUERY, encrypted_body(C_ENCRYPT).as_bytes()),
        Err(PushError::BodyTooLarge {
            size: encrypted_body(C_ENCRYPT).len(),
            limit: 100
        })
    );
    let fresh = Receiver::new(
        PushConfig::new("spamtest")
            .encoding_aes_key(KEY_A)
            .appid("wx2c2769f8efd9abc2")
            .max_age(std::time::Duration::from_secs(300)),
    )
    .unwrap();
    assert!(matches!(
        fresh.receive(C_QUERY, encrypted_body(C_ENCRYPT).as_bytes()),
        Err(PushError::Stale {
            window_secs: 300,
            ..
        })
    ));
}

#[test]
fn no_refusal_shows_the_token_or_the_key() {
    let token = "tokenSECRET42";
    let receiver = receiver(token, KEY_A, "wx1");
    let sealed = receiver.seal("<xml><A>1</A></xml>", 1, "n").unwrap();
    let mut errors = vec![
        receiver
            .receive(
                &sealed.query.replace("signature=", "signature=0"),
                sealed.body.as_bytes(),
            )
            .unwrap_err(),
        receiver
            .receive(&sealed.query, b"<xml><Encrypt>AAAA</Encrypt></xml>")
            .unwrap_err(),
        receiver_c()
            .receive(C_QUERY, b"<!DOCTYPE x><xml/>")
            .unwrap_err(),
        Receiver::new(
            PushConfig::new(token)
                .encoding_aes_key(format!("{KEY_A}x"))
                .appid("wx1"),
        )
        .unwrap_err(),
        Receiver::new(PushConfig::new(token).encoding_aes_key(KEY_A.replace('Z', "?")))
            .unwrap_err(),
    ];
    errors.push(
        receiver_e()
            .receive(&query_e("0"), encrypted_body(E_ENCRYPT).as_bytes())
            .unwrap_err(),
    );
    for err in errors {
        for shown in [err.to_string(), format!("{err:?}")] {
            for secret in [token, KEY_A, &KEY_A[..20], KEY_E] {
                assert!(!shown.contains(secret), "{shown} shows a secret");
            }
        }
    }
}

// ---- Property: seal → receive gives any event back ----

fn text() -> impl Strategy<Value = Option<String>> {
    prop::option::of("[^\\p{C}]{1,24}|[a-z]{0,3}\\]\\]>[a-z]{0,3}")
}

fn envelope(event: &'static str) -> impl Strategy<Value = Envelope> {
    (text(), text(), prop::option::of(any::<u64>())).prop_map(move |(to, from, time)| Envelope {
        to_user_name: to,
        from_user_name: from,
        create_time: time,
        msg_type: Some("event".into()),
        event: Some(event.into()),
    })
}

fn other_elements() -> impl Strategy<Value = Elements> {
    prop::collection::vec(("Zz[A-Za-z0-9_]{0,8}", "[^\\p{C}]{1,16}"), 0..4).prop_map(|pairs| {
        let mut elements = Elements::new();
        for (name, value) in pairs {
            elements.push(name, value);
        }
        elements
    })
}

fn any_event() -> impl Strategy<Value = Event> {
    use wechat_invoice::{
        CloudInvoiceInvoiceresultEvent, SubmitInvoiceTitleEvent, UpdateInvoiceStatusEvent,
        UserAuthorizeInvoiceEvent,
    };
    prop_oneof![
        (
            envelope("user_authorize_invoice"),
            text(),
            text(),
            text(),
            text(),
            other_elements()
        )
            .prop_map(|(envelope, succ, fail, appid, source, other)| {
                // Events are `#[non_exhaustive]`: built, then their optional fields set.
                let mut event = UserAuthorizeInvoiceEvent::builder()
                    .envelope(envelope)
                    .other(other)
                    .build();
                event.succ_order_id = succ;
                event.fail_order_id = fail;
                event.authorize_app_id = appid;
                event.source = source;
                Event::UserAuthorizeInvoice(event)
            }),
        (
            envelope("update_invoice_status"),
            text(),
            text(),
            text(),
            other_elements()
        )
            .prop_map(|(envelope, card_id, code, status, other)| {
                let mut event = UpdateInvoiceStatusEvent::builder()
                    .envelope(envelope)
                    .other(other)
                    .build();
                event.card_id = card_id;
                event.code = code;
                event.status = status;
                Event::UpdateInvoiceStatus(event)
            }),
        (
            envelope("submit_invoice_title"),
            text(),
            text(),
            text(),
            other_elements()
        )
            .prop_map(|(envelope, title, tax_no, attach, other)| {
                let mut event = SubmitInvoiceTitleEvent::builder()
                    .envelope(envelope)
                    .other(other)
                    .build();
                event.title = title;
                event.tax_no = tax_no;
                event.attach = attach;
                Event::SubmitInvoiceTitle(event)
            }),
        (
            envelope("cloud_invoice_invoiceresult_event"),
            prop::option::of(any::<i64>()),
            text(),
            other_elements()
        )
            .prop_map(|(envelope, status, fpqqlsh, other)| {
                let mut event = CloudInvoiceInvoiceresultEvent::builder()
                    .envelope(envelope)
                    .other(other)
                    .build();
                event.status = status;
                event.fpqqlsh = fpqqlsh;
                Event::CloudInvoiceInvoiceresult(event)
            }),
        (envelope("some_future_event"), other_elements())
            .prop_map(|(envelope, elements)| Event::Other(OtherEvent { envelope, elements })),
    ]
}

proptest! {
    #[test]
    fn sealed_events_are_received_unchanged(event in any_event(), timestamp in any::<u64>(), nonce in "[0-9a-zA-Z]{1,12}", encrypted in any::<bool>()) {
        let receiver = if encrypted {
            receiver("tok3n", KEY_A, "wxprop")
        } else {
            Receiver::new(PushConfig::new("tok3n")).unwrap()
        };
        let sealed = receiver.seal(&event.to_xml(), timestamp, &nonce).unwrap();
        prop_assert_eq!(receiver.receive(&sealed.query, sealed.body.as_bytes()).unwrap(), event);
    }

    #[test]
    fn receive_never_panics_on_any_body(body in prop::collection::vec(any::<u8>(), 0..512)) {
        let receiver = receiver("tok3n", KEY_A, "wxprop");
        let sealed = receiver.seal("<xml/>", 1, "n").unwrap();
        let _ = receiver.receive(&sealed.query, &body);
        let encrypt = base64::engine::general_purpose::STANDARD.encode(&body);
        let _ = receiver.decrypt(&encrypt);
    }
}
