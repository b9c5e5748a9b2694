//! A small HTTP/1.1 server on a tokio listener, with full control over how an answer goes
//! wrong: delays, truncated bodies, connections closed mid-answer.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Largest request head accepted.
const MAX_HEAD: usize = 64 * 1024;
/// Largest request body accepted.
const MAX_BODY: usize = 32 * 1024 * 1024;

/// A request as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// Decoded query parameters, in order.
    pub query: Vec<(String, String)>,
    /// Headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// The first value of a header (name in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The first value of a query parameter.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// How the server answers one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpAnswer {
    /// A complete response.
    Full {
        /// Status code.
        status: u16,
        /// `Content-Type`.
        content_type: String,
        /// Body.
        body: Vec<u8>,
    },
    /// Announces the whole body's length, sends half of it and closes the connection.
    CutShort {
        /// The body that is announced and half sent.
        body: Vec<u8>,
    },
    /// Closes the connection without answering.
    Close,
}

/// What the server calls for each request: the answer and a delay before sending it.
pub type Handler = Arc<dyn Fn(HttpRequest) -> (HttpAnswer, Duration) + Send + Sync>;

/// Accepts connections until the task is dropped.
pub async fn serve(listener: TcpListener, handler: Handler) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let handler = handler.clone();
        tokio::spawn(async move {
            let _ = stream.set_nodelay(true);
            serve_connection(stream, handler).await;
        });
    }
}

async fn serve_connection(mut stream: TcpStream, handler: Handler) {
    let mut buffer = Vec::with_capacity(8192);
    loop {
        let request = match read_request(&mut stream, &mut buffer).await {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(status) => {
                let answer = HttpAnswer::Full {
                    status,
                    content_type: "text/plain".into(),
                    body: b"bad request".to_vec(),
                };
                let _ = write_answer(&mut stream, &answer, true).await;
                return;
            }
        };
        let close = request
            .header("connection")
            .is_some_and(|value| value.eq_ignore_ascii_case("close"));
        let (answer, delay) = handler(request);
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        match write_answer(&mut stream, &answer, close).await {
            Ok(true) if !close => continue,
            _ => return,
        }
    }
}

/// Reads one request; `Ok(None)` when the peer closed the connection between requests.
async fn read_request(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
) -> Result<Option<HttpRequest>, u16> {
    let head_len = loop {
        if let Some(end) = find(buffer, b"\r\n\r\n") {
            break end + 4;
        }
        if buffer.len() > MAX_HEAD {
            return Err(431);
        }
        let mut chunk = [0u8; 8192];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return Ok(None),
            Ok(read) => buffer.extend_from_slice(&chunk[..read]),
        }
    };
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Request::new(&mut headers);
    if parsed.parse(&buffer[..head_len]).is_err() {
        return Err(400);
    }
    let method = parsed.method.unwrap_or_default().to_string();
    let target = parsed.path.unwrap_or("/").to_string();
    let headers: Vec<(String, String)> = parsed
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_ascii_lowercase(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect();
    buffer.drain(..head_len);
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let chunked =
        header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let body = if chunked {
        read_chunked(stream, buffer).await?
    } else {
        let length: usize = match header("content-length") {
            Some(value) => value.trim().parse().map_err(|_| 400u16)?,
            None => 0,
        };
        if length > MAX_BODY {
            return Err(413);
        }
        fill(stream, buffer, length).await?;
        buffer.drain(..length).collect()
    };
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_string(), parse_query(query)),
        None => (target, Vec::new()),
    };
    Ok(Some(HttpRequest {
        method,
        path,
        query,
        headers,
        body,
    }))
}

async fn fill(stream: &mut TcpStream, buffer: &mut Vec<u8>, wanted: usize) -> Result<(), u16> {
    while buffer.len() < wanted {
        let mut chunk = [0u8; 16384];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return Err(400),
            Ok(read) => buffer.extend_from_slice(&chunk[..read]),
        }
    }
    Ok(())
}

async fn read_chunked(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Result<Vec<u8>, u16> {
    let mut body = Vec::new();
    loop {
        let line_end = loop {
            if let Some(end) = find(buffer, b"\r\n") {
                break end;
            }
            let wanted = buffer.len() + 1;
            fill(stream, buffer, wanted).await?;
        };
        let size_text = String::from_utf8_lossy(&buffer[..line_end]).into_owned();
        let size_text = size_text
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        let size = usize::from_str_radix(&size_text, 16).map_err(|_| 400u16)?;
        buffer.drain(..line_end + 2);
        if body.len() + size > MAX_BODY {
            return Err(413);
        }
        fill(stream, buffer, size + 2).await?;
        body.extend_from_slice(&buffer[..size]);
        buffer.drain(..size + 2);
        if size == 0 {
            return Ok(body);
        }
    }
}

/// Writes an answer; `Ok(true)` when the connection may serve another request.
async fn write_answer(
    stream: &mut TcpStream,
    answer: &HttpAnswer,
    close: bool,
) -> std::io::Result<bool> {
    match answer {
        HttpAnswer::Full {
            status,
            content_type,
            body,
        } => {
            let connection = if close { "close" } else { "keep-alive" };
            let head = format!(
                "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: {connection}\r\n\r\n",
                reason(*status),
                body.len()
            );
            let mut bytes = head.into_bytes();
            bytes.extend_from_slice(body);
            stream.write_all(&bytes).await?;
            stream.flush().await?;
            Ok(!close)
        }
        HttpAnswer::CutShort { body } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body[..body.len() / 2]).await?;
            stream.flush().await?;
            let _ = stream.shutdown().await;
            Ok(false)
        }
        HttpAnswer::Close => {
            let _ = stream.shutdown().await;
            Ok(false)
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Splits and percent-decodes `a=1&b=x%20y`.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte == b'%' && index + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).unwrap_or("");
            if let Ok(value) = u8::from_str_radix(hex, 16) {
                out.push(value);
                index += 3;
                continue;
            }
        }
        out.push(if byte == b'+' { b' ' } else { byte });
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_is_decoded() {
        assert_eq!(
            parse_query("access_token=a%2Bb&action=set_pay_mch&x"),
            vec![
                ("access_token".to_string(), "a+b".to_string()),
                ("action".to_string(), "set_pay_mch".to_string()),
                ("x".to_string(), String::new()),
            ]
        );
    }
}
