//! The arguments of `#[generator(yield = T, send = T, throw = T)]`.

use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, Token, Type};

use crate::item::combine;

/// The parsed arguments; a missing one takes its default at expansion.
#[derive(Default)]
pub struct Args {
    pub yield_ty: Option<Type>,
    pub send_ty: Option<Type>,
    pub throw_ty: Option<Type>,
}

const KEYS: [&str; 3] = ["yield", "send", "throw"];
const TAKES: &str = "note: #[generator] takes `yield = Type`, `send = Type` and `throw = Type`, \
                     each at most once";

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut args = Args::default();
        // Unknown and duplicate keys are independent mistakes, reported together; a syntax
        // error stops the parse.
        let mut errors = Vec::new();
        while !input.is_empty() {
            let key = input.call(Ident::parse_any).map_err(|e| {
                syn::Error::new(e.span(), format!("expected an argument name\n{TAKES}"))
            })?;
            let ty = value(input, &key)?;
            let slot = match key.to_string().as_str() {
                "yield" => &mut args.yield_ty,
                "send" => &mut args.send_ty,
                "throw" => &mut args.throw_ty,
                _ => {
                    errors.push(unknown(&key));
                    continue;
                }
            };
            if slot.is_some() {
                errors.push(syn::Error::new(
                    key.span(),
                    format!(
                        "duplicate #[generator] argument `{key}`\n{TAKES}\n\
                         help: remove this `{key} = ..` or the one before it"
                    ),
                ));
            }
            *slot = Some(ty);
        }
        combine(errors)?;
        Ok(args)
    }
}

/// `= Type` and the comma after it.
fn value(input: ParseStream<'_>, key: &Ident) -> syn::Result<Type> {
    if !input.peek(Token![=]) {
        return Err(syn::Error::new(
            key.span(),
            format!(
                "#[generator] argument `{key}` needs a type after `=`\n\
                 help: write `{key} = Type`, for example `{key} = u32`"
            ),
        ));
    }
    let eq = input.parse::<Token![=]>()?;
    if input.is_empty() || input.peek(Token![,]) {
        return Err(syn::Error::new(
            eq.span,
            format!(
                "expected a type after `{key} =`\nhelp: write `{key} = Type`, for example `{key} = u32`"
            ),
        ));
    }
    let ty = input.parse().map_err(|e| {
        syn::Error::new(
            e.span(),
            format!("expected a type after `{key} =`\nhelp: write `{key} = Type`, for example `{key} = u32`"),
        )
    })?;
    if !input.is_empty() {
        input.parse::<Token![,]>().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected `,` between #[generator] arguments\n\
                 help: separate them with commas: `yield = u32, send = u32`",
            )
        })?;
    }
    Ok(ty)
}

fn unknown(key: &Ident) -> syn::Error {
    let name = key.to_string();
    let near = KEYS
        .iter()
        .find(|k| name.starts_with(**k) || k.starts_with(name.as_str()));
    let help = match near {
        Some(k) => format!("\nhelp: did you mean `{k}`?"),
        None => String::new(),
    };
    syn::Error::new(
        key.span(),
        format!("unknown #[generator] argument `{name}`\n{TAKES}{help}"),
    )
}
