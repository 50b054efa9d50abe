//! The `#[generator]` attribute of [corogen](https://docs.rs/corogen). Use it through `corogen`.
//!
//! The attribute is a short pipeline: [`args`] parses the attribute's arguments, [`item`]
//! parses and checks the function, [`transform`] rewrites its yield points, and [`expand`]
//! emits the function that returns a generator. Errors become `compile_error!`s in one place,
//! beside a stub of the function so that one mistake gives one error.

mod args;
mod expand;
mod item;
mod transform;

use proc_macro::TokenStream;

/// See `corogen::generator`.
#[proc_macro_attribute]
pub fn generator(args: TokenStream, input: TokenStream) -> TokenStream {
    let args = syn::parse_macro_input!(args as args::Args);
    let input = proc_macro2::TokenStream::from(input);
    match item::parse(input.clone()).and_then(|f| transform::run(f, &args)) {
        Ok(generator) => expand::generator(&generator, &args),
        Err(error) => expand::fallback(input, &args, error),
    }
    .into()
}
