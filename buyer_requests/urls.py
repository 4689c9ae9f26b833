from django.urls import path

from . import views

app_name = "buyer_requests"
urlpatterns = [
    path("new/", views.request_create, name="create"),
    path("new/sent/", views.request_sent, name="sent"),
    path("status/<str:token>/", views.request_status, name="status"),
]
