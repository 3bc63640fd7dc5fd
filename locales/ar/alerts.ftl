# تنبيهات المشرفين (cx::alerts): عنوان كل تنبيه في البث المباشر للوحة
# المتابعة وفي بيانات الـ webhook. ‏$key هو ما ارتفع (موضوع أو فئة أو حي)،
# و$value و$baseline أرقام؛ و$minutes و$target_minutes و$target_seconds أعداد
# صحيحة (انتظار الحالة، ومتى كان الردّ أو الحلّ مستحقًّا منذ وصولها إلى الفريق).

alert-surge = ارتفاع غير معتاد في { $key }: { $value } خلال الساعة الأخيرة، والمعتاد في مثل هذه الساعة نحو { $baseline }.
alert-csat-drop = انخفض تقييم المواطنين: { $value } من 5 خلال آخر 24 ساعة، مقابل { $baseline } في الأسبوع الذي سبقه.
alert-unclaimed-urgent = حالة عاجلة لفريق { $key } تنتظر منذ { $minutes ->
        [0] أقل من دقيقة
        [one] دقيقة واحدة
        [two] دقيقتين
        [few] { $minutes } دقائق
       *[other] { $minutes } دقيقة
    } ولم يتولَّها أحد بعد.
alert-sla-first-reply = حالة لفريق { $key } تنتظر منذ { $minutes ->
        [0] أقل من دقيقة
        [one] دقيقة واحدة
        [two] دقيقتين
        [few] { $minutes } دقائق
       *[other] { $minutes } دقيقة
    } دون ردّ من موظف، وكان الردّ مستحقًّا خلال { $target_minutes ->
        [0] { $target_seconds } ثانية
        [one] دقيقة واحدة
        [two] دقيقتين
        [few] { $target_minutes } دقائق
       *[other] { $target_minutes } دقيقة
    } من وصولها إلى الفريق.
alert-sla-resolution = حالة لفريق { $key } ما زالت مفتوحة منذ { $minutes ->
        [0] أقل من دقيقة
        [one] دقيقة واحدة
        [two] دقيقتين
        [few] { $minutes } دقائق
       *[other] { $minutes } دقيقة
    }، وكان حلّها مستحقًّا خلال { $target_minutes ->
        [0] { $target_seconds } ثانية
        [one] دقيقة واحدة
        [two] دقيقتين
        [few] { $target_minutes } دقائق
       *[other] { $target_minutes } دقيقة
    } من وصولها إلى الفريق.
