#[allow(clippy::await_holding_lock, clippy::await_holding_refcell_ref)]
fn squares(
    n: u64,
) -> ::corogen::Gen<impl ::corogen::Body<Return = u64>, u64, (), ::corogen::__private::Infallible> {
    let __corogen_co =
        unsafe { ::corogen::__private::handle::<u64, (), ::corogen::__private::Infallible>() };
    let __corogen_body = async move {
        #[allow(
            unreachable_code,
            clippy::diverging_sub_expression,
            clippy::needless_return
        )]
        if let ::core::option::Option::Some(__corogen_return) = ::core::option::Option::None::<u64>
        {
            return __corogen_return;
        }
        let _ = &n;
        for i in 0..n {
            {
                let __corogen_value: u64 = i * i;
                ::corogen::__private::Co::yield_(__corogen_co, __corogen_value).await
            };
        }
        n
    };
    ::corogen::__private::make(__corogen_co, __corogen_body)
}
