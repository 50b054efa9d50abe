//! Snapshots of what the attribute emits for three representative generators, compared with
//! `tests/expand/*.expanded.rs` at the repository root. `COROGEN_BLESS=1 cargo test -p
//! corogen-macros` rewrites them.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use proc_macro2::TokenStream;
use quote::quote;

fn check(name: &str, args: TokenStream, input: TokenStream) -> Result<(), String> {
    let expanded = pretty(&crate::generate(args, input).to_string())?;
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/expand")
        .join(format!("{name}.expanded.rs"));
    if std::env::var_os("COROGEN_BLESS").is_some() {
        return std::fs::write(&path, expanded).map_err(|e| e.to_string());
    }
    let expected = std::fs::read_to_string(&path).map_err(|e| format!("{path:?}: {e}"))?;
    if expected == expanded {
        Ok(())
    } else {
        Err(format!(
            "the expansion of `{name}` changed; review it and re-bless with \
             COROGEN_BLESS=1 cargo test -p corogen-macros\n--- new ---\n{expanded}"
        ))
    }
}

/// The code as rustfmt prints it, so that snapshots read like source and diff by line.
fn pretty(code: &str) -> Result<String, String> {
    let mut rustfmt = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("rustfmt: {e}"))?;
    rustfmt
        .stdin
        .take()
        .ok_or("rustfmt: no stdin")?
        .write_all(code.as_bytes())
        .map_err(|e| e.to_string())?;
    let output = rustfmt.wait_with_output().map_err(|e| e.to_string())?;
    String::from_utf8(output.stdout).map_err(|e| e.to_string())
}

#[test]
fn simple() -> Result<(), String> {
    check(
        "simple",
        quote!(yield = u64),
        quote! {
            fn squares(n: u64) -> u64 {
                for i in 0..n {
                    yield_!(i * i);
                }
                n
            }
        },
    )
}

#[test]
fn delegation() -> Result<(), String> {
    check(
        "delegation",
        quote!(yield = u32, throw = Stop),
        quote! {
            pub fn outer() -> &'static str {
                let said = yield_from!(inner());
                match try_yield!(0) {
                    Ok(()) => yield_from!([1, 2]),
                    Err(_) => raise_!(Stop),
                }
                said
            }
        },
    )
}

#[test]
fn method() -> Result<(), String> {
    check(
        "method",
        quote!(yield = &'a T, send = bool),
        quote! {
            fn each<'a>(&'a self, (skip, _): (usize, u8)) {
                for item in self.items.iter().skip(skip) {
                    if !yield_!(item) {
                        return;
                    }
                }
            }
        },
    )
}
