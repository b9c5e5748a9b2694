//! Response decoding never panics: any status and bytes become a typed response or a typed
//! error, for endpoints with flat, nested, enum and decimal responses.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wechat_invoice::{
    GetAuthDataRequest, MakeOutInvoiceRequest, QueryInvoiceInfoRequest, ReimburseGetInvoiceBatchRequest,
    decode_response,
};

fuzz_target!(|data: &[u8]| {
    let Some((&status, body)) = data.split_first() else { return };
    let status = 100 + u16::from(status) * 2;
    let _ = decode_response::<GetAuthDataRequest>(status, body);
    let _ = decode_response::<ReimburseGetInvoiceBatchRequest>(status, body);
    let _ = decode_response::<MakeOutInvoiceRequest>(status, body);
    let _ = decode_response::<QueryInvoiceInfoRequest>(status, body);
});
