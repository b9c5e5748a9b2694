//! Hostile clients against the mock over real loopback sockets, with small configured limits:
//! broken chunk sizes, endless chunk-size lines, held and idle connections, partial and
//! oversized uploads, clients that never read, and more connections than allowed. Each was a
//! failure of the mock's old hand-written HTTP parser (a panic, quadratic CPU, or a
//! connection and its memory held forever); each ends here in a bounded answer or close.

mod support;

use std::time::Duration;

use tokio::io::AsyncWriteExt;
use wechat_invoice_mock::{Reply, ServerLimits};

use support::{
    GET_AUTH_DATA, answers_normally, auth_data_request, connect, eventually, exchange, post,
    read_until_closed, start,
};

/// Short enough that a held connection ends within the test.
const SHORT: Duration = Duration::from_millis(300);

/// The head of a chunked POST of get_auth_data.
fn chunked_head() -> Vec<u8> {
    format!(
        "POST {GET_AUTH_DATA} HTTP/1.1\r\nHost: mock\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    .into_bytes()
}

#[tokio::test]
async fn a_chunk_size_of_all_ones_is_refused_not_a_panic() {
    // 16 F's is usize::MAX: the old parser added 2 to it and panicked, closing the connection
    // without an answer. Here it is a size like any other, held to the body cap.
    let server = start(ServerLimits {
        max_body_bytes: 1024,
        ..ServerLimits::default()
    })
    .await;
    let mut request = chunked_head();
    request.extend_from_slice(b"FFFFFFFFFFFFFFFF\r\n");
    request.extend_from_slice(&[b'x'; 2048]);
    let answer = exchange(server.address(), &request).await;
    assert_eq!(answer.status(), Some(413), "{answer:?}");

    // One more hex digit overflows 64 bits: an unreadable body.
    let mut request = chunked_head();
    request.extend_from_slice(b"FFFFFFFFFFFFFFFFF\r\nxx\r\n0\r\n\r\n");
    let answer = exchange(server.address(), &request).await;
    assert_eq!(answer.status(), Some(400), "{answer:?}");
    assert!(answers_normally(&server).await);
}

#[tokio::test]
async fn a_chunk_size_line_without_end_is_refused_at_the_extension_cap() {
    // The old parser searched the whole buffer again for each byte of a line without CRLF
    // (quadratic CPU) and kept waiting for the line's end. hyper reads a size line byte by
    // byte and refuses chunk extensions beyond 16 KiB per body.
    let server = start(ServerLimits::default()).await;
    let mut request = chunked_head();
    request.extend_from_slice(b"1;");
    request.extend_from_slice(&[b'a'; 20 * 1024]);
    let answer = exchange(server.address(), &request).await;
    assert_eq!(answer.status(), Some(400), "{answer:?}");
    let body = String::from_utf8_lossy(answer.body()).into_owned();
    assert!(body.contains("extensions over limit"), "{body}");

    // Under the cap, an extension is allowed and the body goes through.
    let json = auth_data_request(&server);
    let mut request = chunked_head();
    request.extend_from_slice(format!("{:x};", json.len()).as_bytes());
    request.extend_from_slice(&[b'a'; 8 * 1024]);
    request.extend_from_slice(b"\r\n");
    request.extend_from_slice(&json);
    request.extend_from_slice(b"\r\n0\r\n\r\n");
    let answer = exchange(server.address(), &request).await;
    assert_eq!(answer.status(), Some(200), "{answer:?}");
    assert_eq!(server.delivery_count("get_auth_data"), 1);
}

#[tokio::test]
async fn an_announced_body_over_the_cap_is_refused_before_it_is_sent() {
    let server = start(ServerLimits {
        max_body_bytes: 1024,
        ..ServerLimits::default()
    })
    .await;
    let head = format!(
        "POST {GET_AUTH_DATA} HTTP/1.1\r\nHost: mock\r\nContent-Length: {}\r\n\r\n",
        1024 * 1024 * 1024
    );
    let answer = exchange(server.address(), head.as_bytes()).await;
    assert_eq!(answer.status(), Some(413), "{answer:?}");
    assert_eq!(server.delivery_count("get_auth_data"), 0);
}

#[tokio::test]
async fn a_partial_upload_ends_at_the_body_timeout() {
    // The old parser waited for the announced bytes forever, holding up to 32 MiB each.
    let server = start(ServerLimits {
        body_timeout: SHORT,
        ..ServerLimits::default()
    })
    .await;
    let mut stream = connect(server.address()).await;
    let head =
        format!("POST {GET_AUTH_DATA} HTTP/1.1\r\nHost: mock\r\nContent-Length: 100\r\n\r\n");
    stream.write_all(head.as_bytes()).await.expect("write");
    stream.write_all(b"{\"s_pappid\":").await.expect("write");
    let answer = read_until_closed(&mut stream).await;
    assert_eq!(answer.status(), Some(408), "{answer:?}");
    assert_eq!(server.delivery_count("get_auth_data"), 0);
    eventually("the connection's slot is given back", || {
        server.connection_stats().open == 0
    })
    .await;
}

#[tokio::test]
async fn an_idle_connection_is_closed_at_the_header_timeout() {
    let server = start(ServerLimits {
        header_timeout: SHORT,
        ..ServerLimits::default()
    })
    .await;
    // Connected, nothing sent.
    let mut silent = connect(server.address()).await;
    let answer = read_until_closed(&mut silent).await;
    assert_eq!(answer.status(), None, "{answer:?}");
    assert!(answer.bytes.is_empty() || answer.status() == Some(408));

    // Half a head, then nothing.
    let answer = exchange(
        server.address(),
        b"POST /card/invoice/getauthdata HTTP/1.1\r\nHost: m",
    )
    .await;
    assert_ne!(answer.status(), Some(200), "{answer:?}");

    // One answered request on a keep-alive connection, then idle: closed after the answer.
    let body = auth_data_request(&server);
    let request = format!(
        "POST {GET_AUTH_DATA} HTTP/1.1\r\nHost: mock\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut stream = connect(server.address()).await;
    stream.write_all(request.as_bytes()).await.expect("write");
    stream.write_all(&body).await.expect("write");
    let answer = read_until_closed(&mut stream).await;
    assert_eq!(answer.status(), Some(200), "{answer:?}");
    let text = String::from_utf8_lossy(&answer.bytes).into_owned();
    assert_eq!(text.matches("HTTP/1.1 ").count(), 1, "{text}");
    eventually("every connection is closed", || {
        server.connection_stats().open == 0
    })
    .await;
}

#[tokio::test]
async fn a_head_over_the_cap_is_431() {
    let server = start(ServerLimits {
        max_head_bytes: 16 * 1024,
        ..ServerLimits::default()
    })
    .await;
    let head = format!(
        "GET /cgi-bin/token HTTP/1.1\r\nHost: mock\r\nX-Padding: {}\r\n\r\n",
        "p".repeat(32 * 1024)
    );
    let answer = exchange(server.address(), head.as_bytes()).await;
    assert_eq!(answer.status(), Some(431), "{answer:?}");
}

#[tokio::test]
async fn a_client_that_never_reads_is_closed_at_the_write_timeout() {
    let server = start(ServerLimits {
        write_timeout: SHORT,
        ..ServerLimits::default()
    })
    .await;
    // Far more than the loopback socket buffers hold, so the write stalls.
    server.respond(
        "get_auth_data",
        Reply::Raw {
            status: 200,
            content_type: "application/json".into(),
            body: vec![b' '; 64 * 1024 * 1024],
        },
    );
    let mut stream = connect(server.address()).await;
    let body = auth_data_request(&server);
    stream
        .write_all(&post(GET_AUTH_DATA, &body))
        .await
        .expect("write");
    eventually("the request is answered", || {
        server.delivery_count("get_auth_data") == 1
    })
    .await;
    eventually("the stalled connection is closed", || {
        server.connection_stats().open == 0
    })
    .await;
    assert_eq!(server.connection_stats().accepted, 1);
    drop(stream);
}

#[tokio::test]
async fn connections_beyond_the_limit_are_closed_and_slots_come_back() {
    let server = start(ServerLimits {
        max_connections: 2,
        ..ServerLimits::default()
    })
    .await;
    let held_a = connect(server.address()).await;
    let held_b = connect(server.address()).await;
    eventually("both held connections are open", || {
        server.connection_stats().open == 2
    })
    .await;

    let body = auth_data_request(&server);
    let refused = exchange(server.address(), &post(GET_AUTH_DATA, &body)).await;
    assert_eq!(refused.status(), None, "{refused:?}");
    let stats = server.connection_stats();
    assert_eq!((stats.open, stats.refused), (2, 1), "{stats:?}");

    drop(held_a);
    eventually("a slot is given back", || {
        server.connection_stats().open == 1
    })
    .await;
    assert!(answers_normally(&server).await);
    assert_eq!(server.delivery_count("get_auth_data"), 1);
    drop(held_b);
}
