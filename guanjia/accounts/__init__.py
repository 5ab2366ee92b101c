"""Sign-in and its audit: lock-out, API tokens, the password policy and the sign-in log (等保 2.0).

`lockout` counts failures per account and per real client address (`addresses`) in one atomic step
shared by the web login and the API token endpoint; `services` is every sign-in, sign-out, token and
password change, each writing one row of the append-only sign-in log (`models.SignInEvent`).
"""
