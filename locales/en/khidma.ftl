# The bot's own sentences. Answers themselves live in knowledge_base/.
# Tone: warm, respectful and practical, in short sentences that read well
# on a phone.

greeting = Hello and welcome! I'm the digital assistant for government services, and I'm glad to help. Type your question in your own words, or pick one of the main topics below.
greeting-reply-to-salam = Wa alaikum assalam, and welcome! I'm the digital assistant for government services. Type your question in your own words, or pick one of the main topics below.

fallback = I'm sorry, I couldn't find a reliable answer to that in our services guide, and I'd rather not guess. You can rephrase your question, pick one of the main topics, or talk to a member of our team.

clarify-prompt = I want to make sure I give you the right answer. Which of these do you mean?

topic-menu = Here are the { $topic } services. Which one do you need?

main-topics-prompt = Which topic can I help you with?

handoff-urgent = We've marked your case as urgent, and a member of our team will join you right here in this chat within minutes. There's no need to repeat anything: they will see everything you've written.
handoff-emergency = Your safety comes first: if anyone is in danger right now, call the emergency services on { $emergency_number } straight away, and move away from the danger if you can. We've marked your report as urgent, and a member of our team will join you right here in this chat within minutes; they will see everything you've written.
handoff-agent = We've passed your conversation to our customer service team, and an agent will join you here as soon as possible. Your messages are saved and they will read them in full, so there's no need to repeat yourself.
handoff-requested = Of course. I've passed your conversation to a member of our team, who will join you here shortly. Tell them briefly what you need; they will see everything in this chat.

agent-acknowledged = Thank you, your message has reached the agent handling your request, who will reply to you here.

answer-in-other-language = This answer is only available in Arabic for now:

button-talk-to-agent = Talk to a person
button-main-topics = Main topics
# Opens a WhatsApp list of more than three choices; at most 20 characters.
button-choices = See the options

attachment-not-read = Thank you for sending this. For now I can only read written messages, so I wasn't able to open it. Please type your question in a few words, or ask to talk to a person.
attachment-for-agent = Thank you. For now our team can only see written messages in this chat, so please describe in a few words what you wanted to send.

error-internal = We're sorry, something went wrong on our side. Please send your message again in a moment; if your case is urgent, call 19900.

handoff-after-fallbacks = I'm sorry I couldn't help with that. I've passed your conversation to a member of our team, who will read what you wrote and join you here, so you won't need to explain it again.
# After a handoff: the citizen's place in line and an estimate from how
# quickly agents picked up recent cases.
handoff-queued = You are number { $position } in line. Cases like yours are usually picked up within about { $minutes ->
        [one] a minute
       *[other] { $minutes } minutes
    }. You can keep writing here in the meantime; nothing you send will be lost.
handoff-queued-no-estimate = You are number { $position } in line. We can't give you a reliable waiting time yet, but an agent will join you as soon as one is free. You can keep writing here in the meantime; nothing you send will be lost.

rating-request = Thank you for your patience. Your case with our team is closed, and I'm here again if you need anything else. How would you rate the help you received, from 1 (poor) to 5 (excellent)?
rating-thanks = Thank you for your rating; it helps us serve you better. If you'd like to tell us more, tap the button below. Is there anything else I can help you with?
# The citizen thanks the bot or says goodbye ($farewell is yes when they
# said goodbye); with a rating request after an answer, once a conversation.
closing = { $farewell ->
        [yes] Take care, and goodbye! I'm here whenever you need anything else.
       *[no] You're most welcome! I'm here whenever you need anything else.
    }
closing-rating-request = { $farewell ->
        [yes] Take care, and goodbye! Before you go: how would you rate my help today, from 1 (poor) to 5 (excellent)?
       *[no] You're most welcome, I'm glad I could help! How would you rate my help today, from 1 (poor) to 5 (excellent)?
    }
# A rating button; Telegram and WhatsApp show it as is.
button-rate = { $score } ★

# Outside the team's opening hours; $day is mon..sun, $time is HH:MM.
handoff-closed = Our team isn't available right now; they'll be back on { $day ->
        [mon] Monday
        [tue] Tuesday
        [wed] Wednesday
        [thu] Thursday
        [fri] Friday
        [sat] Saturday
       *[sun] Sunday
    } at { $time }. Your message is saved, and an agent will reply to you right here as soon as they're back.
# Sent when nobody has picked the case up for a while.
handoff-still-waiting = Thank you for waiting, we haven't forgotten you. You are number { $position } in line, and an agent will join you here as soon as one is free.
button-comment = Add a comment
comment-prompt = Please write your comment in one message; our team will read it.
comment-thanks = Thank you, we've passed your comment to the team. Is there anything else I can help you with?

# Outage incidents: many citizens reporting one problem. $title is the
# problem (the knowledge-base entry's title), $area the district when
# $has_area is "yes".
# Instead of the place in line, for a report of a problem already known;
# $count is how many have reported it, this citizen included.
incident-known = Thank you for letting us know. We're already aware of this problem ({ $title }{ $has_area ->
        [yes] {", "}{ $area }
       *[no] {""}
    }) and our team is working on it. { $count } people, including you, have reported it, so there's no need to explain it again.
# What was last said about the incident; $time is HH:MM.
incident-latest-update = Our latest update, at { $time }: { $text }
incident-no-update-yet = There's no news to share yet, but we'll send you every update right here, so you won't need to ask again.
# Heads an agent's status update; their words follow on the next line.
incident-update-heading = Update on “{ $title }”{ $has_area ->
        [yes] {" "}in { $area }
       *[no] {""}
    }:
incident-resolved = Good news: the problem “{ $title }”{ $has_area ->
        [yes] {" "}in { $area }
       *[no] {""}
    } has been fixed. Thank you for your patience. If it isn't fixed for you, write to us here and we'll look into it straight away.

# Sentences of conversations that remember: follow-ups, corrections,
# language switches, districts and returning citizens.

# Before an answer given again because the citizen asked about it.
follow-up-intro = Here is everything I have on { $title }:
# After a second correction in a row; $has_options is "yes" when other
# likely answers follow as buttons.
correction-offer-person = I'm sorry I still haven't found what you need. Would you like to talk to a member of our team? They can look at your question with you.{ $has_options ->
        [yes] {" "}Or, if one of these is what you meant, just pick it.
       *[no] {""}
    }
# The citizen asked for English and there was nothing to say again.
language-switched = Of course, I'll continue in English. How can I help you?
# The citizen only said where they are; $area is the district.
area-noted = { $salam ->
        [yes] Wa alaikum assalam!{" "}
       *[no] {""}
    }Thank you, I've noted that you're in { $area }. How can I help you today?
# A citizen the bot remembers says hello.
welcome-back = { $salam ->
        [yes] Wa alaikum assalam, and welcome back!
       *[no] Welcome back!
    } It's good to hear from you again. Type your question, or pick one of the main topics below.
# ...and last time the bot answered them about $title.
welcome-back-answered = { $salam ->
        [yes] Wa alaikum assalam, and welcome back!
       *[no] Welcome back!
    } Last time you asked about { $title }. How can I help you today?
# ...and last time they reported $title to our team, $days days ago.
welcome-back-case = { $salam ->
        [yes] Wa alaikum assalam, and welcome back!
       *[no] Welcome back!
    } { $days ->
        [0] Earlier today
        [1] Yesterday
       *[other] { $days } days ago
    } you told us about { $title }. I hope it's sorted out now; if it isn't, just tell me what's happening and I'll help.
# After "forget me".
forgotten = Done. I've erased what I remembered about you (your language, your district and your earlier questions) and this conversation, so next time we start fresh. Messages you exchanged with our team stay in their case records. Is there anything else I can help you with?
# An agent closed the case, by outcome (solved is rating-request above).
# Referred: another agency handles it; we still ask how our help was.
resolved-referred = Thank you for your patience. Your request is one that another government agency handles, so our team has passed it on to them with the details you gave us; they will contact you directly. If you need anything else from us, just write here. How would you rate the help you received from our team, from 1 (poor) to 5 (excellent)?
# Duplicate: the same problem is followed in another case; no rating here,
# that case asks once it is done.
resolved-duplicate = Thank you for letting us know. We are already working on this same request in another case, so we have closed this one to avoid handling it twice. We will keep you informed there; if anything has changed, just write here.
# No response: the citizen stopped answering; no rating request.
resolved-no-response = We haven't heard back from you for a while, so we have closed this request for now. If you still need help, just write here whenever suits you and we will pick it up again.
# A ready reply's {citizen_name} when khidma does not know the citizen's
# name: the neutral word that completes a greeting ("Hello {citizen_name},"
# reads "Hello there,"; «مرحبًا {citizen_name}» reads «مرحبًا بك»).
reply-citizen-name = there
