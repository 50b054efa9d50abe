//! Compile-time diagnostics: every error `#[generator]` and the yield macros report, and edge
//! cases that must compile. Re-bless with `TRYBUILD=overwrite cargo test --test ui`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
