"""Appointments and messages with parties, mounted at /meet/: the party's actions and the staff's pages."""

from django.urls import path

from . import party_views

app_name = "party"

urlpatterns = [
    # The party (session of the progress page)
    path("book/", party_views.book, name="book"),
    path("appointments/<int:pk>/cancel/", party_views.cancel, name="cancel"),
    path("messages/", party_views.write, name="write"),
    # Staff
    path("slots/", party_views.slots, name="slots"),
    path("slots/<int:pk>/withdraw/", party_views.withdraw_slot, name="withdraw-slot"),
    path("cases/<int:pk>/parties/<int:party_id>/answer/", party_views.answer, name="answer"),
]
