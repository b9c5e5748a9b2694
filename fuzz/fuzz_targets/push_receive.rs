//! `push::Receiver::receive` never panics: any query and body become an event or a typed
//! refusal. Three paths: the raw bytes as query and body (plain and safe mode); the bytes as
//! a message encrypted and signed correctly (reaching the decrypted-XML and event decoding);
//! and the bytes as ciphertext (reaching padding and length checks).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wechat_invoice::push::{PushConfig, Receiver, sign};

const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

fuzz_target!(|data: &[u8]| {
    let Ok(safe) = Receiver::new(PushConfig::new("fuzz").encoding_aes_key(KEY).appid("wxfuzz")) else {
        return;
    };
    let Ok(plain) = Receiver::new(PushConfig::new("fuzz")) else { return };

    // 1. Raw: the first line is the query, the rest the body.
    let split = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let query = String::from_utf8_lossy(&data[..split]);
    let body = data.get(split + 1..).unwrap_or_default();
    let _ = safe.receive(&query, body);
    let _ = plain.receive(&query, body);
    let _ = safe.verify_url(&query);

    // 2. A correctly signed plain push and encrypted push of the bytes.
    let signature = sign(&["fuzz", "1", "n"]);
    let plain_query = format!("signature={signature}&timestamp=1&nonce=n");
    let _ = plain.receive(&plain_query, data);
    if let Ok(encrypt) = safe.encrypt_with_random(data, [7; 16]) {
        let msg_signature = sign(&["fuzz", "1", "n", &encrypt]);
        let query = format!("{plain_query}&encrypt_type=aes&msg_signature={msg_signature}");
        let body = format!("<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>");
        let _ = safe.receive(&query, body.as_bytes());
    }

    // 3. The bytes as ciphertext.
    let _ = safe.decrypt(&String::from_utf8_lossy(data));
});
