# Alerts for supervisors (cx::alerts): the title of each, on the dashboard's
# live stream and in the webhook's JSON. $key is what rose (an entry,
# category or district), $value and $baseline are numbers.

alert-surge = Unusual rise for { $key }: { $value } in the last hour, where about { $baseline } is usual at this hour.
alert-csat-drop = Citizens' ratings have dropped: { $value } out of 5 over the last 24 hours, against { $baseline } over the week before.
alert-unclaimed-urgent = An urgent case for the { $key } team has waited { $minutes } minutes and nobody has taken it yet.
alert-sla-first-reply = A case for the { $key } team has waited { $minutes } minutes without a reply from a person, past its target of { $baseline } seconds of business time.
alert-sla-resolution = A case for the { $key } team is still open after { $minutes } minutes, past its resolution target of { $baseline } seconds of business time.
