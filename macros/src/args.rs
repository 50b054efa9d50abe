//! The arguments of `#[generator(yield = T, send = T, throw = T)]`.

use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, Token, Type};

/// The parsed arguments; a missing one takes its default at expansion.
#[derive(Default)]
pub struct Args {
    pub yield_ty: Option<Type>,
    pub send_ty: Option<Type>,
    pub throw_ty: Option<Type>,
}

const KEYS: &str = "`yield = Type`, `send = Type` or `throw = Type`";

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut args = Args::default();
        while !input.is_empty() {
            let key = input
                .call(Ident::parse_any)
                .map_err(|e| syn::Error::new(e.span(), format!("expected {KEYS}")))?;
            let slot = match key.to_string().as_str() {
                "yield" => &mut args.yield_ty,
                "send" => &mut args.send_ty,
                "throw" => &mut args.throw_ty,
                other => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!("unknown #[generator] argument `{other}`; expected {KEYS}"),
                    ));
                }
            };
            if slot.is_some() {
                return Err(syn::Error::new(
                    key.span(),
                    format!("duplicate #[generator] argument `{key}`; give each argument once"),
                ));
            }
            if !input.peek(Token![=]) {
                return Err(syn::Error::new(
                    key.span(),
                    format!("#[generator] argument `{key}` needs a type: write `{key} = Type`"),
                ));
            }
            input.parse::<Token![=]>()?;
            *slot = Some(input.parse().map_err(|e| {
                syn::Error::new(e.span(), format!("expected a type after `{key} =`"))
            })?);
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(args)
    }
}
