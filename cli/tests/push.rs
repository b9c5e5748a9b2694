//! `wxinvoice push`, end to end: the binary sends to a real loopback HTTP receiver started
//! here (standing for the user's server), which records the request and answers; the test
//! then checks the signature query independently (SHA-1 of the sorted parts) and decodes the
//! body with `wechat_invoice::push::Receiver` into the right `Event` variant.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use sha1::{Digest, Sha1};
use wechat_invoice::Event;
use wechat_invoice::push::{PushConfig, Receiver};

const TOKEN: &str = "push-test-token";
const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const APPID: &str = "wx1234567890abcdef";

/// One request as the receiver read it.
#[derive(Debug)]
struct Received {
    /// `POST`, `GET`…
    method: String,
    /// The path, without the query.
    path: String,
    /// The raw query string.
    query: String,
    /// The body.
    body: String,
}

/// A one-request HTTP server on 127.0.0.1: it reads one request, answers `status` with
/// `answer`, and hands the request over.
struct OneShot {
    url: String,
    thread: JoinHandle<()>,
    received: mpsc::Receiver<Received>,
}

impl OneShot {
    fn start(status: &'static str, answer: &'static str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let url = format!(
            "http://{}/wechat",
            listener.local_addr().expect("local address")
        );
        let (sender, received) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            let Ok((mut stream, _)) = listener.accept() else {
                return;
            };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let mut bytes = Vec::new();
            let mut chunk = [0u8; 4096];
            // The head, then as many body bytes as Content-Length says.
            let head_end = loop {
                if let Some(at) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
                    break at + 4;
                }
                match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => bytes.extend_from_slice(&chunk[..n]),
                }
            };
            let head = String::from_utf8_lossy(&bytes[..head_end]).into_owned();
            let length = head
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            while bytes.len() < head_end + length {
                match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => bytes.extend_from_slice(&chunk[..n]),
                }
            }
            let reply = format!(
                "HTTP/1.1 {status}\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n\
                 connection: close\r\n\r\n{answer}",
                answer.len()
            );
            let _ = stream.write_all(reply.as_bytes());
            let _ = stream.flush();
            let mut line = head.lines().next().unwrap_or_default().split(' ');
            let method = line.next().unwrap_or_default().to_string();
            let target = line.next().unwrap_or_default();
            let (path, query) = target.split_once('?').unwrap_or((target, ""));
            let _ = sender.send(Received {
                method,
                path: path.to_string(),
                query: query.to_string(),
                body: String::from_utf8_lossy(&bytes[head_end..]).into_owned(),
            });
        });
        Self {
            url,
            thread,
            received,
        }
    }

    /// The request, once the binary has exited (it must have arrived by then).
    fn request(self) -> Received {
        let request = self
            .received
            .recv_timeout(Duration::from_secs(10))
            .expect("the receiver got a request");
        self.thread.join().expect("the receiver thread ends");
        request
    }
}

/// Runs `wxinvoice push ARGS` with the push settings' environment variables cleared, then
/// `env` set.
fn push(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wxinvoice"));
    command.arg("push").args(args);
    for name in [
        "WECHAT_PUSH_TOKEN",
        "WECHAT_ENCODING_AES_KEY",
        "WECHAT_PUSH_APPID",
    ] {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    command
        .current_dir(std::env::temp_dir())
        .output()
        .expect("wxinvoice runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The value of `name` in a query string (percent-decoding is not needed for these values).
fn param<'q>(query: &'q str, name: &str) -> Option<&'q str> {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

/// WeChat's signature: SHA-1 (hex) of the parts sorted and concatenated.
fn wechat_sign(parts: &[&str]) -> String {
    let mut sorted = parts.to_vec();
    sorted.sort_unstable();
    Sha1::digest(sorted.concat().as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The text of `<name>` in `xml` (CDATA or not).
fn element<'x>(xml: &'x str, name: &str) -> Option<&'x str> {
    let start = xml.find(&format!("<{name}>"))? + name.len() + 2;
    let end = start + xml[start..].find(&format!("</{name}>"))?;
    let text = &xml[start..end];
    Some(
        text.strip_prefix("<![CDATA[")
            .and_then(|inner| inner.strip_suffix("]]>"))
            .unwrap_or(text),
    )
}

/// Asserts the `signature`, `timestamp` and `nonce` parameters: present, fresh, and the
/// signature right for `token`.
fn assert_signed(query: &str, token: &str) {
    let signature = param(query, "signature").expect("signature");
    let timestamp = param(query, "timestamp").expect("timestamp");
    let nonce = param(query, "nonce").expect("nonce");
    assert!(!nonce.is_empty(), "{query}");
    let sent: u64 = timestamp.parse().expect("timestamp in seconds");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    assert!(now.abs_diff(sent) < 300, "timestamp {sent}, now {now}");
    assert_eq!(
        signature,
        wechat_sign(&[token, timestamp, nonce]),
        "{query}"
    );
}

fn assert_no_secret(output: &Output) {
    let all = stdout(output) + &stderr(output);
    assert!(!all.contains(TOKEN), "the token was printed: {all}");
    assert!(!all.contains(KEY), "the key was printed: {all}");
    assert!(!all.contains("panicked"), "{all}");
}

#[test]
fn plain_mode_sends_a_signed_push_that_decodes_into_its_variant() {
    let receiver = OneShot::start("200 OK", "success");
    let output = push(
        &[
            &receiver.url,
            "--event",
            "user_authorize_invoice",
            "--set",
            "SuccOrderId=1202933957956",
            "--set",
            "Source=web",
            "--token",
            TOKEN,
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with(&format!(
            "pushed `user_authorize_invoice` to {} (plain mode)\n",
            receiver.url
        )),
        "{text}"
    );
    assert!(
        text.contains("attempt 1: HTTP 200, answer \"success\": success"),
        "{text}"
    );
    assert!(text.ends_with("\nsuccess\n"), "{text}");
    assert_no_secret(&output);
    let request = receiver.request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/wechat");
    assert_signed(&request.query, TOKEN);
    assert_eq!(param(&request.query, "encrypt_type"), None);
    assert_eq!(param(&request.query, "msg_signature"), None);
    assert_eq!(element(&request.body, "MsgType"), Some("event"));
    assert_eq!(
        element(&request.body, "ToUserName"),
        Some("gh_mock_account")
    );
    let event = Receiver::new(PushConfig::new(TOKEN))
        .expect("receiver")
        .receive(&request.query, request.body.as_bytes())
        .expect("the push is accepted");
    let Event::UserAuthorizeInvoice(decoded) = &event else {
        panic!("not UserAuthorizeInvoice: {event:?}");
    };
    assert_eq!(decoded.succ_order_id.as_deref(), Some("1202933957956"));
    assert_eq!(decoded.source.as_deref(), Some("web"));
    assert_eq!(decoded.fail_order_id, None);
    assert_eq!(
        decoded.envelope.from_user_name.as_deref(),
        Some("oMockUser_openid")
    );
    // Another token does not accept it.
    assert!(
        Receiver::new(PushConfig::new("another-token"))
            .expect("receiver")
            .receive(&request.query, request.body.as_bytes())
            .is_err()
    );
}

#[test]
fn safe_mode_encrypts_the_push_and_signs_the_ciphertext() {
    let receiver = OneShot::start("200 OK", "success");
    // The settings from the environment, as the help recommends.
    let output = push(
        &[
            &receiver.url,
            "--event",
            "user_authorize_invoice",
            "--set",
            "FailOrderId=1202933957957",
            "--set",
            "AppId=wxf4ea3a4f2c6bc8a8",
            "--to",
            "gh_fc0a06a20993",
        ],
        &[
            ("WECHAT_PUSH_TOKEN", TOKEN),
            ("WECHAT_ENCODING_AES_KEY", KEY),
            ("WECHAT_PUSH_APPID", APPID),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("(safe mode, encrypted)"),
        "{}",
        stdout(&output)
    );
    assert_no_secret(&output);
    let request = receiver.request();
    assert_signed(&request.query, TOKEN);
    assert_eq!(param(&request.query, "encrypt_type"), Some("aes"));
    // The body names the account in clear and holds nothing else readable.
    assert_eq!(
        element(&request.body, "ToUserName"),
        Some("gh_fc0a06a20993")
    );
    assert!(
        !request.body.contains("1202933957957"),
        "the order id is in clear: {}",
        request.body
    );
    let encrypt = element(&request.body, "Encrypt").expect("an Encrypt element");
    let timestamp = param(&request.query, "timestamp").expect("timestamp");
    let nonce = param(&request.query, "nonce").expect("nonce");
    assert_eq!(
        param(&request.query, "msg_signature"),
        Some(wechat_sign(&[TOKEN, timestamp, nonce, encrypt]).as_str())
    );
    let config = PushConfig::new(TOKEN).encoding_aes_key(KEY).appid(APPID);
    let event = Receiver::new(config)
        .expect("receiver")
        .receive(&request.query, request.body.as_bytes())
        .expect("the push decrypts");
    let Event::UserAuthorizeInvoice(decoded) = &event else {
        panic!("not UserAuthorizeInvoice: {event:?}");
    };
    assert_eq!(decoded.fail_order_id.as_deref(), Some("1202933957957"));
    // `AppId` is an alias of `AuthorizeAppId`.
    assert_eq!(
        decoded.authorize_app_id.as_deref(),
        Some("wxf4ea3a4f2c6bc8a8")
    );
    assert_eq!(decoded.succ_order_id, None);
    // Another appid refuses it: the ciphertext names the appid it was made for.
    let other = PushConfig::new(TOKEN)
        .encoding_aes_key(KEY)
        .appid("wx0000000000000000");
    assert!(
        Receiver::new(other)
            .expect("receiver")
            .receive(&request.query, request.body.as_bytes())
            .is_err()
    );
}

#[test]
fn an_event_the_spec_does_not_know_is_sent_as_given_with_a_note() {
    let receiver = OneShot::start("200 OK", "");
    let output = push(
        &[
            &receiver.url,
            "--event",
            "user_authorise_invoice",
            "--set",
            "Thing=1",
            "--token",
            TOKEN,
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let note = stderr(&output);
    assert!(
        note.contains("note: event `user_authorise_invoice` is not described in the spec"),
        "{note}"
    );
    assert!(
        note.contains("user_authorize_invoice"),
        "a suggestion: {note}"
    );
    let request = receiver.request();
    let event = Receiver::new(PushConfig::new(TOKEN))
        .expect("receiver")
        .receive(&request.query, request.body.as_bytes())
        .expect("accepted");
    let Event::Other(other) = &event else {
        panic!("not Other: {event:?}");
    };
    assert_eq!(
        other.envelope.event.as_deref(),
        Some("user_authorise_invoice")
    );
    assert_eq!(other.elements.get("Thing"), Some("1"));
}

#[test]
fn an_answer_other_than_success_exits_1() {
    let receiver = OneShot::start("500 Internal Server Error", "oops");
    let output = push(
        &[
            &receiver.url,
            "--event",
            "user_authorize_invoice",
            "--token",
            TOKEN,
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("attempt 1: HTTP 500, answer \"oops\": not success"),
        "{text}"
    );
    assert!(
        text.contains("not success: WeChat would send the push again"),
        "{text}"
    );
    assert_no_secret(&output);
    // It did arrive, signed.
    assert_signed(&receiver.request().query, TOKEN);
}

#[test]
fn bad_arguments_are_refused_with_exit_2_and_nothing_is_sent() {
    let cases: [(&[&str], &str); 5] = [
        (
            &["--event", "user authorize", "--token", TOKEN],
            "--event `user authorize` is not an event name",
        ),
        (
            &[
                "--event",
                "user_authorize_invoice",
                "--set",
                "SuccOrderId",
                "--token",
                TOKEN,
            ],
            "--set `SuccOrderId` is not ELEMENT=VALUE",
        ),
        (
            &[
                "--event",
                "user_authorize_invoice",
                "--set",
                "1x=2",
                "--token",
                TOKEN,
            ],
            "`1x` is not an XML element name",
        ),
        (
            &["--event", "user_authorize_invoice"],
            "no token: pass --token or set $WECHAT_PUSH_TOKEN",
        ),
        (
            &[
                "--event",
                "user_authorize_invoice",
                "--token",
                TOKEN,
                "--encoding-aes-key",
                "notakey-xyz123",
            ],
            "the push settings are refused",
        ),
    ];
    // A listener that must never be reached: nothing is sent when the arguments are wrong.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let url = format!("http://{}/wechat", listener.local_addr().expect("address"));
    for (args, message) in cases {
        let mut all = vec![url.as_str()];
        all.extend_from_slice(args);
        let output = push(&all, &[]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
        assert!(
            !err.contains("notakey-xyz123"),
            "the key was printed: {err}"
        );
        assert_no_secret(&output);
        assert!(stdout(&output).is_empty(), "{args:?}: {}", stdout(&output));
    }
    assert!(listener.accept().is_err(), "a request was sent");
}

#[test]
fn a_bad_url_is_refused_with_exit_2() {
    for (url, why) in [
        ("not a url", "relative URL without a base"),
        (
            "ftp://127.0.0.1/wechat",
            "the scheme is `ftp`, not http or https",
        ),
        (
            "http://127.0.0.1:8080/wechat#top",
            "a `#fragment` would swallow the signature query",
        ),
    ] {
        let output = push(
            &[url, "--event", "user_authorize_invoice", "--token", TOKEN],
            &[],
        );
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{url}: {err}");
        assert!(
            err.contains(&format!("`{url}` is not a receiver's URL: {why}")),
            "{url}: {err}"
        );
        assert!(stdout(&output).is_empty(), "{url}: {}", stdout(&output));
        assert_no_secret(&output);
    }
}

#[test]
fn an_unreachable_receiver_is_not_success_without_a_panic() {
    // A closed port: nothing listens there once the listener is dropped.
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}/wechat", listener.local_addr().expect("address"))
    };
    let output = push(
        &[
            &closed,
            "--event",
            "user_authorize_invoice",
            "--token",
            TOKEN,
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("attempt 1: failed: "), "{text}");
    assert!(
        text.contains("not success: WeChat would send the push again"),
        "{text}"
    );
    assert_no_secret(&output);
}
