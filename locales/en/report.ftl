# What `khidma report unanswered` tells editors: the questions citizens
# asked that the knowledge base could not answer, grouped.

report-unanswered-intro = Questions the bot could not answer (or answered unsure) from { $from } to { $to }, grouped by similarity; numbers in them are masked.
report-unanswered-none = No unanswered question in this period: well done.
report-unanswered-group = { $count ->
        [one] 1 time
       *[other] { $count } times
    } ({ $language }), first { $first }, last { $last }:
report-unanswered-example =     “{ $text }”
report-unanswered-closest = Closest entry: { $entry } ({ $title }). If it answers these, add one of them to its questions; if not, write a new entry.
report-unanswered-no-closest = No entry comes close: a new entry would answer these.
