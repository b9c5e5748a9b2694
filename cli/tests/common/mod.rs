//! Helpers shared by the end-to-end tests: run the binary, build tiny spec directories.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `wxinvoice` with `args` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wxinvoice"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the wxinvoice binary runs")
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The exit code (-1 when killed by a signal).
pub fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

/// The repository's own spec directory.
pub fn repo_spec() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec")
}

/// A fixture file under `cli/tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Replaces `from` by `to`, failing the test when `from` is absent (a stale test edit).
pub fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "the text has no {from:?}:\n{text}");
    text.replacen(from, to, 1)
}

/// The inherited general table of the tiny specs.
pub const GENERAL: &str = "table: general
description: General codes.
inherited: true
errors:
  - code: -1
    variant: SystemBusy
    errmsg: system error
    description: Busy.
    solution: Retry.
    retryable: true
";

/// The invoice table of the tiny specs.
pub const INVOICE: &str = "table: invoice
description: Invoice codes.
errors:
  - code: 72031
    variant: InvalidParams
    errmsg: invalid params
    description: Bad parameters.
    solution: Fix them.
  - code: 72036
    variant: InvoiceIsBusy
    errmsg: invoice is busy
    description: Changing status.
    solution: Try again later.
    retryable: true
  - code: 72038
    variant: InvoiceOrderNeverAuth
    errmsg: invoice order never auth
    description: Not authorized.
    solution: Check the order.
";

/// Shared types: `Kind` is used by a request field, `Status` by a response field.
pub const TYPES: &str = "types:
  Kind:
    description: Kinds.
    values:
      - value: A
        variant: KindA
        description: a.
      - value: B
        variant: KindB
        description: b.
  Status:
    description: Statuses.
    values:
      - value: DONE
        variant: Done
        description: done.
      - value: WAIT
        variant: Wait
        description: waiting.
";

/// The endpoint of the tiny specs, with every kind of field the rules look at.
pub const ENDPOINT: &str = r#"endpoint: get_thing
wechat_name: invoiceGetThing
title: Get a thing.
description: Gets a thing.
doc_url: https://example.com/get_thing
group: merchant
http:
  method: POST
  path: /card/invoice/getthing
  body: json
auth:
  third_party_permission_sets: [26]
account_types: [official_account]
idempotent: true
request:
  order_id:
    type: string
    required: true
    description: The order.
  note:
    type: string
    description: A note.
  kind:
    type: Kind
    description: What kind.
response:
  status:
    type: Status
    required: true
    description: The status.
  count:
    type: integer
    width: 32
    required: true
    description: How many.
  items:
    type: array
    description: Items.
    items:
      type: string
      description: One item.
  detail:
    type: object
    description: Details.
    fields:
      title:
        type: string
        description: A title.
      score:
        type: number
        description: A score.
errors: [72031, 72038]
examples:
  - name: ok
    request:
      order_id: "1"
    response:
      errcode: 0
      errmsg: ok
      status: DONE
      count: 1
"#;

/// A second endpoint with no body, for route rules.
pub const PING: &str = "endpoint: ping
wechat_name: invoicePing
title: Ping.
description: Pings.
doc_url: https://example.com/ping
group: merchant
http:
  method: GET
  path: /card/invoice/ping
  body: none
idempotent: true
examples:
  - name: ok
    response:
      errcode: 0
      errmsg: ok
";

/// A pushed event of the tiny specs, in the shape of `spec/events/user_authorize_invoice.yaml`:
/// an identity element, an element with an alias, one with known values, one example.
pub const EVENT: &str = r#"event: user_authorize_invoice
title: The user authorized an order's invoice.
description: Sent when the user leaves the authorization page.
doc_url: https://example.com/user_authorize_invoice
fields:
  SuccOrderId:
    type: string
    description: The order the user authorized.
    identity: true
  AuthorizeAppId:
    type: string
    description: The appid the authorization was made for.
    aliases: [AppId]
  Source:
    type: string
    description: Where the user authorized.
    values: [web, app]
examples:
  - name: authorized
    xml: <xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o_1]]></FromUserName><CreateTime>1475134700</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[user_authorize_invoice]]></Event><SuccOrderId><![CDATA[1202933957956]]></SuccOrderId><AppId><![CDATA[wx1]]></AppId><Source><![CDATA[web]]></Source></xml>
    expect:
      SuccOrderId: "1202933957956"
      AppId: wx1
"#;

/// The changes from `base` to `head`, as `wxinvoice diff --format json` reports them.
pub fn changes(base: &Spec, head: &Spec) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().expect("temp dir");
    base.write(&dir.path().join("base"));
    head.write(&dir.path().join("head"));
    let output = run_in(dir.path(), &["diff", "base", "head", "--format", "json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON output");
    value.as_array().cloned().unwrap_or_default()
}

/// Asserts that `base` → `head` is exactly one change, of this rule, level and direction; the
/// change as `--format json` gives it.
pub fn only_change(
    base: &Spec,
    head: &Spec,
    id: &str,
    level: &str,
    direction: &str,
) -> serde_json::Value {
    let mut found = changes(base, head);
    assert_eq!(found.len(), 1, "expected only {id}, got {found:#?}");
    let change = found.remove(0);
    assert_eq!(change["id"], id, "{change:#}");
    assert_eq!(change["level"], level, "{change:#}");
    assert_eq!(change["direction"], direction, "{change:#}");
    change
}

/// A change's message.
pub fn message(change: &serde_json::Value) -> String {
    change["message"].as_str().unwrap_or_default().to_string()
}

/// A spec directory's files, to edit as text before writing.
#[derive(Debug, Clone)]
pub struct Spec {
    /// `endpoints/<name>.yaml` contents by file name.
    pub endpoints: Vec<(String, String)>,
    /// `types/shared.yaml`.
    pub types: String,
    /// `errors/general.yaml`.
    pub general: String,
    /// `errors/invoice.yaml`.
    pub invoice: String,
    /// `events/<name>.yaml` contents by file name (no `events/` folder when empty).
    pub events: Vec<(String, String)>,
}

impl Spec {
    /// `get_thing` and `ping` with the tables above.
    pub fn tiny() -> Self {
        Self {
            endpoints: vec![
                ("get_thing".into(), ENDPOINT.into()),
                ("ping".into(), PING.into()),
            ],
            types: TYPES.into(),
            general: GENERAL.into(),
            invoice: INVOICE.into(),
            events: Vec::new(),
        }
    }

    /// [`Spec::tiny`] with the event [`EVENT`] (`user_authorize_invoice`).
    pub fn with_event() -> Self {
        Self {
            events: vec![("user_authorize_invoice".into(), EVENT.into())],
            ..Self::tiny()
        }
    }

    /// Edits the event file `name`.
    pub fn event(mut self, name: &str, from: &str, to: &str) -> Self {
        let file = self
            .events
            .iter_mut()
            .find(|(file, _)| file == name)
            .expect("the event exists");
        file.1 = edit(&file.1, from, to);
        self
    }

    /// Edits `user_authorize_invoice`.
    pub fn authorize(self, from: &str, to: &str) -> Self {
        self.event("user_authorize_invoice", from, to)
    }

    /// Edits the endpoint file `name`.
    pub fn endpoint(mut self, name: &str, from: &str, to: &str) -> Self {
        let file = self
            .endpoints
            .iter_mut()
            .find(|(file, _)| file == name)
            .expect("the endpoint exists");
        file.1 = edit(&file.1, from, to);
        self
    }

    /// Edits `get_thing`.
    pub fn thing(self, from: &str, to: &str) -> Self {
        self.endpoint("get_thing", from, to)
    }

    /// Writes the files under `dir` (created).
    pub fn write(&self, dir: &Path) {
        for folder in ["endpoints", "types", "errors"] {
            fs::create_dir_all(dir.join(folder)).expect("mkdir");
        }
        for (name, text) in &self.endpoints {
            fs::write(dir.join("endpoints").join(format!("{name}.yaml")), text).expect("write");
        }
        fs::write(dir.join("types/shared.yaml"), &self.types).expect("write");
        fs::write(dir.join("errors/general.yaml"), &self.general).expect("write");
        fs::write(dir.join("errors/invoice.yaml"), &self.invoice).expect("write");
        if !self.events.is_empty() {
            fs::create_dir_all(dir.join("events")).expect("mkdir");
        }
        for (name, text) in &self.events {
            fs::write(dir.join("events").join(format!("{name}.yaml")), text).expect("write");
        }
    }
}

/// Copies the `.yaml` files of `from`'s three folders into `to`.
pub fn copy_spec(from: &Path, to: &Path, folders: &[&str]) {
    for folder in folders {
        let target = to.join(folder);
        fs::create_dir_all(&target).expect("mkdir");
        let Ok(entries) = fs::read_dir(from.join(folder)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|ext| ext == "yaml") {
                fs::copy(&path, target.join(entry.file_name())).expect("copy");
            }
        }
    }
}

/// `wxinvoice mock` as a child process, killed when dropped.
pub struct MockProcess {
    child: std::process::Child,
    /// `http://127.0.0.1:PORT`, read from the first line of its stdout.
    pub url: String,
    stderr: Option<std::thread::JoinHandle<String>>,
}

impl MockProcess {
    /// Starts `wxinvoice mock ARGS --exit-on-stdin-eof` and waits (30 s at most) for its URL.
    pub fn start(args: &[&str]) -> Self {
        use std::io::{BufRead, BufReader, Read};
        use std::process::Stdio;
        let mut child = Command::new(env!("CARGO_BIN_EXE_wxinvoice"))
            .arg("mock")
            .args(args)
            .arg("--exit-on-stdin-eof")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("wxinvoice mock starts");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let mut pipe = child.stderr.take().expect("stderr");
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        });
        let line = receiver
            .recv_timeout(std::time::Duration::from_secs(30))
            .unwrap_or_default();
        let mut process = Self {
            child,
            url: String::new(),
            stderr: Some(stderr),
        };
        match line.trim().strip_prefix("listening on ") {
            Some(url) => process.url = url.to_string(),
            None => {
                let (status, stderr) = process.stop();
                panic!("no URL from wxinvoice mock (first line {line:?}, {status:?}): {stderr}");
            }
        }
        process
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Closes its stdin and waits up to 10 s for it to exit, then kills it; its exit status
    /// (`None` when it had to be killed) and everything it printed on stderr.
    pub fn stop(&mut self) -> (Option<std::process::ExitStatus>, String) {
        drop(self.child.stdin.take());
        self.wait_or_kill()
    }

    /// Like [`Self::stop`] with stdin left open: the process must stop by itself (a signal).
    pub fn stop_after_signal(&mut self) -> (Option<std::process::ExitStatus>, String) {
        self.wait_or_kill()
    }

    fn wait_or_kill(&mut self) -> (Option<std::process::ExitStatus>, String) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let mut status = None;
        while status.is_none() && std::time::Instant::now() < deadline {
            match self.child.try_wait() {
                Ok(Some(exited)) => status = Some(exited),
                Ok(None) => std::thread::sleep(std::time::Duration::from_millis(20)),
                Err(_) => break,
            }
        }
        if status.is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        let stderr = self
            .stderr
            .take()
            .and_then(|reader| reader.join().ok())
            .unwrap_or_default();
        (status, stderr)
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
