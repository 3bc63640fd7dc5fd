# ما يقوله `khidma eval` للمحررين: معنى كل رقم، ثم ما لم يُصِب، مجمّعًا
# بحسب المتوقَّع. أسماء الأرقام الإنجليزية بين قوسين لتطابق سطر score.

eval-intro = { $cases ->
        [one] رسالة واحدة
        [two] رسالتان
        [few] { $cases } رسائل
        [many] { $cases } رسالة
       *[other] { $cases } رسالة
    } من { $file }، أُرسلت كل واحدة منها أولَ رسالة في محادثة جديدة.
eval-figures-heading = معنى الأرقام (1.000 تعني كل الرسائل):
eval-strict = { $value }  الإصابة التامة (strict): تصرّف البوت كما ينبغي تمامًا: أجاب بالمدخل المتوقَّع، أو حوّل الحالة العاجلة إلى موظف مع مدخلها، أو حوّل طالب الموظف إلى موظف، أو اعتذر عن سؤال خارج نطاق الخدمات.
eval-resolved = { $value }  الوصول إلى الحل (resolved): وصل المواطن إلى ما يريد، ويُحسب معه السؤال التوضيحي الذي يعرض المدخل المتوقَّع بين خياراته.
eval-urgent-recall = { $value }  التقاط الحالات العاجلة (urgent recall): نسبة الحالات العاجلة التي وصلت إلى موظف. الهدف 1.000: الانقطاع لا ينتظر.
eval-false-escalation = { $value }  التحويل في غير محله (false escalation): نسبة الأسئلة العادية والخارجة عن النطاق التي حُوّلت إلى موظف مع ذلك. الأقل أفضل: وقت الموظفين للحالات التي تحتاجهم.
eval-language = { $value }  اللغة (language): نسبة الردود التي جاءت بلغة الرسالة نفسها.
eval-segments-heading = بحسب مجموعات الرسائل (n: عددها، ثم الإصابة التامة والوصول إلى الحل كما سبق):
eval-segment-header = المجموعة
eval-misses-heading = { $count ->
        [0] أصاب البوت في كل الرسائل.
        [one] رسالة واحدة لم يُصِب فيها البوت تمامًا:
        [two] رسالتان لم يُصِب فيهما البوت تمامًا:
        [few] { $count } رسائل لم يُصِب فيها البوت تمامًا:
       *[other] { $count } رسالة لم يُصِب فيها البوت تمامًا:
    }
eval-misses-hint = أعد التشغيل مع ‎--show-failures لترى كل رسالة لم يُصِب فيها البوت تمامًا.
eval-miss-answer = كان ينبغي أن يجيب بالمدخل المتوقَّع ({ $count }):
eval-miss-urgent = حالة عاجلة كان ينبغي أن تصل إلى موظف مع المدخل المتوقَّع ({ $count }):
eval-miss-handoff = كان ينبغي أن يحوّل المواطن إلى موظف ({ $count }):
eval-miss-oos = خارج نطاق الخدمات، كان ينبغي أن يعتذر بأنه لا يملك إجابة ({ $count }):
eval-miss = "{ $text }" ({ $lang })، المتوقَّع { $expected }: { $got }
eval-miss-plain = "{ $text }" ({ $lang }): { $got }
eval-nothing = (لا شيء)
eval-got-answer = أجاب بالمدخل { $entry }
eval-got-answer-none = أجاب دون مدخل
eval-got-clarify = سأل أيّها المقصود: { $candidates }
eval-got-escalate = حوّل إلى موظف، مع المدخل { $entry }
eval-got-escalate-none = حوّل إلى موظف
eval-got-fallback = اعتذر بأنه لا يملك إجابة
eval-got-agent = نقل الرسالة إلى الموظف المسؤول عن المحادثة
eval-got-language = ، باللغة { $lang }
eval-conversations-intro = { $conversations ->
        [one] محادثة واحدة
        [two] محادثتان
        [few] { $conversations } محادثات
       *[other] { $conversations } محادثة
    } من { $file }، لُعبت كل واحدة منها دورًا بدور من محادثة جديدة.
eval-conversations-figures = { $conversations }  المحادثات (conversations): نسبة المحادثات التي أصاب البوت في كل أدوارها. { $turns }  الأدوار (turns): نسبة الأدوار التي أصاب فيها.
eval-conversations-actions-heading = الأدوار بحسب التصرف المتوقَّع:
eval-conversations-not-checked = (لم يُفحص)
eval-conversation-failed = المحادثة { $id } لم تسر كما ينبغي{ $tags ->
        [none] {""}
       *[other] {" "}({ $tags })
    }:
eval-turn-ok = الدور { $turn } "{ $sent }": صحيح ({ $got })
eval-turn-missed = الدور { $turn } "{ $sent }": المتوقَّع { $expected }؛ { $got }. الفحوص التي لم تنجح: { $failed }
eval-turn-not-sent = لم يُرسَل
