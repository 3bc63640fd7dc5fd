# ما يعرضه `khidma report unanswered` للمحررين: أسئلة المواطنين التي لم
# تجد لها قاعدة المعرفة جوابًا، مجمّعة.

report-unanswered-intro = أسئلة لم يجد لها المساعد جوابًا (أو أجاب عنها دون ثقة) من { $from } إلى { $to }، مجمّعة حسب التشابه؛ الأرقام فيها مخفية.
report-unanswered-none = لا توجد أسئلة بلا جواب في هذه الفترة، أحسنتم.
report-unanswered-group = { $count ->
        [one] مرة واحدة
        [two] مرتان
        [few] { $count } مرات
       *[other] { $count } مرة
    } ({ $language })، أولها { $first } وآخرها { $last }:
report-unanswered-example =     «{ $text }»
report-unanswered-closest = أقرب مدخل: { $entry } ({ $title }). إن كان يجيب عنها فأضف أحدها إلى أسئلته، وإلا فاكتب مدخلًا جديدًا.
report-unanswered-no-closest = لا يقترب منها أي مدخل: مدخل جديد سيجيب عنها.
