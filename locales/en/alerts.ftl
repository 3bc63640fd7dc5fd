# Alerts for supervisors (cx::alerts): the title of each, on the dashboard's
# live stream and in the webhook's JSON. $key is what rose (an entry,
# category or district), $value and $baseline are numbers; $minutes,
# $target_minutes and $target_seconds are whole numbers (a case's wait and
# when a reply or resolution was due, on the clock since it reached the team).

alert-surge = Unusual rise for { $key }: { $value } in the last hour, where about { $baseline } is usual at this hour.
alert-csat-drop = Citizens' ratings have dropped: { $value } out of 5 over the last 24 hours, against { $baseline } over the week before.
alert-unclaimed-urgent = An urgent case for the { $key } team has waited { $minutes ->
        [0] less than a minute
        [one] a minute
       *[other] { $minutes } minutes
    } and nobody has taken it yet.
alert-sla-first-reply = A case for the { $key } team has waited { $minutes ->
        [0] less than a minute
        [one] a minute
       *[other] { $minutes } minutes
    } without a reply from a person: one was due { $target_minutes ->
        [0] within { $target_seconds } seconds
        [one] within a minute
       *[other] within { $target_minutes } minutes
    } of reaching the team.
alert-sla-resolution = A case for the { $key } team is still open after { $minutes ->
        [0] less than a minute
        [one] a minute
       *[other] { $minutes } minutes
    }: it was due to be resolved { $target_minutes ->
        [0] within { $target_seconds } seconds
        [one] within a minute
       *[other] within { $target_minutes } minutes
    } of reaching the team.
