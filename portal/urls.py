"""The parties' pages, in three namespaces mounted by the project's URLs (their paths have not moved):

- ``portal`` at /progress/: the progress query (no account) and the supervisors' list of throttled queries;
- ``party`` at /meet/: appointments and messages, the party's actions and the staff's pages;
- ``leads`` at /leads/: a party's report of a lead, and its attachments for staff;
- ``verify`` at /verify/: the public check of a certificate's verification code (no account).
- ``credit`` at /dishonest/: the court's published dishonest-debtor list and its WeChat export (public).
- ``lobby`` at /lobby/: a court's lobby screen and the forms its terminals offer (public).
"""

from django.urls import path

from .views import credit_list, leads, lobby, meetings, progress, verify

progress_urls = (
    [
        path("", progress.query, name="query"),
        path("case/", progress.progress_page, name="progress"),
        path("leave/", progress.leave, name="leave"),
        path("throttled/", progress.throttled, name="throttled"),
    ],
    "portal",
)

meet_urls = (
    [
        # The party (session of the progress page)
        path("book/", meetings.book, name="book"),
        path("appointments/<int:pk>/cancel/", meetings.cancel, name="cancel"),
        path("messages/", meetings.write, name="write"),
        path("messages/read/", meetings.read, name="read"),
        # Staff
        path("slots/", meetings.slots, name="slots"),
        path("slots/<int:pk>/withdraw/", meetings.withdraw_slot, name="withdraw-slot"),
        path("cases/<int:pk>/parties/<int:party_id>/answer/", meetings.answer, name="answer"),
        path("cases/<int:pk>/messages/read/", meetings.read_by_judge, name="read-by-judge"),
    ],
    "party",
)

lead_urls = (
    [
        path("report/", leads.submit, name="submit"),
        path("cases/<int:pk>/attachments/<int:attachment_id>/", leads.attachment, name="attachment"),
    ],
    "leads",
)

verify_urls = ([path("", verify.check, name="check")], "verify")
credit_urls = (
    [
        path("", credit_list.published_list, name="list"),
        path("wechat.txt", credit_list.wechat_export, name="wechat"),
    ],
    "credit",
)
lobby_urls = (
    [
        path("<str:code>/", lobby.screen, name="screen"),
        path("<str:code>/forms/<int:pk>/", lobby.form_pdf, name="form"),
    ],
    "lobby",
)
