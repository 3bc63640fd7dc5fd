# The supervisors' CX dashboard (GET /dashboard) and the public pages
# (GET /performance, GET /observatory). Variables ({ $name }) are filled in
# by the page itself. Keep every id in locales/ar/dashboard.ftl too.

dashboard-title = Citizen experience dashboard
dashboard-subtitle = How citizens are served, at a glance
dashboard-skip-to-main = Skip to the figures
dashboard-lang-switch = العربية
dashboard-lang-switch-label = Show this page in Arabic
dashboard-none = Not recorded
dashboard-no-figure = —
dashboard-no-data = Nothing recorded for this period yet.
dashboard-show-table = Show the figures as a table
dashboard-score-of-five = { $score } / 5
dashboard-seconds = { $n } s
dashboard-minutes = { $n } min
dashboard-hours-minutes = { $h } h { $m } min
dashboard-p50-p90 = { $p50 } (slowest 10%: { $p90 })
dashboard-period = From { $from } to { $to }
dashboard-period-team = { $period } · Team: { $team }

dashboard-login-heading = Sign in
dashboard-login-token-label = Supervisor token
dashboard-login-token-hint = The supervisor token you were given. It is kept in this browser tab only and forgotten when you close it.
dashboard-login-submit = Sign in
dashboard-login-empty = Please enter your supervisor token.
dashboard-login-invalid = This token was not accepted. Check it and try again.
dashboard-login-not-supervisor = This token belongs to an agent. The dashboard needs a supervisor token.
dashboard-logout = Sign out
dashboard-session-ended = Your session ended. Please sign in again.

dashboard-filters-label = Period and team
dashboard-filter-from = From
dashboard-filter-to = To
dashboard-filter-team = Team
dashboard-filter-team-all = All teams
dashboard-filter-apply = Show
dashboard-filter-invalid = The start date must be on or before the end date.
dashboard-print = Print summary
dashboard-print-title = Citizen experience: executive summary
dashboard-print-foot = Figures from khidma's event records. Question texts are masked; no citizen can be identified from this page.

dashboard-tabs-label = Dashboard sections
dashboard-tab-overview = Overview
dashboard-tab-unanswered = Unanswered questions
dashboard-tiles-heading = Headline figures

dashboard-tile-messages = Messages
dashboard-tile-messages-detail = { $answered } answered, { $fallbacks } not understood
dashboard-tile-conversations = Conversations
dashboard-tile-self-service = Self-service rate
dashboard-tile-self-service-detail = Conversations settled without a person
dashboard-tile-escalations = Passed to a person
dashboard-tile-escalations-detail = { $urgent } urgent · { $person } asked for a person
dashboard-tile-first-reply = First human reply
dashboard-tile-first-reply-detail = Median; slowest 10%: { $p90 } ({ $count } cases)
dashboard-tile-within-target = Within service levels
dashboard-tile-within-target-detail = { $breached } of { $cases } cases missed a target
dashboard-tile-resolved = Cases resolved
dashboard-tile-csat = Satisfaction (ratings)
dashboard-tile-csat-detail = { $count } ratings
dashboard-tile-inferred = Satisfaction (read from messages)
dashboard-tile-inferred-detail = { $count } conversations without a rating

dashboard-series-messages = Messages
dashboard-series-self-service = Self-service rate
dashboard-series-urgent = Urgent cases
dashboard-series-first-reply = Time to first human reply
dashboard-series-csat = Ratings
dashboard-series-inferred = Read from messages

dashboard-chart-volume-day = Messages per day
dashboard-chart-volume-day-note = Every citizen message, by day and channel.
dashboard-chart-volume-hour = Messages by hour of the day
dashboard-chart-volume-hour-note = When citizens write, over the whole period (local time).
dashboard-chart-self-service = Self-service rate per day
dashboard-chart-self-service-note = Share of conversations settled by the assistant without a person.
dashboard-chart-escalations = Why conversations went to a person
dashboard-chart-escalations-note = Cases opened in the period, by reason.
dashboard-chart-urgent = Urgent cases and time to first human reply
dashboard-chart-urgent-note = Urgent cases opened each day.
dashboard-chart-urgent-day = Urgent cases per day
dashboard-chart-first-reply = Time to first human reply per day
dashboard-chart-first-reply-note = From the case opening to the first message of a person.
dashboard-chart-satisfaction = Satisfaction over time
dashboard-chart-satisfaction-note = Average rating (1 to 5) and satisfaction read from citizens' messages where they gave no rating.
dashboard-chart-teams = Satisfaction by team
dashboard-chart-teams-note = Average rating and satisfaction read from messages, for each team's cases.
dashboard-chart-topic-satisfaction = Satisfaction by topic
dashboard-chart-topic-satisfaction-note = The busiest topics of the period, rated and read from messages.
dashboard-chart-rising = Rising topics
dashboard-chart-rising-note = Messages per topic, with the change from the period just before.
dashboard-chart-districts = Districts with outages
dashboard-chart-districts-note = Urgent reports per district, and the incidents they were grouped into.
dashboard-chart-mix = Languages and channels
dashboard-chart-mix-note = Share of messages.
dashboard-chart-languages = Languages
dashboard-chart-channels = Channels
dashboard-district-note = · { $incidents } incidents · last { $seen }

dashboard-table-period = Period
dashboard-table-reason = Reason
dashboard-table-cases = Cases
dashboard-table-topic = Topic
dashboard-table-messages = Messages
dashboard-table-district = District
dashboard-table-urgent = Urgent reports
dashboard-table-team = Team
dashboard-table-escalations = Cases
dashboard-table-resolved = Resolved
dashboard-table-first-reply = First human reply (median)
dashboard-table-csat = Ratings
dashboard-table-inferred = Read from messages
dashboard-table-channel = Channel
dashboard-table-share = Share

dashboard-csv-download = Download CSV
dashboard-csv-download-urgent = CSV: urgent cases
dashboard-csv-download-first-reply = CSV: first reply
dashboard-csv-download-csat = CSV: ratings
dashboard-csv-download-inferred = CSV: read from messages
dashboard-csv-done = Downloaded.

dashboard-alerts-heading = Recent alerts
dashboard-alerts-note = Surges, drops in satisfaction and urgent cases left waiting.
dashboard-alerts-none = No alerts in this period.
dashboard-alert-figures = { $value } against a usual { $baseline }
dashboard-rule-surge = Surge
dashboard-rule-csat_drop = Satisfaction drop
dashboard-rule-unclaimed_urgent = Urgent case waiting

dashboard-unanswered-heading = Questions the assistant could not answer
dashboard-unanswered-note = Similar questions grouped together, most frequent first. Add a question to the closest entry, or write a new entry. Numbers in the examples are masked.
dashboard-unanswered-total = { $groups } groups, { $questions } questions
dashboard-unanswered-count-label = Asked { $count } times
dashboard-unanswered-seen = First { $first } · last { $last }
dashboard-unanswered-closest = Closest entry:
dashboard-unanswered-no-closest = No entry comes close: this may need a new entry.
dashboard-unanswered-none = Every question in this period got an answer.

dashboard-channel-web = Website
dashboard-channel-whatsapp = WhatsApp
dashboard-channel-telegram = Telegram
dashboard-channel-messenger = Messenger
dashboard-channel-cli = Command line
dashboard-language-ar = Arabic
dashboard-language-en = English
dashboard-reason-urgent = Urgent
dashboard-reason-danger_to_life = Danger to life
dashboard-reason-agent_entry = Needs a person by nature
dashboard-reason-citizen_asked = Asked for a person
dashboard-reason-repeated_fallback = Not understood repeatedly
dashboard-reason-frustration = Frustration
dashboard-reason-repeated_question = Same question again

dashboard-error-unauthorized = This token was not accepted. Please sign in again.
dashboard-error-forbidden = This page needs a supervisor token.
dashboard-error-not-available = These figures are not available on this server yet.
dashboard-error-network = The server could not be reached. Check your connection and try again.
dashboard-error-generic = Something went wrong while loading the figures. Please try again.

dashboard-performance-subtitle = Our service to citizens, in figures
dashboard-performance-heading = How well we serve you
dashboard-performance-lead = These figures cover the last 30 days of conversations with our digital assistant and our staff. We publish them so that you can hold us to account.
dashboard-public-conversations = Conversations
dashboard-public-self-service = Answered straight away by the assistant
dashboard-public-self-service-detail = Without waiting for a member of staff
dashboard-public-first-reply = Time until a member of staff replies
dashboard-public-first-reply-detail = Half of replies were faster; nine in ten within { $p90 }
dashboard-public-urgent-first-reply = Time until staff reply to an urgent case
dashboard-public-resolved = Cases resolved by staff
dashboard-public-csat = Rating given by citizens
dashboard-public-inferred = Satisfaction read from messages
dashboard-public-inferred-detail = Estimated from the tone of messages when no rating was given
dashboard-public-withheld = Not shown: too few conversations
dashboard-public-privacy = Only totals are published. A figure drawn from fewer than five conversations is not shown, so that nobody can be singled out.

dashboard-observatory-title = Public service observatory
dashboard-observatory-subtitle = Agencies' service levels side by side
dashboard-observatory-lead = Each agency publishes its own figures for the last 30 days; this page puts them side by side.
dashboard-observatory-table = Figures by agency
dashboard-observatory-figure = Figure
dashboard-observatory-agency = Agency
dashboard-observatory-unreachable = Figures unavailable right now
dashboard-observatory-chart-note = The same figure for each agency that could be reached.
