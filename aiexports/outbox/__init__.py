"""The durable e-mail outbox: every e-mail is a row written in the transaction of the change it announces.

``queue_mail`` (``aiexports.outbox.services``) renders the templates and stores the message; a Celery task
delivers it after commit, and a beat sweeper re-sends rows left unsent past their lease, so a broker outage at
commit delays an e-mail instead of losing it. Nothing else in the project sends mail (a test enforces it).
"""
