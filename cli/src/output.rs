//! Writing results to standard output without panicking on a closed pipe (`| head`).

use std::io::Write;

use crate::outcome::CliError;

/// Writes `text` to stdout and flushes it.
pub fn print_out(text: &str) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|err| CliError::new(format!("cannot write to standard output: {err}")))
}
