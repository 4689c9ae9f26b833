from django.urls import path

from . import views

urlpatterns = [
    path("package-requests/", views.PackageRequestList.as_view(), name="staff-package-request-list"),
    path("package-requests/<str:reference>/", views.PackageRequestDetail.as_view(), name="staff-package-request"),
    path("package-requests/<str:reference>/notes/", views.PackageRequestNotes.as_view(),
         name="staff-package-request-notes"),
    path("package-requests/<str:reference>/replies/", views.PackageRequestReplies.as_view(),
         name="staff-package-request-replies"),
    path("package-requests/<str:reference>/matches/", views.PackageRequestMatches.as_view(),
         name="staff-package-request-matches"),
]  # fmt: skip
