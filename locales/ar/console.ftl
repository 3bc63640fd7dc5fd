# لوحة الموظفين (GET /agent). المتغيرات ({ $name }) تملؤها الصفحة نفسها.
# كل معرّف هنا يجب أن يكون في locales/en/console.ftl أيضًا.

console-title = خدمة - لوحة الموظفين
console-skip-to-detail = انتقل إلى الحالة المفتوحة
console-lang-switch = English
console-lang-switch-label = عرض اللوحة بالإنجليزية
console-loading = جارٍ التحميل…

console-login-heading = تسجيل الدخول
console-login-token-label = رمز الدخول
console-login-token-hint = الرمز الذي سلّمه لك المشرف. يُحفظ في هذه النافذة فقط ويُمحى عند إغلاقها.
console-login-submit = دخول
console-login-invalid = لم يُقبل هذا الرمز. تأكد منه وحاول مرة أخرى.
console-logout = تسجيل الخروج
console-signed-in-as = أنت مسجّل باسم { $name }
console-teams = الفرق: { $teams }
console-session-ended = انتهت جلستك. سجّل الدخول من جديد.

console-conn-live = متصل مباشرة
console-conn-connecting = جارٍ الاتصال…
console-conn-offline = انقطع الاتصال؛ إعادة المحاولة خلال { $seconds } ث

console-queue-heading = قائمة الانتظار
console-queue-count = بالانتظار: { $count }
console-queue-empty = لا أحد بالانتظار حاليًا. ستظهر الحالات الجديدة هنا فور وصولها.
console-urgent = عاجل
console-normal = عادي
console-waiting-since = ينتظر منذ { $time }
console-time-now = أقل من دقيقة
console-time-minutes = { $minutes } د
console-time-hours = { $hours } س { $minutes } د
console-announce-urgent = حالة عاجلة جديدة: { $title }
console-announce-incident = تحديث على بلاغ جماعي: { $title }، عدد البلاغات { $count }

console-reason-urgent = مشكلة عاجلة (انقطاع أو خطر)
console-reason-danger_to_life = خطر على الحياة
console-reason-agent_entry = موضوع يتولاه الموظفون
console-reason-citizen_asked = طلب التحدث مع موظف
console-reason-repeated_fallback = لم يجد المساعد إجابة مرتين
console-reason-frustration = المواطن مستاء
console-reason-repeated_question = كرّر السؤال نفسه ثلاث مرات

console-failure-outside_window = لم تصل الرسالة: واتساب لا يسمح بمراسلة المواطن بعد مرور 24 ساعة على آخر رسالة منه إلا بقالب معتمد مسبقًا، ولن يصله أي نص حر حتى يكتب إلينا من جديد.
console-failure-rejected = لم تصل الرسالة: رفضتها المنصة.
console-failure-unreachable = لم تصل الرسالة: تعذّر الوصول إلى المنصة رغم تكرار المحاولة.
console-failure-unconfirmed = ربما لم تصل الرسالة: تأخرت المنصة في تأكيد استلامها. لم نُعِد إرسالها حتى لا تصل إلى المواطن مرتين؛ وإن كانت مهمة فاسأله هل وصلته.
console-failure-detail = رد المنصة: { $detail }
console-kind-outside_window = خارج نافذة الـ24 ساعة في واتساب
console-kind-rejected = رفضتها المنصة
console-kind-unreachable = تعذّر الوصول إلى المنصة
console-kind-unconfirmed = لم تؤكد المنصة وصولها
console-failed-mark = لم تصل
console-dismiss = إخفاء

console-state-waiting = بانتظار موظف
console-state-with_agent = لدى { $agent }
console-state-with-me = لديك
console-state-bot = عادت إلى المساعد الآلي

console-channel-whatsapp = واتساب
console-channel-telegram = تيليجرام
console-channel-messenger = ماسنجر
console-channel-web = المحادثة على الموقع
console-language-ar = العربية
console-language-en = الإنجليزية
console-language-unknown = لم تُعرف لغته بعد

console-speaker-citizen = المواطن
console-speaker-bot = المساعد الآلي
console-speaker-agent = { $agent } (موظف)
console-record-escalated = حُوّلت إلى فريق { $team }: { $reason }
console-record-claimed = تولّى { $agent } الحالة
console-record-resolved = أنهى { $agent } الحالة وأعادها إلى المساعد الآلي
console-record-rated = قيّم المواطن { $agent }: { $score } من 5
console-record-comment = تعليق المواطن: { $comment }

console-detail-empty = اختر حالة من قائمة الانتظار لعرضها هنا.
console-back = العودة إلى القائمة
console-conversation-heading = المحادثة { $id }
console-field-channel = القناة
console-field-language = لغة المواطن
console-field-state = الحالة
console-field-reason = سبب التحويل
console-field-entry = الموضوع المطابق
console-field-area = المنطقة
console-field-team = الفريق
console-field-incident = بلاغ جماعي
console-open-incident = فتح البلاغ الجماعي (عدد البلاغات { $count })
console-transcript-heading = المحادثة كاملة
console-transcript-empty = لا رسائل مسجّلة بعد.
console-bot-failures-heading = ردود المساعد التي لم تصل ({ $count })
console-earlier-cases-heading = حالات سابقة لهذا المواطن
console-case-answered = أجاب عنها المساعد
console-case-escalated = أُحيلت إلى الفريق ولم تُغلق
console-case-resolved = أغلقها الفريق
console-case-resolved-by = أغلقها { $agent }
console-case-no-topic = طلب التحدث مع موظف

console-claim = تولَّ هذه الحالة
console-claim-conflict = تولّى { $agent } هذه الحالة قبلك.
console-reply-label = ردّك على المواطن
console-reply-hint = Enter للإرسال، وShift+Enter لسطر جديد. اكتب / وكلمة لإدراج رد جاهز.
console-reply-send = إرسال
console-reply-needs-claim = تولَّ الحالة أولًا حتى تستطيع الرد.
console-reply-sending = جارٍ الإرسال…
console-reply-failed-heading = ردّك الأخير لم يصل إلى المواطن
console-resolve = إنهاء الحالة
console-resolve-title = إنهاء هذه الحالة؟
console-resolve-body = سيُشكر المواطن ويُطلب منه تقييم الخدمة، ثم تعود المحادثة إلى المساعد الآلي.
console-resolve-confirm = نعم، أنهِ الحالة
console-cancel = إلغاء
console-resolved-notice = أُنهيت الحالة وعادت إلى المساعد الآلي.

console-incident-badge = بلاغ جماعي
console-incident-count = عدد البلاغات: { $count }
console-incident-heading = بلاغ جماعي: { $title }
console-incident-status-open = مفتوح
console-incident-status-resolved = منتهٍ
console-field-opened = وقت الفتح
console-field-last-report = آخر بلاغ
console-field-resolved = وقت الإنهاء
console-incident-members-heading = المواطنون المتأثرون ({ $count })
console-incident-updates-heading = التحديثات المرسلة
console-incident-no-updates = لم يُرسل أي تحديث بعد.
console-incident-update-by = { $agent }، { $time }
console-incident-form-heading = أرسل تحديثًا واحدًا إلى جميع المتأثرين
console-incident-update-ar = التحديث بالعربية
console-incident-update-en = التحديث بالإنجليزية
console-incident-update-hint = يصل كل مواطن التحديث بلغته. إن كتبت بلغة واحدة فقط وصل بها إلى الجميع.
console-incident-send = أرسل التحديث
console-incident-need-text = اكتب التحديث بلغة واحدة على الأقل.
console-incident-sent = عدد من وصلهم التحديث: { $sent } من { $total }.
console-incident-failed-heading = لم يصل التحديث إلى هؤلاء ({ $failed }):
console-incident-resolve = إنهاء البلاغ الجماعي
console-incident-resolve-title = إنهاء هذا البلاغ الجماعي؟
console-incident-resolve-body = تصل كل المتأثرين رسالة ختامية، ويُطلب ممن ما زالوا مع الفريق تقييم الخدمة.
console-incident-resolved-notice = أُنهي البلاغ الجماعي. الرسائل الختامية المرسلة: { $sent } من { $total }.

console-error-unauthorized = لم يعد رمز دخولك مقبولًا. سجّل الدخول من جديد.
console-error-forbidden = هذه الحالة تخص فريقًا لست عضوًا فيه.
console-error-not_found = هذه الحالة أو البلاغ لم يعد موجودًا.
console-error-claimed = تولّى موظف آخر هذه الحالة قبلك.
console-error-not_waiting = هذه الحالة لم تعد بانتظار موظف.
console-error-incident_resolved = هذا البلاغ الجماعي أُنهي من قبل.
console-error-empty_text = اكتب رسالة أولًا.
console-error-text_too_long = الرسالة طويلة جدًا، اختصرها من فضلك.
console-error-store_unavailable = الخدمة غير متاحة لحظيًا. حاول بعد قليل.
console-error-network = تعذّر الاتصال بخدمة. تحقق من الاتصال وحاول مرة أخرى.
console-error-generic = حدث خطأ: { $message }

# الردود الجاهزة في مربع الرد (console/replies.js).
console-replies-heading = الردود الجاهزة
console-replies-entries-heading = إجابات من قاعدة المعرفة
console-replies-none = لا يوجد ما يطابق بعد. تابع الكتابة، أو اضغط Esc لتكتب ردّك بنفسك.
