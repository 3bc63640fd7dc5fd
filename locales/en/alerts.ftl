# Alerts for supervisors (cx::alerts): the title of each, on the dashboard's
# live stream and in the webhook's JSON. $key is what rose (an entry,
# category or district), $value and $baseline are numbers.

alert-surge = Unusual rise for { $key }: { $value } in the last hour, where about { $baseline } is usual at this hour.
alert-csat-drop = Citizens' ratings have dropped: { $value } out of 5 over the last 24 hours, against { $baseline } over the week before.
alert-unclaimed-urgent = An urgent case for the { $key } team has waited { $minutes } minutes and nobody has taken it yet.
