#[allow(clippy::await_holding_lock, clippy::await_holding_refcell_ref)]
pub fn outer() -> ::corogen::Gen<impl ::corogen::Body<Return = &'static str>, u32, (), Stop> {
    let __corogen_co = unsafe { ::corogen::__private::handle::<u32, (), Stop>() };
    let __corogen_body = async move {
        #[allow(
            unreachable_code,
            clippy::diverging_sub_expression,
            clippy::needless_return
        )]
        if let ::core::option::Option::Some(__corogen_return) =
            ::core::option::Option::None::<&'static str>
        {
            return __corogen_return;
        }
        let said = {
            #[allow(unused_imports)]
            use ::corogen::__private::{
                ViaAnything as _, ViaGenerator as _, ViaIterator as _, ViaOtherGenerator as _,
            };
            let (__corogen_checked, __corogen_target) = {
                let __corogen_probe = ::corogen::__private::Probe::new(__corogen_co, inner());
                (&&&__corogen_probe).__delegate()
            };
            <_ as ::corogen::Delegate<u32, (), Stop>>::__check(__corogen_checked);
            ::corogen::__private::Co::delegate::<_, false>(__corogen_co, __corogen_target).await
        };
        match {
            let __corogen_value: u32 = 0;
            ::corogen::__private::Co::try_yield(__corogen_co, __corogen_value).await
        } {
            Ok(()) => {
                #[allow(unused_imports)]
                use ::corogen::__private::{
                    ViaAnything as _, ViaGenerator as _, ViaIterator as _, ViaOtherGenerator as _,
                };
                let (__corogen_checked, __corogen_target) = {
                    let __corogen_probe = ::corogen::__private::Probe::new(__corogen_co, [1, 2]);
                    (&&&__corogen_probe).__delegate()
                };
                <_ as ::corogen::Delegate<u32, (), Stop>>::__check(__corogen_checked);
                ::corogen::__private::Co::delegate::<_, false>(__corogen_co, __corogen_target).await
            }
            Err(_) => {
                #[allow(unused_imports)]
                use ::corogen::__private::{
                    RaiseAnything as _, RaiseInterrupt as _, RaiseWide as _,
                };
                match {
                    let __corogen_raised = ::corogen::__private::RaiseProbe::new(Stop);
                    let __corogen_error = (&&&__corogen_raised).__raisable();
                    ::corogen::__private::Co::raise(
                        __corogen_co,
                        <_ as ::corogen::Raise<Stop>>::__into_interrupt(__corogen_error),
                    )
                }
                .await {}
            }
        }
        said
    };
    ::corogen::__private::make(__corogen_co, __corogen_body)
}
