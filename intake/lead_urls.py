from django.urls import path

from . import lead_views

app_name = "leads"

urlpatterns = [
    path("report/", lead_views.submit, name="submit"),
    path("cases/<int:pk>/attachments/<int:attachment_id>/", lead_views.attachment, name="attachment"),
]
