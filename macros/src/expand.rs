//! Emits the function that returns a generator: a thin shell over `::corogen::__private`.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, Pat, PatIdent, ReturnType, Signature, Stmt, Type};

use crate::args::Args;
use crate::transform::Generator;

/// The yield, send and throw types, with their defaults.
fn types(args: &Args) -> (TokenStream, TokenStream, TokenStream) {
    let or = |ty: &Option<Type>, default: TokenStream| {
        ty.as_ref().map_or(default, ToTokens::to_token_stream)
    };
    (
        or(&args.yield_ty, quote!(())),
        or(&args.send_ty, quote!(())),
        or(&args.throw_ty, quote!(::corogen::__private::Infallible)),
    )
}

fn return_type(sig: &Signature) -> TokenStream {
    match &sig.output {
        ReturnType::Default => quote!(()),
        ReturnType::Type(_, ty) => ty.to_token_stream(),
    }
}

/// `fn name(args) -> ::corogen::Gen<impl Body<Return = R>, Y, S, E>`.
fn signature(sig: &Signature, args: &Args) -> Signature {
    let (y, s, e) = types(args);
    let r = return_type(sig);
    // The declared return type keeps its spans; the rest is the expansion's, so that a
    // suggestion rustc makes about the generator's type is not spliced into the user's tokens.
    let mut sig = sig.clone();
    sig.output = syn::parse_quote! {
        -> ::corogen::Gen<impl ::corogen::Body<Return = #r>, #y, #s, #e>
    };
    sig
}

pub fn generator(generator: &Generator, args: &Args) -> TokenStream {
    let function = &generator.function;
    let (y, s, e) = types(args);
    let mut sig = signature(&function.sig, args);
    let rebinds = bind_arguments(&mut sig);
    let co = &generator.co;
    let attrs = &function.attrs;
    let vis = &function.vis;
    let stmts = &function.block.stmts;
    let pin_return = pin_return_type(&function.sig);
    let body = syn::Ident::new("__corogen_body", Span::mixed_site());
    quote! {
        #(#attrs)*
        // The body's yield points are awaits of the lowering, not of the user's code.
        #[allow(clippy::await_holding_lock, clippy::await_holding_refcell_ref)]
        #vis #sig {
            // SAFETY: the body uses its handle only in the yield points this macro wrote, each
            // awaited in place; the handle goes into this body only.
            let #co = unsafe { ::corogen::__private::handle::<#y, #s, #e>() };
            let #body = async move {
                #pin_return
                #(#rebinds)*
                #(#stmts)*
            };
            ::corogen::__private::make(#co, #body)
        }
    }
}

/// A first, never-taken `return` of the declared return type, as async-trait does: it fixes
/// the type of the body's value before the user's code is checked, so that a `return` or a
/// tail of another type is reported there, against the declared type, and not as a mismatch
/// in the generated signature. Not possible for `impl Trait` return types.
fn pin_return_type(sig: &Signature) -> TokenStream {
    let ty = match &sig.output {
        ReturnType::Type(_, ty) if crate::transform::writable_in_let(ty) => ty,
        ReturnType::Type(..) => return TokenStream::new(),
        ReturnType::Default => return TokenStream::new(),
    };
    let name = syn::Ident::new("__corogen_return", Span::mixed_site().located_at(ty.span()));
    quote_spanned! {ty.span()=>
        #[allow(unreachable_code, clippy::diverging_sub_expression, clippy::needless_return)]
        if let ::core::option::Option::Some(#name) = ::core::option::Option::None::<#ty> {
            return #name;
        }
    }
}

/// Moves every argument into the body, as an `async fn` does, so that it lives (and is
/// dropped) with the generator, last declared first dropped.
///
/// The body captures each argument; a capture that the body then moves into a local would be
/// stored twice in the generator (rustc keeps the captured copy for the generator's whole
/// life), so each stage of a pipeline of generators would double the size of what it wraps.
/// So the arguments are used where they were captured: the body first mentions every one of
/// them, last declared first, which makes that the order of the captures and so of their
/// drops. Only an argument pattern must be destructured into locals (a hidden name outside,
/// the pattern inside), and so must the arguments declared after the first pattern, so that
/// their locals, dropped before the captures, keep the order.
fn bind_arguments(sig: &mut Signature) -> Vec<Stmt> {
    let mut mentions = Vec::new();
    let mut rebinds = Vec::new();
    let mut destructuring = false;
    for (i, arg) in sig.inputs.iter_mut().enumerate() {
        match arg {
            FnArg::Receiver(receiver) => {
                let this = &receiver.self_token;
                mentions.push(syn::parse_quote!(let _ = &#this;));
            }
            FnArg::Typed(typed) => match &mut *typed.pat {
                Pat::Ident(PatIdent {
                    by_ref: None,
                    mutability,
                    ident,
                    subpat: None,
                    ..
                }) => {
                    mentions.push(syn::parse_quote!(let _ = &#ident;));
                    if destructuring {
                        let mutability = mutability.take();
                        rebinds.push(syn::parse_quote!(let #mutability #ident = #ident;));
                    }
                }
                pat => {
                    let hidden = format_ident!("__corogen_arg{}", i, span = Span::mixed_site());
                    let original = std::mem::replace(pat, syn::parse_quote!(#hidden));
                    mentions.push(syn::parse_quote!(let _ = &#hidden;));
                    rebinds.push(syn::parse_quote!(let #original = #hidden;));
                    destructuring = true;
                }
            },
        }
    }
    mentions.reverse();
    mentions.extend(rebinds);
    mentions
}

/// On error: the errors, and the function with a body that never runs, so that callers still
/// type-check and one mistake gives one error.
pub fn fallback(input: TokenStream, args: &Args, error: syn::Error) -> TokenStream {
    let errors = error.to_compile_error();
    let Ok(mut function) = syn::parse2::<syn::ItemFn>(input.clone()) else {
        return quote!(#errors #input);
    };
    // The stub is what the user meant: a plain function returning a generator.
    function.sig.asyncness = None;
    function.sig.constness = None;
    function.sig.abi = None;
    function.sig.variadic = None;
    let (y, s, e) = types(args);
    let r = return_type(&function.sig);
    let sig = signature(&function.sig, args);
    let attrs = &function.attrs;
    let vis = &function.vis;
    let span = function.block.span();
    quote_spanned! {span=>
        #errors
        #(#attrs)*
        #[allow(unused_variables, unreachable_code)]
        #vis #sig {
            // SAFETY: the body never uses its handle.
            unsafe {
                ::corogen::__private::new(
                    move |_: ::corogen::__private::Co<#y, #s, #e>| ::core::future::pending::<#r>(),
                )
            }
        }
    }
}
