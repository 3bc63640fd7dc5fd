# What `khidma eval` tells editors: what each figure means, then what went
# wrong, grouped by what was expected.

eval-intro = { $cases ->
        [one] 1 message
       *[other] { $cases } messages
    } from { $file }, each sent as the first message of a new conversation.
eval-figures-heading = What the figures mean (1.000 is every message):
eval-strict = { $value }  strict: the bot did exactly the right thing: answered with the expected entry, handed an urgent case to a person with its entry, handed a request for a person to a person, or said it has no answer to an out-of-scope question.
eval-resolved = { $value }  resolved: the citizen got there, also counting a clarifying question that offers the expected entry among its choices.
eval-urgent-recall = { $value }  urgent recall: the share of urgent cases that reached a person. Aim for 1.000: an outage must never wait.
eval-false-escalation = { $value }  false escalation: the share of ordinary and out-of-scope questions handed to a person anyway. Lower is better: agents' time is for the cases that need them.
eval-language = { $value }  language: the share of replies in the language the message was written in.
eval-segments-heading = Per group of messages (n: how many; then strict and resolved as above):
eval-segment-header = group
eval-misses-heading = { $count ->
        [0] No message missed.
        [one] 1 message was not strictly right:
       *[other] { $count } messages were not strictly right:
    }
eval-misses-hint = Run again with --show-failures to see each message the bot did not get strictly right.
eval-miss-answer = Should have answered with the expected entry ({ $count }):
eval-miss-urgent = Urgent: should have reached a person, with the expected entry ({ $count }):
eval-miss-handoff = Should have handed the citizen to a person ({ $count }):
eval-miss-oos = Out of scope: should have said it has no answer ({ $count }):
eval-miss = "{ $text }" ({ $lang }), expected { $expected }: { $got }
eval-miss-plain = "{ $text }" ({ $lang }): { $got }
eval-nothing = (none)
eval-got-answer = answered with { $entry }
eval-got-answer-none = answered without an entry
eval-got-clarify = asked which one was meant: { $candidates }
eval-got-escalate = handed to a person, with { $entry }
eval-got-escalate-none = handed to a person
eval-got-fallback = said it has no answer
eval-got-agent = passed the message to the agent who has the conversation
eval-got-language = , in { $lang }
eval-conversations-intro = { $conversations ->
        [one] 1 conversation
       *[other] { $conversations } conversations
    } from { $file }, each played turn by turn from a new conversation.
eval-conversations-figures = { $conversations }  conversations: the share of conversations where every turn was right. { $turns }  turns: the share of turns that were right.
eval-conversations-actions-heading = Turns by the action expected:
eval-conversations-not-checked = (not checked)
eval-conversation-failed = Conversation { $id } went wrong{ $tags ->
        [none] {""}
       *[other] {" "}({ $tags })
    }:
eval-turn-ok = turn { $turn } "{ $sent }": right ({ $got })
eval-turn-missed = turn { $turn } "{ $sent }": expected { $expected }; { $got }. Checks that failed: { $failed }
eval-turn-not-sent = not sent
