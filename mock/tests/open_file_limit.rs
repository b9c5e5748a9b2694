//! At the open-file limit, accepting a connection fails at once, again and again, while the
//! connection waits in the backlog. The old accept loop retried at full speed (a core at 100%
//! answering nothing); this one pauses, doubling up to a second, and serves the waiting
//! connection once descriptors are free again.
//!
//! This is its own test binary because it lowers the whole process's open-file limit.

#![cfg(unix)]

mod support;

use std::fs::File;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use wechat_invoice_mock::ServerLimits;

use support::{
    GET_AUTH_DATA, answers_normally, auth_data_request, eventually, post, read_until_closed, start,
};

fn open_file_limit() -> libc::rlimit {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit into the struct it is given.
    let status = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    assert_eq!(status, 0, "getrlimit");
    limit
}

fn set_open_file_limit(limit: libc::rlimit) {
    // SAFETY: setrlimit reads one rlimit from the struct it is given.
    let status = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) };
    assert_eq!(status, 0, "setrlimit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_open_file_limit_the_accept_loop_pauses_and_then_serves() {
    let server = start(ServerLimits::default()).await;
    assert!(answers_normally(&server).await);
    let original = open_file_limit();
    let open_now = std::fs::read_dir("/proc/self/fd").map_or(256, |dir| dir.count()) as u64;
    set_open_file_limit(libc::rlimit {
        rlim_cur: (open_now + 64).min(original.rlim_max),
        rlim_max: original.rlim_max,
    });

    // Take every free descriptor, then give back exactly one: the client's socket.
    let mut fillers = Vec::new();
    loop {
        match File::open("/dev/null") {
            Ok(file) => fillers.push(file),
            Err(error) if error.raw_os_error() == Some(libc::EMFILE) => break,
            Err(error) => panic!("opening /dev/null: {error}"),
        }
    }
    assert!(!fillers.is_empty(), "some descriptors were free");
    fillers.pop();
    let client = std::net::TcpStream::connect(server.address()).expect("connect");
    eventually("accepting fails at the open-file limit", || {
        server.connection_stats().accept_errors >= 1
    })
    .await;

    // Half a second of failing accepts: pauses of 10, 20, 40… ms allow a handful of attempts;
    // retrying at once would make thousands. (A busier machine only makes fewer.)
    let before = server.connection_stats().accept_errors;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let attempts = server.connection_stats().accept_errors - before;
    assert!(
        attempts <= 20,
        "{attempts} accept attempts in half a second"
    );

    drop(fillers);
    set_open_file_limit(original);
    client.set_nonblocking(true).expect("nonblocking");
    let mut client = tokio::net::TcpStream::from_std(client).expect("a tokio stream");
    let body = auth_data_request(&server);
    client
        .write_all(&post(GET_AUTH_DATA, &body))
        .await
        .expect("write");
    let answer = read_until_closed(&mut client).await;
    assert_eq!(answer.status(), Some(200), "{answer:?}");
    assert!(server.connection_stats().accept_errors >= 1);
}
