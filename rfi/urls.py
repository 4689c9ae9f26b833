from django.urls import path

from . import views, views_opendata

app_name = "rfi"
urlpatterns = [
    path("", views.notice_list, name="notice_list"),
    path("track/", views.track, name="track"),
    path("attachments/<uuid:public_id>/", views.attachment_download, name="attachment"),
    path("<str:docket>/", views.notice_detail, name="notice_detail"),
    path("<str:docket>/respond/", views.submission_create, name="submission_create"),
    path("<str:docket>/respond/done/", views.submission_done, name="submission_done"),
    path("<str:docket>/submissions/", views.reading_room, name="reading_room"),
    path("<str:docket>/submissions/download.csv", views_opendata.submissions_csv, name="submissions_csv"),
    path("<str:docket>/submissions/download.json", views_opendata.submissions_json, name="submissions_json"),
    path("<str:docket>/submissions/<str:tracking_number>/", views.reading_room_detail, name="reading_room_detail"),
]
