# لوحة تجربة المواطنين للمشرفين (GET /dashboard) والصفحتان العامتان
# (GET /performance و GET /observatory). تملأ الصفحة المتغيرات ({ $name })
# بنفسها. يجب أن يوجد كل معرّف هنا في locales/en/dashboard.ftl أيضًا.

dashboard-title = لوحة تجربة المواطنين
dashboard-subtitle = كيف نخدم المواطنين، بنظرة واحدة
dashboard-skip-to-main = انتقل إلى الأرقام
dashboard-lang-switch = English
dashboard-lang-switch-label = اعرض هذه الصفحة بالإنجليزية
dashboard-none = غير مسجّل
dashboard-no-figure = —
dashboard-no-data = لم يُسجَّل شيء في هذه الفترة بعد.
dashboard-show-table = اعرض الأرقام في جدول
dashboard-score-of-five = { $score } من 5
dashboard-seconds = { $n } ث
dashboard-minutes = { $n } د
dashboard-hours-minutes = { $h } س { $m } د
dashboard-p50-p90 = { $p50 } (أبطأ 10%: { $p90 })
dashboard-period = من { $from } إلى { $to }
dashboard-period-team = { $period } · الفريق: { $team }

dashboard-login-heading = تسجيل الدخول
dashboard-login-token-label = رمز المشرف
dashboard-login-token-hint = رمز المشرف الذي أُعطي لك. يُحفظ في علامة التبويب هذه فقط ويُنسى عند إغلاقها.
dashboard-login-submit = دخول
dashboard-login-empty = فضلًا أدخل رمز المشرف.
dashboard-login-invalid = لم يُقبل هذا الرمز. تحقّق منه وحاول مرة أخرى.
dashboard-login-not-supervisor = هذا الرمز لموظف خدمة. تحتاج اللوحة إلى رمز مشرف.
dashboard-logout = تسجيل الخروج
dashboard-session-ended = انتهت جلستك. فضلًا سجّل الدخول مرة أخرى.

dashboard-filters-label = الفترة والفريق
dashboard-filter-from = من
dashboard-filter-to = إلى
dashboard-filter-team = الفريق
dashboard-filter-team-all = كل الفرق
dashboard-filter-apply = اعرض
dashboard-filter-invalid = يجب أن يكون تاريخ البداية قبل تاريخ النهاية أو مساويًا له.
dashboard-print = اطبع الملخص
dashboard-print-title = تجربة المواطنين: ملخص تنفيذي
dashboard-print-foot = الأرقام من سجلات أحداث خدمة. نصوص الأسئلة مُقنّعة، ولا يمكن التعرّف على أي مواطن من هذه الصفحة.

dashboard-tabs-label = أقسام اللوحة
dashboard-tab-overview = نظرة عامة
dashboard-tab-unanswered = أسئلة بلا إجابة
dashboard-tiles-heading = الأرقام الرئيسية

dashboard-tile-messages = الرسائل
dashboard-tile-messages-detail = { $answered } أُجيبت، { $fallbacks } لم تُفهم
dashboard-tile-conversations = المحادثات
dashboard-tile-self-service = نسبة الخدمة الذاتية
dashboard-tile-self-service-detail = محادثات انتهت دون تدخّل موظف
dashboard-tile-escalations = حُوّلت إلى موظف
dashboard-tile-escalations-detail = { $urgent } عاجلة · { $person } طلب أصحابها موظفًا
dashboard-tile-first-reply = أول رد من موظف
dashboard-tile-first-reply-detail = الوسيط؛ أبطأ 10%: { $p90 } (عدد الحالات: { $count })
dashboard-tile-within-target = ضمن مستوى الخدمة
dashboard-tile-within-target-detail = { $breached } من { $cases } حالة تجاوزت موعدها المستهدف
dashboard-tile-resolved = حالات أُغلقت
dashboard-tile-csat = الرضا (التقييمات)
dashboard-tile-csat-detail = عدد التقييمات: { $count }
dashboard-tile-inferred = الرضا (من نبرة الرسائل)
dashboard-tile-inferred-detail = محادثات بلا تقييم: { $count }

dashboard-series-messages = الرسائل
dashboard-series-self-service = نسبة الخدمة الذاتية
dashboard-series-urgent = الحالات العاجلة
dashboard-series-first-reply = الوقت حتى أول رد من موظف
dashboard-series-csat = التقييمات
dashboard-series-inferred = من نبرة الرسائل

dashboard-chart-volume-day = الرسائل في كل يوم
dashboard-chart-volume-day-note = كل رسائل المواطنين، حسب اليوم والقناة.
dashboard-chart-volume-hour = الرسائل حسب ساعة اليوم
dashboard-chart-volume-hour-note = متى يكتب المواطنون، على امتداد الفترة (بالتوقيت المحلي).
dashboard-chart-self-service = نسبة الخدمة الذاتية في كل يوم
dashboard-chart-self-service-note = نسبة المحادثات التي أنهاها المساعد دون تدخّل موظف.
dashboard-chart-escalations = لماذا حُوّلت المحادثات إلى موظف
dashboard-chart-escalations-note = الحالات التي فُتحت في الفترة، حسب السبب.
dashboard-chart-urgent = الحالات العاجلة والوقت حتى أول رد من موظف
dashboard-chart-urgent-note = الحالات العاجلة التي فُتحت في كل يوم.
dashboard-chart-urgent-day = الحالات العاجلة في كل يوم
dashboard-chart-first-reply = الوقت حتى أول رد من موظف في كل يوم
dashboard-chart-first-reply-note = من فتح الحالة حتى أول رسالة من موظف.
dashboard-chart-satisfaction = الرضا عبر الزمن
dashboard-chart-satisfaction-note = متوسط التقييم (من 1 إلى 5)، والرضا المستنتج من رسائل المواطنين حين لا يوجد تقييم.
dashboard-chart-teams = الرضا حسب الفريق
dashboard-chart-teams-note = متوسط التقييم والرضا المستنتج من الرسائل، لحالات كل فريق.
dashboard-chart-topic-satisfaction = الرضا حسب الموضوع
dashboard-chart-topic-satisfaction-note = أكثر المواضيع طلبًا في الفترة، بالتقييم وبنبرة الرسائل.
dashboard-chart-rising = مواضيع في ازدياد
dashboard-chart-rising-note = الرسائل لكل موضوع، مع التغيّر عن الفترة السابقة لها مباشرة.
dashboard-chart-districts = أحياء فيها انقطاعات
dashboard-chart-districts-note = البلاغات العاجلة في كل حي، والحوادث التي جُمعت فيها.
dashboard-chart-mix = اللغات والقنوات
dashboard-chart-mix-note = حصة كلٍّ من الرسائل.
dashboard-chart-languages = اللغات
dashboard-chart-channels = القنوات
dashboard-district-note = · الحوادث: { $incidents } · آخرها { $seen }

dashboard-table-period = الفترة
dashboard-table-reason = السبب
dashboard-table-cases = الحالات
dashboard-table-topic = الموضوع
dashboard-table-messages = الرسائل
dashboard-table-district = الحي
dashboard-table-urgent = البلاغات العاجلة
dashboard-table-team = الفريق
dashboard-table-escalations = الحالات
dashboard-table-resolved = أُغلقت
dashboard-table-first-reply = أول رد من موظف (الوسيط)
dashboard-table-csat = التقييمات
dashboard-table-inferred = من نبرة الرسائل
dashboard-table-channel = القناة
dashboard-table-share = الحصة

dashboard-csv-download = تنزيل CSV
dashboard-csv-download-urgent = CSV: الحالات العاجلة
dashboard-csv-download-first-reply = CSV: أول رد
dashboard-csv-download-csat = CSV: التقييمات
dashboard-csv-download-inferred = CSV: نبرة الرسائل
dashboard-csv-done = تم التنزيل.

dashboard-alerts-heading = أحدث التنبيهات
dashboard-alerts-note = ارتفاع مفاجئ، أو تراجع في الرضا، أو حالة عاجلة تنتظر.
dashboard-alerts-none = لا تنبيهات في هذه الفترة.
dashboard-alert-figures = { $value } مقابل { $baseline } في العادة
dashboard-rule-surge = ارتفاع مفاجئ
dashboard-rule-csat_drop = تراجع في الرضا
dashboard-rule-unclaimed_urgent = حالة عاجلة تنتظر

dashboard-unanswered-heading = أسئلة لم يستطع المساعد الإجابة عنها
dashboard-unanswered-note = الأسئلة المتشابهة مجموعة معًا، الأكثر تكرارًا أولًا. أضف السؤال إلى أقرب مدخل، أو اكتب مدخلًا جديدًا. الأرقام في الأمثلة مُقنّعة.
dashboard-unanswered-total = عدد المجموعات: { $groups }، عدد الأسئلة: { $questions }
dashboard-unanswered-count-label = عدد مرات السؤال: { $count }
dashboard-unanswered-seen = أول مرة { $first } · آخر مرة { $last }
dashboard-unanswered-closest = أقرب مدخل:
dashboard-unanswered-no-closest = لا يقترب منه أي مدخل: قد يحتاج إلى مدخل جديد.
dashboard-unanswered-none = كل سؤال في هذه الفترة وجد إجابة.

dashboard-channel-web = الموقع
dashboard-channel-whatsapp = واتساب
dashboard-channel-telegram = تيليجرام
dashboard-channel-messenger = ماسنجر
dashboard-channel-cli = سطر الأوامر
dashboard-language-ar = العربية
dashboard-language-en = الإنجليزية
dashboard-reason-urgent = عاجلة
dashboard-reason-danger_to_life = خطر على الحياة
dashboard-reason-agent_entry = تحتاج موظفًا بطبيعتها
dashboard-reason-citizen_asked = طلب موظفًا
dashboard-reason-repeated_fallback = لم تُفهم أكثر من مرة
dashboard-reason-frustration = استياء
dashboard-reason-repeated_question = السؤال نفسه مرة أخرى

dashboard-error-unauthorized = لم يُقبل هذا الرمز. فضلًا سجّل الدخول مرة أخرى.
dashboard-error-forbidden = تحتاج هذه الصفحة إلى رمز مشرف.
dashboard-error-not-available = هذه الأرقام غير متاحة على هذا الخادم بعد.
dashboard-error-network = تعذّر الوصول إلى الخادم. تحقّق من اتصالك وحاول مرة أخرى.
dashboard-error-generic = حدث خطأ أثناء تحميل الأرقام. فضلًا حاول مرة أخرى.

dashboard-performance-subtitle = خدمتنا للمواطنين بالأرقام
dashboard-performance-heading = كيف نخدمك
dashboard-performance-lead = تغطي هذه الأرقام آخر 30 يومًا من المحادثات مع مساعدنا الرقمي وموظفينا. ننشرها لتتمكّن من محاسبتنا.
dashboard-public-conversations = المحادثات
dashboard-public-self-service = أجاب عنها المساعد مباشرة
dashboard-public-self-service-detail = دون انتظار موظف
dashboard-public-first-reply = الوقت حتى يرد موظف
dashboard-public-first-reply-detail = نصف الردود كانت أسرع من ذلك؛ وتسعة من كل عشرة خلال { $p90 }
dashboard-public-urgent-first-reply = الوقت حتى يرد موظف على حالة عاجلة
dashboard-public-resolved = حالات أغلقها الموظفون
dashboard-public-csat = تقييم المواطنين
dashboard-public-inferred = الرضا المستنتج من الرسائل
dashboard-public-inferred-detail = تقدير من نبرة الرسائل حين لا يوجد تقييم
dashboard-public-withheld = غير معروض: المحادثات قليلة جدًا
dashboard-public-privacy = ننشر المجاميع فقط. لا نعرض رقمًا مأخوذًا من أقل من خمس محادثات، حتى لا يُعرف أحد بعينه.

dashboard-observatory-title = مرصد الخدمات العامة
dashboard-observatory-subtitle = مستوى خدمة الجهات جنبًا إلى جنب
dashboard-observatory-lead = تنشر كل جهة أرقامها عن آخر 30 يومًا؛ وتضعها هذه الصفحة جنبًا إلى جنب.
dashboard-observatory-table = الأرقام حسب الجهة
dashboard-observatory-figure = الرقم
dashboard-observatory-agency = الجهة
dashboard-observatory-unreachable = الأرقام غير متاحة الآن
dashboard-observatory-chart-note = الرقم نفسه لكل جهة أمكن الوصول إليها.
