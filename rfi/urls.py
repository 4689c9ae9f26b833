from django.urls import path

from . import views

app_name = "rfi"
urlpatterns = [
    path("", views.notice_list, name="notice_list"),
]
