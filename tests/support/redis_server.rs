//! A real `redis-server` on a free loopback port, killed on drop: shared by the tests
//! (`tests/support`) and the load bench (`benches/load.rs`, through `#[path]`).
#![allow(dead_code)] // each binary that includes this file uses its own part of it

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `redis-server` on a free loopback port; killed on drop.
pub struct RedisServer {
    child: Child,
    /// The loopback port it listens on.
    pub port: u16,
}

impl RedisServer {
    /// Without persistence.
    pub fn start() -> Self {
        Self::start_on(free_port(), &[])
    }

    /// On `port`, with extra arguments (`--appendonly yes --dir …` for a durable one).
    pub fn start_on(port: u16, extra: &[&str]) -> Self {
        let binary = find_on_path("redis-server").unwrap_or_else(|| {
            panic!(
                "redis-server is not on PATH: install the Debian package `redis-server` \
                 (apt-get install -y redis-server; scripts/test.sh does so when it is missing), or \
                 build without the `redis` feature"
            )
        });
        let mut command = Command::new(binary);
        command
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if extra.is_empty() {
            command.args(["--save", "", "--appendonly", "no"]);
        } else {
            command.args(extra);
        }
        let child = command.spawn().expect("redis-server starts");
        let server = Self { child, port };
        server.wait_for_pong();
        server
    }

    /// Its URL, for `RedisStore::open`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    fn wait_for_pong(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) {
                let mut answer = [0u8; 7];
                if stream.write_all(b"PING\r\n").is_ok()
                    && stream.read_exact(&mut answer).is_ok()
                    && &answer == b"+PONG\r\n"
                {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("redis-server on port {} did not answer PING", self.port);
    }

    /// Its process id (to signal it: stop it, make it hang).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills it and waits for it to end (a restart: [`Self::start_on`] the same port).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("address").port()
}
