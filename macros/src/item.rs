//! Parses the item under `#[generator]` and checks that it is a function the attribute can
//! rewrite.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{Item, ItemFn, ReturnType, TraitItem, TraitItemFn, Type};

/// The function under the attribute, as written.
pub fn parse(input: TokenStream) -> syn::Result<ItemFn> {
    let item = syn::parse2::<Item>(input.clone());
    if matches!(item, Ok(Item::Verbatim(_)) | Err(_))
        && let Some(error) = without_body(input)
    {
        return Err(error);
    }
    let function = match item? {
        Item::Fn(function) => function,
        other => return Err(not_a_function(&other)),
    };
    check(&function)?;
    Ok(function)
}

/// The error for a function signature without a body (a required trait method), if it is one.
fn without_body(input: TokenStream) -> Option<syn::Error> {
    match syn::parse2::<TraitItem>(input) {
        Ok(TraitItem::Fn(TraitItemFn {
            default: None, sig, ..
        })) => Some(syn::Error::new(
            sig.span(),
            "#[generator] needs a function body, and this trait method has none\n\
             note: the attribute turns a body into a generator; a declaration has no body\n\
             help: put #[generator] on the method in each impl, or give it a default body here",
        )),
        _ => None,
    }
}

fn not_a_function(item: &Item) -> syn::Error {
    let (what, help) = match item {
        Item::Struct(_) => (
            "a struct",
            "put it on a `fn` that yields the struct's values",
        ),
        Item::Enum(_) => ("an enum", "put it on a `fn` that yields the enum's values"),
        Item::Trait(_) => (
            "a trait",
            "put it on each method with a body, in the trait or in its impls",
        ),
        Item::Impl(_) => ("an impl block", "put it on each method that yields"),
        Item::Mod(_) => ("a module", "put it on each function that yields"),
        Item::Const(_) | Item::Static(_) => (
            "a constant or static",
            "make a #[generator] fn and call it where the value is needed",
        ),
        _ => (
            "this item",
            "put it on a `fn` whose body yields with `yield_!`",
        ),
    };
    syn::Error::new(
        first_token_span(item),
        format!(
            "#[generator] can only be applied to a function, not to {what}\n\
             note: it turns a function body into a generator\n\
             help: {help}"
        ),
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
            "#[generator] cannot be applied to an `async fn`\n\
             note: a generator runs only when its caller resumes it, and cannot `.await`\n\
             help: remove `async`",
        ));
    }
    if let Some(token) = &sig.constness {
        errors.push(syn::Error::new(
            token.span,
            "#[generator] cannot be applied to a `const fn`\n\
             note: a generator is made and resumed at run time\n\
             help: remove `const`",
        ));
    }
    if let Some(abi) = &sig.abi {
        errors.push(syn::Error::new(
            abi.span(),
            "#[generator] cannot be applied to an `extern` function\n\
             note: the function returns a generator, a Rust value that no foreign ABI can carry\n\
             help: remove the `extern` ABI, and wrap the generator in an `extern` function if \
             foreign code needs to drive it",
        ));
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(syn::Error::new(
            variadic.span(),
            "#[generator] cannot be applied to a variadic function\n\
             help: take the values as a slice or an iterator instead",
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

/// The declared return type, written out, when it is certainly neither a `Result` nor an
/// `Option` (nor an alias of one), so that `?` cannot return through it.
pub fn no_residual(output: &ReturnType) -> Option<String> {
    const PLAIN: [&str; 19] = [
        "bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32",
        "i64", "i128", "isize", "f32", "f64", "String", "Vec",
    ];
    let ty = match output {
        ReturnType::Default => return Some("()".to_owned()),
        ReturnType::Type(_, ty) => &**ty,
    };
    let plain = match ty {
        Type::Tuple(_) | Type::Reference(_) | Type::Array(_) | Type::Slice(_) | Type::Never(_) => {
            true
        }
        Type::Path(path) => {
            path.qself.is_none()
                && path.path.segments.len() == 1
                && PLAIN.contains(&path.path.segments[0].ident.to_string().as_str())
        }
        _ => false,
    };
    plain.then(|| ty.to_token_stream().to_string())
}
