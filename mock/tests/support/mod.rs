//! Raw HTTP/1.1 exchanges with the mock over loopback sockets, for tests that send what a
//! client library never would.

#![allow(dead_code)] // each test binary uses its own share of these helpers

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wechat_invoice_mock::{MockServer, ServerLimits, embedded_api};

/// Upper bound on any wait in these tests: a mock that has not answered by then never will.
/// It only turns a hang into a failure; no test measures how fast anything is.
pub const GUARD: Duration = Duration::from_secs(30);

/// The path of `get_auth_data` with a token.
pub const GET_AUTH_DATA: &str = "/card/invoice/getauthdata?access_token=TEST-TOKEN";

/// Starts the mock of the embedded spec within `limits`.
pub async fn start(limits: ServerLimits) -> MockServer {
    let api = embedded_api().expect("the embedded spec resolves");
    MockServer::start_with_limits(api, "127.0.0.1:0", limits)
        .await
        .expect("mock starts")
}

/// What came back on a connection before it closed.
#[derive(Debug)]
pub struct Exchange {
    /// Every byte read until the server closed the connection.
    pub bytes: Vec<u8>,
}

impl Exchange {
    /// The status of the first response, if one came.
    pub fn status(&self) -> Option<u16> {
        let text = String::from_utf8_lossy(&self.bytes);
        let line = text.lines().next()?;
        line.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
    }

    /// The head of the first response, if one came.
    pub fn head(&self) -> Option<String> {
        let end = find(&self.bytes, b"\r\n\r\n")?;
        Some(String::from_utf8_lossy(&self.bytes[..end]).into_owned())
    }

    /// The bytes after the first response's head.
    pub fn body(&self) -> &[u8] {
        find(&self.bytes, b"\r\n\r\n").map_or(&[], |end| &self.bytes[end + 4..])
    }

    /// A header of the first response (name in any case).
    pub fn header(&self, name: &str) -> Option<String> {
        self.head()?.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_string())
        })
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Connects to the mock.
pub async fn connect(address: SocketAddr) -> TcpStream {
    TcpStream::connect(address).await.expect("connect")
}

/// Reads until the server closes the connection (a reset counts as closing), within
/// [`GUARD`].
pub async fn read_until_closed(stream: &mut TcpStream) -> Exchange {
    let mut bytes = Vec::new();
    let read = async {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(read) => bytes.extend_from_slice(&chunk[..read]),
            }
        }
    };
    tokio::time::timeout(GUARD, read)
        .await
        .expect("the mock closed the connection within the guard");
    Exchange { bytes }
}

/// Sends `bytes` on a new connection (write errors ignored: the server may close first) and
/// reads until the server closes it.
pub async fn exchange(address: SocketAddr, bytes: &[u8]) -> Exchange {
    let mut stream = connect(address).await;
    let _ = stream.write_all(bytes).await;
    read_until_closed(&mut stream).await
}

/// A complete `Connection: close` POST of a JSON body.
pub fn post(path: &str, body: &[u8]) -> Vec<u8> {
    let mut bytes = format!(
        "POST {path} HTTP/1.1\r\nHost: mock\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// The documented request of `get_auth_data`.
pub fn auth_data_request(server: &MockServer) -> Vec<u8> {
    let request: Value = server
        .api()
        .endpoints
        .iter()
        .find(|e| e.name == "get_auth_data")
        .and_then(|e| e.examples.iter().find_map(|x| x.request.clone()))
        .expect("get_auth_data has an example request");
    serde_json::to_vec(&request).expect("JSON")
}

/// Whether the mock still answers a normal call with its example.
pub async fn answers_normally(server: &MockServer) -> bool {
    let body = auth_data_request(server);
    let answer = exchange(server.address(), &post(GET_AUTH_DATA, &body)).await;
    answer.status() == Some(200)
        && serde_json::from_slice::<Value>(answer.body())
            .is_ok_and(|value| value["errcode"].as_i64().unwrap_or(0) == 0)
}

/// Polls `condition` every 10 ms until it holds, within [`GUARD`] (for state the server
/// updates after a socket event, such as a connection slot given back).
pub async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let wait = async {
        while !condition() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(GUARD, wait)
        .await
        .unwrap_or_else(|_| panic!("{what} within the guard"));
}
