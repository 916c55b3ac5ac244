from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("new/", views.new_application, name="new"),
    path("cases/<int:pk>/filed/", views.filed, name="filed"),
    path("cases/<int:pk>/notices/<str:kind>/", views.notice, name="notice"),
    path("cases/<int:pk>/notices/<str:kind>/pdf/", views.notice_pdf, name="notice-pdf"),
    path("cases/<int:pk>/deliveries/", views.record_delivery, name="record-delivery"),
    path("cases/<int:pk>/query-code/", views.reissue_query_code, name="reissue-query-code"),
    path("cases/<int:pk>/interview/", views.interview, name="interview"),
    path("cases/<int:pk>/resume/", views.resume, name="resume"),
]
