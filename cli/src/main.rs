//! `wxinvoice`: the spec toolchain (work in progress).
fn main() {
    eprintln!("wxinvoice: not implemented yet");
    std::process::exit(2);
}
