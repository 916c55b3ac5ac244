"""The demo data of ``make run`` (``manage.py seed_demo``): ``clock`` sets the time to each step's moment
while the services run; ``forecast`` says what the deadline scan will find today of a clock started then.
"""
