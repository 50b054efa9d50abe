//! Rewrites the yield points of a generator body into the calls the runtime provides.
//!
//! Like async-stream's visitor, it rewrites `yield_!` and friends wherever an expression or a
//! statement can stand, including inside other macros' comma-separated arguments, and does not
//! rewrite inside closures, async blocks, const blocks or nested items: a yield point there is
//! reported as an error that says why and what to write instead.

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ItemFn, Macro, Stmt, Token};

use crate::args::Args;
use crate::item::combine;

/// The generator after its yield points were rewritten.
pub struct Generator {
    pub function: ItemFn,
    /// The hidden name under which the body reaches its generator.
    pub co: Ident,
}

pub fn run(mut function: ItemFn, _args: &Args) -> syn::Result<Generator> {
    let co = Ident::new("__corogen_co", Span::mixed_site());
    let mut rewriter = Rewriter {
        co: co.clone(),
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
        let tokens = match point {
            Point::Yield => quote_spanned!(span=> #private::Co::yield_(#co, #value).await),
            Point::TryYield => quote_spanned!(span=> #private::Co::try_yield(#co, #value).await),
            Point::Raise => quote_spanned!(span=> match #private::Co::raise(#co, #value).await {}),
            Point::YieldFrom | Point::TryYieldFrom => {
                let catch = matches!(point, Point::TryYieldFrom);
                quote_spanned! {span=>
                    #private::Co::delegate::<_, #catch>(#co, {
                        #[allow(unused_imports)]
                        use #private::{ViaGenerator as _, ViaIterator as _};
                        let probe = #private::Probe(::core::cell::Cell::new(::core::option::Option::Some(#value)));
                        (&probe).__delegate()
                    }).await
                }
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

    fn forbid(&mut self, node: impl FnOnce(&mut Forbidden<'_>), context: &'static str) {
        let mut check = Forbidden {
            context,
            errors: &mut self.errors,
        };
        node(&mut check);
    }
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
            Expr::Await(a) => self.errors.push(syn::Error::new(
                a.await_token.span(),
                "`.await` cannot be used inside a #[generator] function: a generator is resumed \
                 by its caller, not polled by an executor\nhelp: yield to the caller with \
                 `yield_!`, or run the future to completion outside the generator",
            )),
            Expr::Closure(c) => self.forbid(|v| v.visit_expr_closure(c), "a closure"),
            Expr::Async(a) => self.forbid(|v| v.visit_expr_async(a), "an async block"),
            Expr::Const(c) => self.forbid(|v| v.visit_expr_const(c), "a const block"),
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
        self.forbid(|v| v.visit_item(item), "a nested item");
    }
}

/// Reports every yield point it finds: it walks code where the generator cannot yield.
struct Forbidden<'a> {
    context: &'static str,
    errors: &'a mut Vec<syn::Error>,
}

impl Forbidden<'_> {
    fn report(&mut self, name: &Ident) {
        let help = match self.context {
            "a closure" => {
                "yield from the generator's own body: use a `for` loop instead of \
                            a closure, or make the closure's work a separate #[generator] and \
                            `yield_from!` it"
            }
            "an async block" => {
                "an async block is a separate future; yield from the generator's \
                                 own body instead"
            }
            "a nested item" => {
                "a nested function is not part of the generator; mark it \
                                `#[generator]` itself and `yield_from!` it"
            }
            _ => "a const block is evaluated at compile time; yield from the generator's body",
        };
        self.errors.push(syn::Error::new(
            name.span(),
            format!(
                "`{name}!` cannot be used inside {} within a #[generator] function: only the \
                 generator's own body can yield\nhelp: {help}",
                self.context
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
