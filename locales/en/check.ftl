# What `khidma check` (and a hot reload's log) tells content editors about
# their knowledge-base files. Editors are not programmers: say what is wrong
# and how to fix it, in plain words, with an example where it helps.

## One problem: where it is, then what it is.

check-error-at-line = error: { $file }:{ $line }: { $key }: { $message }
check-error-in-file = error: { $file }: { $key }: { $message }
check-warning-at-line = warning: { $file }:{ $line }: { $key }: { $message }
check-warning-in-file = warning: { $file }: { $key }: { $message }
check-key-file-name = (file name)
check-key-folder-name = (folder name)
check-key-file = (file)
check-key-folder = (folder)
check-did-you-mean = Did you mean `{ $suggestion }`?

## The folder and its files.

check-kb-missing = The knowledge-base folder { $dir } does not exist. Check the path, or point KHIDMA_KB_DIR at the folder that holds your category folders.
check-kb-not-a-folder = { $dir } is a file, not a folder. Give the folder that holds your category folders.
check-kb-empty = There are no entries yet. Each entry is a file <category>/<id>.toml inside { $dir }, for example utilities/water-bill.toml.
check-cannot-read = This file cannot be read ({ $reason }). Check that it still exists and that you may read it.
check-category-invalid = The folder name `{ $name }` cannot be a category. Use lowercase English letters, digits and single dashes, for example traffic-fines.
check-file-name-invalid = The file name `{ $name }` cannot be an entry id. Use lowercase English letters, digits and single dashes, at most { $max } characters, for example water-bill.toml.
check-duplicate-id = The id `{ $id }` is used by more than one file: { $files }. Ids must be unique across all folders, so rename all but one of these files (and any `related` list that names it).

## An entry.

check-no-language = This entry has neither an [ar] nor an [en] section. Add at least one, with a title, questions and an answer.
check-missing-arabic = There is no [ar] section, so Arabic speakers will get the English answer. Add an Arabic title, questions and answer when you can.
check-missing-english = There is no [en] section, so English speakers will get the Arabic answer. Add an English title, questions and answer when you can.
check-title-empty = The title is empty. Write the short name citizens see on buttons and in menus.
check-title-too-long = The title is { $length } characters long, but buttons show at most { $max }. Shorten it, for example by leaving out words the topic already says.
check-question-empty = One of the questions is empty. Write the question between the quotes, or remove the empty pair of quotes.
check-questions-none = There are no questions. Add at least one, written the way citizens ask it, for example "How do I pay my water bill?".
check-keyword-empty = One of the keywords is empty. Write the word between the quotes, or remove the empty pair of quotes.
check-answer-empty = The answer is empty. Write what the citizen should read.
check-answer-long = The answer is { $length } characters long. It still works, but aim under { $max }: long answers are hard to read on a phone.
check-related-self = An entry cannot list itself under `related`. Remove `{ $id }` from the list.
check-related-unknown = `related` names `{ $id }`, but there is no entry with that id (an id is a file name without .toml).
check-related-twice = `related` names `{ $id }` twice. Keep it once.

## The lexicon (lexicon.toml).

check-synonym-empty-variant = A synonym has an empty word on the left of =. Write how citizens write the word, in quotes.
check-synonym-to-nothing = This synonym has nothing on the right of =. Write the word the knowledge base uses, for example "موية" = "مياه".
check-synonym-to-itself = This synonym maps a word to itself, which changes nothing. Remove it, or write the knowledge base's word on the right.
check-phrase-empty = One of the phrases is empty. Write the phrase between the quotes, or remove the empty pair of quotes.
check-rule-entry-invalid = `{ $name }` cannot be an entry id. Write the id of an entry: its file name without .toml, for example water-outage.
check-rule-entry-unknown = This rule names `{ $id }`, but there is no entry with that id (an id is a file name without .toml).
check-rule-entry-calm = This rule names `{ $id }`, but that entry does not escalate. Add escalate = "urgent" (or "agent") at the top of that entry, or name an entry that escalates.
check-rule-no-words = This list needs at least one word, for example ["water"].

## The districts (areas.toml).

check-area-id-invalid = `{ $id }` cannot be a district id. Use lowercase English letters, digits and single dashes, for example al-nuzha.
check-area-id-duplicate = The district id `{ $id }` is already used by another district above. Give each district its own id.
check-area-name-empty = The district's name is empty. Write the name citizens know it by.
check-area-names-empty = One of the district's other names is empty. Write the name between the quotes, or remove the empty pair of quotes.
check-latitude-range = The latitude must be between -90 and 90, for example 24.71.
check-longitude-range = The longitude must be between -180 and 180, for example 46.67.
check-radius-positive = The radius must be more than 0 kilometres, for example 3.0.
check-circle-incomplete = latitude, longitude and radius_km go together: give all three, or none.

## Topic names (categories.toml).

check-categories-missing = There is no categories.toml, so citizens see the folder names on menu buttons: { $names }. Create it beside the folders and name each topic in both languages, for example: [traffic] ar = "المرور" en = "Traffic".
check-category-unnamed = Citizens see this topic as `{ $name }`, the folder's name, on menu buttons. Name it in both languages in categories.toml, for example: [{ $name }] ar = "..." en = "...".
check-category-name-unknown = There is no category folder `{ $name }`, so this name is never shown. Write the name of a folder that holds entries.
check-category-name-empty = The topic's name is empty. Write the short name citizens see on menu buttons.

## Ready replies (replies/<id>.toml).

check-reply-language-missing = This reply has no [{ $lang }] section. Every ready reply needs both [ar] and [en], each with its text, so that agents can answer every citizen in their language.
check-reply-text-empty = The reply's text is empty. Write what the agent will send the citizen.
check-reply-title-too-long = The title is { $length } characters long; the console shows at most { $max }. Shorten it to a few words that name the reply.
check-reply-tag-empty = One of the tags is empty. Write the word between the quotes, or remove the empty pair of quotes.
check-reply-placeholder-unknown = `{"{"}{ $name }{"}"}` is not a placeholder khidma can fill, so the citizen would read it as written. The placeholders are: { $allowed }.

## Mistakes in how a file is written (TOML).

check-unknown-key = `{ $key }` is not a key this part of the file knows. The keys allowed here are: { $allowed }.
check-unknown-key-none = `{ $key }` is not a key this part of the file knows; nothing else is allowed here.
check-unknown-value = `{ $value }` is not one of the allowed values: { $allowed }.
check-missing-key = This part of the file needs `{ $key }`, for example { $key } = "...".
check-wrong-type = This value has the wrong form: { $expected } is expected here, but it is { $found }.
check-type-text = text in quotes ("...")
check-type-list = a list in square brackets (["...", "..."])
check-type-number = a number
check-type-yes-no = true or false
check-type-section = a section ([...])
check-unclosed-string = This text opens with { $quote } but never closes. Add the closing { $quote } at the end of the text, on the same line.
check-unclosed-long-text = This long text opens with { $quote } but never closes, so everything after it was read as text. Add { $quote } on its own line after the last line of the text.
check-missing-equals = This line has a name with no = and value after it. A quotation mark is often missing or extra: write both sides in quotes, as in "word" = "replacement".
check-duplicate-key = This key is written twice in the same section. Keep one of them.
check-missing-comma = A comma is missing between two items of this list: write ["first", "second"].
check-key-needs-quotes = This name must be written in quotes: names with Arabic letters, spaces or punctuation are written as "name" = "...".
check-value-needs-quotes = This value needs quotation marks around it, as in title = "Water bill".
check-unclosed-bracket = A bracket opened here is not closed. Check for the closing ] (or {"}"}) at the end of the list.
check-syntax = This line is not written the way the file format expects ({ $detail }). Compare it with a file that works, or with knowledge_base/README.md.

## The last line of `khidma check`.

check-summary-failed = { $errors ->
        [one] 1 error
       *[other] { $errors } errors
    } in { $files ->
        [one] 1 file
       *[other] { $files } files
    }{ $warnings ->
        [0] {""}
        [one] {" "}and 1 warning
       *[other] {" "}and { $warnings } warnings
    }; { $fine ->
        [0] no entry could be read
        [one] 1 entry is fine
       *[other] { $fine } entries are fine
    }. Nothing was loaded: fix the errors above and run check again.
check-summary-ok = { $entries ->
        [one] The 1 entry
       *[other] All { $entries } entries
    }{ $replies ->
        [0] {""}
        [one] {" "}and the 1 ready reply
       *[other] {" "}and { $replies } ready replies
    } { $entries ->
        [one] { $replies ->
            [0] is
           *[other] are
        }
       *[other] are
    } fine, no errors{ $warnings ->
        [0] {""}
        [one] , 1 warning
       *[other] , { $warnings } warnings
    }.
check-calibration-learnt = learnt from this knowledge base
check-calibration-defaults = defaults: too few questions to learn from
check-calibration = calibration ({ $source }): answer when fit >= { $fit }, coverage >= { $coverage } and fit x coverage >= { $evidence }; { $answered } of { $matches } questions asked in other words would be answered, { $fell_back } of { $nothing } "nothing fits" samples fall back
check-confusable-heading = confusable entries (a question of the first fits the second as well; make the questions or keywords more specific):
check-confusable-pair = { $entry } ~ { $other }: { $count ->
        [one] 1 question
       *[other] { $count } questions
    }, e.g. "{ $example }"
