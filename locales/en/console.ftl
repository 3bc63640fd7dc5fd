# The agents' console (GET /agent). Variables ({ $name }) are filled in by
# the page itself. Keep every id in locales/ar/console.ftl too.

console-title = Khidma agent console
console-skip-to-detail = Skip to the open case
console-lang-switch = العربية
console-lang-switch-label = Switch the console to Arabic
console-loading = Loading…

console-login-heading = Sign in
console-login-token-label = Agent token
console-login-token-hint = The token your supervisor gave you. It is kept in this browser tab only and forgotten when you close it.
console-login-submit = Sign in
console-login-invalid = This token was not accepted. Check it and try again.
console-logout = Sign out
console-signed-in-as = Signed in as { $name }
console-teams = Teams: { $teams }
console-session-ended = Your session ended. Please sign in again.

console-conn-live = Live
console-conn-connecting = Connecting…
console-conn-offline = Connection lost; retrying in { $seconds } s

console-queue-heading = Queue
console-queue-count = { $count } waiting
console-queue-empty = Nobody is waiting right now. New cases appear here as they arrive.
console-urgent = Urgent
console-normal = Normal
console-waiting-since = Waiting { $time }
console-time-now = under a minute
console-time-minutes = { $minutes } min
console-time-hours = { $hours } h { $minutes } min
console-announce-urgent = New urgent case: { $title }
console-announce-incident = Incident update: { $title }, { $count } reports

console-reason-urgent = Urgent problem (outage or hazard)
console-reason-danger_to_life = Danger to life
console-reason-agent_entry = Topic handled by staff
console-reason-citizen_asked = Asked for a person
console-reason-repeated_fallback = The bot could not answer twice
console-reason-frustration = Citizen is frustrated
console-reason-repeated_question = Same question three times

console-failure-outside_window = Not delivered: WhatsApp only lets a pre-approved template reach a citizen more than 24 hours after their last message. Free text cannot reach them until they write again.
console-failure-rejected = Not delivered: the platform refused the message.
console-failure-unreachable = Not delivered: the platform could not be reached, even after several tries.
console-failure-unconfirmed = Perhaps not delivered: the platform took too long to confirm it. It was not sent again, so the citizen never gets it twice; if it matters, ask them whether it arrived.
console-failure-detail = Platform said: { $detail }
console-kind-outside_window = outside WhatsApp's 24-hour window
console-kind-rejected = refused by the platform
console-kind-unreachable = platform unreachable
console-kind-unconfirmed = not confirmed by the platform
console-failed-mark = Not delivered
console-dismiss = Dismiss

console-state-waiting = Waiting for an agent
console-state-with_agent = With { $agent }
console-state-with-me = With you
console-state-bot = Back with the bot

console-channel-whatsapp = WhatsApp
console-channel-telegram = Telegram
console-channel-messenger = Messenger
console-channel-web = Web chat
console-language-ar = Arabic
console-language-en = English
console-language-unknown = Language not known yet

console-speaker-citizen = Citizen
console-speaker-bot = Bot
console-speaker-agent = { $agent } (agent)
console-record-escalated = Handed to the { $team } team: { $reason }
console-record-claimed = { $agent } took the case
console-record-resolved = { $agent } resolved the case and handed it back to the bot
console-record-rated = Citizen rated { $agent }: { $score } of 5
console-record-comment = Citizen's comment: { $comment }

console-detail-empty = Choose a case from the queue to read it here.
console-back = Back to the queue
console-conversation-heading = Conversation { $id }
console-field-channel = Channel
console-field-language = Citizen's language
console-field-state = Status
console-field-reason = Why it was escalated
console-field-entry = Matched topic
console-field-area = Area
console-field-team = Team
console-field-incident = Incident
console-open-incident = Open the incident ({ $count } reports)
console-transcript-heading = Full conversation
console-transcript-empty = No messages recorded yet.
console-bot-failures-heading = Bot replies that did not arrive ({ $count })
console-earlier-cases-heading = Earlier cases of this citizen
console-case-answered = answered by the bot
console-case-escalated = handed to the team, not closed
console-case-resolved = closed by the team
console-case-resolved-by = closed by { $agent }
console-case-no-topic = Asked for a person

console-claim = Take this case
console-claim-conflict = { $agent } has already taken this case.
console-reply-label = Your reply to the citizen
console-reply-hint = Enter sends. Shift+Enter starts a new line. Type / and a word for a ready reply.
console-reply-send = Send
console-reply-needs-claim = Take the case before replying.
console-reply-sending = Sending…
console-reply-failed-heading = Your last reply did not reach the citizen
console-resolve = Resolve
console-resolve-title = Resolve this case?
console-resolve-body = The citizen will be thanked, asked to rate the help they got, and handed back to the bot.
console-resolve-confirm = Resolve
console-cancel = Cancel
console-resolved-notice = Case resolved and handed back to the bot.

console-incident-badge = Incident
console-incident-count = { $count } reports
console-incident-heading = Incident: { $title }
console-incident-status-open = Open
console-incident-status-resolved = Resolved
console-field-opened = Opened
console-field-last-report = Latest report
console-field-resolved = Resolved
console-incident-members-heading = Affected citizens ({ $count })
console-incident-updates-heading = Updates sent
console-incident-no-updates = No update sent yet.
console-incident-update-by = { $agent }, { $time }
console-incident-form-heading = Send one update to every affected citizen
console-incident-update-ar = Update in Arabic
console-incident-update-en = Update in English
console-incident-update-hint = Each citizen gets their own language. If you write only one, everyone gets that one.
console-incident-send = Send the update
console-incident-need-text = Write the update in at least one language.
console-incident-sent = Sent to { $sent } of { $total } citizens.
console-incident-failed-heading = Not delivered to { $failed } citizens:
console-incident-resolve = Resolve the incident
console-incident-resolve-title = Resolve this incident?
console-incident-resolve-body = Every affected citizen gets a closing message, and those still with the team are asked to rate the help.
console-incident-resolved-notice = Incident resolved. Closing messages sent: { $sent } of { $total }.

console-error-unauthorized = Your token is no longer accepted. Please sign in again.
console-error-forbidden = This case belongs to a team you are not part of.
console-error-not_found = This case or incident no longer exists.
console-error-claimed = Another agent has already taken this case.
console-error-not_waiting = This case is no longer waiting for an agent.
console-error-incident_resolved = This incident has already been resolved.
console-error-empty_text = Write a message first.
console-error-text_too_long = The message is too long. Please shorten it.
console-error-store_unavailable = The service is briefly unavailable. Try again in a moment.
console-error-network = Khidma could not be reached. Check the connection and try again.
console-error-generic = Something went wrong: { $message }

# Ready replies in the reply box (console/replies.js).
console-replies-heading = Ready replies
console-replies-entries-heading = Answers from the knowledge base
console-replies-none = Nothing matches yet. Keep typing, or press Esc to write your own.
