//! The `#[generator]` attribute of [corogen](https://docs.rs/corogen). Use it through `corogen`.
//!
//! The attribute is a short pipeline: `args` parses the attribute's arguments, `item`
//! parses and checks the function, `transform` rewrites its yield points, and `expand`
//! emits the function that returns a generator. Errors become `compile_error!`s in one place,
//! beside a stub of the function so that one mistake gives one error.

mod args;
mod expand;
mod item;
mod transform;

#[cfg(test)]
mod snapshots;

use proc_macro2::TokenStream;

/// See `corogen::generator`.
#[proc_macro_attribute]
pub fn generator(
    args: proc_macro::TokenStream,
    input: proc_macro::TokenStream,
) -> proc_macro::TokenStream {
    generate(args.into(), input.into()).into()
}

/// The whole pipeline, on `proc_macro2` tokens so that it runs in unit tests too.
fn generate(args: TokenStream, input: TokenStream) -> TokenStream {
    match syn::parse2::<args::Args>(args) {
        Ok(args) => function(input, &args),
        Err(error) => fallback(input, &args::Args::default(), error),
    }
}

fn function(input: TokenStream, args: &args::Args) -> TokenStream {
    match item::parse(input.clone()).and_then(|f| transform::run(f, args)) {
        Ok(generator) => expand::generator(&generator, args),
        Err(error) => fallback(input, args, error),
    }
}

/// The error, and what the user meant: on an impl block, each method made a generator (so that
/// its yield points are not reported again), else a stub of the function.
fn fallback(input: TokenStream, args: &args::Args, error: syn::Error) -> TokenStream {
    let Ok(mut block) = syn::parse2::<syn::ItemImpl>(input.clone()) else {
        return expand::fallback(input, args, error);
    };
    for item in &mut block.items {
        if let syn::ImplItem::Fn(method) = item {
            let method = quote::ToTokens::to_token_stream(method);
            *item = syn::ImplItem::Verbatim(function(method, args));
        }
    }
    let errors = error.to_compile_error();
    quote::quote!(#errors #block)
}
