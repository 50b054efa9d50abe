//! Rewrites the yield points of a generator body into the calls the runtime provides.
//!
//! Like async-stream's visitor, it rewrites `yield_!` and friends wherever an expression or a
//! statement can stand, including inside other macros' comma-separated arguments, and does not
//! rewrite inside closures, async blocks, const blocks or nested items: a yield point there is
//! reported as an error that says why and what to write instead.

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ItemFn, Macro, ReturnType, Stmt, Token, Type};

use crate::args::Args;
use crate::item::combine;

/// The generator after its yield points were rewritten.
pub struct Generator {
    pub function: ItemFn,
    /// The hidden name under which the body reaches its generator.
    pub co: Ident,
}

pub fn run(mut function: ItemFn, args: &Args) -> syn::Result<Generator> {
    let co = Ident::new("__corogen_co", Span::mixed_site());
    let mut rewriter = Rewriter {
        co: co.clone(),
        yield_ty: args.yield_ty.clone(),
        types: nameable_types(args),
        no_residual: no_residual(&function.sig.output),
        errors: Vec::new(),
    };
    rewriter.visit_block_mut(&mut function.block);
    combine(rewriter.errors)?;
    Ok(Generator { function, co })
}

/// The yield points, by the name of their macro.
#[derive(Clone, Copy)]
enum Point {
    Yield,
    TryYield,
    YieldFrom,
    TryYieldFrom,
    Raise,
}

impl Point {
    fn of(mac: &Macro) -> Option<Self> {
        Self::named(&mac.path.segments.last()?.ident.to_string())
    }

    fn named(name: &str) -> Option<Self> {
        Some(match name {
            "yield_" => Self::Yield,
            "try_yield" => Self::TryYield,
            "yield_from" => Self::YieldFrom,
            "try_yield_from" => Self::TryYieldFrom,
            "raise_" => Self::Raise,
            _ => return None,
        })
    }
}

struct Rewriter {
    co: Ident,
    /// The declared yield type, which yielded values are checked against.
    yield_ty: Option<Type>,
    /// The yield, send and throw types where a `let` may name them, else `_`.
    types: [TokenStream; 3],
    /// The declared return type, when `?` certainly cannot return through it.
    no_residual: Option<String>,
    errors: Vec<syn::Error>,
}

impl Rewriter {
    fn expand(&mut self, point: Point, mac: &Macro) -> Expr {
        let span = mac.path.span();
        let mut value = match parse_value(point, mac) {
            Ok(value) => value,
            Err(error) => {
                self.errors.push(error);
                return syn::parse_quote!(());
            }
        };
        self.visit_expr_mut(&mut value);
        let co = &self.co;
        let private = quote_spanned!(span=> ::corogen::__private);
        // The point's value runs from the macro's name to its closing delimiter, so that an
        // error about it underlines the whole call and a suggestion to append to it (such as
        // `.expect(..)`) comes after the call.
        let end = Ident::new("await", mac.delimiter.span().close());
        let tokens = match point {
            Point::Yield => checked(
                span,
                &value,
                self.yield_ty.as_ref(),
                |value| quote_spanned!(span=> #private::Co::yield_(#co, #value).#end),
            ),
            Point::TryYield => checked(
                span,
                &value,
                self.yield_ty.as_ref(),
                |value| quote_spanned!(span=> #private::Co::try_yield(#co, #value).#end),
            ),
            // Not `checked`: `raise_!` also takes an `Interrupt` of the throw type. The probe
            // picks the kind of `Interrupt` a bare `Interrupt::Close` is; `Raise`, called
            // where the value is, reports a wrong one there.
            Point::Raise => {
                let probe = Ident::new("__corogen_raised", Span::mixed_site());
                let at = value.span();
                let e = respan(self.types[2].clone(), at);
                let name = Ident::new("__corogen_error", Span::mixed_site().located_at(at));
                let error =
                    quote_spanned!(at=> <_ as ::corogen::Raise<#e>>::__into_interrupt(#name));
                // The probe is gone before the await, so it never makes the body `!Sync`.
                quote_spanned! {span=> {
                    #[allow(unused_imports)]
                    use #private::{RaiseAnything as _, RaiseInterrupt as _, RaiseWide as _};
                    match {
                        let #probe = #private::RaiseProbe::new(#value);
                        let #name = (&&&#probe).__raisable();
                        #private::Co::raise(#co, #error)
                    }
                    .await {}
                }}
            }
            Point::YieldFrom | Point::TryYieldFrom => {
                let catch = matches!(point, Point::TryYieldFrom);
                let probe = Ident::new("__corogen_probe", Span::mixed_site());
                // The argument, probed, is passed under a name spanned on it, so that a wrong
                // argument is reported there.
                let at = value.span();
                let target = Ident::new("__corogen_target", Span::mixed_site().located_at(at));
                // All spanned on the argument, where the check reports.
                let [y, s, e] = self.types.clone().map(|ty| respan(ty, at));
                let checked = Ident::new("__corogen_checked", Span::mixed_site().located_at(at));
                let check = quote_spanned!(at=>
                    <_ as ::corogen::Delegate<#y, #s, #e>>::__check(#checked)
                );
                quote_spanned! {span=> {
                    #[allow(unused_imports)]
                    use #private::{
                        ViaAnything as _, ViaGenerator as _, ViaIterator as _,
                        ViaOtherGenerator as _,
                    };
                    // The probe is gone before the await, so it never makes the body `!Sync`.
                    let (#checked, #target) = {
                        let #probe = #private::Probe::new(#co, #value);
                        (&&&#probe).__delegate()
                    };
                    #check;
                    #private::Co::delegate::<_, #catch>(#co, #target).await
                }}
            }
        };
        syn::parse2(tokens).unwrap_or_else(|e| {
            self.errors.push(e);
            syn::parse_quote!(())
        })
    }

    /// Rewrites yield points in another macro's arguments when they are comma-separated
    /// expressions; reports them otherwise.
    fn rewrite_macro(&mut self, mac: &mut Macro) {
        let Some(found) = find_point(mac.tokens.clone()) else {
            return;
        };
        let parser = Punctuated::<Expr, Token![,]>::parse_terminated;
        match syn::parse::Parser::parse2(parser, mac.tokens.clone()) {
            Ok(mut args) => {
                for arg in args.iter_mut() {
                    self.visit_expr_mut(arg);
                }
                mac.tokens = quote!(#args);
            }
            Err(_) => {
                let outer = mac
                    .path
                    .segments
                    .last()
                    .map_or_else(String::new, |s| s.ident.to_string());
                self.errors.push(syn::Error::new(
                    found.span(),
                    format!(
                        "`{found}!` inside `{outer}!` cannot be rewritten: #[generator] finds yield \
                         points in a macro's arguments only when they are comma-separated \
                         expressions\nhelp: bind the value first: `let value = {found}!(...);` \
                         and pass `value` to `{outer}!`"
                    ),
                ));
            }
        }
    }

    fn forbid(&mut self, node: impl FnOnce(&mut Forbidden<'_>), place: Place) {
        let mut check = Forbidden {
            place,
            errors: &mut self.errors,
        };
        node(&mut check);
    }
}

/// `{ let value: Declared = value; point(value) }`: the value is checked against the declared
/// type where the user wrote it, so that a mismatch is reported on the value, with the
/// declaration as the reason, rather than on the runtime's functions. Without a declaration,
/// the type is the default `()`, spanned on the attribute.
fn checked(
    span: Span,
    value: &Expr,
    declared: Option<&Type>,
    point: impl FnOnce(&dyn ToTokens) -> TokenStream,
) -> TokenStream {
    let ty = match declared {
        Some(ty) if writable_in_let(ty) => ty.to_token_stream(),
        Some(_) => return point(value),
        None => quote!(()),
    };
    let name = Ident::new(
        "__corogen_value",
        Span::mixed_site().located_at(value.span()),
    );
    let point = point(&name);
    quote_spanned!(span=> { let #name: #ty = #value; #point })
}

/// The declared return type, written out, when it is certainly neither a `Result` nor an
/// `Option` (nor an alias of one), so that `?` cannot return through it.
fn no_residual(output: &ReturnType) -> Option<String> {
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

/// `tokens`, every one of them spanned at `span`.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tree| {
            if let TokenTree::Group(group) = &tree {
                let mut inner =
                    proc_macro2::Group::new(group.delimiter(), respan(group.stream(), span));
                inner.set_span(span);
                tree = TokenTree::Group(inner);
            } else {
                tree.set_span(span);
            }
            tree
        })
        .collect()
}

/// The yield, send and throw types as a `let` may name them: `_` for `impl Trait`.
fn nameable_types(args: &Args) -> [TokenStream; 3] {
    let name = |ty: &Option<Type>, default: TokenStream| match ty {
        Some(ty) if writable_in_let(ty) => ty.to_token_stream(),
        Some(_) => quote!(_),
        None => default,
    };
    [
        name(&args.yield_ty, quote!(())),
        name(&args.send_ty, quote!(())),
        name(&args.throw_ty, quote!(::corogen::__private::Infallible)),
    ]
}

/// Whether a type may be written in a `let`: `impl Trait` and `_` may not.
pub fn writable_in_let(ty: &Type) -> bool {
    struct Finder(bool);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_type_impl_trait(&mut self, _: &'ast syn::TypeImplTrait) {
            self.0 = true;
        }
        fn visit_type_infer(&mut self, _: &'ast syn::TypeInfer) {
            self.0 = true;
        }
    }
    let mut finder = Finder(false);
    finder.visit_type(ty);
    !finder.0
}

fn parse_value(point: Point, mac: &Macro) -> syn::Result<Expr> {
    if mac.tokens.is_empty() {
        return match point {
            Point::Yield | Point::TryYield => Ok(syn::parse_quote!(())),
            _ => Err(syn::Error::new(
                mac.span(),
                format!(
                    "`{}!` needs an argument",
                    mac.path
                        .segments
                        .last()
                        .map_or_else(String::new, |s| s.ident.to_string())
                ),
            )),
        };
    }
    mac.parse_body::<Expr>().map_err(|e| {
        syn::Error::new(
            e.span(),
            format!(
                "`{}!` takes one expression",
                mac.path
                    .segments
                    .last()
                    .map_or_else(String::new, |s| s.ident.to_string())
            ),
        )
    })
}

impl VisitMut for Rewriter {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Macro(m) => match Point::of(&m.mac) {
                Some(point) => *expr = self.expand(point, &m.mac),
                None => self.rewrite_macro(&mut m.mac),
            },
            Expr::Try(t) if self.no_residual.is_some() => {
                let returns = self.no_residual.as_deref().unwrap_or_default();
                self.errors.push(syn::Error::new(
                    t.question_token.span(),
                    format!(
                        "`?` cannot be used in a #[generator] fn that returns `{returns}`\n\
                         note: `?` returns the error as the generator's return value, as in any \
                         fn, so the declared return type must be a `Result` or an `Option`\n\
                         help: declare `-> Result<{returns}, E>` and return `Ok(..)`, or raise \
                         the error to the caller with `raise_!`: \
                         `match value {{ Ok(v) => v, Err(e) => raise_!(e) }}`"
                    ),
                ));
                visit_mut::visit_expr_mut(self, expr);
            }
            Expr::Await(a) => self.errors.push(syn::Error::new(
                a.await_token.span(),
                "`.await` cannot be used inside a #[generator] function\n\
                 note: a generator runs only when its caller resumes it; nothing would wake it \
                 when the awaited value is ready\n\
                 help: compute the value before making the generator and pass it in, or yield \
                 with `yield_!` and let the caller send the value back",
            )),
            Expr::Closure(c) => self.forbid(|v| v.visit_expr_closure(c), Place::Closure),
            Expr::Async(a) => self.forbid(|v| v.visit_expr_async(a), Place::AsyncBlock),
            Expr::Const(c) => self.forbid(|v| v.visit_expr_const(c), Place::ConstBlock),
            _ => visit_mut::visit_expr_mut(self, expr),
        }
    }

    fn visit_stmt_mut(&mut self, stmt: &mut Stmt) {
        if let Stmt::Macro(m) = stmt {
            match Point::of(&m.mac) {
                Some(point) => {
                    let expr = self.expand(point, &m.mac);
                    *stmt = Stmt::Expr(expr, m.semi_token);
                }
                None => self.rewrite_macro(&mut m.mac),
            }
            return;
        }
        visit_mut::visit_stmt_mut(self, stmt);
    }

    fn visit_item_mut(&mut self, item: &mut syn::Item) {
        self.forbid(|v| v.visit_item(item), Place::of(item));
    }
}

/// Where a yield point cannot be: code inside the body that is not the generator's own.
#[derive(Clone, Copy)]
enum Place {
    Closure,
    AsyncBlock,
    ConstBlock,
    NestedFn,
    Constant,
    OtherItem,
}

impl Place {
    fn of(item: &syn::Item) -> Self {
        match item {
            syn::Item::Fn(_) | syn::Item::Impl(_) | syn::Item::Trait(_) => Self::NestedFn,
            syn::Item::Const(_) | syn::Item::Static(_) => Self::Constant,
            _ => Self::OtherItem,
        }
    }

    /// Where, and the rewrite that fixes it.
    fn describe(self) -> (&'static str, &'static str) {
        match self {
            Self::Closure => (
                "a closure: the closure is a separate function, called later or elsewhere",
                "use a `for` loop instead of the closure, or make its work a #[generator] fn and \
                 `yield_from!` it",
            ),
            Self::AsyncBlock => (
                "an async block: the block is a separate computation, run by whoever awaits it",
                "move the yield point out of the block, into the generator's own body",
            ),
            Self::ConstBlock => (
                "a const block: the block is evaluated at compile time",
                "compute the value in the generator's body, then yield it",
            ),
            Self::NestedFn => (
                "a nested function: it is not part of the generator around it",
                "mark the nested function `#[generator]` too and `yield_from!` it",
            ),
            Self::Constant => (
                "a const or static initializer: it is evaluated at compile time",
                "make it a `let` in the generator's body: `let value = yield_!(...);`",
            ),
            Self::OtherItem => (
                "a nested item: it is not part of the generator around it",
                "move the yield point into the generator's own body",
            ),
        }
    }
}

/// Reports every yield point it finds: it walks code where the generator cannot yield.
struct Forbidden<'a> {
    place: Place,
    errors: &'a mut Vec<syn::Error>,
}

impl Forbidden<'_> {
    fn report(&mut self, name: &Ident) {
        let (place, help) = self.place.describe();
        self.errors.push(syn::Error::new(
            name.span(),
            format!(
                "`{name}!` cannot be used inside {place}\n\
                 note: only the body of the #[generator] fn itself can yield\n\
                 help: {help}"
            ),
        ));
    }
}

impl<'ast> Visit<'ast> for Forbidden<'_> {
    fn visit_macro(&mut self, mac: &'ast Macro) {
        if let Some(segment) = mac.path.segments.last()
            && Point::named(&segment.ident.to_string()).is_some()
        {
            return self.report(&segment.ident);
        }
        if let Some(found) = find_point(mac.tokens.clone()) {
            self.report(&found);
        }
    }

    fn visit_item_fn(&mut self, function: &'ast syn::ItemFn) {
        let is_generator = function.attrs.iter().any(|a| {
            a.path()
                .segments
                .last()
                .is_some_and(|s| s.ident == "generator")
        });
        if !is_generator {
            visit::visit_item_fn(self, function);
        }
    }
}

/// The first `name!` of a yield point in `tokens`, at any depth.
fn find_point(tokens: TokenStream) -> Option<Ident> {
    let mut trees = tokens.into_iter().peekable();
    while let Some(tree) = trees.next() {
        match tree {
            TokenTree::Ident(ident) if Point::named(&ident.to_string()).is_some() => {
                if matches!(trees.peek(), Some(TokenTree::Punct(p)) if p.as_char() == '!') {
                    return Some(ident);
                }
            }
            TokenTree::Group(group) => {
                if let Some(found) = find_point(group.stream()) {
                    return Some(found);
                }
            }
            _ => {}
        }
    }
    None
}
