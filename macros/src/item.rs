//! Parses the item under `#[generator]` and checks that it is a function the attribute can
//! rewrite.

use proc_macro2::TokenStream;
use syn::spanned::Spanned;
use syn::{Item, ItemFn, TraitItem, TraitItemFn};

/// The function under the attribute, as written.
pub fn parse(input: TokenStream) -> syn::Result<ItemFn> {
    let function = match syn::parse2::<Item>(input.clone()) {
        Ok(Item::Fn(function)) => function,
        Ok(other) => return Err(not_a_function(&other)),
        Err(error) => match syn::parse2::<TraitItem>(input) {
            Ok(TraitItem::Fn(TraitItemFn {
                default: None, sig, ..
            })) => {
                return Err(syn::Error::new(
                    sig.span(),
                    "#[generator] needs a function body; a trait method without a default body \
                     cannot be a generator (put the attribute on the method in each impl)",
                ));
            }
            _ => return Err(error),
        },
    };
    check(&function)?;
    Ok(function)
}

fn not_a_function(item: &Item) -> syn::Error {
    let what = match item {
        Item::Struct(_) => "a struct",
        Item::Enum(_) => "an enum",
        Item::Trait(_) => "a trait",
        Item::Impl(_) => "an impl block (put it on each method instead)",
        Item::Mod(_) => "a module",
        Item::Const(_) | Item::Static(_) => "a constant or static",
        Item::ForeignMod(_) => "an extern block",
        _ => "this item",
    };
    syn::Error::new(
        first_token_span(item),
        format!("#[generator] can only be applied to a function, not to {what}"),
    )
}

fn first_token_span(item: &Item) -> proc_macro2::Span {
    let tokens = quote::ToTokens::to_token_stream(item);
    tokens
        .into_iter()
        .find(|t| !matches!(t, proc_macro2::TokenTree::Punct(p) if p.as_char() == '#'))
        .map_or_else(proc_macro2::Span::call_site, |t| t.span())
}

fn check(function: &ItemFn) -> syn::Result<()> {
    let sig = &function.sig;
    let mut errors = Vec::new();
    if let Some(token) = &sig.asyncness {
        errors.push(syn::Error::new(
            token.span,
            "#[generator] cannot be applied to an `async fn`; remove `async`: a generator is \
             resumed by its caller and cannot await",
        ));
    }
    if let Some(token) = &sig.constness {
        errors.push(syn::Error::new(
            token.span,
            "#[generator] cannot be applied to a `const fn`; remove `const`: a generator is made \
             and resumed at run time",
        ));
    }
    if let Some(abi) = &sig.abi {
        errors.push(syn::Error::new(
            abi.span(),
            "#[generator] cannot be applied to an `extern` function; remove the ABI: a generator \
             is returned as a Rust value",
        ));
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(syn::Error::new(
            variadic.span(),
            "#[generator] cannot be applied to a variadic function",
        ));
    }
    combine(errors)
}

/// One error out of many, or `Ok` if there are none.
pub fn combine(errors: Vec<syn::Error>) -> syn::Result<()> {
    errors
        .into_iter()
        .reduce(|mut all, e| {
            all.combine(e);
            all
        })
        .map_or(Ok(()), Err)
}
