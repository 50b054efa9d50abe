#[allow(clippy::await_holding_lock, clippy::await_holding_refcell_ref)]
fn each<'a>(
    &'a self,
    __corogen_arg1: (usize, u8),
) -> ::corogen::Gen<impl ::corogen::Body<Return = ()>, &'a T, bool, ::corogen::__private::Infallible>
{
    let __corogen_co =
        unsafe { ::corogen::__private::handle::<&'a T, bool, ::corogen::__private::Infallible>() };
    let __corogen_body = async move {
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
    ::corogen::__private::make(__corogen_co, __corogen_body)
}
