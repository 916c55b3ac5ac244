"""The demo data of ``make run``: courts, teams, logins and cases with a history (``manage.py seed_demo``).

It imports every app and nothing imports it. Each subject has its module, called in this order by the
command: ``org`` (courts, teams, users), ``cases`` (filing and the window), ``assignment`` (triage,
assignment and the judge's first steps), ``custody`` (searches and measures), ``payments`` (money) and
``portal_examples`` (the parties' pages). ``stories`` plans what happened to each case and when;
``clock`` sets the time to each moment while the services run, and ``forecast`` says what the deadline
scan will find today of a clock started on a given day.
"""
