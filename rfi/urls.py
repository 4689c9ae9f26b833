from django.urls import path

from .views import opendata, public

app_name = "rfi"
urlpatterns = [
    path("", public.notice_list, name="notice_list"),
    path("track/", public.track, name="track"),
    path("attachments/<uuid:public_id>/", public.attachment_download, name="attachment"),
    path("<str:docket>/", public.notice_detail, name="notice_detail"),
    path("<str:docket>/respond/", public.submission_create, name="submission_create"),
    path("<str:docket>/respond/done/", public.submission_done, name="submission_done"),
    path("<str:docket>/submissions/", public.reading_room, name="reading_room"),
    path("<str:docket>/submissions/download.csv", opendata.submissions_csv, name="submissions_csv"),
    path("<str:docket>/submissions/download.json", opendata.submissions_json, name="submissions_json"),
    path("<str:docket>/submissions/<str:tracking_number>/", public.reading_room_detail, name="reading_room_detail"),
]
