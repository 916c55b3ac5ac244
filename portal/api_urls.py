"""The parties' API under /api/v1/ (progress, leads, appointments, messages), the lobby's terminal feed
and the judges' slots."""

from django.urls import path

from .api import leads, lobby, meetings, progress

urlpatterns = [
    path("progress/", progress.ProgressQueryApi.as_view(), name="api-progress"),
    path("progress/case/", progress.ProgressCaseApi.as_view(), name="api-progress-case"),
    path("progress/leads/", leads.PartyLeadsApi.as_view(), name="api-progress-leads"),
    path("progress/slots/", meetings.FreeSlotsApi.as_view(), name="api-progress-slots"),
    path("progress/appointments/", meetings.AppointmentsApi.as_view(), name="api-progress-appointments"),
    path(
        "progress/appointments/<int:pk>/cancel/",
        meetings.CancelAppointmentApi.as_view(),
        name="api-progress-appointment-cancel",
    ),
    path("progress/messages/", meetings.MessagesApi.as_view(), name="api-progress-messages"),
    path("progress/messages/read/", meetings.MessagesReadApi.as_view(), name="api-progress-messages-read"),
    path("lobby/<str:code>/", lobby.LobbyBoardApi.as_view(), name="api-lobby"),
    path("lobby/<str:code>/guide/", lobby.LobbyGuideApi.as_view(), name="api-lobby-guide"),
    path("slots/", meetings.SlotsApi.as_view(), name="api-slots"),
    path("slots/<int:pk>/withdraw/", meetings.WithdrawSlotApi.as_view(), name="api-slot-withdraw"),
]
