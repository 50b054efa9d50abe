#[allow(clippy::await_holding_lock, clippy::await_holding_refcell_ref)]
fn each<'a>(
    &'a self,
    __corogen_arg1: (usize, u8),
) -> ::corogen::Gen<impl ::corogen::Body<Return = ()>, &'a T, bool, ::corogen::__private::Infallible>
{
    let __corogen_body = move |__corogen_co: ::corogen::__private::Co<
        &'a T,
        bool,
        ::corogen::__private::Infallible,
    >| async move {
        let _ = &__corogen_arg1;
        let _ = &self;
        let (skip, _) = __corogen_arg1;
        for item in self.items.iter().skip(skip) {
            if !{
                let __corogen_value: &'a T = item;
                ::corogen::__private::Co::yield_(__corogen_co, __corogen_value).await
            } {
                return;
            }
        }
    };
    unsafe { ::corogen::__private::new(__corogen_body) }
}
